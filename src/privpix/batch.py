"""Run one tool over many files: in this process, on a pool of processes, or on a Dask cluster
(``batch_dask.py``), handing each file's outcome to the caller as soon as it is finished.

The job function (``jobs.py``) reads the input, calls the tool, writes the output and returns an
``Outcome``; it catches the errors a file can cause, so one bad file never stops the others.

Interrupts (Ctrl-C, SIGTERM) never leave a file written but unreported, nor a temporary file:

- from the start of a job's write (temporary file + rename) until its outcome is handed to the
  caller, a signal is held back and acted on afterwards; one arriving earlier abandons the job,
  and the atomic write's cleanup removes the temporary file;
- with several workers, the first interrupt stops handing out files and waits for the ones in
  progress (reported as usual); a second one abandons them (their workers get SIGTERM): each of
  those is then complete or absent, never partial, but may be missing from the report.

Then ``KeyboardInterrupt`` reaches the caller, which reports what was finished;
``interrupted_by()`` says which signal it was.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import Job

if TYPE_CHECKING:
    from concurrent.futures import Future


@dataclass
class Outcome:
    job: Job
    report: dict[str, Any] | None
    error: str | None
    output: Path | None = None  # the file written (its ending can follow the format written)

    @property
    def ok(self) -> bool:
        return self.error is None


JobFunction = Callable[[Job, Any], Outcome]
Emit = Callable[[Outcome], None]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


# Below this many files a process pool costs more to start than it saves on a lossless strip
# (bench/strip_throughput.py: 44 files ran faster with -j 1, 1,188 files 1.9x faster with a pool).
PARALLEL_FROM = 64
# Files handed out ahead of the ones finished: enough to keep every worker busy, few enough that a
# 100,000-file batch does not queue 100,000 pickled jobs, and that an interrupt has little to wait for.
AHEAD_PER_WORKER = 4


def workers_for(jobs: list[Job], requested: int, parallel_from: int = PARALLEL_FROM) -> int:
    """``-j N`` as given; ``-j 0`` (auto) means one worker per core once the batch is large."""
    if requested > 0:
        return requested
    return default_workers() if len(jobs) >= parallel_from else 1


class _State:
    in_job = False
    holding = False  # a written file's outcome is on its way to the caller: signals wait
    deferred: int | None = None
    worker = False
    signals: list[int] = []


def _on_signal(signum: int, frame: object) -> None:
    _State.signals.append(signum)
    if _State.holding:
        _State.deferred = signum
        return
    if _State.worker and not _State.in_job:
        os._exit(128 + signum)
    raise KeyboardInterrupt


def interrupted_by() -> int:
    """The last signal that interrupted the batch (SIGINT when Ctrl-C came some other way)."""
    return _State.signals[-1] if _State.signals else signal.SIGINT


@contextmanager
def uninterruptible() -> Iterator[None]:
    """Around a job's write: from here until the outcome is handed over (``delivering``), a signal
    waits. If the write fails, signals are acted on again at once."""
    _State.holding = True
    try:
        yield
    except BaseException:
        _State.holding = False
        raise


@contextmanager
def delivering() -> Iterator[None]:
    """Around handing an outcome to the caller: not interrupted; a signal held back meanwhile is
    raised as KeyboardInterrupt afterwards."""
    _State.holding = True
    try:
        yield
    finally:
        _State.holding = False
    if _State.deferred is not None:
        _State.deferred = None
        raise KeyboardInterrupt


def guarded(fn: JobFunction, job: Job, task: Any) -> Outcome:
    """``fn(job, task)``, with anything unexpected reported against the file instead of raised."""
    _State.in_job = True
    _State.holding = False
    try:
        return fn(job, task)
    except MemoryError:
        return Outcome(job, None, "not enough memory for this image")
    except Exception as err:  # a bug, not the file's fault: still only this file fails
        return Outcome(job, None, f"internal error: {type(err).__name__}: {err}")
    finally:
        _State.in_job = False


def _worker_init() -> None:
    _State.worker = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides what an interrupt means
    signal.signal(signal.SIGTERM, _on_signal)


def _serial(jobs: list[Job], fn: JobFunction, task: Any, emit: Emit) -> None:
    for job in jobs:
        outcome = guarded(fn, job, task)  # a signal during its write is held until the outcome is out
        with delivering():
            emit(outcome)


def _say(text: str) -> None:
    print(f"privpix: {text}", file=sys.stderr, flush=True)


def _pool(jobs: list[Job], fn: JobFunction, task: Any, workers: int, emit: Emit) -> None:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait  # not loaded for small batches

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    pending: dict[Future[Outcome], Job] = {}
    queue = iter(jobs)

    def submit(count: int) -> None:
        for job in islice(queue, count):
            pending[pool.submit(guarded, fn, job, task)] = job

    def finish(done: set[Future[Outcome]]) -> None:
        with delivering():
            for future in done:
                job = pending.pop(future)
                if future.cancelled():
                    continue
                try:
                    outcome = future.result()
                except BaseException as err:  # the worker died (killed, out of memory) or was told to stop
                    outcome = Outcome(job, None, f"the worker process failed: {err or type(err).__name__}")
                emit(outcome)

    try:
        try:
            submit(workers * AHEAD_PER_WORKER)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                submit(len(done))
                finish(done)
        except KeyboardInterrupt:
            for future in pending:
                future.cancel()
            running = [f for f in pending if not f.cancelled()]
            if running:
                _say(f"interrupted: finishing the {len(running)} files in progress (interrupt again to abandon them)")
            try:
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    finish(done)
            except KeyboardInterrupt:
                for process in list(getattr(pool, "_processes", {}).values()):  # no public way before 3.14
                    if process.is_alive():
                        process.terminate()
            raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run(
    jobs: list[Job],
    fn: JobFunction,
    task: Any,
    emit: Emit,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    dask: bool = False,
    progress: bool = False,
    label: str = "Working",
    dask_chunk: int = 1,
) -> None:
    """Run every job, handing each outcome to ``emit`` as the file finishes, with a progress bar on
    stderr (``progress``) that advances file by file. ``dask`` (or a ``scheduler`` address) runs the
    jobs on Dask, ``dask_chunk`` files a task. Raises KeyboardInterrupt after an interrupt, once
    what was finished is emitted."""
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    _State.signals.clear()
    try:
        if not progress:
            _dispatch(jobs, fn, task, emit, workers, scheduler, dask, dask_chunk)
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task_id = bar.add_task(label, total=len(jobs))

            def advance(outcome: Outcome) -> None:
                emit(outcome)
                bar.advance(task_id)

            _dispatch(jobs, fn, task, advance, workers, scheduler, dask, dask_chunk)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _dispatch(
    jobs: list[Job], fn: JobFunction, task: Any, emit: Emit, workers: int, scheduler: str | None, dask: bool, chunk: int
) -> None:
    if dask or scheduler:
        from .batch_dask import run_on_dask

        run_on_dask(jobs, fn, task, emit, scheduler=scheduler, workers=workers, chunk=chunk)
    elif workers <= 1 or len(jobs) <= 1:
        _serial(jobs, fn, task, emit)
    else:
        _pool(jobs, fn, task, min(workers, len(jobs)), emit)

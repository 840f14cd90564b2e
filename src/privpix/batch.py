"""Run one tool over many files: in this process, on a pool of processes, or on a Dask cluster
(``batch_dask.py``), handing each file's outcome to the caller as soon as it is finished.

The job function (``jobs.py``) reads the input, calls the tool, writes the output and returns an
``Outcome``; it catches the errors a file can cause, so one bad file never stops the others.

Interrupts (Ctrl-C, SIGTERM) never leave a file written but unreported, nor a temporary file:

- from the start of a job's write (temporary file + rename) until its outcome is handed to the
  caller, a signal is held back and acted on afterwards; one arriving earlier abandons the job,
  and the atomic write's cleanup removes the temporary file;
- with several workers, the first interrupt stops handing out files and waits for the tasks in
  progress (a file each, or up to 32 for the fast tools; reported as usual); a second one abandons
  them (their workers get SIGTERM): each of those files is then complete or absent, never partial,
  but may be missing from the report.

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


# -j 0 for the tools that take about a millisecond a file (strip, inspect, audit) weighs the batch:
# a pool of worker processes costs ~0.1 s to start and feed, which a batch repays only once its serial
# time is several times that. That time is about a fixed cost a file (open, parse, write, report)
# plus a cost a byte (the input read, scanned and written): 0.4 ms and 1 ms a MB on a 2-core machine
# (bench/strip_throughput.py: the corpus once, 44 files and 26 MB, runs ~50 ms and faster in this
# process; 27 times over, 1,188 files and 708 MB, faster on a pool).
SERIAL_SECONDS_PER_FILE = 0.0004
SERIAL_SECONDS_PER_BYTE = 1e-9
POOL_FROM_SECONDS = 0.5
# Files handed out ahead of the ones finished, in tasks: enough to keep every worker busy, few enough
# that a 100,000-file batch does not queue 100,000 pickled jobs, and that an interrupt has little to
# wait for.
AHEAD_PER_WORKER = 4


def serial_seconds(jobs: list[Job]) -> float:
    """About how long the fast tools take over ``jobs`` in one process (see the constants above)."""
    return len(jobs) * SERIAL_SECONDS_PER_FILE + sum(job.size for job in jobs) * SERIAL_SECONDS_PER_BYTE


def workers_for(jobs: list[Job], requested: int, parallel_from: int | None = None) -> int:
    """``-j N`` as given; ``-j 0`` (auto) means one worker per core once the batch is worth a pool:
    from ``parallel_from`` files for a tool that takes long on each, or else (the fast tools) once
    ``serial_seconds`` reaches POOL_FROM_SECONDS."""
    if requested > 0:
        return requested
    if parallel_from is not None:
        worth = len(jobs) >= parallel_from
    else:
        worth = serial_seconds(jobs) >= POOL_FROM_SECONDS
    return default_workers() if worth else 1


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


def run_chunk(fn: JobFunction, jobs: list[Job], task: Any) -> list[Outcome]:
    """One task of a pool or Dask worker: a few files in a row (each still fails alone)."""
    return [guarded(fn, job, task) for job in jobs]


def chunk_size(jobs: int, workers: int, most: int) -> int:
    """Files per task: at most ``most``, and few enough that every worker gets several tasks (the
    last ones then end together)."""
    return max(1, min(most, jobs // (workers * 2 * AHEAD_PER_WORKER)))


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


def _pool(jobs: list[Job], fn: JobFunction, task: Any, workers: int, emit: Emit, chunk: int) -> None:
    """Run ``jobs`` on ``workers`` processes, ``chunk`` files a task (fewer messages between the
    processes for the fast tools; 1 for the slow ones, whose files then finish one by one)."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait  # not loaded for small batches

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    pending: dict[Future[list[Outcome]], list[Job]] = {}
    size = chunk_size(len(jobs), workers, chunk)
    tasks = (jobs[i : i + size] for i in range(0, len(jobs), size))

    def submit(count: int) -> None:
        for part in islice(tasks, count):
            pending[pool.submit(run_chunk, fn, part, task)] = part

    def finish(done: set[Future[list[Outcome]]]) -> None:
        with delivering():
            for future in done:
                part = pending.pop(future)
                if future.cancelled():
                    continue
                try:
                    outcomes = future.result()
                except BaseException as err:  # the worker died (killed, out of memory) or was told to stop
                    failed = f"the worker process failed: {err or type(err).__name__}"
                    outcomes = [Outcome(job, None, failed) for job in part]
                for outcome in outcomes:
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
            running = sum(len(part) for future, part in pending.items() if not future.cancelled())
            if running:
                _say(f"interrupted: finishing the {running} files in progress (interrupt again to abandon them)")
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
    chunk: int = 1,
) -> None:
    """Run every job, handing each outcome to ``emit`` as the file finishes, with a progress bar on
    stderr (``progress``) that advances file by file. ``dask`` (or a ``scheduler`` address) runs the
    jobs on Dask, ``chunk`` files a task (on a local pool at most that many, see ``chunk_size``).
    Raises KeyboardInterrupt after an interrupt, once what was finished is emitted."""
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    _State.signals.clear()
    try:
        if not progress:
            _dispatch(jobs, fn, task, emit, workers, scheduler, dask, chunk)
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task_id = bar.add_task(label, total=len(jobs))

            def advance(outcome: Outcome) -> None:
                emit(outcome)
                bar.advance(task_id)

            _dispatch(jobs, fn, task, advance, workers, scheduler, dask, chunk)
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
        _pool(jobs, fn, task, min(workers, len(jobs)), emit, chunk)

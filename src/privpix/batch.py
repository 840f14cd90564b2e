"""Run one tool over many files: in this process, on a pool of processes, or on a Dask cluster
(``batch_dask.py``), yielding each file's outcome as soon as it is finished.

The job function (``jobs.py``) reads the input, calls the tool, writes the output and returns an
``Outcome``; it catches the errors a file can cause, so one bad file never stops the others.

Interrupts (Ctrl-C, SIGTERM): the pool's workers ignore SIGINT, so the main process decides. It
stops handing out files, asks each worker to abandon its current file (SIGTERM, which a worker
turns into an exception inside the job, so the atomic write removes its temporary file) and
re-raises, so the caller can report what was finished.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from .files import Job


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


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


# Below this many files a process pool costs more to start than it saves on a lossless strip.
PARALLEL_FROM = 32
# Files handed to the pool ahead of the ones finished: enough to keep every worker busy, few enough
# that a 100,000-file batch does not queue 100,000 pickled jobs, and that an interrupt has little to cancel.
AHEAD_PER_WORKER = 4


def workers_for(jobs: list[Job], requested: int, parallel_from: int = PARALLEL_FROM) -> int:
    """``-j N`` as given; ``-j 0`` (auto) means one worker per core once the batch is large."""
    if requested > 0:
        return requested
    return default_workers() if len(jobs) >= parallel_from else 1


_in_job = False


def guarded(fn: JobFunction, job: Job, task: Any) -> Outcome:
    """``fn(job, task)``, with anything unexpected reported against the file instead of raised."""
    global _in_job
    _in_job = True
    try:
        return fn(job, task)
    except MemoryError:
        return Outcome(job, None, "not enough memory for this image")
    except Exception as err:  # a bug, not the file's fault: still only this file fails
        return Outcome(job, None, f"internal error: {type(err).__name__}: {err}")
    finally:
        _in_job = False


def _on_term(signum: int, frame: object) -> None:
    if _in_job:
        raise KeyboardInterrupt  # unwinds the job: the atomic write removes its temporary file
    os._exit(128 + signum)


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)


def local_results(jobs: list[Job], fn: JobFunction, task: Any, workers: int) -> Iterator[Outcome]:
    """Outcomes in the order files finish: in this process, or on ``workers`` processes."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield guarded(fn, job, task)
        return
    workers = min(workers, len(jobs))
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    pending: dict[Future[Outcome], Job] = {}
    queue = iter(jobs)
    try:
        for job in islice(queue, workers * AHEAD_PER_WORKER):
            pending[pool.submit(guarded, fn, job, task)] = job
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                try:
                    outcome = future.result()
                except Exception as err:  # the worker died (killed, out of memory)
                    outcome = Outcome(job, None, f"the worker process failed: {err or type(err).__name__}")
                for nxt in islice(queue, 1):
                    pending[pool.submit(guarded, fn, nxt, task)] = nxt
                yield outcome
    except BaseException:
        for future in pending:
            future.cancel()
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
    *,
    workers: int = 1,
    scheduler: str | None = None,
    dask: bool = False,
    progress: bool = False,
    label: str = "Working",
) -> Iterable[Outcome]:
    """Yield each job's outcome as it finishes, with a progress bar on stderr (``progress``) that
    advances file by file. ``dask`` (or a ``scheduler`` address) runs the jobs on Dask."""
    if dask or scheduler:
        from .batch_dask import dask_results

        results = dask_results(jobs, fn, task, scheduler=scheduler, workers=workers)
    else:
        results = local_results(jobs, fn, task, workers)
    if not progress:
        yield from results
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task_id = bar.add_task(label, total=len(jobs))
        for outcome in results:
            bar.advance(task_id)
            yield outcome

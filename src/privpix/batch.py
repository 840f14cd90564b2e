"""Run one tool over many files: in order or on several cores, with a progress bar on a terminal,
and every failure reported against its file while the others go on.

The job function runs in the worker (it reads the input, calls the tool, writes the output) and
returns a plain dict, so jobs can run in a process pool.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from .files import Job


@dataclass
class Outcome:
    job: Job
    report: dict[str, Any] | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


JobFunction = Callable[[Job, Any], Outcome]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


# Below this many files a process pool costs more to start than it saves on a lossless strip.
PARALLEL_FROM = 32


def workers_for(jobs: list[Job], requested: int, parallel_from: int = PARALLEL_FROM) -> int:
    """``-j N`` as given; ``-j 0`` (auto) means one worker per core once the batch is large."""
    if requested > 0:
        return requested
    return default_workers() if len(jobs) >= parallel_from else 1


def _results(jobs: list[Job], fn: JobFunction, options: Any, workers: int) -> Iterator[Outcome]:
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield fn(job, options)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        # map keeps input order, so output lines come out in the order files were named
        # a few chunks per worker: fewer round trips than one job at a time, still balanced
        chunk = max(1, len(jobs) // (workers * 4))
        yield from pool.map(fn, jobs, [options] * len(jobs), chunksize=chunk)


def run(
    jobs: list[Job],
    fn: JobFunction,
    options: Any,
    *,
    workers: int = 1,
    show_progress: bool | None = None,
    label: str = "Working",
) -> Iterable[Outcome]:
    """Yield each job's outcome as it completes (in input order)."""
    if show_progress is None:
        show_progress = sys.stderr.isatty() and len(jobs) > 1
    if not show_progress:
        yield from _results(jobs, fn, options, workers)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(label, total=len(jobs))
        for outcome in _results(jobs, fn, options, workers):
            progress.advance(task)
            yield outcome

"""Run a batch on a Dask cluster (``privpix[dask]``): ``--scheduler tcp://HOST:8786`` joins a running
cluster; ``--executor dask`` alone starts a local one (one worker process per ``-j``, loopback only).

Each file is one task: the same job function as the local pool (``jobs.py``), which reads the input
and writes the output itself, so files never travel through the scheduler; only the small report
comes back. Every worker must therefore see the inputs and the output directory under the same
paths as this machine (a shared file system mounted at the same place); paths are made absolute
here and checked on every worker before the first task. Outputs, names and reports are the same
as with the local pool (docs/cli.md).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from itertools import islice
from pathlib import Path
from typing import Any

from .batch import AHEAD_PER_WORKER, Emit, JobFunction, Outcome, default_workers, delivering, run_chunk
from .errors import Error
from .files import Job


class DaskUnavailableError(Error, RuntimeError):
    """Dask is not installed, the scheduler cannot be reached, or workers cannot see the files."""


def _absolute(job: Job) -> Job:
    return dataclasses.replace(
        job,
        source=Path(os.path.abspath(job.source)),
        output=Path(os.path.abspath(job.output)) if job.output is not None else None,
        alternatives=tuple(Path(os.path.abspath(p)) for p in job.alternatives),
    )


def _missing(paths: list[str]) -> list[str]:
    """Runs on each worker: which of ``paths`` it cannot see."""
    return [p for p in paths if not os.path.exists(p)]


def _directories(jobs: list[Job]) -> list[str]:
    dirs = {os.path.dirname(j.source) for j in jobs}
    for job in jobs:
        parent = job.output.parent if job.output is not None else None
        while parent is not None and not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if parent is not None:
            dirs.add(str(parent))
    return sorted(dirs)


def _connect(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise DaskUnavailableError("Dask is not installed: pip install 'privpix[dask]'") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except OSError as err:
            raise DaskUnavailableError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    cluster = LocalCluster(
        n_workers=workers or default_workers(),
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,  # logging.ERROR
    )
    return Client(cluster), cluster


def run_on_dask(
    jobs: list[Job], fn: JobFunction, task: Any, emit: Emit, *, scheduler: str | None, workers: int, chunk: int = 1
) -> None:
    """Run the jobs on Dask workers, ``chunk`` files a task, handing each outcome to ``emit`` as its
    task finishes (with the job as the caller planned it: paths as named, not the absolute ones the
    workers were given). A Dask task costs milliseconds of scheduling, about what stripping a photo
    costs, so fast tools send files in chunks. Interrupts behave as with the local pool (batch.py):
    the first waits for the tasks handed out, the second abandons them."""
    if not jobs:
        return
    client, cluster = _connect(scheduler, workers)
    futures: dict[Any, range] = {}
    try:
        from dask.distributed import as_completed

        unseen = {worker: missing for worker, missing in client.run(_missing, _directories(jobs)).items() if missing}
        if unseen:
            worker, missing = next(iter(unseen.items()))
            raise DaskUnavailableError(
                f"Dask worker {worker} cannot see {missing[0]}: every worker must reach the inputs and the "
                "output directory under the same paths (a shared file system)"
            )
        shared = client.scatter(task, broadcast=True)
        remote = [_absolute(job) for job in jobs]
        ahead = max(1, len(client.scheduler_info().get("workers", {}))) * AHEAD_PER_WORKER
        queue = iter(range(0, len(jobs), chunk))
        finished = as_completed()

        def submit(count: int) -> None:
            for start in islice(queue, count):
                indices = range(start, min(start + chunk, len(jobs)))
                future = client.submit(run_chunk, fn, [remote[i] for i in indices], shared, pure=False)
                futures[future] = indices
                finished.add(future)

        def report(future: Any) -> None:
            with delivering():
                _report(future)

        def _report(future: Any) -> None:
            indices = futures.pop(future)
            try:
                outcomes = future.result()
            except Exception as err:  # the worker died or lost the task
                outcomes = [Outcome(remote[i], None, f"the Dask task failed: {err or type(err).__name__}") for i in indices]
            for i, outcome in zip(indices, outcomes):
                planned = jobs[i]
                output = outcome.output
                if output is not None and planned.output is not None:
                    output = planned.output.with_name(output.name)
                emit(dataclasses.replace(outcome, job=planned, output=output))

        submit(ahead)
        try:
            for future in finished:
                submit(1)
                report(future)
        except KeyboardInterrupt:  # hand out nothing more; what the workers were given still finishes
            if futures:
                print(
                    f"privpix: interrupted: finishing the {sum(map(len, futures.values()))} files handed out "
                    "(interrupt again to abandon them)",
                    file=sys.stderr,
                )
            try:
                for future in finished:
                    report(future)
            except KeyboardInterrupt:
                pass
            raise
    finally:
        if futures:
            client.cancel(list(futures))
        client.close()
        if cluster is not None:
            cluster.close()

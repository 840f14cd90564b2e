"""What every batch command shares: its flags, where its files come from, and its one run.

``batch_command`` registers a command with the shared flags added to its own (the tool's
options); ``run_batch`` collects the inputs, plans the outputs, runs the jobs and reports, by the
rules in docs/cli.md. cli.py holds the commands themselves.
"""

from __future__ import annotations

import inspect as pyinspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

import typer

from .files import IMAGE_SUFFIXES


def usage(message: str, hint: str | None = None) -> NoReturn:
    raise typer.BadParameter(message, param_hint=hint)


# ---- the flags every batch command shares -------------------------------------------------------------


@dataclass
class BatchFlags:
    """The shared flags' values (a command without a flag gets its default)."""

    files: list[Path] | None = None
    files_from: Path | None = None
    null: bool = False
    out: Path | None = None
    recursive: bool = False
    overwrite: bool = False
    skip_existing: bool = False
    jobs: int = 0
    executor: str = "local"
    scheduler: str | None = None
    json_out: bool = False
    jsonl: bool = False
    quiet: bool = False
    verbose: bool = False
    in_place: bool = False
    keep_mtime: bool = True


_SHARED: dict[str, tuple[Any, Any]] = {
    "files": (
        Annotated[
            list[Path] | None,
            typer.Argument(
                help="Image files or directories; - reads one image from standard input.",
                show_default=False,
                readable=False,  # an unreadable file is that file's error, not the whole command's
            ),
        ],
        None,
    ),
    "files_from": (
        Annotated[
            Path | None,
            typer.Option(
                "--files-from",
                metavar="FILE",
                readable=False,
                help="Also take the names listed in FILE, one a line (- reads standard input).",
            ),
        ],
        None,
    ),
    "null": (Annotated[bool, typer.Option("-0", "--null", help="--files-from names end with NUL bytes (find -print0).")], False),
    "out": (
        Annotated[
            Path | None,
            typer.Option(
                "-o",
                "--out",
                metavar="DIR",
                help="Write results into DIR (created if needed), keeping the folders named; - writes to standard output.",
            ),
        ],
        None,
    ),
    "recursive": (Annotated[bool, typer.Option("-r", "--recursive", help="Descend into sub-directories.")], False),
    "overwrite": (
        Annotated[bool, typer.Option("--overwrite", help="Replace outputs that already exist (by default each is refused).")],
        False,
    ),
    "skip_existing": (
        Annotated[bool, typer.Option("--skip-existing", help="Skip inputs whose output already exists (resume a batch).")],
        False,
    ),
    "jobs": (
        Annotated[int, typer.Option("-j", "--jobs", min=0, help="Files processed at once; 0 (default) picks one per core.")],
        0,
    ),
    "executor": (
        Annotated[
            str,
            typer.Option("--executor", metavar="local|dask", help="Where files are processed: this machine, or a Dask cluster."),
        ],
        "local",
    ),
    "scheduler": (
        Annotated[
            str | None,
            typer.Option(
                "--scheduler",
                metavar="ADDRESS",
                help="Run on this Dask scheduler (tcp://HOST:8786); every worker must see the files at the same paths.",
            ),
        ],
        None,
    ),
    "json_out": (Annotated[bool, typer.Option("--json", help="Print one JSON document at the end (docs/cli.md).")], False),
    "jsonl": (Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per file as it finishes.")], False),
    "quiet": (Annotated[bool, typer.Option("-q", "--quiet", help="Print only errors and warnings.")], False),
    "verbose": (Annotated[bool, typer.Option("-v", "--verbose", help="Also list what was removed from each file.")], False),
}
_IN_PLACE: dict[str, tuple[Any, Any]] = {
    "in_place": (
        Annotated[bool, typer.Option("--in-place", help="Replace each input with its result (atomic; through symlinks).")],
        False,
    ),
    "keep_mtime": (
        Annotated[
            bool,
            typer.Option("--keep-mtime/--no-keep-mtime", help="With --in-place, keep each file's modification time."),
        ],
        True,
    ),
}
_NOT_FOR_INSPECT = ("out", "overwrite", "skip_existing")


# compress, convert and erase keep -q for --quality (as cwebp, avifenc and the web app's copied
# commands have it); there quiet is --quiet alone.
_QUIET_LONG = (Annotated[bool, typer.Option("--quiet", help="Print only errors and warnings.")], False)


def batch_command(
    app: typer.Typer,
    name: str | None = None,
    *,
    examples: str,
    in_place: bool = False,
    writes: bool = True,
    short_quiet: bool = True,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a batch command: the function's own parameters are its tool options; the shared
    flags (``_SHARED``, and ``--in-place`` where the format can stay) are added to its signature and
    handed to it as one ``BatchFlags``."""
    shared = {k: v for k, v in _SHARED.items() if writes or k not in _NOT_FOR_INSPECT}
    if not short_quiet:
        shared["quiet"] = _QUIET_LONG
    if in_place:
        shared |= _IN_PLACE
    epilog = "Examples:\n\n\b\n" + "\n".join("  " + line for line in examples.strip().splitlines())

    def decorate(fn: Callable[..., None]) -> Callable[..., None]:
        own = [p for p in pyinspect.signature(fn, eval_str=True).parameters.values() if p.name != "flags"]
        added = [
            pyinspect.Parameter(key, pyinspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
            for key, (annotation, default) in shared.items()
        ]
        files, rest = added[0], added[1:]

        def command(**kwargs: Any) -> None:
            flags = BatchFlags(**{k: kwargs.pop(k) for k in list(kwargs) if k in shared})
            fn(**kwargs, flags=flags)

        parameters = [files.replace(kind=pyinspect.Parameter.POSITIONAL_OR_KEYWORD)] + own + rest
        command.__signature__ = pyinspect.Signature(parameters)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in parameters}
        command.__doc__ = fn.__doc__
        command.__name__ = fn.__name__
        command.__module__ = fn.__module__
        app.command(name, epilog=epilog)(command)
        return fn

    return decorate


# Files per task for the tools that take about a millisecond a file (inspect, strip, audit): 32 strips
# are ~30 ms of work against ~4 ms of Dask scheduling (bench/dask_throughput.py) or a few hundred
# microseconds of messages to a local pool worker.
CHUNK_FAST = 32


@dataclass
class BatchSpec:
    """What differs between batch tools: file selection, output naming, the job and its report."""

    tool: str
    tag: str  # output names: <stem>-<tag><ext>
    job: Callable[..., Any]
    task: Any
    line: Callable[[Path, Path | None, dict[str, Any]], str | None]  # None: it printed the file's report itself
    label: str  # progress bar
    suffixes: frozenset[str] = IMAGE_SUFFIXES  # the names a directory walk picks
    suffixes_for: Callable[[Path], tuple[str, ...]] | None = None
    parallel_from: int | None = None  # batch size from which -j 0 uses every core (None: by batch.serial_seconds)
    max_workers: int | None = None  # -j 0 means this many at most (remove-bg: the model already uses every core)
    details: Callable[[dict[str, Any]], list[str]] | None = None
    exact_output: bool = False  # -o names the output file (one input)
    chunk: int = 1  # files per task on a pool or Dask worker (the slow tools: 1, each file reported as it ends)
    prepare: Callable[[list[Any]], Any] | None = None  # the task, made once the jobs are known (replaces ``task``)
    aggregate: Any = None  # report.Aggregate: what the tool reports about all the files together (audit)


def _inputs(flags: BatchFlags, writes: bool) -> tuple[list[Path], bytes | None]:
    """The paths to process, and standard input's bytes when the input is ``-``."""
    from .files import STDIO, read_names

    paths = list(flags.files or [])
    if flags.files_from is not None:
        if flags.files_from == STDIO and STDIO in paths:
            usage("standard input cannot be both an image (-) and a list of names (--files-from -)")
        try:
            paths += read_names(flags.files_from, flags.null)
        except OSError as err:
            from .files import describe

            usage(f"{flags.files_from}: {describe(err)}", "--files-from")
    elif flags.null:
        usage("-0 describes the --files-from list; give --files-from FILE", "-0")
    if not paths:
        usage("give one or more files or directories, - for standard input, or --files-from FILE")
    if STDIO not in paths:
        return paths, None
    if len(paths) > 1:
        usage("- (standard input) holds one image: give it alone")
    if flags.in_place:
        usage("--in-place needs a file, not standard input")
    if writes and flags.out not in (None, STDIO):
        usage("standard input has no name to write under -o DIR: leave -o out to write to standard output", "-o")
    if sys.stdin.isatty():
        usage("- reads an image from standard input, but it is a terminal: pipe a file in (privpix ... - < photo.jpg)")
    return paths, sys.stdin.buffer.read()


def _check(flags: BatchFlags, exact_output: bool) -> Literal["lines", "json", "jsonl"]:
    """Usage errors between the shared flags; returns the report mode."""
    from .files import STDIO

    if flags.in_place and flags.out is not None:
        usage("--in-place and -o/--out cannot be combined")
    if flags.overwrite and flags.skip_existing:
        usage("--overwrite and --skip-existing cannot be combined")
    if flags.json_out and flags.jsonl:
        usage("--json and --jsonl cannot be combined")
    if flags.quiet and flags.verbose:
        usage("-q and -v cannot be combined")
    if flags.out == STDIO and (flags.json_out or flags.jsonl):
        usage("-o - writes the image to standard output, where --json/--jsonl would go too")
    out = flags.out
    if out is not None and out != STDIO and out.exists() and not out.is_dir() and not exact_output:
        usage(f"{out} is a file; -o names a directory", "-o")
    if flags.executor not in ("local", "dask"):
        usage(f"{flags.executor!r} is not local or dask", "--executor")
    return "json" if flags.json_out else "jsonl" if flags.jsonl else "lines"


def run_batch(spec: BatchSpec, flags: BatchFlags, writes: bool = True) -> NoReturn:
    from .batch import interrupted_by, run, workers_for
    from .files import STDIO, Job, OutputRules, collect, plan
    from .report import BatchReport

    mode = _check(flags, spec.exact_output)
    paths, stdin_data = _inputs(flags, writes)
    to_stdout = writes and (flags.out == STDIO or stdin_data is not None)
    report = BatchReport(
        spec.tool,
        spec.line,
        mode=mode,
        quiet=flags.quiet,
        verbose=flags.verbose,
        lines_to_stderr=to_stdout,
        details=spec.details,
        aggregate=spec.aggregate,
    )
    if stdin_data is not None:
        jobs = [Job(STDIO, STDIO if writes else None, data=stdin_data)]
    else:
        found = collect(
            paths,
            flags.recursive,
            spec.suffixes,
            tag=spec.tag if writes else None,
            exclude=flags.out if writes and flags.out not in (None, STDIO) else None,
        )
        for path, message in found.notes:
            report.note(path, message)
        if flags.out == STDIO and len(found.sources) > 1:
            usage("-o - (standard output) holds one image, but there are several inputs", "-o")
        if writes:
            rules = OutputRules(
                spec.tag,
                flags.out,
                in_place=flags.in_place,
                overwrite=flags.overwrite,
                skip_existing=flags.skip_existing,
                keep_mtime=flags.keep_mtime,
                out_file=spec.exact_output,
            )
            planned = plan(found.sources, rules, spec.suffixes_for)
            jobs = planned.jobs
            for path, message in planned.notes:
                report.note(path, message)
            report.expect([s.path for s in found.sources])
            report.problems(found.problems + planned.refused)
            report.skipped(planned.skipped)
        else:
            jobs = [Job(s.path, None, size=s.size) for s in found.sources]
            report.expect([s.path for s in found.sources])
            report.problems(found.problems)
    task = spec.prepare(jobs) if spec.prepare is not None and jobs else spec.task
    workers = workers_for(jobs, flags.jobs, spec.parallel_from)
    if spec.max_workers is not None and flags.jobs == 0:
        workers = min(workers, spec.max_workers)
    dask = (flags.executor == "dask" or flags.scheduler is not None) and stdin_data is None and flags.out != STDIO
    progress = sys.stderr.isatty() and len(jobs) > 1 and not flags.quiet
    interrupted: int | None = None
    try:
        run(
            jobs,
            spec.job,
            task,
            report.outcome,
            workers=workers,
            scheduler=flags.scheduler,
            dask=dask,
            progress=progress,
            label=spec.label,
            chunk=spec.chunk,
        )
    except KeyboardInterrupt:
        interrupted = interrupted_by()
    except RuntimeError as err:
        from .batch_dask import DaskUnavailableError

        if not isinstance(err, DaskUnavailableError):
            raise
        from .report import say

        say("dask", str(err))
        raise typer.Exit(1) from None
    raise typer.Exit(report.finish(interrupted))

"""The ``privpix`` command line: one sub-command per tool, plus ``serve`` and ``build-site``.

Conventions every tool follows (set here by ``strip``):
- inputs are files or directories (``-r`` descends); content is sniffed, names are not trusted;
- ``-o DIR`` writes ``DIR/<same name>``; without it a new file ``<stem>-<tool><ext>`` goes beside the
  input; ``--in-place`` replaces the input atomically; the input is never modified otherwise;
- one line per file on stdout, ``--json`` prints one JSON document instead;
- each failure goes to stderr as ``privpix: FILE: reason`` and the other files still run;
- exit status 0 only if every file succeeded, 1 if any failed, 2 for usage errors;
- a progress bar on stderr when several files run on a terminal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .files import Job
from .options import STRIP, ToolSpec

app = typer.Typer(
    name="privpix",
    help="Private image tools. Everything runs on this machine; nothing is uploaded.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one machine-readable JSON document on stdout.")]
OutDir = Annotated[
    Path | None,
    typer.Option("-o", "--out", help="Write results into DIR (created if needed) under the same file names.", file_okay=False),
]
Recursive = Annotated[bool, typer.Option("-r", "--recursive", help="Descend into sub-directories.")]
InPlace = Annotated[bool, typer.Option("--in-place", help="Replace each input with its result (atomic rename).")]
Inputs = Annotated[list[Path], typer.Argument(help="Image files or directories.", show_default=False)]
Jobs = Annotated[
    int,
    typer.Option("-j", "--jobs", min=0, help="Files processed at once; 0 picks one per core for large batches."),
]


def _flag(tool: ToolSpec, name: str, *, metavar: str | None = None, extra: str = "") -> Any:
    """A typer option whose flag and help come from the tool's spec in options.py (defined once)."""
    spec = tool.option(name)
    return typer.Option(
        *spec.flag.split("/", 1) if spec.kind != "bool" else (spec.flag,), help=spec.help + extra, metavar=metavar
    )


def _fail(path: Path | str, reason: str) -> None:
    print(f"privpix: {path}: {reason}", file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        print(f"privpix {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """Private image tools. Everything runs on this machine; nothing is uploaded."""


# ---- inspect ------------------------------------------------------------------------------------------


@app.command()
def inspect(files: Inputs, json_out: JsonFlag = False) -> None:
    """Show what private data each image carries: location, device, time, people, embedded images."""
    from .formats.errors import FormatError
    from .render import print_inspection
    from .tools.inspect import inspect as run_inspect

    failed = False
    entries: list[dict[str, Any]] = []
    for path in files:
        try:
            result = run_inspect(path.read_bytes())
        except (FormatError, OSError) as err:
            reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            _fail(path, reason)
            entries.append({"path": str(path), "ok": False, "error": reason, "result": None})
            failed = True
            continue
        if json_out:
            entries.append({"path": str(path), "ok": True, "error": None, "result": result.to_json()})
        else:
            print_inspection(path, result)
    if json_out:
        print(json.dumps({"files": entries}, indent=2, ensure_ascii=False))
    raise typer.Exit(1 if failed else 0)


# ---- strip --------------------------------------------------------------------------------------------


def _strip_job(job: Job, options: Any) -> Any:
    from .batch import Outcome
    from .files import write_atomic
    from .formats.errors import FormatError
    from .tools.strip import strip as run_strip

    try:
        result = run_strip(job.source.read_bytes(), options)
        in_place = job.output == job.source
        write_atomic(job.output, result.data, mode_from=job.source if in_place else None, durable=in_place)
    except FormatError as err:
        return Outcome(job, None, str(err))
    except OSError as err:
        return Outcome(job, None, f"{err.strerror or err}" + (f": {err.filename}" if err.filename else ""))
    return Outcome(job, result.to_json(), None)


def _keep_groups(values: list[str] | None) -> frozenset[str]:
    groups: set[str] = set()
    for value in values or []:
        groups.update(v.strip() for v in value.split(",") if v.strip())
    return frozenset(groups)


@app.command()
def strip(
    files: Inputs,
    out: OutDir = None,
    recursive: Recursive = False,
    keep_icc: Annotated[bool, _flag(STRIP, "keep_icc")] = STRIP.option("keep_icc").default,
    keep: Annotated[list[str] | None, _flag(STRIP, "keep", metavar="GROUP", extra=" Repeat or comma-separate.")] = None,
    in_place: InPlace = False,
    jobs_flag: Jobs = 0,
    json_out: JsonFlag = False,
) -> None:
    """Remove metadata losslessly: pixels stay byte-for-byte, orientation and colour profile are kept."""
    from .batch import run, workers_for
    from .files import collect, plan
    from .options import StripOptions
    from .render import strip_line

    if in_place and out is not None:
        raise typer.BadParameter("--in-place and -o/--out cannot be combined")
    try:
        options = StripOptions(keep_icc=keep_icc, keep=_keep_groups(keep))
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--keep") from None

    found, problems = collect(files, recursive)
    jobs, refused = plan(found, out, in_place, tag="stripped")
    entries: list[dict[str, Any]] = []
    for path, reason in problems + refused:
        _fail(path, reason)
        entries.append({"path": str(path), "output": None, "ok": False, "error": reason, "result": None})

    for outcome in run(jobs, _strip_job, options, workers=workers_for(jobs, jobs_flag), label="Stripping"):
        job = outcome.job
        entries.append(
            {
                "path": str(job.source),
                "output": str(job.output) if outcome.ok else None,
                "ok": outcome.ok,
                "error": outcome.error,
                "result": outcome.report,
            }
        )
        if not outcome.ok:
            _fail(job.source, outcome.error or "failed")
        elif not json_out:
            print(strip_line(job.source, job.output, outcome.report or {}))
    if json_out:
        print(json.dumps({"files": entries}, indent=2, ensure_ascii=False))
    ok = all(e["ok"] for e in entries) and bool(entries)
    raise typer.Exit(0 if ok else 1)


# ---- serve / build-site -------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on. Loopback by default: only this machine can connect.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0 picks a free one).", min=0, max=65535)] = 8765,
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open the app in the default browser.")] = True,
) -> None:
    """Serve the privpix web app on this machine (static files only: nothing can be uploaded)."""
    from .server import SiteMissingError, serve as run_server

    try:
        run_server(host, port, open_browser=open_browser)
    except SiteMissingError as err:
        _fail("serve", str(err))
        raise typer.Exit(1) from None
    except OSError as err:
        _fail("serve", f"cannot listen on {host}:{port}: {err.strerror or err}")
        raise typer.Exit(1) from None


@app.command("build-site")
def build_site(
    directory: Annotated[Path, typer.Argument(help="Where to write the static site.", file_okay=False)],
) -> None:
    """Write the static web app plus header files for static hosts (_headers, nginx snippet)."""
    from .server import SiteMissingError, build_site as run_build

    try:
        written = run_build(directory)
    except SiteMissingError as err:
        _fail("build-site", str(err))
        raise typer.Exit(1) from None
    print(f"wrote {written} files to {directory}")
    print(f"  {directory / '_headers'}  (Netlify / Cloudflare Pages headers)")
    print(f"  {directory / 'nginx-privpix.conf'}  (nginx snippet: include it in a server block)")


def main() -> None:
    app()

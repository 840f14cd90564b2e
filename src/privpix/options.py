"""The one definition of every tool's options: names, defaults, ranges, help.

The CLI builds its flags from these specs, the library validates against them, and
``options.main`` exports them as JSON for the web app (``web/src/generated/options.json``, written by
``scripts/setup``),
whose UI reads labels, defaults and ranges from that export and shows the equivalent CLI command.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .formats.exif import KEEP_GROUP_NAMES
from .formats.policy import KEEP_ICC_DEFAULT
from .formats.policy import StripOptions as StripOptions  # the strip policy lives in the format layer
from .models import registry as model_registry


@dataclass(frozen=True)
class OptionSpec:
    name: str  # library / JSON name
    flag: str  # CLI flag; booleans are "--x/--no-x"
    kind: str  # "bool" | "int" | "float" | "choice" | "multi" | "string"
    default: Any
    label: str
    help: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

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

ENCODE_FORMATS = ("jpeg", "webp", "avif", "png")
# What -q means when not given; PNG is lossless (quality only matters with --palette).
DEFAULT_QUALITY = {"jpeg": 75, "webp": 75, "avif": 60, "png": 100}
# Pixel budget of one image in both engines: beyond it a file is refused with a clear message
# rather than crashing a browser tab (a 100 MP RGBA image is 400 MB a copy).
MAX_PIXELS = 100_000_000

_ENCODE_COMMON = (
    OptionSpec(
        name="quality",
        flag="-q/--quality",
        kind="int",
        default=None,
        label="Quality",
        help="Encoder quality 1-100 (default: JPEG 75, WebP 75, AVIF 60; PNG is lossless).",
        minimum=1,
        maximum=100,
    ),
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
        choices=("keep", "srgb"),
    ),
    OptionSpec(
        name="background",
        flag="--background",
        kind="string",
        default="#ffffff",
        label="Background for transparency",
        help="Colour that transparent areas are flattened onto when the output has no alpha (JPEG), as #rrggbb.",
    ),
    OptionSpec(
        name="palette",
        flag="--palette/--no-palette",
        kind="bool",
        default=False,
        label="Palette PNG",
        help="PNG only: reduce to at most 256 colours (much smaller; lossy, quality steers it).",
    ),
    OptionSpec(
        name="keep_metadata",
        flag="--keep-metadata/--no-keep-metadata",
        kind="bool",
        default=False,
        label="Keep metadata",
        help="Copy the EXIF (with GPS, camera, dates) into the result; by default it is removed as by strip.",
    ),
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
            "transparent; GIF and BMP become PNG).",
            choices=("keep", *ENCODE_FORMATS),
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
    ),
)

# ---- remove background --------------------------------------------------------------------------------

REMOVE_BG_FORMATS = ("png", "webp")
REMOVE_BG_FORMAT_HELP = "png: lossless; webp: lossy colour at quality 90 with lossless alpha, 3-6x smaller than the PNG."

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
            help=REMOVE_BG_FORMAT_HELP,
            choices=REMOVE_BG_FORMATS,
        ),
        OptionSpec(
            name="background",
            flag="--background",
            kind="string",
            default="none",
            label="Background",
            help="none: transparent; a colour like #ffffff; blur: a blurred copy of the photo; or the path of an "
            "image to put behind the subject (scaled to cover, centred).",
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
# as it was, so higher than compress's defaults. PNG (and GIF/BMP, which become PNG) stays lossless.
ERASE_QUALITY = {"jpeg": 90, "webp": 90, "avif": 80}
# Largest crop (the grown + feathered mask's bounding box with its context, see privpix.tools.erase.fill)
# that is filled at once, in pixels; a larger one is refused with a clear message. Every mask on a
# 12 MP photo fits. The numpy engine peaks at about 100 bytes per crop pixel: a 1000×1400 px hole in
# a 12 MP photo (whose crop is then the whole photo) takes 1.2 GB and ~20 s.
ERASE_MAX_CROP = 16_000_000


def auto_grow(mask_side: int) -> int:
    """``grow`` when not given: 1.5 % of the longer side S of the painted mask's bounding box, rounded
    half up, at least 4 px: ``max(4, (3·S + 100) // 200)`` (S = 302 gives 5, S = 760 gives 11)."""
    return max(4, (3 * mask_side + 100) // 200)


def auto_feather(width: int, height: int) -> int:
    """``feather`` when not given: the photo's longer side L / 1000, rounded half up, at least 2 px:
    ``max(2, (L + 500) // 1000)`` (4032×3024 gives 4, 640×480 gives 2)."""
    return max(2, (max(width, height) + 500) // 1000)


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
            "(default: 1.5% of the mask's longer side, at least 4).",
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
            "(default: the photo's longer side / 1000, at least 2).",
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
        OptionSpec(
            name="quality",
            flag="-q/--quality",
            kind="int",
            default=None,
            label="Quality",
            help="Encoder quality 1-100 of the result (default: JPEG 90, WebP 90, AVIF 80; PNG is lossless).",
            minimum=1,
            maximum=100,
        ),
        OptionSpec(
            name="keep_metadata",
            flag="--keep-metadata/--no-keep-metadata",
            kind="bool",
            default=False,
            label="Keep metadata",
            help="Copy the EXIF (with GPS, camera, dates) into the result; by default it is removed as by strip.",
        ),
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


_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class EncodeOptions:
    """Options shared by compress and convert (see ``_ENCODE_COMMON``)."""

    quality: int | None = None
    max_dimension: int | None = None
    colour: str = "keep"
    background: str = "#ffffff"
    palette: bool = False
    keep_metadata: bool = False

    def __post_init__(self) -> None:
        if self.quality is not None and not 1 <= self.quality <= 100:
            raise ValueError(f"quality must be 1-100, not {self.quality}")
        if self.max_dimension is not None and not 16 <= self.max_dimension <= 65535:
            raise ValueError(f"max dimension must be 16-65535 pixels, not {self.max_dimension}")
        if self.colour not in ("keep", "srgb"):
            raise ValueError(f"colour must be keep or srgb, not {self.colour!r}")
        if not _HEX_COLOUR.match(self.background):
            raise ValueError(f"background must be a colour like #ffffff, not {self.background!r}")

    def quality_for(self, fmt: str) -> int:
        return self.quality if self.quality is not None else DEFAULT_QUALITY[fmt]

    def background_rgb(self) -> tuple[int, int, int]:
        return (int(self.background[1:3], 16), int(self.background[3:5], 16), int(self.background[5:7], 16))


@dataclass(frozen=True)
class ConvertOptions(EncodeOptions):
    to: str = "jpeg"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.to not in ENCODE_FORMATS:
            raise ValueError(f"cannot convert to {self.to!r}; choose from {', '.join(ENCODE_FORMATS)}")


@dataclass(frozen=True)
class CompressOptions(EncodeOptions):
    format: str = "keep"
    target_size: int | None = None  # bytes

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.format not in ("keep", *ENCODE_FORMATS):
            raise ValueError(f"unknown format {self.format!r}; choose keep or one of {', '.join(ENCODE_FORMATS)}")
        if self.target_size is not None and self.target_size < 1:
            raise ValueError("target size must be positive")


@dataclass(frozen=True)
class RemoveBgOptions:
    """Options of background removal (see ``REMOVE_BG``)."""

    model: str = REMOVE_BG.option("model").default
    format: str = REMOVE_BG.option("format").default
    background: str = REMOVE_BG.option("background").default
    mask_only: bool = REMOVE_BG.option("mask_only").default

    def __post_init__(self) -> None:
        if self.model not in model_registry.MODELS:
            raise ValueError(f"unknown model {self.model!r}; choose from {', '.join(model_registry.MODELS)}")
        if self.format not in REMOVE_BG_FORMATS:
            raise ValueError(f"cannot write {self.format!r}; choose from {', '.join(REMOVE_BG_FORMATS)}")
        if not self.background.strip():
            raise ValueError("background must be none, a colour like #ffffff, blur, or an image path")
        if self.background.startswith("#") and not _HEX_COLOUR.match(self.background):
            raise ValueError(f"background colour must look like #ffffff, not {self.background!r}")
        if self.mask_only and self.background_kind != "none":
            raise ValueError("--mask-only writes the mask alone; it cannot have a background")
        if self.mask_only and self.format != "png":
            raise ValueError("--mask-only writes a greyscale PNG; leave out --format")

    @property
    def background_kind(self) -> str:
        """none, colour, blur or image (any other value is the path of an image)."""
        if self.background in ("none", "blur"):
            return self.background
        return "colour" if self.background.startswith("#") else "image"

    def background_rgb(self) -> tuple[int, int, int]:
        return (int(self.background[1:3], 16), int(self.background[3:5], 16), int(self.background[5:7], 16))


@dataclass(frozen=True)
class EraseOptions:
    """Options of erase (see ``ERASE``); ``None`` means the automatic value (``auto_grow``,
    ``auto_feather``, ``ERASE_QUALITY``)."""

    grow: int | None = ERASE.option("grow").default
    feather: int | None = ERASE.option("feather").default
    seed: int = ERASE.option("seed").default
    quality: int | None = ERASE.option("quality").default
    keep_metadata: bool = ERASE.option("keep_metadata").default

    def __post_init__(self) -> None:
        for name in ("grow", "feather", "seed", "quality"):
            value, spec = getattr(self, name), ERASE.option(name)
            if value is None and spec.default is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be a whole number, not {value!r}")
            assert spec.minimum is not None and spec.maximum is not None
            if not spec.minimum <= value <= spec.maximum:
                raise ValueError(f"{name} must be {spec.minimum:g}-{spec.maximum:g}, not {value}")

    def grow_for(self, mask_side: int) -> int:
        return self.grow if self.grow is not None else auto_grow(mask_side)

    def feather_for(self, width: int, height: int) -> int:
        return self.feather if self.feather is not None else auto_feather(width, height)

    def quality_for(self, fmt: str) -> int:
        return self.quality if self.quality is not None else ERASE_QUALITY[fmt]


def export() -> dict[str, Any]:
    return {
        "limits": {"max_pixels": MAX_PIXELS, "erase_max_crop": ERASE_MAX_CROP},
        "models": model_registry.export(),
        "default_quality": DEFAULT_QUALITY,
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


def export_text() -> str:
    return json.dumps(export(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the export, or write it to PATH (scripts/setup writes web/src/generated/options.json)."""
    args = sys.argv[1:] if argv is None else argv
    if args:
        Path(args[0]).parent.mkdir(parents=True, exist_ok=True)
        Path(args[0]).write_text(export_text(), encoding="utf-8")
    else:
        sys.stdout.write(export_text())
    return 0

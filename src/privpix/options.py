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
            default=True,
            label="Keep colour profile",
            help="Keep the ICC colour profile so colours look the same (it names no person or place).",
        ),
        OptionSpec(
            name="keep",
            flag="--keep",
            kind="multi",
            default=(),
            label="Also keep",
            help="Metadata groups to keep in EXIF: camera (make, model, exposure; no serials), "
            "time (dates), rights (artist, copyright), location (GPS).",
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

TOOLS: dict[str, ToolSpec] = {spec.name: spec for spec in (STRIP, COMPRESS, CONVERT)}


@dataclass(frozen=True)
class StripOptions:
    """Options of the lossless metadata strip (see ``STRIP``)."""

    keep_icc: bool = STRIP.option("keep_icc").default
    keep: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.keep) - set(KEEP_GROUP_NAMES)
        if unknown:
            raise ValueError(f"unknown keep group(s): {', '.join(sorted(unknown))}; choose from {', '.join(KEEP_GROUP_NAMES)}")
        object.__setattr__(self, "keep", frozenset(self.keep))


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


def export() -> dict[str, Any]:
    return {
        "limits": {"max_pixels": MAX_PIXELS},
        "default_quality": DEFAULT_QUALITY,
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

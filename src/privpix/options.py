"""The one definition of every tool's options: names, defaults, ranges, help.

The CLI builds its flags from these specs, the library validates against them, and
``python -m privpix.options`` exports them as JSON for the web app (``web/src/generated/options.json``),
whose UI reads labels, defaults and ranges from that export and shows the equivalent CLI command.
"""

from __future__ import annotations

import json
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

TOOLS: dict[str, ToolSpec] = {STRIP.name: STRIP}


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


def export() -> dict[str, Any]:
    return {
        "tools": {
            name: {
                "command": spec.command,
                "label": spec.label,
                "summary": spec.summary,
                "options": [o.to_json() for o in spec.options],
            }
            for name, spec in TOOLS.items()
        }
    }


def export_text() -> str:
    return json.dumps(export(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m privpix.options [PATH]``: print the export, or write it to PATH."""
    args = sys.argv[1:] if argv is None else argv
    if args:
        Path(args[0]).parent.mkdir(parents=True, exist_ok=True)
        Path(args[0]).write_text(export_text(), encoding="utf-8")
    else:
        sys.stdout.write(export_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Findings: what a file carries, as data.

One vocabulary for both engines (``web/src/engine/formats/findings.ts`` mirrors this file). The CLI
and the web app render findings for people; ``--json`` dumps them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# (key, heading) in the order people read them.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("location", "Location"),
    ("device", "Device"),
    ("time", "Time"),
    ("people", "People and rights"),
    ("embedded", "Embedded images"),
    ("blocks", "Other blocks"),
    ("kept", "Kept by a strip"),
)


@dataclass(frozen=True)
class Finding:
    """One thing a file carries: ``value`` of ``label``, found in ``block`` at ``offset``."""

    category: str
    label: str
    value: str
    block: str
    offset: int
    length: int
    data: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "category": self.category,
            "label": self.label,
            "value": self.value,
            "block": self.block,
            "offset": self.offset,
            "length": self.length,
        }
        if self.data is not None:
            out["data"] = self.data
        return out


@dataclass
class Inspection:
    """Everything ``inspect`` learns about one file."""

    format: str
    mime: str
    width: int | None
    height: int | None
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    damaged: bool = False  # the file was cut short: what is there was read (a warning says where)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "mime": self.mime,
            "width": self.width,
            "height": self.height,
            "findings": [f.to_json() for f in self.findings],
            "warnings": list(self.warnings),
            "damaged": self.damaged,
        }

    def by_category(self, category: str) -> list[Finding]:
        return [f for f in self.findings if f.category == category]


def removed_findings(before: list[Finding], after: list[Finding]) -> list[Finding]:
    """What ``before`` reported that ``after`` no longer does (same category, label and value): the
    "removed" list of every tool's report."""
    remaining = {(f.category, f.label, f.value) for f in after}
    return [f for f in before if (f.category, f.label, f.value) not in remaining]


def format_bytes(n: int) -> str:
    """Sizes for people ("812 bytes", "4.5 kB", "1.96 MB"), in integer arithmetic so that both
    engines round the same way."""
    if n < 1000:
        return f"{n} byte" + ("" if n == 1 else "s")
    if n < 1_000_000:
        tenths = (n + 50) // 100
        return f"{tenths // 10}.{tenths % 10} kB"
    hundredths = (n + 5_000) // 10_000
    return f"{hundredths // 100}.{hundredths % 100:02d} MB"


def format_fixed(x: float, digits: int) -> str:
    """``x`` with ``digits`` decimals, rounding half away from zero identically in both engines
    (Python's format and JavaScript's toFixed break ties differently)."""
    negative = x < 0
    scaled = int(abs(x) * 10**digits + 0.5)
    whole, frac = divmod(scaled, 10**digits)
    text = f"{whole}.{frac:0{digits}d}" if digits else f"{whole}"
    return "-" + text if negative and scaled else text


_SPACE = " \t\n\r\x0b\x0c\x00"


def trim(text: str) -> str:
    """Strip ASCII whitespace and NULs only: ``str.strip`` and JavaScript's ``trim`` disagree about
    Unicode spaces, and both engines must produce the same values."""
    return text.strip(_SPACE)


def plural(n: int, noun: str) -> str:
    """ "1 tag", "2 tags"."""
    return f"{n} {noun}" + ("" if n == 1 else "s")

"""What every tool that writes a file returns: the bytes, and a report derived from its fields.

``Result`` holds what every written file reports (its format, the sizes before and after, what was
removed and what is kept — both found by inspecting the bytes themselves — and warnings);
``PhotoResult`` adds what a re-encoded picture reports (the source's format, the output's size in
pixels). A tool's result subclasses one of them and declares its own fields; nobody writes a
``to_json``: the report is the fields, in this order —

1. ``Section.OUTPUT``: what was written: format, source format, width, height, and the tool's own
   fields marked ``output`` (quality, model, …);
2. ``Section.SIZES``: bytes before and after;
3. ``Section.MEASURES``: the tool's own fields (the default: target size, the erased region, …);
4. ``Section.FINDINGS``: removed, kept, warnings;
5. ``Section.TIMINGS``: fields marked ``timings`` (seconds per stage, to the millisecond).

Within a section, fields keep their declaration order (base class first). ``data`` and fields marked
``in_report=False`` (large in-memory extras such as erase's pixels) are not reported. Values become
JSON by kind: findings by their own ``to_json``, tuples and lists as lists, nested dataclasses as
objects, floats rounded to 3 decimals. ``web/src/engine/tools/result.ts`` declares the same fields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from ..formats.findings import Finding

# The usual file-name ending of each format privpix writes.
EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp", "avif": ".avif"}


class Section(IntEnum):
    OUTPUT = 0
    SIZES = 1
    MEASURES = 2
    FINDINGS = 3
    TIMINGS = 4


def report_field(section: Section = Section.MEASURES, *, in_report: bool = True, **kwargs: Any) -> Any:
    """A result field with its place in the report (see the module docstring)."""
    return field(metadata={"section": section, "in_report": in_report}, **kwargs)


def _json(value: Any) -> Any:
    if isinstance(value, Finding):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, 3)
    return value


@dataclass(kw_only=True)
class Result:
    """A file a tool wrote (``data``) and what every such report says about it."""

    data: bytes = report_field(in_report=False, repr=False)
    format: str = report_field(Section.OUTPUT)
    bytes_before: int = report_field(Section.SIZES)
    bytes_after: int = report_field(Section.SIZES)
    removed: list[Finding] = report_field(Section.FINDINGS)
    kept: list[Finding] = report_field(Section.FINDINGS)
    warnings: list[str] = report_field(Section.FINDINGS)

    def to_json(self) -> dict[str, Any]:
        """The report (``--json``'s ``result``): every reported field, in section order."""
        fields = [f for f in dataclasses.fields(self) if f.metadata.get("in_report", True)]
        fields.sort(key=lambda f: f.metadata.get("section", Section.MEASURES))  # stable: declaration order within
        return {f.name: _json(getattr(self, f.name)) for f in fields}


@dataclass(kw_only=True)
class PhotoResult(Result):
    """A picture decoded and written again (compress, convert, erase, remove-bg)."""

    source_format: str = report_field(Section.OUTPUT)  # jpeg, png, webp, gif, heic, avif, tiff, bmp
    width: int = report_field(Section.OUTPUT)  # of the output, upright
    height: int = report_field(Section.OUTPUT)

    @property
    def extension(self) -> str:
        """The usual file-name ending of ``format`` (".jpg", ".png", ".webp", ".avif")."""
        return EXTENSIONS[self.format]

"""Strip: remove metadata losslessly (no decode, no re-encode), per the policy in ARCHITECTURE.md.

The report is computed by inspecting the output as well as the input, so "removed" and "kept" say
what the written bytes really hold, not what the stripper meant to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..formats.findings import Finding, removed_findings
from ..formats.policy import StripOptions
from ..formats.sniff import container_for


@dataclass
class StripResult:
    data: bytes
    format: str
    bytes_before: int
    bytes_after: int
    removed: list[Finding] = field(default_factory=list)
    kept: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "bytes_before": self.bytes_before,
            "bytes_after": self.bytes_after,
            "removed": [f.to_json() for f in self.removed],
            "kept": [f.to_json() for f in self.kept],
            "warnings": list(self.warnings),
        }


def strip(data: bytes, options: StripOptions | None = None) -> StripResult:
    options = options or StripOptions()
    container = container_for(data)
    before = container.read_metadata(data)
    out = container.strip(data, options)
    after = container.read_metadata(out)
    removed = removed_findings(before.findings, after.findings)
    return StripResult(
        data=out,
        format=before.format,
        bytes_before=len(data),
        bytes_after=len(out),
        removed=removed,
        kept=after.findings,
        warnings=before.warnings,
    )

"""The audit in a batch (``privpix audit``): each file's audit record arrives as the file finishes; this
collects them into the report for all of them (report.Aggregate), and writes the HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .data import load_gazetteer
from .summary import AuditSummary
from .text import report_lines
from .types import PhotoAudit

if TYPE_CHECKING:
    from .html import PhotoRows


class AuditCollector:
    key = "audit"

    def __init__(self, html: Path | None = None) -> None:
        self.summary = AuditSummary(load_gazetteer())
        self.html = html
        self.rows: PhotoRows | None = None
        if html is not None:
            from .html import PhotoRows

            self.rows = PhotoRows()

    def add(self, index: int, result: dict[str, Any]) -> None:
        self.summary.add(PhotoAudit.from_json(result), index)
        if self.rows is not None:
            self.rows.add(index, result)

    def result(self) -> dict[str, Any]:
        report = self.summary.report().to_json()
        if self.html is not None and self.rows is not None:
            from ...atomic import write_atomic
            from ...files import describe
            from ...report import say
            from .html import audit_html

            try:
                write_atomic(self.html, audit_html(report, self.rows).encode(), overwrite=True)
            except OSError as err:
                say(self.html, f"cannot write the report: {describe(err)}")
                self.html = None
        return report

    def lines(self, result: dict[str, Any]) -> list[str]:
        lines = report_lines(result)
        if self.html is not None:
            lines.append(f"Report written to {self.html}")
        return lines

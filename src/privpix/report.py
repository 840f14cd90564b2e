"""What every batch command prints, in one place (docs/cli.md has the schema).

- People: one line per file on stdout as it finishes (``-q`` none, ``-v`` adds what was removed);
  each failure on stderr as ``privpix: FILE: reason``, warnings and notes likewise.
- ``--json``: one document at the end, files in input order.
- ``--jsonl``: one object per file as it finishes, then a summary object.
Every text that came from a file or a file name is passed through ``terminal.printable`` for
people; JSON carries it exactly.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO

from .batch import Outcome
from .terminal import printable

SCHEMA_VERSION = 1
Line = Callable[[Path, Path | None, dict[str, Any]], str | None]  # None: the line function printed it
Mode = Literal["lines", "json", "jsonl"]


class Aggregate(Protocol):
    """What a tool reports about all its files together (the audit's places and identities): fed each
    successful file's result with its position in the input order, asked for its document at the end.
    ``--json`` prints it under ``key``, ``--jsonl`` as a last-but-one object of type ``key``, and
    people get its ``lines``."""

    key: str

    def add(self, index: int, result: dict[str, Any]) -> None: ...

    def result(self) -> dict[str, Any]: ...

    def lines(self, result: dict[str, Any]) -> list[str]: ...


def say(path: Path | str, message: str) -> None:
    """``privpix: PATH: message`` on stderr, safe for a terminal."""
    print(f"privpix: {printable(path)}: {printable(message)}", file=sys.stderr)


class BatchReport:
    def __init__(
        self,
        tool: str,
        line: Line,
        *,
        mode: Mode = "lines",
        quiet: bool = False,
        verbose: bool = False,
        lines_to_stderr: bool = False,
        details: Callable[[dict[str, Any]], list[str]] | None = None,
        aggregate: Aggregate | None = None,
    ) -> None:
        self.tool = tool
        self.aggregate = aggregate
        self.line = line
        self.mode = mode
        self.quiet = quiet
        self.verbose = verbose
        self.lines_to_stderr = lines_to_stderr
        self.details = details
        # Only --json prints the entries again at the end (``index``: the input order); the other
        # modes keep what the summary counts, so that a run over 100,000 files holds no report of each.
        self.entries: list[tuple[int, dict[str, Any]]] = []
        self.counts = {"ok": 0, "error": 0, "skipped": 0, "damaged": 0, "target_missed": 0}
        self.notes: dict[str, list[str]] = {}

    def _stream(self) -> TextIO:
        # looked up at each line: while a progress bar is drawn, rich puts its own sys.stdout in
        # place so that lines appear above the bar
        return sys.stderr if self.lines_to_stderr else sys.stdout

    def note(self, path: Path, message: str) -> None:
        """Something a person should know that is not a failure (a renamed output, a skipped file)."""
        self.notes.setdefault(str(path), []).append(message)
        if not self.quiet:
            say(path, message)

    def _entry(self, index: int, path: Path, output: Path | None, status: str, error: str | None, result: Any) -> None:
        self.counts[status] += 1
        if result is not None:
            self.counts["damaged"] += bool(result.get("damaged"))
            self.counts["target_missed"] += result.get("target_met") is False
        notes = self.notes.pop(str(path), [])  # a path's notes come before its entry, and go with it
        entry = {
            "path": str(path),
            "output": str(output) if output is not None else None,
            "status": status,
            "ok": status != "error",
            "error": error,
            "notes": notes,
            "result": result,
        }
        if self.aggregate is not None and status == "ok":
            self.aggregate.add(index, result)
        if self.mode == "jsonl":
            self._emit({"schema_version": SCHEMA_VERSION, "tool": self.tool, "type": "file", **entry})
        elif self.mode == "json":
            self.entries.append((index, entry))

    def reported(self) -> int:
        """Files reported so far, whatever their outcome."""
        return self.counts["ok"] + self.counts["error"] + self.counts["skipped"]

    def problem(self, path: Path, reason: str, index: int = -1) -> None:
        """An input that never became a job: missing, unreadable, refused by the planner. ``index``:
        its place in the input order (-1, first, for a path that was never an input file)."""
        say(path, reason)
        self._entry(index, path, None, "error", reason, None)

    def skipped(self, path: Path, reason: str, index: int) -> None:
        if not self.quiet and self.mode == "lines":
            print(printable(f"{path}: skipped, {reason}"), file=self._stream())
        self._entry(index, path, None, "skipped", None, None)

    def outcome(self, outcome: Outcome) -> None:
        job = outcome.job
        if not outcome.ok:
            say(job.source, outcome.error or "failed")
            self._entry(job.index, job.source, None, "error", outcome.error, None)
            return
        report = outcome.report or {}
        self._entry(job.index, job.source, outcome.output, "ok", None, report)
        if self.mode == "lines" and not self.quiet:
            text = self.line(job.source, outcome.output, report)
            if text is not None:
                print(printable(text), file=self._stream(), flush=True)
            if self.verbose and self.details is not None:
                for text in self.details(report):
                    print("    " + printable(text), file=self._stream())
        for warning in report.get("warnings", []):
            say(job.source, f"warning: {warning}")

    def summary(self, interrupted: bool) -> dict[str, Any]:
        return {**self.counts, "interrupted": interrupted}

    def finish(self, interrupted_by: int | None = None) -> int:
        """Print what ``--json`` / ``--jsonl`` still owe and return the exit status: 0 when every
        file succeeded or was skipped, 1 when any failed (or there was nothing to do), 3 when every
        file was written but some input was damaged (cut short: docs/strip.md), 4 when every file was
        written but some target size could not be met even downscaled, 128+signal when interrupted."""
        summary = self.summary(interrupted_by is not None)
        together = self.aggregate.result() if self.aggregate is not None else None
        if self.mode == "json":
            files = [e for _, e in sorted(self.entries, key=lambda pair: pair[0])]
            document = {"schema_version": SCHEMA_VERSION, "tool": self.tool, "files": files, "summary": summary}
            if self.aggregate is not None and together is not None:
                document[self.aggregate.key] = together
            self._emit(document, indent=2)
        elif self.mode == "jsonl":
            if self.aggregate is not None and together is not None:
                self._emit({"schema_version": SCHEMA_VERSION, "tool": self.tool, "type": self.aggregate.key, **together})
            self._emit({"schema_version": SCHEMA_VERSION, "tool": self.tool, "type": "summary", **summary})
        elif self.aggregate is not None and together is not None and not self.quiet:
            for text in self.aggregate.lines(together):
                print(printable(text), file=self._stream())
        if interrupted_by is not None:
            if not self.quiet:
                done = f"{summary['ok']} done, {summary['error']} failed"
                print(f"privpix: interrupted: {done}; the files not reported were not written", file=sys.stderr)
            return 128 + interrupted_by
        if not (summary["ok"] or summary["error"] or summary["skipped"]) or summary["error"]:
            return 1
        return 3 if summary["damaged"] else 4 if summary["target_missed"] else 0

    def _emit(self, value: dict[str, Any], indent: int | None = None) -> None:
        sys.stdout.write(json.dumps(value, indent=indent, ensure_ascii=False) + "\n")
        sys.stdout.flush()

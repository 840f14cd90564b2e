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


# What the summary needs of an entry, shared by every file with the same outcome (see _entry).
_COUNTED: dict[tuple[str, bool], dict[str, Any]] = {
    (status, damaged): {"status": status, "result": {"damaged": damaged}}
    for status in ("ok", "error", "skipped")
    for damaged in (False, True)
}


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
        self.entries: list[tuple[int, dict[str, Any]]] = []
        self.notes: dict[str, list[str]] = {}
        self.order: dict[Path, int] = {}

    def _stream(self) -> TextIO:
        # looked up at each line: while a progress bar is drawn, rich puts its own sys.stdout in
        # place so that lines appear above the bar
        return sys.stderr if self.lines_to_stderr else sys.stdout

    def expect(self, paths: list[Path]) -> None:
        """The input order, for the ``--json`` document (outcomes arrive as files finish)."""
        self.order = {p: i for i, p in enumerate(paths)}

    def note(self, path: Path, message: str) -> None:
        """Something a person should know that is not a failure (a renamed output, a skipped file)."""
        self.notes.setdefault(str(path), []).append(message)
        if not self.quiet:
            say(path, message)

    def _entry(self, path: Path, output: Path | None, status: str, error: str | None, result: Any) -> None:
        entry = {
            "path": str(path),
            "output": str(output) if output is not None else None,
            "status": status,
            "ok": status != "error",
            "error": error,
            "notes": self.notes.get(str(path), []),
            "result": result,
        }
        index = self.order.get(path, -1)
        if self.aggregate is not None and status == "ok":
            self.aggregate.add(index, result)
        if self.mode == "jsonl":
            self._emit({"schema_version": SCHEMA_VERSION, "tool": self.tool, "type": "file", **entry})
        if self.mode != "json":
            # Only --json prints the entries again at the end; the others keep what the summary
            # counts (one shared entry per outcome kind), so that a run over 100,000 files does not
            # hold 100,000 reports.
            entry = _COUNTED[(status, result is not None and bool(result.get("damaged")))]
        self.entries.append((index, entry))

    def problems(self, items: list[tuple[Path, str]]) -> None:
        """Inputs that never became jobs: missing, unreadable, refused by the planner."""
        for path, reason in items:
            say(path, reason)
            self._entry(path, None, "error", reason, None)

    def skipped(self, items: list[tuple[Path, str]]) -> None:
        for path, reason in items:
            if not self.quiet and self.mode == "lines":
                print(printable(f"{path}: skipped, {reason}"), file=self._stream())
            self._entry(path, None, "skipped", None, None)

    def outcome(self, outcome: Outcome) -> None:
        source = outcome.job.source
        if not outcome.ok:
            say(source, outcome.error or "failed")
            self._entry(source, None, "error", outcome.error, None)
            return
        report = outcome.report or {}
        self._entry(source, outcome.output, "ok", None, report)
        if self.mode == "lines" and not self.quiet:
            text = self.line(source, outcome.output, report)
            if text is not None:
                print(printable(text), file=self._stream(), flush=True)
            if self.verbose and self.details is not None:
                for text in self.details(report):
                    print("    " + printable(text), file=self._stream())
        for warning in report.get("warnings", []):
            say(source, f"warning: {warning}")

    def summary(self, interrupted: bool) -> dict[str, Any]:
        statuses = [e["status"] for _, e in self.entries]
        return {
            "ok": statuses.count("ok"),
            "error": statuses.count("error"),
            "skipped": statuses.count("skipped"),
            "damaged": sum(1 for _, e in self.entries if (e["result"] or {}).get("damaged")),
            "target_missed": sum(1 for _, e in self.entries if (e["result"] or {}).get("target_met") is False),
            "interrupted": interrupted,
        }

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
        if not self.entries or summary["error"]:
            return 1
        return 3 if summary["damaged"] else 4 if summary["target_missed"] else 0

    def _emit(self, value: dict[str, Any], indent: int | None = None) -> None:
        sys.stdout.write(json.dumps(value, indent=indent, ensure_ascii=False) + "\n")
        sys.stdout.flush()

"""Running the Python and the TypeScript engine over many synthetic files and comparing them.

Every ``test_*_synthetic.py`` module here builds its own cases (name -> file bytes) and option
variants (name -> (engine-cli flags, StripOptions)); how both engines are run over those cases and
what counts as agreement is the same for every container format, so it lives here once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import privpix
from privpix.options import StripOptions
from tests.conftest import run_ts_engine

Variants = Mapping[str, tuple[list[str], StripOptions]]
"""Strip option sets by name: the engine-cli flags for the TS engine and the StripOptions for Python."""


def python_outcome(data: bytes, options: StripOptions | None) -> tuple[dict[str, Any], bytes | None]:
    """The Python engine's outcome in the TS engine's JSON shape (ok, error, result) and the stripped
    bytes; ``options=None`` inspects instead. Exists so that both engines' outcomes compare as plain
    dicts, and so that a Python crash becomes an outcome that never equals the TS engine's."""
    try:
        if options is None:
            return {"ok": True, "error": None, "result": privpix.inspect(data).to_json()}, None
        result = privpix.strip(data, options)
    except privpix.FormatError as err:
        return {"ok": False, "error": str(err), "result": None}, None
    except Exception as err:  # a crash: reported as such, never equal to the other engine's outcome
        return {"ok": False, "error": f"PYTHON CRASH {type(err).__name__}: {err}", "result": None}, None
    return {"ok": True, "error": None, "result": result.to_json()}, result.data


def ts_outcomes(args: list[str], files: list[Path]) -> list[dict[str, Any]]:
    """The TS engine on all files in one process; if it crashes, file by file to name the culprit.
    One Node start for hundreds of files keeps the suites fast; the fallback keeps one crash from
    hiding every other file's outcome."""
    try:
        return run_ts_engine(*args, *map(str, files))["files"]
    except AssertionError:
        entries = []
        for path in files:
            try:
                entries.extend(run_ts_engine(*args, str(path))["files"])
            except AssertionError as err:
                entries.append({"path": str(path), "ok": False, "error": f"TS CRASH {err}", "result": None})
        return entries


@dataclass
class TsRuns:
    """What the TS engine did with one set of cases, kept so that each test compares one case with the
    Python engine without starting Node again."""

    outcomes: dict[str, dict[str, dict[str, Any]]]
    """"inspect" or a strip variant -> case name -> the TS engine's entry (ok, error, result)."""
    out_dirs: dict[str, Path]
    """Strip variant -> the folder the TS engine wrote its stripped files into."""
    options: dict[str, StripOptions]
    """Strip variant -> the options the Python engine strips with for that variant."""
    suffix: str
    """What follows a case's name in its file name (an extension, or nothing if the names have one)."""


def run_ts_on_cases(root: Path, cases: Mapping[str, bytes], variants: Variants, suffix: str = "") -> TsRuns:
    """Write ``cases`` under ``root`` and have the TS engine strip them with every variant and inspect
    them, once per variant for all files together (starting Node per file would take minutes)."""
    src = root / "in"
    src.mkdir()
    files = []
    for name, data in cases.items():
        path = src / f"{name}{suffix}"
        path.write_bytes(data)
        files.append(path)
    runs = TsRuns(outcomes={}, out_dirs={}, options={}, suffix=suffix)
    for variant, (flags, options) in variants.items():
        out = root / variant
        entries = ts_outcomes(["strip", str(out), *flags], files)
        assert [e["path"] for e in entries] == [str(p) for p in files]
        runs.outcomes[variant] = dict(zip(cases, entries))
        runs.out_dirs[variant] = out
        runs.options[variant] = options
    runs.outcomes["inspect"] = dict(zip(cases, ts_outcomes(["inspect"], files)))
    return runs


def engine_mismatch(name: str, data: bytes, variant: str, runs: TsRuns) -> str | None:
    """None if both engines agree on ``name`` for ``variant`` ("inspect" or a strip variant): no crash,
    the same outcome and error message, the same stripped bytes (and no file where the input is
    refused), the same report. Otherwise what differs, so that a test over many damaged files can
    list every disagreement at once."""
    ts = runs.outcomes[variant][name]
    py, out = python_outcome(data, None if variant == "inspect" else runs.options[variant])
    if "CRASH" in str(py["error"]) or "CRASH" in str(ts["error"]):
        return f"crash: {py['error'] if 'CRASH' in str(py['error']) else ts['error']}"
    if (ts["ok"], ts["error"]) != (py["ok"], py["error"]):
        return f"outcome: TS {ts['error']!r} vs Python {py['error']!r}"
    if variant != "inspect":
        written = runs.out_dirs[variant] / f"{name}{runs.suffix}"
        if not py["ok"]:
            return "TS wrote a file for a refused input" if written.exists() else None
        if written.read_bytes() != out:
            return "strip bytes differ"
    if ts["result"] != py["result"]:
        return f"report differs: TS {ts['result']} vs Python {py['result']}"
    return None

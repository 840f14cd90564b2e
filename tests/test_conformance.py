"""One contract, two engines: the TypeScript engine (run under Node) and the Python engine give
byte-identical strip output, the same reports and the same findings for every corpus file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import privpix
from privpix.options import StripOptions

from .conftest import manifest, run_ts_engine

VARIANTS: dict[str, tuple[list[str], StripOptions]] = {
    "default": ([], StripOptions()),
    "no-icc": (["--no-keep-icc"], StripOptions(keep_icc=False)),
    "keep-location-rights": (["--keep", "location,rights"], StripOptions(keep=frozenset({"location", "rights"}))),
    "keep-camera-time": (["--keep", "camera,time"], StripOptions(keep=frozenset({"camera", "time"}))),
    "blurred-location": (["--keep", "blurred-location,time"], StripOptions(keep=frozenset({"blurred-location", "time"}))),
}


def _files(corpus: Path) -> list[Path]:
    return [corpus / e["file"] for e in manifest()]


def _python_entry(path: Path, options: StripOptions | None) -> dict[str, Any]:
    try:
        data = path.read_bytes()
        result = privpix.strip(data, options).to_json() if options else privpix.inspect(data).to_json()
    except privpix.FormatError as err:
        return {"ok": False, "error": str(err), "result": None}
    return {"ok": True, "error": None, "result": result}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_strip_bytes_and_reports_are_identical(variant: str, corpus: Path, tmp_path: Path) -> None:
    flags, options = VARIANTS[variant]
    files = _files(corpus)
    doc = run_ts_engine("strip", str(tmp_path), *flags, *map(str, files))
    assert [Path(e["path"]).name for e in doc["files"]] == [p.name for p in files]
    mismatched = []
    for path, ts in zip(files, doc["files"]):
        py = _python_entry(path, options)
        if (ts["ok"], ts["error"]) != (py["ok"], py["error"]):
            mismatched.append(f"{path.name}: outcome {ts['error']!r} vs {py['error']!r}")
            continue
        if not py["ok"]:
            assert not (tmp_path / path.name).exists()
            continue
        if (tmp_path / path.name).read_bytes() != privpix.strip(path.read_bytes(), options).data:
            mismatched.append(f"{path.name}: bytes differ")
        if ts["result"] != py["result"]:
            mismatched.append(f"{path.name}: report differs")
    assert mismatched == []


def test_inspect_findings_are_identical(corpus: Path) -> None:
    files = _files(corpus)
    doc = run_ts_engine("inspect", *map(str, files))
    mismatched = []
    for path, ts in zip(files, doc["files"]):
        py = _python_entry(path, None)
        if ts != {"path": str(path), **py}:
            mismatched.append(path.name)
    assert mismatched == []
    readable = [e for e in manifest() if not e["file"].startswith("broken_") or "broken_truncated" in e["cases"]]
    assert sum(e["ok"] for e in doc["files"]) == len(readable)  # a truncated photo is read, as damaged

"""Shared fixtures: the real corpus (read in place, never modified), ExifTool as the independent
judge of metadata, and the TypeScript engine run under Node for conformance tests."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from .corpus import CORPUS

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"


@cache
def manifest() -> list[dict[str, Any]]:
    return json.loads((CORPUS / "manifest.json").read_text())


def corpus_entries(*, broken: bool = False) -> list[dict[str, Any]]:
    """Manifest entries; by default the well-formed images, with ``broken=True`` the broken ones."""
    return [e for e in manifest() if e["file"].startswith("broken_") == broken]


def corpus_ids(entries: list[dict[str, Any]]) -> list[str]:
    return [e["file"] for e in entries]


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "manifest.json").is_file():
        pytest.fail(f"corpus not found at {CORPUS} (set PRIVPIX_CORPUS)")
    return CORPUS


def exiftool_json(paths: list[Path], *extra: str) -> dict[str, dict[str, Any]]:
    """``exiftool -j -a -G1 -u -s`` for many files in one process, keyed by file name."""
    exe = shutil.which("exiftool")
    if exe is None:
        pytest.fail("exiftool is required (Debian package libimage-exiftool-perl); the README's test command installs it")
    out = subprocess.run(
        [exe, "-j", "-a", "-G1", "-u", "-s", "-struct", *extra, *map(str, paths)],
        capture_output=True,
        check=False,
        text=True,
    )
    if not out.stdout.strip():
        raise AssertionError(f"exiftool printed nothing: {out.stderr}")
    return {Path(item["SourceFile"]).name: item for item in json.loads(out.stdout)}


def run_ts_engine(*args: str) -> dict[str, Any]:
    """Run web/scripts/engine-cli.ts under Node (via tsx) and return its JSON document."""
    tsx = WEB / "node_modules" / ".bin" / "tsx"
    if not tsx.exists():
        pytest.fail("web/node_modules is missing: run `npm ci` in web/ (the README's test command does)")
    out = subprocess.run([str(tsx), "scripts/engine-cli.ts", *args], cwd=WEB, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise AssertionError(f"engine-cli failed ({out.returncode}): {out.stderr}")
    return json.loads(out.stdout)

"""Shared fixtures: the real corpus (read in place, never modified), ExifTool as the independent
judge of metadata, and the TypeScript engine run under Node for conformance tests."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from .chromium import ARGS as CHROMIUM_ARGS
from .chromium import EXECUTABLE as CHROMIUM
from .corpus import CORPUS

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"


@cache
def manifest() -> list[dict[str, Any]]:
    path = CORPUS / "manifest.json"
    if not path.is_file():
        raise pytest.UsageError(
            f"the test corpus is missing: no {path} (it ships in tests/data/corpus; PRIVPIX_CORPUS overrides)"
        )
    return json.loads(path.read_text())


def corpus_entries(*, broken: bool = False) -> list[dict[str, Any]]:
    """Manifest entries; by default the well-formed images, with ``broken=True`` the broken ones."""
    return [e for e in manifest() if e["file"].startswith("broken_") == broken]


def corpus_ids(entries: list[dict[str, Any]]) -> list[str]:
    return [e["file"] for e in entries]


@pytest.fixture(scope="session")
def corpus() -> Path:
    manifest()  # fails with a clear message when the corpus is missing
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


def run_web_script(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run one of web/scripts/*.ts under Node (via tsx) in web/, capturing its output."""
    tsx = WEB / "node_modules" / ".bin" / "tsx"
    if not tsx.exists():
        pytest.fail("web/node_modules is missing: run `npm ci` in web/ (the README's test command does)")
    return subprocess.run([str(tsx), f"scripts/{script}", *args], cwd=WEB, capture_output=True, text=True, check=False)


def run_ts_engine(*args: str) -> dict[str, Any]:
    """Run web/scripts/engine-cli.ts under Node (via tsx) and return its JSON document."""
    out = run_web_script("engine-cli.ts", *args)
    if out.returncode != 0:
        raise AssertionError(f"engine-cli failed ({out.returncode}): {out.stderr}")
    return json.loads(out.stdout)


@pytest.fixture(scope="session")
def chromium() -> Any:
    """One Debian Chromium (through Playwright's sync API) for the whole test session. The sync API
    cannot run twice at once, so every browser test takes its browser from here, directly or through
    a fixture of its own that returns this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class BenchPages:
    """The benchmark pages of web/bench (engine code in workers, driven from Python), built once per
    session and served cross-origin isolated by privpix's own server, as the app is."""

    root: Path
    url: str

    def add(self, name: str, data: bytes) -> str:
        """Serve ``data`` as files/NAME; returns the relative URL a page can fetch."""
        (self.root / "files").mkdir(exist_ok=True)
        (self.root / "files" / name).write_bytes(data)
        return f"files/{name}"

    def open(self, browser: Any, page: str) -> Any:
        """A fresh context with ``page`` loaded; closing the page's context is the caller's job."""
        context = browser.new_context()
        pg = context.new_page()
        pg.set_default_timeout(300_000)
        pg.goto(self.url + page)
        assert pg.evaluate("() => self.crossOriginIsolated"), "benchmark pages must be cross-origin isolated, like the app"
        return pg


@pytest.fixture(scope="session")
def bench_pages() -> Iterator[BenchPages]:
    vite = WEB / "node_modules" / ".bin" / "vite"
    if not vite.exists():
        pytest.fail("web/node_modules is missing: run `npm ci` in web/ (the README's test command does)")
    out = ROOT / "bench" / "out" / "tests"
    subprocess.run(
        [str(vite), "build", "--config", str(WEB / "bench" / "vite.config.ts"), "--outDir", str(out), "--logLevel", "error"],
        cwd=WEB,
        check=True,
    )
    from privpix.server import extra_files, make_server

    server = make_server("127.0.0.1", 0, root=out, quiet=True, extra=extra_files())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield BenchPages(out, f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()

"""Drive benchmark pages in Debian's Chromium: build web/bench (the benchmark pages) with Vite, serve it with privpix's
own server (same headers as the app) and hand the page whatever it needs."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from _common import ROOT

from privpix.server import extra_files, make_server
from tests.chromium import ARGS as CHROMIUM_ARGS
from tests.chromium import EXECUTABLE as CHROMIUM
from tests.servers import on_a_thread

OUT = ROOT / "bench" / "out" / "browser"


def build_pages(out: Path = OUT) -> Path:
    """Build every benchmark page of web/bench into ``out`` (one Vite build, a few seconds)."""
    vite = ROOT / "web" / "node_modules" / ".bin" / "vite"
    config = ROOT / "web" / "bench" / "vite.config.ts"
    subprocess.run(
        [str(vite), "build", "--config", str(config), "--outDir", str(out), "--logLevel", "warn"], cwd=ROOT / "web", check=True
    )
    return out


@contextmanager
def serve(root: Path, files: list[Path]) -> Iterator[str]:
    """Serve ``root`` plus copies of ``files`` under /files/, yielding the base URL."""
    (root / "files").mkdir(exist_ok=True)
    for f in files:
        shutil.copyfile(f, root / "files" / f.name)
    with on_a_thread(make_server("127.0.0.1", 0, root=root, quiet=True, extra=extra_files())) as url:
        yield url


@contextmanager
def chromium(extra_args: tuple[str, ...] = ()) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()

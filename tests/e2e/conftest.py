"""Fixtures of the end-to-end tests: the built site, ``privpix serve`` on a free port, and the
session's one Chromium (tests/conftest.py). Helpers every e2e module uses live in ``common.py``."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT, WEB
from .common import SITE


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        subprocess.run(["npm", "run", "build"], cwd=WEB, check=True)
    assert (SITE / "index.html").is_file() and (SITE / "sw.js").is_file(), "the web app is not built"
    return SITE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``privpix serve`` as a person runs it. Its request log goes to a file: a pipe nobody reads
    fills up after a few hundred requests and then blocks the server."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "privpix", "serve", "--port", str(port), "--no-open"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"privpix serve did not come up on {url}:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser(chromium: Any) -> Any:
    """The session's one Chromium (Playwright's sync API runs once per session)."""
    return chromium

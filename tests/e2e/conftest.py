"""Fixtures of the end-to-end tests: the built site, ``privpix serve`` on a free port, what
``privpix build-site`` writes served by Debian's nginx with its generated configuration, and the
session's one Chromium (tests/conftest.py). Helpers every e2e module uses live in ``common.py``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT, WEB
from ..servers import free_port, stop, wait_until_answering
from ..static_host import NginxSite, serve_with_nginx
from .common import SITE


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        subprocess.run(["npm", "run", "build"], cwd=WEB, check=True)
    assert (SITE / "index.html").is_file() and (SITE / "sw.js").is_file(), "the web app is not built"
    return SITE


@pytest.fixture(scope="session")
def server(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``privpix serve`` as a person runs it. Its request log goes to a file: a pipe nobody reads
    fills up after a few hundred requests and then blocks the server."""
    port = free_port()
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
        try:
            wait_until_answering(url, proc, lambda: log_path.read_text(errors="replace"))
        except RuntimeError as err:
            pytest.fail(f"privpix serve did not come up: {err}")
        yield url
    finally:
        stop(proc)
        log.close()


def _build_site(site: Path, out: Path, *options: str) -> Path:
    """``privpix build-site OUT OPTIONS`` as a person runs it (models from the model cache)."""
    done = subprocess.run(
        [sys.executable, "-m", "privpix", "build-site", str(out), *options], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, f"build-site failed:\n{done.stdout}\n{done.stderr}"
    return out


@pytest.fixture(scope="session")
def built_site(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``privpix build-site DIR``, the defaults: every model, served at /."""
    return _build_site(site, tmp_path_factory.mktemp("build-site") / "privpix")


@pytest.fixture(scope="session")
def nginx_root(built_site: Path) -> Iterator[NginxSite]:
    with serve_with_nginx(built_site) as served:
        yield served


SUB_PATH = "/tools/privpix/"


@pytest.fixture(scope="session")
def nginx_sub_path(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NginxSite]:
    """A sub-path deploy with the fast model only: ``build-site DIR --base-path /tools/privpix/ --model fast``."""
    built = _build_site(site, tmp_path_factory.mktemp("build-site-sub") / "privpix", "--base-path", SUB_PATH, "--model", "fast")
    with serve_with_nginx(built, SUB_PATH) as served:
        yield served


@pytest.fixture(scope="session")
def browser(chromium: Any) -> Any:
    """The session's one Chromium (Playwright's sync API runs once per session)."""
    return chromium

"""``privpix serve``: static files only, the security headers on every response, the right MIME
types, no way out of the site directory, loopback by default."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from privpix.server import CSP, SECURITY_HEADERS, SITE_DIR, make_server


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>privpix</title>")
    (root / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    (root / "assets" / "engine-abc123.wasm").write_bytes(b"\x00asm\x01\x00\x00\x00")
    (root / "assets" / "glue-abc123.mjs").write_text("export {};")
    (root / "manifest.webmanifest").write_text("{}")
    (tmp_path / "secret.txt").write_text("outside the site")
    return root


@pytest.fixture
def server(site: Path) -> Iterator[tuple[str, int]]:
    srv = make_server("127.0.0.1", 0, root=site, quiet=True)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv.server_address[:2]
    srv.shutdown()
    srv.server_close()


def request(addr: tuple[str, int], method: str, path: str, body: bytes | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(*addr, timeout=5)
    conn.request(method, path, body=body)
    resp = conn.getresponse()
    resp.read()
    return resp


def assert_security_headers(resp: http.client.HTTPResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert resp.getheader(name) == value, name


def test_csp_is_the_architecture_policy() -> None:
    assert CSP == (
        "default-src 'self'; connect-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
        "img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    assert SECURITY_HEADERS["Cross-Origin-Opener-Policy"] == "same-origin"
    assert SECURITY_HEADERS["Cross-Origin-Embedder-Policy"] == "require-corp"


@pytest.mark.parametrize(
    ("path", "mime"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/assets/engine-abc123.wasm", "application/wasm"),
        ("/assets/glue-abc123.mjs", "text/javascript; charset=utf-8"),
        ("/manifest.webmanifest", "application/manifest+json"),
        ("/sw.js", "text/javascript; charset=utf-8"),
    ],
)
def test_files_have_headers_and_mime(server: tuple[str, int], path: str, mime: str) -> None:
    resp = request(server, "GET", path)
    assert resp.status == 200
    assert resp.getheader("Content-Type") == mime
    assert_security_headers(resp)


def test_caching_policy(server: tuple[str, int]) -> None:
    assert request(server, "GET", "/").getheader("Cache-Control") == "no-cache"
    assert request(server, "GET", "/sw.js").getheader("Cache-Control") == "no-cache"
    assert "immutable" in request(server, "GET", "/assets/engine-abc123.wasm").getheader("Cache-Control")


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/assets/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/assets/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..\\secret.txt",
        "/%00index.html",
        "/missing.js",
        "/assets/",
    ],
)
def test_traversal_and_missing_paths_are_refused_with_headers(server: tuple[str, int], path: str) -> None:
    resp = request(server, "GET", path)
    assert resp.status == 404
    assert_security_headers(resp)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_no_method_accepts_a_body(server: tuple[str, int], method: str) -> None:
    resp = request(server, method, "/", body=b"photo bytes")
    assert resp.status == 405
    assert resp.getheader("Allow") == "GET, HEAD"
    assert_security_headers(resp)


def test_head_has_headers_and_no_body(server: tuple[str, int]) -> None:
    conn = http.client.HTTPConnection(*server, timeout=5)
    conn.request("HEAD", "/index.html")
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.read() == b""
    assert int(resp.getheader("Content-Length")) > 0


def test_cli_serve_binds_to_loopback_by_default() -> None:
    if not (SITE_DIR / "index.html").is_file():
        pytest.fail(f"the web app is not built ({SITE_DIR}); the README's test command builds it")
    proc = subprocess.Popen(
        [sys.executable, "-m", "privpix", "serve", "--port", "0", "--no-open"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://([\d.]+):(\d+)/", line)
        assert match, line
        assert match.group(1) == "127.0.0.1"
        resp = request((match.group(1), int(match.group(2))), "GET", "/")
        assert resp.status == 200
        assert_security_headers(resp)
    finally:
        proc.terminate()
        proc.wait(timeout=10)

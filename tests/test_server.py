"""``privpix serve``: static files only, the security headers on every response (its own error pages
included), the right MIME types, no way out of the site directory, loopback by default; files
streamed with 304 and Range, also for mapped slices of files outside the site; bounded connections,
idle and slow clients timed out, control characters escaped in the log."""

from __future__ import annotations

import http.client
import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from privpix.httpd.protocol import Limits, printable
from privpix.server import CSP, SECURITY_HEADERS, SITE_DIR, make_server
from privpix.sitefiles import FileSlice


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


# ---- streaming, validators, ranges, mapped slices -----------------------------------------------------

BLOB = bytes(range(256)) * 4096  # 1 MiB, every offset distinguishable enough


@pytest.fixture
def mapped(site: Path, tmp_path: Path) -> Iterator[tuple[tuple[str, int], Path, io.StringIO]]:
    """A server with small limits, a 1 MiB model-like file outside the site mapped whole and as a
    slice, and its log captured."""
    cache = tmp_path / "cache"
    cache.mkdir()
    blob = cache / "model.onnx"
    blob.write_bytes(BLOB)
    extra = {
        "models/model.onnx": FileSlice(blob),
        "/models/model.part1.bin": FileSlice(blob, 1000, 5000),
    }
    log = io.StringIO()
    limits = Limits(max_connections=3, idle_timeout=0.6, head_timeout=0.6, send_timeout=2.0, chunk=64 * 1024)
    srv = make_server("127.0.0.1", 0, root=site, extra=extra, limits=limits, log=log)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_address, blob, log
    srv.shutdown()
    srv.server_close()


def get(
    addr: tuple[str, int], path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection(*addr, timeout=5)
    conn.request(method, path, headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def test_a_mapped_file_is_served_whole_with_validators(mapped: Any) -> None:
    addr, _, _ = mapped
    resp, body = get(addr, "/models/model.onnx")
    assert resp.status == 200 and body == BLOB
    assert resp.getheader("Content-Length") == str(len(BLOB))
    assert resp.getheader("Accept-Ranges") == "bytes"
    assert resp.getheader("ETag") and resp.getheader("Last-Modified")
    assert resp.getheader("Content-Type") == "application/octet-stream"
    assert_security_headers(resp)


def test_a_mapped_slice_is_exactly_its_bytes(mapped: Any) -> None:
    addr, _, _ = mapped
    resp, body = get(addr, "/models/model.part1.bin")
    assert resp.status == 200 and body == BLOB[1000:6000]
    resp, body = get(addr, "/models/model.part1.bin", {"Range": "bytes=10-19"})
    assert resp.status == 206 and body == BLOB[1010:1020]
    assert resp.getheader("Content-Range") == "bytes 10-19/5000"
    resp, body = get(addr, "/models/model.part1.bin", {"Range": "bytes=-7"})
    assert resp.status == 206 and body == BLOB[5993:6000]
    resp, body = get(addr, "/models/model.part1.bin", method="HEAD")
    assert resp.status == 200 and body == b"" and resp.getheader("Content-Length") == "5000"


@pytest.mark.parametrize(
    ("range_header", "status", "part", "content_range"),
    [
        ("bytes=0-0", 206, slice(0, 1), "bytes 0-0/1048576"),
        ("bytes=1048000-", 206, slice(1048000, None), "bytes 1048000-1048575/1048576"),
        ("bytes=1048000-9999999", 206, slice(1048000, None), "bytes 1048000-1048575/1048576"),
        ("bytes=-100", 206, slice(-100, None), "bytes 1048476-1048575/1048576"),
        ("bytes=0-1,5-6", 200, slice(None), None),  # several ranges: the whole file
        ("items=0-5", 200, slice(None), None),
        ("bytes=9-3", 200, slice(None), None),  # malformed: ignored
    ],
)
def test_ranges(mapped: Any, range_header: str, status: int, part: slice, content_range: str | None) -> None:
    addr, _, _ = mapped
    resp, body = get(addr, "/models/model.onnx", {"Range": range_header})
    assert resp.status == status
    assert body == BLOB[part]
    assert resp.getheader("Content-Range") == content_range
    assert_security_headers(resp)


def test_an_unsatisfiable_range_is_416_with_the_length(mapped: Any) -> None:
    addr, _, _ = mapped
    resp, _ = get(addr, "/models/model.onnx", {"Range": "bytes=2000000-"})
    assert resp.status == 416
    assert resp.getheader("Content-Range") == "bytes */1048576"
    assert_security_headers(resp)


def test_if_range_sends_the_whole_file_when_it_changed(mapped: Any) -> None:
    addr, _, _ = mapped
    first, _ = get(addr, "/models/model.onnx", method="HEAD")
    etag = first.getheader("ETag")
    resp, body = get(addr, "/models/model.onnx", {"Range": "bytes=0-9", "If-Range": etag})
    assert resp.status == 206 and body == BLOB[:10]
    resp, body = get(addr, "/models/model.onnx", {"Range": "bytes=0-9", "If-Range": '"an-older-copy"'})
    assert resp.status == 200 and body == BLOB


@pytest.mark.parametrize("path", ["/index.html", "/models/model.onnx", "/models/model.part1.bin"])
def test_not_modified(mapped: Any, path: str) -> None:
    addr, _, _ = mapped
    first, _ = get(addr, path)
    etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
    resp, body = get(addr, path, {"If-None-Match": etag})
    assert resp.status == 304 and body == b""
    assert resp.getheader("ETag") == etag
    assert_security_headers(resp)
    resp, _ = get(addr, path, {"If-Modified-Since": modified})
    assert resp.status == 304
    resp, body = get(addr, path, {"If-None-Match": '"something-else"', "If-Modified-Since": modified})
    assert resp.status == 200 and body  # If-None-Match wins


def test_a_replaced_file_changes_its_etag(mapped: Any) -> None:
    addr, blob, _ = mapped
    before, _ = get(addr, "/models/model.onnx", method="HEAD")
    blob.write_bytes(BLOB[::-1])
    os.utime(blob, (1_000_000_000, 1_000_000_000))
    after, body = get(addr, "/models/model.onnx")
    assert after.getheader("ETag") != before.getheader("ETag") and body == BLOB[::-1]


def test_a_slice_beyond_a_shrunk_file_is_not_served(mapped: Any) -> None:
    addr, blob, _ = mapped
    blob.write_bytes(b"short")
    resp, _ = get(addr, "/models/model.part1.bin")
    assert resp.status == 404


# ---- the server's own error pages ----------------------------------------------------------------------


def raw(addr: tuple[str, int], data: bytes, *, wait: float = 5.0) -> http.client.HTTPResponse:
    """Send ``data`` as it is and parse the one answer."""
    sock = socket.create_connection(addr, timeout=wait)
    sock.sendall(data)
    resp = http.client.HTTPResponse(sock)
    resp.begin()
    resp.read()
    sock.close()
    return resp


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"NONSENSE\r\n\r\n", 400),
        (b"GET /index.html HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n", 400),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-Filler-%d: %s\r\n" % (i, b"y" * 100) for i in range(200)) + b"\r\n",
            431,
        ),
        (b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 501),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nphoto", 405),
    ],
)
def test_error_pages_carry_the_security_headers(mapped: Any, data: bytes, status: int) -> None:
    addr, _, _ = mapped
    resp = raw(addr, data)
    assert resp.status == status
    assert_security_headers(resp)
    if status in (405, 501):
        assert resp.getheader("Allow") == "GET, HEAD"


def test_a_slow_request_head_gets_408(mapped: Any) -> None:
    addr, _, _ = mapped
    sock = socket.create_connection(addr, timeout=5)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finished
    resp = http.client.HTTPResponse(sock)
    started = time.monotonic()
    resp.begin()
    assert resp.status == 408
    assert time.monotonic() - started < 3
    assert_security_headers(resp)
    sock.close()


def test_an_idle_connection_is_closed(mapped: Any) -> None:
    addr, _, _ = mapped
    sock = socket.create_connection(addr, timeout=5)
    started = time.monotonic()
    assert sock.recv(1) == b""  # closed by the server, without an answer
    assert 0.4 < time.monotonic() - started < 3
    sock.close()


def test_keep_alive_serves_several_requests_on_one_connection(mapped: Any) -> None:
    addr, _, _ = mapped
    conn = http.client.HTTPConnection(*addr, timeout=5)
    for path in ("/", "/sw.js", "/models/model.part1.bin"):
        conn.request("GET", path)
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read()
    conn.close()


def test_connections_are_bounded_and_idle_ones_make_room(mapped: Any) -> None:
    addr, _, _ = mapped
    idle = [socket.create_connection(addr, timeout=5) for _ in range(3)]  # max_connections=3, all idle
    time.sleep(0.1)
    resp, _ = get(addr, "/")  # takes the slot of the longest-idle one
    assert resp.status == 200
    assert idle[0].recv(1) == b""  # that one was closed
    for sock in idle:
        sock.close()
    busy = []
    for _ in range(3):  # every slot in the middle of a request head: nothing to evict
        sock = socket.create_connection(addr, timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\n")
        busy.append(sock)
    time.sleep(0.1)
    resp = raw(addr, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert resp.status == 503
    assert resp.getheader("Retry-After")
    assert_security_headers(resp)
    for sock in busy:
        sock.close()
    time.sleep(0.2)
    resp, _ = get(addr, "/")
    assert resp.status == 200


def test_the_log_escapes_control_characters(mapped: Any) -> None:
    addr, _, log = mapped
    assert raw(addr, b"GET /\x1b[2J\x1b]0;pwned\x07 HTTP/1.1\r\nHost: x\r\n\r\n").status == 400
    assert raw(addr, b"GET /caf\xc3\xa9\x9b31m HTTP/1.1\r\nHost: x\r\n\r\n").status == 400
    assert raw(addr, b"GET /%1b[2J HTTP/1.1\r\nHost: x\r\n\r\n").status == 404
    text = log.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "GET /\\x1b[2J\\x1b]0;pwned\\x07 HTTP/1.1 400" in text  # what was received, escaped
    assert "\\x9b31m" in text
    assert "GET /%1b[2J 404" in text


def test_printable() -> None:
    assert printable("a\x00b\x1b\x7f\x85\\c é") == "a\\x00b\\x1b\\x7f\\x85\\x5cc é"

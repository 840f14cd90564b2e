"""``privpix build-site`` and the models' site layout: what is written where, the chunks and their
manifest, the byte ranges ``privpix serve`` offers instead, the header files for each kind of host,
and (with Debian's nginx, on loopback) that the generated nginx configuration serves the site with
the right types, headers and compression without touching the server's own MIME map."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import http.client
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from privpix import static_site
from privpix.models import MODELS, site
from privpix.models.errors import IntegrityError
from privpix.server import CSP, SECURITY_HEADERS, make_server
from privpix.sitefiles import FileSlice

from .command_line import cli
from .conftest import ROOT
from .static_host import serve_with_nginx

CHUNK = 1000  # bytes per chunk in these tests (the real size is 8 MiB)


@pytest.fixture
def fake_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, bytes]:
    """A 3500-byte "fast" model in a cache of its own: the registry pins its size and sha256."""
    data = (bytes(range(256)) * 14)[:3500]
    spec = dataclasses.replace(
        MODELS["fast"], file="isnet-test-00000000.onnx", size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
    monkeypatch.setitem(MODELS, "fast", spec)
    monkeypatch.delitem(MODELS, "quality")
    monkeypatch.setattr(site, "CHUNK_SIZE", CHUNK)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "cache" / "privpix" / "models" / spec.file
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return path, data


@pytest.fixture
def packaged_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the built web app in the package."""
    root = tmp_path / "package-site"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>privpix</title>" + "<!-- padding -->" * 200)
    (root / "sw.js").write_text("self.addEventListener('fetch', () => {});" * 50)
    (root / "manifest.webmanifest").write_text(json.dumps({"name": "privpix", "padding": "x" * 2000}))
    (root / "icon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "assets" / "app-abc123.js").write_text("export const x = 1;\n" * 500)
    (root / "assets" / "glue-abc123.mjs").write_text("export {};\n" * 500)
    (root / "assets" / "engine-abc123.wasm").write_bytes(b"\x00asm\x01\x00\x00\x00" + bytes(4000))
    (root / "assets" / "style-abc123.css").write_text("body { margin: 0 }\n" * 200)
    monkeypatch.setattr("privpix.server.SITE_DIR", root)
    return root


# ---- the models' site layout ------------------------------------------------------------------------


def test_layout_cuts_the_model_into_checked_chunks(fake_model: tuple[Path, bytes]) -> None:
    path, data = fake_model
    spec = MODELS["fast"]
    model = site.layout(spec, path)
    assert [c.file for c in model.chunks] == [f"{spec.file}.{i:02d}" for i in range(4)]
    assert [c.size for c in model.chunks] == [1000, 1000, 1000, 500]
    assert b"".join(FileSlice(path, c.offset, c.size).read() for c in model.chunks) == data
    manifest = model.manifest()
    assert manifest["file"] == spec.file and manifest["size"] == 3500 and manifest["sha256"] == spec.sha256
    assert manifest["chunk_size"] == CHUNK and manifest["format"] == "privpix-chunks-1"
    for entry, chunk in zip(manifest["chunks"], model.chunks):
        assert entry == {
            "file": chunk.file,
            "size": chunk.size,
            "sha256": hashlib.sha256(data[chunk.offset : chunk.offset + chunk.size]).hexdigest(),
        }


def test_layout_refuses_a_file_that_is_not_the_pinned_model(fake_model: tuple[Path, bytes]) -> None:
    path, data = fake_model
    path.write_bytes(data[:-1] + b"X")
    with pytest.raises(IntegrityError, match="sha256"):
        site.layout(MODELS["fast"], path)
    path.write_bytes(data + b"more")
    with pytest.raises(IntegrityError, match="3504 bytes"):
        site.layout(MODELS["fast"], path)
    assert site.site_files() == {}  # a damaged cache offers nothing


def test_site_files_are_byte_ranges_of_the_cached_model(fake_model: tuple[Path, bytes]) -> None:
    path, data = fake_model
    spec = MODELS["fast"]
    files = site.site_files()
    assert sorted(files) == sorted([f"models/{spec.file}.json", *(f"models/{spec.file}.{i:02d}" for i in range(4))])
    assert files[f"models/{spec.file}.01"] == FileSlice(path, 1000, 1000)
    assert b"".join(files[f"models/{spec.file}.{i:02d}"].read() for i in range(4)) == data
    manifest = json.loads(files[f"models/{spec.file}.json"].read())
    assert manifest == site.layout(spec, path).manifest()
    assert b"".join(files[f"models/{spec.file}.03"].blocks(size=64)) == data[3000:]


def test_write_makes_the_same_files(fake_model: tuple[Path, bytes], tmp_path: Path) -> None:
    path, _ = fake_model
    model = site.layout(MODELS["fast"], path)
    written = site.write(tmp_path / "out", [model])
    assert len(written) == 5
    for url, piece in site.site_files().items():
        assert (tmp_path / "out" / url).read_bytes() == piece.read(), url


def test_privpix_serve_offers_the_chunks(fake_model: tuple[Path, bytes], packaged_site: Path) -> None:
    _, data = fake_model
    spec = MODELS["fast"]
    srv = make_server("127.0.0.1", 0, root=packaged_site, quiet=True, extra=site.site_files())
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=5)
        conn.request("GET", f"/models/{spec.file}.02")
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read() == data[2000:3000]
        assert resp.getheader("Content-Type") == "application/octet-stream"
        for name, value in SECURITY_HEADERS.items():
            assert resp.getheader(name) == value
        conn.request("HEAD", f"/models/{spec.file}.03")
        resp = conn.getresponse()
        assert resp.read() == b"" and resp.getheader("Content-Length") == "500"
        conn.request("GET", f"/models/{spec.file}.json")
        resp = conn.getresponse()
        assert json.loads(resp.read())["sha256"] == spec.sha256
        conn.request("GET", f"/models/{spec.file}")  # the whole file is not served: only its chunks
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 404
    finally:
        srv.shutdown()
        srv.server_close()


# ---- build-site -------------------------------------------------------------------------------------


def test_build_site_writes_the_web_root_and_the_host_files_beside_it(
    fake_model: tuple[Path, bytes], packaged_site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "public"
    report = static_site.build_site(out)
    web = out / "site"
    assert report.web_root == web
    assert sorted(p.name for p in out.iterdir()) == [
        "Dockerfile",
        "_headers",
        "nginx-privpix.conf",
        "nginx-server.conf",
        "privpix-site.json",
        "site",
    ]
    # Nothing for a host's configuration inside the web root, where it would be served.
    assert not list(web.rglob("_headers")) and not list(web.rglob("*.conf")) and not (web / "Dockerfile").exists()
    assert (web / "index.html").read_text() == (packaged_site / "index.html").read_text()
    # Models as chunks, each exactly its slice of the cached file.
    spec = MODELS["fast"]
    assert sorted(p.name for p in (web / "models").iterdir()) == sorted(
        [f"{spec.file}.json", *(f"{spec.file}.{i:02d}" for i in range(4))]
    )
    assert [m.spec.name for m in report.models] == ["fast"]
    # A .gz beside each compressible file (not beside the chunks, nor where it would not be smaller).
    gz = sorted(p.relative_to(web).as_posix() for p in web.rglob("*.gz"))
    assert gz == [
        "assets/app-abc123.js.gz",
        "assets/engine-abc123.wasm.gz",
        "assets/glue-abc123.mjs.gz",
        "assets/style-abc123.css.gz",
        "index.html.gz",
        "manifest.webmanifest.gz",
        "sw.js.gz",
    ]
    assert gzip.decompress((web / "sw.js.gz").read_bytes()) == (web / "sw.js").read_bytes()
    assert report.precompressed == len(gz)
    assert (web / ".nojekyll").is_file()
    assert report.files == sum(1 for p in web.rglob("*") if p.is_file())
    record = json.loads((out / "privpix-site.json").read_text())
    assert record["models"] == [spec.file] and record["base_path"] == "/" and record["files"] == report.files


def test_build_site_refuses_without_the_models_and_says_how_to_get_them(
    packaged_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    with pytest.raises(static_site.BuildSiteError) as err:
        static_site.build_site(tmp_path / "out")
    message = str(err.value)
    assert "privpix models fetch fast quality" in message and "--no-models" in message
    assert not (tmp_path / "out").exists()  # nothing half-written
    report = static_site.build_site(tmp_path / "out", with_models=False)
    assert report.models == [] and not (tmp_path / "out" / "site" / "models").exists()


def test_build_site_replaces_only_what_it_wrote(fake_model: tuple[Path, bytes], packaged_site: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "someone-elses"
    (foreign / "site").mkdir(parents=True)
    (foreign / "site" / "blog.html").write_text("mine")
    with pytest.raises(static_site.BuildSiteError, match="not written by privpix build-site"):
        static_site.build_site(foreign)
    assert (foreign / "site" / "blog.html").read_text() == "mine"

    out = tmp_path / "out"
    static_site.build_site(out)
    (out / "site" / "assets" / "stale-old111.js").write_text("an older build")
    (out / "notes.txt").write_text("kept")
    static_site.build_site(out, with_models=False)
    assert not (out / "site" / "assets" / "stale-old111.js").exists()
    assert (out / "notes.txt").read_text() == "kept"


def test_build_site_refuses_a_file_too_large_for_static_hosts(packaged_site: Path, tmp_path: Path) -> None:
    with open(packaged_site / "assets" / "huge-abc123.wasm", "wb") as f:
        f.truncate(static_site.MAX_FILE_BYTES + 1)
    with pytest.raises(static_site.BuildSiteError, match="huge-abc123.wasm is 25.0 MiB"):
        static_site.build_site(tmp_path / "out", with_models=False)
    assert not (tmp_path / "out").exists()


def test_base_path_is_checked() -> None:
    for bad in ["privpix", "/privpix", "/a b/", "/../"]:
        with pytest.raises(static_site.BuildSiteError, match="--base-path"):
            static_site.check_base_path(bad)
    assert static_site.check_base_path("/tools/privpix/") == "/tools/privpix/"


def test_headers_file_for_netlify_and_cloudflare_pages() -> None:
    text = static_site.netlify_headers("/privpix/")
    blocks = {b.splitlines()[0]: b.splitlines()[1:] for b in text.strip().split("\n\n")}
    assert blocks["/privpix/*"] == [f"  {k}: {v}" for k, v in SECURITY_HEADERS.items()]
    assert blocks["/privpix/assets/*"] == ["  Cache-Control: public, max-age=31536000, immutable"]
    for path in ["/privpix/", "/privpix/index.html", "/privpix/sw.js"]:
        assert blocks[path] == ["  Cache-Control: no-cache"], path


def test_nginx_snippet_keeps_the_servers_mime_map() -> None:
    snippet = static_site.nginx_snippet("/privpix/")
    # Every types block sits inside a location (none at the level of the server that includes it).
    depth = 0
    for line in snippet.splitlines():
        if line.strip().startswith("types") and depth == 0:
            pytest.fail(f"a types block outside a location: {line}")
        depth += line.count("{") - line.count("}")
    assert depth == 0
    locations = re.findall(r"^location (\S+ \S+) \{", snippet, re.M)
    assert locations[:3] == ["^~ /privpix/", "^~ /privpix/assets/", "^~ /privpix/models/"]
    assert snippet.count("limit_except GET { deny all; }") == len(locations)
    assert snippet.count(f'add_header Content-Security-Policy "{CSP}" always;') == len(locations)


def test_the_browser_and_the_server_send_the_same_headers() -> None:
    text = (ROOT / "web" / "src" / "app" / "privacy" / "security-headers.ts").read_text()
    csp = "".join(re.findall(r'"([^"]*)"', text[text.index("export const CSP") : text.index(";\n\nexport")]))
    assert csp == CSP
    pairs = dict(re.findall(r"^  '([\w-]+)': '([^']*)',$", text, re.M))
    assert pairs == {k: v for k, v in SECURITY_HEADERS.items() if k != "Content-Security-Policy"}


def test_build_site_command_says_what_it_wrote(tmp_path: Path) -> None:
    """The real command on the real web build (without models, so it does not depend on the cache)."""
    out = tmp_path / "public"
    result = cli("build-site", out, "--no-models", "--base-path", "/privpix/", "--headers-in-site")
    assert result.returncode == 0, result.stderr
    assert f"Wrote the web root {out / 'site'}:" in result.stdout
    assert "Publish that directory at /privpix/" in result.stdout
    assert "Models: none (--no-models)" in result.stdout
    for name in ["_headers", "nginx-privpix.conf", "nginx-server.conf", "Dockerfile", "privpix-site.json"]:
        assert re.search(rf"^  {re.escape(name)}\s+\S", result.stdout, re.M), name
    largest = re.search(r"the largest is (\S+) \(([\d.]+) MiB\)", result.stdout)
    assert largest and float(largest.group(2)) <= 25
    assert (out / "site" / "_headers").read_text().startswith("/privpix/*\n")  # --headers-in-site
    assert "COPY site/ /usr/share/nginx/html/privpix/" in (out / "Dockerfile").read_text()
    for path in (out / "site").rglob("*"):
        assert path.stat().st_size <= static_site.MAX_FILE_BYTES, path


def test_build_site_command_without_models_in_the_cache(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "empty")}
    result = subprocess.run(
        [sys.executable, "-m", "privpix", "build-site", str(tmp_path / "out")], capture_output=True, text=True, env=env
    )
    assert result.returncode == 1
    assert (
        "privpix: build-site: the background-removal models fast (44 MB), quality (88 MB) are not in the model cache"
        in result.stderr
    )
    assert "privpix models fetch fast quality" in result.stderr and "--no-models" in result.stderr


# ---- the nginx configuration, served by Debian's nginx on loopback -----------------------------------


@pytest.fixture
def nginx_site(fake_model: tuple[Path, bytes], packaged_site: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    out = tmp_path / "built"
    static_site.build_site(out)
    (out / "site" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xd9")  # a file of the admin's beside the app
    with serve_with_nginx(out) as served:
        yield served.url, out


def _get(
    url: str, path: str, method: str = "GET", gzip_ok: bool = True, body: bytes | None = None
) -> tuple[http.client.HTTPResponse, bytes]:
    host, port = url.split("//")[1].split("/")[0].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request(method, path, body=body, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    resp = conn.getresponse()
    return resp, resp.read()


@pytest.mark.parametrize(
    ("path", "mime", "encoding", "cache"),
    [
        ("/", "text/html", "gzip", "no-cache"),
        ("/index.html", "text/html", "gzip", "no-cache"),
        ("/sw.js", "application/javascript", "gzip", "no-cache"),  # Debian's map names .js so; both are JavaScript
        ("/manifest.webmanifest", "application/manifest+json", "gzip", "no-cache"),
        ("/assets/app-abc123.js", "text/javascript", "gzip", "immutable"),
        ("/assets/glue-abc123.mjs", "text/javascript", "gzip", "immutable"),
        ("/assets/engine-abc123.wasm", "application/wasm", "gzip", "immutable"),
        ("/assets/style-abc123.css", "text/css", "gzip", "immutable"),
        ("/models/isnet-test-00000000.onnx.00", "application/octet-stream", None, "max-age=3600"),
        ("/models/isnet-test-00000000.onnx.json", "application/json", None, "max-age=3600"),
        ("/icon.svg", "image/svg+xml", None, "max-age=3600"),
        ("/photo.jpg", "image/jpeg", None, "max-age=3600"),  # the server's own MIME map still applies
    ],
)
def test_nginx_serves_the_site(nginx_site: tuple[str, Path], path: str, mime: str, encoding: str | None, cache: str) -> None:
    url, out = nginx_site
    resp, body = _get(url, path)
    assert resp.status == 200, path
    assert resp.getheader("Content-Type", "").split(";")[0] == mime
    assert resp.getheader("Content-Encoding") == encoding
    assert cache in resp.getheader("Cache-Control", "")
    for name, value in SECURITY_HEADERS.items():
        assert resp.getheader(name) == value, name
    local = out / "site" / (path.lstrip("/") or "index.html")
    assert (gzip.decompress(body) if encoding else body) == local.read_bytes()


@pytest.mark.parametrize("path", ["/nginx-privpix.conf", "/_headers", "/Dockerfile", "/privpix-site.json", "/missing.js"])
def test_nginx_does_not_serve_the_host_files(nginx_site: tuple[str, Path], path: str) -> None:
    resp, _ = _get(nginx_site[0], path)
    assert resp.status == 404
    assert resp.getheader("Cross-Origin-Embedder-Policy") == "require-corp"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_nginx_accepts_no_body(nginx_site: tuple[str, Path], method: str) -> None:
    resp, _ = _get(nginx_site[0], "/share-target", method=method, body=b"photo bytes")
    assert resp.status == 403
    assert resp.getheader("Content-Security-Policy") == CSP


def test_nginx_at_a_sub_path(fake_model: tuple[Path, bytes], packaged_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "built"
    static_site.build_site(out, base_path="/tools/privpix/", with_models=False)
    with serve_with_nginx(out, "/tools/privpix/") as served:
        resp, body = _get(served.url, "/tools/privpix/assets/engine-abc123.wasm")
        assert resp.status == 200 and resp.getheader("Content-Type") == "application/wasm"
        assert "immutable" in resp.getheader("Cache-Control", "")
        resp, body = _get(served.url, "/tools/privpix/", gzip_ok=False)
        assert resp.status == 200 and body == (out / "site" / "index.html").read_bytes()
        assert resp.getheader("Cache-Control") == "no-cache"
        resp, _ = _get(served.url, "/")
        assert resp.status == 302 and resp.getheader("Location", "").endswith("/tools/privpix/")


def test_the_docker_recipe_uses_the_tested_configuration(
    tmp_path: Path, fake_model: tuple[Path, bytes], packaged_site: Path
) -> None:
    out = tmp_path / "built"
    static_site.build_site(out, with_models=False)
    docker = (out / "Dockerfile").read_text().splitlines()
    assert [line for line in docker if line.startswith(("FROM", "COPY", "EXPOSE"))] == [
        f"FROM {static_site.NGINX_IMAGE}",
        "COPY site/ /usr/share/nginx/html/",
        "COPY nginx-privpix.conf /etc/nginx/privpix.conf",
        "COPY nginx-server.conf /etc/nginx/conf.d/default.conf",
        "EXPOSE 8080",
    ]
    # The server block is the one the nginx tests run, with the container's port and paths.
    assert (out / "nginx-server.conf").read_text() == static_site.nginx_server(
        listen="8080", root="/usr/share/nginx/html", snippet="/etc/nginx/privpix.conf"
    )

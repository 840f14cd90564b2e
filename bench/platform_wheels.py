"""Which platforms get a binary install of privpix and of each extra: resolves the wheel's
requirements with pip for other platforms and Python versions (``--only-binary=:all:``, a dry run:
only package metadata is fetched), and prints a table.

    .venv/bin/python -m build --wheel --outdir dist . && .venv/bin/python bench/platform_wheels.py dist/privpix-*.whl

A cell is "yes" when every package of that extra has a wheel for the platform; otherwise it names
the first package pip found none for (pip would then try to build it from source).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path


def _manylinux(arch: str) -> list[str]:  # pip takes --platform tags literally: list the older ones too
    return [f"manylinux2014_{arch}"] + [f"manylinux_2_{v}_{arch}" for v in (17, 24, 26, 27, 28, 31, 34, 35)]


MUSL = ["musllinux_1_1_x86_64", "musllinux_1_2_x86_64"]
MACOS = [f"macosx_{v}_0_{a}" for v in (10, 11, 12, 13, 14) for a in ("arm64", "universal2")] + ["macosx_10_9_universal2"]
PLATFORMS = [
    ("Linux glibc x86_64, Python 3.14", _manylinux("x86_64"), "3.14"),
    ("Linux glibc aarch64, Python 3.14", _manylinux("aarch64"), "3.14"),
    ("Alpine (musl) x86_64, Python 3.14", MUSL, "3.14"),
    ("Alpine (musl) x86_64, Python 3.12", MUSL, "3.12"),
    ("macOS 14 arm64, Python 3.14", MACOS, "3.14"),
    ("Windows x86_64, Python 3.14", ["win_amd64"], "3.14"),
]
EXTRAS = ["", "encode", "models", "remove-bg", "https"]


def resolves(wheel: Path, extra: str, platforms: list[str], python: str) -> str:
    requirement = f"privpix{f'[{extra}]' if extra else ''} @ {wheel.resolve().as_uri()}"
    with tempfile.TemporaryDirectory() as target:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed", "--disable-pip-version-check",
             "--only-binary=:all:", *(f"--platform={p}" for p in platforms), "--python-version", python,
             "--target", target, requirement],
            capture_output=True, text=True,
        )  # fmt: skip
    if proc.returncode == 0:
        return "yes"
    missing = re.search(r"(?:No matching distribution found for|from versions: none\)\s*\n.*for) ([A-Za-z0-9_.\-]+)", proc.stderr)
    return f"no wheel: {missing.group(1)}" if missing else "no: " + proc.stderr.strip().splitlines()[-1][:60]


def main() -> int:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    wheel = Path(sys.argv[1])
    names = ["core" if not e else e for e in EXTRAS]
    width = max(len(p[0]) for p in PLATFORMS)
    print(f"{'platform'.ljust(width)}  " + "  ".join(n.ljust(24) for n in names))
    for label, platforms, python in PLATFORMS:
        cells = [resolves(wheel, extra, platforms, python) for extra in EXTRAS]
        print(f"{label.ljust(width)}  " + "  ".join(c.ljust(24) for c in cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

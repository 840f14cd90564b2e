"""Where the real-world test corpus lives: ``tests/data/corpus`` in this repository (each file's source
and licence are in its ``manifest.json`` and ``README.md``), or ``$PRIVPIX_CORPUS`` to test another
copy with the same layout."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IN_REPO = ROOT / "tests" / "data" / "corpus"


def locate() -> Path:
    override = os.environ.get("PRIVPIX_CORPUS")
    return Path(override) if override else IN_REPO


CORPUS = locate()

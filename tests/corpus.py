"""Where the shared real-world corpus lives: ``$PRIVPIX_CORPUS``, else ``shared/corpus`` beside this
checkout or beside any directory above it (a CI clone may sit elsewhere), else /work/shared/corpus."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def locate() -> Path:
    if os.environ.get("PRIVPIX_CORPUS"):
        return Path(os.environ["PRIVPIX_CORPUS"])
    for base in ROOT.parents:
        candidate = base / "shared" / "corpus"
        if (candidate / "manifest.json").is_file():
            return candidate
    return Path("/work/shared/corpus")


CORPUS = locate()

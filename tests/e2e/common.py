"""Helpers shared by the end-to-end tests."""

from __future__ import annotations

import re

from ..conftest import ROOT

SITE = ROOT / "src" / "privpix" / "site"


def name_parts(names: list[str]) -> list[str]:
    """Pieces of the corpus file names that no URL may contain: the names, their stems, and every
    part of a stem at least 4 characters long that is not a generic word."""
    generic = {"text", "file", "jpeg"}
    parts: set[str] = set()
    for name in names:
        stem = name.rsplit(".", 1)[0]
        parts |= {name.lower(), stem.lower()}
        parts |= {p.lower() for p in re.split(r"[_.\-\s]+", stem) if len(p) >= 4 and p.lower() not in generic}
    return sorted(parts)

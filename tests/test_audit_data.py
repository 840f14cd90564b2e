"""The audit's committed data files are exactly what web/scripts/audit-data.ts makes from the pinned npm
packages, ship in the Python package, and stay small."""

from __future__ import annotations

import subprocess
from importlib import resources

import pytest

from privpix.tools.audit import load_gazetteer, load_world

from .conftest import WEB


def test_committed_files_match_what_the_script_produces() -> None:
    tsx = WEB / "node_modules" / ".bin" / "tsx"
    if not tsx.exists():
        pytest.fail("web/node_modules is missing: run `npm ci` in web/")
    proc = subprocess.run([str(tsx), "scripts/audit-data.ts", "--check"], cwd=WEB, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_data_ships_in_the_package_and_is_small() -> None:
    folder = resources.files("privpix").joinpath("data", "audit")
    sizes = {name: len(folder.joinpath(name).read_bytes()) for name in ("gazetteer.json", "world.json")}
    assert sizes["gazetteer.json"] < 2_000_000 and sizes["world.json"] < 600_000, sizes
    gazetteer = load_gazetteer()
    assert len(gazetteer.name) == len(gazetteer.country) == len(gazetteer.lat) == len(gazetteer.lon) > 40_000
    assert gazetteer.lat == sorted(gazetteer.lat)  # the nearest-town search relies on it
    assert set(gazetteer.country) <= set(gazetteer.countries)
    assert {c["name"] for c in load_world().countries} >= {"Italy", "France", "Japan", "Brazil"}

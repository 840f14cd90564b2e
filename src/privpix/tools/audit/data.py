"""The audit's offline data (mirrors web/src/engine/tools/audit/data.ts): the gazetteer that names
places and the country outlines the map is drawn from. Both files are made by web/scripts/audit-data.ts
from pinned npm packages and ship in this package (privpix/data/audit/); the web build loads the same
files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Gazetteer:
    """Towns as columns, sorted by latitude then longitude; positions in 1/``scale`` degree."""

    source: str
    scale: int
    countries: dict[str, str]  # ISO 3166-1 alpha-2 code -> English name
    name: list[str]
    country: list[str]
    lat: list[int]
    lon: list[int]


@dataclass(frozen=True)
class WorldOutlines:
    """Country outlines as SVG path data, equirectangular: x = longitude / unit, y = −latitude / unit."""

    source: str
    unit: float
    countries: list[dict[str, str]]  # {"id", "name", "d"}


def _read(name: str) -> Any:
    return json.loads(resources.files("privpix").joinpath("data", "audit", name).read_text(encoding="utf-8"))


@cache
def load_gazetteer() -> Gazetteer:
    return Gazetteer(**_read("gazetteer.json"))


@cache
def load_world() -> WorldOutlines:
    return WorldOutlines(**_read("world.json"))

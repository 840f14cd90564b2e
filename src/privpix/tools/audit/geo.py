"""Distances on the Earth and the nearest town (mirrors web/src/engine/tools/audit/geo.ts).

Distances use the equirectangular approximation: within the few hundred metres of a cluster and the
tens of kilometres to a town its error is far below what is reported, and it needs only one cosine,
so both engines agree to the last digit shown.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass

from .data import Gazetteer

EARTH_RADIUS_M = 6_371_008.8
_RADIANS = math.pi / 180
METRES_PER_DEGREE = EARTH_RADIUS_M * _RADIANS
"""Metres per degree of latitude: the width of a latitude band to search."""

_SEARCH_BANDS = (0.5, 2, 8)
"""Search bands (degrees of latitude) widened until a town is found: 0.5° is about 55 km."""


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Metres between two positions (degrees)."""
    d_lon = lon2 - lon1
    if d_lon > 180:
        d_lon -= 360
    elif d_lon < -180:
        d_lon += 360
    x = d_lon * _RADIANS * math.cos(((lat1 + lat2) / 2) * _RADIANS)
    y = (lat2 - lat1) * _RADIANS
    return EARTH_RADIUS_M * math.sqrt(x * x + y * y)


@dataclass(frozen=True)
class Town:
    name: str
    country_code: str
    country: str
    distance_m: float


def nearest_town(gazetteer: Gazetteer, lat: float, lon: float) -> Town | None:
    """The gazetteer's town nearest to a position (ties: the first in the file), or None beyond ~900 km."""
    scale = gazetteer.scale
    lats, lons = gazetteer.lat, gazetteer.lon
    for band in _SEARCH_BANDS:
        start = bisect_left(lats, math.floor((lat - band) * scale))
        end = bisect_left(lats, math.ceil((lat + band) * scale) + 1)
        best = -1
        best_distance = math.inf
        for i in range(start, end):
            d = distance_m(lat, lon, lats[i] / scale, lons[i] / scale)
            if d < best_distance:
                best, best_distance = i, d
        # A town found within the band is the nearest only if no town outside the band can be closer.
        if best >= 0 and best_distance <= band * METRES_PER_DEGREE:
            code = gazetteer.country[best]
            return Town(gazetteer.name[best], code, gazetteer.countries.get(code, code), best_distance)
    return None

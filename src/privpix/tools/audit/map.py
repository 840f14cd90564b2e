"""The places map as SVG text, drawn from the offline country outlines (mirrors
web/src/engine/tools/audit/map.ts). Projection: equirectangular, one unit = ``world.unit`` degrees,
x = longitude, y = −latitude. The CLI's HTML report embeds it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Protocol

from ...formats.findings import format_fixed
from .data import WorldOutlines
from .types import Place

_MIN_SPAN_DEGREES = 2.0
"""The smallest span shown, in degrees (about 200 km): a single place is shown with the coasts and
borders around it (the outlines are drawn to 0.1°, too coarse for a closer view)."""
_MARGIN = 0.25
"""Margin around the places, as a share of their span."""


class _Position(Protocol):
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...


@dataclass(frozen=True)
class MapView:
    """A rectangle in map units (what an SVG viewBox holds)."""

    x: float
    y: float
    width: float
    height: float


def _fixed2(x: float) -> str:
    return format_fixed(x, 2)


def map_view(world: WorldOutlines, places: list[Place] | list[_Position], aspect: float = 2) -> MapView:
    """The whole world, or the rectangle (of the given width/height ratio) that holds ``places`` with a margin."""
    k = 1 / world.unit
    if not places:
        return MapView(-180 * k, -90 * k, 360 * k, 180 * k)
    west = min(p.longitude for p in places)
    east = max(p.longitude for p in places)
    south = min(p.latitude for p in places)
    north = max(p.latitude for p in places)
    width = max(east - west, _MIN_SPAN_DEGREES) * (1 + 2 * _MARGIN)
    height = max(north - south, _MIN_SPAN_DEGREES / aspect) * (1 + 2 * _MARGIN)
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    cx = (west + east) / 2
    cy = (south + north) / 2
    return MapView((cx - width / 2) * k, -(cy + height / 2) * k, width * k, height * k)


def _xml(text: str) -> str:
    return escape(text, quote=True).replace("&#x27;", "'")


def world_group(world: WorldOutlines, group_id: str = "privpix-world") -> str:
    """The country outlines as one SVG group (``group_id`` lets other maps on the page ``<use>`` it)."""
    # Each path says non-scaling-stroke itself and takes its colours from the group: a page's CSS
    # cannot reach the copies a <use> makes, but inherited properties do.
    paths = "".join(
        f'<path d="{c["d"]}" vector-effect="non-scaling-stroke"><title>{_xml(c["name"])}</title></path>' for c in world.countries
    )
    return f'<g id="{group_id}" class="land">{paths}</g>'


def map_svg(world: WorldOutlines, places: list[Place], view: MapView, land: str, label: str) -> str:
    """An SVG map of ``places`` in ``view``. ``land`` is either the outlines themselves (``world_group``)
    or a ``<use href="#…">`` of outlines drawn once elsewhere on the page. Markers grow with the square
    root of the photo count; home and work are marked by class for the page's style."""
    k = 1 / world.unit
    unit = view.width / 400  # marker sizes relative to the view, so zoomed maps look the same
    markers = []
    for p in places:
        r = unit * (3 + 2 * math.sqrt(p.photos))
        cls = f"place {p.likely}" if p.likely else "place"
        x = p.longitude * k
        y = -p.latitude * k
        title = f"{p.id}. {p.photos} {'photo' if p.photos == 1 else 'photos'} {p.label}"
        markers.append(
            f'<g class="{cls}"><circle cx="{_fixed2(x)}" cy="{_fixed2(y)}" r="{_fixed2(r)}"/>'
            f'<text x="{_fixed2(x)}" y="{_fixed2(y)}" font-size="{_fixed2(r * 1.2)}" text-anchor="middle" '
            f'dominant-baseline="central">{p.id}</text>'
            f"<title>{_xml(title)}</title></g>"
        )
    x0, y0, w, h = (_fixed2(v) for v in (view.x, view.y, view.width, view.height))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="{x0} {y0} {w} {h}" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="{_xml(label)}" class="privpix-map">'
        f'<rect class="sea" x="{x0}" y="{y0}" width="{w}" height="{h}"/>'
        f'{land}<g class="places">{"".join(markers)}</g></svg>'
    )

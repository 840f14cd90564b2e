"""The audit as one self-contained HTML file (``privpix audit --html REPORT.html``): the report, the
map as inline SVG drawn from the offline country outlines, and the photos with their risk, sortable
and filterable. No external resource of any kind: it opens offline in any browser."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from html import escape
from typing import Any

from ...formats.findings import plural
from .data import load_world
from .map import map_svg, map_view, world_group
from .text import place_dates
from .types import RISK_LEVELS, Place

_STYLE = """
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --line: #d0d7de;
  --sea: #dbeafe; --land: #f4f1ea; --border: #9ca3af; --place: #b91c1c; --home: #7c3aed; --work: #0369a1; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --line: #30363d;
  --sea: #0b2540; --land: #2d333b; --border: #6e7681; --place: #f87171; --home: #c4b5fd; --work: #7dd3fc; } }
body { font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto;
  max-width: 72rem; padding: 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
.headline { font-weight: 600; } .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem;
  border-bottom: 1px solid var(--line); vertical-align: top; }
th button { font: inherit; font-weight: 600; background: none; border: 0; color: inherit; cursor: pointer; padding: 0; }
.privpix-map { width: 100%; height: auto; aspect-ratio: 2 / 1; border: 1px solid var(--line); }
.privpix-map .sea { fill: var(--sea); }
.privpix-map .land, .privpix-map use { fill: var(--land); stroke: var(--border); stroke-width: .6px; }
.privpix-map .place circle { fill: var(--place); fill-opacity: .75; stroke: var(--bg); stroke-width: 1px;
  vector-effect: non-scaling-stroke; }
.privpix-map .place.home circle { fill: var(--home); } .privpix-map .place.work circle { fill: var(--work); }
.privpix-map text { fill: #fff; font-weight: 700; }
.risk-high { color: var(--place); font-weight: 700; } .risk-medium { font-weight: 600; }
fieldset { border: 1px solid var(--line); margin: 0 0 1rem; } label { margin-right: 1rem; white-space: nowrap; }
details summary { cursor: pointer; }
ol.places { list-style: none; padding: 0; } ol.places li { border-bottom: 1px solid var(--line); padding: .25rem 0; }
ol.places p { margin: .25rem 0; } td { overflow-wrap: anywhere; }
"""

# Sorting and filtering the photos table; nothing else runs and nothing is loaded.
_SCRIPT = """
const table = document.getElementById('photos');
const body = table.tBodies[0];
const rank = { high: 0, medium: 1, low: 2, none: 3 };
let order = { column: 'risk', up: true };
function key(row, column) {
  return column === 'risk' ? rank[row.dataset.risk] * 1e9 + Number(row.dataset.index) : row.dataset.file;
}
for (const button of table.querySelectorAll('th button')) {
  button.addEventListener('click', () => {
    const column = button.dataset.column;
    order = { column, up: order.column === column ? !order.up : true };
    const rows = [...body.rows].sort((a, b) => {
      const x = key(a, column), y = key(b, column);
      return (x < y ? -1 : x > y ? 1 : 0) * (order.up ? 1 : -1);
    });
    body.append(...rows);
    for (const th of table.querySelectorAll('th')) th.removeAttribute('aria-sort');
    button.parentElement.setAttribute('aria-sort', order.up ? 'ascending' : 'descending');
  });
}
const filters = [...document.querySelectorAll('#filters input')];
function applyFilters() {
  const wanted = filters.filter((f) => f.checked).map((f) => f.value);
  let shown = 0;
  for (const row of body.rows) {
    const show = wanted.every((flag) => row.dataset[flag] === '1');
    row.hidden = !show;
    if (show) shown++;
  }
  document.getElementById('shown').textContent = String(shown);
}
for (const f of filters) f.addEventListener('change', applyFilters);
"""

_FILTERS = (("gps", "Has GPS"), ("home", "Near home"), ("serial", "Has a serial number"), ("name", "Has a name"))


@dataclass(frozen=True)
class PhotoRow:
    """One photo's row of the table."""

    index: int
    name: str
    risk: str
    reasons: tuple[str, ...]
    gps: bool
    serial: bool
    named: bool


_GPS, _SERIAL, _NAMED = 4, 8, 16  # flags above the risk level's rank (the low two bits)


class PhotoRows:
    """What the HTML report keeps of each photo (the batch adds them as files finish), as columns: its
    index, its name, its risk and flags in one byte, and its reasons (one tuple shared by the photos
    whose reasons are the same)."""

    def __init__(self) -> None:
        self.index = array("q")
        self.names: list[str] = []
        self.reasons: list[tuple[str, ...]] = []
        self.codes = bytearray()
        self._shared: dict[tuple[str, ...], tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self.index)

    def add(self, index: int, photo: dict[str, Any]) -> None:
        kinds = {item["kind"] for item in photo["identity"]}
        reasons = tuple(photo["reasons"])
        self.index.append(index)
        self.names.append(photo["name"])
        self.reasons.append(self._shared.setdefault(reasons, reasons))
        self.codes.append(
            RISK_LEVELS.index(photo["risk"])
            | (_GPS if photo["gps"] is not None else 0)
            | (_SERIAL if "serial" in kinds else 0)
            | (_NAMED if "name" in kinds else 0)
        )

    def row(self, i: int) -> PhotoRow:
        code = self.codes[i]
        risk = RISK_LEVELS[code & 3]
        return PhotoRow(
            self.index[i], self.names[i], risk, self.reasons[i], bool(code & _GPS), bool(code & _SERIAL), bool(code & _NAMED)
        )

    def by_risk(self) -> Iterator[PhotoRow]:
        """The rows, highest risk first, then in input order."""
        order = sorted(range(len(self)), key=self.index.__getitem__)  # two stable sorts: no key tuple per photo
        order.sort(key=lambda i: self.codes[i] & 3)
        return map(self.row, order)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _places_section(report: dict[str, Any]) -> str:
    world = load_world()
    places = [Place(**p) for p in report["places"]]
    if not places:
        return "<h2>Places</h2><p>No photo carries a GPS position.</p>"
    overview = map_svg(world, places, map_view(world, places), world_group(world), f"Map of {len(places)} places")
    items = []
    for p in places:
        land = '<use href="#privpix-world" xlink:href="#privpix-world"/>'
        zoomed = map_svg(world, [p], map_view(world, [p]), land, f"Map of place {p.id}")
        evenings = f", {plural(p.nights, 'evening')}" if p.nights else ""
        likely = f"<p class='headline'>{_e(p.statement)}</p>" if p.statement else ""
        items.append(
            f"<li id='place-{p.id}'><p><strong>{p.id}. {_e(p.label)}</strong> — {plural(p.photos, 'photo')} "
            f"({_e(place_dates(asdict(p)))}{evenings})</p>{likely}"
            f"<details><summary>Zoom to this place</summary>{zoomed}</details></li>"
        )
    return f"<h2>Places</h2>{overview}<ol class='places'>{''.join(items)}</ol>"


def _identity_section(report: dict[str, Any]) -> str:
    if not report["identity"]:
        return "<h2>Identity</h2><p>No names, serial numbers, ids or programs found.</p>"
    parts = ["<h2>Identity</h2>"]
    for g in report["identity"]:
        values = "".join(
            f"<tr><td>{_e(v['label'])}</td><td>{_e(v['value'])}</td><td>{v['photos']}</td></tr>" for v in g["values"]
        )
        parts.append(
            f"<p>{_e(g['summary'])}</p><details><summary>Show the values</summary><table><thead><tr><th>What</th>"
            f"<th>Value</th><th>Photos</th></tr></thead><tbody>{values}</tbody></table></details>"
        )
    return "".join(parts)


def _hidden_section(report: dict[str, Any]) -> str:
    if not report["hidden"]:
        return "<h2>Hidden pictures</h2><p>No thumbnails, previews, depth or gain maps found.</p>"
    items = "".join(f"<li>{_e(h['label'])}: {h['photos']} photos</li>" for h in report["hidden"])
    n = report["thumbnails_differ"]
    differ = (
        f"<p class='headline'>{n} EXIF thumbnails show another picture than the photo (cropped or edited since).</p>" if n else ""
    )
    return f"<h2>Hidden pictures</h2><ul>{items}</ul>{differ}"


def _photos_section(rows: PhotoRows, home: set[int]) -> str:
    body = "".join(
        f"<tr data-index='{r.index}' data-file='{_e(r.name)}' data-risk='{r.risk}' data-gps='{int(r.gps)}' "
        f"data-home='{int(r.index in home)}' data-serial='{int(r.serial)}' data-name='{int(r.named)}'>"
        f"<td>{_e(r.name)}</td><td class='risk-{r.risk}'>{r.risk}</td>"
        f"<td>{'<br>'.join(_e(x) for x in r.reasons) or '—'}</td></tr>"
        for r in rows.by_risk()
    )
    filters = "".join(f"<label><input type='checkbox' value='{key}'> {label}</label>" for key, label in _FILTERS)
    return (
        f"<h2>Photos</h2><fieldset id='filters'><legend>Show only photos that…</legend>{filters}</fieldset>"
        f"<p class='muted'><span id='shown'>{len(rows)}</span> of {len(rows)} photos shown.</p>"
        "<table id='photos'><thead><tr><th><button data-column='name'>Photo</button></th>"
        "<th aria-sort='ascending'><button data-column='risk'>Risk</button></th><th>Why</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def audit_html(report: dict[str, Any], rows: PhotoRows) -> str:
    """The whole report page."""
    home = {i for p in report["places"] if p["likely"] == "home" for i in p["photo_indices"]}
    risk = report["risk"]
    headlines = "".join(f"<li class='headline'>{_e(h)}</li>" for h in report["headlines"])
    unreadable = f", {report['unreadable']} unreadable" if report["unreadable"] else ""
    intro = (
        f"<p>{report['photos']} photos audited: {risk['high']} high risk, {risk['medium']} medium, {risk['low']} low, "
        f"{risk['none']} with nothing found{unreadable}.</p>"
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>privpix audit</title>"
        f"<style>{_STYLE}</style></head><body><main><h1>What these photos give away</h1>{intro}"
        f"<ul>{headlines}</ul>{_places_section(report)}{_identity_section(report)}{_hidden_section(report)}"
        f"{_photos_section(rows, home)}<p class='muted'>Made by privpix on this computer; nothing was uploaded. "
        "Place names: GeoNames (CC BY 4.0). Map: Natural Earth (public domain).</p></main>"
        f"<script>{_SCRIPT}</script></body></html>\n"
    )

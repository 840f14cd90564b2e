"""Places: GPS positions clustered within a few hundred metres, named from the offline gazetteer, and
read for what they say about a life ("likely home / work") (mirrors web/src/engine/tools/audit/places.ts)."""

from __future__ import annotations

import math
from array import array

from ...formats.exif import format_position
from ...formats.findings import format_fixed, plural
from .data import Gazetteer
from .geo import METRES_PER_DEGREE, distance_m, nearest_town
from .types import Place, PlaceKind

CLUSTER_RADIUS_M = 300
"""Positions this close to a cluster's first position join it (a house and its garden, an office block)."""
_NEAR_TOWN_M = 10_000
"""A town this close is "near"; farther it is "N km from"."""
_NIGHT_FROM, _NIGHT_UNTIL = 19, 7
"""Evening and night hours (19:00–06:59): photos at home."""
_WORK_FROM, _WORK_UNTIL = 9, 18
"""Working hours (09:00–17:59), Monday to Friday: photos at work."""
HOME_MIN_NIGHTS = 3
WORK_MIN_DAYS = 3
FREQUENT_MIN_DAYS = 4
"""How many distinct evenings (home), working days (work) or days (a place returned to) make a pattern."""


class Positions:
    """What the summary keeps of the photos with a position, as columns of machine numbers (32 bytes
    a photo, no object each): its index, latitude, longitude and the time it was taken, packed as the
    number YYYYMMDDhhmmss (0: unknown), which sorts as the text does and gives it back exactly."""

    def __init__(self) -> None:
        self.index = array("q")
        self.latitude = array("d")
        self.longitude = array("d")
        self.taken = array("q")

    def __len__(self) -> int:
        return len(self.index)

    def add(self, index: int, latitude: float, longitude: float, taken: str | None) -> None:
        """``taken``: "YYYY-MM-DD HH:MM:SS" (photo.taken_time) or None."""
        self.index.append(index)
        self.latitude.append(latitude)
        self.longitude.append(longitude)
        self.taken.append(int(taken[0:4] + taken[5:7] + taken[8:10] + taken[11:13] + taken[14:16] + taken[17:19]) if taken else 0)


def _time_text(packed: int) -> str:
    """ "YYYY-MM-DD HH:MM:SS" back from YYYYMMDDhhmmss."""
    d = f"{packed:014d}"
    return f"{d[0:4]}-{d[4:6]}-{d[6:8]} {d[8:10]}:{d[10:12]}:{d[12:14]}"


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a civil date (H. Hinnant's algorithm, integers only)."""
    yy = y - 1 if m <= 2 else y
    era = yy // 400
    yoe = yy - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _when(taken: int) -> tuple[int, int]:
    """(day number, hour) of a time packed as YYYYMMDDhhmmss."""
    date, hour = divmod(taken // 10_000, 100)
    return _days_from_civil(date // 10_000, date // 100 % 100, date % 100), hour


def cluster(points: Positions) -> list[list[int]]:
    """Leader clustering in a fixed order (latitude, longitude, index): each position joins the nearest
    cluster whose first position is within CLUSTER_RADIUS_M, else starts one. Deterministic, and since
    positions come sorted by latitude only leaders in the last band of latitude are compared. Each
    cluster is a list of rows of ``points``, in index order."""
    lat, lon, index = points.latitude, points.longitude, points.index
    order = sorted(range(len(points)), key=index.__getitem__)  # sorted three times, stably: no key tuple per photo
    order.sort(key=lon.__getitem__)
    order.sort(key=lat.__getitem__)
    band = CLUSTER_RADIUS_M / METRES_PER_DEGREE
    leaders: list[int] = []
    members: list[list[int]] = []
    first_in_band = 0
    for p in order:
        while first_in_band < len(leaders) and lat[leaders[first_in_band]] < lat[p] - band:
            first_in_band += 1
        best = -1
        best_distance = math.inf
        for i in range(first_in_band, len(leaders)):
            leader = leaders[i]
            d = distance_m(lat[leader], lon[leader], lat[p], lon[p])
            if d <= CLUSTER_RADIUS_M and d < best_distance:
                best, best_distance = i, d
        if best < 0:
            leaders.append(p)
            members.append([p])
        else:
            members[best].append(p)
    for group in members:
        group.sort(key=index.__getitem__)
    return members


def _round5(x: float) -> float:
    return float(format_fixed(x, 5))


def _describe(points: Positions, group: list[int], gazetteer: Gazetteer) -> Place:
    lat, lon = points.latitude, points.longitude
    lat_sum = 0.0
    lon_sum = 0.0
    for p in group:
        lat_sum += lat[p]
        lon_sum += lon[p]
    latitude = _round5(lat_sum / len(group))
    longitude = _round5(lon_sum / len(group))
    radius = 0.0
    for p in group:
        radius = max(radius, distance_m(latitude, longitude, lat[p], lon[p]))
    times = sorted(t for t in map(points.taken.__getitem__, group) if t)
    days: set[int] = set()
    nights: set[int] = set()
    work_days: set[int] = set()
    night_photos = 0
    for t in times:
        day, hour = _when(t)
        days.add(day)
        if hour >= _NIGHT_FROM or hour < _NIGHT_UNTIL:
            night_photos += 1
            nights.add(day - 1 if hour < _NIGHT_UNTIL else day)  # after midnight still belongs to that evening
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        if weekday < 5 and _WORK_FROM <= hour < _WORK_UNTIL:
            work_days.add(day)
    town = nearest_town(gazetteer, latitude, longitude)
    if town is None:
        label = f"at {format_position(latitude, longitude)}"
    elif town.distance_m <= _NEAR_TOWN_M:
        label = f"near {town.name}, {town.country}"
    else:
        label = f"{format_fixed(town.distance_m / 1000, 0)} km from {town.name}, {town.country}"
    return Place(
        id=0,
        latitude=latitude,
        longitude=longitude,
        radius_m=math.floor(radius + 0.5),
        photos=len(group),
        photo_indices=[points.index[p] for p in group],
        first=_time_text(times[0]) if times else None,
        last=_time_text(times[-1]) if times else None,
        days=len(days),
        night_photos=night_photos,
        nights=len(nights),
        work_days=len(work_days),
        town=town.name if town else None,
        country=town.country if town else None,
        country_code=town.country_code if town else None,
        distance_km=float(format_fixed(town.distance_m / 1000, 1)) if town else None,
        label=label,
    )


def _statement(place: Place, kind: PlaceKind) -> str:
    photos = plural(place.photos, "photo")
    if kind == "home":
        return (
            f"{photos}, taken on {place.nights} different evenings, show a place {place.label}: this is probably where you live."
        )
    if kind == "work":
        return (
            f"{photos}, taken on {place.work_days} different weekdays in working hours, show a place {place.label}: "
            "this is probably where you work."
        )
    return f"{photos}, taken on {place.days} different days, show a place {place.label}: a place you return to often."


def _read_patterns(places: list[Place]) -> None:
    """The one place most likely to be home (most evenings), then work (most working days), then every
    other place visited on many days. Ties go to the place listed first."""
    home: Place | None = None
    for p in places:
        if p.nights >= HOME_MIN_NIGHTS and (home is None or p.nights > home.nights):
            home = p
    work: Place | None = None
    for p in places:
        if p is home or p.work_days < WORK_MIN_DAYS or p.work_days <= p.nights:
            continue
        if work is None or p.work_days > work.work_days:
            work = p
    for p in places:
        kind: PlaceKind | None = (
            "home" if p is home else "work" if p is work else "frequent" if p.days >= FREQUENT_MIN_DAYS else None
        )
        p.likely = kind
        p.statement = _statement(p, kind) if kind else None


def find_places(points: Positions, gazetteer: Gazetteer) -> list[Place]:
    """Clusters, named and read, most photos first (then the one whose first photo came first)."""
    places = [_describe(points, group, gazetteer) for group in cluster(points)]
    places.sort(key=lambda p: (-p.photos, p.photo_indices[0]))
    for i, p in enumerate(places):
        p.id = i + 1
    _read_patterns(places)
    return places

"""The streaming summary: photos are added one at a time and only what the report needs is kept
(positions and times of located photos, distinct identity values, counts), never a photo's bytes or
findings, so a folder of 100,000 photos needs little memory (mirrors web/src/engine/tools/audit/summary.ts)."""

from __future__ import annotations

from ...formats.findings import plural
from .data import Gazetteer
from .identity import IdentityTally
from .places import Located, find_places
from .types import AUDIT_SCHEMA_VERSION, AuditReport, HiddenCount, PhotoAudit


class AuditSummary:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer
        self._located: list[Located] = []
        self._identity = IdentityTally()
        self._hidden: dict[str, HiddenCount] = {}
        self._risk = {"high": 0, "medium": 0, "low": 0, "none": 0}
        self._files = 0
        self._photos = 0
        self._damaged = 0
        self._with_time = 0
        self._with_identity = 0
        self._with_hidden = 0
        self._thumbnails_differ = 0

    def add(self, photo: PhotoAudit, index: int | None = None) -> int:
        """Count one photo's audit in; returns its index (what ``Place.photo_indices`` refer to): by
        default the order of adding, or the caller's (a batch passes the input order, as files finish
        in any order)."""
        if index is None:
            index = self._files
        self._files += 1
        if photo.error is not None:
            return index
        self._photos += 1
        if photo.damaged:
            self._damaged += 1
        self._risk[photo.risk] += 1
        if photo.gps is not None:
            self._located.append(Located(index, photo.gps.latitude, photo.gps.longitude, photo.taken))
        if photo.taken:
            self._with_time += 1
        if photo.identity:
            self._with_identity += 1
        self._identity.add(photo.identity)
        keys = {h.key for h in photo.hidden}
        if keys:
            self._with_hidden += 1
        if any(h.differs for h in photo.hidden):
            self._thumbnails_differ += 1
        for h in photo.hidden:
            if h.key not in keys:
                continue  # count each kind once per photo
            keys.discard(h.key)
            entry = self._hidden.get(h.key)
            if entry is not None:
                entry.photos += 1
            else:
                self._hidden[h.key] = HiddenCount(h.key, h.label, 1)
        return index

    def report(self) -> AuditReport:
        places = find_places(self._located, self._gazetteer)
        identity = self._identity.groups()
        hidden = sorted(self._hidden.values(), key=lambda h: (-h.photos, h.key))
        headlines = [p.statement for p in places if p.likely in ("home", "work") and p.statement]
        located = len(self._located)
        if located:
            headlines.append(f"{located} of {self._photos} photos carry a GPS position, in {plural(len(places), 'place')}.")
        headlines += [g.summary for g in identity if g.kind in ("name", "serial")]
        if self._thumbnails_differ:
            n = self._thumbnails_differ
            headlines.append(
                f"{plural(n, 'photo')} {'carries' if n == 1 else 'carry'} an EXIF thumbnail that shows another picture "
                "(cropped or edited since)."
            )
        if self._with_hidden:
            headlines.append(
                f"{self._with_hidden} of {self._photos} photos carry hidden pictures (thumbnails, previews, depth or gain maps)."
            )
        return AuditReport(
            schema_version=AUDIT_SCHEMA_VERSION,
            files=self._files,
            photos=self._photos,
            unreadable=self._files - self._photos,
            damaged=self._damaged,
            risk=dict(self._risk),
            with_gps=located,
            with_time=self._with_time,
            with_identity=self._with_identity,
            with_hidden=self._with_hidden,
            thumbnails_differ=self._thumbnails_differ,
            places=places,
            identity=identity,
            hidden=hidden,
            headlines=headlines,
        )

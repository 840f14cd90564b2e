"""The audit's records (mirrors web/src/engine/tools/audit/types.ts; docs/audit.md has the schema).

A ``PhotoAudit`` is what one file gives away, read from its metadata only (no pixel is decoded); an
``AuditReport`` is what a whole set of photos gives away together: the places (clustered, named,
"likely home"), the identities (names, serial numbers, unique ids) and the hidden pictures. Both
engines produce the same JSON for the same files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

AUDIT_SCHEMA_VERSION = 1
"""Bumped when a field changes meaning or disappears; adding a field does not bump it."""

RiskLevel = Literal["high", "medium", "low", "none"]
RISK_LEVELS: tuple[RiskLevel, ...] = ("high", "medium", "low", "none")

IdentityKind = Literal["name", "serial", "unique_id", "software", "device", "maker_notes"]
IDENTITY_KINDS: tuple[IdentityKind, ...] = ("name", "serial", "unique_id", "software", "device", "maker_notes")
"""What ties a photo to a person or a device: names (owner, artist, author, creator, copyright holder),
serial numbers (body, lens), unique ids (image ids, XMP document ids: they link copies and edits),
software (programs, the computer's name), device (the camera or phone model) and maker notes (the
maker's private block, which can hold serial numbers privpix does not decode)."""

PlaceKind = Literal["home", "work", "frequent"]


@dataclass
class GpsFix:
    latitude: float
    longitude: float
    altitude: float | None


@dataclass
class IdentityItem:
    kind: IdentityKind
    key: str  # the finding's stable key ("body_serial_number", …; "camera" for device)
    label: str
    value: str


@dataclass
class HiddenPicture:
    """A picture inside the file besides the main one: thumbnail, preview, depth or gain map, MPF image."""

    key: str
    label: str
    value: str  # what the container says about it ("JPEG, 6.7 kB")
    differs: bool | None = None  # the EXIF thumbnail shows another picture (only with the thumbnail check)


def _hidden_json(h: HiddenPicture) -> dict[str, Any]:
    out: dict[str, Any] = {"key": h.key, "label": h.label, "value": h.value}
    if h.differs is not None:
        out["differs"] = h.differs
    return out


@dataclass
class PhotoAudit:
    name: str
    size: int
    format: str | None  # None when the file is not an image privpix reads
    error: str | None  # why the file could not be read
    damaged: bool
    gps: GpsFix | None
    taken: str | None  # "YYYY-MM-DD HH:MM:SS" as the camera's clock wrote it (local time)
    identity: list[IdentityItem]
    hidden: list[HiddenPicture]
    risk: RiskLevel
    reasons: list[str]  # for people, most serious first

    def to_json(self) -> dict[str, Any]:
        # by hand rather than dataclasses.asdict, which deep-copies every value: this runs per photo
        gps = self.gps
        return {
            "name": self.name,
            "size": self.size,
            "format": self.format,
            "error": self.error,
            "damaged": self.damaged,
            "gps": {"latitude": gps.latitude, "longitude": gps.longitude, "altitude": gps.altitude} if gps else None,
            "taken": self.taken,
            "identity": [{"kind": i.kind, "key": i.key, "label": i.label, "value": i.value} for i in self.identity],
            "hidden": [_hidden_json(h) for h in self.hidden],
            "risk": self.risk,
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PhotoAudit:
        """The record back from ``to_json`` (a batch job's result crosses process boundaries as JSON)."""
        gps = d["gps"]
        return cls(
            d["name"],
            d["size"],
            d["format"],
            d["error"],
            d["damaged"],
            GpsFix(**gps) if gps is not None else None,
            d["taken"],
            [IdentityItem(**i) for i in d["identity"]],
            [HiddenPicture(**h) for h in d["hidden"]],
            d["risk"],
            list(d["reasons"]),
        )


@dataclass
class Place:
    """A cluster of GPS positions within a few hundred metres of each other (see types.ts for each field)."""

    id: int
    latitude: float
    longitude: float
    radius_m: int
    photos: int
    photo_indices: list[int]
    first: str | None
    last: str | None
    days: int
    night_photos: int
    nights: int
    work_days: int
    town: str | None
    country: str | None
    country_code: str | None
    distance_km: float | None
    label: str
    likely: PlaceKind | None = None
    statement: str | None = None


@dataclass
class IdentityValue:
    key: str
    label: str
    value: str
    photos: int


@dataclass
class IdentityGroup:
    kind: IdentityKind
    summary: str
    photos: int
    values: list[IdentityValue]


@dataclass
class HiddenCount:
    key: str
    label: str
    photos: int


@dataclass
class AuditReport:
    schema_version: int
    files: int
    photos: int
    unreadable: int
    damaged: int
    risk: dict[str, int]
    with_gps: int
    with_time: int
    with_identity: int
    with_hidden: int
    thumbnails_differ: int
    places: list[Place] = field(default_factory=list)
    identity: list[IdentityGroup] = field(default_factory=list)
    hidden: list[HiddenCount] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

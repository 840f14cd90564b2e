"""One photo's audit: what it gives away, from the container walk that ``inspect`` does (mirrors
web/src/engine/tools/audit/photo.ts). Only metadata is read; no pixel is decoded."""

from __future__ import annotations

import re
from collections.abc import Callable

from ...formats import jpeg
from ...formats.errors import FormatError
from ...formats.findings import Finding, Inspection
from ...formats.sniff import container_for
from .types import GpsFix, HiddenPicture, IdentityItem, IdentityKind, PhotoAudit, RiskLevel

_IDENTITY_KEYS: tuple[tuple[IdentityKind, tuple[str, ...]], ...] = (
    (
        "name",
        (
            "artist",
            "author",
            "author_windows",
            "camera_owner",
            "copyright",
            "creator",
            "creator_contact",
            "rights_owner",
            "caption_writer",
            "credit",
            "contact",
        ),
    ),
    ("serial", ("body_serial_number", "lens_serial_number", "internal_serial_number", "accessory_serial_number")),
    ("unique_id", ("image_unique_id", "document_id", "original_document_id")),
    ("software", ("software", "host_computer")),
    ("maker_notes", ("maker_notes",)),
)
"""Finding keys by identity kind (the camera model is assembled separately, see ``_device``)."""
_KIND_OF_KEY: dict[str, IdentityKind] = {key: kind for kind, keys in _IDENTITY_KEYS for key in keys}
_RISK_OF_KIND: dict[IdentityKind, RiskLevel] = {
    "name": "medium",
    "serial": "medium",
    "unique_id": "medium",
    "software": "low",
    "device": "low",
    "maker_notes": "low",
}
_PLACE_NAME_KEYS = frozenset(("city", "state_province", "country", "sublocation"))
"""Place names written as text (a city, a country): not a position, but a place all the same."""
_TAKEN_KEYS = ("date_taken", "date_created", "date_digitized")
"""Where the time a photo was taken comes from, best first."""
_TAKEN_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})")


def taken_time(value: str) -> str | None:
    """``value`` if it reads as a real date and time ("YYYY-MM-DD HH:MM:SS"), cut to that; else None."""
    m = _TAKEN_RE.match(value)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups())
    if year < 1900 or not 1 <= month <= 12 or not 1 <= day <= 31 or hour > 23 or minute > 59 or second > 60:
        return None
    return m.group(0)


def _gps_fix(findings: list[Finding]) -> GpsFix | None:
    position = next((f for f in findings if f.key == "gps_position" and f.data), None)
    if position is None or position.data is None:
        return None
    latitude, longitude = position.data.get("latitude"), position.data.get("longitude")
    if not isinstance(latitude, (int, float)) or not isinstance(longitude, (int, float)):
        return None
    altitude = next(
        (
            f.data["metres"]
            for f in findings
            if f.key == "gps_altitude" and f.data and isinstance(f.data.get("metres"), (int, float))
        ),
        None,
    )
    return GpsFix(latitude, longitude, altitude)


def _taken(findings: list[Finding]) -> str | None:
    for key in _TAKEN_KEYS:
        for f in findings:
            if f.key == key:
                time = taken_time(f.value)
                if time:
                    return time
    return None


def _device(findings: list[Finding]) -> IdentityItem | None:
    """ "Apple iPhone 6" from make "Apple" and model "iPhone 6"; the model alone when it already starts
    with the make's first word ("NIKON CORPORATION" + "NIKON D60" is "NIKON D60")."""
    make = next((f.value for f in findings if f.key == "camera_make"), "")
    model = next((f.value for f in findings if f.key == "camera_model"), "")
    if not make and not model:
        return None
    brand = make.split(" ")[0].lower()
    if not make:
        value = model
    elif not model:
        value = make
    else:
        value = model if model.lower().startswith(brand) else f"{make} {model}"
    return IdentityItem("device", "camera", "Camera", value)


def _identity(findings: list[Finding]) -> list[IdentityItem]:
    items: list[IdentityItem] = []
    seen: set[tuple[str, str]] = set()
    camera = _device(findings)
    if camera is not None:
        items.append(camera)
    for f in findings:
        kind = _KIND_OF_KEY.get(f.key)
        if kind is None or not f.value or (f.key, f.value) in seen:
            continue
        seen.add((f.key, f.value))
        items.append(IdentityItem(kind, f.key, f.label, f.value))
    return items


def _hidden(findings: list[Finding]) -> list[HiddenPicture]:
    return [HiddenPicture(f.key, f.label, f.value) for f in findings if f.category == "embedded"]


def _assess(
    inspection: Inspection, gps: GpsFix | None, time: str | None, ids: list[IdentityItem], pictures: list[HiddenPicture]
) -> tuple[RiskLevel, list[str]]:
    by_level: dict[RiskLevel, list[str]] = {"high": [], "medium": [], "low": [], "none": []}
    position = next((f for f in inspection.findings if f.key == "gps_position"), None)
    if gps is not None and position is not None:
        by_level["high"].append(f"GPS position: {position.value}")
    for f in inspection.findings:
        if f.key in _PLACE_NAME_KEYS and f.value:
            by_level["medium"].append(f"{f.label}: {f.value}")
    for item in ids:
        by_level[_RISK_OF_KIND[item.kind]].append(f"{item.label}: {item.value}")
    if time:
        by_level["low"].append(f"Taken: {time}")
    for p in pictures:
        by_level["low"].append(f"{p.label}: {p.value}")
    level: RiskLevel = "high" if by_level["high"] else "medium" if by_level["medium"] else "low" if by_level["low"] else "none"
    return level, by_level["high"] + by_level["medium"] + by_level["low"]


def audit_inspection(inspection: Inspection, name: str, size: int) -> PhotoAudit:
    """The audit of an inspection already made (what ``audit_photo`` does after reading the file)."""
    findings = inspection.findings
    gps = _gps_fix(findings)
    time = _taken(findings)
    ids = _identity(findings)
    pictures = _hidden(findings)
    risk, reasons = _assess(inspection, gps, time, ids, pictures)
    return PhotoAudit(name, size, inspection.format, None, inspection.damaged, gps, time, ids, pictures, risk, reasons)


def inspect_metadata(data: bytes) -> Inspection:
    """What ``inspect`` finds, as far as an audit uses it, read without the picture data: a JPEG's
    walk stops at its first scan (jpeg.read_metadata_head); the other containers' walks never read
    picture data. So a sparse read (read.py: the head and the few bytes the walk names, the rest
    left zero) audits like the whole file (docs/audit.md)."""
    container = container_for(data)
    return jpeg.read_metadata_head(data) if container is jpeg else container.read_metadata(data)


def audit_photo(
    data: bytes, name: str, *, thumbnails: bool = False, walk: Callable[[bytes], Inspection] = inspect_metadata
) -> PhotoAudit:
    """What one file gives away. A file that is not an image privpix reads gets ``error`` (and no risk).
    ``thumbnails`` adds the thumbnail check, which decodes (thumbnail.py; docs/audit.md). ``walk`` reads
    the metadata: ``privpix.inspect`` walks the whole file (the conformance tests compare the two)."""
    try:
        inspection = walk(data)
    except FormatError as err:
        return PhotoAudit(name, len(data), None, str(err), False, None, None, [], [], "none", [])
    photo = audit_inspection(inspection, name, len(data))
    if thumbnails:
        from .thumbnail import check_thumbnail  # decodes: Pillow is loaded only when asked for

        check_thumbnail(data, photo)
    return photo

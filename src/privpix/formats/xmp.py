"""XMP: an RDF/XML packet. It can carry as much as EXIF does, GPS included, so strip removes it
whole; inspect reads the properties people care about.

Reading is deliberately a small pattern match rather than an XML parser: Web Workers have no
DOMParser, and both engines must read exactly the same values. A property is found in attribute form
(``exif:GPSLatitude="43,28.0469N"``) or element form (``<dc:creator><rdf:Seq><rdf:li>…``).
"""

from __future__ import annotations

import re

from .exif import exif_date, format_position
from .findings import Finding, format_bytes, format_fixed, trim

# property -> (category, label, kind). Order is the order findings appear in.
PROPERTIES: tuple[tuple[str, str, str, str], ...] = (
    ("exif:GPSAltitude", "location", "Altitude", "altitude"),
    ("photoshop:City", "location", "City", "text"),
    ("photoshop:State", "location", "State/province", "text"),
    ("photoshop:Country", "location", "Country", "text"),
    ("Iptc4xmpCore:Location", "location", "Sublocation", "text"),
    ("tiff:Make", "device", "Camera make", "text"),
    ("tiff:Model", "device", "Camera model", "text"),
    ("aux:SerialNumber", "device", "Body serial number", "text"),
    ("exifEX:BodySerialNumber", "device", "Body serial number", "text"),
    ("aux:Lens", "device", "Lens", "text"),
    ("exifEX:LensModel", "device", "Lens", "text"),
    ("aux:LensSerialNumber", "device", "Lens serial number", "text"),
    ("exifEX:LensSerialNumber", "device", "Lens serial number", "text"),
    ("xmp:CreatorTool", "device", "Software", "text"),
    ("xmpMM:DocumentID", "device", "Document ID", "text"),
    ("xmpMM:OriginalDocumentID", "device", "Original document ID", "text"),
    ("exif:DateTimeOriginal", "time", "Taken", "date"),
    ("photoshop:DateCreated", "time", "Taken", "date"),
    ("xmp:CreateDate", "time", "Created", "date"),
    ("xmp:ModifyDate", "time", "Modified", "date"),
    ("xmp:MetadataDate", "time", "Metadata modified", "date"),
    ("dc:creator", "people", "Creator", "text"),
    ("dc:rights", "people", "Copyright", "text"),
    ("xmpRights:Owner", "people", "Rights owner", "text"),
    ("dc:title", "people", "Title", "text"),
    ("dc:description", "people", "Description", "text"),
    ("dc:subject", "people", "Keywords", "text"),
    ("photoshop:Credit", "people", "Credit", "text"),
    ("Iptc4xmpCore:CreatorContactInfo", "people", "Creator contact", "text"),
)

_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);")
_LI_RE = re.compile(r"<rdf:li\b[^>]*>([\s\S]*?)</rdf:li>")
_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"[ \t\n\r]+")
_XMP_GPS_RE = re.compile(r"^(\d+),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])$")


def _unescape(value: str) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _ENTITIES.get(name, m.group(0))

    return _ENTITY_RE.sub(one, value)


def _clean(value: str) -> str:
    return trim(_SPACE_RE.sub(" ", _unescape(_TAG_RE.sub(" ", value))))


def property_values(packet: str, name: str) -> list[str]:
    """All values of the first occurrence of property ``name`` (several for rdf lists)."""
    if name not in packet:  # most properties are absent: skip the regular expressions
        return []
    q = re.escape(name)
    attr = re.search(r"[ \t\n\r<]" + q + r"[ \t\n\r]*=[ \t\n\r]*(\"([^\"]*)\"|'([^']*)')", packet)
    elem = re.search(r"<" + q + r"(?:[ \t\n\r][^>]*)?>([\s\S]*?)</" + q + r">", packet)
    if attr and (not elem or attr.start() < elem.start()):
        raw = attr.group(2) if attr.group(2) is not None else attr.group(3)
        value = _clean(raw or "")
        return [value] if value else []
    if elem:
        inner = elem.group(1)
        items = [_clean(li) for li in _LI_RE.findall(inner)]
        if not items:
            items = [_clean(inner)]
        return [item for item in items if item]
    return []


def gps_coordinate(value: str) -> float | None:
    """XMP GPS form "DDD,MM.mmk" or "DDD,MM,SSk" to signed degrees."""
    m = _XMP_GPS_RE.match(trim(value))
    if not m:
        return None
    deg = float(m.group(1)) + float(m.group(2)) / 60
    if m.group(3) is not None:
        deg += float(m.group(3)) / 3600
    return -deg if m.group(4) in "SW" else deg


def _altitude(value: str, packet: str) -> tuple[str, float] | None:
    num, _, den = value.partition("/")
    try:
        metres = float(num) / float(den) if den else float(num)
    except (ValueError, ZeroDivisionError):
        return None
    if property_values(packet, "exif:GPSAltitudeRef")[:1] == ["1"]:
        metres = -metres
    return f"{format_fixed(abs(metres), 1)} m {'below' if metres < 0 else 'above'} sea level", metres


def decode_packet(payload: bytes) -> str:
    return payload.decode("utf-8", "replace")


def findings(packet: str, block: str, offset: int, length: int) -> list[Finding]:
    """What an XMP packet says about location, device, time and people."""
    out: list[Finding] = []
    lat = property_values(packet, "exif:GPSLatitude")
    lon = property_values(packet, "exif:GPSLongitude")
    if lat and lon:
        la, lo = gps_coordinate(lat[0]), gps_coordinate(lon[0])
        if la is not None and lo is not None:
            out.append(
                Finding(
                    "location", "GPS position", format_position(la, lo), block, offset, length, {"latitude": la, "longitude": lo}
                )
            )
    for name, category, label, kind in PROPERTIES:
        values = property_values(packet, name)
        if not values:
            continue
        if kind == "altitude":
            alt = _altitude(values[0], packet)
            if alt:
                out.append(Finding(category, label, alt[0], block, offset, length, {"metres": alt[1]}))
            continue
        value = ", ".join(values)
        if kind == "date":
            value = exif_date(value.replace("T", " "))
        out.append(Finding(category, label, value, block, offset, length))
    return out


def block_finding(block: str, offset: int, length: int) -> Finding:
    return Finding("blocks", "XMP", f"{format_bytes(length)} of XML metadata", block, offset, length)

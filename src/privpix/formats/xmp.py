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
    # "xap" is the older prefix of the same namespaces (Photoshop CS2 and before write it).
    ("xap:CreatorTool", "device", "Software", "text"),
    ("xapMM:DocumentID", "device", "Document ID", "text"),
    ("xapMM:OriginalDocumentID", "device", "Original document ID", "text"),
    ("exif:DateTimeOriginal", "time", "Taken", "date"),
    ("photoshop:DateCreated", "time", "Taken", "date"),
    ("xmp:CreateDate", "time", "Created", "date"),
    ("xmp:ModifyDate", "time", "Modified", "date"),
    ("xmp:MetadataDate", "time", "Metadata modified", "date"),
    ("dc:creator", "people", "Creator", "text"),
    ("tiff:Artist", "people", "Artist", "text"),
    ("exif:Artist", "people", "Artist", "text"),
    ("tiff:Copyright", "people", "Copyright", "text"),
    ("exif:Copyright", "people", "Copyright", "text"),
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
_SPACE_RE = re.compile(r"[ \t\n\r]+")
_XMP_GPS_RE = re.compile(r"^(\d+),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])$")
_WS = " \t\n\r"
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")

# The scanning below is linear in the packet: every search either succeeds, and the next one starts
# past it, or fails, and then no later candidate can succeed either (nothing it would need comes
# later), so the scan stops. Regular expressions with a lazy or unbounded part tried at every
# candidate took minutes on a crafted 500 kB packet (each failing attempt scanned to the end).


def _code_point(digits: str, base: int) -> str | None:
    """The character of a numeric reference; None unless it is a Unicode scalar value other than NUL."""
    digits = digits.lstrip("0")
    if len(digits) > 7:
        return None
    value = int(digits or "0", base)
    return chr(value) if 0 < value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else None


def _unescape(value: str) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith("#x"):
            char = _code_point(name[2:], 16)
        elif name.startswith("#"):
            char = _code_point(name[1:], 10)
        else:
            char = _ENTITIES.get(name)
        return m.group(0) if char is None else char

    return _ENTITY_RE.sub(one, value)


def _without_tags(value: str) -> str:
    """Every ``<…>`` (from a "<" to the next ">") replaced by a space."""
    parts: list[str] = []
    pos = 0
    while True:
        lt = value.find("<", pos)
        gt = value.find(">", lt + 1) if lt >= 0 else -1
        if gt < 0:
            parts.append(value[pos:])
            return "".join(parts)
        parts.append(value[pos:lt])
        parts.append(" ")
        pos = gt + 1


def _clean(value: str) -> str:
    return trim(_SPACE_RE.sub(" ", _unescape(_without_tags(value))))


class _Next:
    """``text.find(needle, start)`` for ascending starts, remembering the last answer: a search that
    found nothing, or found a place still ahead of the new start, is not repeated."""

    def __init__(self, text: str, needle: str) -> None:
        self.text, self.needle, self.found = text, needle, -2  # -2: not searched yet

    def at_or_after(self, start: int) -> int:
        if self.found == -1 or self.found >= start:
            return self.found
        self.found = self.text.find(self.needle, start)
        return self.found


def _attribute(packet: str, name: str) -> tuple[int, str] | None:
    """The first ``name="value"`` (or ``'value'``) preceded by whitespace or "<": (start, value)."""
    quotes = {'"': _Next(packet, '"'), "'": _Next(packet, "'")}
    at = packet.find(name)
    while at >= 0:
        pos = at + len(name)
        if at > 0 and packet[at - 1] in _WS + "<":
            while pos < len(packet) and packet[pos] in _WS:
                pos += 1
            if pos < len(packet) and packet[pos] == "=":
                pos += 1
                while pos < len(packet) and packet[pos] in _WS:
                    pos += 1
                quote = quotes.get(packet[pos : pos + 1])
                if quote is not None:
                    close = quote.at_or_after(pos + 1)
                    if close >= 0:
                        return at - 1, packet[pos + 1 : close]
        at = packet.find(name, at + 1)
    return None


def _element(text: str, name: str) -> tuple[int, str] | None:
    """The first ``<name>…</name>`` or ``<name attributes…>…</name>``: (start, content), the content
    running to the first closing tag after the opening one."""
    gt, close = _Next(text, ">"), _Next(text, f"</{name}>")
    opening = f"<{name}"
    at = text.find(opening)
    while at >= 0:
        pos = at + len(opening)
        follows = text[pos : pos + 1]
        if follows == ">" or (follows and follows in _WS):
            end = pos if follows == ">" else gt.at_or_after(pos)
            stop = close.at_or_after(end + 1) if end >= 0 else -1
            if stop < 0:
                return None  # nothing a later opening tag would need is left either
            return at, text[end + 1 : stop]
        at = text.find(opening, at + 1)
    return None


def _list_items(inner: str) -> list[str]:
    """The contents of the ``<rdf:li …>…</rdf:li>`` items (``<rdf:li`` followed by a non-word
    character, as the ASCII ``\\b`` of both engines' regular expressions had it)."""
    items: list[str] = []
    gt, close = _Next(inner, ">"), _Next(inner, "</rdf:li>")
    at = inner.find("<rdf:li")
    while at >= 0:
        pos = at + len("<rdf:li")
        if pos < len(inner) and inner[pos] in _WORD:
            at = inner.find("<rdf:li", at + 1)
            continue
        end = gt.at_or_after(pos)
        stop = close.at_or_after(end + 1) if end >= 0 else -1
        if stop < 0:
            break
        items.append(inner[end + 1 : stop])
        at = inner.find("<rdf:li", stop + len("</rdf:li>"))
    return items


def property_values(packet: str, name: str) -> list[str]:
    """All values of the first occurrence of property ``name`` (several for rdf lists)."""
    if name not in packet:  # most properties are absent
        return []
    attr = _attribute(packet, name)
    elem = _element(packet, name)
    if attr is not None and (elem is None or attr[0] < elem[0]):
        value = _clean(attr[1])
        return [value] if value else []
    if elem is not None:
        inner = elem[1]
        items = [_clean(li) for li in _list_items(inner)]
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

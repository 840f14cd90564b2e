"""EXIF: the TIFF-structured block that JPEG (APP1), PNG (eXIf), WebP (EXIF), HEIC/AVIF (Exif item)
and TIFF itself carry.

Three jobs: parse the IFDs tolerantly (a broken tag is skipped with a warning, never a crash), turn
the tags people care about into findings, and build the small EXIF a strip keeps (Orientation, plus
any groups the user asked to keep) in the source's byte order so kept values are copied verbatim.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

from . import makernotes
from .errors import FormatError
from .findings import Finding, format_bytes, format_fixed, plural, trim

TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
TYPE_SHORT = 3
TYPE_LONG = 4

TAG_ORIENTATION = 0x0112
TAG_EXIF_IFD = 0x8769
TAG_GPS_IFD = 0x8825
TAG_INTEROP_IFD = 0xA005
TAG_MAKERNOTE = 0x927C
TAG_THUMB_OFFSET = 0x0201
TAG_THUMB_LENGTH = 0x0202
TAG_MAKE = 0x010F
TAG_MODEL = 0x0110

# What each keep-group carries over, per IFD. Serial numbers and owner names are in no group: a
# photographer keeping "camera" wants settings, not a fingerprint.
KEEP_GROUPS: dict[str, dict[str, tuple[int, ...]]] = {
    "camera": {
        "ifd0": (0x010F, 0x0110),
        "exif": (
            0x829A,
            0x829D,
            0x8822,
            0x8827,
            0x8830,
            0x8832,
            0x9201,
            0x9202,
            0x9203,
            0x9204,
            0x9205,
            0x9207,
            0x9208,
            0x9209,
            0x920A,
            0xA402,
            0xA403,
            0xA404,
            0xA405,
            0xA406,
            0xA432,
            0xA433,
            0xA434,
        ),
        "gps": (),
    },
    "time": {
        "ifd0": (0x0132,),
        "exif": (0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9290, 0x9291, 0x9292),
        "gps": (),
    },
    "rights": {"ifd0": (0x013B, 0x8298), "exif": (), "gps": ()},
    "location": {"ifd0": (), "exif": (), "gps": tuple(range(0x0000, 0x0020))},
    # The position only (version, N/S, latitude, E/W, longitude), rounded by ``blurred_gps``.
    "blurred-location": {"ifd0": (), "exif": (), "gps": (0x0000, 0x0001, 0x0002, 0x0003, 0x0004)},
}
KEEP_GROUP_NAMES = tuple(KEEP_GROUPS)
# Every group with the exact position: what "keep all metadata" keeps (blurred-location is the
# alternative to location, not an addition to it).
KEEP_EVERYTHING = tuple(name for name in KEEP_GROUP_NAMES if name != "blurred-location")
BLUR_STEPS_PER_DEGREE = 10
""""blurred-location" rounds latitude and longitude to 1/10 degree: about 11 km, the town but not the house."""
TYPE_RATIONAL = 5
TAG_GPS_LATITUDE = 0x0002
TAG_GPS_LONGITUDE = 0x0004
# An Exif IFD is only valid with these (ExifVersion, FlashpixVersion, ColorSpace); a kept Exif IFD
# carries them over when the source has them.
EXIF_IFD_REQUIRED = (0x9000, 0xA000, 0xA001)


@dataclass(frozen=True)
class Entry:
    """One IFD entry; ``raw`` holds the value bytes in the block's byte order."""

    tag: int
    type: int
    count: int
    raw: bytes
    value_offset: int  # where the value lives, relative to the TIFF header (inline values too)


@dataclass
class Ifd:
    offset: int
    entries: dict[int, Entry] = field(default_factory=dict)
    next_offset: int = 0


@dataclass
class Exif:
    little: bool
    ifd0: Ifd | None = None
    exif: Ifd | None = None
    gps: Ifd | None = None
    interop: Ifd | None = None
    ifd1: Ifd | None = None
    warnings: list[str] = field(default_factory=list)
    data: bytes = field(default=b"", repr=False)
    """The bytes the entries' offsets count from (the block, or a TIFF file): maker notes point into it."""

    @property
    def orientation(self) -> int | None:
        entry = self.ifd0.entries.get(TAG_ORIENTATION) if self.ifd0 else None
        values = uints(entry, self.little) if entry else []
        return values[0] if values and 1 <= values[0] <= 8 else None

    def thumbnail(self) -> tuple[int, int] | None:
        """(offset, length) of the IFD1 JPEG thumbnail, relative to the TIFF header."""
        if not self.ifd1:
            return None
        off = self.ifd1.entries.get(TAG_THUMB_OFFSET)
        size = self.ifd1.entries.get(TAG_THUMB_LENGTH)
        if not off or not size:
            return None
        o, n = uints(off, self.little), uints(size, self.little)
        return (o[0], n[0]) if o and n and n[0] > 0 else None


def byte_order(tiff: bytes, fmt: str = "EXIF", base: int = 0) -> bool:
    """True for little-endian ("II*\\0"), False for big-endian ("MM\\0*")."""
    head = tiff[:4]
    if head == b"II*\x00":
        return True
    if head == b"MM\x00*":
        return False
    found = " ".join(f"{b:02x}" for b in head) or "end of data"
    raise FormatError(fmt, base, "expected a TIFF header 'II*\\0' or 'MM\\0*'", found)


READ_FACTOR = 4


class ReadBudget:
    """How many bytes of IFD tables and out-of-line values one parse may read: ``READ_FACTOR`` times
    the size of the block. A well-formed file is read about once; a crafted one can point thousands of
    entries, or IFDs, at the same megabytes and make a parse copy them thousands of times."""

    def __init__(self, size: int) -> None:
        self.left = READ_FACTOR * size

    def take(self, n: int, fmt: str, offset: int) -> None:
        self.left -= n
        if self.left < 0:
            raise FormatError(
                fmt,
                offset,
                f"expected directories and values that do not overlap, but reading them takes more than {READ_FACTOR} "
                "times the size of the block",
            )


def read_ifd(
    tiff: bytes, offset: int, little: bool, fmt: str, warnings: list[str], base: int = 0, budget: ReadBudget | None = None
) -> Ifd:
    """Parse one IFD at ``offset`` (relative to the TIFF header at ``base`` in the file), counting what
    it reads against ``budget`` (one per parse; a fresh one when not given)."""
    e = "<" if little else ">"
    if offset < 8 or offset + 2 > len(tiff):
        raise FormatError(fmt, base + offset, "expected an IFD inside the block", f"offset {offset} of {len(tiff)}")
    count = struct.unpack_from(e + "H", tiff, offset)[0]
    end = offset + 2 + 12 * count
    if end > len(tiff):
        raise FormatError(fmt, base + offset, f"expected an IFD of {count} entries", "the block ends first")
    budget = budget or ReadBudget(len(tiff))
    budget.take(end - offset, fmt, base + offset)
    ifd = Ifd(offset=offset)
    for i in range(count):
        pos = offset + 2 + 12 * i
        tag, typ, n = struct.unpack_from(e + "HHI", tiff, pos)
        size = TYPE_SIZES.get(typ)
        if size is None:
            warnings.append(f"{fmt} tag 0x{tag:04x} has unknown type {typ}; skipped")
            continue
        total = size * n
        if total <= 4:
            value_offset = pos + 8
        else:
            value_offset = struct.unpack_from(e + "I", tiff, pos + 8)[0]
            if value_offset + total > len(tiff):
                warnings.append(f"{fmt} tag 0x{tag:04x} points outside the block; skipped")
                continue
            budget.take(total, fmt, base + value_offset)
        ifd.entries[tag] = Entry(tag, typ, n, bytes(tiff[value_offset : value_offset + total]), value_offset)
    if end + 4 <= len(tiff):
        ifd.next_offset = struct.unpack_from(e + "I", tiff, end)[0]
    return ifd


def parse(tiff: bytes, fmt: str = "EXIF", base: int = 0) -> Exif:
    """Parse an EXIF block (TIFF header onwards). Broken sub-IFDs become warnings."""
    little = byte_order(tiff, fmt, base)
    e = "<" if little else ">"
    if len(tiff) < 8:
        raise FormatError(fmt, base, "expected an 8-byte TIFF header", f"{len(tiff)} bytes")
    exif = Exif(little=little, data=tiff)
    budget = ReadBudget(len(tiff))
    exif.ifd0 = read_ifd(tiff, struct.unpack_from(e + "I", tiff, 4)[0], little, fmt, exif.warnings, base, budget)
    seen = {exif.ifd0.offset}

    def sub(ifd: Ifd | None, tag: int, name: str) -> Ifd | None:
        entry = ifd.entries.get(tag) if ifd else None
        if entry is None:
            return None
        offsets = uints(entry, little)
        if not offsets or offsets[0] in seen:
            exif.warnings.append(f"{fmt} {name} pointer is invalid; ignored")
            return None
        seen.add(offsets[0])
        try:
            return read_ifd(tiff, offsets[0], little, fmt, exif.warnings, base, budget)
        except FormatError as err:
            exif.warnings.append(f"{name}: {err.expected}; ignored")
            return None

    exif.exif = sub(exif.ifd0, TAG_EXIF_IFD, "Exif IFD")
    exif.gps = sub(exif.ifd0, TAG_GPS_IFD, "GPS IFD")
    exif.interop = sub(exif.exif, TAG_INTEROP_IFD, "Interoperability IFD")
    nxt = exif.ifd0.next_offset
    if nxt and nxt not in seen:
        try:
            exif.ifd1 = read_ifd(tiff, nxt, little, fmt, exif.warnings, base, budget)
        except FormatError as err:
            exif.warnings.append(f"IFD1: {err.expected}; ignored")
    return exif


# ---- value decoding -------------------------------------------------------------------------------


def uints(entry: Entry, little: bool) -> list[int]:
    e = "<" if little else ">"
    if entry.type in (1, 7):
        return list(entry.raw)
    if entry.type == 3:
        return list(struct.unpack(f"{e}{entry.count}H", entry.raw))
    if entry.type in (4, 13):
        return list(struct.unpack(f"{e}{entry.count}I", entry.raw))
    return []


def rationals(entry: Entry, little: bool) -> list[float | None]:
    """Rationals as floats; a zero denominator gives None."""
    if entry.type not in (5, 10):
        return []
    code = ("<" if little else ">") + ("I" if entry.type == 5 else "i") * (2 * entry.count)
    raw = struct.unpack(code, entry.raw)
    return [raw[i] / raw[i + 1] if raw[i + 1] else None for i in range(0, len(raw), 2)]


def text(entry: Entry) -> str:
    """An ASCII (or, in practice, UTF-8) string value, cut at the first NUL and trimmed."""
    raw = entry.raw.split(b"\x00", 1)[0]
    return trim(raw.decode("utf-8", "replace"))


def user_comment(entry: Entry) -> str:
    """UserComment: an 8-byte character-code header, then the text."""
    head, body = entry.raw[:8], entry.raw[8:]
    if head.startswith(b"UNICODE"):
        raw = body.decode("utf-16-be" if body[:1] == b"\x00" else "utf-16-le", "replace")
    else:
        raw = body.decode("utf-8", "replace")
    return trim(raw.replace("\x00", ""))


def xp_text(entry: Entry) -> str:
    """Windows XP* tags: UTF-16LE in a BYTE array."""
    return trim(entry.raw.decode("utf-16-le", "replace").replace("\x00", ""))


def exif_date(value: str) -> str:
    """ "2008:10:22 16:29:49" -> "2008-10-22 16:29:49"; anything else unchanged."""
    if len(value) >= 10 and value[4] == ":" and value[7] == ":":
        return value[:4] + "-" + value[5:7] + "-" + value[8:]
    return value


# ---- findings ---------------------------------------------------------------------------------------

# tag -> (category, label, decoder)
_TEXT_TAGS: dict[str, dict[int, tuple[str, str, str]]] = {
    "ifd0": {
        0x010F: ("device", "Camera make", "text"),
        0x0110: ("device", "Camera model", "text"),
        0x0131: ("device", "Software", "text"),
        0x013C: ("device", "Host computer", "text"),
        0xC62F: ("device", "Body serial number", "text"),
        0x0132: ("time", "Modified", "date"),
        0x010E: ("people", "Description", "text"),
        0x010D: ("people", "Document name", "text"),
        0x011D: ("people", "Page name", "text"),
        0x013B: ("people", "Artist", "text"),
        0x8298: ("people", "Copyright", "text"),
        0x9C9B: ("people", "Title (Windows)", "xp"),
        0x9C9C: ("people", "Comment (Windows)", "xp"),
        0x9C9D: ("people", "Author (Windows)", "xp"),
        0x9C9E: ("people", "Keywords (Windows)", "xp"),
        0x9C9F: ("people", "Subject (Windows)", "xp"),
    },
    "exif": {
        0xA431: ("device", "Body serial number", "text"),
        0xA433: ("device", "Lens make", "text"),
        0xA434: ("device", "Lens", "text"),
        0xA435: ("device", "Lens serial number", "text"),
        0xA420: ("device", "Image unique ID", "text"),
        0x9003: ("time", "Taken", "date"),
        0x9004: ("time", "Digitized", "date"),
        0x9011: ("time", "Time zone", "text"),
        0x9010: ("time", "Time zone (modified)", "text"),
        0x9012: ("time", "Time zone (digitized)", "text"),
        0xA430: ("people", "Camera owner", "text"),
        0x9286: ("people", "User comment", "comment"),
    },
}


def _decode(entry: Entry, how: str) -> str:
    if how == "xp":
        return xp_text(entry)
    if how == "comment":
        return user_comment(entry)
    value = text(entry)
    return exif_date(value) if how == "date" else value


def _dms(entry: Entry | None, little: bool) -> float | None:
    if entry is None:
        return None
    parts = rationals(entry, little)
    if len(parts) < 3 or any(p is None for p in parts[:3]):
        return None
    d, m, s = parts[0], parts[1], parts[2]
    assert d is not None and m is not None and s is not None
    return d + m / 60 + s / 3600


def _ref(entry: Entry | None) -> str:
    return text(entry)[:1].upper() if entry is not None else ""


def format_position(lat: float, lon: float) -> str:
    ns = "S" if lat < 0 else "N"
    ew = "W" if lon < 0 else "E"
    return f"{format_fixed(abs(lat), 5)}° {ns}, {format_fixed(abs(lon), 5)}° {ew}"


def _gps_findings(exif: Exif, block: str, offset: int, length: int) -> list[Finding]:
    gps = exif.gps
    if gps is None:
        return []
    out: list[Finding] = []
    g = gps.entries
    lat = _dms(g.get(0x0002), exif.little)
    lon = _dms(g.get(0x0004), exif.little)
    if lat is not None and lon is not None:
        if _ref(g.get(0x0001)) == "S":
            lat = -lat
        if _ref(g.get(0x0003)) == "W":
            lon = -lon
        out.append(
            Finding(
                "location", "GPS position", format_position(lat, lon), block, offset, length, {"latitude": lat, "longitude": lon}
            )
        )
    alt_entry = g.get(0x0006)
    alt = rationals(alt_entry, exif.little) if alt_entry else []
    if alt and alt[0] is not None:
        below = bool(g.get(0x0005) and uints(g[0x0005], exif.little)[:1] == [1])
        metres = -alt[0] if below else alt[0]
        out.append(
            Finding(
                "location",
                "Altitude",
                f"{format_fixed(abs(metres), 1)} m {'below' if metres < 0 else 'above'} sea level",
                block,
                offset,
                length,
                {"metres": metres},
            )
        )
    if not out:
        out.append(Finding("location", "GPS block", f"{len(g)} GPS tags, no coordinates", block, offset, length))
    stamp = g.get(0x0007)
    date = g.get(0x001D)
    if date is not None:
        when = exif_date(text(date))
        parts = rationals(stamp, exif.little) if stamp else []
        if len(parts) >= 3 and all(p is not None for p in parts[:3]):
            h, m, s = (int(p) for p in parts[:3] if p is not None)
            when += f" {h:02d}:{m:02d}:{s:02d}"
        out.append(Finding("time", "GPS time (UTC)", when, block, offset, length))
    return out


def _makernote_findings(exif: Exif, note: Entry, block: str, offset: int, length: int) -> list[Finding]:
    """The serial numbers the maker notes hold (block "<block> MakerNotes"), then the notes themselves."""
    ifd0 = exif.ifd0.entries if exif.ifd0 else {}
    make = text(ifd0[TAG_MAKE]) if TAG_MAKE in ifd0 else ""
    model = text(ifd0[TAG_MODEL]) if TAG_MODEL in ifd0 else ""
    out = [
        Finding("device", serial.label, serial.value, f"{block} MakerNotes", offset, length)
        for serial in makernotes.serials(exif.data, note, exif.little, make, model)
    ]
    value = f"{makernotes.vendor(note.raw, make)}, {format_bytes(len(note.raw))} of vendor data (can hold serial numbers)"
    out.append(Finding("blocks", "MakerNotes", value, block, offset, length))
    return out


def findings(exif: Exif, block: str, offset: int, length: int, *, orientation: bool = True) -> list[Finding]:
    """Findings for an EXIF block that lives at ``offset``/``length`` in the file. ``orientation``
    False leaves out the kept Orientation (HEIF readers ignore EXIF orientation; irot/imir rule)."""
    out: list[Finding] = []
    out.extend(_gps_findings(exif, block, offset, length))
    for name, ifd in (("ifd0", exif.ifd0), ("exif", exif.exif)):
        if ifd is None:
            continue
        for tag, (category, label, how) in _TEXT_TAGS[name].items():
            entry = ifd.entries.get(tag)
            if entry is None:
                continue
            value = _decode(entry, how)
            if value:
                out.append(Finding(category, label, value, block, offset, length))
    if exif.exif is not None and TAG_MAKERNOTE in exif.exif.entries:
        out.extend(_makernote_findings(exif, exif.exif.entries[TAG_MAKERNOTE], block, offset, length))
    thumb = exif.thumbnail()
    if thumb is not None:
        out.append(Finding("embedded", "EXIF thumbnail", f"JPEG, {format_bytes(thumb[1])}", block, offset, length))
    turn = exif.orientation
    if orientation and turn is not None:
        out.append(Finding("kept", "Orientation", ORIENTATION_NAMES[turn], block, offset, length, {"orientation": turn}))
    return out


def block_findings(
    tiff: bytes, block: str, offset: int, length: int, warnings: list[str], base: int = 0, *, orientation: bool = True
) -> list[Finding]:
    """Everything an EXIF block (``block`` at ``offset``/``length`` in the file) says, then the block
    itself; an unreadable block becomes a warning and an "unreadable" finding."""
    try:
        info = parse(tiff, "EXIF", base)
    except FormatError as err:
        warnings.append(f"{block} at byte {offset}: the EXIF block is unreadable ({err.expected})")
        return [Finding("blocks", "EXIF", f"{format_bytes(length)}, unreadable", block, offset, length)]
    warnings.extend(info.warnings)
    out = findings(info, block, offset, length, orientation=orientation)
    tags = sum(len(i.entries) for i in (info.ifd0, info.exif, info.gps, info.interop, info.ifd1) if i)
    out.append(Finding("blocks", "EXIF", f"{format_bytes(length)}, {plural(tags, 'tag')}", block, offset, length))
    return out


ORIENTATION_NAMES = {
    1: "upright (1)",
    2: "mirrored (2)",
    3: "rotated 180° (3)",
    4: "mirrored vertically (4)",
    5: "mirrored and rotated 90° counter-clockwise (5)",
    6: "rotated 90° clockwise (6)",
    7: "mirrored and rotated 90° clockwise (7)",
    8: "rotated 90° counter-clockwise (8)",
}


# ---- building the EXIF a strip keeps ----------------------------------------------------------------


def kept_tags(keep: frozenset[str] | set[str], orientation: bool) -> dict[str, set[int]]:
    """The tags to carry over per IFD for the user's keep-groups."""
    if "location" in keep and "blurred-location" in keep:
        raise ValueError("keep either location or blurred-location, not both")
    out: dict[str, set[int]] = {"ifd0": set(), "exif": set(), "gps": set()}
    if orientation:
        out["ifd0"].add(TAG_ORIENTATION)
    for group in sorted(keep):
        for ifd_name, tags in KEEP_GROUPS[group].items():  # an unknown group is a KeyError
            out[ifd_name].update(tags)
    if out["exif"]:
        out["exif"].update(EXIF_IFD_REQUIRED)
    return out


def _blurred_degrees(degrees: float, little: bool) -> bytes:
    """``degrees`` (≥ 0) rounded to 1/BLUR_STEPS_PER_DEGREE, as three RATIONALs: degrees, minutes, 0 seconds."""
    steps = math.floor(degrees * BLUR_STEPS_PER_DEGREE + 0.5)
    whole, part = divmod(steps, BLUR_STEPS_PER_DEGREE)
    return struct.pack(("<" if little else ">") + "6I", whole, 1, part * 60 // BLUR_STEPS_PER_DEGREE, 1, 0, 1)


def blurred_gps(info: Exif) -> Ifd | None:
    """The GPS IFD with its position rounded to about 11 km ("blurred-location"); None when it has no
    readable position (then no position is kept at all)."""
    gps = info.gps
    if gps is None:
        return None
    lat = _dms(gps.entries.get(TAG_GPS_LATITUDE), info.little)
    lon = _dms(gps.entries.get(TAG_GPS_LONGITUDE), info.little)
    if lat is None or lon is None or not (0 <= lat <= 90 and 0 <= lon <= 180):
        return None
    entries = dict(gps.entries)
    for tag, value in ((TAG_GPS_LATITUDE, lat), (TAG_GPS_LONGITUDE, lon)):
        entries[tag] = Entry(tag, TYPE_RATIONAL, 3, _blurred_degrees(value, info.little), 0)
    return Ifd(gps.offset, entries, gps.next_offset)


def kept_block(tiff: bytes, keep: frozenset[str], *, orientation: bool = True) -> bytes | None:
    """The EXIF a strip writes in place of ``tiff``: Orientation (when ``orientation`` and the source
    has one) plus the user's keep-groups, the position rounded for "blurred-location". None when
    nothing is left or the block is unreadable."""
    try:
        info = parse(tiff, "EXIF")
    except FormatError:
        return None
    tags = kept_tags(keep, orientation=orientation and info.orientation is not None)
    if "blurred-location" in keep:
        info.gps = blurred_gps(info)
    return build(info, tags)


def ifd_size(entries: list[Entry]) -> int:
    """Bytes an IFD takes when written by ``write_ifd``: table plus out-of-line values."""
    values = sum(len(x.raw) + (len(x.raw) & 1) for x in entries if len(x.raw) > 4)
    return 2 + 12 * len(entries) + 4 + values


def write_ifd(out: bytearray, entries: list[Entry], next_offset: int, little: bool) -> None:
    """Append an IFD at ``len(out)``: entry count, the entries in the given order, the next-IFD
    offset, then the values longer than 4 bytes in entry order, each padded to even length. Values
    of up to 4 bytes sit in the entry, left-aligned and zero-padded."""
    e = "<" if little else ">"
    data_at = len(out) + 2 + 12 * len(entries) + 4
    table = bytearray(struct.pack(e + "H", len(entries)))
    values = bytearray()
    for entry in entries:
        raw = entry.raw
        table += struct.pack(e + "HHI", entry.tag, entry.type, entry.count)
        if len(raw) <= 4:
            table += raw + b"\x00" * (4 - len(raw))
        else:
            table += struct.pack(e + "I", data_at + len(values))
            values += raw + (b"\x00" if len(raw) & 1 else b"")
    table += struct.pack(e + "I", next_offset)
    out += table + values


def build(exif: Exif, tags: dict[str, set[int]]) -> bytes | None:
    """A fresh TIFF-structured EXIF holding only ``tags`` (per IFD), in the source byte order.

    Layout (the TypeScript engine builds the same bytes): header; IFD0 (``write_ifd``); then the
    Exif IFD; then the GPS IFD. Entries sorted by tag, no IFD1. Returns None when nothing is left.
    """
    e = "<" if exif.little else ">"

    def pick(ifd: Ifd | None, wanted: set[int]) -> list[Entry]:
        if ifd is None:
            return []
        skip = (TAG_EXIF_IFD, TAG_GPS_IFD, TAG_INTEROP_IFD)
        return [ifd.entries[t] for t in sorted(ifd.entries) if t in wanted and t not in skip]

    ifd0 = pick(exif.ifd0, tags["ifd0"])
    sub_exif = pick(exif.exif, tags["exif"])
    sub_gps = pick(exif.gps, tags["gps"])
    if not (ifd0 or sub_exif or sub_gps):
        return None
    exif_at = 8 + ifd_size(ifd0) + 12 * (bool(sub_exif) + bool(sub_gps))
    gps_at = exif_at + (ifd_size(sub_exif) if sub_exif else 0)
    if sub_exif:
        ifd0.append(Entry(TAG_EXIF_IFD, TYPE_LONG, 1, struct.pack(e + "I", exif_at), 0))
    if sub_gps:
        ifd0.append(Entry(TAG_GPS_IFD, TYPE_LONG, 1, struct.pack(e + "I", gps_at), 0))
    ifd0.sort(key=lambda entry: entry.tag)

    out = bytearray(b"II*\x00" if exif.little else b"MM\x00*")
    out += struct.pack(e + "I", 8)
    write_ifd(out, ifd0, 0, exif.little)
    if sub_exif:
        write_ifd(out, sub_exif, 0, exif.little)
    if sub_gps:
        write_ifd(out, sub_gps, 0, exif.little)
    return bytes(out)


# ---- the EXIF a re-encode keeps (compress/convert with keep_metadata) ----------------------------------

# Tags that describe how the source stored its pixels, or that cannot survive being moved: dropped
# when an image is re-encoded. IFD0: the TIFF image structure (a TIFF source's EXIF is its own
# IFD0), the EXIF thumbnail pointers, and XMP / IPTC / Photoshop / ICC blocks held as TIFF tags
# (only EXIF is kept; the ICC profile travels separately). Exif IFD: the MakerNote (vendor data
# with offsets into the source block, broken once moved), the source's pixel dimensions, and the
# Interoperability pointer.
REENCODE_DROP: dict[str, frozenset[int]] = {
    "ifd0": frozenset(
        (0x00FE, 0x00FF, 0x0100, 0x0101, 0x0102, 0x0103, 0x0106, 0x0107, 0x010A, 0x0111, 0x0115, 0x0116, 0x0117)
        + (0x011C, 0x013D, 0x0140, 0x0142, 0x0143, 0x0144, 0x0145, 0x014A, 0x0152, 0x0153, 0x0201, 0x0202)
        + (0x0211, 0x0212, 0x02BC, 0x83BB, 0x8649, 0x8773)
    ),
    "exif": frozenset((TAG_MAKERNOTE, 0xA002, 0xA003, TAG_INTEROP_IFD)),
    "gps": frozenset(),
}


def reencoded_block(tiff: bytes) -> bytes | None:
    """The EXIF a re-encoded image carries when the user keeps metadata: every tag of the source's
    IFD0, Exif and GPS IFDs except ``REENCODE_DROP``, with Orientation (when present) set to 1
    (SHORT) because the pixels are upright now. No IFD1 (thumbnail) and no Interoperability IFD.
    Written by ``build`` (same byte order, entries sorted by tag, IFD0 then Exif then GPS).
    None when the block is unreadable or nothing is left."""
    try:
        info = parse(tiff, "EXIF")
    except FormatError:
        return None
    if info.ifd0 is not None and TAG_ORIENTATION in info.ifd0.entries:
        upright = Entry(TAG_ORIENTATION, TYPE_SHORT, 1, struct.pack("<H" if info.little else ">H", 1), 0)
        info.ifd0 = Ifd(info.ifd0.offset, {**info.ifd0.entries, TAG_ORIENTATION: upright}, info.ifd0.next_offset)
    tags = {
        name: {tag for tag in ifd.entries if tag not in REENCODE_DROP[name]} if ifd is not None else set()
        for name, ifd in (("ifd0", info.ifd0), ("exif", info.exif), ("gps", info.gps))
    }
    return build(info, tags)

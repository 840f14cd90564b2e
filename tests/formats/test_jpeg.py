"""JPEG container (JFIF/EXIF, baseline, progressive, restart intervals, CMYK, greyscale, MPO): parse,
inspect and the lossless strip.

The inputs are built here: a base encoded by Pillow, then segments spliced in by hand. The files of
``CASES`` are also run through both engines by ``tests/conformance/test_jpeg_synthetic.py``.
"""

from __future__ import annotations

import io
import json
import re
import struct
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageCms

import privpix
from privpix.formats import exif as exif_mod
from privpix.formats import jpeg
from privpix.formats.errors import FormatError
from privpix.formats.findings import format_bytes
from privpix.options import StripOptions

from ..corpus import CORPUS

DEFAULT = StripOptions()
OPTION_SETS: dict[str, StripOptions] = {
    "default": DEFAULT,
    "no-icc": StripOptions(keep_icc=False),
    "keep-location-rights": StripOptions(keep=frozenset({"location", "rights"})),
    "keep-camera-time": StripOptions(keep=frozenset({"camera", "time"})),
}

SOI, EOI = b"\xff\xd8", b"\xff\xd9"
BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED, SRATIONAL = 1, 2, 3, 4, 5, 7, 10
EXIF_ID = b"Exif\x00\x00"
XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
XMP_EXT_ID = b"http://ns.adobe.com/xmp/extension/\x00"
ICC_ID = b"ICC_PROFILE\x00"


# ---- building JPEGs ---------------------------------------------------------------------------------------


def base_jpeg(mode: str = "RGB", size: tuple[int, int] = (48, 32), seed: int = 1, **save: Any) -> bytes:
    """A small JPEG from Pillow: a gradient with noise, so the scans hold stuffed 0xff00 bytes."""
    w, h = size
    y, x = np.mgrid[0:h, 0:w]
    channels = {"RGB": 3, "L": 1, "CMYK": 4}[mode]
    planes = np.stack([(x * 7 + y * 3 + c * 50) % 256 for c in range(channels)], -1)
    noise = np.random.default_rng(seed).integers(-40, 40, planes.shape)
    pixels = (planes + noise).clip(0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels[..., 0] if channels == 1 else pixels, mode).save(buf, "JPEG", quality=90, **save)
    return buf.getvalue()


def segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def app(n: int, payload: bytes) -> bytes:
    return segment(0xE0 + n, payload)


_NEXT_MARKER = re.compile(rb"\xff[^\x00\xff\xd0-\xd7]")  # scan data ends there; ff 00, ff ff and RSTn do not end it


def split(data: bytes) -> list[bytes]:
    """SOI, every marker segment (an SOS with its scan data), EOI and any trailer, read without the
    module under test (well-formed input only)."""
    assert data[:2] == SOI
    out, pos = [SOI], 2
    while True:
        assert data[pos] == 0xFF, pos
        marker = data[pos + 1]
        if marker == 0xD9:
            out.append(EOI)
            if pos + 2 < len(data):
                out.append(data[pos + 2 :])
            return out
        end = pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:
            end = _NEXT_MARKER.search(data, end).start()
        out.append(data[pos:end])
        pos = end


def markers(data: bytes) -> list[int]:
    """The marker codes of the segments between SOI and EOI."""
    parts = split(data)
    return [piece[1] for piece in parts[1 : parts.index(EOI)]]


def insert(data: bytes, at: int, *pieces: bytes) -> bytes:
    """``data`` with ``pieces`` placed before its ``at``-th top-level element (0 is SOI, so 1 is
    right after it; a negative ``at`` counts from the end, -1 being EOI)."""
    parts = split(data)
    if parts[-1] != EOI:  # a trailer: positions count from EOI
        parts, trailer = parts[:-1], [parts[-1]]
    else:
        trailer = []
    at = at if at >= 0 else len(parts) + at
    return b"".join(parts[:at] + list(pieces) + parts[at:] + trailer)


def scans(data: bytes) -> bytes:
    """Every SOS segment with its scan data, concatenated."""
    return b"".join(p for p in split(data) if p[:2] == b"\xff\xda")


def decoded(data: bytes) -> tuple[str, tuple[int, int], np.ndarray]:
    with Image.open(io.BytesIO(data)) as im:
        im.seek(0)
        im.load()
        return im.mode, im.size, np.asarray(im)


def same_pixels(a: bytes, b: bytes) -> bool:
    (ma, sa, pa), (mb, sb, pb) = decoded(a), decoded(b)
    return ma == mb and sa == sb and np.array_equal(pa, pb)


def found(data: bytes) -> set[tuple[str, str, str]]:
    return {(f.category, f.label, f.value) for f in jpeg.read_metadata(data).findings}


def labels(data: bytes) -> set[tuple[str, str]]:
    return {(f.category, f.label) for f in jpeg.read_metadata(data).findings}


# ---- building EXIF ------------------------------------------------------------------------------------------

Tag = tuple[int, int, Any]  # (tag, type, value)


def _raw(e: str, typ: int, value: Any) -> tuple[int, bytes]:
    """(count, value bytes) of an IFD entry."""
    if typ == ASCII:
        raw = (value.encode() if isinstance(value, str) else value) + b"\x00"
        return len(raw), raw
    if typ in (BYTE, UNDEFINED):
        raw = bytes(value)
        return len(raw), raw
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if typ in (SHORT, LONG):
        return len(values), struct.pack(f"{e}{len(values)}{'H' if typ == SHORT else 'I'}", *values)
    if typ in (RATIONAL, SRATIONAL):
        flat = [n for pair in values for n in pair]
        return len(values), struct.pack(f"{e}{len(flat)}{'I' if typ == RATIONAL else 'i'}", *flat)
    raise AssertionError(typ)


def _ifd_size(e: str, tags: Sequence[Tag]) -> int:
    values = 0
    for _, typ, value in tags:
        raw = _raw(e, typ, value)[1]
        values += len(raw) + (len(raw) & 1) if len(raw) > 4 else 0
    return 2 + 12 * len(tags) + 4 + values


def _ifd(e: str, tags: Sequence[Tag], at: int, next_offset: int = 0) -> bytes:
    data_at = at + 2 + 12 * len(tags) + 4
    table, values = bytearray(struct.pack(e + "H", len(tags))), bytearray()
    for tag, typ, value in sorted(tags, key=lambda t: t[0]):
        count, raw = _raw(e, typ, value)
        table += struct.pack(e + "HHI", tag, typ, count)
        if len(raw) <= 4:
            table += raw.ljust(4, b"\x00")
        else:
            table += struct.pack(e + "I", data_at + len(values))
            values += raw + (b"\x00" if len(raw) & 1 else b"")
    return bytes(table + struct.pack(e + "I", next_offset) + values)


def tiff_block(
    little: bool,
    ifd0: Sequence[Tag],
    exif: Sequence[Tag] = (),
    gps: Sequence[Tag] = (),
    interop: Sequence[Tag] = (),
    ifd1: Sequence[Tag] = (),
    thumbnail: bytes | None = None,
) -> bytes:
    """A TIFF-structured EXIF block: IFD0, then the Exif, GPS, Interoperability IFDs and IFD1 (with
    ``thumbnail`` after it), each followed by its out-of-line values. Pointer tags are added here."""
    e = "<" if little else ">"
    ifd0, exif, ifd1 = list(ifd0), list(exif), list(ifd1)
    if exif or interop:
        ifd0.append((exif_mod.TAG_EXIF_IFD, LONG, 0))
    if gps:
        ifd0.append((exif_mod.TAG_GPS_IFD, LONG, 0))
    if interop:
        exif.append((exif_mod.TAG_INTEROP_IFD, LONG, 0))
    if thumbnail is not None:
        ifd1 += [(0x0201, LONG, 0), (0x0202, LONG, len(thumbnail))]
    order = [("ifd0", ifd0), ("exif", exif), ("gps", gps), ("interop", interop), ("ifd1", ifd1)]
    at, offsets = 8, {}
    for name, tags in order:
        if tags:
            offsets[name] = at
            at += _ifd_size(e, tags)
    pointers = {exif_mod.TAG_EXIF_IFD: "exif", exif_mod.TAG_GPS_IFD: "gps", exif_mod.TAG_INTEROP_IFD: "interop", 0x0201: "thumb"}
    offsets["thumb"] = at

    def resolve(tags: list[Tag]) -> list[Tag]:
        return [(t, typ, offsets[pointers[t]] if t in pointers and typ == LONG and v == 0 else v) for t, typ, v in tags]

    out = bytearray(b"II*\x00" if little else b"MM\x00*") + struct.pack(e + "I", 8)
    for name, tags in order:
        if tags:
            assert len(out) == offsets[name]
            nxt = offsets["ifd1"] if name == "ifd0" and ifd1 else 0
            out += _ifd(e, resolve(tags), offsets[name], nxt)
    return bytes(out) + (thumbnail or b"")


def exif_app1(tiff: bytes) -> bytes:
    return app(1, EXIF_ID + tiff)


def orientation_only(little: bool, orientation: int = 6) -> bytes:
    return tiff_block(little, [(0x0112, SHORT, orientation)])


THUMBNAIL = base_jpeg(size=(8, 8), seed=9)
MAKERNOTE = b"Nikon\x00\x02\x10\x00\x00" + bytes(range(40))

RICH_IFD0: list[Tag] = [
    (0x010E, ASCII, "Our garden"),
    (0x010F, ASCII, "Canon"),
    (0x0110, ASCII, "Canon EOS 5D Mark IV"),
    (0x0112, SHORT, 6),
    (0x011A, RATIONAL, [(72, 1)]),
    (0x0131, ASCII, "Ver.1.0.3"),
    (0x0132, ASCII, "2024:05:17 12:34:56"),
    (0x013B, ASCII, "Jane Doe"),
    (0x8298, ASCII, "(c) Jane Doe"),
    (0x9C9B, BYTE, "Holiday".encode("utf-16-le") + b"\x00\x00"),
    (0xC62F, ASCII, "IFD0SN42"),
]
RICH_EXIF: list[Tag] = [
    (0x829A, RATIONAL, [(1, 250)]),
    (0x829D, RATIONAL, [(28, 10)]),
    (0x8827, SHORT, 400),
    (0x9000, UNDEFINED, b"0231"),
    (0x9003, ASCII, "2024:05:17 12:34:50"),
    (0x9004, ASCII, "2024:05:17 12:34:51"),
    (0x9010, ASCII, "+02:00"),
    (0x9011, ASCII, "+02:00"),
    (0x9201, SRATIONAL, [(-8, 1)]),
    (0x920A, RATIONAL, [(50, 1)]),
    (0x927C, UNDEFINED, MAKERNOTE),
    (0x9286, UNDEFINED, b"ASCII\x00\x00\x00shot at home"),
    (0x9290, ASCII, "12"),
    (0xA000, UNDEFINED, b"0100"),
    (0xA001, SHORT, 1),
    (0xA420, ASCII, "0123456789abcdef"),
    (0xA430, ASCII, "Jane Doe"),
    (0xA431, ASCII, "SN123456"),
    (0xA433, ASCII, "Canon"),
    (0xA434, ASCII, "EF50mm f/1.8 STM"),
    (0xA435, ASCII, "LSN987"),
]
RICH_GPS: list[Tag] = [
    (0x0000, BYTE, [2, 3, 0, 0]),
    (0x0001, ASCII, "S"),
    (0x0002, RATIONAL, [(43, 1), (28, 1), (15, 10)]),
    (0x0003, ASCII, "W"),
    (0x0004, RATIONAL, [(11, 1), (53, 1), (64, 10)]),
    (0x0005, BYTE, [1]),
    (0x0006, RATIONAL, [(125, 10)]),
    (0x0007, RATIONAL, [(12, 1), (34, 1), (56, 1)]),
    (0x0010, ASCII, "T"),
    (0x0011, RATIONAL, [(2705, 10)]),
    (0x001D, ASCII, "2024:05:17"),
]
RICH_INTEROP: list[Tag] = [(0x0001, ASCII, "R98")]
RICH_IFD1: list[Tag] = [(0x0103, SHORT, 6)]


def rich_tiff(little: bool, **changes: Any) -> bytes:
    parts: dict[str, Any] = {
        "ifd0": RICH_IFD0,
        "exif": RICH_EXIF,
        "gps": RICH_GPS,
        "interop": RICH_INTEROP,
        "ifd1": RICH_IFD1,
        "thumbnail": THUMBNAIL,
    }
    parts.update(changes)
    return tiff_block(little, **parts)


RICH_FINDINGS = {
    ("location", "GPS position", "43.46708° S, 11.88511° W"),
    ("location", "Altitude", "12.5 m below sea level"),
    ("time", "GPS time (UTC)", "2024-05-17 12:34:56"),
    ("device", "Camera make", "Canon"),
    ("device", "Camera model", "Canon EOS 5D Mark IV"),
    ("device", "Software", "Ver.1.0.3"),
    ("device", "Body serial number", "IFD0SN42"),
    ("device", "Body serial number", "SN123456"),
    ("device", "Lens make", "Canon"),
    ("device", "Lens", "EF50mm f/1.8 STM"),
    ("device", "Lens serial number", "LSN987"),
    ("device", "Image unique ID", "0123456789abcdef"),
    ("time", "Modified", "2024-05-17 12:34:56"),
    ("time", "Taken", "2024-05-17 12:34:50"),
    ("time", "Digitized", "2024-05-17 12:34:51"),
    ("time", "Time zone", "+02:00"),
    ("time", "Time zone (modified)", "+02:00"),
    ("people", "Description", "Our garden"),
    ("people", "Artist", "Jane Doe"),
    ("people", "Copyright", "(c) Jane Doe"),
    ("people", "Title (Windows)", "Holiday"),
    ("people", "Camera owner", "Jane Doe"),
    ("people", "User comment", "shot at home"),
    ("blocks", "MakerNotes", "Nikon, 50 bytes of vendor data (can hold serial numbers)"),
    ("embedded", "EXIF thumbnail", f"JPEG, {format_bytes(len(THUMBNAIL))}"),
    ("kept", "Orientation", "rotated 90° clockwise (6)"),
}


# ---- other metadata blocks ----------------------------------------------------------------------------------

XMP_PACKET = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="43,28.0250N" '
    b'exif:GPSLongitude="11,53.1067E" xmp:CreateDate="2024-05-17T12:34:56" tiff:Make="Canon" '
    b'xmpNote:HasExtendedXMP="0123456789ABCDEF0123456789ABCDEF">'
    b"<dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>"
    b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
EXT_XMP_PACKET = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="48,51.5N" '
    b'exif:GPSLongitude="2,17.7E" photoshop:City="Paris" aux:SerialNumber="AUX-777"/></rdf:RDF></x:xmpmeta>'
)
GUID = b"0123456789ABCDEF0123456789ABCDEF"


def ext_xmp_parts(packet: bytes = EXT_XMP_PACKET) -> list[bytes]:
    """The two APP1 ExtendedXMP segments carrying ``packet``, cut inside the GPSLatitude value."""
    cut = packet.index(b"51.5N")
    pieces = [(0, packet[:cut]), (cut, packet[cut:])]
    return [app(1, XMP_EXT_ID + GUID + struct.pack(">II", len(packet), off) + part) for off, part in pieces]


def icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


ICC = icc_profile()


def icc_chunks(profile: bytes = ICC, n: int = 3) -> list[bytes]:
    step = -(-len(profile) // n)
    parts = [profile[i : i + step] for i in range(0, len(profile), step)]
    return [app(2, ICC_ID + bytes((i + 1, len(parts))) + part) for i, part in enumerate(parts)]


def iim(*records: tuple[int, int, bytes]) -> bytes:
    return b"".join(b"\x1c" + bytes((r, d)) + struct.pack(">H", len(v)) + v for r, d, v in records)


IIM = iim((1, 90, b"\x1b%G"), (2, 80, b"Jane Doe"), (2, 116, b"\xc2\xa9 Jane D"), (2, 90, b"K\xc3\xb6ln"), (2, 55, b"20240517"))


def irb(*resources: tuple[int, bytes]) -> bytes:
    out = b""
    for rid, body in resources:
        out += b"8BIM" + struct.pack(">H", rid) + b"\x00\x00" + struct.pack(">I", len(body)) + body + b"\x00" * (len(body) & 1)
    return out


PHOTOSHOP = app(13, b"Photoshop 3.0\x00" + irb((0x0404, IIM), (0x040C, b"thumbnail bytes")))
JUMBF = app(11, b"JP\x00\x01\x00\x00\x00\x01" + struct.pack(">I", 24) + b"jumbc2pa" + bytes(12))
JFIF_HEAD = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01"  # what Pillow writes
JFIF_WITH_THUMB = app(0, JFIF_HEAD + b"\x02\x01" + bytes(range(6)))
JFXX = app(0, b"JFXX\x00\x10" + THUMBNAIL)
FPXR = app(2, b"FPXR\x00\x00\x01" + bytes(40))
VENDOR_BLOCKS = [
    app(3, b"META\x00\x00\x00stuff"),
    app(4, b"Ocad\x00rev 1"),
    app(5, b"RMETA\x00" + bytes(10)),
    app(6, b"EPPIM\x00" + bytes(8)),
    app(7, b"\x00\x01no name"),
    app(8, b"SPIFF\x00" + bytes(30)),
    app(9, b"Media Jukebox\x00<MJMD>x</MJMD>"),
    app(10, b"AROT\x00\x00" + bytes(4)),
    app(11, b"HDR_RI ver=11\x00"),
    app(12, b"Ducky\x00\x01\x00\x04\x00\x00\x00\x50"),
    app(13, b"Adobe_CM\x00\x02\x00"),
    app(14, b"Not Adobe"),
    app(15, b"Q\x00trailer block \x01\x02"),
    app(1, b"http://ns.example.com/other/\x00<x/>"),
    app(0, b"AVI1\x00" + bytes(10)),
]
VENDOR_NAMES = [
    "APP3 META",
    "APP4 Ocad",
    "APP5 RMETA",
    "APP6 EPPIM",
    "APP7",
    "APP8 SPIFF",
    "APP9 Media Jukebox",
    "APP10 AROT",
    "APP11 HDR_RI ver=11",
    "APP12 Ducky",
    "APP13 Adobe_CM",
    "APP14 Not Adobe",
    "APP15 Q",
    "APP1 http://ns.example.com/other/",
    "APP0 AVI1",
]


def mpo(frames: int = 2) -> bytes:
    images = [Image.fromarray(decoded(base_jpeg(seed=20 + i))[2]) for i in range(frames)]
    buf = io.BytesIO()
    images[0].save(buf, "MPO", save_all=True, append_images=images[1:], quality=85)
    return buf.getvalue()


# ---- the synthetic cases (also run through both engines by the conformance suite) ---------------------------

CASES: dict[str, bytes] = {}


def case(fn: Callable[[], dict[str, bytes]]) -> Callable[[], dict[str, bytes]]:
    for key, data in fn().items():
        CASES[f"{fn.__name__}_{key}"] = data
    return fn


BASES = {
    "baseline": base_jpeg(),
    "progressive": base_jpeg(progressive=True),
    "restart": base_jpeg(size=(64, 40), restart_marker_blocks=1),
    "cmyk": base_jpeg("CMYK"),
    "grey": base_jpeg("L", size=(40, 24)),
    "subsampled_odd": base_jpeg(size=(33, 17), subsampling=2, seed=5),
}


@case
def bases() -> dict[str, bytes]:
    return dict(BASES)


@case
def exif() -> dict[str, bytes]:
    b = BASES["baseline"]
    out = {}
    for order, little in (("le", True), ("be", False)):
        out[f"orientation_{order}"] = insert(b, 1, exif_app1(orientation_only(little, 6)))
        out[f"rich_{order}"] = insert(b, 1, exif_app1(rich_tiff(little)))
        out[f"rich_after_jfif_{order}"] = insert(b, 2, exif_app1(rich_tiff(little)))
        out[f"no_orientation_{order}"] = insert(b, 1, exif_app1(rich_tiff(little, ifd0=[t for t in RICH_IFD0 if t[0] != 0x0112])))
    out["orientation_long"] = insert(b, 1, exif_app1(tiff_block(True, [(0x0112, LONG, 8)])))
    out["orientation_out_of_range"] = insert(b, 1, exif_app1(tiff_block(False, [(0x0112, SHORT, 9), (0x010F, ASCII, "X")])))
    out["unreadable"] = insert(b, 1, exif_app1(b"not a TIFF header"))
    out["short_header"] = insert(b, 1, app(1, b"Exif\x00\x00MM\x00*"))
    out["broken_gps_pointer"] = insert(
        b, 1, exif_app1(tiff_block(True, [(0x0112, SHORT, 3), (exif_mod.TAG_GPS_IFD, LONG, 5000)]))
    )
    out["two_exif"] = insert(b, 1, exif_app1(orientation_only(True, 6)), exif_app1(rich_tiff(False)))
    out["unreadable_then_valid"] = insert(b, 1, exif_app1(b"MM\x00"), exif_app1(orientation_only(True, 8)))
    out["no_exif_ifd_required_tags"] = insert(
        b, 1, exif_app1(rich_tiff(True, exif=[t for t in RICH_EXIF if t[0] not in (0x9000, 0xA000, 0xA001)]))
    )
    out["makernote_apple"] = insert(
        b,
        1,
        exif_app1(tiff_block(True, [(0x010F, ASCII, "Apple")], [(0x927C, UNDEFINED, b"Apple iOS\x00\x00\x01MM" + bytes(20))])),
    )
    out["makernote_by_make"] = insert(
        b, 1, exif_app1(tiff_block(False, [(0x010F, ASCII, "CANON INC.")], [(0x927C, UNDEFINED, bytes(30))]))
    )
    out["makernote_no_make"] = insert(b, 1, exif_app1(tiff_block(False, [], [(0x927C, UNDEFINED, bytes(12))])))
    out["cmyk_rich"] = insert(BASES["cmyk"], 1, exif_app1(rich_tiff(True)))
    out["progressive_rich"] = insert(BASES["progressive"], 2, exif_app1(rich_tiff(False)))
    return out


@case
def kept_blocks() -> dict[str, bytes]:
    b = BASES["baseline"]
    chunks = icc_chunks()
    return {
        "icc_in_order": insert(b, 2, *chunks),
        "icc_out_of_order": insert(b, 2, chunks[2], chunks[0], chunks[1]),
        "icc_single": insert(BASES["grey"], 2, *icc_chunks(n=1)),
        "icc_cmyk": insert(BASES["cmyk"], 2, *chunks),
        "jfif_thumbnail": b"".join([SOI, JFIF_WITH_THUMB, *split(b)[2:]]),
        "jfif_long_header": b"".join([SOI, app(0, JFIF_HEAD + b"\x00\x00extra bytes"), *split(b)[2:]]),
        "jfif_short_header": b"".join([SOI, app(0, b"JFIF\x00\x01\x02"), *split(b)[2:]]),
        "dri_restart": insert(BASES["restart"], 1, exif_app1(orientation_only(True, 3))),
    }


@case
def removed_blocks() -> dict[str, bytes]:
    b = BASES["baseline"]
    return {
        "xmp": insert(b, 2, app(1, XMP_ID + XMP_PACKET)),
        "extended_xmp": insert(b, 2, app(1, XMP_ID + XMP_PACKET), *reversed(ext_xmp_parts())),
        "jfxx": insert(b, 2, JFXX),
        "mpo": mpo(),
        "mpo_three": mpo(3),
        "mpf_unreadable": insert(b, 2, app(2, b"MPF\x00not an index")),
        "fpxr": insert(b, 2, FPXR, FPXR),
        "vendor": insert(b, 2, *VENDOR_BLOCKS),
        "photoshop": insert(b, 2, PHOTOSHOP),
        "jumbf": insert(b, 2, JUMBF),
        "comment": insert(b, 2, segment(0xFE, b"Shot at Jane's house \xe2\x80\x94 do not share\x00\x00")),
        "comment_empty": insert(b, -2, segment(0xFE, b"")),
        "comment_after_scan": insert(b, -1, segment(0xFE, b"written after the scan")),
        "comment_latin1": insert(b, 2, segment(0xFE, b"caf\xe9 \xff")),
        "trailer": b + b"\x00\x00old picture: " + bytes(range(256)) * 4,
        "trailer_jpeg": b + BASES["grey"],
        "everything": insert(
            b,
            2,
            exif_app1(rich_tiff(True)),
            app(1, XMP_ID + XMP_PACKET),
            *ext_xmp_parts(),
            *icc_chunks(),
            PHOTOSHOP,
            JUMBF,
            *VENDOR_BLOCKS,
            segment(0xFE, b"comment"),
        )
        + b"trailing",
    }


@case
def framing() -> dict[str, bytes]:
    b = BASES["baseline"]
    parts = split(b)
    progressive = split(BASES["progressive"])
    return {
        "fill_before_markers": b"".join([SOI] + [b"\xff\xff\xff" + p for p in parts[1:-1]] + [EOI]),
        "fill_before_eoi": b[:-2] + b"\xff\xff" + EOI,
        "fill_between_scans": b"".join(progressive[:8] + [b"\xff\xff" + p for p in progressive[8:]]),
        "stray_bytes": b"".join(parts[:2] + [b"abc"] + parts[2:4] + [b"\x00"] + parts[4:]),
        "stray_after_removed_block": b"".join(parts[:2] + [segment(0xFE, b"x"), b"\x01\x02"] + parts[2:]),
        "restart_markers_between_segments": b"".join(parts[:2] + [b"\xff\xd0"] + parts[2:3] + [b"\xff\xd7"] + parts[3:]),
        "stuffed_zero_between_segments": b"".join(parts[:2] + [b"\xff\x00"] + parts[2:]),
        "rst_after_scan_behind_a_comment": b"".join(parts[:-1] + [segment(0xFE, b"x"), b"\xff\xd0", b"\xff\x00", EOI]),
        "rst_between_scans_behind_xmp": b"".join(progressive[:8] + [app(1, XMP_ID + b"<x/>"), b"\xff\xd3"] + progressive[8:]),
        "short_exif_lookalike": b"".join(
            parts[:2] + [app(1, b"Exif"), b"\x00\x00", exif_app1(orientation_only(True, 6))] + parts[2:]
        ),
        "short_icc_lookalike": b"".join(parts[:2] + [app(2, b"ICC_PRO"), b"FILE\x00\x01\x01"] + parts[2:]),
        "short_jfif_lookalike": b"".join([SOI, app(0, b"JF"), b"IF\x00"] + parts[2:]),
    }


# ---- sniff and parse ----------------------------------------------------------------------------------------


def test_sniff() -> None:
    for data in BASES.values():
        assert jpeg.sniff(data)
    assert not jpeg.sniff(b"\xff\xd8")
    assert not jpeg.sniff(b"\xff\xd8\x00\xff")
    assert not jpeg.sniff(b"\x89PNG\r\n\x1a\n")
    assert not jpeg.sniff(b"")


def test_bases_have_the_structures_under_test() -> None:
    """The Pillow bases really are baseline, progressive, with restart markers, CMYK and greyscale,
    and their scans hold stuffed bytes: otherwise the tests below would prove less."""
    assert markers(BASES["baseline"]) == [0xE0, 0xDB, 0xDB, 0xC0, 0xC4, 0xC4, 0xC4, 0xC4, 0xDA]
    assert 0xC2 in markers(BASES["progressive"]) and markers(BASES["progressive"]).count(0xDA) >= 6
    assert 0xDD in markers(BASES["restart"])
    assert sum(scans(BASES["restart"]).count(bytes((0xFF, m))) for m in range(0xD0, 0xD8)) >= 8
    assert markers(BASES["cmyk"])[0] == 0xEE and decoded(BASES["cmyk"])[0] == "CMYK"
    assert decoded(BASES["grey"])[0] == "L"
    for name, data in BASES.items():
        assert b"\xff\x00" in scans(data), name


@pytest.mark.parametrize("name", list(BASES))
def test_parse_finds_the_same_segments_as_an_independent_reader(name: str) -> None:
    data = BASES[name]
    layout = jpeg.parse.__wrapped__(data)
    pieces = split(data)[1:-1]
    assert [data[s.start : s.end] for s in layout.segments] == pieces
    assert layout.eoi_end == len(data) and layout.warnings == []
    for seg, piece in zip(layout.segments, pieces):
        assert seg.marker == piece[1]
        assert seg.payload_start == seg.start + 4
        assert seg.payload_end == seg.start + 2 + int.from_bytes(piece[2:4], "big")


@pytest.mark.parametrize("name", list(BASES))
def test_dimensions_from_the_sof(name: str) -> None:
    data = BASES[name]
    info = jpeg.read_metadata(data)
    assert (info.format, info.mime) == ("jpeg", "image/jpeg")
    assert (info.width, info.height) == decoded(data)[1]
    assert info.findings == [] and info.warnings == []


@pytest.mark.parametrize("marker", range(0xC0, 0xD0))
def test_every_sof_marker_gives_the_size_and_others_do_not(marker: int) -> None:
    sof = segment(marker, b"\x08" + struct.pack(">HH", 300, 4000) + b"\x01\x01\x11\x00")
    first = segment(0xC0, b"\x08" + struct.pack(">HH", 1, 2) + b"\x01\x01\x11\x00")
    info = jpeg.read_metadata(SOI + sof + first + EOI)
    if marker in (0xC4, 0xC8, 0xCC):  # DHT, JPG, DAC
        assert (info.width, info.height) == (2, 1)
    else:
        assert (info.width, info.height) == (4000, 300)


def test_no_sof_or_a_short_one_gives_no_size() -> None:
    assert (jpeg.read_metadata(SOI + segment(0xFE, b"x") + EOI).width, jpeg.read_metadata(SOI + EOI).height) == (None, None)
    info = jpeg.read_metadata(SOI + segment(0xC0, b"\x08\x00\x10\x00") + EOI)
    assert (info.width, info.height) == (None, None)


# ---- errors, with exact offsets ----------------------------------------------------------------------------


def _error(data: bytes) -> FormatError:
    """The error, checked to be the same from parse, inspect, strip and the library."""
    errors = []
    for fn in (jpeg.parse.__wrapped__, jpeg.read_metadata, lambda d: jpeg.strip(d, DEFAULT)):
        with pytest.raises(FormatError) as err:
            fn(bytes(bytearray(data)))  # a fresh object each time: the parse memo must not matter
        errors.append(err.value)
    assert len({(e.offset, e.expected, e.found) for e in errors}) == 1
    if jpeg.sniff(data):  # otherwise the library says it is no image it knows
        with pytest.raises(privpix.FormatError) as lib:
            privpix.strip(data)
        assert str(lib.value) == str(errors[0])
    return errors[0]


def test_error_not_a_jpeg() -> None:
    err = _error(b"\xff\xd9\xff\xe0" + bytes(20))
    assert (err.offset, err.expected, err.found) == (
        0,
        "expected a JPEG start-of-image marker ff d8 ff",
        "ff d9 ff e0 00 00 00 00",
    )
    assert str(err) == "JPEG: at byte 0: expected a JPEG start-of-image marker ff d8 ff (found ff d9 ff e0 00 00 00 00)"


def test_error_soi_only() -> None:
    err = _error(b"\xff\xd8\xff")
    assert (err.offset, err.expected) == (2, "truncated: expected a marker code, but the file ends")
    err = _error(b"\xff\xd8\xff\xff\xff")
    assert (err.offset, err.expected) == (4, "truncated: expected a marker code, but the file ends")


def test_error_truncated_segment_length() -> None:
    err = _error(b"\xff\xd8\xff\xe0")
    assert (err.offset, err.expected) == (4, "expected the length of marker ff e0 (2 bytes), but the file ends at byte 4")
    err = _error(b"\xff\xd8\xff\xe1\x00")
    assert (err.offset, err.expected) == (4, "expected the length of marker ff e1 (2 bytes), but the file ends at byte 5")


def test_error_truncated_payload() -> None:
    data = BASES["baseline"]
    dqt = data.index(b"\xff\xdb")
    err = _error(data[: dqt + 30])
    assert (err.offset, err.expected) == (
        dqt + 4,
        f"expected the payload of marker ff db (65 bytes), but the file ends at byte {dqt + 30}",
    )
    block = exif_app1(rich_tiff(True))
    err = _error(SOI + block[:100])
    assert (err.offset, err.expected) == (
        6,
        f"expected the payload of marker ff e1 ({len(block) - 4} bytes), but the file ends at byte 102",
    )


@pytest.mark.parametrize("length", [0, 1])
def test_error_segment_length_below_two(length: int) -> None:
    data = BASES["baseline"]
    data = data[:2] + b"\xff\xfe" + struct.pack(">H", length) + data[2:]
    err = _error(data)
    assert (err.offset, err.expected, err.found) == (4, "expected a segment length of at least 2 for marker ff fe", str(length))


@pytest.mark.parametrize("cut", [1, 2, 3, 10, 200])
def test_scan_data_without_eoi_is_damaged_and_kept_to_the_cut(cut: int) -> None:
    data = BASES["baseline"]
    sos = data.rindex(b"\xff\xda")
    scan_start = sos + 2 + int.from_bytes(data[sos + 2 : sos + 4], "big")
    report = jpeg.read_metadata(data[:-cut])
    assert report.damaged and report.warnings == [
        f"damaged: JPEG: at byte {scan_start}: truncated: the image data ends without an end-of-image marker "
        "(the file was cut short); what could be read is kept, and the picture is incomplete"
    ]
    out = jpeg.strip(data[:-cut], DEFAULT)
    # a 0xff left at the cut (the EOI's first byte) is a fill byte, not scan data: dropped
    assert out == data[:-cut].rstrip(b"\xff") + b"\xff\xd9" and not jpeg.read_metadata(out).damaged


def test_progressive_cut_in_a_later_scan_is_damaged() -> None:
    data = BASES["progressive"]
    last_sos = data.rindex(b"\xff\xda")
    scan_start = last_sos + 2 + int.from_bytes(data[last_sos + 2 : last_sos + 4], "big")
    report = jpeg.read_metadata(data[: last_sos + 30])
    assert report.damaged and f"at byte {scan_start}: truncated" in report.warnings[-1] and "end-of-image" in report.warnings[-1]
    with pytest.raises(FormatError, match="truncated"):  # cut before any scan: nothing to keep
        jpeg.read_metadata(data[: data.index(b"\xff\xda")])


def test_error_file_ends_between_segments() -> None:
    data = BASES["baseline"]
    parts = split(data)
    head = b"".join(parts[:3])
    err = _error(head)
    assert (err.offset, err.expected) == (len(head), "truncated: expected another marker, but the file ends")


def test_error_no_marker_after_stray_bytes() -> None:
    parts = split(BASES["baseline"])
    head = b"".join(parts[:3])
    err = _error(head + b"abc")
    assert (err.offset, err.expected, err.found) == (len(head), "expected a marker (0xff)", "61 62 63")


# ---- strip: what is kept ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(BASES))
def test_a_clean_pillow_file_is_left_exactly_as_it_is(name: str) -> None:
    """JFIF (no thumbnail), Adobe APP14, DQT, SOF, DHT, DRI and every scan with its restart markers and
    stuffed bytes are copied byte for byte."""
    data = BASES[name]
    assert jpeg.strip(data, DEFAULT) == data
    assert jpeg.strip(data, StripOptions(keep_icc=False, keep=frozenset({"camera", "time", "rights", "location"}))) == data


def test_kept_segments_are_copied_verbatim_around_removed_ones() -> None:
    data = CASES["removed_blocks_everything"]
    out = jpeg.strip(data, DEFAULT)
    kept = [p for p in split(data)[1:-2] if p[1] in (0xDB, 0xC4, 0xC0, 0xDA) or (p[1] == 0xE0 and p[4:9] == b"JFIF\x00")]
    assert len(kept) == 9
    assert [p for p in split(out)[1:-1] if p[:2] not in (b"\xff\xe1", b"\xff\xe2")] == kept
    assert [p for p in split(out) if p[:2] == b"\xff\xe2"] == icc_chunks(n=1)  # the three chunks, joined
    assert scans(out) == scans(data)


def test_restart_interval_and_markers_survive() -> None:
    data = CASES["kept_blocks_dri_restart"]
    out = jpeg.strip(data, DEFAULT)
    assert [p for p in split(out) if p[:2] == b"\xff\xdd"] == [p for p in split(data) if p[:2] == b"\xff\xdd"]
    assert scans(out) == scans(data) and same_pixels(data, out)


def test_jfif_thumbnail_is_removed_and_the_header_rewritten() -> None:
    data = CASES["kept_blocks_jfif_thumbnail"]
    assert ("embedded", "JFIF thumbnail", "2×1 pixels") in found(data)
    out = jpeg.strip(data, DEFAULT)
    assert split(out)[1] == app(0, JFIF_HEAD + b"\x00\x00")
    assert out == BASES["baseline"]  # Pillow's own header is that one, with the same density
    assert found(out) == set()


def test_jfif_header_with_extra_bytes_is_cut_to_fourteen() -> None:
    out = jpeg.strip(CASES["kept_blocks_jfif_long_header"], DEFAULT)
    assert split(out)[1] == app(0, JFIF_HEAD + b"\x00\x00")


def test_a_jfif_header_too_short_for_decoders_is_dropped() -> None:
    """libjpeg reads JFIF only from 14 bytes on; a shorter one can carry nothing a decoder uses."""
    data = CASES["kept_blocks_jfif_short_header"]
    assert b"JFIF" not in jpeg.strip(data, DEFAULT)


def test_adobe_app14_is_kept_for_cmyk() -> None:
    data = insert(BASES["cmyk"], 2, segment(0xFE, b"x"), app(13, b"Photoshop 3.0\x00"))
    out = jpeg.strip(data, DEFAULT)
    assert out == BASES["cmyk"] and split(out)[1][:9] == b"\xff\xee\x00\x0eAdobe"
    assert ("blocks", "Vendor block") not in labels(out)
    assert same_pixels(data, out)


@pytest.mark.parametrize("which", ["icc_in_order", "icc_out_of_order", "icc_single", "icc_cmyk"])
def test_icc_chunks_are_joined_in_order_and_written_as_few_chunks(which: str) -> None:
    data = CASES[f"kept_blocks_{which}"]
    out = jpeg.strip(data, DEFAULT)
    chunks = [p for p in split(out) if p[:2] == b"\xff\xe2"]
    assert chunks == icc_chunks(n=1)  # the profile is standard, so neutralising changes nothing
    first = [p[:2] for p in split(data)].index(b"\xff\xe2")
    assert split(out)[first] == chunks[0]  # where the first chunk was
    assert out == data if which == "icc_single" else len(out) < len(data)
    with Image.open(io.BytesIO(out)) as im:
        assert im.info["icc_profile"] == ICC
    (kept,) = jpeg.read_metadata(out).findings
    parts = split(out)
    first = sum(map(len, parts[: parts.index(chunks[0])]))
    assert (kept.category, kept.label, kept.value, kept.block) == ("kept", "ICC profile", "sRGB built-in", "APP2 ICC_PROFILE")
    assert (kept.offset, kept.length, kept.data) == (first, sum(map(len, chunks)), {"bytes": len(ICC)})


@pytest.mark.parametrize("which", ["icc_in_order", "icc_out_of_order", "icc_cmyk"])
def test_icc_is_removed_without_keep_icc(which: str) -> None:
    data = CASES[f"kept_blocks_{which}"]
    out = jpeg.strip(data, StripOptions(keep_icc=False))
    assert b"ICC_PROFILE" not in out
    assert out == BASES["cmyk" if which == "icc_cmyk" else "baseline"]
    with Image.open(io.BytesIO(out)) as im:
        assert "icc_profile" not in im.info
    assert jpeg.read_metadata(out).findings == []


def test_an_icc_segment_too_short_for_its_chunk_header_is_not_kept() -> None:
    """libjpeg reads an APP2 as an ICC chunk only when it holds the 14-byte header (identifier,
    sequence number, count); inspect calls a shorter one a vendor block, and the strip removes it."""
    data = insert(BASES["baseline"], 2, app(2, ICC_ID), app(2, ICC_ID + b"\x01"))  # Pillow cannot open it
    assert [f.value for f in jpeg.read_metadata(data).findings] == ["APP2 ICC_PROFILE, 16 bytes", "APP2 ICC_PROFILE, 17 bytes"]
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


# ---- strip: EXIF --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("little", [True, False], ids=["le", "be"])
def test_exif_is_replaced_in_place_by_orientation_only(little: bool) -> None:
    data = CASES[f"exif_rich_{'le' if little else 'be'}"]
    assert found(data) == RICH_FINDINGS | {("blocks", "EXIF", f"{format_bytes(len(split(data)[1]))}, 50 tags")}
    out = jpeg.strip(data, DEFAULT)
    e = "<" if little else ">"
    expected_tiff = (
        (b"II*\x00" if little else b"MM\x00*")
        + struct.pack(e + "I", 8)
        + struct.pack(e + "HHHI", 1, 0x0112, SHORT, 1)
        + struct.pack(e + "H", 6)
        + b"\x00\x00"
        + bytes(4)
    )
    assert split(out)[1] == exif_app1(expected_tiff)  # where the old block was, before JFIF
    assert out == SOI + exif_app1(expected_tiff) + BASES["baseline"][2:]
    with Image.open(io.BytesIO(out)) as im:
        assert dict(im.getexif()) == {0x0112: 6}
    segs = jpeg.read_metadata(out).findings
    assert [(f.category, f.label, f.value, f.offset, f.length) for f in segs] == [
        ("kept", "Orientation", "rotated 90° clockwise (6)", 2, 36),
        ("blocks", "EXIF", "36 bytes, 1 tag", 2, 36),
    ]


def test_exif_after_jfif_stays_after_jfif() -> None:
    out = jpeg.strip(CASES["exif_rich_after_jfif_be"], DEFAULT)
    assert markers(out)[:2] == [0xE0, 0xE1]
    assert exif_mod.parse(split(out)[2][10:]).orientation == 6


@pytest.mark.parametrize("name", ["exif_no_orientation_le", "exif_no_orientation_be", "exif_orientation_out_of_range"])
def test_exif_without_orientation_leaves_no_app1(name: str) -> None:
    assert jpeg.strip(CASES[name], DEFAULT) == BASES["baseline"]


def test_orientation_stored_as_long_is_copied_as_it_is() -> None:
    out = jpeg.strip(CASES["exif_orientation_long"], DEFAULT)
    info = exif_mod.parse(split(out)[1][10:])
    entry = info.ifd0.entries[0x0112]
    assert (entry.type, entry.count, entry.raw, info.orientation) == (LONG, 1, struct.pack("<I", 8), 8)


@pytest.mark.parametrize("name", ["exif_unreadable", "exif_short_header"])
def test_unreadable_exif_is_dropped_and_warned(name: str) -> None:
    data = CASES[name]
    info = jpeg.read_metadata(data)
    size = len(split(data)[1])
    assert [(f.category, f.label, f.value, f.offset) for f in info.findings] == [
        ("blocks", "EXIF", f"{size} bytes, unreadable", 2)
    ]
    assert len(info.warnings) == 1
    assert info.warnings[0].startswith("APP1 EXIF at byte 2: the EXIF block is unreadable (expected ")
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]
    assert privpix.strip(data).warnings == info.warnings


def test_broken_sub_ifd_is_a_warning_and_orientation_survives() -> None:
    data = CASES["exif_broken_gps_pointer"]
    info = jpeg.read_metadata(data)
    assert info.warnings == ["GPS IFD: expected an IFD inside the block; ignored"]
    out = jpeg.strip(data, DEFAULT)
    assert exif_mod.parse(split(out)[1][10:]).orientation == 3


def test_only_the_first_exif_counts() -> None:
    out = jpeg.strip(CASES["exif_two_exif"], DEFAULT)
    exifs = [p for p in split(out) if p[:2] == b"\xff\xe1"]
    assert exifs == [exif_app1(orientation_only(True, 6))]


def test_a_second_exif_does_not_stand_in_for_an_unreadable_first() -> None:
    """Decoders take the first Exif APP1; when it is unreadable the orientation they see is none, and
    the strip does not promote a later block."""
    data = CASES["exif_unreadable_then_valid"]
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


@pytest.mark.parametrize("little", [True, False], ids=["le", "be"])
def test_keep_groups_carry_exactly_their_tags(little: bool) -> None:
    data = CASES[f"exif_rich_{'le' if little else 'be'}"]
    source = exif_mod.parse(rich_tiff(little))
    expect = {
        "camera": ({0x010F, 0x0110}, {0x829A, 0x829D, 0x8827, 0x9201, 0x920A, 0xA433, 0xA434, 0x9000, 0xA000, 0xA001}, set()),
        "time": ({0x0132}, {0x9003, 0x9004, 0x9010, 0x9011, 0x9290, 0x9000, 0xA000, 0xA001}, set()),
        "rights": ({0x013B, 0x8298}, set(), set()),
        "location": (set(), set(), {t for t, _, _ in RICH_GPS}),
    }
    for groups in (["camera"], ["time"], ["rights"], ["location"], ["camera", "time"], ["location", "rights"], list(expect)):
        out = jpeg.strip(data, StripOptions(keep=frozenset(groups)))
        info = exif_mod.parse(split(out)[1][10:])
        assert info.little == little
        ifd0 = {0x0112}.union(*(expect[g][0] for g in groups))
        sub = set().union(*(expect[g][1] for g in groups))
        gps = set().union(*(expect[g][2] for g in groups))
        pointers = ({exif_mod.TAG_EXIF_IFD} if sub else set()) | ({exif_mod.TAG_GPS_IFD} if gps else set())
        assert set(info.ifd0.entries) == ifd0 | pointers, groups
        assert (set(info.exif.entries) if info.exif else set()) == sub, groups
        assert (set(info.gps.entries) if info.gps else set()) == gps, groups
        assert info.interop is None and info.ifd1 is None and info.thumbnail() is None
        for mine, theirs in ((info.ifd0, source.ifd0), (info.exif, source.exif), (info.gps, source.gps)):
            for tag, entry in mine.entries.items() if mine else []:
                if tag not in pointers:
                    assert (entry.type, entry.count, entry.raw) == (
                        theirs.entries[tag].type,
                        theirs.entries[tag].count,
                        theirs.entries[tag].raw,
                    )
        assert same_pixels(data, out)


def test_serials_owner_makernote_and_comments_are_never_kept() -> None:
    everything = StripOptions(keep=frozenset({"camera", "time", "rights", "location"}))
    for name in ("exif_rich_le", "exif_rich_be"):
        out = jpeg.strip(CASES[name], everything)
        info = exif_mod.parse(split(out)[1][10:])
        tags = set(info.ifd0.entries) | set(info.exif.entries)
        assert not tags & {0xC62F, 0xA431, 0xA435, 0xA430, 0xA420, 0x927C, 0x9286, 0x0131, 0x010E, 0x9C9B, 0x011A}
        labels_after = {label for _, label, _ in found(out)}
        assert not labels_after & {"Body serial number", "Lens serial number", "Camera owner", "Image unique ID", "MakerNotes"}
        assert "EXIF thumbnail" not in labels_after


def test_keep_groups_findings() -> None:
    data = CASES["exif_rich_le"]
    kept = found(jpeg.strip(data, StripOptions(keep=frozenset({"location", "rights"}))))
    assert {
        ("location", "GPS position", "43.46708° S, 11.88511° W"),
        ("location", "Altitude", "12.5 m below sea level"),
        ("people", "Artist", "Jane Doe"),
        ("people", "Copyright", "(c) Jane Doe"),
        ("kept", "Orientation", "rotated 90° clockwise (6)"),
    } <= kept
    assert not {c for c, _, _ in kept} & {"device", "embedded"}
    camera = found(jpeg.strip(data, StripOptions(keep=frozenset({"camera", "time"}))))
    assert {
        ("device", "Camera make", "Canon"),
        ("device", "Lens", "EF50mm f/1.8 STM"),
        ("time", "Taken", "2024-05-17 12:34:50"),
    } <= camera
    assert not {c for c, _, _ in camera} & {"location", "people", "embedded"}


def test_exif_ifd_gets_only_the_required_tags_the_source_has() -> None:
    out = jpeg.strip(CASES["exif_no_exif_ifd_required_tags"], StripOptions(keep=frozenset({"camera"})))
    info = exif_mod.parse(split(out)[1][10:])
    assert not set(info.exif.entries) & {0x9000, 0xA000, 0xA001}
    out = jpeg.strip(CASES["exif_rich_le"], StripOptions(keep=frozenset({"time"})))
    assert {0x9000, 0xA000, 0xA001} <= set(exif_mod.parse(split(out)[1][10:]).exif.entries)
    out = jpeg.strip(CASES["exif_rich_le"], StripOptions(keep=frozenset({"rights", "location"})))
    assert exif_mod.parse(split(out)[1][10:]).exif is None


def test_keep_groups_without_orientation_still_build_an_exif() -> None:
    out = jpeg.strip(CASES["exif_no_orientation_be"], StripOptions(keep=frozenset({"rights"})))
    info = exif_mod.parse(split(out)[1][10:])
    assert set(info.ifd0.entries) == {0x013B, 0x8298} and info.orientation is None


# ---- strip: what is removed, and what inspect says about it --------------------------------------------------


def test_xmp_is_removed_and_read() -> None:
    data = CASES["removed_blocks_xmp"]
    at = data.index(b"\xff\xe1")
    size = 4 + len(XMP_ID) + len(XMP_PACKET)
    info = jpeg.read_metadata(data)
    assert {(f.category, f.label, f.value, f.block, f.offset, f.length) for f in info.findings} == {
        ("location", "GPS position", "43.46708° N, 11.88511° E", "APP1 XMP", at, size),
        ("device", "Camera make", "Canon", "APP1 XMP", at, size),
        ("time", "Created", "2024-05-17 12:34:56", "APP1 XMP", at, size),
        ("people", "Creator", "Jane Doe", "APP1 XMP", at, size),
        ("blocks", "XMP", f"{size} bytes of XML metadata", "APP1 XMP", at, size),
    }
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


def test_extended_xmp_is_read_from_its_joined_parts() -> None:
    data = CASES["removed_blocks_extended_xmp"]
    parts = ext_xmp_parts()
    assert b"48,51.5N" not in parts[0] and b"48,51.5N" not in parts[1]  # the value is cut across parts
    at = data.index(parts[1])  # written second part first
    total = sum(map(len, parts))
    ext = {
        (f.category, f.label, f.value, f.offset, f.length)
        for f in jpeg.read_metadata(data).findings
        if f.block == "APP1 Extended XMP"
    }
    assert ext == {
        ("location", "GPS position", "48.85833° N, 2.29500° E", at, total),
        ("location", "City", "Paris", at, total),
        ("device", "Body serial number", "AUX-777", at, total),
        ("blocks", "Extended XMP", f"2 parts, {format_bytes(total)}", at, total),
    }
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


def test_jfxx_thumbnail_is_removed() -> None:
    data = CASES["removed_blocks_jfxx"]
    assert found(data) == {("embedded", "JFIF extension thumbnail", format_bytes(len(JFXX)))}
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


@pytest.mark.parametrize("frames", [2, 3])
def test_mpo_index_and_secondary_images_are_removed(frames: int) -> None:
    data = CASES["removed_blocks_mpo" if frames == 2 else "removed_blocks_mpo_three"]
    layout = jpeg.parse(data)
    trailing = len(data) - layout.eoi_end
    assert trailing > 0
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "MPO" and im.n_frames == frames
    # the index's own sizes (Pillow's writer gets the third one wrong, so they need not add up to the trailer)
    mpf = exif_mod.parse(split(data)[2][8:], "MPF")
    entries = mpf.ifd0.entries[0xB002].raw
    sizes = [struct.unpack_from("<IIIHH", entries, i)[1] for i in range(16, len(entries), 16)]
    assert len(sizes) == frames - 1 and (frames > 2 or sizes == [trailing])
    more = frames - 1
    assert (
        "embedded",
        "MPF images",
        f"{more} more image{'s' if more > 1 else ''} after this one ({format_bytes(sum(sizes))})",
    ) in found(data)
    assert ("blocks", "Data after the end of the image", format_bytes(trailing)) in found(data)
    out = jpeg.strip(data, DEFAULT)
    assert out == data[: layout.eoi_end].replace(split(data)[2], b"")
    assert b"MPF\x00" not in out
    with Image.open(io.BytesIO(out)) as im:
        assert im.format == "JPEG"
    assert same_pixels(data, out) and found(out) == set()


def test_unreadable_mpf_index() -> None:
    data = CASES["removed_blocks_mpf_unreadable"]
    assert found(data) == {("embedded", "MPF images", "multi-picture index")}
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


def test_vendor_blocks_are_named_and_removed() -> None:
    data = CASES["removed_blocks_vendor"]
    info = jpeg.read_metadata(data)
    at = data.index(VENDOR_BLOCKS[0])
    got = [(f.category, f.label, f.value, f.block, f.offset, f.length) for f in info.findings]
    want = []
    for name, block in zip(VENDOR_NAMES, VENDOR_BLOCKS):
        want.append(("blocks", "Vendor block", f"{name}, {len(block)} bytes", name, at, len(block)))
        at += len(block)
    assert got == want
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


def test_fpxr_is_a_vendor_block() -> None:
    data = CASES["removed_blocks_fpxr"]
    assert [f.block for f in jpeg.read_metadata(data).findings] == ["APP2 FPXR", "APP2 FPXR"]
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


def test_photoshop_iptc_is_read_and_removed() -> None:
    data = CASES["removed_blocks_photoshop"]
    assert found(data) == {
        ("location", "City", "Köln"),
        ("time", "Taken (date)", "20240517"),
        ("people", "Creator", "Jane Doe"),
        ("people", "Copyright", "© Jane D"),
        ("embedded", "Photoshop thumbnail", "JPEG, 15 bytes"),
        ("blocks", "Photoshop IRB", f"2 resources (IPTC, thumbnail), {format_bytes(len(PHOTOSHOP))}"),
    }
    assert {f.block for f in jpeg.read_metadata(data).findings} == {"APP13 Photoshop"}
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


def test_c2pa_jumbf_is_removed() -> None:
    data = CASES["removed_blocks_jumbf"]
    assert found(data) == {("blocks", "C2PA / JUMBF", f"content-credentials manifest, {format_bytes(len(JUMBF))}")}
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


@pytest.mark.parametrize(
    "name, value",
    [
        ("comment", "Shot at Jane's house — do not share"),
        ("comment_empty", "(empty)"),
        ("comment_after_scan", "written after the scan"),
        ("comment_latin1", "caf\ufffd \ufffd"),
    ],
)
def test_comments_show_their_text_and_are_removed(name: str, value: str) -> None:
    data = CASES[f"removed_blocks_{name}"]
    ((category, label, block, text),) = [(f.category, f.label, f.block, f.value) for f in jpeg.read_metadata(data).findings]
    assert (category, label, block, text) == ("blocks", "Comment", "COM", value)
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


@pytest.mark.parametrize("name", ["trailer", "trailer_jpeg"])
def test_bytes_after_eoi_are_reported_and_dropped(name: str) -> None:
    data = CASES[f"removed_blocks_{name}"]
    base = BASES["baseline"]
    (trailer,) = jpeg.read_metadata(data).findings
    assert (trailer.category, trailer.label, trailer.block) == ("blocks", "Data after the end of the image", "trailer")
    assert (trailer.offset, trailer.length) == (len(base), len(data) - len(base))
    assert jpeg.strip(data, DEFAULT) == base


def test_everything_at_once() -> None:
    data = CASES["removed_blocks_everything"]
    out = jpeg.strip(data, DEFAULT)
    assert out == insert(BASES["baseline"], 2, exif_app1(orientation_only(True, 6)), *icc_chunks(n=1))
    result = privpix.strip(data)
    assert {f.label for f in result.kept} == {"Orientation", "EXIF", "ICC profile"}
    removed = {(f.category, f.label) for f in result.removed}
    assert {
        ("location", "GPS position"),
        ("people", "Creator"),
        ("blocks", "Extended XMP"),
        ("blocks", "Photoshop IRB"),
        ("blocks", "C2PA / JUMBF"),
        ("blocks", "Vendor block"),
        ("blocks", "Comment"),
        ("blocks", "Data after the end of the image"),
        ("embedded", "EXIF thumbnail"),
    } <= removed
    assert result.warnings == []


# ---- framing: fill bytes, stray bytes, lone markers ---------------------------------------------------------


def test_fill_bytes_between_segments_are_dropped() -> None:
    data = CASES["framing_fill_before_markers"]
    assert jpeg.read_metadata(data).warnings == []
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


def test_fill_bytes_after_scan_data_are_dropped_without_a_finding() -> None:
    """The walk of the scan's codes (jpeg_scan) tells fill bytes from scan data: they go, and being
    only fill they are not reported as data after the scan."""
    data = CASES["framing_fill_before_eoi"]
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]
    assert ("blocks", "Data after the scan data") not in labels(data)
    out = jpeg.strip(CASES["framing_fill_between_scans"], DEFAULT)
    assert out == BASES["progressive"]


def test_stray_bytes_are_dropped_with_a_warning() -> None:
    data = CASES["framing_stray_bytes"]
    parts = split(BASES["baseline"])
    first = len(parts[0]) + len(parts[1]) + 3
    second = first + len(parts[2]) + len(parts[3]) + 1
    warnings = [
        f"3 stray bytes before the marker at byte {first} were dropped",
        f"1 stray bytes before the marker at byte {second} were dropped",
    ]
    assert jpeg.read_metadata(data).warnings == warnings
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]
    assert privpix.strip(data).warnings == warnings
    assert privpix.inspect(jpeg.strip(data, DEFAULT)).warnings == []


def test_stray_bytes_after_a_removed_block() -> None:
    data = CASES["framing_stray_after_removed_block"]
    assert len(jpeg.read_metadata(data).warnings) == 1
    assert jpeg.strip(data, DEFAULT) == BASES["baseline"]


def test_lone_markers_outside_scans_are_copied() -> None:
    data = CASES["framing_restart_markers_between_segments"]
    out = jpeg.strip(data, DEFAULT)
    assert out == data and same_pixels(BASES["baseline"], out)
    data = CASES["framing_stuffed_zero_between_segments"]
    assert jpeg.strip(data, DEFAULT) == data


def test_lone_markers_behind_a_removed_block_are_dropped() -> None:
    """A restart marker or ff 00 after a removed block would land right after scan data in the
    output, after the scan's last code (jpeg_scan), where no decoder reads it: it goes, and the
    layout the strip remembers for its output is the one a fresh parse finds."""
    parts = split(BASES["baseline"])
    expected = {
        "rst_after_scan_behind_a_comment": b"".join(parts[:-1] + [EOI]),
        "rst_between_scans_behind_xmp": BASES["progressive"],
    }
    for name, want in expected.items():
        data = CASES[f"framing_{name}"]
        out = jpeg.strip(data, DEFAULT)
        assert out == want
        fresh = jpeg.parse.__wrapped__(out)
        assert jpeg.parse(out) == fresh
        assert [s.marker for s in fresh.segments] == [
            s.marker for s in jpeg.parse.__wrapped__(data).segments if s.marker not in (0x00, 0xD0, 0xD3, 0xE1, 0xFE)
        ]
        assert same_pixels(data, out)


def test_an_identifier_is_read_from_its_own_segment_only() -> None:
    """A too-short APP1 "Exif" followed by stray bytes that would complete "Exif\\0" is not an EXIF
    block; the real one after it keeps its orientation."""
    data = CASES["framing_short_exif_lookalike"]
    info = jpeg.read_metadata(data)
    assert ("blocks", "Vendor block", "APP1 Exif, 8 bytes") in found(data)
    assert ("kept", "Orientation", "rotated 90° clockwise (6)") in found(data)
    assert info.warnings == [f"2 stray bytes before the marker at byte {2 + 18 + 8 + 2} were dropped"]
    out = jpeg.strip(data, DEFAULT)
    assert out == insert(BASES["baseline"], 2, exif_app1(orientation_only(True, 6)))
    assert jpeg.strip(CASES["framing_short_icc_lookalike"], DEFAULT) == BASES["baseline"]
    short_jfif = jpeg.strip(CASES["framing_short_jfif_lookalike"], DEFAULT)
    assert short_jfif == SOI + BASES["baseline"][20:]


# ---- findings --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, vendor",
    [
        ("exif_rich_le", "Nikon"),
        ("exif_makernote_apple", "Apple"),
        ("exif_makernote_by_make", "Canon"),
        ("exif_makernote_no_make", "vendor"),
    ],
)
def test_makernotes_vendor(name: str, vendor: str) -> None:
    notes = [f.value for f in jpeg.read_metadata(CASES[name]).findings if f.label == "MakerNotes"]
    assert len(notes) == 1 and notes[0].startswith(f"{vendor}, ")
    assert notes[0].endswith(" bytes of vendor data (can hold serial numbers)")


def test_exif_finding_offsets_span_the_segment() -> None:
    data = CASES["exif_rich_after_jfif_le"]
    at = data.index(b"\xff\xe1")
    size = len(split(data)[2])
    info = jpeg.read_metadata(data)
    assert {(f.block, f.offset, f.length) for f in info.findings} == {("APP1 EXIF", at, size)}
    gps = next(f for f in info.findings if f.label == "GPS position")
    assert gps.data == pytest.approx({"latitude": -(43 + 28 / 60 + 1.5 / 3600), "longitude": -(11 + 53 / 60 + 6.4 / 3600)})


def test_report_of_a_strip() -> None:
    data = CASES["exif_rich_be"]
    result = privpix.strip(data)
    assert result.format == "jpeg" and result.bytes_before == len(data) and result.bytes_after == len(result.data)
    assert {(f.category, f.label, f.value) for f in result.removed} == RICH_FINDINGS - {
        ("kept", "Orientation", "rotated 90° clockwise (6)")
    } | {("blocks", "EXIF", f"{format_bytes(len(split(data)[1]))}, 50 tags")}
    assert [(f.label, f.value) for f in result.kept] == [
        ("Orientation", "rotated 90° clockwise (6)"),
        ("EXIF", "36 bytes, 1 tag"),
    ]


# ---- every synthetic case: pixels, idempotence, the parse memo, nothing left ---------------------------------


def test_the_cases_are_many_and_all_decode() -> None:
    assert len(CASES) >= 60
    for name, data in CASES.items():
        decoded(data)  # Pillow reads every input
        assert name and jpeg.sniff(data)


@pytest.mark.parametrize("option", list(OPTION_SETS))
@pytest.mark.parametrize("name", list(CASES))
def test_strip_keeps_pixels_and_is_idempotent(name: str, option: str) -> None:
    data = CASES[name]
    out = jpeg.strip(data, OPTION_SETS[option])
    assert same_pixels(data, out)
    assert jpeg.strip(out, OPTION_SETS[option]) == out
    assert len(out) <= len(data)


@pytest.mark.parametrize("option", list(OPTION_SETS))
@pytest.mark.parametrize("name", list(CASES))
def test_the_layout_a_strip_remembers_is_the_layout_of_its_output(name: str, option: str) -> None:
    out = jpeg.strip(CASES[name], OPTION_SETS[option])
    primed = jpeg.parse(out)  # the strip primed the memo with its own account of ``out``
    assert primed == jpeg.parse.__wrapped__(out)
    assert jpeg.read_metadata(out) == jpeg.read_metadata(bytes(bytearray(out)))  # a fresh object: parsed again


@pytest.mark.parametrize("name", list(CASES))
def test_default_strip_leaves_nothing_private(name: str) -> None:
    out = jpeg.strip(CASES[name], DEFAULT)
    info = jpeg.read_metadata(out)
    assert {(f.category, f.label) for f in info.findings} <= {
        ("kept", "Orientation"),
        ("blocks", "EXIF"),
        ("kept", "ICC profile"),
    }
    assert info.warnings == []
    assert jpeg.parse(out).eoi_end == len(out)
    no_icc = jpeg.read_metadata(jpeg.strip(CASES[name], StripOptions(keep_icc=False)))
    assert {(f.category, f.label) for f in no_icc.findings} <= {("kept", "Orientation"), ("blocks", "EXIF")}


# ---- ExifTool as the independent judge ------------------------------------------------------------------------

JUDGED = [
    "exif_rich_le",
    "exif_rich_be",
    "exif_makernote_apple",
    "exif_cmyk_rich",
    "kept_blocks_icc_out_of_order",
    "kept_blocks_jfif_thumbnail",
    "removed_blocks_extended_xmp",
    "removed_blocks_mpo",
    "removed_blocks_vendor",
    "removed_blocks_photoshop",
    "removed_blocks_jumbf",
    "removed_blocks_comment",
    "removed_blocks_trailer",
    "removed_blocks_everything",
    "framing_stray_bytes",
]
# Groups that describe the image itself: file structure, JFIF/Adobe headers, ExifTool's own notes.
STRUCTURE_GROUPS = {"ExifTool", "System", "File", "JFIF", "Adobe", "Composite"}
ALLOWED_TAGS = {"IFD0:Orientation"}
STRUCTURE_TAGS = {  # the File/Composite tags that are about pixels and coding, never about people
    "FileName", "Directory", "FileSize", "FileModifyDate", "FileAccessDate", "FileInodeChangeDate", "FilePermissions",
    "FileType", "FileTypeExtension", "MIMEType", "ImageWidth", "ImageHeight", "EncodingProcess", "BitsPerSample",
    "ColorComponents", "YCbCrSubSampling", "ImageSize", "Megapixels", "ExifByteOrder", "ExifToolVersion",
    "JFIFVersion", "ResolutionUnit", "XResolution", "YResolution",  # JFIF, without its thumbnail
    "DCTEncodeVersion", "APP14Flags0", "APP14Flags1", "ColorTransform",  # Adobe APP14
}  # fmt: skip


def exiftool(paths: list[Path]) -> dict[str, dict[str, Any]]:
    run = subprocess.run(
        ["exiftool", "-j", "-a", "-G1", "-u", "-s", *map(str, paths)], capture_output=True, text=True, check=False
    )
    assert run.stdout.strip(), run.stderr
    return {Path(item["SourceFile"]).name: item for item in json.loads(run.stdout)}


def leaks(tags: dict[str, Any]) -> list[str]:
    """What ExifTool still finds beyond image structure, the ICC profile and IFD0 Orientation."""
    out = []
    for key, value in tags.items():
        if key == "SourceFile" or key in ALLOWED_TAGS:
            continue
        group, _, name = key.partition(":")
        if group.startswith("ICC"):
            continue
        if group in STRUCTURE_GROUPS and name in STRUCTURE_TAGS:
            continue
        out.append(f"{key}={str(value)[:50]}")
    return out


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("jpeg_judged")
    (root / "in").mkdir()
    (root / "out").mkdir()
    for name in JUDGED:
        (root / "in" / f"{name}.jpg").write_bytes(CASES[name])
        (root / "out" / f"{name}.jpg").write_bytes(jpeg.strip(CASES[name], DEFAULT))
    return {"in": exiftool(sorted((root / "in").iterdir())), "out": exiftool(sorted((root / "out").iterdir()))}


@pytest.mark.parametrize("name", JUDGED)
def test_exiftool_finds_nothing_private_after_strip(name: str, judged: dict[str, dict[str, dict[str, Any]]]) -> None:
    tags = judged["out"][f"{name}.jpg"]
    assert leaks(tags) == []
    assert not any(k.endswith(":Warning") for k in tags)


# An ICC profile is nothing private, and ExifTool does not report unknown bytes after EOI (inspect does).
@pytest.mark.parametrize("name", [n for n in JUDGED if n not in ("kept_blocks_icc_out_of_order", "removed_blocks_trailer")])
def test_exiftool_judge_sees_what_the_inputs_carry(name: str, judged: dict[str, dict[str, dict[str, Any]]]) -> None:
    assert leaks(judged["in"][f"{name}.jpg"]) != []


def test_exiftool_reads_the_kept_orientation_and_groups(tmp_path: Path) -> None:
    paths = []
    for name, options in (("default", DEFAULT), ("all", StripOptions(keep=frozenset({"camera", "time", "rights", "location"})))):
        for order in ("le", "be"):
            path = tmp_path / f"{name}_{order}.jpg"
            path.write_bytes(jpeg.strip(CASES[f"exif_rich_{order}"], options))
            paths.append(path)
    tags = exiftool(paths)
    for order in ("le", "be"):
        plain = tags[f"default_{order}.jpg"]
        assert plain["IFD0:Orientation"] == "Rotate 90 CW" and leaks(plain) == []
        full = tags[f"all_{order}.jpg"]
        assert full["IFD0:Orientation"] == "Rotate 90 CW"
        assert full["IFD0:Make"] == "Canon" and full["ExifIFD:DateTimeOriginal"] == "2024:05:17 12:34:50"
        assert full["GPS:GPSLatitudeRef"] == "South" and full["IFD0:Artist"] == "Jane Doe"
        assert not any(re.search(r"Serial|Owner|MakerNote|UniqueID|Thumbnail|Nikon|InteropIFD|IFD1", k) for k in full), full
        assert not any(k.endswith(":Warning") for k in full)


# ---- corpus ---------------------------------------------------------------------------------------------------

CORPUS_JPEGS = sorted(
    p for p in CORPUS.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".mpo") and not p.name.startswith("broken_")
)


def test_corpus_has_jpegs_and_mpos() -> None:
    names = {p.name for p in CORPUS_JPEGS}
    assert (
        len(names) >= 20
        and {"pillow_frozenpond.mpo", "sharp_Channel_digital_image_CMYK_color.jpg", "skimage_rocket.jpg"} <= names
    )


@pytest.mark.parametrize("path", CORPUS_JPEGS, ids=lambda p: p.name)
def test_corpus_parse_memo_and_idempotence(path: Path) -> None:
    data = path.read_bytes()
    for options in OPTION_SETS.values():
        out = jpeg.strip(data, options)
        assert jpeg.parse(out) == jpeg.parse.__wrapped__(out)
        assert jpeg.strip(out, options) == out
        assert scans(out) == b"".join(data[s.start : s.end] for s in jpeg.parse.__wrapped__(data).segments if s.marker == 0xDA)

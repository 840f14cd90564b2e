"""JPEG (JFIF/EXIF, baseline or progressive, CMYK, MPO): a chain of marker segments, entropy-coded
scans, and an end-of-image marker after which anything (MPF secondary images, vendor previews,
aCropalypse leftovers) is not part of the picture.

A strip copies every segment the decoder needs byte for byte and drops the rest; the EXIF block is
replaced by a minimal one holding only the orientation (and any groups the user keeps).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from . import exif as exif_mod
from . import iptc, xmp
from .binary import need, preview, u16be
from .errors import FormatError
from .findings import Finding, Inspection, format_bytes, trim
from .icc import description as icc_description
from .memo import parse_once
from .policy import StripOptions

NAME = "jpeg"
MIME = "image/jpeg"
FMT = "JPEG"

SOI, EOI, SOS, COM, DHT = 0xD8, 0xD9, 0xDA, 0xFE, 0xC4
APP0, APP1, APP2, APP11, APP13, APP14, APP15 = 0xE0, 0xE1, 0xE2, 0xEB, 0xED, 0xEE, 0xEF
SOF_MARKERS = frozenset((0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF))
STANDALONE = frozenset((0x01, *range(0xD0, 0xD8)))

EXIF_ID = b"Exif\x00"
XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
XMP_EXT_ID = b"http://ns.adobe.com/xmp/extension/\x00"
ICC_ID = b"ICC_PROFILE\x00"
MPF_ID = b"MPF\x00"
JFIF_ID = b"JFIF\x00"
JFXX_ID = b"JFXX\x00"
ADOBE_ID = b"Adobe"
IRB_ID = b"Photoshop 3.0\x00"


@dataclass(frozen=True)
class Segment:
    """A marker segment from its 0xFF to its end; an SOS segment includes the scan data after it."""

    marker: int
    start: int
    end: int
    payload_start: int  # after the 2-byte length; == end for standalone markers
    payload_end: int  # end of the length-counted payload (before scan data)

    def payload(self, data: bytes) -> bytes:
        return data[self.payload_start : self.payload_end]


@dataclass
class Layout:
    segments: list[Segment]
    eoi_end: int  # offset just past the EOI marker
    warnings: list[str]


def sniff(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff"


# In entropy-coded data 0xff is followed by 0x00 (a stuffed byte), a restart marker d0-d7 or
# another 0xff (fill); anything else is the next marker.
_MARKER_IN_SCAN = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")
_SCAN_GOES_ON = frozenset((0x00, *range(0xD0, 0xD8)))  # codes after 0xff that do not end scan data


def _scan_end(data: bytes, pos: int) -> int:
    """Offset of the 0xff that starts the first marker after entropy-coded data at ``pos``."""
    found = _MARKER_IN_SCAN.search(data, pos)
    if found is None:
        raise FormatError(FMT, pos, "truncated: the image data ends without an end-of-image marker (the file was cut short)")
    return found.start()


@parse_once
def parse(data: bytes) -> Layout:
    if not sniff(data):
        raise FormatError(FMT, 0, "expected a JPEG start-of-image marker ff d8 ff", preview(data, 0))
    segments: list[Segment] = []
    warnings: list[str] = []
    pos = 2
    n = len(data)
    while True:
        if pos >= n:
            raise FormatError(FMT, pos, "truncated: expected another marker, but the file ends")
        if data[pos] != 0xFF:
            nxt = data.find(b"\xff", pos)
            if nxt < 0:
                raise FormatError(FMT, pos, "expected a marker (0xff)", preview(data, pos))
            warnings.append(f"{nxt - pos} stray bytes before the marker at byte {nxt} were dropped")
            pos = nxt
        while pos + 1 < n and data[pos + 1] == 0xFF:  # fill bytes
            pos += 1
        if pos + 1 >= n:
            raise FormatError(FMT, pos, "truncated: expected a marker code, but the file ends")
        marker = data[pos + 1]
        start = pos
        if marker == EOI:
            return Layout(segments, pos + 2, warnings)
        if marker in STANDALONE or marker == 0x00:
            segments.append(Segment(marker, start, pos + 2, pos + 2, pos + 2))
            pos += 2
            continue
        length = u16be(data, pos + 2, FMT, f"the length of marker ff {marker:02x}")
        if length < 2:
            raise FormatError(FMT, pos + 2, f"expected a segment length of at least 2 for marker ff {marker:02x}", str(length))
        end = pos + 2 + length
        need(data, pos + 4, length - 2, FMT, f"the payload of marker ff {marker:02x}")
        seg_end = _scan_end(data, end) if marker == SOS else end
        segments.append(Segment(marker, start, seg_end, pos + 4, end))
        pos = seg_end


# ---- the photo's own EXIF and ICC ----------------------------------------------------------------------


def exif_block(data: bytes) -> bytes | None:
    """The first APP1 "Exif" segment's TIFF block: the one viewers apply and a strip rebuilds."""
    for seg in parse(data).segments:
        if seg.marker == APP1 and _head(seg, data, 5) == EXIF_ID:
            return data[seg.payload_start + 6 : seg.payload_end]
    return None


def _icc_chunks(data: bytes, layout: Layout) -> list[tuple[int, bytes]]:
    """(sequence number, bytes) of every APP2 ICC_PROFILE chunk, in file order."""
    return [
        (data[seg.payload_start + 12], data[seg.payload_start + 14 : seg.payload_end])
        for seg in layout.segments
        if seg.marker == APP2 and seg.payload_end - seg.payload_start >= 14 and _head(seg, data, 12) == ICC_ID
    ]


def icc_profile(data: bytes) -> bytes | None:
    """The ICC profile: the APP2 chunks joined in sequence-number order (stable for equal numbers)."""
    chunks = _icc_chunks(data, parse(data))
    if not chunks:
        return None
    return b"".join(part for _, part in sorted(chunks, key=lambda c: c[0]))


# ---- inspect ------------------------------------------------------------------------------------------


def _app_name(seg: Segment, data: bytes) -> str:
    payload = data[seg.payload_start : min(seg.payload_end, seg.payload_start + 40)]
    ident = payload.split(b"\x00", 1)[0][:32]
    label = "".join(chr(b) if 32 <= b < 127 else "." for b in ident)
    return f"APP{seg.marker - APP0}" + (f" {label}" if label else "")


def _mpf_images(payload: bytes) -> tuple[int, int]:
    """(count, bytes) of the secondary images an MPF index lists."""
    try:
        info = exif_mod.parse(payload[4:], "MPF")
    except FormatError:
        return (0, 0)
    entry = info.ifd0.entries.get(0xB002) if info.ifd0 else None
    if entry is None:
        return (0, 0)
    # each MP entry is 16 bytes: attribute, size, offset, two dependent-image numbers; the first
    # image (offset 0) is this one
    code = ("<" if info.little else ">") + "IIIHH"
    raw = entry.raw
    extra = [struct.unpack_from(code, raw, i)[1] for i in range(0, len(raw) - 15, 16) if struct.unpack_from(code, raw, i)[2] != 0]
    return (len(extra), sum(extra))


def read_metadata(data: bytes) -> Inspection:
    layout = parse(data)
    width = height = None
    out: list[Finding] = []
    icc_chunks: list[tuple[int, bytes]] = []
    icc_span: list[int] = []
    ext_xmp: list[tuple[int, bytes]] = []
    ext_span: list[int] = []
    warnings = list(layout.warnings)
    for seg in layout.segments:
        m = seg.marker
        payload = seg.payload(data)
        off, size = seg.start, seg.end - seg.start
        if m in SOF_MARKERS and width is None and len(payload) >= 5:
            height, width = (payload[1] << 8) | payload[2], (payload[3] << 8) | payload[4]
        elif m == APP0 and payload.startswith(JFIF_ID) and len(payload) >= 14 and payload[12] * payload[13]:
            out.append(Finding("embedded", "JFIF thumbnail", f"{payload[12]}×{payload[13]} pixels", "APP0 JFIF", off, size))
        elif m == APP0 and payload.startswith(JFXX_ID):
            out.append(Finding("embedded", "JFIF extension thumbnail", format_bytes(size), "APP0 JFXX", off, size))
        elif m == APP1 and payload.startswith(EXIF_ID):
            out.extend(exif_mod.block_findings(payload[6:], "APP1 EXIF", off, size, warnings, seg.payload_start + 6))
        elif m == APP1 and payload.startswith(XMP_ID):
            packet = xmp.decode_packet(payload[len(XMP_ID) :])
            out.extend(xmp.findings(packet, "APP1 XMP", off, size))
            out.append(xmp.block_finding("APP1 XMP", off, size))
        elif m == APP1 and payload.startswith(XMP_EXT_ID):
            body = payload[len(XMP_EXT_ID) :]
            if len(body) >= 40:
                ext_xmp.append((int.from_bytes(body[36:40], "big"), body[40:]))
            ext_span.append(off)
            ext_span.append(size)
        elif m == APP2 and payload.startswith(ICC_ID) and len(payload) >= 14:
            icc_chunks.append((payload[12], payload[14:]))
            icc_span.append(off)
            icc_span.append(size)
        elif m == APP2 and payload.startswith(MPF_ID):
            count, total = _mpf_images(payload)
            value = (
                f"{count} more image{'s' if count != 1 else ''} after this one ({format_bytes(total)})"
                if count
                else "multi-picture index"
            )
            out.append(Finding("embedded", "MPF images", value, "APP2 MPF", off, size))
        elif m == APP13 and payload.startswith(IRB_ID):
            out.extend(iptc.irb_findings(payload[len(IRB_ID) :], "APP13 Photoshop", off, size))
        elif m == APP11 and payload[:2] == b"JP":
            out.append(
                Finding("blocks", "C2PA / JUMBF", f"content-credentials manifest, {format_bytes(size)}", "APP11 JUMBF", off, size)
            )
        elif m == COM:
            comment = trim(payload.rstrip(b"\x00").decode("utf-8", "replace"))
            out.append(Finding("blocks", "Comment", comment or "(empty)", "COM", off, size))
        elif (
            APP0 <= m <= APP15
            and not (m == APP14 and payload.startswith(ADOBE_ID))
            and not (m == APP0 and payload.startswith(JFIF_ID))
        ):
            out.append(
                Finding(
                    "blocks", "Vendor block", f"{_app_name(seg, data)}, {format_bytes(size)}", _app_name(seg, data), off, size
                )
            )
    if ext_xmp:
        ext_xmp.sort(key=lambda part: part[0])
        packet = xmp.decode_packet(b"".join(part for _, part in ext_xmp))
        total = sum(ext_span[1::2])
        out.extend(xmp.findings(packet, "APP1 Extended XMP", ext_span[0], total))
        out.append(
            Finding(
                "blocks", "Extended XMP", f"{len(ext_xmp)} parts, {format_bytes(total)}", "APP1 Extended XMP", ext_span[0], total
            )
        )
    if icc_chunks:
        icc_chunks.sort(key=lambda part: part[0])
        profile = b"".join(part for _, part in icc_chunks)
        name = icc_description(profile) or "unnamed"
        out.append(
            Finding("kept", "ICC profile", name, "APP2 ICC_PROFILE", icc_span[0], sum(icc_span[1::2]), {"bytes": len(profile)})
        )
    trailing = len(data) - layout.eoi_end
    if trailing > 0:
        out.append(
            Finding("blocks", "Data after the end of the image", format_bytes(trailing), "trailer", layout.eoi_end, trailing)
        )
    return Inspection(NAME, MIME, width, height, out, warnings)


# ---- strip --------------------------------------------------------------------------------------------


def _head(seg: Segment, data: bytes, n: int) -> bytes:
    """Up to ``n`` bytes from the start of the segment's payload: its own bytes only, never those of
    whatever follows a segment too short to hold an identifier."""
    return data[seg.payload_start : min(seg.payload_end, seg.payload_start + n)]


def _keep_segment(seg: Segment, data: bytes, options: StripOptions) -> bool:
    m = seg.marker
    if not (APP0 <= m <= APP15) and m != COM:
        return True
    payload = _head(seg, data, 14)
    if m == APP0:
        return payload.startswith(JFIF_ID)
    if m == APP2:  # an ICC chunk has a 14-byte header (identifier, sequence number, count)
        return options.keep_icc and payload.startswith(ICC_ID) and len(payload) == 14
    if m == APP14:
        return payload.startswith(ADOBE_ID)
    return False


def _jfif_without_thumbnail(seg: Segment, data: bytes) -> bytes:
    """The JFIF APP0 segment with any thumbnail removed (its header is 14 bytes + thumbnail)."""
    payload = seg.payload(data)
    if len(payload) < 14 or (len(payload) == 14 and payload[12] == 0 and payload[13] == 0):
        return data[seg.start : seg.end]
    head = bytearray(payload[:14])
    head[12] = head[13] = 0
    return b"\xff\xe0" + (len(head) + 2).to_bytes(2, "big") + bytes(head)


def _kept_exif(seg: Segment, data: bytes, options: StripOptions) -> bytes | None:
    block = exif_mod.kept_block(seg.payload(data)[6:], options.keep)
    if block is None:
        return None
    payload = EXIF_ID + b"\x00" + block
    if len(payload) + 2 > 0xFFFF:
        return None
    return b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload


def strip(data: bytes, options: StripOptions) -> bytes:
    layout = parse(data)
    view = memoryview(data)
    pieces: list[bytes | memoryview] = [b"\xff\xd8"]
    segments: list[Segment] = []  # the output's own layout, to prime the parse memo with
    pos = 2
    exif_done = False
    for seg in layout.segments:
        piece: bytes | memoryview
        if seg.marker == APP1 and _head(seg, data, 5) == EXIF_ID:
            if exif_done:
                continue
            exif_done = True
            kept = _kept_exif(seg, data, options)
            if kept is None:
                continue
            piece, rebuilt = kept, True
        elif not _keep_segment(seg, data, options):
            continue
        elif seg.marker == APP0:
            piece, rebuilt = _jfif_without_thumbnail(seg, data), True
        else:
            piece, rebuilt = view[seg.start : seg.end], False  # no copy until the join
        if rebuilt:  # a whole new segment (minimal EXIF, JFIF header): payload to its end
            payload_start, payload_end = pos + 4, pos + len(piece)
        else:  # copied verbatim, scan data included: the same shape, moved
            payload_start, payload_end = pos + seg.payload_start - seg.start, pos + seg.payload_end - seg.start
        if seg.marker in _SCAN_GOES_ON and segments and segments[-1].marker == SOS:
            # ff 00 or a restart marker that now follows scan data is part of that scan to a reader
            last = segments[-1]
            segments[-1] = Segment(SOS, last.start, pos + len(piece), last.payload_start, last.payload_end)
        else:
            segments.append(Segment(seg.marker, pos, pos + len(piece), payload_start, payload_end))
        pieces.append(piece)
        pos += len(piece)
    pieces.append(b"\xff\xd9")
    out = b"".join(pieces)
    parse.prime(out, Layout(segments, pos + 2, []))
    return out

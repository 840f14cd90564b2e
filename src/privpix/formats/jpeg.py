"""JPEG (JFIF/EXIF, baseline or progressive, CMYK, MPO): a chain of marker segments, entropy-coded
scans, and an end-of-image marker after which anything (MPF secondary images, vendor previews,
aCropalypse leftovers) is not part of the picture.

A strip copies the segments a decoder needs byte for byte (scan data included, up to where a decoder
stops reading it: ``jpeg_scan``), writes JFIF, Adobe APP14 and the ICC chunks in their canonical
form, replaces the EXIF block by a minimal one holding only the orientation (and any groups the user
keeps), drops the rest, and refuses markers no common decoder reads (docs/strip.md has the table). A
file cut short inside its scan data keeps the scan up to the cut (``parse``).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from . import exif as exif_mod
from . import icc as icc_mod
from . import iptc, jpeg_scan, xmp
from .binary import need, preview, u16be
from .errors import FormatError, TruncatedError, UnsupportedError, damaged_warning
from .findings import Finding, Inspection, format_bytes, trim
from .memo import parse_once
from .policy import StripOptions

NAME = "jpeg"
MIME = "image/jpeg"
FMT = "JPEG"

SOI, EOI, SOS, COM, DHT, DQT, DRI, DNL, DAC, TEM = 0xD8, 0xD9, 0xDA, 0xFE, 0xC4, 0xDB, 0xDD, 0xDC, 0xCC, 0x01
APP0, APP1, APP2, APP11, APP13, APP14, APP15 = 0xE0, 0xE1, 0xE2, 0xEB, 0xED, 0xEE, 0xEF
SOF_MARKERS = frozenset((0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF))
STANDALONE = frozenset((0x01, *range(0xD0, 0xD8)))
# Segments a decoder needs that a strip copies verbatim (besides SOFn and scan data); any marker
# not named here or handled by ``_pieces`` is one no common decoder reads.
KEPT_MARKERS = frozenset((DHT, DQT, DRI, DAC, SOS))

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
    eoi_end: int  # offset just past the EOI marker (the end of the file when it was cut short)
    warnings: list[str]
    damaged: str | None = None  # why the file is incomplete: it ends inside or after the image data


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
        raise TruncatedError(FMT, pos, "truncated: the image data ends without an end-of-image marker (the file was cut short)")
    return found.start()


@parse_once
def parse(data: bytes) -> Layout:
    """The file's segments. A file cut short after its image data began is read up to the cut (the
    scan that was cut running to the end of the file) and marked damaged; cut before, it is refused."""
    if not sniff(data):
        raise FormatError(FMT, 0, "expected a JPEG start-of-image marker ff d8 ff", preview(data, 0))
    segments: list[Segment] = []
    warnings: list[str] = []
    try:
        return _walk(data, segments, warnings)
    except TruncatedError as err:
        if not any(seg.marker == SOS for seg in segments):
            raise
        return Layout(segments, len(data), [*warnings, damaged_warning(err.describe())], err.describe())


def _walk(data: bytes, segments: list[Segment], warnings: list[str]) -> Layout:
    pos = 2
    n = len(data)
    while True:
        if pos >= n:
            raise TruncatedError(FMT, pos, "truncated: expected another marker, but the file ends")
        if data[pos] != 0xFF:
            nxt = data.find(b"\xff", pos)
            if nxt < 0:
                raise FormatError(FMT, pos, "expected a marker (0xff)", preview(data, pos))
            warnings.append(f"{nxt - pos} stray bytes before the marker at byte {nxt} were dropped")
            pos = nxt
        while pos + 1 < n and data[pos + 1] == 0xFF:  # fill bytes
            pos += 1
        if pos + 1 >= n:
            raise TruncatedError(FMT, pos, "truncated: expected a marker code, but the file ends")
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
        try:
            seg_end = _scan_end(data, end) if marker == SOS else end
        except TruncatedError:
            segments.append(Segment(marker, start, n, pos + 4, end))  # the scan, as far as it goes
            raise
        segments.append(Segment(marker, start, seg_end, pos + 4, end))
        pos = seg_end


@parse_once
def scans(data: bytes) -> jpeg_scan.ScanWalk:
    """What a decoder reads of each scan: the bytes after that are dropped by a strip."""
    return jpeg_scan.walk(data, parse(data).segments)


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


def _mpf_entries(payload: bytes) -> list[tuple[int, int]]:
    """(size, offset) of every image an MPF index lists; the first image (offset 0) is this one."""
    try:
        info = exif_mod.parse(payload[4:], "MPF")
    except FormatError:
        return []
    entry = info.ifd0.entries.get(0xB002) if info.ifd0 else None
    if entry is None:
        return []
    # each MP entry is 16 bytes: attribute, size, offset, two dependent-image numbers
    code = ("<" if info.little else ">") + "IIIHH"
    raw = entry.raw
    return [struct.unpack_from(code, raw, i)[1:3] for i in range(0, len(raw) - 15, 16)]


def _mpf_images(payload: bytes) -> tuple[int, int]:
    """(count, bytes) of the secondary images an MPF index lists."""
    extra = [size for size, offset in _mpf_entries(payload) if offset != 0]
    return (len(extra), sum(extra))


# ---- the metadata-only walk (the audit) ---------------------------------------------------------------


def _segments_to_scan(data: bytes) -> tuple[list[Segment], int] | None:
    """The segments before the first scan and the offset where its data starts, read plainly: None
    when the file is not laid out so (stray bytes, an end marker before any scan, a segment that
    overruns ``data``), which only the full walk can tell about."""
    n = len(data)
    segments: list[Segment] = []
    pos = 2
    while pos + 4 <= n:
        marker = data[pos + 1]
        if data[pos] != 0xFF or marker == EOI:
            return None
        if marker == 0xFF:  # a fill byte
            pos += 1
            continue
        if marker in STANDALONE or marker == 0x00:
            segments.append(Segment(marker, pos, pos + 2, pos + 2, pos + 2))
            pos += 2
            continue
        length = u16be(data, pos + 2, FMT, "a segment length")
        end = pos + 2 + length
        if length < 2 or end > n:
            return None
        segments.append(Segment(marker, pos, end, pos + 4, end))
        if marker == SOS:
            return segments, end
        pos = end
    return None


def image_end_candidates(head: bytes, size: int) -> list[int] | None:
    """Where the image may end (just past its ff d9), without reading its scans: at the end of the
    file (``size`` bytes), or, when other images follow it (an MPO, an iPhone's gain map), at the
    end of the first image as its MPF index gives it. ``head`` is the file from its start to at
    least its first scan; None when it does not reach that far. A reader that reads a JPEG sparsely
    reads the two bytes before each (``_layout_to_scan`` checks them)."""
    found = _segments_to_scan(head)
    return None if found is None else _end_candidates(head, *found, size)


def _end_candidates(head: bytes, segments: list[Segment], scan_start: int, size: int) -> list[int]:
    candidates = [size]
    for seg in segments:
        if seg.marker == APP2 and _head(seg, head, 4) == MPF_ID:
            candidates.extend(c for c, offset in _mpf_entries(seg.payload(head)) if offset == 0 and scan_start + 2 <= c < size)
    return sorted(candidates)


def _layout_to_scan(data: bytes) -> Layout | None:
    """The layout as ``parse`` finds it, read without the picture data: the segments up to the first
    scan, and the image's end: the first of ``image_end_candidates`` that is an ff d9 (a scan cannot
    hold ff d9, it would end the scan). Everything a photo's metadata holds lies before the first
    scan (APPn, COM, the frame header), so the entropy-coded data, most of the file, is never read
    (docs/audit.md). None when the head is not laid out plainly or no candidate is an ff d9 (data
    after the image, a file cut short): then only the full walk can say what the file holds."""
    found = _segments_to_scan(data)
    if found is None:
        return None
    segments, scan_start = found
    candidates = _end_candidates(data, segments, scan_start, len(data))
    end = next((c for c in candidates if c >= scan_start + 2 and data[c - 2 : c] == b"\xff\xd9"), None)
    if end is None:
        return None
    sos = segments[-1]
    segments[-1] = Segment(SOS, sos.start, end - 2, sos.payload_start, sos.payload_end)
    return Layout(segments, end, [])


def read_metadata_head(data: bytes) -> Inspection:
    """``read_metadata`` without reading the picture data when the file's layout allows
    (``_layout_to_scan``); the full walk otherwise. What the audit reads: it never walks the scans
    (``jpeg_scan``), so bytes hidden after them are inspect's and strip's to find."""
    layout = _layout_to_scan(data)
    return _inspection(data, parse(data) if layout is None else layout, walk_scans=False)


def read_metadata(data: bytes) -> Inspection:
    return _inspection(data, parse(data), walk_scans=True)


def _inspection(data: bytes, layout: Layout, *, walk_scans: bool) -> Inspection:
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
        out.extend(icc_mod.findings(profile, "APP2 ICC_PROFILE", icc_span[0], sum(icc_span[1::2])))
    walked = scans(data) if walk_scans else jpeg_scan.ScanWalk()
    if walked.hidden:
        total = sum(size for _, size in walked.hidden)
        value = f"{format_bytes(total)} no decoder reads"
        out.append(Finding("blocks", "Data after the scan data", value, "scan", walked.hidden[0][0], total))
    if walked.unchecked:
        warnings.append(f"the bytes after the image data could not be checked ({walked.unchecked}), so a strip keeps them")
    trailing = len(data) - layout.eoi_end
    if trailing > 0:
        out.append(
            Finding("blocks", "Data after the end of the image", format_bytes(trailing), "trailer", layout.eoi_end, trailing)
        )
    return Inspection(NAME, MIME, width, height, out, warnings, layout.damaged is not None)


# ---- strip --------------------------------------------------------------------------------------------


def _head(seg: Segment, data: bytes, n: int) -> bytes:
    """Up to ``n`` bytes from the start of the segment's payload: its own bytes only, never those of
    whatever follows a segment too short to hold an identifier."""
    return data[seg.payload_start : min(seg.payload_end, seg.payload_start + n)]


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def _kept_exif(seg: Segment, data: bytes, options: StripOptions) -> list[bytes]:
    block = exif_mod.kept_block(data[seg.payload_start + 6 : seg.payload_end], options.keep)
    if block is None or len(EXIF_ID) + 1 + len(block) + 2 > 0xFFFF:
        return []
    return [_segment(APP1, EXIF_ID + b"\x00" + block)]


def _canonical_jfif(payload: bytes) -> list[bytes]:
    """JFIF's 14 bytes (identifier, version, units, densities) with no thumbnail; a shorter JFIF
    segment is one decoders ignore, so it goes."""
    return [_segment(APP0, payload[:12] + b"\x00\x00")] if len(payload) >= 14 else []


def _canonical_adobe(payload: bytes) -> list[bytes]:
    """Adobe's APP14 as decoders read it: version 100, no flags, the colour transform (byte 11); a
    shorter one is ignored by decoders, so it goes."""
    return [_segment(APP14, ADOBE_ID + b"\x00\x64\x00\x00\x00\x00" + payload[11:12])] if len(payload) >= 12 else []


ICC_CHUNK = 65519  # profile bytes per APP2 segment: 65535 - 2 (length) - 14 (identifier, numbers)


def _canonical_icc(data: bytes) -> list[bytes]:
    """The profile, neutralised (icc.neutralise), in as few APP2 chunks as fit, numbered 1..n."""
    profile = icc_profile(data)
    neutral = icc_mod.neutralise(profile) if profile else None
    if neutral is None:
        return []
    parts = [neutral[i : i + ICC_CHUNK] for i in range(0, len(neutral), ICC_CHUNK)]
    if len(parts) > 255:
        return []
    return [_segment(APP2, ICC_ID + bytes((k, len(parts))) + part) for k, part in enumerate(parts, start=1)]


@dataclass
class _StripState:
    """What a strip has already written: each of these blocks is kept once, at its first place."""

    exif: bool = False
    jfif: bool = False
    icc: bool = False
    adobe: bool = False
    frame_height: int = -1  # from the first SOF, for DNL


def _pieces(seg: Segment, data: bytes, options: StripOptions, state: _StripState) -> list[bytes] | None:
    """The segments written in place of ``seg``; None to copy it verbatim (scan data included)."""
    m = seg.marker
    if m in SOF_MARKERS and state.frame_height < 0 and seg.payload_end - seg.payload_start >= 3:
        state.frame_height = (data[seg.payload_start + 1] << 8) | data[seg.payload_start + 2]
    if m in SOF_MARKERS or m in KEPT_MARKERS or m in _SCAN_GOES_ON:
        return None
    head = _head(seg, data, 14)
    if m == APP1 and head[:5] == EXIF_ID:
        first, state.exif = not state.exif, True
        return _kept_exif(seg, data, options) if first else []
    if m == APP0 and head[:5] == JFIF_ID:
        first, state.jfif = not state.jfif, True
        return _canonical_jfif(seg.payload(data)) if first else []
    if m == APP2 and head[:12] == ICC_ID and len(head) == 14:
        first, state.icc = not state.icc, True
        return _canonical_icc(data) if first and options.keep_icc else []
    if m == APP14 and head[:5] == ADOBE_ID:
        first, state.adobe = not state.adobe, True
        return _canonical_adobe(seg.payload(data)) if first else []
    if m == DNL:  # the frame's height, needed only when the SOF says 0
        return [_segment(DNL, seg.payload(data)[:2])] if state.frame_height == 0 else []
    if APP0 <= m <= APP15 or m in (COM, TEM):
        return []
    raise UnsupportedError(
        FMT,
        seg.start,
        f"marker ff {m:02x} is one no common decoder reads (hierarchical, JPEG extension or reserved): "
        "privpix will neither drop it nor copy it",
    )


def strip(data: bytes, options: StripOptions) -> bytes:
    layout = parse(data)
    view = memoryview(data)
    pieces: list[bytes | memoryview] = [b"\xff\xd8"]
    segments: list[Segment] = []  # the output's own layout, to prime the parse memo with
    pos = 2
    state = _StripState()
    walked = scans(data)
    for seg in layout.segments:
        if seg.start in walked.kept:  # a scan with bytes no decoder reads: the header and what is read
            ranges = [(seg.start, seg.payload_end), *walked.kept[seg.start]]
            size = sum(b - a for a, b in ranges)
            shift = pos - seg.start
            segments.append(Segment(SOS, pos, pos + size, seg.payload_start + shift, seg.payload_end + shift))
            pieces.extend(view[a:b] for a, b in ranges)
            pos += size
            continue
        rebuilt = _pieces(seg, data, options, state)
        if rebuilt is not None:  # whole new segments: payload after the length, to the end
            for piece in rebuilt:
                segments.append(Segment(piece[1], pos, pos + len(piece), pos + 4, pos + len(piece)))
                pieces.append(piece)
                pos += len(piece)
            continue
        size = seg.end - seg.start
        if seg.marker in _SCAN_GOES_ON and segments and segments[-1].marker == SOS:
            if walked.unchecked is None:  # after the scan's last code (jpeg_scan): never read
                continue
            # ff 00 or a restart marker that now follows scan data is part of that scan to a reader
            last = segments[-1]
            segments[-1] = Segment(SOS, last.start, pos + size, last.payload_start, last.payload_end)
        else:  # copied verbatim, scan data included: the same shape, moved
            shift = pos - seg.start
            segments.append(Segment(seg.marker, pos, pos + size, seg.payload_start + shift, seg.payload_end + shift))
        pieces.append(view[seg.start : seg.end])  # no copy until the join
        pos += size
    pieces.append(b"\xff\xd9")
    out = b"".join(pieces)
    parse.prime(out, Layout(segments, pos + 2, []))
    scans.prime(out, jpeg_scan.ScanWalk(unchecked=walked.unchecked))
    return out

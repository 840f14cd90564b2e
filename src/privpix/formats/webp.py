"""WebP: a RIFF container. "RIFF", a 4-byte little-endian size (bytes that follow it), "WEBP", then
chunks: a 4-byte FourCC, a 4-byte little-endian payload size, the payload and, when the size is odd,
one padding byte (not counted in the size). Bytes after the end the RIFF size gives are not part of
the file.

The *simple* formats hold one image chunk, "VP8 " (lossy) or "VP8L" (lossless), first. The
*extended* format starts with "VP8X" (10 bytes: a flags byte, 3 reserved bytes, canvas width - 1
and height - 1 as 24-bit little-endian) and may be followed by ICCP, ANIM, ANMF (animation frames,
each holding its own ALPH/VP8/VP8L), ALPH, VP8, VP8L, EXIF and "XMP " chunks. VP8X flag bits:
ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04, animation 0x02; 0xC1 are reserved.

Byte layout of a strip (the TypeScript twin writes the same bytes; docs/strip.md has the table):

- Output = "RIFF" + u32le(4 + total size of the chunks written) + "WEBP" + the chunks written.
- Every chunk written is FourCC + u32le(payload size) + payload + one zero byte if the size is odd
  (the input's padding byte is not copied; a missing final padding byte is tolerated on input).
- Simple format (first chunk "VP8 " or "VP8L"): only that first chunk is written.
- Extended format (first chunk "VP8X"), chunks in input order:
  - VP8X: its first 10 bytes, the flags byte becoming ``(input flags & (alpha | animation)) | ICC
    if an ICCP chunk is written | EXIF if an EXIF chunk is written``, the 3 reserved bytes zeroed.
  - ICCP (the first, with ``options.keep_icc``): the profile neutralised (icc.neutralise).
  - ANIM (the first, of at least 6 bytes): its first 6 bytes.
  - ANMF: its 16-byte header (the flags byte's reserved bits cleared), then only its ALPH, "VP8 " and
    VP8L chunks, rewritten the same way; a frame with no image chunk is dropped.
  - ALPH: the header byte's two reserved bits cleared. "VP8 ", VP8L: payload verbatim.
  - EXIF (the first): ``exif.build`` of the kept tags - the TIFF header directly, without an
    "Exif\\0\\0" prefix - or dropped if that gives nothing.
  - "XMP ", the malformed "XMP\\0" some iPhones write, later duplicates and unknown chunks: dropped.
- Nothing after the RIFF end is written. A file cut short after its image data began keeps what
  there is of the image chunk that was cut (``parse``).

Parsing rules (FormatError at the offset named): "RIFF" and "WEBP" at 0 and 8; the RIFF size must be
at least 4 and must not run past the end of the file; each chunk header (8 bytes) and payload must
fit inside the RIFF data; the first chunk must be "VP8 ", "VP8L" or "VP8X"; VP8X must hold at
least 10 bytes.

Inspect: width/height from VP8X (canvas), else from the "VP8 " frame header (14-bit fields at
payload bytes 6-9, after the start code 9d 01 2a) or the VP8L header (signature 0x2f, then 14-bit
width - 1 and height - 1). Findings in chunk order, ``offset`` = the chunk's FourCC, ``length`` =
8 + size + padding: EXIF (``exif.findings`` + an "EXIF" block finding), XMP/"XMP\\0" (XMP
findings + block), ICCP (kept ICC profile), unknown chunks ("Other chunk"; in the simple format,
any chunk after the image), then data after the RIFF end.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import exif as exif_mod
from . import icc as icc_mod
from . import xmp
from .binary import ascii4, need, pack_u32le, preview, u16le, u32le
from .errors import FormatError, TruncatedError, damaged_warning
from .findings import Finding, Inspection, format_bytes
from .memo import parse_once
from .policy import StripOptions

NAME = "webp"
MIME = "image/webp"
FMT = "WebP"

FLAG_ICC = 0x20
FLAG_ALPHA = 0x10
FLAG_EXIF = 0x08
# (0x04, XMP, is never set by a strip: XMP is always removed)
FLAG_ANIMATION = 0x02

VP8, VP8L, VP8X = b"VP8 ", b"VP8L", b"VP8X"
ICCP, ANIM, ANMF, ALPH, EXIF = b"ICCP", b"ANIM", b"ANMF", b"ALPH", b"EXIF"
XMP_CHUNKS = (b"XMP ", b"XMP\x00")
KEEP = frozenset((ANIM, ANMF, ALPH, VP8, VP8L))
EXIF_PREFIX = b"Exif\x00\x00"


@dataclass(frozen=True)
class Chunk:
    fourcc: bytes
    start: int  # offset of the FourCC
    size: int  # payload size as stored
    end: int  # past the padding byte (or the RIFF end, if the final padding byte is missing)

    @property
    def payload_start(self) -> int:
        return self.start + 8

    def payload(self, data: bytes) -> bytes:
        return data[self.start + 8 : self.start + 8 + self.size]


@dataclass
class Layout:
    chunks: list[Chunk]
    riff_end: int  # the end of the file when it was cut short
    warnings: list[str]
    damaged: bool = False

    @property
    def extended(self) -> bool:
        return self.chunks[0].fourcc == VP8X


def sniff(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


IMAGE_CHUNKS = (VP8, VP8L, ANMF, ALPH)


@parse_once
def parse(data: bytes) -> Layout:
    """The file's chunks. A file cut short (its RIFF size runs past its end) after its image data
    began is read up to the cut (an image chunk that was cut keeping the bytes that are there) and
    marked damaged; cut before, it is refused."""
    if not sniff(data):
        raise FormatError(FMT, 0, "expected a RIFF header 'RIFF' .... 'WEBP'", preview(data, 0, 12))
    riff_size = u32le(data, 4, FMT, "the RIFF size")
    riff_end = 8 + riff_size
    if riff_size < 4:
        raise FormatError(FMT, 4, "expected a RIFF size of at least 4", str(riff_size))
    cut = None
    if riff_end > len(data):
        says = f"truncated: the RIFF size says the file has {riff_end} bytes, but it ends at byte {len(data)}"
        cut = TruncatedError(FMT, 4, says)
        riff_end = len(data)
    chunks: list[Chunk] = []
    warnings: list[str] = []
    pos = 12
    while pos < riff_end:
        if pos + 8 > riff_end:
            if cut:
                break
            raise FormatError(FMT, pos, f"expected an 8-byte chunk header, but the RIFF data ends at byte {riff_end}")
        size = u32le(data, pos + 4, FMT, "a chunk size")
        if pos + 8 + size > riff_end:
            if cut and data[pos : pos + 4] in IMAGE_CHUNKS and riff_end > pos + 8:  # what there is of it
                chunks.append(Chunk(data[pos : pos + 4], pos, riff_end - pos - 8, riff_end))
            if cut:
                break
            raise FormatError(
                FMT, pos, f"expected {size} bytes of chunk {ascii4(data, pos)}, but the RIFF data ends at byte {riff_end}"
            )
        end = pos + 8 + size + (size & 1)
        if end > riff_end:
            warnings.append(f"chunk {ascii4(data, pos)} at byte {pos} lacks its padding byte")
            end = riff_end
        chunks.append(Chunk(data[pos : pos + 4], pos, size, end))
        pos = end
    if not chunks:
        raise FormatError(FMT, 12, "expected an image chunk (VP8, VP8L or VP8X), but the RIFF data is empty")
    first = chunks[0]
    if first.fourcc not in (VP8, VP8L, VP8X):
        raise FormatError(FMT, 12, "expected the first chunk to be VP8, VP8L or VP8X", ascii4(data, 12))
    if first.fourcc == VP8X and first.size < 10:
        raise FormatError(FMT, 12, "expected a VP8X chunk of 10 bytes", f"{first.size} bytes")
    if cut is not None:
        if not any(c.fourcc in IMAGE_CHUNKS for c in chunks):
            raise cut
        warnings.append(damaged_warning(cut.describe()))
    return Layout(chunks, riff_end, warnings, cut is not None)


# ---- the photo's own EXIF and ICC ----------------------------------------------------------------------


def _extended_payload(data: bytes, fourcc: bytes) -> bytes | None:
    """The payload of the first ``fourcc`` chunk of an extended file (the simple formats carry none)."""
    layout = parse(data)
    if not layout.extended:
        return None
    chunk = next((c for c in layout.chunks[1:] if c.fourcc == fourcc), None)
    return None if chunk is None else chunk.payload(data)


def exif_block(data: bytes) -> bytes | None:
    """The first EXIF chunk's TIFF block."""
    payload = _extended_payload(data, EXIF)
    return None if payload is None else _exif_tiff(payload)[0]


def icc_profile(data: bytes) -> bytes | None:
    """The first ICCP chunk's profile."""
    return _extended_payload(data, ICCP)


# ---- inspect ------------------------------------------------------------------------------------------


def _u24le(data: bytes, offset: int) -> int:
    return data[offset] | (data[offset + 1] << 8) | (data[offset + 2] << 16)


def _dimensions(layout: Layout, data: bytes) -> tuple[int | None, int | None]:
    first = layout.chunks[0]
    p = first.payload_start
    if first.fourcc == VP8X:
        return _u24le(data, p + 4) + 1, _u24le(data, p + 7) + 1
    if first.fourcc == VP8:
        need(data, p, 10, FMT, "a VP8 frame header")
        if data[p + 3 : p + 6] != b"\x9d\x01\x2a":
            raise FormatError(FMT, p + 3, "expected the VP8 start code 9d 01 2a", preview(data, p + 3, 3))
        return u16le(data, p + 6, FMT, "the VP8 width") & 0x3FFF, u16le(data, p + 8, FMT, "the VP8 height") & 0x3FFF
    need(data, p, 5, FMT, "a VP8L header")
    if data[p] != 0x2F:
        raise FormatError(FMT, p, "expected the VP8L signature 2f", preview(data, p, 1))
    bits = u32le(data, p + 1, FMT, "the VP8L size")
    return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1


def _exif_tiff(payload: bytes) -> tuple[bytes, int]:
    """The TIFF block of an EXIF chunk payload and how many prefix bytes were skipped."""
    if payload.startswith(EXIF_PREFIX):
        return payload[6:], 6
    return payload, 0


def read_metadata(data: bytes) -> Inspection:
    layout = parse(data)
    width, height = _dimensions(layout, data)
    out: list[Finding] = []
    warnings = list(layout.warnings)
    extended = layout.extended
    for index, chunk in enumerate(layout.chunks):
        kind = chunk.fourcc
        off, size = chunk.start, chunk.end - chunk.start
        block = ascii4(kind, 0)
        payload = chunk.payload(data)
        if index == 0:
            continue
        if not extended:
            out.append(Finding("blocks", "Other chunk", f"{block} after the image, {format_bytes(size)}", block, off, size))
        elif kind == EXIF:
            tiff, skipped = _exif_tiff(payload)
            out.extend(exif_mod.block_findings(tiff, block, off, size, warnings, chunk.payload_start + skipped))
        elif kind in XMP_CHUNKS:
            packet = xmp.decode_packet(payload)
            out.extend(xmp.findings(packet, block, off, size))
            out.append(xmp.block_finding(block, off, size))
        elif kind == ICCP:
            out.extend(icc_mod.findings(payload, block, off, size))
        elif kind not in KEEP:
            out.append(Finding("blocks", "Other chunk", f"{block}, {format_bytes(size)}", block, off, size))
    trailing = len(data) - layout.riff_end
    if trailing > 0:
        out.append(
            Finding("blocks", "Data after the end of the image", format_bytes(trailing), "trailer", layout.riff_end, trailing)
        )
    return Inspection(NAME, MIME, width, height, out, warnings, layout.damaged)


# ---- strip --------------------------------------------------------------------------------------------


def make_chunk(fourcc: bytes, payload: bytes) -> bytes:
    return fourcc + pack_u32le(len(payload)) + payload + (b"\x00" if len(payload) & 1 else b"")


def _kept_exif(payload: bytes, options: StripOptions) -> bytes | None:
    tiff, _ = _exif_tiff(payload)
    return exif_mod.kept_block(tiff, options.keep)


def _alph(payload: bytes) -> bytes:
    """ALPH with the two reserved bits of its header byte cleared."""
    return make_chunk(ALPH, bytes((payload[0] & 0x3F,)) + payload[1:]) if payload else b""


def _frame(payload: bytes) -> bytes:
    """An ANMF frame rewritten: its 16-byte header (reserved flag bits cleared), then only the
    ALPH/VP8/VP8L chunks it holds, each in canonical form; "" when it holds no image chunk."""
    if len(payload) < 16:
        return b""
    body: list[bytes] = []
    pos = 16
    while pos + 8 <= len(payload):
        kind, size = payload[pos : pos + 4], int.from_bytes(payload[pos + 4 : pos + 8], "little")
        if pos + 8 + size > len(payload):
            break
        inner = payload[pos + 8 : pos + 8 + size]
        if kind == ALPH:
            body.append(_alph(inner))
        elif kind in (VP8, VP8L):
            body.append(make_chunk(kind, inner))
        pos += 8 + size + (size & 1)
    if not any(b[:4] in (VP8, VP8L) for b in body):
        return b""
    return make_chunk(ANMF, payload[:15] + bytes((payload[15] & 0x03,)) + b"".join(body))


def strip(data: bytes, options: StripOptions) -> bytes:
    layout = parse(data)
    first = layout.chunks[0]
    if not layout.extended:
        body = [make_chunk(first.fourcc, first.payload(data))]
    else:
        body = []
        flags = 0
        vp8x_index = -1
        seen: set[bytes] = set()
        for index, chunk in enumerate(layout.chunks):
            kind = chunk.fourcc
            payload = chunk.payload(data)
            once = kind not in seen
            seen.add(kind)
            if index == 0:
                vp8x_index = len(body)
                body.append(b"")  # written once the flags are known
            elif kind == EXIF and once:
                block = _kept_exif(payload, options)
                if block is not None:
                    flags |= FLAG_EXIF
                    body.append(make_chunk(EXIF, block))
            elif kind == ICCP and once and options.keep_icc:
                neutral = icc_mod.neutralise(payload)
                if neutral is not None:
                    flags |= FLAG_ICC
                    body.append(make_chunk(ICCP, neutral))
            elif kind == ANIM and once and len(payload) >= 6:
                body.append(make_chunk(ANIM, payload[:6]))  # background colour, loop count
            elif kind == ANMF:
                body.append(_frame(payload))
            elif kind == ALPH:
                body.append(_alph(payload))
            elif kind in (VP8, VP8L):
                body.append(make_chunk(kind, payload))
        vp8x = bytearray(first.payload(data)[:10])
        vp8x[0] = (vp8x[0] & (FLAG_ALPHA | FLAG_ANIMATION)) | flags
        vp8x[1:4] = b"\x00\x00\x00"  # reserved
        body[vp8x_index] = make_chunk(VP8X, bytes(vp8x))
    chunks = b"".join(body)
    return b"RIFF" + pack_u32le(4 + len(chunks)) + b"WEBP" + chunks

"""GIF (87a/89a, still or animated): a 6-byte header, a 7-byte logical screen descriptor, an optional
global colour table, then blocks until the trailer byte 0x3b. Anything after the trailer is not
part of the picture.

Blocks:

- image: 0x2c, a 9-byte image descriptor (left, top, width, height as u16le, packed flags), an
  optional local colour table (3 * 2^(n+1) bytes when packed & 0x80, n = packed & 7), the LZW
  minimum code size byte, then data sub-blocks;
- extension: 0x21, a label byte, then data sub-blocks. Labels: 0xf9 graphic control, 0xfe comment,
  0x01 plain text, 0xff application (its first sub-block is 11 bytes: an 8-byte identifier and a
  3-byte authentication code, e.g. "NETSCAPE2.0").

Data sub-blocks are a size byte (1-255) and that many bytes, ended by a zero size byte. The XMP
application extension ("XMP DataXMP") stores the packet raw, followed by a 258-byte "magic trailer"
that makes the packet readable as sub-blocks, so the generic sub-block walk skips it correctly.

A strip (the TypeScript twin writes the same bytes; docs/strip.md has the table): the input's bytes
from 0 to the end of the global colour table verbatim; then, in input order, each image block (its
descriptor's reserved bits cleared) preceded by the last graphic control extension before it
(rewritten: 4 bytes, reserved bits cleared); the first loop block (rewritten as "NETSCAPE2.0" with
one sub-block); the first "ICCRGBG1012" block with ``options.keep_icc`` (the profile neutralised,
in 255-byte sub-blocks); then the trailer 0x3b. Dropped: plain text extensions (no decoder in use
draws them) with the graphic control block meant for them, comments, XMP, every other application
extension, extensions with any other label, and everything after the trailer. GIF has no EXIF, so
there is no orientation to keep. A file cut short after its first image began keeps its whole
sub-blocks (``parse``).

Parsing rules (FormatError at the offset named): "GIF87a"/"GIF89a"; the screen descriptor and
colour tables must fit; each block must start with 0x2c, 0x21 or 0x3b; every sub-block must fit
and the chain must end with a zero byte; a file that ends before the trailer is truncated.

Inspect: width/height from the logical screen descriptor. Findings in block order, ``offset`` =
the block's introducer byte, ``length`` = up to its terminator: plain text (Latin-1), comments (UTF-8 with replacement,
NULs at the end removed, trimmed of `` \\t\\n\\r\\0``), XMP (XMP findings + block), ICC (kept, named by
``icc.description`` of the joined sub-blocks), other application and unknown extensions, then
data after the trailer.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import icc as icc_mod
from . import xmp
from .binary import need, preview, u8, u16le
from .errors import FormatError, TruncatedError, damaged_warning
from .findings import Finding, Inspection, format_bytes, trim
from .memo import parse_once
from .policy import StripOptions

NAME = "gif"
MIME = "image/gif"
FMT = "GIF"

IMAGE, EXTENSION, TRAILER = 0x2C, 0x21, 0x3B
GRAPHIC_CONTROL, COMMENT, PLAIN_TEXT, APPLICATION = 0xF9, 0xFE, 0x01, 0xFF

LOOPING_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")
ICC_APP = b"ICCRGBG1012"
XMP_APP = b"XMP DataXMP"
XMP_MAGIC_TRAILER = b"\x01" + bytes(range(255, -1, -1)) + b"\x00"  # 258 bytes
RESERVED_IMAGE_BITS = 0x18  # bits 3-4 of an image descriptor's packed byte


@dataclass(frozen=True)
class Block:
    introducer: int  # 0x2c or 0x21
    label: int  # extension label; -1 for images
    start: int
    body_start: int  # first sub-block size byte
    end: int  # just past the zero terminator


@dataclass
class Layout:
    screen_end: int  # end of the logical screen descriptor and global colour table
    blocks: list[Block]
    trailer_end: int  # just past the trailer byte (the end of the file when it was cut short)
    partial: Block | None = None  # an image cut short: ``end`` is past its last whole sub-block
    damaged: str | None = None  # why the file is incomplete


def sniff(data: bytes) -> bool:
    return data[:6] in (b"GIF87a", b"GIF89a")


def _table_size(packed: int) -> int:
    return 3 << ((packed & 7) + 1) if packed & 0x80 else 0


class _CutImage(TruncatedError):
    """An image's data sub-blocks end with the file: ``block`` holds the whole ones."""

    def __init__(self, err: TruncatedError, block: Block) -> None:
        super().__init__(err.format, err.offset, err.expected, err.found)
        self.block = block


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while True:
        size = u8(data, pos, FMT, "a sub-block size (the file ends before the block's zero terminator)")
        if size == 0:
            return pos + 1
        need(data, pos + 1, size, FMT, "a data sub-block")
        pos += 1 + size


def _whole_sub_blocks(data: bytes, pos: int) -> int:
    """Where the whole sub-blocks from ``pos`` end, in a file cut inside them."""
    while pos < len(data) and data[pos] and pos + 1 + data[pos] <= len(data):
        pos += 1 + data[pos]
    return pos


@parse_once
def parse(data: bytes) -> Layout:
    """The file's blocks. A file cut short after its first image began is read up to the cut (an
    image that was cut keeping its whole sub-blocks) and marked damaged; cut before, it is refused."""
    blocks: list[Block] = []
    try:
        return _walk(data, blocks)
    except TruncatedError as err:
        partial = err.block if isinstance(err, _CutImage) else None
        if not partial and not any(b.introducer == IMAGE for b in blocks):
            raise
        screen_end = 13 + _table_size(data[10])
        return Layout(screen_end, blocks, len(data), partial, err.describe())


def _walk(data: bytes, blocks: list[Block]) -> Layout:
    if not sniff(data):
        raise FormatError(FMT, 0, "expected a GIF header 'GIF87a' or 'GIF89a'", preview(data, 0, 6))
    need(data, 6, 7, FMT, "the logical screen descriptor")
    table = _table_size(data[10])
    need(data, 13, table, FMT, "the global colour table")
    pos = 13 + table
    screen_end = pos
    while True:
        if pos >= len(data):
            raise TruncatedError(FMT, pos, "truncated: expected another block or the trailer 0x3b, but the file ends")
        intro = data[pos]
        if intro == TRAILER:
            return Layout(screen_end, blocks, pos + 1)
        if intro == IMAGE:
            need(data, pos + 1, 9, FMT, "an image descriptor")
            table = _table_size(data[pos + 9])
            need(data, pos + 10, table + 1, FMT, "the local colour table and LZW code size")
            body = pos + 10 + table + 1
            try:
                end = _skip_sub_blocks(data, body)
            except TruncatedError as err:
                raise _CutImage(err, Block(IMAGE, -1, pos, body, _whole_sub_blocks(data, body))) from None
            blocks.append(Block(IMAGE, -1, pos, body, end))
        elif intro == EXTENSION:
            label = u8(data, pos + 1, FMT, "an extension label")
            end = _skip_sub_blocks(data, pos + 2)
            blocks.append(Block(EXTENSION, label, pos, pos + 2, end))
        else:
            raise FormatError(FMT, pos, "expected a block: image 0x2c, extension 0x21 or trailer 0x3b", preview(data, pos, 1))
        pos = end


def _app_id(block: Block, data: bytes) -> bytes:
    """The 11-byte identifier + authentication code of an application extension, or b""."""
    p = block.body_start
    if data[p] != 11:
        return b""
    return data[p + 1 : p + 12]


def _sub_block_data(data: bytes, pos: int, end: int) -> bytes:
    parts = []
    while pos < end:
        size = data[pos]
        if size == 0:
            break
        parts.append(data[pos + 1 : pos + 1 + size])
        pos += 1 + size
    return b"".join(parts)


def _printable(raw: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "." for b in raw)


# ---- the photo's own EXIF and ICC ----------------------------------------------------------------------


def exif_block(data: bytes) -> bytes | None:
    """GIF has no EXIF."""
    return None


def icc_profile(data: bytes) -> bytes | None:
    """The first ICCRGBG1012 application extension's profile (its sub-blocks joined)."""
    for block in parse(data).blocks:
        if block.introducer == EXTENSION and block.label == APPLICATION and _app_id(block, data) == ICC_APP:
            return _sub_block_data(data, block.body_start + 12, block.end)
    return None


# ---- inspect ------------------------------------------------------------------------------------------


def read_metadata(data: bytes) -> Inspection:
    layout = parse(data)
    width = u16le(data, 6, FMT, "the screen width")
    height = u16le(data, 8, FMT, "the screen height")
    out: list[Finding] = []
    for block in layout.blocks:
        if block.introducer != EXTENSION or block.label == GRAPHIC_CONTROL:
            continue
        off, size = block.start, block.end - block.start
        if block.label == PLAIN_TEXT:  # a 12-byte grid header, then the text
            text = trim(_sub_block_data(data, block.body_start + 1 + data[block.body_start], block.end).decode("latin-1"))
            out.append(Finding("blocks", "Plain text", text or "(empty)", "Plain text extension", off, size))
            continue
        if block.label == COMMENT:
            raw = _sub_block_data(data, block.body_start, block.end)
            text = trim(raw.decode("utf-8", "replace"))
            out.append(Finding("blocks", "Comment", text or "(empty)", "Comment extension", off, size))
            continue
        if block.label != APPLICATION:
            out.append(
                Finding(
                    "blocks",
                    "Unknown extension",
                    f"label 0x{block.label:02x}, {format_bytes(size)}",
                    f"Extension 0x{block.label:02x}",
                    off,
                    size,
                )
            )
            continue
        ident = _app_id(block, data)
        if ident in LOOPING_APPS:
            continue
        name = f"Application {_printable(ident)}" if ident else "Application"
        if ident == XMP_APP:
            raw = data[block.body_start + 12 : block.end]
            if raw.endswith(XMP_MAGIC_TRAILER):
                raw = raw[: -len(XMP_MAGIC_TRAILER)]
            packet = xmp.decode_packet(raw)
            out.extend(xmp.findings(packet, name, off, size))
            out.append(xmp.block_finding(name, off, size))
        elif ident == ICC_APP:
            profile = _sub_block_data(data, block.body_start + 12, block.end)
            out.extend(icc_mod.findings(profile, name, off, size))
        else:
            out.append(
                Finding(
                    "blocks", "Application extension", f"{_printable(ident) or 'unnamed'}, {format_bytes(size)}", name, off, size
                )
            )
    trailing = len(data) - layout.trailer_end
    if trailing > 0:
        out.append(
            Finding("blocks", "Data after the end of the image", format_bytes(trailing), "trailer", layout.trailer_end, trailing)
        )
    warnings = [] if layout.damaged is None else [damaged_warning(layout.damaged)]
    return Inspection(NAME, MIME, width, height, out, warnings, layout.damaged is not None)


# ---- strip --------------------------------------------------------------------------------------------


def _sub_blocks(payload: bytes) -> bytes:
    """``payload`` as data sub-blocks of at most 255 bytes, then the zero terminator."""
    out = bytearray()
    for i in range(0, len(payload), 255):
        out.append(len(payload[i : i + 255]))
        out += payload[i : i + 255]
    out.append(0)
    return bytes(out)


def _first_sub_block(data: bytes, pos: int) -> bytes:
    return data[pos + 1 : pos + 1 + data[pos]]


def _graphic_control(block: Block, data: bytes) -> bytes | None:
    """The canonical 4-byte graphic control block; its reserved bits cleared (None if too short)."""
    first = _first_sub_block(data, block.body_start)
    if len(first) < 4:
        return None
    return bytes((EXTENSION, GRAPHIC_CONTROL, 4, first[0] & 0x1F)) + first[1:4] + b"\x00"


def _looping(block: Block, data: bytes) -> bytes | None:
    """The canonical loop block: "NETSCAPE2.0" (which every decoder reads; "ANIMEXTS1.0" says the same),
    one sub-block (1, loop count); None without one."""
    first = _first_sub_block(data, block.body_start + 12)
    if len(first) < 3 or first[0] != 1:
        return None
    return bytes((EXTENSION, APPLICATION, 11)) + LOOPING_APPS[0] + b"\x03\x01" + first[1:3] + b"\x00"


def _icc(block: Block, data: bytes) -> bytes | None:
    neutral = icc_mod.neutralise(_sub_block_data(data, block.body_start + 12, block.end))
    return None if neutral is None else bytes((EXTENSION, APPLICATION, 11)) + ICC_APP + _sub_blocks(neutral)


def _image(block: Block, data: bytes) -> bytes:
    """An image block verbatim but for the descriptor's two reserved bits, cleared."""
    packed = data[block.start + 9] & ~RESERVED_IMAGE_BITS
    return data[block.start : block.start + 9] + bytes((packed,)) + data[block.start + 10 : block.end]


def strip(data: bytes, options: StripOptions) -> bytes:
    layout = parse(data)
    out = [data[: layout.screen_end]]
    control: bytes | None = None  # the graphic control block waiting for the image it applies to
    looping = icc = False
    for block in layout.blocks:
        if block.introducer == IMAGE:
            out.extend((control or b"", _image(block, data)))
            control = None
        elif block.label == GRAPHIC_CONTROL:
            control = _graphic_control(block, data)  # a later one replaces an earlier one, as in decoders
        elif block.label == PLAIN_TEXT:
            control = None  # text no decoder draws goes, and the control block that was meant for it
        elif block.label == APPLICATION and _app_id(block, data) in LOOPING_APPS and not looping:
            looping = True
            out.append(_looping(block, data) or b"")
        elif block.label == APPLICATION and _app_id(block, data) == ICC_APP and options.keep_icc and not icc:
            icc = True
            out.append(_icc(block, data) or b"")
    if layout.partial is not None:  # the image data that is there, ended as a whole image
        out.extend((control or b"", _image(layout.partial, data), b"\x00"))
    out.append(bytes((TRAILER,)))
    return b"".join(out)

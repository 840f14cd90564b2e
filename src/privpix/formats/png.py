"""PNG (and APNG): an 8-byte signature, then chunks until IEND; anything after IEND is not part of
the picture (aCropalypse leftovers, appended archives).

Chunk layout: 4-byte big-endian data length, 4-byte type (ASCII letters), data, 4-byte CRC-32 of
type + data. A type whose first letter is uppercase is *critical* (the decoder must understand it);
lowercase is *ancillary* (safe to ignore).

A strip is an allowlist (the TypeScript twin writes the same bytes; docs/strip.md has the table):
the 8-byte signature; every chunk of a ``KEEP`` kind, in input order, copied verbatim with the CRC
as found (a bad CRC is reported by inspect, never "fixed"), unless it is not of its defined size,
not allowed for the colour type or a repeat (``_kept_fault``); the first ``eXIf`` replaced in place
by a fresh one holding ``exif.build`` of the kept tags (the TIFF header directly, no "Exif\\0\\0"
prefix; none when nothing is left); the first ``iCCP`` (with ``options.keep_icc``) replaced in place
by one named "ICC profile" holding the neutralised profile compressed by ``run_length_zlib``; a
canonical empty IEND. Everything else is dropped: text chunks, tIME, caBX (C2PA), sPLT, hIST, every
other ancillary chunk, all bytes after IEND. An unknown *critical* chunk (e.g. Apple's ``CgBI``)
makes strip raise ``UnsupportedError``: dropping it could change the pixels, keeping it could keep
data. A file cut short after its image data began keeps the IDAT/fdAT bytes that are there
(``parse``).

Parsing rules: the signature must match; the first chunk must be IHDR with 13 bytes of data; a
length above 2^31-1 or a type that is not four ASCII letters raise FormatError at the chunk's offset;
a chunk (including its CRC) that runs past the end of the file, or a file without IEND, is a file cut
short (``parse``).

Inspect: width/height from IHDR. Findings, in chunk order, each with ``offset`` = the chunk's
first byte (its length field) and ``length`` = 12 + data length:

- tEXt (Latin-1: each byte is the code point of the same value, *not* windows-1252), zTXt
  (Latin-1 after inflating; the method byte must be 0), iTXt (UTF-8 with replacement; flag byte 0:
  plain text, any other value: inflated, method byte must be 0; the language tag and translated
  keyword are skipped, and fewer than two NULs after the flags is "malformed"). The keyword (Latin-1) is
  everything before the first NUL; the block is "<type> <keyword>". By keyword: ``TEXT_KEYWORDS``;
  "XML:com.adobe.xmp" is read as XMP; ImageMagick's "Raw profile type NAME" (see
  ``raw_profile``) is decoded and read as EXIF ("exif", "app1"), IPTC or a Photoshop IRB ("iptc",
  "8bim") or XMP ("xmp"); any other keyword is a "Text" finding "<keyword>: <text>", or
  "<keyword>: <size> of text" when the (inflated) text is over 200 bytes. Text values are trimmed
  of exactly the characters `` \\t\\n\\r\\0`` at both ends; an empty value reads "(empty)".
- eXIf: ``exif.findings`` plus an "EXIF" block finding; iCCP: a "kept" ICC profile finding named
  by ``icc.description`` of the inflated profile; tIME: "Modified" as ``YYYY-MM-DD HH:MM:SS``;
  caBX: C2PA; other ancillary chunks not in ``KEEP``: "Other chunk"; data after IEND: trailer.
- zlib data (zTXt, compressed iTXt, iCCP) is inflated by ``inflate`` below: 2-byte header checked
  (CM 8, CINFO <= 7, FCHECK, no preset dictionary), raw deflate that must reach its final block,
  the Adler-32 trailer is not verified, output capped at ``INFLATE_LIMIT`` bytes. Anything else
  is "unreadable" with a warning.
- Warnings, in chunk order: for every chunk (IEND included) first "bad CRC" if the stored CRC-32
  differs from the one computed over type + data, then whatever reading the chunk found.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from . import exif as exif_mod
from . import icc as icc_mod
from . import iptc, xmp
from .binary import ascii4, need, pack_u32be, preview, u32be
from .errors import FormatError, TruncatedError, UnsupportedError, damaged_warning
from .findings import Finding, Inspection, format_bytes, trim
from .memo import parse_once
from .policy import StripOptions

NAME = "png"
MIME = "image/png"
FMT = "PNG"

SIGNATURE = b"\x89PNG\r\n\x1a\n"
IEND_CHUNK = b"\x00\x00\x00\x00IEND\xaeB`\x82"
MAX_LENGTH = 0x7FFFFFFF
INFLATE_LIMIT = 16_000_000

# Chunks a strip keeps: the image, what renders it (colour, transparency, density) and APNG
# animation; each only in its defined size, once where the PNG spec allows one (``_kept_fault``).
# sPLT and hIST (palette suggestions, a name of free text among them) are not needed to render.
KEEP = frozenset((b"IHDR", b"PLTE", b"IDAT", b"gAMA", b"cHRM", b"sRGB", b"cICP", b"mDCV", b"cLLI"))
KEEP |= frozenset((b"sBIT", b"bKGD", b"tRNS", b"pHYs", b"acTL", b"fcTL", b"fdAT"))
# the data size of each kept chunk: fixed, or per colour type (0 grey, 2 RGB, 3 palette, 4 grey +
# alpha, 6 RGBA); a colour type missing from a table is one where the chunk is not allowed
SIZES: dict[bytes, int | dict[int, int]] = {
    b"gAMA": 4,
    b"cHRM": 32,
    b"sRGB": 1,
    b"cICP": 4,
    b"mDCV": 24,
    b"cLLI": 8,
    b"pHYs": 9,
    b"acTL": 8,
    b"fcTL": 26,
    b"sBIT": {0: 1, 2: 3, 3: 3, 4: 2, 6: 4},
    b"bKGD": {0: 2, 4: 2, 2: 6, 6: 6, 3: 1},
    b"tRNS": {0: 2, 2: 6},  # palette images: up to one byte per palette entry
}
REPEATABLE = frozenset((b"IDAT", b"fcTL", b"fdAT"))

XMP_KEYWORD = "XML:com.adobe.xmp"
RAW_PROFILE = "Raw profile type "
EXIF_PREFIX = b"Exif\x00\x00"
XMP_APP1_ID = b"http://ns.adobe.com/xap/1.0/\x00"
TEXT_PREVIEW_LIMIT = 200

# keyword -> (category, label). Keywords are case-sensitive (PNG spec).
TEXT_KEYWORDS: dict[str, tuple[str, str]] = {
    "Title": ("people", "Title"),
    "Author": ("people", "Author"),
    "Description": ("people", "Description"),
    "Copyright": ("people", "Copyright"),
    "Disclaimer": ("people", "Disclaimer"),
    "Source": ("device", "Source device"),
    "Software": ("device", "Software"),
    "Creation Time": ("time", "Created"),
    "Comment": ("blocks", "Comment"),
    "Warning": ("blocks", "Warning"),
}


@dataclass(frozen=True)
class Chunk:
    type: bytes
    start: int  # offset of the length field
    length: int  # data length

    @property
    def data_start(self) -> int:
        return self.start + 8

    @property
    def end(self) -> int:  # just past the CRC
        return self.start + 12 + self.length

    def body(self, data: bytes) -> bytes:
        return data[self.start + 8 : self.start + 8 + self.length]

    def crc(self, data: bytes) -> int:
        return u32be(data, self.start + 8 + self.length, FMT, "a chunk CRC")


@dataclass
class Layout:
    chunks: list[Chunk]  # IHDR .. the chunk before IEND
    iend: Chunk | None  # None when the file was cut short
    partial: Chunk | None = None  # image data (IDAT/fdAT) cut short: ``length`` is what is there
    damaged: str | None = None  # why the file is incomplete


def sniff(data: bytes) -> bool:
    return data[:8] == SIGNATURE


def _is_letters(kind: bytes) -> bool:
    return len(kind) == 4 and all(65 <= b <= 90 or 97 <= b <= 122 for b in kind)


def is_critical(kind: bytes) -> bool:
    return 65 <= kind[0] <= 90


IMAGE_DATA = (b"IDAT", b"fdAT")


@parse_once
def parse(data: bytes) -> Layout:
    """The file's chunks. A file cut short after its image data began is read up to the cut (an IDAT
    or fdAT chunk that was cut keeping the bytes that are there) and marked damaged; cut before, it is
    refused."""
    if not sniff(data):
        raise FormatError(FMT, 0, "expected the PNG signature 89 50 4e 47 0d 0a 1a 0a", preview(data, 0))
    chunks: list[Chunk] = []
    try:
        return _walk(data, chunks)
    except TruncatedError as err:
        pos = chunks[-1].end if chunks else 8
        kind = data[pos + 4 : pos + 8]
        there = min(len(data) - pos - 8, int.from_bytes(data[pos : pos + 4], "big"))  # never the CRC's bytes
        partial = Chunk(kind, pos, there) if kind in IMAGE_DATA and there > 0 else None
        if not chunks or not (partial or any(c.type in IMAGE_DATA for c in chunks)):
            raise
        return Layout(chunks, None, partial, err.describe())


def _walk(data: bytes, chunks: list[Chunk]) -> Layout:
    pos = 8
    while True:
        if pos + 8 > len(data):
            raise TruncatedError(FMT, pos, "truncated: expected another chunk header (the file ends before the IEND chunk)")
        length = u32be(data, pos, FMT, "a chunk length")
        kind = data[pos + 4 : pos + 8]
        if not _is_letters(kind):
            raise FormatError(FMT, pos + 4, "expected a chunk type of four ASCII letters", preview(data, pos + 4, 4))
        if length > MAX_LENGTH:
            raise FormatError(FMT, pos, f"expected a chunk length below 2^31 for chunk {ascii4(data, pos + 4)}", str(length))
        need(data, pos + 8, length + 4, FMT, f"the data and CRC of chunk {ascii4(data, pos + 4)}")
        chunk = Chunk(kind, pos, length)
        if not chunks:
            if kind != b"IHDR":
                raise FormatError(FMT, pos, "expected the IHDR chunk first", ascii4(data, pos + 4))
            if length != 13:
                raise FormatError(FMT, pos, "expected an IHDR chunk of 13 bytes", f"{length} bytes")
        if kind == b"IEND":
            return Layout(chunks, chunk)
        chunks.append(chunk)
        pos = chunk.end


# ---- the photo's own EXIF and ICC ----------------------------------------------------------------------


def _exif_tiff(body: bytes) -> bytes:
    """An eXIf chunk's TIFF block (some writers put "Exif\\0\\0" before it, which the spec does not)."""
    return body[6:] if body.startswith(EXIF_PREFIX) else body


def exif_block(data: bytes) -> bytes | None:
    """The first eXIf chunk's TIFF block (later ones are ignored by viewers and dropped by a strip)."""
    chunk = next((c for c in parse(data).chunks if c.type == b"eXIf"), None)
    return None if chunk is None else _exif_tiff(chunk.body(data))


def _iccp_parts(body: bytes) -> tuple[bytes, bytes] | None:
    """(profile name, zlib stream) of an iCCP chunk, or None if it is malformed (no NUL, method not 0)."""
    name, nul, rest = body.partition(b"\x00")
    if not nul or rest[:1] != b"\x00":
        return None
    return name, rest[1:]


def icc_profile(data: bytes) -> bytes | None:
    """The first iCCP chunk's profile, inflated; None if there is none or it is unreadable."""
    chunk = next((c for c in parse(data).chunks if c.type == b"iCCP"), None)
    parts = None if chunk is None else _iccp_parts(chunk.body(data))
    return None if parts is None else inflate(parts[1])


# ---- what a strip keeps ------------------------------------------------------------------------------


def _kept_fault(chunk: Chunk, ctype: int, palette: int, seen: set[bytes]) -> str | None:
    """Why a chunk of a kept kind is not kept (None when it is): not allowed for the colour type, not
    its defined size, or a repeat of one the spec allows once (decoders read the first). ``palette``
    is the number of PLTE entries; ``seen`` collects the kinds met so far."""
    kind, n = chunk.type, chunk.length
    repeat = kind in seen and kind not in REPEATABLE
    seen.add(kind)
    if repeat:
        return f"a second {kind.decode()} chunk"
    if kind == b"PLTE":
        return None if ctype == 3 else "a palette in an image without one"
    if kind == b"tRNS" and ctype == 3:
        return None if 0 < n <= palette else f"{n} transparency entries for {palette} colours"
    if kind == b"fdAT":
        return None if n >= 4 else f"{n} bytes (at least 4 expected)"
    size = SIZES.get(kind)
    expected = size.get(ctype) if isinstance(size, dict) else size
    if size is not None and expected is None:
        return f"not allowed for colour type {ctype}"
    if expected is not None and n != expected:
        return f"{n} bytes ({expected} expected)"
    return None


def _kept_faults(layout: Layout, data: bytes) -> dict[int, str]:
    """Chunk start -> why that chunk of a kept kind is dropped (see ``_kept_fault``)."""
    ctype = data[layout.chunks[0].data_start + 9]
    plte = next((c for c in layout.chunks if c.type == b"PLTE"), None)
    palette = plte.length // 3 if plte is not None else 0
    seen: set[bytes] = set()
    faults = {}
    for chunk in layout.chunks[1:]:
        if chunk.type in KEEP:
            fault = _kept_fault(chunk, ctype, palette, seen)
            if fault is not None:
                faults[chunk.start] = fault
    return faults


# deflate length codes 257..285: (first length, extra bits)
_LENGTH_BASES: tuple[tuple[int, int], ...] = (
    *((3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (8, 0), (9, 0), (10, 0), (11, 1), (13, 1), (15, 1), (17, 1)),
    *((19, 2), (23, 2), (27, 2), (31, 2), (35, 3), (43, 3), (51, 3), (59, 3), (67, 4), (83, 4), (99, 4)),
    *((115, 4), (131, 5), (163, 5), (195, 5), (227, 5), (258, 0)),
)


def _fixed_code(sym: int) -> str:
    """A literal/length symbol's fixed Huffman code, as bits in the order deflate writes them."""
    if sym < 144:
        return format(0x30 + sym, "08b")
    if sym < 256:
        return format(0x190 + sym - 144, "09b")
    if sym < 280:
        return format(sym - 256, "07b")
    return format(0xC0 + sym - 280, "08b")


_SYMBOL_BITS = tuple(_fixed_code(sym) for sym in range(288))


def _run_bits(length: int) -> str:
    """A copy of the previous byte, ``length`` (3-258) times: a match at distance 1 (distance code 0,
    5 bits, no extra bits); the length's extra bits go least-significant first."""
    code = max(i for i, (base, _) in enumerate(_LENGTH_BASES) if base <= length)
    base, extra = _LENGTH_BASES[code]
    return _SYMBOL_BITS[257 + code] + (format(length - base, f"0{extra}b")[::-1] if extra else "") + "00000"


_RUN_BITS = {length: _run_bits(length) for length in range(3, 259)}


# a byte repeated at least 4 times: the runs run_length_zlib writes as matches
_RUN = re.compile(rb"(.)\1{3,}", re.DOTALL)
_MAX_RUN = 259  # one literal, then a match of at most 258


def run_length_zlib(payload: bytes) -> bytes:
    """``payload`` as a zlib stream of one fixed-Huffman block whose only matches repeat the previous
    byte: runs (the blanked parts of a neutralised colour profile) shrink, and both engines write the
    same bits, where general compressors differ. A run is written in pieces of at most 259 bytes: the
    byte, then a match of the rest (bytes one by one when fewer than 3 repeat). Bits are gathered as
    text in the order deflate writes them (each byte filled from its least significant bit), then
    packed at once; the bytes between runs are looked up all together."""
    bits = ["1", "10"]  # the final block; fixed Huffman codes (type 1, least significant bit first)
    literal = _SYMBOL_BITS.__getitem__
    done = 0
    for run in _RUN.finditer(payload):
        start, end = run.span()
        bits.extend(map(literal, payload[done:start]))
        code = _SYMBOL_BITS[payload[start]]
        for piece in range(start, end, _MAX_RUN):
            length = min(_MAX_RUN, end - piece)
            bits.append(code + _RUN_BITS[length - 1] if length >= 4 else code * length)
        done = end
    bits.extend(map(literal, payload[done:]))
    bits.append(_SYMBOL_BITS[256])  # end of block
    stream = "".join(bits)
    stream += "0" * (-len(stream) % 8)
    packed = int(stream[::-1], 2).to_bytes(len(stream) // 8, "little")
    return b"\x78\x01" + packed + zlib.adler32(payload).to_bytes(4, "big")


ICC_NAME = b"ICC profile"


def _kept_icc(data: bytes) -> bytes | None:
    """The first iCCP chunk rewritten: a neutral name, the neutralised profile (icc.neutralise),
    compressed by ``run_length_zlib``."""
    profile = icc_profile(data)
    neutral = icc_mod.neutralise(profile) if profile else None
    return None if neutral is None else make_chunk(b"iCCP", ICC_NAME + b"\x00\x00" + run_length_zlib(neutral))


# ---- zlib and text helpers (inspect only) -------------------------------------------------------------


def inflate(stream: bytes, limit: int = INFLATE_LIMIT) -> bytes | None:
    """A zlib stream's content, or None if it is damaged or inflates past ``limit`` bytes."""
    if len(stream) < 2:
        return None
    cmf, flg = stream[0], stream[1]
    if cmf & 0x0F != 8 or cmf >> 4 > 7 or (cmf * 256 + flg) % 31 != 0 or flg & 0x20:
        return None
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(stream[2:], limit + 1)
    except zlib.error:
        return None
    if len(out) > limit or not inflater.eof:
        return None
    return out


def _latin1(raw: bytes) -> str:
    return raw.decode("latin-1")


def _utf8(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def raw_profile(text: bytes) -> bytes | None:
    """The bytes of an ImageMagick "Raw profile type" text, or None if it does not have that shape.

    The text is "\\n" NAME "\\n" LENGTH "\\n" HEX... where NAME may contain spaces, LENGTH is
    decimal (space-padded) and HEX is the payload in hex digits broken into lines. Rule: skip the
    first byte, skip up to and including the next "\\n" (the name line); split the rest on ASCII
    whitespace (space \\t \\n \\r \\x0b \\x0c); the first token is LENGTH (ASCII digits only),
    the others joined are the hex digits (an even number, 0-9a-fA-F only); the payload must have
    at least LENGTH bytes and is cut to LENGTH.
    """
    newline = text.find(b"\n", 1)
    if newline < 0:
        return None
    tokens = text[newline + 1 :].split()
    if not tokens or not tokens[0].isdigit():
        return None
    size = int(tokens[0])
    digits = b"".join(tokens[1:])
    if len(digits) % 2 or any(b not in b"0123456789abcdefABCDEF" for b in digits):
        return None
    payload = bytes.fromhex(digits.decode("ascii"))
    if len(payload) < size:
        return None
    return payload[:size]


def _raw_profile_findings(name: str, text: bytes, block: str, off: int, size: int, warnings: list[str]) -> list[Finding]:
    payload = raw_profile(text)
    kind = name.lower()
    if payload is None:
        warnings.append(f"{block} at byte {off} is not a readable raw profile")
        return [Finding("blocks", "Raw profile", f"{name}, unreadable", block, off, size)]
    if kind in ("exif", "app1"):
        tiff = payload[6:] if payload.startswith(EXIF_PREFIX) else payload
        if tiff[:4] in (b"II*\x00", b"MM\x00*"):
            return exif_mod.block_findings(tiff, block, off, size, warnings, off)
        if payload.startswith(XMP_APP1_ID):
            packet = xmp.decode_packet(payload[len(XMP_APP1_ID) :])
            return [*xmp.findings(packet, block, off, size), xmp.block_finding(block, off, size)]
    elif kind in ("iptc", "8bim"):
        if payload.startswith(b"8BIM"):
            return iptc.irb_findings(payload, block, off, size)
        if payload[:1] == b"\x1c":
            found = iptc.iim_findings(payload, block, off, size)
            return [*found, Finding("blocks", "IPTC", f"{format_bytes(size)} of IPTC data", block, off, size)]
    elif kind == "xmp":
        packet = xmp.decode_packet(payload)
        return [*xmp.findings(packet, block, off, size), xmp.block_finding(block, off, size)]
    return [Finding("blocks", "Raw profile", f"{name}, {format_bytes(len(payload))}", block, off, size)]


def _text_findings(
    keyword: str, text: bytes, decode_latin1: bool, block: str, off: int, size: int, warnings: list[str]
) -> list[Finding]:
    if keyword == XMP_KEYWORD:
        packet = xmp.decode_packet(text)
        return [*xmp.findings(packet, block, off, size), xmp.block_finding(block, off, size)]
    if keyword.startswith(RAW_PROFILE):
        return _raw_profile_findings(keyword[len(RAW_PROFILE) :], text, block, off, size, warnings)
    value = trim(_latin1(text) if decode_latin1 else _utf8(text))
    known = TEXT_KEYWORDS.get(keyword)
    if known is not None:
        return [Finding(known[0], known[1], value or "(empty)", block, off, size)]
    if len(text) > TEXT_PREVIEW_LIMIT:
        value = f"{format_bytes(len(text))} of text"
    return [Finding("blocks", "Text", f"{keyword}: {value or '(empty)'}", block, off, size)]


def _unreadable_text(kind: str, keyword: str, block: str, off: int, size: int, warnings: list[str]) -> Finding:
    warnings.append(f"{kind} chunk at byte {off} ({keyword}): the compressed text is unreadable")
    return Finding("blocks", "Text", f"{keyword}: compressed text, unreadable ({format_bytes(size)})", block, off, size)


class _InflateBudget:
    """What inflating may still produce in one inspect: ``INFLATE_LIMIT`` bytes for all compressed
    chunks together, so a thousand small chunks that each inflate a thousandfold cannot add up."""

    def __init__(self) -> None:
        self.left = INFLATE_LIMIT

    def inflate(self, stream: bytes) -> bytes | None:
        out = inflate(stream, self.left)
        if out is not None:
            self.left -= len(out)
        return out


def _chunk_findings(chunk: Chunk, data: bytes, warnings: list[str], budget: _InflateBudget) -> list[Finding]:
    kind, off, size = chunk.type, chunk.start, chunk.end - chunk.start
    body = chunk.body(data)
    if kind == b"tEXt":
        raw_key, _, text = body.partition(b"\x00")
        keyword = _latin1(raw_key)
        return _text_findings(keyword, text, True, f"tEXt {keyword}", off, size, warnings)
    if kind == b"zTXt":
        raw_key, _, rest = body.partition(b"\x00")
        keyword = _latin1(raw_key)
        block = f"zTXt {keyword}"
        inflated = budget.inflate(rest[1:]) if rest[:1] == b"\x00" else None
        if inflated is None:
            return [_unreadable_text("zTXt", keyword, block, off, size, warnings)]
        return _text_findings(keyword, inflated, True, block, off, size, warnings)
    if kind == b"iTXt":
        raw_key, _, rest = body.partition(b"\x00")
        keyword = _latin1(raw_key)
        block = f"iTXt {keyword}"
        # compression flag, compression method, language tag \0, translated keyword \0, text
        fields = rest[2:].split(b"\x00", 2)
        if len(rest) < 2 or len(fields) < 3:
            warnings.append(f"iTXt chunk at byte {off} ({keyword}) is malformed")
            return [Finding("blocks", "Text", f"{keyword}: malformed ({format_bytes(size)})", block, off, size)]
        if rest[0] == 0:
            return _text_findings(keyword, fields[2], False, block, off, size, warnings)
        inflated = budget.inflate(fields[2]) if rest[1] == 0 else None
        if inflated is None:
            return [_unreadable_text("iTXt", keyword, block, off, size, warnings)]
        return _text_findings(keyword, inflated, False, block, off, size, warnings)
    if kind == b"eXIf":
        tiff = _exif_tiff(body)
        return exif_mod.block_findings(tiff, "eXIf", off, size, warnings, chunk.data_start + (len(body) - len(tiff)))
    if kind == b"iCCP":
        parts = _iccp_parts(body)
        profile = None if parts is None else budget.inflate(parts[1])
        if profile is None:
            warnings.append(f"iCCP chunk at byte {off}: the compressed ICC profile is unreadable")
            return [Finding("kept", "ICC profile", "unreadable", "iCCP", off, size)]
        return icc_mod.findings(profile, "iCCP", off, size)
    if kind == b"tIME":
        if len(body) != 7:
            warnings.append(f"tIME chunk at byte {off} has {len(body)} bytes instead of 7")
            return [Finding("time", "Modified", "malformed", "tIME", off, size)]
        year = (body[0] << 8) | body[1]
        stamp = f"{year:04d}-{body[2]:02d}-{body[3]:02d} {body[4]:02d}:{body[5]:02d}:{body[6]:02d}"
        return [Finding("time", "Modified", stamp, "tIME", off, size)]
    if kind == b"caBX":
        return [Finding("blocks", "C2PA / JUMBF", f"content-credentials manifest, {format_bytes(size)}", "caBX", off, size)]
    if kind in KEEP or kind == b"IEND":
        return []
    if is_critical(kind):
        warnings.append(f"unknown critical chunk {ascii4(kind, 0)} at byte {off}: a strip will refuse this file")
        return [
            Finding(
                "blocks",
                "Other chunk",
                f"{ascii4(kind, 0)} (critical, unknown), {format_bytes(size)}",
                ascii4(kind, 0),
                off,
                size,
            )
        ]
    return [Finding("blocks", "Other chunk", f"{ascii4(kind, 0)}, {format_bytes(size)}", ascii4(kind, 0), off, size)]


def read_metadata(data: bytes) -> Inspection:
    layout = parse(data)
    ihdr = layout.chunks[0]
    width = u32be(data, ihdr.data_start, FMT, "the IHDR width")
    height = u32be(data, ihdr.data_start + 4, FMT, "the IHDR height")
    out: list[Finding] = []
    warnings: list[str] = []
    budget = _InflateBudget()
    faults = _kept_faults(layout, data)
    for chunk in [*layout.chunks, *([layout.iend] if layout.iend else [])]:
        if zlib.crc32(data[chunk.start + 4 : chunk.end - 4]) != chunk.crc(data):
            warnings.append(f"chunk {ascii4(chunk.type, 0)} at byte {chunk.start} has a bad CRC")
        fault = faults.get(chunk.start)
        if fault is not None:
            name = ascii4(chunk.type, 0)
            out.append(Finding("blocks", "Other chunk", f"{name}: {fault}", name, chunk.start, chunk.end - chunk.start))
        out.extend(_chunk_findings(chunk, data, warnings, budget))
    if layout.damaged is not None:
        warnings.append(damaged_warning(layout.damaged))
    end = layout.iend.end if layout.iend else len(data)
    trailing = len(data) - end
    if trailing > 0:
        out.append(Finding("blocks", "Data after the end of the image", format_bytes(trailing), "trailer", end, trailing))
    return Inspection(NAME, MIME, width, height, out, warnings, layout.damaged is not None)


# ---- strip --------------------------------------------------------------------------------------------


def make_chunk(kind: bytes, body: bytes) -> bytes:
    return pack_u32be(len(body)) + kind + body + pack_u32be(zlib.crc32(kind + body))


def _kept_exif(chunk: Chunk, data: bytes, options: StripOptions) -> bytes | None:
    block = exif_mod.kept_block(_exif_tiff(chunk.body(data)), options.keep)
    return None if block is None else make_chunk(b"eXIf", block)


def strip(data: bytes, options: StripOptions) -> bytes:
    layout = parse(data)
    faults = _kept_faults(layout, data)
    view = memoryview(data)
    out: list[bytes | memoryview] = [SIGNATURE]
    exif_done = icc_done = False
    for chunk in layout.chunks:
        kind = chunk.type
        if kind == b"eXIf":
            if not exif_done:
                exif_done = True
                kept = _kept_exif(chunk, data, options)
                if kept is not None:
                    out.append(kept)
        elif kind == b"iCCP":
            if options.keep_icc and not icc_done:
                icc_done = True
                out.append(_kept_icc(data) or b"")
        elif kind in KEEP:
            if chunk.start not in faults:
                out.append(view[chunk.start : chunk.end])  # no copy until the join
        elif is_critical(kind):
            raise UnsupportedError(
                FMT,
                chunk.start,
                f"unknown critical chunk {ascii4(kind, 0)}: the image may depend on it, so privpix "
                "will neither drop it nor copy it",
            )
    if layout.partial is not None:  # the image data that is there, in a whole chunk of its own
        out.append(make_chunk(layout.partial.type, layout.partial.body(data)))
    out.append(IEND_CHUNK)
    return b"".join(out)

"""PNG, WebP and GIF conformance beyond the corpus: both engines on many synthetic files.

The corpus holds only a few files of each kind, so this builds varied ones on the fly with the
builders of ``tests/formats/test_png.py``, ``test_webp.py`` and ``test_gif.py``: APNG, 16-bit,
palette + tRNS, text chunks of every kind (tEXt/zTXt/iTXt, compressed and not, ImageMagick raw
profiles, XMP), eXIf with orientation and keep-groups, iCCP, bad CRCs, unknown chunks, trailing data
and truncations; simple/extended/animated/alpha WebP with EXIF (with and without "Exif\\0\\0"), XMP
and "XMP\\0", odd sizes and missing padding; GIF87a/89a with comments, XMP, ICC, looping and
plain-text extensions. Then seeded damage: zlib streams with flipped, replaced and cut bytes inside
zTXt/iTXt/iCCP (both engines must accept and reject exactly the same streams), and a few hundred
random byte changes and truncations of the corpus PNG/WebP/GIF files.

Each file is stripped with several option sets and inspected by the Python engine and by the
TypeScript engine (``web/scripts/engine-cli.ts`` under Node); output bytes, reports, error messages
and inspect JSON must be identical.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from privpix.formats import png
from privpix.options import StripOptions
from tests.conformance.damage import any_byte, seeded_damage
from tests.conformance.two_engines import TsRuns, engine_mismatch, python_outcome, run_ts_on_cases
from tests.conftest import CORPUS, manifest
from tests.formats import test_gif as G
from tests.formats import test_png as P
from tests.formats import test_webp as W
from tests.hostile import XMP_UNITS, png_with_xmp, xmp_packet

VARIANTS: dict[str, tuple[list[str], StripOptions]] = {
    "default": ([], StripOptions()),
    "no-icc": (["--no-keep-icc"], StripOptions(keep_icc=False)),
    "keep-location-rights": (["--keep", "location,rights"], StripOptions(keep=frozenset({"location", "rights"}))),
    "keep-camera-time": (["--keep", "camera,time"], StripOptions(keep=frozenset({"camera", "time"}))),
}
FUZZ_VARIANTS = ("default", "no-icc", "keep-location-rights")

CASES: dict[str, bytes] = {}  # name (with its extension) -> bytes


def case(ext: str) -> Callable[[Callable[[], bytes | dict[str, bytes]]], Callable[[], Any]]:
    def register(fn: Callable[[], bytes | dict[str, bytes]]) -> Callable[[], Any]:
        made = fn()
        for key, data in made.items() if isinstance(made, dict) else [("", made)]:
            CASES[f"{fn.__name__}{'_' + key if key else ''}.{ext}"] = data
        return fn

    return register


# ---- shared pieces ------------------------------------------------------------------------------------


ICC = P.icc_profile()
XMP_GPS = (
    b'<x:xmpmeta><rdf:RDF><rdf:Description exif:GPSLatitude="43,28.0250N" exif:GPSLongitude="11,53.1067E" '
    b'exif:GPSAltitude="1234/10" exif:GPSAltitudeRef="1" xmp:CreateDate="2024-05-17T12:34:56">'
    b"<dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li><rdf:li>J. D&amp;o&#xe9;</rdf:li></rdf:Seq></dc:creator>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)
IIM = b"\x1c\x01\x5a\x00\x03\x1b\x25\x47\x1c\x02\x50\x00\x08Jane Doe\x1c\x02\x74\x00\x06\xc2\xa9 J.D."
IRB = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(IIM)) + IIM + (b"\x00" if len(IIM) & 1 else b"")


def icc_with_desc(text: bytes) -> bytes:
    """A minimal ICC profile whose 'desc' tag reads ``text`` (Latin-1)."""
    tag = b"desc" + bytes(4) + struct.pack(">I", len(text) + 1) + text + b"\x00"
    header = bytearray(128)
    table = struct.pack(">I", 1) + b"desc" + struct.pack(">II", 144, len(tag))
    body = bytes(header) + table + tag
    return struct.pack(">I", len(body)) + body[4:]


def exif_rich(orientation: int | None = 6, prefix: bool = False) -> bytes:
    """EXIF with GPS, camera, time and rights tags (Pillow writes it big-endian)."""
    e = Image.Exif()
    if orientation is not None:
        e[0x0112] = orientation
    e[0x010F] = "Canon"
    e[0x0110] = "Canon EOS 5D"
    e[0x0131] = "PhotoEditor 1.0"
    e[0x0132] = "2024:05:17 12:34:56"
    e[0x013B] = "Jane Doe"
    e[0x8298] = "(c) Jane Doe"
    sub = e.get_ifd(0x8769)
    sub[0x9003] = "2024:05:17 12:34:50"
    sub[0x829A] = (1, 250)
    sub[0xA431] = "SN123456"
    g = e.get_ifd(0x8825)
    g[1], g[2], g[3], g[4] = "S", (43.0, 28.0, 1.5), "W", (11.0, 53.0, 6.4)
    g[5], g[6] = 1, 12.5
    raw = e.tobytes()
    return raw if prefix else raw[6:]


def zlib_levels(data: bytes) -> dict[str, bytes]:
    """The same text as a zlib stream made by stored, fixed-Huffman and dynamic-Huffman blocks."""
    fixed = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_FIXED)
    return {
        "stored": zlib.compress(data, 0),
        "fixed": fixed.compress(data) + fixed.flush(),
        "dynamic": zlib.compress(data, 9),
    }


def raw_profile(name: str, payload: bytes, width: int = 72, length: str | None = None) -> bytes:
    hexed = payload.hex()
    lines = "\n".join(hexed[i : i + width] for i in range(0, len(hexed), width))
    return f"\n{name}\n{length if length is not None else f'{len(payload):8d}'}\n{lines}\n".encode()


def png_with(*pieces: tuple[bytes, bytes], after: tuple[tuple[bytes, bytes], ...] = (), base: bytes | None = None) -> bytes:
    return P.with_chunks(base if base is not None else P.base_png(), before_idat=list(pieces), after_idat=list(after))


def text(kind: bytes, keyword: bytes, body: bytes, compressed: bool = False) -> tuple[bytes, bytes]:
    """A tEXt, zTXt or iTXt chunk (iTXt with an empty language tag and translated keyword)."""
    if kind == b"tEXt":
        return kind, keyword + b"\x00" + body
    if kind == b"zTXt":
        return kind, keyword + b"\x00\x00" + zlib.compress(body)
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return kind, keyword + b"\x00" + flag + b"\x00\x00" + (zlib.compress(body) if compressed else body)


def _pnginfo() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe")
    info.add_text("Comment", "long " * 100, zip=True)
    info.add_itxt("Description", "Zoë's garden", lang="en", tkey="Beschreibung")
    info.add_itxt("Title", "Grüße aus Köln", zip=True)
    return info


def _header(cmf: int, fdict: bool = False) -> bytes:
    flg = 0x20 if fdict else 0
    flg += (31 - (cmf * 256 + flg) % 31) % 31
    return bytes([cmf, flg])


def _two_blocks(a: bytes, b: bytes) -> bytes:
    """A raw deflate stream of a non-final stored block then a final stored block."""
    return b"\x00" + struct.pack("<HH", len(a), len(a) ^ 0xFFFF) + a + b"\x01" + struct.pack("<HH", len(b), len(b) ^ 0xFFFF) + b


class Deflate:
    """A hand-written raw deflate stream, to reach the corners of zlib's rules that random damage
    rarely hits (code sets, repeat codes, symbols outside the alphabet)."""

    LENGTHS = [
        (3, 0),
        (4, 0),
        (5, 0),
        (6, 0),
        (7, 0),
        (8, 0),
        (9, 0),
        (10, 0),
        (11, 1),
        (13, 1),
        (15, 1),
        (17, 1),
        (19, 2),
        (23, 2),
        (27, 2),
        (31, 2),
        (35, 3),
        (43, 3),
        (51, 3),
        (59, 3),
        (67, 4),
        (83, 4),
        (99, 4),
        (115, 4),
        (131, 5),
        (163, 5),
        (195, 5),
        (227, 5),
        (258, 0),
    ]
    CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    # a complete code-length code for all 19 symbols: 13 of 4 bits, 6 of 5 bits
    CL_LENGTHS = [4] * 13 + [5] * 6

    def __init__(self) -> None:
        self.bits: list[int] = []

    def put(self, value: int, n: int) -> Deflate:
        """``n`` bits of ``value``, least significant first (header fields, extra bits)."""
        self.bits.extend((value >> i) & 1 for i in range(n))
        return self

    def code(self, codes: dict[int, tuple[int, int]], symbol: int) -> Deflate:
        """A Huffman code, most significant bit first."""
        value, length = codes[symbol]
        self.bits.extend((value >> (length - 1 - i)) & 1 for i in range(length))
        return self

    @staticmethod
    def canonical(lengths: list[int]) -> dict[int, tuple[int, int]]:
        """RFC 1951 3.2.2 codes (also for over-subscribed or incomplete sets: whatever they give)."""
        count = [lengths.count(n) for n in range(16)]
        count[0] = 0
        code, next_code = 0, [0] * 16
        for n in range(1, 16):
            code = (code + count[n - 1]) << 1
            next_code[n] = code
        out = {}
        for sym, n in enumerate(lengths):
            if n:
                out[sym] = (next_code[n], n)
                next_code[n] += 1
        return out

    def dynamic_header(
        self,
        lit: list[int],
        dist: list[int],
        ops: list[tuple[int, int]] | None = None,
        cl: list[int] | None = None,
        final: bool = True,
        hlit: int | None = None,
        hdist: int | None = None,
        hclen: int = 19,
    ) -> Deflate:
        """A dynamic block header: code lengths sent as ``ops`` (code-length symbol, extra bits
        value), by default one literal length per symbol."""
        cl = self.CL_LENGTHS if cl is None else cl
        self.put(int(final), 1).put(2, 2)
        self.put(len(lit) - 257 if hlit is None else hlit, 5).put(len(dist) - 1 if hdist is None else hdist, 5)
        self.put(hclen - 4, 4)
        for sym in self.CL_ORDER[:hclen]:
            self.put(cl[sym], 3)
        codes = self.canonical(cl)
        for sym, extra in ops if ops is not None else [(n, 0) for n in lit + dist]:
            self.code(codes, sym)
            self.put(extra, {16: 2, 17: 3, 18: 7}.get(sym, 0))
        return self

    def symbols(self, lit: list[int], dist: list[int], items: list[int | tuple[int, int]]) -> Deflate:
        """Literals/end-of-block (ints) and matches ((length, distance)) with the given codes."""
        lcodes, dcodes = self.canonical(lit), self.canonical(dist)
        for item in items:
            if isinstance(item, int):
                self.code(lcodes, item)
                continue
            length, distance = item
            i = max(k for k, (base, _) in enumerate(self.LENGTHS) if base <= length) if length < 258 else 28
            self.code(lcodes, 257 + i).put(length - self.LENGTHS[i][0], self.LENGTHS[i][1])
            d = max(k for k in range(30) if _dist_base(k) <= distance)
            self.code(dcodes, d).put(distance - _dist_base(d), max(0, d // 2 - 1))
        return self

    def zlib(self) -> bytes:
        bits = self.bits + [0] * (-len(self.bits) % 8)
        return b"\x78\x9c" + bytes(sum(b << i for i, b in enumerate(bits[k : k + 8])) for k in range(0, len(bits), 8))


def _dist_base(code: int) -> int:
    if code < 4:
        return code + 1
    extra = code // 2 - 1
    return (1 << (extra + 1)) + 1 + (code & 1) * (1 << extra)


FIXED_LIT = [8] * 144 + [9] * 112 + [7] * 24 + [8] * 8
FIXED_DIST = [5] * 32


def _fixed(items: list[int | tuple[int, int]], final: bool = True) -> Deflate:
    return Deflate().put(int(final), 1).put(1, 2).symbols(FIXED_LIT, FIXED_DIST, items)


def _lit(*used: int, dist: list[int] | None = None, n: int = 0) -> tuple[list[int], list[int]]:
    """Literal/length lengths giving each of ``used`` a code (a complete set when len(used) is a
    power of two), and distance lengths."""
    bits = max(1, (len(used) - 1).bit_length())
    lit = [0] * max(n, 257, max(used) + 1)
    for sym in used:
        lit[sym] = bits
    return lit, dist if dist is not None else [0]


def _le_exif() -> bytes:
    """A little-endian EXIF with orientation and GPS, hand-built."""
    entries = [(0x0112, 3, 1, struct.pack("<HH", 8, 0)), (0x8825, 4, 1, struct.pack("<I", 38))]
    ifd0 = struct.pack("<H", 2) + b"".join(struct.pack("<HHI", t, ty, n) + v for t, ty, n, v in entries) + bytes(4)
    gps_values = struct.pack("<6I", 40, 1, 26, 1, 4660, 100)
    gps = (
        struct.pack("<H", 2)
        + struct.pack("<HHI", 1, 2, 2)
        + b"N\x00\x00\x00"
        + struct.pack("<HHII", 2, 5, 3, 38 + 2 + 24 + 4)
        + bytes(4)
    )
    assert len(ifd0) == 30
    return b"II*\x00" + struct.pack("<I", 8) + ifd0 + gps + gps_values


def _missing_padding() -> bytes:
    data = W.riff([(b"VP8X", bytes(10)), (b"VP8 ", _vp8()), (b"ABCD", b"odd")])[:-1]
    return data[:4] + struct.pack("<I", len(data) - 8) + data[8:]


def _resize(data: bytes, riff_size: int) -> bytes:
    return data[:4] + struct.pack("<I", riff_size) + data[8:]


# ---- PNG ----------------------------------------------------------------------------------------------


@case("png")
def png_pillow_modes() -> dict[str, bytes]:
    rng = np.random.default_rng(11)
    out = {"rgb": P.base_png(), "rgba": P.base_png("RGBA"), "odd_size": P.base_png(size=(1, 1))}
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 65536, (6, 5), dtype=np.uint16)).save(buf, "PNG")  # 16-bit grey
    out["gray16"] = buf.getvalue()
    pal = Image.fromarray(rng.integers(0, 8, (5, 7), dtype=np.uint8), "L").convert("P")
    buf = io.BytesIO()
    pal.save(buf, "PNG", transparency=3)
    out["palette_trns"] = buf.getvalue()
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (4, 4, 2), dtype=np.uint8), "LA").save(buf, "PNG")
    out["gray_alpha"] = buf.getvalue()
    buf = io.BytesIO()
    Image.new("1", (9, 3), 1).save(buf, "PNG", dpi=(300, 300))
    out["bilevel_phys"] = buf.getvalue()
    out["pillow_icc_exif_text"] = P.base_png(icc_profile=ICC, exif=P.exif_block(6), pnginfo=_pnginfo())
    out["pillow_exif_no_orientation"] = P.base_png(exif=P.exif_block(None))
    return out


@case("png")
def apng() -> dict[str, bytes]:
    frames = [Image.new("RGBA", (6, 4), (i * 60, 255 - i * 60, 7, 255)) for i in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, "PNG", save_all=True, append_images=frames[1:], duration=[40, 80, 120], loop=2)
    data = buf.getvalue()
    return {
        "plain": data,
        "with_text_exif": P.with_chunks(
            data,
            before_idat=[(b"tEXt", b"Software\x00animator"), (b"eXIf", P.exif_block(3))],
            after_idat=[(b"tIME", b"\x07\xe8\x05\x11\x0c\x22\x38")],
        ),
    }


@case("png")
def png_rendering_chunks() -> bytes:
    return png_with(
        (b"gAMA", struct.pack(">I", 45455)),
        (b"cHRM", bytes(32)),
        (b"sRGB", b"\x00"),
        (b"cICP", b"\x01\x0d\x00\x01"),
        (b"mDCV", bytes(24)),
        (b"cLLI", bytes(8)),
        (b"sBIT", b"\x08\x08\x08"),
        (b"bKGD", bytes(6)),
        (b"pHYs", b"\x00\x00\x0b\x13\x00\x00\x0b\x13\x01"),
        (b"sPLT", b"pal\x00\x08" + bytes(6)),
        (b"tRNS", bytes(6)),
        (b"iCCP", b"ICC\x00\x00" + zlib.compress(ICC)),
    )


@case("png")
def png_text_keywords() -> dict[str, bytes]:
    out = {}
    for keyword in [
        "Title",
        "Author",
        "Description",
        "Copyright",
        "Disclaimer",
        "Source",
        "Software",
        "Creation Time",
        "Comment",
        "Warning",
        "Location",
        "parameters",
        "constructor",
        "__proto__",
        "toString",
        "hasOwnProperty",
        "title",
        "",
    ]:
        key = keyword.replace(" ", "_") or "empty_keyword"
        out[key] = png_with(
            text(b"tEXt", keyword.encode(), b"  value of " + keyword.encode() + b" \t"),
            text(b"zTXt", keyword.encode(), b"z" + keyword.encode()),
            text(b"iTXt", keyword.encode(), "ï".encode() + keyword.encode()),
        )
    return out


@case("png")
def png_text_values() -> dict[str, bytes]:
    latin = bytes(range(0x20, 0x100))  # includes 0x80-0x9f, which windows-1252 would decode differently
    return {
        "latin1_all": png_with(text(b"tEXt", b"Comment", latin), text(b"zTXt", b"Author", latin)),
        "latin1_keyword": png_with(
            (b"tEXt", b"Autor \xe9\xff\x00Jos\xe9"), (b"zTXt", b"K\x80\x9f\x00\x00" + zlib.compress(b"x"))
        ),
        "trim_set": png_with(
            text(b"tEXt", b"Author", b"\x00\x0b\x0c \t\r\nJane\x00\x0b\x0c \t\r\n"),
            text(b"tEXt", b"Title", "\u00a0nbsp\u00a0".encode("latin-1")),
            text(b"iTXt", b"Copyright", "\u2003em space\u2003\u3000".encode()),
            text(b"iTXt", b"Source", "\ufeffbom".encode()),
        ),
        "empty_values": png_with(
            text(b"tEXt", b"Author", b""),
            text(b"tEXt", b"Other", b""),
            text(b"tEXt", b"Other2", b" \x00 "),
            (b"tEXt", b"NoNulAtAll"),
        ),
        "preview_limit": png_with(
            text(b"tEXt", b"p200", b"a" * 200),
            text(b"tEXt", b"p201", b"a" * 201),
            text(b"iTXt", b"u201", "é".encode() * 100 + b"a"),
            text(b"tEXt", b"Author", b"b" * 5000),
        ),
        "bad_utf8": png_with(
            text(b"iTXt", b"Author", b"ok \xff\xfe \xc3 \xe2\x82 \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf end"),
            text(b"iTXt", b"Other", b"\xf0\x9f\x98\x80 \xf0\x9f \xe0\x80\x80 \xef\xbf\xbf"),
        ),
        "keyword_with_nuls": png_with((b"tEXt", b"Author\x00Jane\x00Doe"), (b"tEXt", b"\x00starts with nul")),
    }


@case("png")
def png_itxt_variants() -> dict[str, bytes]:
    z = zlib.compress("Grüße".encode())
    return {
        "plain": png_with((b"iTXt", b"Title\x00\x00\x00de\x00Titel\x00Gr\xc3\xbc\xc3\x9fe")),
        "compressed": png_with((b"iTXt", b"Title\x00\x01\x00de\x00Titel\x00" + z)),
        "flag_2": png_with((b"iTXt", b"Title\x00\x02\x00\x00\x00" + z)),
        "flag_ff_plain_bytes": png_with((b"iTXt", b"Title\x00\xff\x00\x00\x00not zlib")),
        "method_1": png_with((b"iTXt", b"Title\x00\x01\x01\x00\x00" + z)),
        "plain_method_7": png_with((b"iTXt", b"Title\x00\x00\x07\x00\x00fine")),
        "one_nul": png_with((b"iTXt", b"Title\x00\x00\x00de\x00no second nul")),
        "no_nul": png_with((b"iTXt", b"Title\x00\x00\x00")),
        "one_byte": png_with((b"iTXt", b"Title\x00\x00")),
        "empty_rest": png_with((b"iTXt", b"Title\x00")),
        "no_keyword_nul": png_with((b"iTXt", b"Title")),
        "extra_nuls": png_with((b"iTXt", b"Title\x00\x00\x00\x00\x00a\x00b\x00c")),
        "xmp_plain": png_with((b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + XMP_GPS)),
        "xmp_compressed": png_with(after=((b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + zlib.compress(XMP_GPS)),)),
        "xmp_in_text": png_with(text(b"tEXt", b"XML:com.adobe.xmp", XMP_GPS), text(b"zTXt", b"XML:com.adobe.xmp", XMP_GPS)),
        "xmp_case": png_with(text(b"tEXt", b"xml:com.adobe.xmp", XMP_GPS)),
    }


@case("png")
def png_xmp_crafted() -> dict[str, bytes]:
    """Packets that once took quadratic time (small here; bench/hostile_files.py times big ones) and
    numeric references outside Unicode (once an exception in both engines)."""
    out = {kind.replace(" ", "_"): png_with_xmp(xmp_packet(kind, 3000)) for kind in XMP_UNITS}
    refs = "&#1114112; &#xD800; &#0; &#" + "9" * 5000 + "; &#x41; &#65;&amp;"
    out["references"] = png_with_xmp(f'<dc:title>{refs}</dc:title><x exif:GPSLatitude="&#xFFFFFFFFF;"/>')
    out["mixed_forms"] = png_with_xmp(
        "<dc:creator><rdf:Seq><rdf:li>A</rdf:li><rdf:lix>B</rdf:lix><rdf:li >C</rdf:li><rdf:li>D"
        "</rdf:Seq></dc:creator> dc:rights = 'R' <tiff:Make>M<tiff:Make x=\"1\">N</tiff:Make>"
    )
    return out


@case("png")
def png_ztxt_variants() -> dict[str, bytes]:
    body = b"(c) Jane \xa9 " * 30
    out = {}
    for name, stream in zlib_levels(body).items():
        out[name] = png_with((b"zTXt", b"Copyright\x00\x00" + stream))
        out[name + "_no_adler"] = png_with((b"zTXt", b"Copyright\x00\x00" + stream[:-4]))
        out[name + "_bad_adler"] = png_with((b"zTXt", b"Copyright\x00\x00" + stream[:-1] + bytes([stream[-1] ^ 1])))
        out[name + "_cut"] = png_with((b"zTXt", b"Copyright\x00\x00" + stream[:-5]))
        out[name + "_trailing"] = png_with((b"zTXt", b"Copyright\x00\x00" + stream + b"garbage after the stream"))
    good = zlib.compress(b"hello")
    out.update(
        {
            "method_1": png_with((b"zTXt", b"Comment\x00\x01" + good)),
            "no_method": png_with((b"zTXt", b"Comment\x00")),
            "no_nul": png_with((b"zTXt", b"Comment")),
            "empty_stream": png_with((b"zTXt", b"Comment\x00\x00")),
            "one_byte_stream": png_with((b"zTXt", b"Comment\x00\x00\x78")),
            "header_only": png_with((b"zTXt", b"Comment\x00\x00\x78\x9c")),
            "bad_fcheck": png_with((b"zTXt", b"Comment\x00\x00\x78\x9d" + good[2:])),
            "cm_not_8": png_with((b"zTXt", b"Comment\x00\x00\x79\x9c" + good[2:])),
            "cinfo_8": png_with((b"zTXt", b"Comment\x00\x00" + _header(0x88) + good[2:])),
            "cinfo_0": png_with((b"zTXt", b"Comment\x00\x00" + _header(0x08) + good[2:])),
            "preset_dict": png_with((b"zTXt", b"Comment\x00\x00" + _header(0x78, fdict=True) + good[2:])),
            "raw_deflate_no_header": png_with((b"zTXt", b"Comment\x00\x00" + good[2:])),
            "empty_text": png_with((b"zTXt", b"Comment\x00\x00" + zlib.compress(b""))),
            "empty_stored_final": png_with((b"zTXt", b"Comment\x00\x00\x78\x9c\x01\x00\x00\xff\xff")),
            "stored_bad_nlen": png_with((b"zTXt", b"Comment\x00\x00\x78\x9c\x01\x01\x00\xff\xff" + b"a")),
            "block_type_3": png_with((b"zTXt", b"Comment\x00\x00\x78\x9c\x07\x00")),
            "non_final_then_end": png_with((b"zTXt", b"Comment\x00\x00\x78\x9c\x00\x00\x00\xff\xff")),
            "two_blocks": png_with((b"zTXt", b"Comment\x00\x00\x78\x9c" + _two_blocks(b"first ", b"second"))),
            "at_limit": png_with((b"zTXt", b"Comment\x00\x00" + zlib.compress(b"a" * png.INFLATE_LIMIT, 9))),
            "over_limit": png_with((b"zTXt", b"Comment\x00\x00" + zlib.compress(b"a" * (png.INFLATE_LIMIT + 1), 9))),
        }
    )
    return out


def _crafted() -> dict[str, tuple[Deflate, bytes | None]]:
    """Hand-written deflate streams and what zlib makes of them (checked against Python's zlib)."""
    a, b, eob = ord("a"), ord("b"), 256
    fl, fd = Deflate.canonical(FIXED_LIT), Deflate.canonical(FIXED_DIST)
    out: dict[str, tuple[Deflate, bytes | None]] = {
        "fixed_ok": (_fixed([a, b, (3, 2), eob]), b"ababa"),
        "fixed_too_far": (_fixed([a, (3, 2), eob]), None),
        "fixed_distance_1": (_fixed([a, (5, 1), eob]), b"a" * 6),
        "fixed_length_258": (_fixed([a, (258, 1), eob]), b"a" * 259),
        "fixed_sym_286": (_fixed([a, 286]), None),
        "fixed_sym_287": (_fixed([a, 287, eob]), None),
        "fixed_dist_30": (Deflate().put(1, 1).put(1, 2).code(fl, a).code(fl, 257).code(fd, 30).code(fl, eob), None),
        "fixed_dist_31": (Deflate().put(1, 1).put(1, 2).code(fl, a).code(fl, 257).code(fd, 31).code(fl, eob), None),
        "fixed_length_284_31": (
            Deflate().put(1, 1).put(1, 2).code(fl, a).code(fl, 284).put(31, 5).code(fd, 0).code(fl, eob),
            b"a" * 259,
        ),
        "fixed_not_final_then_end": (_fixed([a, eob], final=False), None),
        "fixed_then_fixed": (
            Deflate()
            .put(0, 1)
            .put(1, 2)
            .symbols(FIXED_LIT, FIXED_DIST, [a, eob])
            .put(1, 1)
            .put(1, 2)
            .symbols(FIXED_LIT, FIXED_DIST, [b, eob]),
            b"ab",
        ),
        "stored_then_far_match": (
            Deflate()
            .put(0, 1)
            .put(0, 2)
            .put(0, 5)
            .put(32767, 16)
            .put(32767 ^ 0xFFFF, 16)
            .put(int.from_bytes(b"a" * 32767, "little"), 8 * 32767)
            .put(1, 1)
            .put(1, 2)
            .symbols(FIXED_LIT, FIXED_DIST, [(3, 32768), eob]),
            None,
        ),
        "stored_then_max_match": (
            Deflate()
            .put(0, 1)
            .put(0, 2)
            .put(0, 5)
            .put(32768, 16)
            .put(32768 ^ 0xFFFF, 16)
            .put(int.from_bytes(b"a" * 32768, "little"), 8 * 32768)
            .put(1, 1)
            .put(1, 2)
            .symbols(FIXED_LIT, FIXED_DIST, [(3, 32768), eob]),
            b"a" * 32771,
        ),
        "stored_cut": (Deflate().put(1, 1).put(0, 2).put(0, 5).put(10, 16).put(10 ^ 0xFFFF, 16).put(0x6161, 16), None),
        "stored_bad_complement": (Deflate().put(1, 1).put(0, 2).put(0, 5).put(1, 16).put(1, 16).put(0x61, 8), None),
    }
    lit, dist = _lit(ord("h"), ord("i"), eob, 257, dist=[1, 1])
    out["dynamic_ok"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [ord("h"), ord("i"), (3, 2), eob]), b"hihih")
    lit, dist = _lit(eob, dist=[0])
    out["dynamic_eob_only"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [eob]), b"")
    out["dynamic_eob_only_other_bit"] = (Deflate().dynamic_header(lit, dist).put(1, 1), None)
    lit, dist = _lit(a, dist=[0])
    out["dynamic_no_eob_single"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a]), None)
    lit, dist = _lit(a, b, dist=[0])
    out["dynamic_no_eob"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a, b]), None)
    lit, dist = _lit(a, b, eob, dist=[0])
    out["dynamic_incomplete_lit"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a, b, eob]), None)
    lit = [0] * 257
    lit[a] = lit[b] = lit[eob] = 1
    out["dynamic_oversubscribed_lit"] = (Deflate().dynamic_header(lit, [0]).put(0, 8), None)
    lit, dist = _lit(a, eob, 257, 258, dist=[1])
    out["dynamic_single_dist"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a, (3, 1), eob]), b"aaaa")
    out["dynamic_single_dist_other_bit"] = (
        Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a, 257]).put(1, 1).symbols(lit, dist, [eob]),
        None,
    )
    lit, dist = _lit(a, eob, 257, 258, dist=[2, 2, 2])
    out["dynamic_incomplete_dist"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a, eob]), None)
    lit, dist = _lit(a, eob, 257, 258, dist=[1, 1, 1])
    out["dynamic_oversubscribed_dist"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a, eob]), None)
    lit, dist = _lit(a, eob, 257, 258, dist=[0, 0])
    out["dynamic_no_dist_unused"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a, a, eob]), b"aa")
    out["dynamic_no_dist_used"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a, 257]).put(0, 8), None)
    lit, dist = _lit(a, b, eob, 257, n=286, dist=[1] + [0] * 29)
    out["dynamic_286_lit_30_dist"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a, b, (3, 1), eob]), b"abbbb")
    for n in (287, 288):  # lengths sent for more literal/length codes than there are
        lit, dist = _lit(a, eob, n=n)
        out[f"dynamic_{n}_lit"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a, eob]), None)
    lit, dist = _lit(a, eob, 257, 258, dist=[1, 1] + [0] * 29)  # and 31 distance codes
    out["dynamic_31_dist"] = (Deflate().dynamic_header(lit, dist).symbols(lit, dist, [a, (3, 1), eob]), None)
    lit, dist = _lit(a, eob, n=257)
    cl_over = [1, 1, 1] + [0] * 16
    out["cl_oversubscribed"] = (Deflate().dynamic_header(lit, dist, cl=cl_over, ops=[]).put(0, 600), None)
    cl_incomplete = [4] * 8 + [0] * 11
    out["cl_incomplete"] = (Deflate().dynamic_header(lit, dist, cl=cl_incomplete, ops=[]).put(0, 600), None)
    out["cl_all_zero"] = (Deflate().dynamic_header(lit, dist, cl=[0] * 19, ops=[]).put(0, 600), None)
    out["cl_single"] = (Deflate().dynamic_header(lit, dist, cl=[1] + [0] * 18, ops=[]).put(0, 600), None)
    cl18 = [4] * 14 + [5, 0, 5, 5, 5]
    out["cl_18_codes"] = (Deflate().dynamic_header(lit, dist, cl=cl18, hclen=18).symbols(lit, dist, [a, eob]), b"a")
    # a, b, c, d of 3 bits and end-of-block of 1 bit, sent with repeat codes
    lit = [0] * 257
    lit[a : a + 4] = [3] * 4
    lit[eob] = 1
    ops = [(18, 97 - 11), (3, 0), (16, 0), (18, 138 - 11), (18, 17 - 11), (1, 0), (0, 0)]
    out["repeats"] = (Deflate().dynamic_header(lit, [0], ops=ops).symbols(lit, [0], [a, a + 3, eob]), b"ad")
    out["repeat_16_first"] = (
        Deflate().dynamic_header(lit, [0], ops=[(16, 0), (18, 94 - 11)] + ops[1:]).symbols(lit, [0], [a, eob]),
        None,
    )
    out["repeat_past_end"] = (Deflate().dynamic_header(lit, [0], ops=ops[:-1] + [(17, 7)]).symbols(lit, [0], [a, eob]), None)
    out["repeat_16_of_zero"] = (
        Deflate().dynamic_header(lit, [0], ops=[(0, 0), (16, 3)] + [(18, 97 - 11 - 7)] + ops[1:]).symbols(lit, [0], [a, eob]),
        b"a",
    )
    lit = [0] * 260
    lit[a] = lit[eob] = 1
    ops = [(18, 97 - 11), (1, 0), (18, 138 - 11), (18, 20 - 11), (1, 0), (17, 5 - 3)]
    out["repeat_across_boundary"] = (Deflate().dynamic_header(lit, [0, 0], ops=ops).symbols(lit, [0], [a, a, eob]), b"aa")
    return out


@case("png")
def png_deflate_crafted() -> dict[str, bytes]:
    out = {}
    for name, (stream, expected) in _crafted().items():
        data = stream.zlib()
        assert png.inflate(data) == expected, name  # the stream says what it was written to say
        out[name] = png_with((b"zTXt", b"Comment\x00\x00" + data))
    return out


@case("png")
def png_raw_profiles() -> dict[str, bytes]:
    tiff = P.exif_block(6)
    return {
        "all_kinds": png_with(
            (b"zTXt", b"Raw profile type exif\x00\x00" + zlib.compress(raw_profile("exif", b"Exif\x00\x00" + tiff))),
            text(b"tEXt", b"Raw profile type APP1", raw_profile("APP1", tiff)),
            text(b"tEXt", b"Raw profile type app1", raw_profile("app1", png.XMP_APP1_ID + XMP_GPS)),
            text(b"tEXt", b"Raw profile type exif", raw_profile("exif", b"not tiff")),
            text(b"tEXt", b"Raw profile type iptc", raw_profile("IPTC profile", IIM)),
            text(b"tEXt", b"Raw profile type 8bim", raw_profile("8bim", IRB)),
            text(b"tEXt", b"Raw profile type IPTC", raw_profile("iptc", b"neither")),
            text(b"iTXt", b"Raw profile type xmp", raw_profile("xmp", XMP_GPS), compressed=True),
            text(b"tEXt", b"Raw profile type icc", raw_profile("icc", ICC)),
            text(b"tEXt", b"Raw profile type ", raw_profile("", b"\x00" * 3)),
            text(b"tEXt", b"Raw profile type  spaced name", raw_profile("x", b"\x01\x02")),
        ),
        "exif_le_and_gps": png_with(text(b"tEXt", b"Raw profile type exif", raw_profile("exif", _le_exif()))),
        "shapes": png_with(
            text(b"tEXt", b"Raw profile type a", b"\nname\n      4\n0a0B\n0c0d\n"),
            text(b"tEXt", b"Raw profile type b", b"\nexif\n      2\n0a0b0c\n"),
            text(b"tEXt", b"Raw profile type c", b"\nexif\n      4\n0a0b\n"),
            text(b"tEXt", b"Raw profile type d", b"\nexif\n     x4\n0a0b\n"),
            text(b"tEXt", b"Raw profile type e", b"\nexif\n      1\n0g\n"),
            text(b"tEXt", b"Raw profile type f", b"no newline"),
            text(b"tEXt", b"Raw profile type g", b""),
            text(b"tEXt", b"Raw profile type h", b"\n"),
            text(b"tEXt", b"Raw profile type i", b"\n\n"),
            text(b"tEXt", b"Raw profile type j", b"x\n3\n010203"),
            text(b"tEXt", b"Raw profile type k", b"\nname\n0003\x0b010\x0c203\r\n"),
            text(b"tEXt", b"Raw profile type l", b"\nname\n+3\n010203"),
            text(b"tEXt", b"Raw profile type m", "\nname\n\u0663\n010203".encode()),
            text(b"tEXt", b"Raw profile type n", "\nname\n\xb2\n0102".encode("latin-1")),
            text(b"tEXt", b"Raw profile type o", b"\nname\n0\n"),
            text(b"tEXt", b"Raw profile type p", b"\nname\n99999999999999999999999\n0102"),
            text(b"tEXt", b"Raw profile type q", b"\nname\n2\n01 02 03"),
            text(b"tEXt", b"Raw profile type r", b"\nname\n2\n0 1 0 2"),
            text(b"tEXt", b"Raw profile type s", b"\nname\n2\n01\x0002"),
            text(b"tEXt", b"Raw profile type t", b"\nname\n2\n01\xa002"),
            text(b"tEXt", b"Raw profile type u", b"\n\nname\n2\n0102"),
            text(b"tEXt", b"Raw profile type v", b"\nname 2 0102"),
            text(b"tEXt", b"Raw profile type w", b"\x00\nname\n1\nff"),
        ),
    }


@case("png")
def png_exif() -> dict[str, bytes]:
    out = {}
    for o in (None, 1, 3, 6, 8, 9, 0):
        out[f"orientation_{o}"] = png_with((b"eXIf", P.exif_block(o)))
    out.update(
        {
            "prefix": png_with((b"eXIf", P.exif_block(8, prefix=True))),
            "rich": png_with((b"eXIf", exif_rich(6))),
            "rich_prefix_after_idat": png_with(after=((b"eXIf", exif_rich(5, prefix=True)),)),
            "little_endian": png_with((b"eXIf", _le_exif())),
            "two": png_with((b"eXIf", P.exif_block(None)), after=((b"eXIf", P.exif_block(3)),)),
            "first_unreadable": png_with((b"eXIf", b"not a tiff header at all"), after=((b"eXIf", P.exif_block(3)),)),
            "empty": png_with((b"eXIf", b"")),
            "prefix_only": png_with((b"eXIf", b"Exif\x00\x00")),
            "header_only": png_with((b"eXIf", b"MM\x00*")),
            "bad_ifd_offset": png_with((b"eXIf", b"MM\x00*\x00\x00\x10\x00" + bytes(8))),
            "truncated_ifd": png_with((b"eXIf", P.exif_block(6)[:20])),
            "no_make": png_with((b"eXIf", P.exif_block(6, make=None, gps=False))),
        }
    )
    return out


@case("png")
def png_iccp() -> dict[str, bytes]:
    return {
        "srgb": png_with((b"iCCP", b"sRGB IEC\x00\x00" + zlib.compress(ICC))),
        "named": png_with((b"iCCP", b"p\x00\x00" + zlib.compress(icc_with_desc(b"Caf\xe9 \x80 profile  ")))),
        "unnamed": png_with((b"iCCP", b"p\x00\x00" + zlib.compress(bytes(200)))),
        "method_1": png_with((b"iCCP", b"p\x00\x01" + zlib.compress(ICC))),
        "damaged": png_with((b"iCCP", b"p\x00\x00" + zlib.compress(ICC)[:-40])),
        "no_nul": png_with((b"iCCP", b"profile name only")),
        "two": png_with((b"iCCP", b"a\x00\x00" + zlib.compress(ICC)), after=((b"iCCP", b"b\x00\x00" + zlib.compress(ICC)),)),
    }


@case("png")
def png_time_and_others() -> dict[str, bytes]:
    return {
        "time": png_with((b"tIME", b"\x07\xe8\x05\x11\x0c\x22\x38")),
        "time_odd_values": png_with((b"tIME", b"\x00\x05\xff\x00\x63\x64\xff")),
        "time_max_year": png_with((b"tIME", b"\xff\xff\x01\x01\x00\x00\x00")),
        "time_short": png_with((b"tIME", b"\x07\xe8\x05")),
        "time_long": png_with((b"tIME", bytes(8))),
        "cabx": png_with((b"caBX", b"jumb" + bytes(40))),
        "unknown_ancillary": png_with((b"prVt", b"private"), (b"vpAg", bytes(9)), (b"zzzz", b"")),
        "unknown_critical": png_with((b"CgBI", b"\x50\x00\x20\x06")),
        "unknown_critical_after_idat": png_with(after=((b"ABCD", b"x"),)),
        "critical_plte_extra": png_with((b"PLTE", bytes(9))),
    }


def _set_crc(data: bytes, kind: bytes, crc: int, which: int = 0) -> bytes:
    """``data`` with the CRC of its ``which``-th chunk of type ``kind`` replaced."""
    pos, seen = 8, 0
    while True:
        length, k = struct.unpack_from(">I4s", data, pos)
        if k == kind:
            if seen == which:
                at = pos + 8 + length
                return data[:at] + struct.pack(">I", crc) + data[at + 4 :]
            seen += 1
        pos += 12 + length


@case("png")
def png_structure() -> dict[str, bytes]:
    base = P.base_png()
    texty = png_with(text(b"tEXt", b"Author", b"Jane"), (b"pHYs", b"\x00\x00\x0b\x13\x00\x00\x0b\x13\x01"))
    ihdr_end = 8 + 12 + 13
    out = {
        "bad_crc_kept": _set_crc(texty, b"pHYs", 0),
        "bad_crc_dropped": _set_crc(texty, b"tEXt", 0xFFFFFFFF),
        "bad_crc_ihdr": _set_crc(base, b"IHDR", 1),
        "bad_crc_iend": _set_crc(base, b"IEND", 0),
        "iend_with_data": base[:-12] + P.chunk(b"IEND", b"data"),
        "trailing": base + b"PK\x03\x04 appended archive",
        "trailing_png": base + base,
        "not_png": b"\x89PNG\r\n\x1a\x0b" + base[8:],
        "signature_only": png.SIGNATURE,
        "signature_plus_3": png.SIGNATURE + b"\x00\x00\x00",
        "first_not_ihdr": png.SIGNATURE + P.chunk(b"pHYs", bytes(9)) + base[8:],
        "ihdr_12_bytes": png.SIGNATURE + P.chunk(b"IHDR", base[16:28]) + base[ihdr_end:],
        "ihdr_14_bytes": png.SIGNATURE + P.chunk(b"IHDR", base[16:29] + b"\x00") + base[ihdr_end:],
        "type_not_letters": base[:ihdr_end] + struct.pack(">I", 1) + b"tE\x01t" + b"x" + bytes(4) + base[ihdr_end:],
        "type_digit": base[:ihdr_end] + P.chunk(b"ab1d", b"x") + base[ihdr_end:],
        "length_2_31": base[:ihdr_end] + struct.pack(">I", 0x80000000) + b"tEXt" + base[ihdr_end:],
        "length_max": base[:ihdr_end] + b"\xff\xff\xff\xff" + b"tEXt" + base[ihdr_end:],
        "length_past_end": base[:ihdr_end] + struct.pack(">I", 1000) + b"tEXt" + base[ihdr_end:],
        "no_iend": base[:-12],
        "no_iend_partial_header": base[:-12] + b"\x00\x00\x00\x00IE",
        "iend_no_crc": base[:-4],
        "iend_half_crc": base[:-2],
        "zero_width": png.SIGNATURE + P.chunk(b"IHDR", bytes(13)) + P.chunk(b"IEND", b""),
        "huge_dimensions": png.SIGNATURE
        + P.chunk(b"IHDR", b"\xff\xff\xff\xff\x80\x00\x00\x00" + bytes(5))
        + P.chunk(b"IEND", b""),
    }
    for cut in (1, 7, 8, 12, 16, 20, 32, 33, 40, 50, len(base) // 2, len(base) - 13, len(base) - 1):
        out[f"truncated_{cut}"] = base[:cut]
    return out


# ---- WebP ---------------------------------------------------------------------------------------------


def _vp8() -> bytes:
    return dict(W.chunks_of(W.encode()))[b"VP8 "]


def _vp8l() -> bytes:
    return dict(W.chunks_of(W.encode(lossless=True)))[b"VP8L"]


def _vp8x(flags: int, w: int = 9, h: int = 7) -> bytes:
    return bytes([flags, 0, 0, 0]) + (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little")


@case("webp")
def webp_pillow() -> dict[str, bytes]:
    frames = [W.picture("RGBA").rotate(90 * i) for i in range(3)]
    buf = io.BytesIO()
    frames[0].save(
        buf,
        "WEBP",
        save_all=True,
        append_images=frames[1:],
        duration=50,
        loop=3,
        lossless=True,
        exif=W.exif_block(1),
        xmp=W.XMP_PACKET,
        icc_profile=ICC,
    )
    animated = buf.getvalue()
    buf = io.BytesIO()
    frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:], duration=70, quality=50)
    return {
        "lossy": W.encode(),
        "lossless": W.encode(lossless=True),
        "alpha_lossy": W.encode("RGBA"),
        "alpha_lossless": W.encode("RGBA", lossless=True),
        "extended": W.extended(),
        "extended_lossless": W.extended(lossless=True),
        "extended_alpha": W.encode("RGBA", icc_profile=ICC, exif=W.exif_block(8, prefix=True), xmp=XMP_GPS),
        "exif_only": W.encode(exif=exif_rich(6)),
        "exif_prefix": W.encode(exif=W.exif_block(3, prefix=True)),
        "exif_no_orientation": W.encode(exif=W.exif_block(None)),
        "icc_only": W.encode(icc_profile=ICC),
        "xmp_only": W.encode(xmp=XMP_GPS),
        "animated_meta": animated,
        "animated_lossy": buf.getvalue(),
    }


@case("webp")
def webp_hand_built() -> dict[str, bytes]:
    vp8, vp8l = _vp8(), _vp8l()
    exif = W.exif_block(6)
    return {
        "simple_then_exif": W.riff([(b"VP8 ", vp8), (b"EXIF", exif)]),
        "simple_then_junk": W.riff([(b"VP8L", vp8l), (b"ABCD", b"odd"), (b"XMP ", XMP_GPS)]),
        "simple_odd_trailing": W.riff([(b"VP8L", vp8l + b"\x00")]),
        "all_flags_reserved": W.riff([(b"VP8X", _vp8x(0xFF)), (b"VP8 ", vp8)]),
        "reserved_alpha_anim": W.riff([(b"VP8X", _vp8x(0xD3)), (b"ALPH", b"\x00abc"), (b"VP8 ", vp8)]),
        "vp8x_long": W.riff([(b"VP8X", _vp8x(0x08) + b"extra"), (b"VP8 ", vp8), (b"EXIF", exif)]),
        "xmp_nul": W.riff([(b"VP8X", _vp8x(0x04)), (b"VP8 ", vp8), (b"XMP\x00", XMP_GPS + b"!")]),
        "unknown_and_padding": W.riff(
            [
                (b"VP8X", _vp8x(0x24)),
                (b"ICCP", b"\x00" * 131),
                (b"VP8 ", vp8),
                (b"XMP\x00", W.XMP_PACKET + b"!"),
                (b"ABCD", b"odd"),
                (b"\x00\x01\xfe\xff", b""),
            ],
            pad=b"\xff",
        ),
        "two_exif": W.riff([(b"VP8X", _vp8x(0x08)), (b"VP8 ", vp8), (b"EXIF", W.exif_block(None)), (b"EXIF", exif)]),
        "exif_before_image": W.riff([(b"VP8X", _vp8x(0x08)), (b"EXIF", exif_rich(6)), (b"VP8L", vp8l)]),
        "exif_unreadable": W.riff([(b"VP8X", _vp8x(0x08)), (b"VP8 ", vp8), (b"EXIF", b"garbage!")]),
        "exif_empty": W.riff([(b"VP8X", _vp8x(0x08)), (b"VP8 ", vp8), (b"EXIF", b"")]),
        "exif_prefix_only": W.riff([(b"VP8X", _vp8x(0x08)), (b"VP8 ", vp8), (b"EXIF", b"Exif\x00\x00")]),
        "exif_little_endian": W.riff([(b"VP8X", _vp8x(0x08)), (b"VP8 ", vp8), (b"EXIF", _le_exif())]),
        "second_vp8x": W.riff([(b"VP8X", _vp8x(0)), (b"VP8 ", vp8), (b"VP8X", _vp8x(0x3E))]),
        "iccp_named": W.riff([(b"VP8X", _vp8x(0x20)), (b"ICCP", icc_with_desc(b"My \xa0profile")), (b"VP8 ", vp8)]),
        "iccp_junk": W.riff([(b"VP8X", _vp8x(0x20)), (b"ICCP", b"abc"), (b"VP8 ", vp8)]),
        "anim_chunks": W.riff(
            [
                (b"VP8X", _vp8x(0x12)),
                (b"ANIM", bytes(6)),
                (b"ANMF", bytes(16) + b"ALPH\x01\x00\x00\x00x\x00"),
                (b"ANMF", bytes(17)),
            ]
        ),
        "big_canvas": W.riff([(b"VP8X", _vp8x(0, 1 << 24, 1 << 24)), (b"VP8 ", vp8)]),
        "trailing": W.encode() + b"leftover bytes of an earlier, longer file",
        "trailing_extended": W.extended() + b"\x00",
        "missing_final_padding": _missing_padding(),
    }


@case("webp")
def webp_broken() -> dict[str, bytes]:
    vp8, vp8l = _vp8(), _vp8l()
    good = W.encode()
    out = {
        "riff_size_3": _resize(good, 3),
        "riff_size_4": _resize(good[:12], 4),
        "riff_size_past_end": _resize(good, len(good)),
        "riff_size_huge": _resize(good, 0xFFFFFFFF),
        "riff_shorter_than_chunk": _resize(good, 20),
        "riff_ends_in_header": _resize(good + b"VP8 ", len(good) - 4),
        "chunk_past_riff": good[:16] + struct.pack("<I", len(vp8) + 2) + good[20:],
        "chunk_size_huge": good[:16] + b"\xff\xff\xff\xff" + good[20:],
        "first_exif": W.riff([(b"EXIF", W.exif_block(6)), (b"VP8 ", vp8)]),
        "first_unknown": W.riff([(b"\x01\x02\x03\x04", b"x"), (b"VP8 ", vp8)]),
        "vp8x_9_bytes": W.riff([(b"VP8X", bytes(9)), (b"VP8 ", vp8)]),
        "vp8x_0_bytes": W.riff([(b"VP8X", b""), (b"VP8 ", vp8)]),
        "vp8_bad_start_code": W.riff([(b"VP8 ", vp8[:3] + b"\x9d\x01\x2b" + vp8[6:])]),
        "vp8_short": W.riff([(b"VP8 ", vp8[:5])]),
        "vp8_short_then_more": W.riff([(b"VP8 ", vp8[:2]), (b"ABCD", vp8)]),
        "vp8_short_at_end": W.riff([(b"VP8 ", vp8[:9])]),
        "vp8l_bad_signature": W.riff([(b"VP8L", b"\x2e" + vp8l[1:])]),
        "vp8l_short": W.riff([(b"VP8L", vp8l[:4])]),
        "vp8l_max": W.riff([(b"VP8L", b"\x2f\xff\xff\xff\xff")]),
        "vp8_max": W.riff([(b"VP8 ", b"\x00\x00\x00\x9d\x01\x2a\xff\xff\xff\xff")]),
        "not_webp": b"RIFF" + good[4:8] + b"WAVE" + good[12:],
        "riff_only": b"RIFF",
        "riff_11": good[:11],
    }
    for cut in (12, 15, 16, 20, 30, len(good) - 1):
        out[f"truncated_{cut}"] = good[:cut]
    ext = W.extended()
    for cut in (30, 31, 40, len(ext) // 2, len(ext) - 1):
        out[f"extended_truncated_{cut}"] = ext[:cut]
    return out


# ---- GIF ----------------------------------------------------------------------------------------------


def _gif87(data: bytes) -> bytes:
    return b"GIF87a" + data[6:]


@case("gif")
def gif_cases() -> dict[str, bytes]:
    still, animated = G.still(), G.animated()
    gce = b"\x21\xf9\x04\x00\x00\x00\x00\x00"
    plain_text = b"\x21\x01\x0c" + bytes(12) + b"\x03abc\x00"
    comment_long = G.extension(0xFE, "Zoë ".encode() * 100)
    return {
        "still": still,
        "still_87a": _gif87(still),
        "animated": animated,
        "animated_87a": _gif87(animated),
        "comment_pillow": G.still(comment=b"made with love"),
        "comments": G.insert(
            still,
            before_image=G.extension(0xFE, b"  hello\x00\x00") + comment_long,
            before_trailer=G.extension(0xFE, b"") + G.extension(0xFE, b"\xff\xfe bad \xc3 utf8\x00 "),
        ),
        "empty_comment_no_sub_blocks": G.insert(still, before_image=b"\x21\xfe\x00"),
        "xmp": G.insert(still, before_image=G.xmp_extension(XMP_GPS)),
        "xmp_no_magic": G.insert(still, before_image=b"\x21\xff\x0bXMP DataXMP" + G.sub_blocks(W.XMP_PACKET)),
        "xmp_sub_blocks_only": G.insert(still, before_image=G.application(b"XMP DataXMP", XMP_GPS)),
        "icc": G.insert(still, before_image=G.application(b"ICCRGBG1012", ICC)),
        "icc_named": G.insert(still, before_image=G.application(b"ICCRGBG1012", icc_with_desc(b"gif \xffprofile"))),
        "icc_junk": G.insert(still, before_image=G.application(b"ICCRGBG1012", b"junk")),
        "looping": G.insert(
            animated, before_image=G.application(b"ANIMEXTS1.0", b"\x01\x00\x00"), before_trailer=gce + plain_text
        ),
        "netscape_only": G.insert(still, before_image=G.application(b"NETSCAPE2.0", b"\x01\x05\x00")),
        "foreign_apps": G.insert(
            still,
            before_image=G.application(b"MGK8BIM0000", IRB)
            + G.application(b"ImageMagick", b"gamma=0.45")
            + G.application(b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a", b"x"),
        ),
        "app_short_id": G.insert(still, before_image=b"\x21\xff\x05ABCDE\x00"),
        "app_long_id": G.insert(still, before_image=b"\x21\xff\x0cNETSCAPE2.0x\x00"),
        "app_no_sub_blocks": G.insert(still, before_image=b"\x21\xff\x00"),
        "unknown_label": G.insert(still, before_image=G.extension(0x02, b"payload") + G.extension(0x00, b"")),
        "plain_text": G.insert(still, before_trailer=plain_text),
        "gce_only": G.insert(still, before_image=gce),
        "trailing": still + b"PK\x03\x04 an appended archive",
        "everything": G.insert(
            animated,
            before_image=G.extension(0xFE, b"c1")
            + G.xmp_extension(XMP_GPS)
            + G.application(b"ICCRGBG1012", ICC)
            + G.application(b"MGK8BIM0000", IRB),
            before_trailer=G.extension(0xFE, b"c2"),
        )
        + b"\x00\x00",
    }


@case("gif")
def gif_broken() -> dict[str, bytes]:
    still = G.still()
    at = G.screen_end(still)
    out = {
        "not_gif": b"GIF88a" + still[6:],
        "header_only": still[:6],
        "short_screen": still[:12],
        "short_table": still[: 13 + 10],
        "no_trailer": still[:-1],
        "bad_introducer": still[:at] + b"\x00" + still[at:],
        "bad_introducer_at_end": still[:-1] + b"\x3a",
        "sub_block_cut": G.insert(still, before_image=b"\x21\xfe\x10short"),
        "no_terminator": still[:at] + b"\x21\xfe\x03abc",
        "label_missing": still[:at] + b"\x21",
        "image_descriptor_cut": still[:at] + b"\x2c\x00\x00",
        "local_table_cut": still[:at] + b"\x2c" + bytes(8) + b"\x87" + bytes(10),
        "no_global_table": bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x2c" + bytes(8) + b"\x00\x02\x02\x44\x01\x00\x3b"),
    }
    for cut in (6, 13, at, at + 1, at + 5, len(still) // 2, len(still) - 2):
        out[f"truncated_{cut}"] = still[:cut]
    return out


# ---- seeded damage ------------------------------------------------------------------------------------


def _zlib_targets() -> dict[str, tuple[bytes, bytes, bytes]]:
    """(chunk type, bytes before the zlib stream, the stream) for zlib fuzzing."""
    prose = ("Grüße aus Köln, " * 3 + "the quick brown fox jumps over the lazy dog 0123456789 " * 8).encode()
    out = {}
    for name, stream in zlib_levels(prose).items():
        out[f"ztxt_{name}"] = (b"zTXt", b"Comment\x00\x00", stream)
        out[f"itxt_{name}"] = (b"iTXt", b"Other\x00\x01\x00\x00\x00", stream)
    out["iccp"] = (b"iCCP", b"icc\x00\x00", zlib.compress(ICC))
    out["ztxt_short"] = (b"zTXt", b"Author\x00\x00", zlib.compress(b"Jane Doe"))
    out["ztxt_xmp"] = (b"zTXt", b"XML:com.adobe.xmp\x00\x00", zlib.compress(XMP_GPS))
    return out


@case("png")
def fuzz_zlib() -> dict[str, bytes]:
    """Seeded damage inside zlib streams (header, block headers, Huffman tables, data, trailer):
    whatever zlib accepts, both engines read; whatever it refuses, both call unreadable."""
    rng = random.Random(20240517)
    base = P.base_png()
    out = {}
    for name, (kind, head, stream) in _zlib_targets().items():
        for k in range(30):
            mutant = seeded_damage(stream, rng, 0, min(len(stream), 2 + rng.choice((4, 16, 64, len(stream)))), inserted=any_byte)
            out[f"{name}_{k:02d}"] = png_with((kind, head + mutant), base=base)
    return out


def _corpus_files() -> list[Path]:
    return [
        CORPUS / e["file"]
        for e in manifest()
        if e["file"].rsplit(".", 1)[-1] in ("png", "webp", "gif") and not e["file"].startswith("broken_")
    ]


def _structure_ranges(path: Path, data: bytes) -> list[tuple[int, int]]:
    """Where metadata and structure live (chunk headers, text, EXIF, ICC; block headers): the seeded
    damage lands there half of the time, since random bytes in pixel data change nothing."""
    ranges = [(0, min(len(data), 64))]
    if data[:8] == png.SIGNATURE:
        pos = 8
        while pos + 8 <= len(data):
            length, kind = struct.unpack_from(">I4s", data, pos)
            ranges.append((pos, pos + 8))
            if kind not in (b"IDAT", b"fdAT"):
                ranges.append((pos, min(len(data), pos + 12 + length)))
            pos += 12 + length
            if kind == b"IEND":
                break
    elif data[:4] == b"RIFF":
        pos = 12
        while pos + 8 <= len(data):
            kind, size = struct.unpack_from("<4sI", data, pos)
            ranges.append((pos, pos + 8 + (min(size, 64) if kind in (b"VP8 ", b"VP8L", b"ANMF", b"ALPH") else size)))
            pos += 8 + size + (size & 1)
    else:
        ranges.append((0, min(len(data), 2048)))
    return ranges


def fuzz_corpus() -> dict[str, bytes]:
    rng = random.Random(634)
    out = {}
    for path in _corpus_files():
        data = path.read_bytes()
        ranges = _structure_ranges(path, data)
        for k in range(28):
            if k % 2:
                lo, hi = rng.choice(ranges)
                mutant = seeded_damage(data, rng, lo, hi, inserted=any_byte)
            else:
                mutant = seeded_damage(data, rng, inserted=any_byte)
            out[f"{path.stem}_{k:02d}.{path.suffix[1:]}"] = mutant
    return out


# ---- running both engines ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> TsRuns:
    return run_ts_on_cases(tmp_path_factory.mktemp("png_webp_gif_synthetic"), CASES, VARIANTS)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], TsRuns]:
    cases = fuzz_corpus()
    return cases, run_ts_on_cases(tmp_path_factory.mktemp("png_webp_gif_fuzzed"), cases, {v: VARIANTS[v] for v in FUZZ_VARIANTS})


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", list(CASES))
def test_strip_is_identical(name: str, variant: str, synthetic: TsRuns) -> None:
    assert engine_mismatch(name, CASES[name], variant, synthetic) is None


@pytest.mark.parametrize("name", list(CASES))
def test_inspect_is_identical(name: str, synthetic: TsRuns) -> None:
    assert engine_mismatch(name, CASES[name], "inspect", synthetic) is None


@pytest.mark.parametrize("variant", ["inspect", *FUZZ_VARIANTS])
def test_damaged_corpus_files_give_the_same_outcome(variant: str, fuzzed: tuple[dict[str, bytes], TsRuns]) -> None:
    cases, runs = fuzzed
    problems = {name: m for name, data in cases.items() if (m := engine_mismatch(name, data, variant, runs)) is not None}
    assert problems == {}


def test_the_cases_cover_success_refusal_and_warnings() -> None:
    """Guard against a vacuous suite: plenty of files strip, plenty are refused, many warn, and the
    damaged zlib streams include both readable and unreadable ones."""
    outcomes = {name: python_outcome(data, StripOptions())[0] for name, data in CASES.items()}
    ok = [o for o in outcomes.values() if o["ok"]]
    assert len(ok) >= 150 and len(outcomes) - len(ok) >= 60
    assert len({o["error"] for o in outcomes.values() if not o["ok"]}) >= 25
    assert sum(bool(o["result"]["warnings"]) for o in ok) >= 40
    for ext in ("png", "webp", "gif"):
        assert sum(name.endswith(ext) for name in CASES) >= 30
    zlib_cases = [o for name, o in outcomes.items() if name.startswith("fuzz_zlib") and o["ok"]]
    unreadable = [o for o in zlib_cases if any("unreadable" in w for w in o["result"]["warnings"])]
    assert len(zlib_cases) - len(unreadable) >= 20 and len(unreadable) >= 100

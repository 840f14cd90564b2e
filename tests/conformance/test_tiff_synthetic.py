"""TIFF conformance beyond the corpus: both engines on many synthetic TIFFs.

The corpus holds only two TIFFs, so this builds varied ones on the fly — Pillow-written (multi-page,
big-endian 16-bit, deflate + predictor, JPEG-compressed, LZW with ICC + orientation, group4, float,
CMYK, RGBA) and hand-built with the ``TiffBuilder`` of ``tests/formats/test_tiff.py`` (tiles,
thumbnail and reduced-resolution IFDs, SubIFDs, Exif/GPS IFDs, XMP/IPTC/Photoshop/GeoTIFF/private
tags, awkward strings, keep-groups) — plus broken ones (truncated, looping, old-style JPEG, DNG,
bad types, values outside the file, 4 GiB outputs) and seeded byte-flips of IFD tables. Each file is
stripped with several option sets and inspected by the Python engine and by the TypeScript engine
(``web/scripts/engine-cli.ts`` under Node); bytes, reports, error messages and inspect JSON must be
identical.
"""

from __future__ import annotations

import struct
from typing import Any, Callable

import numpy as np
import pytest
from PIL import Image, TiffImagePlugin

from privpix.formats import tiff
from privpix.options import StripOptions
from tests.conformance.two_engines import TsRuns, engine_mismatch, python_outcome, run_ts_on_cases
from tests.conftest import CORPUS
from tests.formats.test_tiff import (
    ASCII,
    BYTE,
    LONG,
    RATIONAL,
    SECRET_IPTC,
    SECRET_IRB,
    SECRET_XMP,
    SHORT,
    UNDEFINED,
    TiffBuilder,
    exact_layout_le_tiff,
    grey16,
    icc_profile,
    pil_tiff,
    pillow_with_icc_and_exif,
    rgb,
    rich_tiff,
    small_page_tags,
    two_pages_be_sparse_tiff,
)

SBYTE, SSHORT, SLONG, SRATIONAL, FLOAT, DOUBLE, IFD = 6, 8, 9, 10, 11, 12, 13

VARIANTS: dict[str, tuple[list[str], StripOptions]] = {
    "default": ([], StripOptions()),
    "no-icc": (["--no-keep-icc"], StripOptions(keep_icc=False)),
    "keep-camera-location": (["--keep", "camera,location"], StripOptions(keep=frozenset({"camera", "location"}))),
    "keep-all": (
        ["--keep", "camera,time,rights,location"],
        StripOptions(keep=frozenset({"camera", "time", "rights", "location"})),
    ),
}


# ---- builders ---------------------------------------------------------------------------------------------


class Builder(TiffBuilder):
    """``TiffBuilder`` plus raw IFD tables: any type, count and field, repeated tags, any order."""

    def pack(self, fmt: str, *values: int) -> bytes:
        return struct.pack(self.e + fmt, *values)

    def raw_ifd(self, entries: list[tuple[int, int, int, bytes | int]], odd: bool = False) -> int:
        """Entries (tag, type, count, value); an int value is written as the 4-byte field itself (a
        pointer), bytes of more than 4 go to a blob, shorter ones inline."""
        rows = []
        for tag, typ, count, value in entries:
            if isinstance(value, int):
                field = self.pack("I", value)
            elif len(value) > 4:
                field = self.pack("I", self.blob(value))
            else:
                field = value.ljust(4, b"\x00")
            rows.append(self.pack("HHI", tag, typ, count) + field)
        table = self.pack("H", len(rows)) + b"".join(rows) + b"\x00\x00\x00\x00"
        if odd:
            if len(self.buf) % 2 == 0:
                self.buf += b"\x00"
            at = len(self.buf)
            self.buf += table
        else:
            at = self.blob(table)
        self.next_fields[at] = at + 2 + 12 * len(rows)
        return at

    def gray_page(
        self, w: int, h: int, seed: int, extra: list[tuple[int, int, int, bytes | int]] | None = None, rows: int | None = None
    ) -> list[tuple[int, int, int, bytes | int]]:
        """Entries of an uncompressed 8-bit grey page (strips of ``rows`` rows), data written now."""
        pixels = np.random.default_rng(seed).integers(0, 256, (h, w), dtype=np.uint8).tobytes()
        rows = rows or h
        pieces = [pixels[y * w : (y + rows) * w] for y in range(0, h, rows)]
        offsets = [self.blob(p) for p in pieces]
        entries: list[tuple[int, int, int, bytes | int]] = [
            (256, SHORT, 1, self.pack("H", w)),
            (257, SHORT, 1, self.pack("H", h)),
            (258, SHORT, 1, self.pack("H", 8)),
            (259, SHORT, 1, self.pack("H", 1)),
            (262, SHORT, 1, self.pack("H", 1)),
            (273, LONG, len(offsets), self.pack(f"{len(offsets)}I", *offsets)),
            (277, SHORT, 1, self.pack("H", 1)),
            (278, SHORT, 1, self.pack("H", rows)),
            (279, LONG, len(pieces), self.pack(f"{len(pieces)}I", *(len(p) for p in pieces))),
        ]
        by_tag = {t: (t, ty, c, v) for t, ty, c, v in entries}
        for row in extra or []:
            by_tag[row[0]] = row
        return [by_tag[t] for t in sorted(by_tag)]

    def page(
        self, w: int, h: int, seed: int, extra: list[tuple[int, int, int, bytes | int]] | None = None, rows: int | None = None
    ) -> int:
        return self.raw_ifd(self.gray_page(w, h, seed, extra, rows))


def asc(text: str | bytes) -> tuple[int, bytes]:
    raw = (text.encode() if isinstance(text, str) else text) + b"\x00"
    return len(raw), raw


def a(tag: int, text: str | bytes) -> tuple[int, int, int, bytes]:
    n, raw = asc(text)
    return (tag, ASCII, n, raw)


def u(tag: int, raw: bytes, typ: int = UNDEFINED) -> tuple[int, int, int, bytes]:
    return (tag, typ, len(raw), raw)


def rat(b: Builder, tag: int, *pairs: tuple[int, int], typ: int = RATIONAL) -> tuple[int, int, int, bytes]:
    flat = [x for pair in pairs for x in pair]
    return (tag, typ, len(pairs), b.pack(f"{len(flat)}{'I' if typ == RATIONAL else 'i'}", *flat))


def sh(b: Builder, tag: int, *values: int) -> tuple[int, int, int, bytes]:
    return (tag, SHORT, len(values), b.pack(f"{len(values)}H", *values))


def lg(b: Builder, tag: int, *values: int) -> tuple[int, int, int, bytes]:
    return (tag, LONG, len(values), b.pack(f"{len(values)}I", *values))


def icc_desc(text: bytes) -> bytes:
    """A minimal ICC profile whose description is a v2 'desc' tag (Latin-1 text)."""
    tag = b"desc" + b"\x00" * 4 + struct.pack(">I", len(text) + 1) + text + b"\x00" + b"\x00" * 20
    head = bytearray(128)
    head[36:40] = b"acsp"
    table = struct.pack(">I", 1) + b"desc" + struct.pack(">II", 144, len(tag))
    return bytes(head) + table + tag


def icc_mluc(text: str) -> bytes:
    """A minimal ICC profile whose description is a v4 'mluc' tag (UTF-16BE text)."""
    body = text.encode("utf-16-be")
    tag = b"mluc" + b"\x00" * 4 + struct.pack(">II", 1, 12) + b"enUS" + struct.pack(">II", len(body), 28) + body
    head = bytearray(128)
    head[36:40] = b"acsp"
    table = struct.pack(">I", 1) + b"desc" + struct.pack(">II", 144, len(tag))
    return bytes(head) + table + tag


def jpeg_blob(n: int = 64) -> bytes:
    return b"\xff\xd8\xff\xdb" + b"\x00" * (n - 6) + b"\xff\xd9"


# ---- the cases ----------------------------------------------------------------------------------------------

CASES: dict[str, bytes] = {}


def case(fn: Callable[[], bytes | dict[str, bytes] | None]) -> Callable[[], Any]:
    made = fn()
    if isinstance(made, dict):
        for key, data in made.items():
            CASES[f"{fn.__name__}_{key}"] = data
    elif made is not None:
        CASES[fn.__name__] = made
    return fn


# Pillow-written files


@case
def pil_multipage() -> bytes:
    px = rgb(40, 50, 5)
    return pil_tiff(
        Image.fromarray(px),
        save_all=True,
        append_images=[Image.fromarray(px[::-1]).convert("L"), Image.fromarray(px).convert("P")],
    )


@case
def pil_big_endian_16bit() -> bytes:
    return pil_tiff(Image.frombytes("I;16B", (20, 30), grey16(30, 20, 6).astype(">u2").tobytes()))


@case
def pil_little_endian_16bit() -> bytes:
    return pil_tiff(Image.frombytes("I;16", (21, 17), grey16(17, 21, 7).astype("<u2").tobytes()))


@case
def pil_deflate_predictor() -> bytes:
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[317] = 2
    return pil_tiff(Image.fromarray(rgb(40, 50, 7)), compression="tiff_adobe_deflate", tiffinfo=info)


@case
def pil_jpeg_compressed() -> bytes:
    return pil_tiff(Image.fromarray(rgb(48, 64, 10)), compression="jpeg", quality=80)


@case
def pil_icc_orientation_exif() -> bytes:
    return pillow_with_icc_and_exif()


@case
def pil_group4() -> bytes:
    bits = np.random.default_rng(11).integers(0, 2, (33, 70), dtype=np.uint8) * 255
    return pil_tiff(Image.fromarray(bits).convert("1"), compression="group4")


@case
def pil_packbits_rgba() -> bytes:
    px = np.random.default_rng(12).integers(0, 256, (19, 23, 4), dtype=np.uint8)
    return pil_tiff(Image.fromarray(px, "RGBA"), compression="packbits")


@case
def pil_cmyk_lzw() -> bytes:
    return pil_tiff(Image.fromarray(rgb(20, 30, 13)).convert("CMYK"), compression="tiff_lzw")


@case
def pil_float_and_la() -> bytes:
    f = np.random.default_rng(14).random((9, 11)).astype(np.float32)
    la = Image.fromarray(rgb(9, 11, 15)).convert("LA")
    return pil_tiff(Image.fromarray(f, "F"), save_all=True, append_images=[la])


@case
def pil_tiffinfo_metadata() -> bytes:
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[270] = "Beschreibung: Grüße aus Köln"
    info[305] = "Editor\u00a0Pro "
    info[315] = "  Ann Artist\t"
    info[33432] = "(c) 2024 Ann"
    info[306] = "2024:02:29 12:00:00"
    info[316] = "host.example"
    info[269] = "doc name"
    return pil_tiff(Image.fromarray(rgb(12, 13, 16)), tiffinfo=info, dpi=(72.5, 300))


@case
def pil_multipage_jpeg_and_deflate() -> bytes:
    first = Image.fromarray(rgb(32, 40, 17))
    return pil_tiff(
        first,
        save_all=True,
        compression="tiff_deflate",
        append_images=[Image.fromarray(rgb(16, 24, 18)), Image.fromarray(rgb(8, 8, 19)).convert("L")],
    )


# Hand-built files


@case
def rich() -> dict[str, bytes]:
    return {"le": rich_tiff(True)[0], "be": rich_tiff(False)[0]}


@case
def thumbnail_ifds() -> dict[str, bytes]:
    out = {}
    for little in (True, False):
        b = Builder(little)
        at = b.blob(jpeg_blob(66))
        thumb = b.raw_ifd([sh(b, 259, 6), lg(b, 0x0201, at), lg(b, 0x0202, 66)])
        sized = b.raw_ifd([sh(b, 256, 160), sh(b, 257, 120), sh(b, 259, 6)])
        empty_len = b.raw_ifd([lg(b, 0x0201, at), lg(b, 0x0202, 0)])
        first = b.page(7, 6, 9, rows=2)
        out["le" if little else "be"] = b.link(first, thumb, sized, empty_len)
    return out


def nikon_like_tiff(little: bool) -> bytes:
    """IFD0 a 40×30 picture with a GPS IFD and two SubIFDs; IFD1 an unmarked 16×10 uncompressed
    thumbnail (as Nikon Capture writes a 160×106 one); and an unmarked page of IFD0's own size."""
    b = Builder(little)
    gps = b.raw_ifd([a(1, "N"), rat(b, 2, (48, 1), (51, 1), (2400, 100)), a(3, "E"), rat(b, 4, (2, 1), (21, 1), (300, 100))])
    sub_a = b.page(20, 15, 81)
    sub_b = b.page(8, 6, 82, [lg(b, 254, 1)])
    ifd0 = b.page(40, 30, 80, [lg(b, 34853, gps), lg(b, 330, sub_a, sub_b), a(0x010F, "NIKON CORPORATION")], rows=8)
    thumb = b.page(16, 10, 83, [sh(b, 262, 1)])
    same_size = b.page(40, 30, 84)
    return b.link(ifd0, thumb, same_size)


@case
def nikon_like() -> dict[str, bytes]:
    return {"le": nikon_like_tiff(True), "be": nikon_like_tiff(False)}


@case
def reduced_and_subfile_types() -> bytes:
    b = Builder(True)
    p0 = b.page(6, 5, 1, [lg(b, 254, 0)])
    r1 = b.page(3, 2, 2, [lg(b, 254, 1)])  # reduced (bit 0)
    p2 = b.page(6, 5, 3, [lg(b, 254, 2)])  # a page of a multi-page file
    r3 = b.page(3, 2, 4, [lg(b, 254, 3)])  # reduced + page: reduced
    old = b.page(3, 3, 5, [sh(b, 255, 2)])  # SubfileType 2: reduced
    old3 = b.page(4, 4, 6, [sh(b, 255, 3)])  # SubfileType 3: a page
    nst_short = b.page(4, 4, 7, [sh(b, 254, 1)])  # NewSubfileType written as SHORT
    return b.link(p0, r1, p2, r3, old, old3, nst_short)


@case
def exact_layout_le() -> bytes:
    return exact_layout_le_tiff()


@case
def two_pages_be_sparse_odd() -> bytes:
    return two_pages_be_sparse_tiff(999_999)


@case
def tiled() -> dict[str, bytes]:
    out = {}
    for little in (True, False):
        b = TiffBuilder(little)
        p0 = b.tiled_page(rgb(33, 50, 20), tile=16, extra={274: (SHORT, [8])})
        p1 = b.tiled_page(grey16(17, 17, 21), tile=16)
        # tile offsets and counts written as SHORT
        px = rgb(16, 16, 22)
        t = b.blob(px.tobytes())
        p2 = b.ifd(
            {
                256: (SHORT, [16]),
                257: (SHORT, [16]),
                258: (SHORT, [8, 8, 8]),
                259: (SHORT, [1]),
                262: (SHORT, [2]),
                277: (SHORT, [3]),
                322: (SHORT, [16]),
                323: (SHORT, [16]),
                324: (SHORT, [t]),
                325: (SHORT, [len(px.tobytes())]),
            }
        )
        out["le" if little else "be"] = b.link(p0, p1, p2)
    return out


@case
def planar_separate() -> bytes:
    b = Builder(False)
    planes = [np.random.default_rng(30 + i).integers(0, 256, (6, 5), dtype=np.uint8).tobytes() for i in range(3)]
    offs = [b.blob(p[:15]) for p in planes] + [b.blob(p[15:]) for p in planes]
    counts = [15] * 6
    return b.link(
        b.raw_ifd(
            [
                sh(b, 256, 5),
                sh(b, 257, 6),
                sh(b, 258, 8, 8, 8),
                sh(b, 259, 1),
                sh(b, 262, 2),
                lg(b, 273, *offs),
                sh(b, 277, 3),
                sh(b, 278, 3),
                lg(b, 279, *counts),
                sh(b, 284, 2),
            ]
        )
    )


@case
def exif_gps_keep_groups() -> dict[str, bytes]:
    out = {}
    for little in (True, False):
        b = Builder(little)
        exif_ifd = b.raw_ifd(
            [
                rat(b, 0x829A, (1, 250)),
                rat(b, 0x829D, (28, 10)),
                sh(b, 0x8827, 400),
                u(0x9000, b"0232"),
                a(0x9003, "2020:01:01 10:00:00"),
                a(0x9004, "2020:01:01 10:00:01"),
                a(0x9010, "+01:00"),
                rat(b, 0x920A, (50, 1)),
                u(0x927C, b"SONY DSC \x00\x00\x00private"),
                u(0x9286, b"ASCII\x00\x00\x00my comment"),
                u(0xA000, b"0100"),
                sh(b, 0xA001, 1),
                a(0xA430, "Owner Name"),
                a(0xA431, "BODY123"),
                a(0xA433, "LensCo"),
                a(0xA434, "50mm F1.8"),
                a(0xA435, "LENS-SN"),
                a(0xA420, "0123456789abcdef"),
            ]
        )
        gps_ifd = b.raw_ifd(
            [
                u(0, b"\x02\x03\x00\x00", BYTE),
                a(1, "S"),
                rat(b, 2, (33, 1), (51, 1), (5434, 100)),
                a(3, "W"),
                rat(b, 4, (151, 1), (12, 1), (3000, 1000)),
                u(5, b"\x01", BYTE),
                rat(b, 6, (1234, 10)),
                rat(b, 7, (23, 1), (59, 1), (5999, 100)),
                a(0x12, "WGS-84"),
                a(0x1D, "2020:01:01"),
                a(0x1B, b"ASCII\x00\x00\x00GPS"),
            ]
        )
        ifd0 = b.page(
            9,
            7,
            40,
            [
                a(0x010F, "Canon"),
                a(0x0110, "Canon EOS R5"),
                a(0x0131, "Firmware 1.1"),
                a(0x0132, "2020:01:02 03:04:05"),
                a(0x013B, "Photographer"),
                a(0x8298, "Copyright holder"),
                lg(b, 34665, exif_ifd),
                lg(b, 34853, gps_ifd),
                sh(b, 274, 3),
                rat(b, 282, (72, 1)),
                rat(b, 283, (72, 1)),
                sh(b, 296, 2),
            ],
        )
        out["le" if little else "be"] = b.link(ifd0)
    return out


@case
def pages_with_own_exif_and_gps() -> bytes:
    b = Builder(True)
    pages = []
    for i in range(3):
        exif_ifd = b.raw_ifd([rat(b, 0x829D, (18 + i, 10)), a(0x9003, f"2021:0{i + 1}:01 00:00:00"), u(0x9000, b"0231")])
        gps_ifd = b.raw_ifd([a(1, "N"), rat(b, 2, (10 + i, 1), (0, 1), (0, 1)), a(3, "E"), rat(b, 4, (20, 1), (i, 1), (0, 1))])
        extra = [
            a(0x010F, f"Make{i}"),
            a(0x0132, "2021:01:01 00:00:00"),
            a(0x013B, f"Artist {i}"),
            lg(b, 34665, exif_ifd),
            lg(b, 34853, gps_ifd),
            lg(b, 254, 2),
        ]
        if i == 1:
            extra.append(a(0x8298, "odd length copyright!"))  # odd out-of-line value: padded
        pages.append(b.page(5 + i, 3 + i, 50 + i, extra, rows=2))
    return b.link(*pages)


@case
def exif_tags_in_ifd0() -> bytes:
    b = Builder(True)
    exif_ifd = b.raw_ifd([a(0x9003, "2011:11:11 11:11:11"), rat(b, 0x829D, (56, 10))])
    ifd0 = b.page(
        6,
        4,
        60,
        [
            a(0x010F, "OLYMPUS IMAGING CORP.  "),
            a(0x0110, "FE190/X750"),
            rat(b, 0x829A, (10, 300)),
            rat(b, 0x829D, (31, 10)),
            a(0x9003, "2009:01:19 22:56:26"),
            a(0x9004, "2009:01:19 22:56:26"),
            u(0x927C, b"OLYMP\x00\x01\x00" + b"\x00" * 40),
            u(0x9000, b"0220"),
            sh(b, 0xA001, 1),
            u(0x9286, b"UNICODE\x00" + "wide comment".encode("utf-16-be")),
            lg(b, 34665, exif_ifd),
        ],
    )
    return b.link(ifd0)


@case
def makernote_vendors() -> dict[str, bytes]:
    out = {}
    makes: dict[str, tuple[bytes | None, bytes]] = {
        "prefix_nikon": (b"NIKON CORPORATION", b"Nikon\x00\x02\x10\x00\x00"),
        "prefix_apple": (None, b"Apple iOS\x00\x00\x01MM"),
        "from_make": (b"CANON INC.", b"\x01\x00\x02\x00" * 8),
        "no_make": (None, b"\x00" * 30),
        "lower_make": (b"hASSELBLAD ab", b"\x01" * 12),
        "unicode_make_sharp_s": ("ßony corp".encode(), b"\x02" * 12),
        "unicode_make_ligature": ("ﬁlmcam".encode(), b"\x02" * 12),
        "unicode_make_dz": ("ǆcam".encode(), b"\x02" * 12),
        "nbsp_make": (b"\xc2\xa0Leading space", b"\x03" * 12),
        "unicode_make_greek": ("ΚΑΜΕΡΑΣ ΑΕ".encode(), b"\x02" * 12),
        "unicode_make_dotted_i": ("İSTANBUL OPTIK".encode(), b"\x02" * 12),
        "unicode_make_accented": ("ÉCLAIR".encode(), b"\x02" * 12),
    }
    for name, (make, note) in makes.items():
        b = Builder(True)
        exif_ifd = b.raw_ifd([u(0x927C, note)])
        extra = [lg(b, 34665, exif_ifd)] + ([a(0x010F, make)] if make is not None else [])
        out[name] = b.link(b.page(4, 3, 70, extra))
    return out


@case
def awkward_strings() -> bytes:
    b = Builder(True)
    exif_ifd = b.raw_ifd(
        [
            u(0x9286, b"UNICODE\x00" + "\u00a0 big-endian comment ".encode("utf-16-be")),
            a(0xA430, b"\xff\xfeowner"),
            a(0xA431, "  "),
            a(0xA434, b"lens\xe2\x82"),
            a(0x9011, "\u2003+02:00\u2003"),
        ]
    )
    exif2 = b.raw_ifd([u(0x9286, b"UNICODE\x00" + "le comment\x00".encode("utf-16-le") + b"\x41")])
    p0 = b.page(
        5,
        4,
        80,
        [
            a(0x010E, b"\x1c\x1d description \x1e\x1f"),
            a(0x010D, "\u0085doc\u0085"),
            a(0x011D, "   "),
            a(0x0131, b"soft\xed\xa0\x80ware\xc0\xaf\xf0\x9fA"),
            a(0x013C, "host\x00hidden"),
            a(0x013B, "\u3000Artist\u3000"),
            a(0x8298, "\t\n(c)\r\x0b\x0c"),
            a(0x0132, "2021-05-06T07:08"),
            a(0x010F, "日本のカメラ"),
            u(0x9C9B, "Title ☃\x00".encode("utf-16-le"), BYTE),
            u(0x9C9C, "odd".encode("utf-16-le") + b"\x00\xd8", BYTE),
            u(0x9C9D, b"\x00\xd8\x41\x00", BYTE),
            u(0x9C9E, "kw1;kw2".encode("utf-16-le") + b"\x20", BYTE),
            u(0x9C9F, b"", BYTE),
            lg(b, 34665, exif_ifd),
        ],
    )
    p1 = b.page(3, 3, 81, [a(0x0132, "2021:05"), lg(b, 34665, exif2), a(0xC62F, " SN 1 ")])
    return b.link(p0, p1)


@case
def gps_variants() -> bytes:
    b = Builder(False)
    gps_ifds = [
        [a(1, "N"), rat(b, 2, (52, 0), (1, 1), (1, 1)), a(3, "E"), rat(b, 4, (4, 1), (1, 1), (1, 1))],  # zero denominator
        [
            a(1, "n"),
            rat(b, 2, (1, 3), (0, 1), (0, 1)),
            a(3, "w"),
            rat(b, 4, (2, 3), (0, 1), (0, 1)),
            rat(b, 6, (0, 1)),
            u(5, b"\x00", BYTE),
        ],
        [rat(b, 2, (10, 1), (20, 1))],  # only two rationals
        [a(0x1D, "2019:10:02"), rat(b, 7, (1, 1), (2, 0), (3, 1))],  # time with a zero denominator
        [a(0x1D, "2019:10:02"), rat(b, 7, (95, 10), (599, 10), (5999, 100)), rat(b, 6, (5, 2)), u(5, b"\x01", BYTE)],
        [
            a(1, "S"),
            rat(b, 2, (0, 1), (0, 1), (1, 1000000)),
            a(3, "E"),
            rat(b, 4, (180, 1), (0, 1), (0, 1)),
            rat(b, 6, (-5, 1), typ=SRATIONAL),
        ],
        [(2, SRATIONAL, 3, b.pack("6i", -52, 1, 30, 1, 0, 1)), (4, SRATIONAL, 3, b.pack("6i", 4, 1, 0, 1, 0, 1))],
    ]
    pages = []
    for i, entries in enumerate(gps_ifds):
        gps_at = b.raw_ifd(entries)
        pages.append(b.page(3, 2, 90 + i, [lg(b, 34853, gps_at)]))
    return b.link(*pages)


@case
def icc_variants() -> dict[str, bytes]:
    profiles = {
        "srgb": icc_profile(),
        "garbage": bytes(range(200)),
        "latin1_desc": icc_desc(b"Caf\xe9 \x80\x93\x9f profile  "),
        "mluc": icc_mluc("\u00a0Display P3 ☃\x00"),
        "blank_desc": icc_desc(b"   "),
    }
    out = {}
    for name, profile in profiles.items():
        b = Builder(name != "mluc")
        out[name] = b.link(b.page(4, 4, 100, [u(34675, profile), sh(b, 274, 5)]))
    b = Builder(True)  # ICC on every page of a multi-page file, one with an odd length
    p0 = b.page(4, 4, 101, [u(34675, icc_desc(b"one"))])
    p1 = b.page(4, 4, 102, [u(34675, icc_desc(b"two") + b"\x00")])
    out["two_pages"] = b.link(p0, p1)
    return out


@case
def embedded_blocks() -> bytes:
    b = Builder(True)
    irb_thumb = (
        b"8BIM\x04\x0c\x00\x00"
        + struct.pack(">I", 40)
        + jpeg_blob(40)
        + b"8BIM\x03\xed\x00\x00"
        + struct.pack(">I", 3)
        + b"abc\x00"
    )
    iptc_latin1 = (
        b"\x1c\x02\x50\x00\x08"
        + b"Ren\xe9 \x80\x93\x9f"
        + b"\x1c\x02\x19\x00\x03"
        + b"tag"
        + b"\x1c\x02\x19\x00\x04"
        + b"tag2"
        + b"\x1c\x02\x5a\x00\x05K\xf6ln"
    )
    iptc_utf8 = b"\x1c\x01\x5a\x00\x03\x1b%G" + b"\x1c\x02\x50\x00\x06" + "Renée".encode()
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="52,22.5N" '
        'exif:GPSLongitude="4,53.5W" exif:GPSAltitude="-1234/10" exif:GPSAltitudeRef="1" '
        'xmp:CreateDate="2020-01-01T10:00:00" tiff:Make="Xmp &amp; Co" exif:GPSVersionID="2.2">'
        "<dc:creator><rdf:Seq><rdf:li>Ann</rdf:li><rdf:li>Bo&#233;</rdf:li></rdf:Seq></dc:creator>"
        '<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">\u00a0(c) me </rdf:li></rdf:Alt></dc:rights>'
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode() + b"\xff\xfe"
    jpeg_at = b.blob(jpeg_blob(100))
    not_jpeg_at = b.blob(b"\x00" * 50)
    sub_ok = b.page(2, 2, 110, [lg(b, 254, 1)])
    p0 = b.page(
        8,
        6,
        111,
        [
            u(700, xmp, BYTE),
            u(33723, iptc_latin1),
            u(34377, irb_thumb, BYTE),
            lg(b, 0x0201, jpeg_at),
            lg(b, 0x0202, 100),
            u(0x501B, jpeg_blob(30), BYTE),
            (33550, DOUBLE, 3, b.pack("3d", 1.0, 1.0, 0.0)),
            (33922, DOUBLE, 6, b.pack("6d", *range(6))),
            sh(b, 34735, 1, 1, 0, 0),
            lg(b, 330, sub_ok, 1_000_000, 4, sub_ok),
            u(0xC4A5, b"PrintIM\x000300"),
            a(65000, "private"),
            u(40000, b"x" * 9),
        ],
    )
    p1 = b.page(
        8,
        6,
        112,
        [
            u(33723, iptc_utf8),
            lg(b, 0x0201, not_jpeg_at),
            lg(b, 0x0202, 50),
            u(0x501B, b"BM" + b"\x00" * 20, BYTE),
            lg(b, 254, 2),
            a(34264, "geo"),
            u(34377, b"8BIM\x04\x04\x00\x00\x00\x00\x00\x05" + SECRET_IPTC[:5], BYTE),
        ],
    )
    p2 = b.page(
        8,
        6,
        113,
        [
            lg(b, 0x0201, 10_000_000),
            lg(b, 0x0202, 77),
            u(0x501B, b"", BYTE),
            u(700, SECRET_XMP, BYTE),
            u(33723, SECRET_IPTC),
            u(34377, SECRET_IRB, BYTE),
            lg(b, 254, 2),
        ],
    )
    p3 = b.page(4, 4, 116, [lg(b, 0x0201, jpeg_at), lg(b, 0x0202, 0), lg(b, 254, 2)])  # zero length: no preview
    return b.link(p0, p1, p2, p3)


@case
def old_jpeg_with_preview() -> bytes:
    b = Builder(True)
    jpeg_at = b.blob(jpeg_blob(100))
    p0 = b.page(4, 4, 115, [a(0x010F, "OldCam")])
    p1 = b.page(4, 4, 114, [lg(b, 0x0201, jpeg_at), lg(b, 0x0202, 100), sh(b, 259, 6)])  # old JPEG: no preview finding
    return b.link(p0, p1)


@case
def kept_tag_types() -> dict[str, bytes]:
    out = {}
    for little in (True, False):
        b = Builder(little)
        out["le" if little else "be"] = b.link(
            b.page(
                4,
                3,
                120,
                [
                    (340, DOUBLE, 1, b.pack("d", -1.5)),
                    (341, DOUBLE, 1, b.pack("d", 2.5)),
                    sh(b, 339, 1),
                    rat(b, 282, (300, 1), typ=SRATIONAL),
                    (283, FLOAT, 1, b.pack("f", 72.0)),
                    a(333, "ink one\x00ink two"),
                    sh(b, 301, *range(256)),
                    sh(b, 291, *range(16)),
                    sh(b, 290, 2),
                    u(347, b"\xff\xd8" + b"\x01" * 7, UNDEFINED),
                    (336, SBYTE, 2, b"\x00\xff"),
                    (338, SSHORT, 1, b.pack("h", -1)),
                    sh(b, 529, 1, 2, 3),
                    rat(b, 532, (0, 1), (255, 1), (128, 1), (255, 1), (128, 1), (255, 1)),
                    sh(b, 530, 2, 2),
                    sh(b, 531, 1),
                    rat(b, 318, (3127, 10000), (3290, 10000)),
                    sh(b, 297, 0, 1),
                    (263, SHORT, 1, b.pack("H", 1)),
                    (334, SHORT, 1, b.pack("H", 4)),
                    (265, SLONG, 1, b.pack("i", 3)),
                    (264, IFD, 1, b.pack("I", 4)),
                    sh(b, 274, 7),
                ],
            )
        )
    return out


@case
def orientation_edge_values() -> dict[str, bytes]:
    out = {}
    for name, entry_fn in {
        "zero": lambda b: sh(b, 274, 0),
        "nine": lambda b: sh(b, 274, 9),
        "long": lambda b: lg(b, 274, 8),
        "ascii": lambda b: a(274, "6"),
        "two_values": lambda b: sh(b, 274, 2, 3),
    }.items():
        b = Builder(True)
        out[name] = b.link(b.page(3, 3, 130, [entry_fn(b)]))
    return out


@case
def repeated_tags() -> bytes:
    b = Builder(True)
    entries = b.gray_page(4, 4, 140)
    entries += [a(0x010F, "First make"), sh(b, 274, 3), a(0x010F, "Second make"), sh(b, 274, 6)]
    entries.insert(2, sh(b, 257, 99))  # a repeated ImageLength before the real one, out of order
    return b.link(b.raw_ifd(entries))


@case
def odd_ifd_offset() -> bytes:
    b = Builder(False)
    return b.link(b.raw_ifd(b.gray_page(5, 3, 150, [a(0x0131, "soft")]), odd=True))


@case
def sub_ifd_pointers() -> dict[str, bytes]:
    out = {}
    for name, pointer in {"self": None, "beyond": 99_999, "below8": 4, "garbage_type": -1}.items():
        b = Builder(True)
        exif_ifd = b.raw_ifd([a(0x9003, "2020:01:01 00:00:00")])
        entries = b.gray_page(4, 4, 160, [a(0x010F, "Make")])
        if name == "garbage_type":
            extra = [a(34665, "oops"), (34853, RATIONAL, 1, b.pack("II", 1, 1))]
        else:
            extra = [lg(b, 34665, exif_ifd if pointer is None else pointer), lg(b, 34853, pointer or 0)]
        by_tag = {e[0]: e for e in entries + extra}
        rows = [by_tag[t] for t in sorted(by_tag)]
        if name == "self":
            # the page's own offset is known once its out-of-line values are written: write them
            # first, then point the GPS IFD at the table that follows
            sized = [(t, ty, c, v if not isinstance(v, bytes) or len(v) <= 4 else b.blob(v)) for t, ty, c, v in rows]
            at_guess = len(b.buf) + (len(b.buf) & 1)
            sized = [(t, ty, c, at_guess if t == 34853 else v) for t, ty, c, v in sized]
            at = b.raw_ifd(sized)
            assert at == at_guess
        else:
            at = b.raw_ifd(rows)
        out[name] = b.link(at)
    return out


# Broken, refused and hostile files


def _small(b: Builder, **changes: Any) -> list[tuple[int, int, int, bytes | int]]:
    at = b.blob(b"\x01\x02")
    tags = {t: (t, typ, *b.encode(typ, v)) for t, (typ, v) in small_page_tags(at, 2).items()}
    for tag, row in changes.items():
        t = int(tag[1:])
        if row is None:
            tags.pop(t, None)
        else:
            tags[t] = row
    return [tags[t] for t in sorted(tags)]


@case
def broken_entries() -> dict[str, bytes]:
    out = {}

    def one(name: str, **changes: Any) -> None:
        b = Builder(True)
        out[name] = b.link(b.raw_ifd(_small(b, **changes)))

    one("kept_unknown_type", t258=(258, 0, 1, b"\x08\x00"))
    one("dropped_unknown_type", t305=(305, 99, 4, b"abc\x00"))
    one("kept_value_outside", t320=(320, SHORT, 768, 10_000))
    one("dropped_value_outside", t305=(305, ASCII, 40, 10_000))
    one("kept_huge_count", t320=(320, SHORT, 0xFFFFFFFF, 64))
    one("dropped_huge_count", t65001=(65001, DOUBLE, 0xFFFFFFFF, 8))
    one("offsets_pointer_outside", t273=(273, RATIONAL, 1, 1_000))
    one("offsets_rational", t273=(273, RATIONAL, 1, struct.pack("<II", 8, 1)))
    one("offsets_sshort", t273=(273, SSHORT, 1, b"\x08\x00"))
    one("counts_ascii", t279=(279, ASCII, 2, b"2\x00"))
    one("counts_mismatch", t279=(279, LONG, 2, struct.pack("<II", 1, 1)))
    one("no_byte_counts", t279=None)
    one("no_offsets", t273=None)
    one("strip_beyond_end", t279=(279, LONG, 1, struct.pack("<I", 5000)))
    one("strips_and_tiles", t324=(324, LONG, 1, struct.pack("<I", 8)), t325=(325, LONG, 1, struct.pack("<I", 2)))
    one("strips_and_bad_tiles", t324=(324, LONG, 2, struct.pack("<II", 8, 8)), t325=(325, LONG, 1, struct.pack("<I", 2)))
    one("old_jpeg", t259=(259, SHORT, 1, b"\x06\x00"), t271=a(271, "OldCam"))
    one("dng", t50706=(50706, BYTE, 4, b"\x01\x04\x00\x00"), t254=(254, LONG, 1, b"\x01\x00\x00\x00"))
    one("dng_version_only", t50706=(50706, BYTE, 4, b"\x01\x04\x00\x00"))
    one("ifd0_reduced", t254=(254, LONG, 1, b"\x01\x00\x00\x00"))
    one("ifd0_subfiletype2", t255=(255, SHORT, 1, b"\x02\x00"))
    one("sparse_beyond_end", t273=(273, LONG, 2, struct.pack("<II", 8, 1 << 30)), t279=(279, LONG, 2, struct.pack("<II", 2, 0)))
    one("empty_offsets", t273=(273, LONG, 0, b""), t279=(279, LONG, 0, b""))

    b = Builder(True)  # tiles without byte counts
    out["tiles_without_counts"] = b.link(
        b.raw_ifd(
            [
                sh(b, 256, 16),
                sh(b, 257, 16),
                sh(b, 258, 8),
                sh(b, 259, 1),
                sh(b, 262, 1),
                sh(b, 322, 16),
                sh(b, 323, 16),
                lg(b, 324, 8),
            ]
        )
    )
    b = Builder(True)  # an empty IFD0
    out["empty_ifd0"] = b.link(b.raw_ifd([]))
    b = Builder(True)  # a later page has no byte counts
    out["second_page_without_counts"] = b.link(b.page(3, 3, 170), b.raw_ifd(_small(b, t279=None)))
    return out


@case
def headers_and_chains() -> dict[str, bytes]:
    out = {
        "bigtiff_le": b"II+\x00\x08\x00\x00\x00\x10\x00\x00\x00" + b"\x00" * 32,
        "bigtiff_be": b"MM\x00+\x00\x08\x00\x00" + b"\x00" * 32,
        "short_header": b"II*\x00\x08\x00",
        "magic_only": b"MM\x00*",
        "zero_first_ifd": b"II*\x00\x00\x00\x00\x00" + b"\x00" * 16,
        "first_ifd_below_8": b"II*\x00\x04\x00\x00\x00" + b"\x00" * 16,
        "first_ifd_beyond": b"II*\x00" + struct.pack("<I", 4000) + b"\x00" * 20,
        "ifd_count_beyond": b"MM\x00*\x00\x00\x00\x08\x01\xf4" + b"\x00" * 30,
    }
    b = Builder(True)
    first = b.raw_ifd(_small(b))
    data = bytearray(b.link(first))
    out["missing_next_offset"] = bytes(data[: b.next_fields[first]])
    out["half_next_offset"] = bytes(data[: b.next_fields[first] + 2])
    struct.pack_into("<I", data, b.next_fields[first], first)
    out["loop_self"] = bytes(data)

    b = Builder(False)
    p0, p1 = b.page(3, 3, 180), b.page(3, 3, 181)
    data = bytearray(b.link(p0, p1))
    struct.pack_into(">I", data, b.next_fields[p1], p0)
    out["loop_back"] = bytes(data)
    b = Builder(False)
    p0 = b.page(3, 3, 182)
    data = bytearray(b.link(p0))
    struct.pack_into(">I", data, b.next_fields[p0], 999_999)
    out["next_beyond"] = bytes(data)
    struct.pack_into(">I", data, b.next_fields[p0], 3)
    out["next_below_8"] = bytes(data)
    return out


@case
def four_gib() -> dict[str, bytes]:
    """Strips that reuse one 1 MB blob add up to 4 GiB or more: refused before anything is written."""
    out = {}
    blob_size = 1_000_000
    for name in ("over", "exact_end_odd"):
        b = Builder(True)
        at = b.blob(b"\x5a" * blob_size)
        n = 4300 if name == "over" else 4295
        counts = [blob_size] * n
        if name == "exact_end_odd":
            # make page 0 end exactly at 0xFFFFFFFF, so the next page's IFD would start at 2^32
            probe = b.link(
                b.raw_ifd(
                    [
                        sh(b, 256, 1000),
                        sh(b, 257, 1000),
                        sh(b, 258, 8),
                        sh(b, 259, 1),
                        sh(b, 262, 1),
                        lg(b, 273, *[at] * n),
                        lg(b, 279, *counts),
                    ]
                )
            )
            page = tiff.parse(probe).pages[0]
            plan = tiff._plan(page, StripOptions(), {"ifd0": set(), "exif": set(), "gps": set()}, True)
            data_at = 8 + tiff.exif_mod.ifd_size(plan.entries)
            counts[-1] = 0xFFFFFFFF - data_at - blob_size * (n - 1)
            assert 0 < counts[-1] <= blob_size
            b = Builder(True)
            at = b.blob(b"\x5a" * blob_size)
        p0 = b.raw_ifd(
            [
                sh(b, 256, 1000),
                sh(b, 257, 1000),
                sh(b, 258, 8),
                sh(b, 259, 1),
                sh(b, 262, 1),
                lg(b, 273, *[at] * n),
                lg(b, 279, *counts),
            ]
        )
        p1 = b.page(2, 2, 190)
        out[name] = b.link(p0, p1)
    return out


@case
def truncated() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    data, _ = rich_tiff(True)
    for i in range(1, 24):
        cut = len(data) * i // 24
        out[f"rich_le_{i:02d}"] = data[:cut]
    data, _ = rich_tiff(False)
    layout = tiff.parse(data)
    for item in [*layout.pages, *layout.dropped]:
        for delta in (1, 2, 13, 30):
            out[f"rich_be_ifd{item.index}_{delta}"] = data[: item.ifd.offset + delta]
    for name in ("mei_olympus_fe190.tif", "pillow_ifd_tag_type_flir.tiff"):
        path = CORPUS / name
        if not path.is_file():
            continue
        raw = path.read_bytes()
        stem = name.split(".")[0]
        out[f"{stem}_half"] = raw[: len(raw) // 2]
        out[f"{stem}_90"] = raw[: len(raw) * 9 // 10]
        out[f"{stem}_minus1"] = raw[:-1]
        out[f"{stem}_trailing"] = raw + b"leftover" * 50
    return out


def _table_ranges(data: bytes) -> list[tuple[int, int]]:
    layout = tiff.parse(data)
    e = "<" if layout.little else ">"
    ifds = [p.ifd for p in layout.pages] + [d.ifd for d in layout.dropped]
    ifds += [x for p in layout.pages for x in (p.exif, p.gps) if x is not None]
    ranges = [(x.offset, x.offset + 2 + 12 * struct.unpack_from(e + "H", data, x.offset)[0] + 4) for x in ifds]
    for p in layout.pages:
        for sub in p.sub_ifds:
            ranges.append((sub, sub + 2 + 12 * struct.unpack_from(e + "H", data, sub)[0] + 4))
    return ranges


@case
def fuzzed() -> dict[str, bytes]:
    """Seeded single-byte changes inside IFD tables (tags, types, counts, pointers) and the header."""
    out = {}
    for little in (True, False):
        data, _ = rich_tiff(little)
        ranges = _table_ranges(data) + [(4, 8)]
        rng = np.random.default_rng(2024 if little else 2025)
        for k in range(60):
            lo, hi = ranges[int(rng.integers(len(ranges)))]
            pos = int(rng.integers(lo, hi))
            mutant = bytearray(data)
            mutant[pos] = int(rng.integers(256)) if k % 3 else mutant[pos] ^ (1 << int(rng.integers(8)))
            out[f"{'le' if little else 'be'}_{k:02d}"] = bytes(mutant)
    return out


# ---- running both engines --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> TsRuns:
    return run_ts_on_cases(tmp_path_factory.mktemp("tiff_synthetic"), CASES, VARIANTS, ".tif")


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", list(CASES))
def test_strip_is_identical(name: str, variant: str, engines: TsRuns) -> None:
    assert engine_mismatch(name, CASES[name], variant, engines) is None


@pytest.mark.parametrize("name", list(CASES))
def test_inspect_is_identical(name: str, engines: TsRuns) -> None:
    assert engine_mismatch(name, CASES[name], "inspect", engines) is None


def test_the_cases_cover_success_refusal_and_warnings() -> None:
    """Guard against a vacuous suite: plenty of files strip, plenty are refused, some warn."""
    outcomes = [python_outcome(data, StripOptions())[0] for data in CASES.values()]
    ok = sum(o["ok"] for o in outcomes)
    assert ok >= 50 and len(outcomes) - ok >= 40
    assert len({o["error"] for o in outcomes if not o["ok"]}) >= 20  # many different messages
    assert sum(bool(o["result"]["warnings"]) for o in outcomes if o["ok"]) >= 5

"""The TIFF container: lossless strip to a fresh, compact TIFF, and inspect.

Synthetic files come from two writers: Pillow (multi-page, big-endian 16-bit, predictor, ICC) and
the tiny ``TiffBuilder`` below, which can write what Pillow cannot (tiles, thumbnail IFDs, SubIFDs,
Exif/GPS IFDs, XMP/IPTC/Photoshop tags, broken files).
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageSequence, TiffImagePlugin

import privpix
from privpix.formats import exif as exif_mod
from privpix.formats import tiff
from privpix.formats.errors import FormatError, UnsupportedError
from privpix.options import StripOptions

from ..corpus import CORPUS

OLYMPUS = "mei_olympus_fe190.tif"
FLIR = "pillow_ifd_tag_type_flir.tiff"
CORPUS_TIFFS = (OLYMPUS, FLIR)

DEFAULT = StripOptions()
NO_ICC = StripOptions(keep_icc=False)
KEEP = StripOptions(keep=frozenset({"camera", "location"}))
OPTION_SETS = {"default": DEFAULT, "no_icc": NO_ICC, "keep_camera_location": KEEP}

PRIVATE_CATEGORIES = ("location", "device", "time", "people", "embedded", "blocks")


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


# ---- a tiny TIFF writer ---------------------------------------------------------------------------------

ASCII, BYTE, SHORT, LONG, RATIONAL, UNDEFINED = 2, 1, 3, 4, 5, 7


class TiffBuilder:
    """Appends blobs and IFDs in call order (values first, then the table); ``link`` chains IFDs."""

    def __init__(self, little: bool = True) -> None:
        self.little = little
        self.e = "<" if little else ">"
        self.buf = bytearray((b"II*\x00" if little else b"MM\x00*") + b"\x00\x00\x00\x00")
        self.next_fields: dict[int, int] = {}

    def blob(self, raw: bytes) -> int:
        if len(self.buf) & 1:
            self.buf += b"\x00"
        at = len(self.buf)
        self.buf += raw
        return at

    def encode(self, typ: int, value: object) -> tuple[int, bytes]:
        e = self.e
        if typ == ASCII:
            raw = (value.encode() if isinstance(value, str) else bytes(value)) + b"\x00"  # type: ignore[union-attr]
            return len(raw), raw
        if typ in (BYTE, UNDEFINED):
            raw = bytes(value)  # type: ignore[arg-type]
            return len(raw), raw
        values = list(value)  # type: ignore[call-overload]
        if typ == SHORT:
            return len(values), struct.pack(f"{e}{len(values)}H", *values)
        if typ == LONG:
            return len(values), struct.pack(f"{e}{len(values)}I", *values)
        if typ == RATIONAL:
            flat = [x for pair in values for x in pair]
            return len(values), struct.pack(f"{e}{len(flat)}I", *flat)
        raise ValueError(typ)

    def ifd(self, tags: dict[int, tuple[int, object]]) -> int:
        entries = []
        for tag in sorted(tags):
            typ, value = tags[tag]
            count, raw = self.encode(typ, value)
            field = self.blob(raw).to_bytes(4, "little" if self.little else "big") if len(raw) > 4 else raw.ljust(4, b"\x00")
            entries.append(struct.pack(self.e + "HHI", tag, typ, count) + field)
        table = struct.pack(self.e + "H", len(entries)) + b"".join(entries) + b"\x00\x00\x00\x00"
        at = self.blob(table)
        self.next_fields[at] = at + 2 + 12 * len(entries)
        return at

    def link(self, *ifds: int) -> bytes:
        struct.pack_into(self.e + "I", self.buf, 4, ifds[0])
        for a, b in zip(ifds, ifds[1:]):
            struct.pack_into(self.e + "I", self.buf, self.next_fields[a], b)
        return bytes(self.buf)

    def strip_page(self, pixels: np.ndarray, rows: int, extra: dict[int, tuple[int, object]] | None = None) -> int:
        """An uncompressed page (8-bit grey/RGB or 16-bit grey) in strips of ``rows`` rows."""
        raw_rows = self._rows(pixels)
        pieces = [b"".join(raw_rows[i : i + rows]) for i in range(0, len(raw_rows), rows)]
        offsets = [self.blob(p) for p in pieces]
        tags = self._base_tags(pixels)
        tags.update({273: (LONG, offsets), 278: (SHORT, [rows]), 279: (LONG, [len(p) for p in pieces])})
        tags.update(extra or {})
        return self.ifd(tags)

    def tiled_page(self, pixels: np.ndarray, tile: int, extra: dict[int, tuple[int, object]] | None = None) -> int:
        h, w = pixels.shape[:2]
        th, tw = -(-h // tile) * tile, -(-w // tile) * tile
        padded = np.zeros((th, tw, *pixels.shape[2:]), dtype=pixels.dtype)
        padded[:h, :w] = pixels
        offsets, counts = [], []
        for y in range(0, th, tile):
            for x in range(0, tw, tile):
                raw = b"".join(self._rows(padded[y : y + tile, x : x + tile]))
                offsets.append(self.blob(raw))
                counts.append(len(raw))
        tags = self._base_tags(pixels)
        tags.update({322: (SHORT, [tile]), 323: (SHORT, [tile]), 324: (LONG, offsets), 325: (LONG, counts)})
        tags.update(extra or {})
        return self.ifd(tags)

    def _rows(self, pixels: np.ndarray) -> list[bytes]:
        arr = pixels.astype(("<" if self.little else ">") + "u2") if pixels.dtype == np.uint16 else pixels
        return [arr[y].tobytes() for y in range(arr.shape[0])]

    @staticmethod
    def _base_tags(pixels: np.ndarray) -> dict[int, tuple[int, object]]:
        h, w = pixels.shape[:2]
        spp = pixels.shape[2] if pixels.ndim == 3 else 1
        bits = 16 if pixels.dtype == np.uint16 else 8
        return {
            256: (SHORT, [w]),
            257: (SHORT, [h]),
            258: (SHORT, [bits] * spp),
            259: (SHORT, [1]),
            262: (SHORT, [2 if spp == 3 else 1]),
            277: (SHORT, [spp]),
            284: (SHORT, [1]),
        }


def rgb(h: int, w: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def grey16(h: int, w: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 65536, (h, w), dtype=np.uint16)


def pil_tiff(im: Image.Image, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format="TIFF", **kwargs)
    return buf.getvalue()


def decoded_pages(data: bytes) -> list[np.ndarray]:
    with Image.open(io.BytesIO(data)) as im:
        return [np.array(frame.copy()) for frame in ImageSequence.Iterator(im)]


def assert_same_pixels(before: bytes, after: bytes, pages: int | None = None) -> None:
    a, b = decoded_pages(before), decoded_pages(after)
    if pages is not None:
        assert len(b) == pages
    assert len(a) >= len(b) >= 1
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and x.shape == y.shape
        assert np.array_equal(x, y)


def ifd_tags(data: bytes) -> list[set[int]]:
    """The tag numbers of every IFD in the chain of ``data``."""
    layout = tiff.parse(data)
    return [set(p.ifd.entries) for p in layout.pages]


def private_findings(data: bytes) -> list[tuple[str, str, str]]:
    return [(f.category, f.label, f.value) for f in tiff.read_metadata(data).findings if f.category in PRIVATE_CATEGORIES]


# A synthetic file carrying every kind of metadata the policy names.
SECRET_XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="52,22.5N" '
    b'exif:GPSLongitude="4,53.5E" tiff:Make="XmpMake"/></rdf:RDF></x:xmpmeta>'
)
SECRET_IPTC = b"\x1c\x02\x50\x00\x05Alice\x1c\x02\x74\x00\x07(c) Bob"
SECRET_IRB = b"8BIM\x04\x04\x00\x00" + len(SECRET_IPTC).to_bytes(4, "big") + SECRET_IPTC + b"\x00"


def rich_tiff(little: bool) -> tuple[bytes, list[np.ndarray]]:
    """Tiled page 1 with metadata of every kind, a reduced-resolution IFD, then strip page 2."""
    b = TiffBuilder(little)
    p1, p2, small = rgb(37, 45, 1), grey16(21, 19, 2), rgb(8, 9, 3)
    sub = b.strip_page(rgb(5, 5, 4), rows=5, extra={254: (LONG, [1])})
    exif_ifd = b.ifd(
        {
            0x829A: (RATIONAL, [(1, 250)]),
            0x9003: (ASCII, "2021:05:06 07:08:09"),
            0x927C: (UNDEFINED, b"Nikon\x00secret makernote"),
            0xA431: (ASCII, "SN-BODY-1"),
        }
    )
    gps_ifd = b.ifd(
        {
            0: (BYTE, [2, 3, 0, 0]),
            1: (ASCII, "N"),
            2: (RATIONAL, [(52, 1), (22, 1), (30, 1)]),
            3: (ASCII, "E"),
            4: (RATIONAL, [(4, 1), (53, 1), (30, 1)]),
        }
    )
    first = b.tiled_page(
        p1,
        tile=16,
        extra={
            254: (LONG, [0]),
            274: (SHORT, [6]),
            282: (RATIONAL, [(300, 1)]),
            283: (RATIONAL, [(300, 1)]),
            296: (SHORT, [2]),
            0x010E: (ASCII, "my secret description"),
            0x010F: (ASCII, "MakeCo"),
            0x0110: (ASCII, "Model-9"),
            0x0131: (ASCII, "Editor 1.0"),
            0x0132: (ASCII, "2021:05:06 07:08:09"),
            0x013B: (ASCII, "Alice Artist"),
            0x013C: (ASCII, "alice-laptop"),
            0x8298: (ASCII, "(c) Alice"),
            285: (ASCII, "page name"),
            330: (LONG, [sub]),
            700: (BYTE, SECRET_XMP),
            33723: (UNDEFINED, SECRET_IPTC),
            34377: (BYTE, SECRET_IRB),
            33550: (RATIONAL, [(1, 1)]),  # GeoTIFF ModelPixelScale (type simplified)
            34665: (LONG, [exif_ifd]),
            34853: (LONG, [gps_ifd]),
            0xC62F: (ASCII, "SERIAL-42"),
            0xC4A5: (UNDEFINED, b"PrintIM\x000300"),
            65000: (ASCII, "vendor private"),
        },
    )
    reduced = b.strip_page(small, rows=8, extra={254: (LONG, [1])})
    second = b.strip_page(p2, rows=4, extra={254: (LONG, [2]), 297: (SHORT, [1, 2]), 0x0131: (ASCII, "Editor 1.0")})
    return b.link(first, reduced, second), [p1, p2]


# ---- sniff and refusals ------------------------------------------------------------------------------


def test_sniff() -> None:
    assert tiff.sniff(b"II*\x00\x08\x00\x00\x00")
    assert tiff.sniff(b"MM\x00*\x00\x00\x00\x08")
    assert tiff.sniff(b"II+\x00\x08\x00\x00\x00")  # BigTIFF: recognised, then refused clearly
    assert not tiff.sniff(b"\xff\xd8\xff\xe0")
    assert not tiff.sniff(b"II")
    assert tiff.NAME == "tiff" and tiff.MIME == "image/tiff"


@pytest.mark.parametrize("head", [b"II+\x00\x08\x00\x00\x00\x10\x00\x00\x00", b"MM\x00+\x00\x08\x00\x00"])
def test_bigtiff_is_refused(head: bytes) -> None:
    data = head + b"\x00" * 32
    with pytest.raises(UnsupportedError, match="BigTIFF"):
        tiff.strip(data, DEFAULT)
    with pytest.raises(UnsupportedError, match="BigTIFF"):
        tiff.read_metadata(data)


# ---- corpus --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_TIFFS)
@pytest.mark.parametrize("opt", OPTION_SETS)
def test_corpus_strip_keeps_pixels_and_is_idempotent(name: str, opt: str) -> None:
    data = corpus(name)
    options = OPTION_SETS[opt]
    out = tiff.strip(data, options)
    assert tiff.sniff(out) and out[:2] == data[:2]  # same byte order
    assert len(out) < len(data)
    assert_same_pixels(data, out, pages=1)
    assert tiff.strip(out, options) == out
    # nothing after the last needed byte
    page = tiff.parse(out).pages[-1]
    assert len(out) == max(o + c for o, c in zip(page.offsets, page.counts))


@pytest.mark.parametrize("name", CORPUS_TIFFS)
def test_corpus_default_strip_leaves_only_orientation(name: str) -> None:
    data = corpus(name)
    out = tiff.strip(data, DEFAULT)
    assert private_findings(out) == []
    before_orientation = [f.value for f in tiff.read_metadata(data).by_category("kept") if f.label == "Orientation"]
    after_orientation = [f.value for f in tiff.read_metadata(out).by_category("kept") if f.label == "Orientation"]
    assert after_orientation == before_orientation
    assert ifd_tags(out)[0] <= set(tiff.STRUCTURAL_TAGS)


def test_olympus_inspect() -> None:
    ins = tiff.read_metadata(corpus(OLYMPUS))
    assert (ins.format, ins.mime, ins.width, ins.height) == ("tiff", "image/tiff", 564, 423)
    found = {(f.category, f.label): f.value for f in ins.findings}
    assert found[("device", "Camera make")] == "OLYMPUS IMAGING CORP."
    assert found[("device", "Camera model")] == "FE190/X750"
    assert found[("device", "Software")] == "Version 1.0"
    assert found[("time", "Modified")] == "2009-01-19 22:56:26"
    assert found[("time", "Taken")] == "2009-01-19 22:56:26"  # an EXIF tag written straight into IFD0
    assert found[("people", "Description")] == "OLYMPUS DIGITAL CAMERA"
    assert found[("blocks", "MakerNotes")].startswith("Olympus, 2.0 kB")
    assert found[("embedded", "Windows thumbnail")] == "JPEG, 3.8 kB"
    assert ("embedded", "Embedded JPEG preview") in found
    assert found[("kept", "Orientation")] == "upright (1)"
    assert ins.warnings == []


def test_flir_inspect() -> None:
    ins = tiff.read_metadata(corpus(FLIR))
    assert (ins.width, ins.height) == (640, 512)
    gps = [f for f in ins.findings if f.label == "GPS position"]
    assert len(gps) == 1 and gps[0].block == "IFD0 GPS IFD"
    assert gps[0].data is not None
    assert gps[0].data["latitude"] == pytest.approx(35.5999986, abs=1e-6)
    assert gps[0].data["longitude"] == pytest.approx(-111.6618272, abs=1e-6)
    found = {(f.category, f.label): f.value for f in ins.findings}
    assert found[("device", "Body serial number")] == "278290"
    assert found[("device", "Camera make")] == "FLIR"
    assert found[("device", "Software")] == "V01.02.05"
    assert found[("time", "Taken")] == "2019-10-02 15:12:43"
    assert ("blocks", "XMP") in found
    assert found[("location", "Altitude")] == "1845.7 m above sea level"


def test_flir_strip_copies_the_strip_verbatim() -> None:
    data = corpus(FLIR)
    out = tiff.strip(data, DEFAULT)
    page = tiff.parse(out).pages[0]
    assert page.counts == [655360]
    assert out[page.offsets[0] :] == data[8 : 8 + 655360]
    assert ifd_tags(out)[0] == {256, 257, 258, 259, 262, 273, 277, 278, 279, 282, 283, 284, 296, 297, 339}


def test_olympus_strip_drops_exif_in_ifd0_makernote_and_previews() -> None:
    data = corpus(OLYMPUS)
    out = tiff.strip(data, DEFAULT)
    tags = ifd_tags(out)[0]
    for gone in (0x010E, 0x010F, 0x0110, 0x0131, 0x0132, 0x0201, 0x0202, 0x501B, 0x829A, 0x9003, 0x927C, 0x9286, 0xC4A5):
        assert gone not in tags
    assert {0x0112, 0x013D, 0x0213} <= tags  # orientation, predictor, YCbCrPositioning
    src, dst = tiff.parse(data).pages[0], tiff.parse(out).pages[0]
    assert src.counts == dst.counts and len(dst.offsets) == 61
    for so, do, n in zip(src.offsets, dst.offsets, src.counts):
        assert out[do : do + n] == data[so : so + n]


def test_keep_groups_flir() -> None:
    out = tiff.strip(corpus(FLIR), KEEP)
    info = exif_mod.parse(out, "TIFF")
    assert info.ifd0 is not None and info.exif is not None and info.gps is not None
    assert {0x010F, 0x0110} <= set(info.ifd0.entries)
    assert not {0x0131, 0x0132, 0xC62F, 0x02BC} & set(info.ifd0.entries)
    assert set(info.exif.entries) == {0x829D, 0x920A}  # FNumber, FocalLength; no dates
    assert set(info.gps.entries) == {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x12}
    labels = {f.label for f in tiff.read_metadata(out).findings}
    assert "GPS position" in labels and "Camera make" in labels
    assert not {"Taken", "Software", "Body serial number", "XMP"} & labels


def test_keep_groups_move_ifd0_exif_tags_into_an_exif_ifd() -> None:
    data = corpus(OLYMPUS)
    out = tiff.strip(data, StripOptions(keep=frozenset({"camera", "time"})))
    info = exif_mod.parse(out, "TIFF")
    assert info.ifd0 is not None and info.exif is not None and info.gps is None
    assert {0x010F, 0x0110, 0x0132} <= set(info.ifd0.entries)
    assert not {0x829A, 0x9003, 0x927C, 0x0131} & set(info.ifd0.entries)
    assert {0x829A, 0x829D, 0x9003, 0x9004} <= set(info.exif.entries)
    assert 0x927C not in info.exif.entries
    source = exif_mod.parse(data, "TIFF").ifd0
    assert source is not None
    assert info.exif.entries[0x829A].raw == source.entries[0x829A].raw
    assert_same_pixels(data, out)
    assert tiff.strip(out, StripOptions(keep=frozenset({"camera", "time"}))) == out


@pytest.mark.parametrize("cut", [0.5, 0.9])
@pytest.mark.parametrize("name", CORPUS_TIFFS)
def test_truncated_corpus_files_raise(name: str, cut: float) -> None:
    data = corpus(name)
    ifd0_at = struct.unpack_from("<I", data, 4)[0]  # both corpus TIFFs keep IFD0 at the end
    short = data[: int(len(data) * cut)]
    with pytest.raises(FormatError) as err:
        tiff.strip(short, DEFAULT)
    assert err.value.format == "TIFF" and err.value.offset == ifd0_at
    with pytest.raises(FormatError):
        tiff.read_metadata(short)


def test_cut_metadata_value_is_a_warning_not_an_error() -> None:
    # The FLIR file ends with the CameraSerialNumber value: cutting one byte breaks only metadata
    # that a strip drops anyway.
    data = corpus(FLIR)
    short = data[:-1]
    assert any("0xc62f" in w for w in tiff.read_metadata(short).warnings)
    assert tiff.strip(short, DEFAULT) == tiff.strip(data, DEFAULT)


def test_trailing_bytes_are_dropped() -> None:
    data = corpus(FLIR)
    assert tiff.strip(data + b"leftover from a longer file" * 100, DEFAULT) == tiff.strip(data, DEFAULT)


EXIFTOOL_ALLOWED_GROUPS = {"ExifTool", "System", "File", "Composite", "IFD0"}
EXIFTOOL_ALLOWED_IFD0 = {
    "SubfileType",
    "ImageWidth",
    "ImageHeight",
    "BitsPerSample",
    "Compression",
    "PhotometricInterpretation",
    "StripOffsets",
    "Orientation",
    "SamplesPerPixel",
    "RowsPerStrip",
    "StripByteCounts",
    "XResolution",
    "YResolution",
    "PlanarConfiguration",
    "ResolutionUnit",
    "Predictor",
    "YCbCrPositioning",
    "PageNumber",
    "SampleFormat",
}


@pytest.mark.parametrize("name", CORPUS_TIFFS)
def test_exiftool_sees_nothing_private_and_a_valid_file(name: str, tmp_path: Path) -> None:
    exiftool = shutil.which("exiftool")
    assert exiftool, "ExifTool (libimage-exiftool-perl) is the judge of what a file still carries"
    path = tmp_path / name
    path.write_bytes(tiff.strip(corpus(name), DEFAULT))
    run = subprocess.run([exiftool, "-j", "-a", "-G1", "-u", "-s", str(path)], capture_output=True, check=True)
    tags = json.loads(run.stdout)[0]
    groups = {key.split(":", 1)[0] for key in tags if ":" in key}
    assert groups <= EXIFTOOL_ALLOWED_GROUPS
    ifd0 = {key.split(":", 1)[1] for key in tags if key.startswith("IFD0:")}
    assert ifd0 <= EXIFTOOL_ALLOWED_IFD0
    assert "ExifTool:Warning" not in tags
    run = subprocess.run([exiftool, "-j", "-validate", "-warning", "-a", str(path)], capture_output=True, check=True)
    assert json.loads(run.stdout)[0]["Validate"] == "OK"


# ---- synthetic files written by Pillow ---------------------------------------------------------------


def test_pillow_multipage() -> None:
    a = rgb(40, 50, 5)
    data = pil_tiff(
        Image.fromarray(a), save_all=True, append_images=[Image.fromarray(a[::-1]).convert("L"), Image.fromarray(a).convert("P")]
    )
    out = tiff.strip(data, DEFAULT)
    assert_same_pixels(data, out, pages=3)
    layout = tiff.parse(out)
    assert [p.index for p in layout.pages] == [0, 1, 2]
    assert 320 in layout.pages[2].ifd.entries  # the palette survives
    for page in layout.pages:
        assert page.ifd.offset % 2 == 0
    assert tiff.strip(out, DEFAULT) == out


def test_pillow_big_endian_16bit() -> None:
    raw = grey16(30, 20, 6).astype(">u2").tobytes()
    data = pil_tiff(Image.frombytes("I;16B", (20, 30), raw))
    assert data[:4] == b"MM\x00*"
    out = tiff.strip(data, DEFAULT)
    assert out[:4] == b"MM\x00*"
    assert_same_pixels(data, out, pages=1)
    page = tiff.parse(out).pages[0]
    assert out[page.offsets[0] :] == raw


def test_pillow_deflate_with_predictor() -> None:
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[317] = 2
    data = pil_tiff(Image.fromarray(rgb(40, 50, 7)), compression="tiff_adobe_deflate", tiffinfo=info)
    out = tiff.strip(data, DEFAULT)
    layout = tiff.parse(out)
    assert exif_mod.uints(layout.pages[0].ifd.entries[317], layout.little) == [2]
    assert_same_pixels(data, out, pages=1)


def test_pillow_jpeg_compressed_keeps_jpeg_tables_and_ycbcr_tags() -> None:
    data = pil_tiff(Image.fromarray(rgb(48, 64, 10)), compression="jpeg", quality=80)
    source = tiff.parse(data).pages[0].ifd.entries
    assert exif_mod.uints(source[259], True) == [7]
    out = tiff.strip(data, DEFAULT)
    kept = tiff.parse(out).pages[0].ifd.entries
    for tag in (347, 530, 532):
        if tag in source:
            assert kept[tag].raw == source[tag].raw
    assert 347 in kept
    assert_same_pixels(data, out, pages=1)


def icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def pillow_with_icc_and_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS"
    exif[0x0131] = "GIMP"
    exif[0x0132] = "2020:01:01 00:00:00"
    exif[0x0112] = 6
    return pil_tiff(Image.fromarray(rgb(40, 50, 8)), compression="tiff_lzw", icc_profile=icc_profile(), exif=exif)


def test_icc_kept_by_default_and_removed_on_request() -> None:
    data = pillow_with_icc_and_exif()
    profile = icc_profile()
    kept = tiff.strip(data, DEFAULT)
    layout = tiff.parse(kept)
    assert layout.pages[0].ifd.entries[tiff.TAG_ICC].raw == profile
    after = tiff.read_metadata(kept)
    assert [(f.label, f.value) for f in after.by_category("kept")] == [
        ("Orientation", "rotated 90° clockwise (6)"),
        ("ICC profile", "sRGB built-in"),
    ]
    assert private_findings(kept) == []
    assert_same_pixels(data, kept)
    with Image.open(io.BytesIO(kept)) as im:
        assert im.info.get("icc_profile") == profile

    gone = tiff.strip(data, NO_ICC)
    assert tiff.TAG_ICC not in tiff.parse(gone).pages[0].ifd.entries
    assert [f.label for f in tiff.read_metadata(gone).by_category("kept")] == ["Orientation"]
    assert_same_pixels(data, gone)
    assert tiff.strip(gone, NO_ICC) == gone and tiff.strip(kept, DEFAULT) == kept


# ---- synthetic files written by hand -----------------------------------------------------------------


@pytest.mark.parametrize("little", [True, False])
def test_rich_file_inspect(little: bool) -> None:
    data, _ = rich_tiff(little)
    ins = tiff.read_metadata(data)
    assert (ins.width, ins.height) == (45, 37)
    found = {(f.category, f.label, f.value) for f in ins.findings}
    expected = {
        ("location", "GPS position", "52.37500° N, 4.89167° E"),
        ("location", "GeoTIFF georeferencing", "1 GeoTIFF tag"),
        ("device", "Camera make", "MakeCo"),
        ("device", "Camera model", "Model-9"),
        ("device", "Software", "Editor 1.0"),
        ("device", "Host computer", "alice-laptop"),
        ("device", "Body serial number", "SN-BODY-1"),
        ("device", "Body serial number", "SERIAL-42"),
        ("device", "Camera make", "XmpMake"),
        ("time", "Modified", "2021-05-06 07:08:09"),
        ("time", "Taken", "2021-05-06 07:08:09"),
        ("people", "Artist", "Alice Artist"),
        ("people", "Copyright", "(c) Alice"),
        ("people", "Description", "my secret description"),
        ("people", "Creator", "Alice"),
        ("people", "Copyright", "(c) Bob"),
        ("embedded", "SubIFD image", "5×5 pixels"),
        ("embedded", "Reduced-resolution image", "9×8 pixels"),
        ("kept", "Orientation", "rotated 90° clockwise (6)"),
    }
    assert expected <= found
    labels = [f.label for f in ins.findings]
    assert "MakerNotes" in labels and "XMP" in labels and "IPTC" in labels and "Photoshop IRB" in labels
    assert ("location", "GPS position", "52.37500° N, 4.89167° E") in {
        (f.category, f.label, f.value) for f in ins.findings if f.block == "IFD0 XMP"
    }
    # page 2 carries its own Software tag, reported against IFD2
    assert any(f.label == "Software" and f.block == "IFD2" for f in ins.findings)


@pytest.mark.parametrize("little", [True, False])
def test_rich_file_strip(little: bool) -> None:
    data, pixels = rich_tiff(little)
    out = tiff.strip(data, DEFAULT)
    assert out[:2] == (b"II" if little else b"MM")
    decoded, source = decoded_pages(out), decoded_pages(data)
    assert len(decoded) == 2 and len(source) == 3  # the reduced-resolution IFD is gone
    assert np.array_equal(decoded[0], source[0]) and np.array_equal(decoded[1], source[2])
    # Pillow reads tiles through libtiff, which applies the orientation (6: rotated 90° clockwise)
    assert np.array_equal(decoded[0], np.rot90(pixels[0], -1)) and np.array_equal(decoded[1], pixels[1])
    assert private_findings(out) == []
    tags = ifd_tags(out)
    assert tags[0] == {254, 256, 257, 258, 259, 262, 274, 277, 282, 283, 284, 296, 322, 323, 324, 325}
    assert tags[1] == {254, 256, 257, 258, 259, 262, 273, 277, 278, 279, 284, 297}
    for needle in (b"secret", b"Alice", b"Bob", b"SERIAL-42", b"MakeCo", b"Editor", b"xmpmeta", b"PrintIM", b"vendor"):
        assert needle not in out
    assert tiff.strip(out, DEFAULT) == out


def test_rich_file_keep_groups() -> None:
    data, _ = rich_tiff(True)
    out = tiff.strip(data, StripOptions(keep=frozenset({"camera", "time", "rights", "location"})))
    layout = tiff.parse(out)
    page = layout.pages[0]
    assert {0x010F, 0x0110, 0x0132, 0x013B, 0x8298, 34665, 34853} <= set(page.ifd.entries)
    assert not {0x010E, 0x0131, 0x013C, 0xC62F, 700, 33723, 34377, 330} & set(page.ifd.entries)
    assert page.exif is not None and set(page.exif.entries) == {0x829A, 0x9003}  # no makernote, no serial
    assert page.gps is not None and set(page.gps.entries) == {0, 1, 2, 3, 4}
    labels = {(f.label, f.value) for f in tiff.read_metadata(out).findings}
    assert ("Artist", "Alice Artist") in labels and ("GPS position", "52.37500° N, 4.89167° E") in labels
    assert ("Body serial number", "SN-BODY-1") not in labels
    assert b"SERIAL-42" not in out and b"makernote" not in out and b"Editor" not in out
    assert tiff.strip(out, StripOptions(keep=frozenset({"camera", "time", "rights", "location"}))) == out


def test_exif_style_thumbnail_ifd_is_dropped() -> None:
    b = TiffBuilder(True)
    jpeg = b"\xff\xd8\xff\xdb" + b"\x00" * 60 + b"\xff\xd9"
    at = b.blob(jpeg)
    thumb = b.ifd({259: (SHORT, [6]), 0x0201: (LONG, [at]), 0x0202: (LONG, [len(jpeg)])})
    pixels = rgb(6, 7, 9)
    first = b.strip_page(pixels, rows=2)
    data = b.link(first, thumb)
    found = [(f.category, f.label, f.value, f.block) for f in tiff.read_metadata(data).findings]
    assert ("embedded", "EXIF thumbnail", "JPEG, 66 bytes", "IFD1") in found
    out = tiff.strip(data, DEFAULT)
    assert len(tiff.parse(out).pages) == 1 and not tiff.parse(out).dropped
    assert jpeg not in out
    decoded = decoded_pages(out)
    assert len(decoded) == 1 and np.array_equal(decoded[0], pixels)


# ---- the exact output layout (what the TypeScript engine must reproduce) ----------------------------


def exact_layout_le_tiff() -> bytes:
    """A little-endian page with SHORT strip offsets, an out-of-line XResolution and a Software tag.
    Shared because its stripped bytes are spelled out below and the TS engine must produce the same
    (it is a case of tests/conformance/test_tiff_synthetic.py)."""
    b = TiffBuilder(True)
    s0, s1 = b.blob(b"\x01\x02"), b.blob(b"\x03\x04")
    ifd = b.ifd(
        {
            256: (SHORT, [2]),
            257: (SHORT, [2]),
            258: (SHORT, [8]),
            259: (SHORT, [1]),
            262: (SHORT, [1]),
            273: (SHORT, [s0, s1]),
            274: (SHORT, [3]),
            277: (SHORT, [1]),
            278: (SHORT, [1]),
            279: (SHORT, [2, 2]),
            305: (ASCII, "Secret Software"),
            282: (RATIONAL, [(72, 1)]),
        }
    )
    return b.link(ifd)


def test_exact_output_layout_little_endian() -> None:
    data = exact_layout_le_tiff()

    def entry(tag: int, typ: int, count: int, field: bytes) -> bytes:
        return struct.pack("<HHI", tag, typ, count) + field.ljust(4, b"\x00")

    # 11 entries: table at 8 is 2 + 132 + 4 = 138 bytes; values from 146: XResolution (8), StripOffsets (8)
    expected = (
        b"II*\x00"
        + struct.pack("<I", 8)
        + struct.pack("<H", 11)
        + entry(256, SHORT, 1, struct.pack("<H", 2))
        + entry(257, SHORT, 1, struct.pack("<H", 2))
        + entry(258, SHORT, 1, struct.pack("<H", 8))
        + entry(259, SHORT, 1, struct.pack("<H", 1))
        + entry(262, SHORT, 1, struct.pack("<H", 1))
        + entry(273, LONG, 2, struct.pack("<I", 146))
        + entry(274, SHORT, 1, struct.pack("<H", 3))
        + entry(277, SHORT, 1, struct.pack("<H", 1))
        + entry(278, SHORT, 1, struct.pack("<H", 1))
        + entry(279, SHORT, 2, struct.pack("<HH", 2, 2))
        + entry(282, RATIONAL, 1, struct.pack("<I", 154))
        + struct.pack("<I", 0)
        + struct.pack("<II", 162, 164)  # new strip offsets
        + struct.pack("<II", 72, 1)
        + b"\x01\x02\x03\x04"
    )
    assert tiff.strip(data, DEFAULT) == expected


def two_pages_be_sparse_tiff(sparse_strip_offset: int) -> bytes:
    """Two big-endian pages, the first with a zero-length second strip at ``sparse_strip_offset`` and
    an odd-length first strip (so page 1's IFD needs padding). Shared because its stripped bytes are
    spelled out below and the TS engine must produce the same (tests/conformance/test_tiff_synthetic.py
    uses it with an offset far beyond the end, which a zero-length strip must not care about)."""
    b = TiffBuilder(False)
    s0 = b.blob(b"\xaa\xbb\xcc")
    s1 = b.blob(b"\x10\x20\x30")
    ifd0 = b.ifd(
        {
            256: (SHORT, [3]),
            257: (SHORT, [2]),
            258: (SHORT, [8]),
            259: (SHORT, [1]),
            262: (SHORT, [1]),
            273: (LONG, [s0, sparse_strip_offset]),
            278: (SHORT, [1]),
            279: (LONG, [3, 0]),
        }
    )
    ifd1 = b.ifd(
        {
            256: (SHORT, [3]),
            257: (SHORT, [1]),
            258: (SHORT, [8]),
            259: (SHORT, [1]),
            262: (SHORT, [1]),
            273: (LONG, [s1]),
            279: (LONG, [3]),
            297: (SHORT, [1, 2]),  # PageNumber: page 2 of 2, so kept although its size differs
            0x010F: (ASCII, "Cam"),
        }
    )
    return b.link(ifd0, ifd1)


def test_exact_output_layout_two_pages_big_endian_with_padding_and_sparse_strip() -> None:
    data = two_pages_be_sparse_tiff(0)

    def entry(tag: int, typ: int, count: int, field: bytes) -> bytes:
        return struct.pack(">HHI", tag, typ, count) + field.ljust(4, b"\x00")

    # page 0: 8 entries -> table 102 bytes at 8, values at 110: StripOffsets (8), StripByteCounts (8);
    # image data at 126, 3 bytes -> 129, padded to 130 for page 1's IFD (8 entries, 102 bytes, no
    # out-of-line values) -> image data at 232.
    expected = (
        b"MM\x00*"
        + struct.pack(">I", 8)
        + struct.pack(">H", 8)
        + entry(256, SHORT, 1, struct.pack(">H", 3))
        + entry(257, SHORT, 1, struct.pack(">H", 2))
        + entry(258, SHORT, 1, struct.pack(">H", 8))
        + entry(259, SHORT, 1, struct.pack(">H", 1))
        + entry(262, SHORT, 1, struct.pack(">H", 1))
        + entry(273, LONG, 2, struct.pack(">I", 110))
        + entry(278, SHORT, 1, struct.pack(">H", 1))
        + entry(279, LONG, 2, struct.pack(">I", 118))
        + struct.pack(">I", 130)
        + struct.pack(">II", 126, 0)  # a zero-length strip gets offset 0
        + struct.pack(">II", 3, 0)
        + b"\xaa\xbb\xcc"
        + b"\x00"
        + struct.pack(">H", 8)
        + entry(256, SHORT, 1, struct.pack(">H", 3))
        + entry(257, SHORT, 1, struct.pack(">H", 1))
        + entry(258, SHORT, 1, struct.pack(">H", 8))
        + entry(259, SHORT, 1, struct.pack(">H", 1))
        + entry(262, SHORT, 1, struct.pack(">H", 1))
        + entry(273, LONG, 1, struct.pack(">I", 232))
        + entry(279, LONG, 1, struct.pack(">I", 3))
        + entry(297, SHORT, 2, struct.pack(">HH", 1, 2))
        + struct.pack(">I", 0)
        + b"\x10\x20\x30"
    )
    assert tiff.strip(data, DEFAULT) == expected


def test_exact_layout_of_kept_exif_and_gps_ifds() -> None:
    b = TiffBuilder(True)
    s0 = b.blob(b"\x07")
    exif_ifd = b.ifd({0x829D: (RATIONAL, [(28, 10)]), 0x9003: (ASCII, "2020:01:01 00:00:00")})
    gps_ifd = b.ifd({1: (ASCII, "N")})
    ifd0 = b.ifd(
        {
            256: (SHORT, [1]),
            257: (SHORT, [1]),
            258: (SHORT, [8]),
            259: (SHORT, [1]),
            262: (SHORT, [1]),
            273: (LONG, [s0]),
            279: (LONG, [1]),
            0x010F: (ASCII, "Cam"),
            0x0131: (ASCII, "Sw"),
            34665: (LONG, [exif_ifd]),
            34853: (LONG, [gps_ifd]),
        }
    )
    data = b.link(ifd0)

    def entry(tag: int, typ: int, count: int, field: bytes) -> bytes:
        return struct.pack("<HHI", tag, typ, count) + field.ljust(4, b"\x00")

    # keep=camera: IFD0 keeps 8 tags + the Exif pointer = 9 entries, table 114 bytes at 8 -> 122, no
    # out-of-line values (Make "Cam\0" fits in the entry). Exif IFD at 122: 1 entry (18 bytes) + the
    # FNumber rational (8) -> image data at 148. DateTimeOriginal (time) and Software are gone.
    expected = (
        b"II*\x00"
        + struct.pack("<I", 8)
        + struct.pack("<H", 9)
        + entry(256, SHORT, 1, struct.pack("<H", 1))
        + entry(257, SHORT, 1, struct.pack("<H", 1))
        + entry(258, SHORT, 1, struct.pack("<H", 8))
        + entry(259, SHORT, 1, struct.pack("<H", 1))
        + entry(262, SHORT, 1, struct.pack("<H", 1))
        + entry(0x010F, ASCII, 4, b"Cam\x00")
        + entry(273, LONG, 1, struct.pack("<I", 148))
        + entry(279, LONG, 1, struct.pack("<I", 1))
        + entry(34665, LONG, 1, struct.pack("<I", 122))
        + struct.pack("<I", 0)
        + struct.pack("<H", 1)
        + entry(0x829D, RATIONAL, 1, struct.pack("<I", 140))
        + struct.pack("<I", 0)
        + struct.pack("<II", 28, 10)
        + b"\x07"
    )
    assert tiff.strip(data, StripOptions(keep=frozenset({"camera"}))) == expected

    # camera + location: 10 entries (table 126 bytes, 8 -> 134), Exif IFD at 134 (26 bytes), GPS IFD
    # at 160 (one inline entry, 18 bytes), image data at 178.
    both = tiff.strip(data, StripOptions(keep=frozenset({"camera", "location"})))
    info = exif_mod.parse(both, "TIFF")
    assert info.exif is not None and info.gps is not None and info.ifd0 is not None
    assert (info.exif.offset, info.gps.offset) == (8 + 2 + 12 * 10 + 4, 8 + 2 + 12 * 10 + 4 + 26)
    assert exif_mod.uints(info.ifd0.entries[273], True) == [info.gps.offset + 18]
    assert both[-1:] == b"\x07" and len(both) == 179


# ---- broken and unsupported files ---------------------------------------------------------------------


def small_page_tags(offset: int, count: int) -> dict[int, tuple[int, object]]:
    return {
        256: (SHORT, [2]),
        257: (SHORT, [1]),
        258: (SHORT, [8]),
        259: (SHORT, [1]),
        262: (SHORT, [1]),
        273: (LONG, [offset]),
        279: (LONG, [count]),
    }


def test_strip_data_beyond_the_end_is_damage_clipped_to_the_file() -> None:
    b = TiffBuilder(True)
    at = b.blob(b"\x01\x02")
    data = b.link(b.ifd(small_page_tags(at, 5000)))
    report = tiff.read_metadata(data)
    assert report.damaged and f"TIFF: at byte {at}: expected IFD0 strip 0 of 1" in report.warnings[-1]
    out = tiff.strip(data, DEFAULT)
    page = tiff.parse(out).pages[0]
    assert page.counts == [len(data) - at] and not tiff.read_metadata(out).damaged


def test_first_ifd_beyond_the_end() -> None:
    with pytest.raises(FormatError) as err:
        tiff.read_metadata(b"II*\x00" + struct.pack("<I", 4000) + b"\x00" * 20)
    assert err.value.offset == 4000


def test_kept_tag_value_beyond_the_end() -> None:
    b = TiffBuilder(True)
    at = b.blob(b"\x01\x02")
    tags = small_page_tags(at, 2)
    tags[320] = (SHORT, [0] * 768)  # a colour map...
    data = bytearray(b.link(b.ifd(tags)))
    # ...whose value pointer is moved past the end of the file
    table = len(data) - (2 + 12 * 8 + 4)  # the IFD (8 entries) is the last thing the builder wrote
    assert struct.unpack_from("<H", data, table)[0] == 8
    pos = next(table + 2 + 12 * i for i in range(8) if struct.unpack_from("<H", data, table + 2 + 12 * i)[0] == 320)
    struct.pack_into("<I", data, pos + 8, 10_000)
    with pytest.raises(FormatError) as err:
        tiff.strip(bytes(data), DEFAULT)
    assert err.value.offset == 10_000 and "ColorMap" in str(err.value)


def test_ifd_loop_is_an_error() -> None:
    b = TiffBuilder(True)
    at = b.blob(b"\x01\x02")
    first = b.ifd(small_page_tags(at, 2))
    data = bytearray(b.link(first))
    struct.pack_into("<I", data, b.next_fields[first], first)
    with pytest.raises(FormatError, match="loops"):
        tiff.strip(bytes(data), DEFAULT)


def test_old_style_jpeg_is_unsupported_but_inspectable() -> None:
    b = TiffBuilder(True)
    at = b.blob(b"\xff\xd8\xff\xd9")
    tags = small_page_tags(at, 4)
    tags[259] = (SHORT, [6])
    tags[0x010F] = (ASCII, "OldCam")
    data = b.link(b.ifd(tags))
    with pytest.raises(UnsupportedError, match="old-style JPEG"):
        tiff.strip(data, DEFAULT)
    assert ("device", "Camera make", "OldCam") in private_findings(data)


def test_dng_is_unsupported() -> None:
    b = TiffBuilder(True)
    at = b.blob(b"\x01\x02")
    tags = small_page_tags(at, 2)
    tags[0xC612] = (BYTE, [1, 4, 0, 0])
    tags[254] = (LONG, [1])
    data = b.link(b.ifd(tags))
    with pytest.raises(UnsupportedError, match="DNG"):
        tiff.strip(data, DEFAULT)


def test_missing_byte_counts_is_unsupported() -> None:
    b = TiffBuilder(True)
    at = b.blob(b"\x01\x02")
    tags = small_page_tags(at, 2)
    del tags[279]
    data = b.link(b.ifd(tags))
    with pytest.raises(UnsupportedError, match="StripByteCounts"):
        tiff.strip(data, DEFAULT)


def test_not_a_tiff() -> None:
    with pytest.raises(FormatError) as err:
        tiff.read_metadata(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    assert err.value.offset == 0


# ---- secondary images after IFD0 ---------------------------------------------------------------------


@pytest.mark.parametrize("little", [True, False])
def test_an_unmarked_thumbnail_ifd_subifds_and_gps_leave_with_their_strips(little: bool, tmp_path: Path) -> None:
    """Nikon Capture writes a 160×106 uncompressed thumbnail as IFD1, marked as nothing: a thumbnail
    can show what was cropped out, so only IFD0 and pages of its own size (or marked as pages) stay."""
    from tests.conformance.test_tiff_synthetic import nikon_like_tiff
    from tests.conftest import exiftool_json

    data = nikon_like_tiff(little)
    report = {(f.label, f.value) for f in privpix.inspect(data).findings}
    assert ("Secondary image", "16×10 pixels") in report
    for options, gps in ((DEFAULT, False), (StripOptions(keep=frozenset({"location"})), True)):
        out = tiff.strip(data, options)
        path = tmp_path / f"{little}-{gps}.tif"
        path.write_bytes(out)
        tags = exiftool_json([path])[path.name]
        widths = sorted(v for k, v in tags.items() if k.endswith(":ImageWidth"))
        assert widths == [40, 40]  # IFD0 and the same-size page; not the 16-pixel thumbnail
        assert not any(k.startswith(("SubIFD", "IFD2")) for k in tags)
        assert any(k.startswith("GPS:") for k in tags) == gps
        thumb = tiff.parse(data).dropped[0].ifd
        at, size = (exif_mod.uints(thumb.entries[tag], little)[0] for tag in (273, 279))
        assert data[at : at + size] not in out  # the thumbnail's pixels are gone, not just its IFD
        before, after = decoded_pages(data), decoded_pages(out)
        assert len(after) == 2 and np.array_equal(after[0], before[0]) and np.array_equal(after[1], before[2])

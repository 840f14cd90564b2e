"""HEIC/HEIF/AVIF container: parse, inspect, and the lossless strip that rebuilds ``meta`` + ``mdat``
around the primary image.

Corpus files are judged by decoding (pillow-heif for HEVC, Pillow's own AVIF plugin for AV1) and
by ExifTool; synthetic files come from the small, independent ``make_heif`` writer below, which
can produce what no encoder here writes (every iloc version and field size, idat items, 32-bit item
IDs, 15-bit property indices, broken boxes). Two golden tests spell out the exact output bytes the
module docstring promises, so the TypeScript port has a byte-level reference.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pillow_heif
import pytest
from PIL import Image

from privpix.formats import exif as exif_mod
from privpix.formats import isobmff
from privpix.formats.errors import FormatError, UnsupportedError
from privpix.options import StripOptions

from ..corpus import CORPUS

pillow_heif.register_heif_opener()

HEIF_FILES = [
    "mei_IMG_1034.heic",
    "pillowheif_arrow.heic",
    "pillowheif_pug.heic",
    "pillowheif_xiaomi.heic",
    "mei_Issue_649_canon.avif",
    "immich_8bit-sRGB.avif",
]
DEFAULT = StripOptions()
NO_ICC = StripOptions(keep_icc=False)
KEEP_LOCATION = StripOptions(keep=frozenset({"location"}))
OPTION_SETS = {"default": DEFAULT, "no-icc": NO_ICC, "keep-location": KEEP_LOCATION}


def read(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


# ---- an independent ISOBMFF reader and writer ----------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def box64(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 1) + kind + struct.pack(">Q", 16 + len(payload)) + payload


def full(kind: bytes, version: int, flags: int, payload: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags) + payload)


def uint(value: int, size: int) -> bytes:
    return value.to_bytes(size, "big") if size else b""


def boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int, int]]:
    """(type, start, end, payload start) of the boxes in ``data[start:end]``."""
    end = len(data) if end is None else end
    out = []
    pos = start
    while pos < end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        head = 8
        if size == 1:
            size, head = struct.unpack_from(">Q", data, pos + 8)[0], 16
        assert size >= head and pos + size <= end, (kind, pos, size)
        out.append((kind, pos, pos + size, pos + head))
        pos += size
    return out


def child(data: bytes, parent: tuple[bytes, int, int, int], kind: bytes, skip: int = 0) -> tuple[bytes, int, int, int]:
    found = [b for b in boxes(data, parent[3] + skip, parent[2]) if b[0] == kind]
    assert len(found) == 1, (kind, found)
    return found[0]


def meta_of(data: bytes) -> tuple[bytes, int, int, int]:
    return next(b for b in boxes(data) if b[0] == b"meta")


def meta_children(data: bytes) -> list[bytes]:
    meta = meta_of(data)
    return [b[0] for b in boxes(data, meta[3] + 4, meta[2])]


def meta_box(data: bytes, kind: bytes) -> bytes:
    meta = meta_of(data)
    found = child(data, meta, kind, skip=4)
    return data[found[1] : found[2]]


def make_icc(name: bytes) -> bytes:
    """A minimal ICC profile whose 'desc' tag names it."""
    text = name + b"\x00"
    tag = b"desc" + bytes(4) + struct.pack(">I", len(text)) + text
    header = struct.pack(">I", 144 + len(tag)) + bytes(124)
    return header + struct.pack(">I", 1) + struct.pack(">4sII", b"desc", 144, len(tag)) + tag


ICC = make_icc(b"Display P3")  # a standard name: icc.neutralise keeps it (tests of blanking: test_hidden_text.py)
HVCC = box(b"hvcC", bytes([1]) + bytes(22))
ISPE_64x48 = full(b"ispe", 0, 0, struct.pack(">II", 64, 48))
ISPE_8x6 = full(b"ispe", 0, 0, struct.pack(">II", 8, 6))
COLR_ICC = box(b"colr", b"prof" + ICC)
COLR_NCLX = box(b"colr", b"nclx" + bytes([0, 1, 0, 13, 0, 6, 0x80]))
IROT_90 = box(b"irot", bytes([1]))
IMIR_0 = box(b"imir", bytes([0]))
PIXI = full(b"pixi", 0, 0, bytes([3, 8, 8, 8]))
AUXC_ALPHA = full(b"auxC", 0, 0, b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha\x00")
AUXC_DEPTH = full(b"auxC", 0, 0, b"urn:mpeg:hevc:2015:auxid:2\x00")
AUXC_MATTE = full(b"auxC", 0, 0, b"urn:com:apple:photo:2018:aux:portraiteffectsmatte\x00")
UDES = full(b"udes", 0, 0, b"en\x00Birthday\x00Anna at home\x00family\x00")
CRTT = full(b"crtt", 0, 0, struct.pack(">Q", 3_786_912_000 * 1_000_000))  # 2024-01-01 00:00:00 UTC
GRID = bytes([0, 0, 0, 1]) + struct.pack(">HH", 64, 48)  # version 0, flags 0, 1 row, 2 columns

XMP_PACKET = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmp:CreatorTool="SecretCam 1.0" exif:GPSLatitude="52,30.0N" exif:GPSLongitude="13,24.0E"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def gps_tiff() -> bytes:
    """Big-endian EXIF: IFD0 with Make "Cam" and Orientation 6, a GPS IFD at 52° 30' N, 13° 24' E."""
    ifd0 = struct.pack(">H", 3)
    ifd0 += struct.pack(">HHI", 0x010F, 2, 4) + b"Cam\x00"
    ifd0 += struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0)
    ifd0 += struct.pack(">HHII", 0x8825, 4, 1, 50)
    ifd0 += bytes(4)
    gps = struct.pack(">H", 4)
    gps += struct.pack(">HHI", 1, 2, 2) + b"N\x00\x00\x00"
    gps += struct.pack(">HHII", 2, 5, 3, 104)
    gps += struct.pack(">HHI", 3, 2, 2) + b"E\x00\x00\x00"
    gps += struct.pack(">HHII", 4, 5, 3, 128)
    gps += bytes(4)
    values = struct.pack(">6I", 52, 1, 30, 1, 0, 1) + struct.pack(">6I", 13, 1, 24, 1, 0, 1)
    tiff = b"MM\x00*" + struct.pack(">I", 8) + ifd0 + gps + values
    assert len(b"MM\x00*" + bytes(4) + ifd0) == 50 and len(b"MM\x00*" + bytes(4) + ifd0 + gps) == 104
    return tiff


EXIF_PAYLOAD = b"\x00\x00\x00\x06Exif\x00\x00" + gps_tiff()  # with the optional "Exif\0\0" prefix


@dataclass
class Spec:
    """One item of a synthetic file."""

    id: int
    type: bytes
    data: bytes = b""
    props: tuple[int, ...] = ()  # 1-based ipco indices
    essential: tuple[int, ...] = ()
    idat: bool = False
    extents: int = 1  # split the data into this many extents, stored in reverse order
    flags: int = 0
    content_type: bytes | None = None
    name: bytes = b""
    method: int | None = None  # force a construction method
    protection: int = 0
    no_location: bool = False


@dataclass
class Layout:
    brand: bytes = b"heic"
    iloc_version: int = 1
    offset_size: int = 4
    length_size: int = 4
    base_size: int = 0
    index_size: int = 0
    infe_version: int | None = None  # default: 2, or 3 for IDs > 0xFFFF
    ipma_version: int | None = None
    ipma_flags: int = 0
    hdlr_name: bytes = b"privpix-test\x00"
    extra_meta: bytes = b""
    extra_top: bytes = b""  # boxes between meta and mdat
    trailing: bytes = b""
    mdat64: bool = False
    mdat_size0: bool = False
    dinf: bool = True
    iloc_first: bool = False


def make_heif(
    items: list[Spec], props: list[bytes], refs: list[tuple[bytes, int, list[int]]], primary: int, layout: Layout | None = None
) -> bytes:
    lay = layout or Layout()
    big = max([i.id for i in items] + [primary]) > 0xFFFF
    ftyp = box(b"ftyp", lay.brand + bytes(4) + b"mif1" + lay.brand)

    # data placement: mdat parts (reversed per item so extents are out of order) and idat
    idat = b""
    idat_at: dict[int, list[tuple[int, int]]] = {}
    mdat_rel: dict[int, list[tuple[int, int]]] = {}
    mdat = b""
    for spec in items:
        n = max(spec.extents, 1)
        step = -(-len(spec.data) // n) if spec.data else 0
        parts = [spec.data[i * step : (i + 1) * step] for i in range(n)] if spec.data else []
        if spec.idat:
            idat_at[spec.id] = []
            for part in parts:
                idat_at[spec.id].append((len(idat), len(part)))
                idat += part
        else:
            placed: list[tuple[int, int]] = [(0, 0)] * len(parts)
            for k in reversed(range(len(parts))):
                placed[k] = (len(mdat), len(parts[k]))
                mdat += parts[k]
            mdat_rel[spec.id] = placed

    def iloc(mdat_start: int) -> bytes:
        v = lay.iloc_version
        body = bytes([(lay.offset_size << 4) | lay.length_size, (lay.base_size << 4) | (lay.index_size if v else 0)])
        located = [s for s in items if not s.no_location]
        body += uint(len(located), 4 if v == 2 else 2)
        for spec in located:
            body += uint(spec.id, 4 if v == 2 else 2)
            method = spec.method if spec.method is not None else (1 if spec.idat else 0)
            if v >= 1:
                body += struct.pack(">H", method)
            body += struct.pack(">H", 0)
            extents = idat_at[spec.id] if spec.idat else [(mdat_start + o, n) for o, n in mdat_rel[spec.id]]
            if lay.base_size:
                base = extents[0][0] if lay.offset_size == 0 else (0 if spec.idat else mdat_start)
                body += uint(base, lay.base_size)
                extents = [(o - base, n) for o, n in extents]
            body += struct.pack(">H", len(extents))
            for off, length in extents:
                if v and lay.index_size:
                    body += uint(0, lay.index_size)
                assert lay.offset_size or off == 0
                body += uint(off, lay.offset_size) + uint(length, lay.length_size)
        return full(b"iloc", v, 0, body)

    def infe(spec: Spec) -> bytes:
        v = lay.infe_version if lay.infe_version is not None else (3 if spec.id > 0xFFFF else 2)
        body = uint(spec.id, 4 if v == 3 else 2) + struct.pack(">H", spec.protection) + spec.type + spec.name + b"\x00"
        if spec.content_type is not None:
            body += spec.content_type + b"\x00"
        return full(b"infe", v, spec.flags, body)

    iinf = full(b"iinf", 0, 0, struct.pack(">H", len(items)) + b"".join(infe(s) for s in items))
    width = 4 if big else 2
    iref = (
        full(
            b"iref",
            1 if big else 0,
            0,
            b"".join(
                box(kind, uint(src, width) + struct.pack(">H", len(to)) + b"".join(uint(t, width) for t in to))
                for kind, src, to in refs
            ),
        )
        if refs
        else b""
    )
    ipma_v = lay.ipma_version if lay.ipma_version is not None else (1 if big else 0)
    entries = b""
    count = 0
    for spec in items:
        if not spec.props:
            continue
        count += 1
        entries += uint(spec.id, 4 if ipma_v else 2) + bytes([len(spec.props)])
        for index in spec.props:
            ess = index in spec.essential
            entries += struct.pack(">H", (ess << 15) | index) if lay.ipma_flags & 1 else bytes([(ess << 7) | index])
    iprp = box(b"iprp", box(b"ipco", b"".join(props)) + full(b"ipma", ipma_v, lay.ipma_flags, struct.pack(">I", count) + entries))
    hdlr = full(b"hdlr", 0, 0, bytes(4) + b"pict" + bytes(12) + lay.hdlr_name)
    dinf = box(b"dinf", full(b"dref", 0, 0, struct.pack(">I", 1) + full(b"url ", 0, 1, b""))) if lay.dinf else b""
    pitm = (
        full(b"pitm", 1, 0, struct.pack(">I", primary)) if primary > 0xFFFF else full(b"pitm", 0, 0, struct.pack(">H", primary))
    )
    idat_box = box(b"idat", idat) if idat else b""

    def meta(mdat_start: int) -> bytes:
        parts = [hdlr, dinf, pitm, iinf, iref, iprp, idat_box, lay.extra_meta]
        if lay.iloc_first:
            parts.insert(1, iloc(mdat_start))
        else:
            parts.append(iloc(mdat_start))
        return full(b"meta", 0, 0, b"".join(parts))

    head = 16 if lay.mdat64 else 8
    start = len(ftyp) + len(meta(0)) + len(lay.extra_top) + head
    if lay.mdat64:
        mdat_box = box64(b"mdat", mdat)
    elif lay.mdat_size0:
        mdat_box = struct.pack(">I", 0) + b"mdat" + mdat
    else:
        mdat_box = box(b"mdat", mdat)
    return ftyp + meta(start) + lay.extra_top + mdat_box + lay.trailing


PRIMARY_DATA = bytes(range(256)) * 3 + b"primary-end"
THUMB_DATA = b"THUMBNAIL-BYTES" * 5
XMP_CT = b"application/rdf+xml"


def photo(layout: Layout | None = None, extents: int = 3) -> bytes:
    """A one-image photo with a thumbnail, an Exif item and an XMP item."""
    items = [
        Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2, 3, 4), essential=(1, 4), extents=extents),
        Spec(2, b"hvc1", THUMB_DATA, props=(1, 5), essential=(1,), flags=1),
        Spec(3, b"Exif", EXIF_PAYLOAD, flags=1),
        Spec(4, b"mime", XMP_PACKET, content_type=XMP_CT, flags=1),
    ]
    props = [HVCC, ISPE_64x48, COLR_ICC, IROT_90, ISPE_8x6]
    refs = [(b"thmb", 2, [1]), (b"cdsc", 3, [1]), (b"cdsc", 4, [1])]
    return make_heif(items, props, refs, 1, layout)


def item_data(data: bytes, item_id: int) -> bytes:
    heif = isobmff.parse(data)
    return isobmff.item_bytes(data, heif, heif.locations[item_id])


# ---- corpus: sniff and inspect -------------------------------------------------------------------------


@pytest.mark.parametrize("name", HEIF_FILES + ["broken_truncated.heic"])
def test_sniff_accepts_heif_and_avif(name: str) -> None:
    assert isobmff.sniff(read(name))


@pytest.mark.parametrize("name", ["exifsamples_DSCN0010.jpg", "skimage_chelsea.png", "mei_HTC_Desire.webp"])
def test_sniff_rejects_other_formats(name: str) -> None:
    assert not isobmff.sniff(read(name))


def test_sniff_rejects_mp4_and_short_input() -> None:
    assert not isobmff.sniff(box(b"ftyp", b"isom" + bytes(4) + b"isomavc1mp41"))
    assert not isobmff.sniff(b"\x00\x00\x00\x18ftypheic")
    assert not isobmff.sniff(b"")


@pytest.mark.parametrize(
    ("name", "fmt", "mime", "size"),
    [
        ("mei_IMG_1034.heic", "heic", "image/heic", (4032, 3024)),
        ("pillowheif_arrow.heic", "heic", "image/heic", (3024, 4032)),  # irot 270 swaps
        ("pillowheif_pug.heic", "heic", "image/heic", (4032, 3024)),
        ("pillowheif_xiaomi.heic", "heic", "image/heic", (2592, 1944)),
        ("mei_Issue_649_canon.avif", "avif", "image/avif", (5472, 3648)),
        ("immich_8bit-sRGB.avif", "avif", "image/avif", (1617, 1080)),
    ],
)
def test_inspect_format_and_displayed_size(name: str, fmt: str, mime: str, size: tuple[int, int]) -> None:
    ins = isobmff.read_metadata(read(name))
    assert (ins.format, ins.mime, (ins.width, ins.height)) == (fmt, mime, size)
    with Image.open(CORPUS / name) as im:
        assert im.size == size


def test_inspect_pug_reads_exif_every_xmp_item_and_aux_images() -> None:
    ins = isobmff.read_metadata(read("pillowheif_pug.heic"))
    gps = [f for f in ins.findings if f.label == "GPS position"]
    assert len(gps) == 1 and gps[0].block == "Exif item 50"
    assert gps[0].data is not None and gps[0].data["latitude"] == pytest.approx(44.8504777, abs=1e-6)
    assert {(f.label, f.value) for f in ins.by_category("device")} >= {("Camera model", "iPhone 13 Pro"), ("Software", "16.2")}
    xmp_blocks = [f.block for f in ins.findings if f.label == "XMP"]
    assert xmp_blocks == ["XMP item 51", "XMP item 53", "XMP item 55"]
    embedded = {(f.label, f.value, f.block) for f in ins.by_category("embedded")}
    assert embedded == {
        ("HDR gain map", "2016×1512 pixels, 128.1 kB", "hvc1 item 52"),
        ("Depth map", "768×576 pixels, 9.8 kB", "hvc1 item 54"),
    }
    kept = {f.label: f for f in ins.by_category("kept")}
    assert kept["ICC profile"].value == "Display P3"
    assert kept["Orientation"].data == {"irot": 0, "imir": None}
    assert ins.warnings == []


def test_inspect_thumbnail_and_icc_of_a_grid_come_from_its_items() -> None:
    ins = isobmff.read_metadata(read("mei_IMG_1034.heic"))
    thumbs = [f for f in ins.by_category("embedded") if f.label == "Thumbnail"]
    assert [(t.value, t.block, t.offset, t.length) for t in thumbs] == [("320×240 pixels, 15.0 kB", "hvc1 item 50", 3996, 14957)]
    # the grid has no colr; its tiles carry the Display P3 profile (libheif shows the first tile's)
    icc = [f for f in ins.findings if f.label == "ICC profile"]
    assert [(f.value, f.data) for f in icc] == [("Display P3", {"bytes": 548})]


def test_inspect_arrow_orientation_is_irot_not_exif() -> None:
    ins = isobmff.read_metadata(read("pillowheif_arrow.heic"))
    orientation = [f for f in ins.findings if f.label == "Orientation"]
    assert len(orientation) == 1  # the EXIF Orientation 6 is not "kept": HEIF readers ignore it
    assert orientation[0].category == "kept" and orientation[0].block == "irot"
    assert orientation[0].data == {"irot": 270, "imir": None}
    assert orientation[0].value == "rotated 90° clockwise"


def test_inspect_xiaomi_large_item_ids_and_free_box() -> None:
    ins = isobmff.read_metadata(read("pillowheif_xiaomi.heic"))
    assert any(f.label == "GPS position" and f.block == "Exif item 10025" for f in ins.findings)
    assert any(f.label == "EXIF thumbnail" for f in ins.findings)
    assert [(f.label, f.block, f.offset, f.length) for f in ins.findings if f.label == "Padding"] == [
        ("Padding", "free box", 1486, 12)
    ]


def test_inspect_avif_exif_serial_and_xmp() -> None:
    ins = isobmff.read_metadata(read("mei_Issue_649_canon.avif"))
    assert ("Body serial number", "053022005903") in {(f.label, f.value) for f in ins.findings}
    assert [f.block for f in ins.findings if f.label == "XMP"] == ["XMP item 3"]
    assert isobmff.read_metadata(read("immich_8bit-sRGB.avif")).findings == []


def test_inspect_json_is_plain_data() -> None:
    doc = isobmff.read_metadata(read("pillowheif_pug.heic")).to_json()
    assert json.loads(json.dumps(doc)) == doc


# ---- corpus: strip -------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[tuple[int, int], np.ndarray, bytes | None]:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.size, np.asarray(im), im.info.get("icc_profile") or None


@pytest.fixture(scope="module")
def stripped() -> dict[tuple[str, str], bytes]:
    return {(name, tag): isobmff.strip(read(name), opts) for name in HEIF_FILES for tag, opts in OPTION_SETS.items()}


@pytest.mark.parametrize("tag", list(OPTION_SETS))
@pytest.mark.parametrize("name", HEIF_FILES)
def test_strip_keeps_pixels_size_and_icc(name: str, tag: str, stripped: dict[tuple[str, str], bytes]) -> None:
    original = read(name)
    out = stripped[(name, tag)]
    assert len(out) < len(original)
    size, pixels, icc = _decode(original)
    size2, pixels2, icc2 = _decode(out)
    assert size2 == size  # irot applied exactly once
    assert pixels2.shape == pixels.shape and np.array_equal(pixels2, pixels)
    assert icc2 == (icc if OPTION_SETS[tag].keep_icc else None)


@pytest.mark.parametrize("tag", list(OPTION_SETS))
@pytest.mark.parametrize("name", HEIF_FILES)
def test_strip_is_idempotent_and_well_formed(name: str, tag: str, stripped: dict[tuple[str, str], bytes]) -> None:
    out = stripped[(name, tag)]
    assert isobmff.strip(out, OPTION_SETS[tag]) == out
    assert [b[0] for b in boxes(out)] == [b"ftyp", b"meta", b"mdat"]
    assert out[: boxes(out)[0][2]] == read(name)[: boxes(read(name))[0][2]]  # ftyp verbatim
    order = [b"hdlr", b"dinf", b"pitm", b"iinf", b"iref", b"iprp", b"idat", b"iloc"]
    children = meta_children(out)
    assert children == [k for k in order if k in children]


@pytest.mark.parametrize("name", HEIF_FILES)
def test_default_strip_leaves_only_kept_findings(name: str, stripped: dict[tuple[str, str], bytes]) -> None:
    out = stripped[(name, "default")]
    before = isobmff.read_metadata(read(name))
    after = isobmff.read_metadata(out)
    assert all(f.category == "kept" for f in after.findings), after.findings
    assert [(f.label, f.value, f.data) for f in after.findings] == [
        (f.label, f.value, f.data) for f in before.findings if f.category == "kept"
    ]
    assert (after.format, after.mime, after.width, after.height) == (before.format, before.mime, before.width, before.height)


@pytest.mark.parametrize("name", HEIF_FILES)
def test_strip_keeps_item_ids_and_primary_bytes(name: str, stripped: dict[tuple[str, str], bytes]) -> None:
    original = read(name)
    src = isobmff.parse(original)
    out = stripped[(name, "default")]
    dst = isobmff.parse(out)
    assert dst.primary == src.primary
    kept = isobmff.needed_items(original, src)
    assert set(dst.items) == kept
    for item_id in kept:
        if item_id in src.locations:
            assert isobmff.item_bytes(out, dst, dst.locations[item_id]) == isobmff.item_bytes(
                original, src, src.locations[item_id]
            )
    assert not any(i.type in ("Exif", "mime") for i in dst.items.values())


def test_strip_pug_drops_aux_images_and_xmp() -> None:
    out = isobmff.strip(read("pillowheif_pug.heic"), DEFAULT)
    heif = isobmff.parse(out)
    assert 52 not in heif.items and 54 not in heif.items
    assert {kind for kind, _, _ in heif.refs} == {"dimg"}
    assert [p.type for p in heif.properties] == ["colr", "hvcC", "ispe", "ispe", "irot", "pixi"]
    assert b"rdf:RDF" not in out and b"iPhone" not in out


def test_strip_without_icc_keeps_nclx() -> None:
    out = isobmff.strip(read("mei_Issue_649_canon.avif"), NO_ICC)
    heif = isobmff.parse(out)
    colr = [p for p in heif.properties if p.type == "colr"]
    assert [out[p.payload : p.payload + 4] for p in colr] == [b"nclx"]
    out = isobmff.strip(read("mei_IMG_1034.heic"), NO_ICC)
    assert not any(p.type == "colr" for p in isobmff.parse(out).properties)


def test_strip_keeps_icc_byte_for_byte() -> None:
    original = read("pillowheif_pug.heic")
    out = isobmff.strip(original, DEFAULT)
    src = next(p for p in isobmff.parse(original).properties if p.type == "colr")
    dst = next(p for p in isobmff.parse(out).properties if p.type == "colr")
    assert out[dst.start : dst.end] == original[src.start : src.end]


@pytest.mark.parametrize("name", ["mei_IMG_1034.heic", "pillowheif_pug.heic", "pillowheif_xiaomi.heic"])
def test_keep_location_writes_a_gps_only_exif_item(name: str, stripped: dict[tuple[str, str], bytes]) -> None:
    original = read(name)
    out = stripped[(name, "keep-location")]
    src, dst = isobmff.parse(original), isobmff.parse(out)
    exif_items = [i for i in dst.items.values() if i.type == "Exif"]
    assert len(exif_items) == 1
    exif_id = exif_items[0].id
    assert src.items[exif_id].type == "Exif"  # the source item's ID is reused
    assert dst.refs[-1] == ("cdsc", exif_id, [dst.primary])
    payload = isobmff.item_bytes(out, dst, dst.locations[exif_id])
    assert payload[:4] == b"\x00\x00\x00\x00"
    info = exif_mod.parse(payload[4:])
    assert info.gps is not None and 2 in info.gps.entries
    assert info.exif is None and set(info.ifd0.entries) == {exif_mod.TAG_GPS_IFD}  # no Make, no Orientation
    ins = isobmff.read_metadata(out)
    assert {f.category for f in ins.findings} <= {"location", "time", "blocks", "kept"}
    assert any(f.label == "GPS position" for f in ins.findings)


def test_keep_location_without_gps_adds_nothing() -> None:
    assert isobmff.strip(read("pillowheif_arrow.heic"), KEEP_LOCATION) == isobmff.strip(read("pillowheif_arrow.heic"), DEFAULT)


def test_exiftool_finds_nothing_private(tmp_path: Path, stripped: dict[tuple[str, str], bytes]) -> None:
    exe = shutil.which("exiftool")
    assert exe is not None, "exiftool is required (Debian package libimage-exiftool-perl)"
    paths = []
    for name in HEIF_FILES:
        for tag in ("default", "no-icc"):
            path = tmp_path / f"{tag}-{name}"
            path.write_bytes(stripped[(name, tag)])
            paths.append(path)
    run = subprocess.run([exe, "-j", "-a", "-G1", "-u", "-s", *map(str, paths)], capture_output=True, text=True, check=False)
    forbidden = (
        "GPS",
        "Make",
        "Model",
        "Serial",
        "Date",
        "Software",
        "HostComputer",
        "Lens",
        "Thumbnail",
        "Handler Description",
        "HandlerDescription",
    )
    for doc in json.loads(run.stdout):
        for key, value in doc.items():
            group = key.split(":", 1)[0]
            if group in ("System", "ExifTool", "File") or group.startswith("ICC"):
                continue  # file-system dates, and the ICC header's profile date
            assert group not in ("IFD0", "ExifIFD", "GPS", "XMP", "XMP-x", "MakerNotes", "Apple", "IFD1"), (
                doc["SourceFile"],
                key,
            )
            assert not any(word in key for word in forbidden), (doc["SourceFile"], key, value)
    validate = subprocess.run(
        [exe, "-validate", "-warning", "-a", "-s", *map(str, paths)], capture_output=True, text=True, check=False
    )
    assert "Warning" not in validate.stdout and "Error" not in validate.stdout, validate.stdout


# ---- corpus: broken -------------------------------------------------------------------------------------


def test_a_truncated_heic_is_damaged_and_names_the_item_and_offsets() -> None:
    data = read("broken_truncated.heic")
    report = isobmff.read_metadata(data)
    assert report.damaged and report.warnings[-1].startswith(
        "damaged: HEIC: at byte 245687: truncated: item 18's data (bytes 245687–268132) lies beyond the end of the file (252382 bytes)"
    )
    out = isobmff.strip(data, DEFAULT)
    assert not isobmff.read_metadata(out).damaged and len(out) < len(data)


def test_cut_before_the_item_data_is_refused_and_after_it_damaged() -> None:
    data = read("mei_Issue_649_canon.avif")
    mdat = next(b for b in boxes(data) if b[0] == b"mdat")
    for cut in (10, 30, 100, 300, mdat[1] - 1):
        with pytest.raises(FormatError):
            isobmff.strip(data[:cut], DEFAULT)
    for cut in (mdat[1] + 20, len(data) - 1):
        assert isobmff.read_metadata(data[:cut]).damaged
        assert not isobmff.read_metadata(isobmff.strip(data[:cut], DEFAULT)).damaged


# ---- synthetic: iloc variants --------------------------------------------------------------------------


ILOC_VARIANTS = [
    # (version, offset_size, length_size, base_offset_size, index_size)
    (0, 4, 4, 0, 0),
    (0, 8, 8, 0, 0),
    (0, 4, 4, 4, 0),
    (1, 4, 4, 0, 0),
    (1, 8, 4, 8, 4),
    (1, 0, 4, 4, 0),
    (2, 4, 8, 0, 8),
    (2, 8, 8, 8, 0),
]


@pytest.mark.parametrize("variant", ILOC_VARIANTS, ids=[f"v{v}-o{o}-l{l}-b{b}-i{i}" for v, o, l, b, i in ILOC_VARIANTS])
def test_iloc_variants(variant: tuple[int, int, int, int, int]) -> None:
    version, offset_size, length_size, base_size, index_size = variant
    layout = Layout(
        iloc_version=version, offset_size=offset_size, length_size=length_size, base_size=base_size, index_size=index_size
    )
    data = photo(layout, extents=1 if offset_size == 0 else 3)
    assert item_data(data, 1) == PRIMARY_DATA
    assert item_data(data, 2) == THUMB_DATA
    out = isobmff.strip(data, DEFAULT)
    heif = isobmff.parse(out)
    assert list(heif.items) == [1]
    assert heif.locations[1].extents == [(heif.locations[1].extents[0][0], len(PRIMARY_DATA))]  # merged
    assert item_data(out, 1) == PRIMARY_DATA
    iloc = meta_box(out, b"iloc")
    assert iloc[8:14] == bytes([0, 0, 0, 0, 0x44, 0x00])  # version 0, 4-byte offsets and lengths
    assert isobmff.strip(out, DEFAULT) == out


def test_iloc_length_size_0_means_to_the_end() -> None:
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,))]
    data = make_heif(items, [HVCC, ISPE_64x48], [], 1, Layout(iloc_version=1, length_size=0))
    assert item_data(data, 1) == PRIMARY_DATA
    out = isobmff.strip(data, DEFAULT)
    assert item_data(out, 1) == PRIMARY_DATA
    assert out.endswith(PRIMARY_DATA)


def test_input_with_64bit_mdat_and_64bit_property() -> None:
    big_hvcc = box64(b"hvcC", bytes([1]) + bytes(22))
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,), extents=2)]
    data = make_heif(items, [big_hvcc, ISPE_64x48], [], 1, Layout(mdat64=True))
    out = isobmff.strip(data, DEFAULT)
    assert item_data(out, 1) == PRIMARY_DATA
    assert big_hvcc in out  # properties are copied verbatim, header and all
    assert out[boxes(out)[2][1] + 4 : boxes(out)[2][1] + 8] == b"mdat" and struct.unpack_from(">I", out, boxes(out)[2][1])[0] != 1


def test_top_level_size_0_box_runs_to_the_end() -> None:
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,))]
    data = make_heif(items, [HVCC, ISPE_64x48], [], 1, Layout(mdat_size0=True))
    assert item_data(isobmff.strip(data, DEFAULT), 1) == PRIMARY_DATA


# ---- synthetic: what is kept and removed --------------------------------------------------------------


def grid_photo(layout: Layout | None = None) -> bytes:
    """A 2-tile grid (descriptor in idat) with an alpha grid, a depth map, a matte and a thumbnail."""
    items = [
        Spec(10, b"grid", GRID, props=(2, 5), essential=(5,), idat=True),
        Spec(11, b"hvc1", b"TILE-A" * 20, props=(1, 3, 4), essential=(1,), flags=1),
        Spec(12, b"hvc1", b"TILE-B" * 20, props=(1, 3, 4), essential=(1,), flags=1, extents=2),
        Spec(20, b"grid", GRID, props=(2, 6), essential=(6,), idat=True, flags=1),
        Spec(21, b"hvc1", b"ALPHA-A" * 9, props=(1, 3), essential=(1,), flags=1),
        Spec(22, b"hvc1", b"ALPHA-B" * 9, props=(1, 3), essential=(1,), flags=1),
        Spec(30, b"hvc1", b"DEPTH" * 30, props=(1, 3, 7), essential=(1,), flags=1),
        Spec(31, b"hvc1", b"MATTE" * 30, props=(1, 3, 8), essential=(1,), flags=1),
        Spec(40, b"hvc1", THUMB_DATA, props=(1, 3), essential=(1,)),
        Spec(50, b"Exif", EXIF_PAYLOAD, flags=1),
    ]
    props = [HVCC, ISPE_64x48, ISPE_8x6, COLR_ICC, IROT_90, AUXC_ALPHA, AUXC_DEPTH, AUXC_MATTE]
    refs = [
        (b"dimg", 10, [11, 12]),
        (b"dimg", 20, [21, 22]),
        (b"auxl", 20, [10]),
        (b"auxl", 30, [10]),
        (b"auxl", 31, [10]),
        (b"thmb", 40, [10]),
        (b"cdsc", 50, [10]),
    ]
    return make_heif(items, props, refs, 10, layout)


def test_grid_keeps_tiles_alpha_and_idat_drops_depth_matte_thumbnail() -> None:
    data = grid_photo()
    out = isobmff.strip(data, DEFAULT)
    heif = isobmff.parse(out)
    assert list(heif.items) == [10, 11, 12, 20, 21, 22]
    assert heif.refs == [("dimg", 10, [11, 12]), ("dimg", 20, [21, 22]), ("auxl", 20, [10])]
    assert heif.idat is not None and out[heif.idat.payload : heif.idat.end] == GRID + GRID
    assert [heif.locations[i].method for i in heif.items] == [1, 0, 0, 1, 0, 0]
    for item_id in heif.items:
        assert item_data(out, item_id) == item_data(data, item_id)
    # properties renumbered: hvcC ispe ispe colr irot auxC(alpha); depth/matte auxC gone
    assert [p.type for p in heif.properties] == ["hvcC", "ispe", "ispe", "colr", "irot", "auxC"]
    assert heif.assoc[10] == [(2, False), (5, True)]
    assert heif.assoc[20] == [(2, False), (6, True)]
    assert heif.assoc[11] == [(1, True), (3, False), (4, False)]
    assert meta_box(out, b"iloc")[8] == 1  # idat items need iloc version 1
    assert isobmff.strip(out, DEFAULT) == out
    ins = isobmff.read_metadata(data)
    assert [(f.label, f.block) for f in ins.by_category("embedded")] == [
        ("Depth map", "hvc1 item 30"),
        ("Portrait matte", "hvc1 item 31"),
        ("Thumbnail", "hvc1 item 40"),
    ]
    assert (ins.width, ins.height) == (48, 64)  # irot 90 on the grid
    assert ins.by_category("kept")[0].data == {"irot": 90, "imir": None}


def test_no_icc_drops_the_colour_property_from_every_tile() -> None:
    out = isobmff.strip(grid_photo(), NO_ICC)
    heif = isobmff.parse(out)
    assert [p.type for p in heif.properties] == ["hvcC", "ispe", "ispe", "irot", "auxC"]
    assert heif.assoc[11] == [(1, True), (3, False)]


def test_orientation_with_mirror() -> None:
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2, 3, 4), essential=(1, 3, 4))]
    data = make_heif(items, [HVCC, ISPE_64x48, IROT_90, IMIR_0], [], 1)
    kept = isobmff.read_metadata(data).by_category("kept")
    assert [(f.label, f.value, f.block, f.data) for f in kept] == [
        ("Orientation", "rotated 90° counter-clockwise, mirrored left–right", "irot + imir", {"irot": 90, "imir": 0})
    ]
    out = isobmff.strip(data, DEFAULT)
    assert [p.type for p in isobmff.parse(out).properties] == ["hvcC", "ispe", "irot", "imir"]
    after = isobmff.read_metadata(out)
    assert [(f.label, f.value, f.data) for f in after.findings] == [(f.label, f.value, f.data) for f in kept]
    assert (after.width, after.height) == (48, 64)


def test_metadata_properties_are_reported_and_dropped() -> None:
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2, 3, 4), essential=(1,))]
    data = make_heif(items, [HVCC, UDES, ISPE_64x48, CRTT], [], 1)
    ins = isobmff.read_metadata(data)
    assert [(f.category, f.label, f.value) for f in ins.findings] == [
        ("people", "Description property", "Birthday / Anna at home / family"),
        ("time", "Created", "2024-01-01 00:00:00 UTC"),
    ]
    out = isobmff.strip(data, DEFAULT)
    heif = isobmff.parse(out)
    assert [p.type for p in heif.properties] == ["hvcC", "ispe"]
    assert heif.assoc[1] == [(1, True), (2, False)]
    assert b"Anna" not in out


def test_hdlr_name_free_uuid_unknown_boxes_and_trailing_data_go() -> None:
    uuid = box(b"uuid", bytes(range(16)) + b"vendor")
    layout = Layout(
        extra_top=box(b"free", bytes(10)) + uuid + box(b"abcd", b"x"),
        extra_meta=full(b"xml ", 0, 0, XMP_PACKET),
        trailing=b"\x00\x01\x02 secret trailing data",
    )
    data = photo(layout)
    ins = isobmff.read_metadata(data)
    blocks = [(f.label, f.block) for f in ins.by_category("blocks")]
    assert ("Padding", "free box") in blocks and ("Vendor block", "uuid box") in blocks
    assert ("Unknown box", "abcd box") in blocks and ("XML metadata", "xml  box") in blocks
    assert blocks[-1] == ("Data after the end of the image", "trailer")
    assert any(f.label == "Software" and f.value == "SecretCam 1.0" and f.block == "xml  box" for f in ins.findings)
    out = isobmff.strip(data, DEFAULT)
    assert [b[0] for b in boxes(out)] == [b"ftyp", b"meta", b"mdat"]
    assert b"privpix-test" not in out and b"secret" not in out and b"vendor" not in out and b"SecretCam" not in out
    assert meta_box(out, b"hdlr") == full(b"hdlr", 0, 0, bytes(4) + b"pict" + bytes(12) + b"\x00")


def test_unreferenced_and_other_items_go() -> None:
    items = [
        Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,)),
        Spec(2, b"hvc1", b"ANOTHER" * 10, props=(1, 2), essential=(1,)),
        Spec(3, b"mime", b"<note/>", content_type=b"application/xml"),
        Spec(4, b"uri ", b"payload"),
    ]
    data = make_heif(items, [HVCC, ISPE_64x48], [], 1, Layout(iloc_first=True))
    ins = isobmff.read_metadata(data)
    assert [(f.category, f.label) for f in ins.findings] == [
        ("embedded", "Other image"),
        ("blocks", "Metadata item"),
        ("blocks", "Item"),
    ]
    out = isobmff.strip(data, DEFAULT)
    assert list(isobmff.parse(out).items) == [1]
    assert b"ANOTHER" not in out and b"<note/>" not in out


def test_keep_groups_in_synthetic_file() -> None:
    data = photo()
    out = isobmff.strip(data, StripOptions(keep=frozenset({"location", "camera"})))
    heif = isobmff.parse(out)
    assert list(heif.items) == [1, 3]
    assert heif.items[3].type == "Exif" and heif.items[3].flags == 1
    assert heif.refs == [("cdsc", 3, [1])]
    payload = item_data(out, 3)
    info = exif_mod.parse(payload[4:])
    assert payload[:4] == bytes(4)
    assert set(info.ifd0.entries) == {0x010F, exif_mod.TAG_GPS_IFD}  # Make kept, Orientation not
    assert 3 not in heif.assoc
    assert isobmff.strip(out, StripOptions(keep=frozenset({"location", "camera"}))) == out
    assert isobmff.strip(out, DEFAULT) == isobmff.strip(data, DEFAULT)
    # a keep-group with nothing to keep writes no Exif item
    assert isobmff.strip(data, StripOptions(keep=frozenset({"rights"}))) == isobmff.strip(data, DEFAULT)


def test_large_item_ids_and_wide_property_indices() -> None:
    base = 70000
    items = [
        Spec(base, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,), extents=2),
        Spec(base + 1, b"Exif", EXIF_PAYLOAD, flags=1),
    ]
    layout = Layout(iloc_version=2, ipma_flags=1)
    data = make_heif(items, [HVCC, ISPE_64x48], [(b"cdsc", base + 1, [base])], base, layout)
    ins = isobmff.read_metadata(data)
    assert any(f.label == "GPS position" and f.block == f"Exif item {base + 1}" for f in ins.findings)
    out = isobmff.strip(data, DEFAULT)
    heif = isobmff.parse(out)
    assert heif.primary == base and list(heif.items) == [base] and heif.items[base].version == 3
    assert meta_box(out, b"iloc")[8] == 2 and meta_box(out, b"pitm")[8] == 1
    ipma = child(out, child(out, meta_of(out), b"iprp", skip=4), b"ipma")
    assert out[ipma[3] : ipma[3] + 4] == bytes([1, 0, 0, 0])  # version 1, flags recomputed to 0
    assert item_data(out, base) == PRIMARY_DATA
    kept = isobmff.strip(data, KEEP_LOCATION)
    assert isobmff.parse(kept).refs == [("cdsc", base + 1, [base])]
    iref = meta_box(kept, b"iref")
    assert iref[8] == 1 and iref[12:] == box(b"cdsc", struct.pack(">IHI", base + 1, 1, base))


def test_more_than_127_properties_use_16bit_indices() -> None:
    filler = [box(b"pasp", struct.pack(">II", 1, i + 1)) for i in range(130)]  # known, so kept
    props = [HVCC, ISPE_64x48] + filler
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2) + tuple(range(3, 133)), essential=(1,))]
    data = make_heif(items, props, [], 1, Layout(ipma_flags=1))
    out = isobmff.strip(data, DEFAULT)
    ipma = child(out, child(out, meta_of(out), b"iprp", skip=4), b"ipma")
    assert out[ipma[3] : ipma[3] + 4] == bytes([0, 0, 0, 1])
    heif = isobmff.parse(out)
    assert len(heif.properties) == 132 and heif.assoc[1][131] == (132, False)
    assert isobmff.strip(out, DEFAULT) == out


# ---- synthetic: golden output bytes (the layout the TypeScript port must reproduce) --------------------


def test_golden_single_image() -> None:
    data = photo(
        Layout(
            iloc_version=1,
            offset_size=8,
            length_size=8,
            base_size=4,
            index_size=4,
            extra_top=box(b"free", b"pad"),
            trailing=b"junk",
        )
    )
    out = isobmff.strip(data, DEFAULT)
    ftyp = box(b"ftyp", b"heic" + bytes(4) + b"mif1heic")
    hdlr = full(b"hdlr", 0, 0, bytes(4) + b"pict" + bytes(12) + b"\x00")
    dinf = box(b"dinf", full(b"dref", 0, 0, struct.pack(">I", 1) + full(b"url ", 0, 1, b"")))
    pitm = full(b"pitm", 0, 0, struct.pack(">H", 1))
    iinf = full(b"iinf", 0, 0, struct.pack(">H", 1) + full(b"infe", 2, 0, struct.pack(">HH", 1, 0) + b"hvc1\x00"))
    ipco = box(b"ipco", HVCC + ISPE_64x48 + COLR_ICC + IROT_90)
    ipma = full(b"ipma", 0, 0, struct.pack(">IHB", 1, 1, 4) + bytes([0x81, 0x02, 0x03, 0x84]))
    iprp = box(b"iprp", ipco + ipma)
    iloc_len = 12 + 2 + 2 + 2 + 2 + 2 + 4 + 4
    meta_len = 12 + len(hdlr) + len(dinf) + len(pitm) + len(iinf) + len(iprp) + iloc_len
    offset = len(ftyp) + meta_len + 8
    iloc = full(b"iloc", 0, 0, bytes([0x44, 0]) + struct.pack(">HHHHII", 1, 1, 0, 1, offset, len(PRIMARY_DATA)))
    meta = full(b"meta", 0, 0, hdlr + dinf + pitm + iinf + iprp + iloc)
    assert len(meta) == meta_len
    assert out == ftyp + meta + box(b"mdat", PRIMARY_DATA)


def test_golden_grid_with_idat_alpha_and_kept_exif() -> None:
    data = grid_photo()
    out = isobmff.strip(data, StripOptions(keep_icc=False, keep=frozenset({"location"})))
    tiles = [b"TILE-A" * 20, b"TILE-B" * 20, b"ALPHA-A" * 9, b"ALPHA-B" * 9]
    exif_payload = bytes(4) + exif_mod.build(exif_mod.parse(gps_tiff()), exif_mod.kept_tags({"location"}, orientation=False))
    ftyp = box(b"ftyp", b"heic" + bytes(4) + b"mif1heic")
    hdlr = full(b"hdlr", 0, 0, bytes(4) + b"pict" + bytes(12) + b"\x00")
    dinf = box(b"dinf", full(b"dref", 0, 0, struct.pack(">I", 1) + full(b"url ", 0, 1, b"")))
    pitm = full(b"pitm", 0, 0, struct.pack(">H", 10))

    def infe(item_id: int, kind: bytes, flags: int) -> bytes:
        return full(b"infe", 2, flags, struct.pack(">HH", item_id, 0) + kind + b"\x00")

    iinf = full(
        b"iinf",
        0,
        0,
        struct.pack(">H", 7)
        + infe(10, b"grid", 0)
        + infe(11, b"hvc1", 1)
        + infe(12, b"hvc1", 1)
        + infe(20, b"grid", 1)
        + infe(21, b"hvc1", 1)
        + infe(22, b"hvc1", 1)
        + infe(50, b"Exif", 1),
    )
    iref = full(
        b"iref",
        0,
        0,
        box(b"dimg", struct.pack(">HHHH", 10, 2, 11, 12))
        + box(b"dimg", struct.pack(">HHHH", 20, 2, 21, 22))
        + box(b"auxl", struct.pack(">HHH", 20, 1, 10))
        + box(b"cdsc", struct.pack(">HHH", 50, 1, 10)),
    )
    ipco = box(b"ipco", HVCC + ISPE_64x48 + ISPE_8x6 + IROT_90 + AUXC_ALPHA)
    entries = [
        (10, [0x02, 0x84]),
        (11, [0x81, 0x03]),
        (12, [0x81, 0x03]),
        (20, [0x02, 0x85]),
        (21, [0x81, 0x03]),
        (22, [0x81, 0x03]),
    ]
    ipma = full(
        b"ipma", 0, 0, struct.pack(">I", len(entries)) + b"".join(struct.pack(">HB", i, len(a)) + bytes(a) for i, a in entries)
    )
    iprp = box(b"iprp", ipco + ipma)
    idat = box(b"idat", GRID + GRID)
    # iloc order = source order: 10 (idat 0), 11, 12, 20 (idat 8), 21, 22, 50 -> mdat in that order
    stored = [(10, 1, 0, 8), (11, 0, 0, len(tiles[0])), (12, 0, len(tiles[0]), len(tiles[1])), (20, 1, 8, 8)]
    at = len(tiles[0]) + len(tiles[1])
    for item_id, tile in ((21, tiles[2]), (22, tiles[3])):
        stored.append((item_id, 0, at, len(tile)))
        at += len(tile)
    stored.append((50, 0, at, len(exif_payload)))
    iloc_len = 12 + 2 + 2 + len(stored) * (2 + 2 + 2 + 2 + 4 + 4)
    meta_len = 12 + sum(map(len, (hdlr, dinf, pitm, iinf, iref, iprp, idat))) + iloc_len
    mdat_start = len(ftyp) + meta_len + 8
    body = bytes([0x44, 0]) + struct.pack(">H", len(stored))
    for item_id, method, off, length in stored:
        body += struct.pack(">HHHHII", item_id, method, 0, 1, off + (mdat_start if method == 0 else 0), length)
    iloc = full(b"iloc", 1, 0, body)
    meta = full(b"meta", 0, 0, hdlr + dinf + pitm + iinf + iref + iprp + idat + iloc)
    assert len(meta) == meta_len
    expected = ftyp + meta + box(b"mdat", b"".join(tiles) + exif_payload)
    assert out == expected


# ---- synthetic: errors --------------------------------------------------------------------------------


def test_item_beyond_the_end_is_named() -> None:
    data = photo(extents=1)
    heif = isobmff.parse(data)
    off, length = heif.locations[1].extents[0]
    cut = data[: off + 10]
    assert (
        isobmff.read_metadata(cut)
        .warnings[-1]
        .startswith(
            f"damaged: HEIC: at byte {off}: truncated: item 1's data (bytes {off}–{off + length}) lies beyond the end of the file ({off + 10} bytes)"
        )
    )
    out = isobmff.strip(cut, DEFAULT)
    assert item_data(out, 1) == cut[off:]  # the ten bytes that are there


def test_mdat_longer_than_the_file_is_truncated_even_if_items_fit() -> None:
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,))]
    data = make_heif(items, [HVCC, ISPE_64x48], [], 1)
    mdat = boxes(data)[-1]
    assert mdat[0] == b"mdat"
    # grow the mdat's declared size past the end of the file
    broken = data[: mdat[1]] + struct.pack(">I", mdat[2] - mdat[1] + 100) + data[mdat[1] + 4 :]
    report = isobmff.read_metadata(broken)
    assert report.damaged and re.search(
        r"truncated: the 'mdat' box \(bytes \d+–\d+\) runs past the end of the file", report.warnings[-1]
    )


def test_idat_item_beyond_idat_is_an_error() -> None:
    data = grid_photo()
    idat = child(data, meta_of(data), b"idat", skip=4)
    # shrink the idat box by 8 bytes and turn them into a free box, so every other offset stays valid
    broken = bytearray(data)
    struct.pack_into(">I", broken, idat[1], idat[2] - idat[1] - 8)
    broken[idat[2] - 8 : idat[2]] = struct.pack(">I", 8) + b"free"
    with pytest.raises(FormatError) as err:
        isobmff.read_metadata(bytes(broken))
    assert err.value.expected == "item 20's data (bytes 8–16 of 'idat') lies beyond the end of the 'idat' box (8 bytes)"


def _with_meta_child(extra: bytes) -> bytes:
    return photo(Layout(extra_meta=extra))


def test_zero_size_box_inside_meta() -> None:
    data = _with_meta_child(struct.pack(">I", 0) + b"free")
    with pytest.raises(FormatError, match="has size 0"):
        isobmff.read_metadata(data)


def test_box_smaller_than_its_header() -> None:
    data = _with_meta_child(struct.pack(">I", 4) + b"free")
    with pytest.raises(FormatError, match="smaller than its 8-byte header"):
        isobmff.strip(data, DEFAULT)
    data = _with_meta_child(struct.pack(">I", 1) + b"free" + struct.pack(">Q", 8))
    with pytest.raises(FormatError, match="64-bit size of 8"):
        isobmff.strip(data, DEFAULT)


def test_box_running_past_its_parent() -> None:
    data = photo()
    iprp = child(data, meta_of(data), b"iprp", skip=4)
    ipco = child(data, iprp, b"ipco")
    broken = bytearray(data)
    struct.pack_into(">I", broken, ipco[1], ipco[2] - ipco[1] + 200)
    with pytest.raises(FormatError, match=r"the 'ipco' box \(bytes \d+–\d+\) runs past the end of the 'iprp' box"):
        isobmff.read_metadata(bytes(broken))


def test_bad_iloc_field_size() -> None:
    data = photo()
    iloc = child(data, meta_of(data), b"iloc", skip=4)
    broken = bytearray(data)
    broken[iloc[3] + 4] = 0x34  # offset_size 3
    with pytest.raises(FormatError, match="iloc offset size of 0, 4 or 8"):
        isobmff.read_metadata(bytes(broken))


def test_property_index_beyond_ipco() -> None:
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 9), essential=(1,))]
    data = make_heif(items, [HVCC, ISPE_64x48], [], 1)
    with pytest.raises(FormatError, match="uses property 9, but 'ipco' has only 2"):
        isobmff.read_metadata(data)


def test_not_heif_and_missing_meta() -> None:
    with pytest.raises(FormatError, match="expected an 'ftyp' box"):
        isobmff.read_metadata(read("exifsamples_DSCN0010.jpg"))
    data = box(b"ftyp", b"heic" + bytes(4) + b"mif1heic") + box(b"mdat", b"x")
    with pytest.raises(FormatError, match="expected a 'meta' box"):
        isobmff.read_metadata(data)


def test_image_sequence_is_unsupported() -> None:
    data = photo(Layout(brand=b"msf1", extra_top=box(b"moov", box(b"mvhd", bytes(100)))))
    with pytest.raises(UnsupportedError, match="image sequence"):
        isobmff.strip(data, DEFAULT)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (dict(method=2), "construction method 2"),
        (dict(protection=1), "protected"),
        (dict(no_location=True), "has no location"),
    ],
)
def test_unrewritable_primary(spec: dict[str, object], message: str) -> None:
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,), **spec)]  # type: ignore[arg-type]
    data = make_heif(items, [HVCC, ISPE_64x48], [], 1)
    with pytest.raises(FormatError, match=message):
        isobmff.strip(data, DEFAULT)


def test_old_infe_primary_is_unsupported() -> None:
    items = [Spec(1, b"", PRIMARY_DATA, props=(1, 2), essential=(1,))]
    data = make_heif(items, [HVCC, ISPE_64x48], [], 1, Layout(infe_version=1))
    with pytest.raises(UnsupportedError, match="old-style 'infe'"):
        isobmff.strip(data, DEFAULT)

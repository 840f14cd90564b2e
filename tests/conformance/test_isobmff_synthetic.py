"""HEIC/HEIF/AVIF conformance beyond the corpus: both engines on many synthetic files.

The corpus holds six well-formed HEIF files, all written by a handful of encoders. This builds varied
ones with the independent writer of ``tests/formats/test_isobmff.py`` (``make_heif`` and its
``photo``/``grid_photo``: every iloc version and field size, idat items, several extents, 64-bit
sizes, large item IDs, more than 127 properties, alpha/depth/matte/thumbnail/gain-map images,
metadata properties, dropped boxes, trailing data, keep-groups Exif) plus a small raw writer here for
what ``make_heif`` cannot express (several ipma/iref boxes, old infe versions, external data
references, 8-byte fields beyond 2^53, broken headers) — and every error the reader names. Then a
few hundred seeded byte flips and truncations of the corpus HEIC/AVIF files.

Each file is stripped (default, ``--no-keep-icc``, ``--keep location``) and inspected by the Python
engine and by the TypeScript engine (``web/scripts/engine-cli.ts`` under Node): output bytes, strip
reports, error messages and inspect JSON must be identical.
"""

from __future__ import annotations

import random
import struct
from typing import Any, Callable

import pytest

from privpix.formats import isobmff
from privpix.options import StripOptions
from tests.conformance.two_engines import TsRuns, engine_mismatch, python_outcome, run_ts_on_cases
from tests.conftest import CORPUS
from tests.formats.test_isobmff import (
    AUXC_ALPHA,
    AUXC_DEPTH,
    AUXC_MATTE,
    COLR_ICC,
    COLR_NCLX,
    CRTT,
    EXIF_PAYLOAD,
    GRID,
    HEIF_FILES,
    HVCC,
    ILOC_VARIANTS,
    IMIR_0,
    IROT_90,
    PIXI,
    PRIMARY_DATA,
    THUMB_DATA,
    UDES,
    XMP_CT,
    XMP_PACKET,
    ISPE_8x6,
    ISPE_64x48,
    Layout,
    Spec,
    box,
    box64,
    full,
    grid_photo,
    make_heif,
    make_icc,
    photo,
    uint,
)

VARIANTS: dict[str, tuple[list[str], StripOptions]] = {
    "default": ([], StripOptions()),
    "no-icc": (["--no-keep-icc"], StripOptions(keep_icc=False)),
    "keep-location": (["--keep", "location"], StripOptions(keep=frozenset({"location"}))),
}
FUZZ_VARIANTS = ("default", "keep-location")

CASES: dict[str, bytes] = {}


def case(fn: Callable[[], bytes | dict[str, bytes]]) -> Callable[[], Any]:
    made = fn()
    for key, data in made.items() if isinstance(made, dict) else [("", made)]:
        name = f"{fn.__name__}_{key}" if key else fn.__name__
        assert name not in CASES, name
        CASES[name] = data
    return fn


# ---- a raw writer for what make_heif cannot express -----------------------------------------------------

HDLR = full(b"hdlr", 0, 0, bytes(4) + b"pict" + bytes(12) + b"raw-writer\x00")
DINF = box(b"dinf", full(b"dref", 0, 0, struct.pack(">I", 1) + full(b"url ", 0, 1, b"")))


def infe(
    item_id: int, kind: bytes, version: int = 2, flags: int = 0, name: bytes = b"", extra: bytes = b"", protection: int = 0
) -> bytes:
    if version >= 2:
        body = uint(item_id, 4 if version == 3 else 2) + struct.pack(">H", protection) + kind + name + b"\x00" + extra
    else:
        body = struct.pack(">HH", item_id, protection) + name + b"\x00" + extra
    return full(b"infe", version, flags, body)


def iinf(*infes: bytes, version: int = 0) -> bytes:
    return full(b"iinf", version, 0, uint(len(infes), 2 if version == 0 else 4) + b"".join(infes))


def pitm(item_id: int, version: int = 0) -> bytes:
    return full(b"pitm", version, 0, uint(item_id, 2 if version == 0 else 4))


def iref(*refs: tuple[bytes, int, list[int]], version: int = 0) -> bytes:
    w = 2 if version == 0 else 4
    return full(
        b"iref",
        version,
        0,
        b"".join(
            box(kind, uint(src, w) + struct.pack(">H", len(to)) + b"".join(uint(t, w) for t in to)) for kind, src, to in refs
        ),
    )


def ipma(*entries: tuple[int, list[tuple[int, bool]]], version: int = 0, flags: int = 0) -> bytes:
    body = struct.pack(">I", len(entries))
    for item_id, assocs in entries:
        body += uint(item_id, 2 if version == 0 else 4) + bytes([len(assocs)])
        for index, ess in assocs:
            body += struct.pack(">H", (ess << 15) | index) if flags & 1 else bytes([(ess << 7) | index])
    return full(b"ipma", version, flags, body)


def iprp(props: list[bytes], *ipmas: bytes) -> bytes:
    return box(b"iprp", box(b"ipco", b"".join(props)) + b"".join(ipmas))


Extent = tuple[int, int]


def iloc(
    entries: list[tuple[int, int, int, list[Extent]]],
    mdat_start: int,
    version: int = 1,
    offset_size: int = 4,
    length_size: int = 4,
) -> bytes:
    """entries: (item, method, data reference, extents); method-0 offsets are relative to the mdat payload."""
    body = bytes([(offset_size << 4) | length_size, 0]) + uint(len(entries), 4 if version == 2 else 2)
    for item_id, method, dref, extents in entries:
        body += uint(item_id, 4 if version == 2 else 2)
        if version >= 1:
            body += struct.pack(">H", method)
        body += struct.pack(">HH", dref, len(extents))
        for off, n in extents:
            body += uint(off + (mdat_start if method == 0 else 0), offset_size) + uint(n, length_size)
    return full(b"iloc", version, 0, body)


def raw_heif(
    meta: Callable[[int], list[bytes]], mdat: bytes, brand: bytes = b"heic", extra_top: bytes = b"", trailing: bytes = b""
) -> bytes:
    """ftyp, meta (its children from ``meta(mdat payload offset)``), extra_top, mdat, trailing."""
    ftyp = box(b"ftyp", brand + bytes(4) + b"mif1" + brand)
    probe = full(b"meta", 0, 0, b"".join(meta(0)))
    start = len(ftyp) + len(probe) + len(extra_top) + 8
    return ftyp + full(b"meta", 0, 0, b"".join(meta(start))) + extra_top + box(b"mdat", mdat) + trailing


def one_image(
    props: list[bytes],
    layout: Layout | None = None,
    essential: tuple[int, ...] = (1,),
    extra: list[Spec] | None = None,
    refs: list[tuple[bytes, int, list[int]]] | None = None,
) -> bytes:
    """Item 1 (hvc1, PRIMARY_DATA) associated with every property in ``props``, plus ``extra`` items."""
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=tuple(range(1, len(props) + 1)), essential=essential)] + (extra or [])
    return make_heif(items, props, refs or [], 1, layout)


def mdft(micros: int) -> bytes:
    return full(b"mdft", 0, 0, struct.pack(">Q", micros))


def crtt(micros: int) -> bytes:
    return full(b"crtt", 0, 0, struct.pack(">Q", micros))


def exif_payload(tiff: bytes, prefix: bytes = b"") -> bytes:
    return struct.pack(">I", len(prefix)) + prefix + tiff


def make_only_tiff() -> bytes:
    """Little-endian EXIF with Make "Cam" only (nothing for the location keep-group)."""
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHI", 0x010F, 2, 4) + b"Cam\x00" + bytes(4)
    return b"II*\x00" + struct.pack("<I", 8) + ifd0


def replace_once(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1 and len(old) == len(new), (old, data.count(old))
    return data.replace(old, new)


# ---- valid files --------------------------------------------------------------------------------------------


@case
def photos() -> dict[str, bytes]:
    out = {"default": photo(), "one_extent": photo(extents=1), "hidden_flags_avif": photo(Layout(brand=b"avif"))}
    for v, o, l, b, i in ILOC_VARIANTS:
        layout = Layout(iloc_version=v, offset_size=o, length_size=l, base_size=b, index_size=i)
        out[f"iloc_v{v}_o{o}_l{l}_b{b}_i{i}"] = photo(layout, extents=1 if o == 0 else 3)
    out["iloc_v2_o0_l8_b8"] = photo(Layout(iloc_version=2, offset_size=0, length_size=8, base_size=8), extents=1)
    out["ipma_v1_wide_flags"] = photo(Layout(ipma_version=1, ipma_flags=1))
    out["no_dinf"] = photo(Layout(dinf=False))
    out["iloc_first"] = photo(Layout(iloc_first=True))
    out["mdat64"] = photo(Layout(mdat64=True))
    out["mdat_size0"] = photo(Layout(mdat_size0=True))
    out["infe_v3_small_ids"] = photo(Layout(infe_version=3))
    return out


@case
def brands() -> dict[str, bytes]:
    heif = one_image([HVCC, ISPE_64x48], Layout(brand=b"mif1"))
    return {
        "mif1_only": heif,  # image/heif
        "compatible_avif": replace_once(heif, b"mif1mif1", b"mif1avif"),
        "compatible_heix": replace_once(heif, b"mif1mif1", b"mif1heix"),
        "major_avis": one_image([HVCC, ISPE_64x48], Layout(brand=b"avis")),
        "major_msf1_heic_compatible": replace_once(one_image([HVCC], Layout(brand=b"msf1")), b"mif1msf1", b"mif1hevc"),
    }


@case
def iloc_to_the_end() -> dict[str, bytes]:
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,))]
    grid_items = [
        Spec(10, b"grid", GRID, props=(2,), idat=True),
        Spec(11, b"hvc1", b"TILE-A" * 20, props=(1,), essential=(1,)),
        Spec(12, b"hvc1", b"TILE-B" * 20, props=(1,), essential=(1,)),
    ]
    return {
        "v1_length0": make_heif(items, [HVCC, ISPE_64x48], [], 1, Layout(iloc_version=1, length_size=0)),
        "v0_length0": make_heif(items, [HVCC, ISPE_64x48], [], 1, Layout(iloc_version=0, length_size=0)),
        "v2_length0_base8": make_heif(items, [HVCC, ISPE_64x48], [], 1, Layout(iloc_version=2, length_size=0, base_size=8)),
        "idat_length0": make_heif(
            grid_items, [HVCC, ISPE_64x48], [(b"dimg", 10, [11, 12])], 10, Layout(iloc_version=1, length_size=0)
        ),
    }


@case
def sizes_64bit() -> dict[str, bytes]:
    big_hvcc = box64(b"hvcC", bytes([1]) + bytes(22))
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,), extents=2)]
    return {
        "mdat_and_property": make_heif(items, [big_hvcc, ISPE_64x48], [], 1, Layout(mdat64=True)),
        "free_top_and_meta": photo(Layout(extra_top=box64(b"free", bytes(5)), extra_meta=box64(b"skip", b"x"))),
    }


@case
def grids() -> dict[str, bytes]:
    return {
        "default": grid_photo(),
        "iloc_v2_wide": grid_photo(Layout(iloc_version=2, offset_size=8, length_size=8, base_size=8, index_size=4)),
        "ipma_wide": grid_photo(Layout(ipma_flags=1)),
        "ipma_v1": grid_photo(Layout(ipma_version=1)),
        "no_dinf_iloc_first": grid_photo(Layout(dinf=False, iloc_first=True)),
        "base_offsets": grid_photo(Layout(base_size=4)),
    }


@case
def all_in_idat() -> bytes:
    items = [
        Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,), idat=True, extents=2),
        Spec(2, b"Exif", EXIF_PAYLOAD, idat=True),
    ]
    return make_heif(items, [HVCC, ISPE_64x48], [(b"cdsc", 2, [1])], 1)


@case
def large_ids() -> dict[str, bytes]:
    base = 70000
    items = [
        Spec(base, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,), extents=2),
        Spec(base + 1, b"Exif", EXIF_PAYLOAD, flags=1),
        Spec(5, b"hvc1", THUMB_DATA, props=(1,), essential=(1,)),
    ]
    refs = [(b"cdsc", base + 1, [base]), (b"thmb", 5, [base])]
    small_primary = [Spec(3, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,)), Spec(90000, b"Exif", EXIF_PAYLOAD)]
    return {
        "iloc_v2": make_heif(items, [HVCC, ISPE_64x48], refs, base, Layout(iloc_version=2, ipma_flags=1)),
        "iloc_v2_o8": make_heif(items, [HVCC, ISPE_64x48], refs, base, Layout(iloc_version=2, offset_size=8, length_size=8)),
        # only the Exif item is big: big IDs only when the kept Exif item is written (keep-groups)
        "big_exif_only": make_heif(small_primary, [HVCC, ISPE_64x48], [(b"cdsc", 90000, [3])], 3, Layout(iloc_version=2)),
    }


@case
def many_properties() -> dict[str, bytes]:
    out = {}
    for n in (125, 126, 130, 200):
        filler = [box(b"fake", bytes([i % 256, i // 256])) for i in range(n)]
        props = [HVCC, ISPE_64x48] + filler + [CRTT]
        items = [Spec(1, b"hvc1", PRIMARY_DATA, props=tuple(range(1, len(props) + 1)), essential=(1, 7))]
        out[f"n{n}"] = make_heif(items, props, [], 1, Layout(ipma_flags=1))
    return out


@case
def auxiliary_images() -> dict[str, bytes]:
    gain = full(b"auxC", 0, 0, b"urn:com:photo:aux:hdrgainmap\x00")
    odd = full(b"auxC", 0, 0, b"urn:example:aux:something\x00")
    hevc_alpha = full(b"auxC", 0, 0, b"urn:mpeg:hevc:2015:auxid:1\x00")
    props = [HVCC, ISPE_64x48, ISPE_8x6, AUXC_ALPHA, AUXC_DEPTH, AUXC_MATTE, gain, odd, hevc_alpha]
    items = [
        Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,)),
        Spec(2, b"hvc1", b"ALPHA" * 10, props=(1, 3, 4), essential=(1,), flags=1),
        Spec(3, b"av01", b"DEPTH" * 10, props=(1, 3, 5), flags=1),
        Spec(4, b"hvc1", b"MATTE" * 10, props=(1, 6), flags=1),
        Spec(5, b"hvc1", b"GAIN" * 10, props=(1, 3, 7), flags=1),
        Spec(6, b"hvc1", b"ODD" * 10, props=(1, 8), flags=1),
        Spec(7, b"hvc1", b"ALPHA2" * 10, props=(1, 9), flags=1),
        Spec(8, b"hvc1", b"ORPHAN-ALPHA" * 3, props=(1, 4), flags=1),
    ]
    refs = [
        (b"auxl", 2, [1]),
        (b"auxl", 3, [1]),
        (b"auxl", 4, [1]),
        (b"auxl", 5, [1]),
        (b"auxl", 6, [1]),
        (b"auxl", 7, [99, 1]),
        (b"auxl", 8, [3]),
    ]
    tmap_items = [
        Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,)),
        Spec(2, b"tmap", b"\x00TMAP-METADATA", props=(2,), flags=1),
        Spec(3, b"hvc1", b"GAINMAP" * 20, props=(1, 3), flags=1),
        Spec(4, b"jpeg", b"\xff\xd8JPEG-PREVIEW", props=(3,)),
    ]
    tmap_refs = [(b"dimg", 2, [1, 3]), (b"thmb", 4, [2])]
    return {
        "kinds": make_heif(items, props, refs, 1),
        "tmap_gain_map": make_heif(tmap_items, [HVCC, ISPE_64x48, ISPE_8x6], tmap_refs, 1),
    }


@case
def derived_images() -> dict[str, bytes]:
    iden = [
        Spec(1, b"iden", props=(3,), no_location=True),
        Spec(2, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,)),
        Spec(3, b"hvc1", THUMB_DATA, props=(1,)),
    ]
    cyclic = [
        Spec(1, b"grid", GRID, props=(2,), idat=True),
        Spec(2, b"grid", GRID, props=(2,), idat=True),
        Spec(3, b"hvc1", b"TILE" * 30, props=(1,), essential=(1,)),
    ]
    removed_grid = [
        Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,)),
        Spec(2, b"grid", GRID, props=(3,), idat=True),
        Spec(3, b"hvc1", b"THUMB-TILE-A" * 4, props=(1,)),
        Spec(4, b"hvc1", b"THUMB-TILE-B" * 4, props=(1,)),
        Spec(5, b"grid", GRID, props=(3,), idat=True),
    ]
    return {
        "iden_without_location": make_heif(iden, [HVCC, ISPE_64x48, IROT_90], [(b"dimg", 1, [2]), (b"thmb", 3, [1])], 1),
        "cyclic_dimg": make_heif(cyclic, [HVCC, ISPE_64x48], [(b"dimg", 1, [2, 3]), (b"dimg", 2, [1, 3])], 1),
        # a removed grid thumbnail (its tiles counted in its size) and a removed grid naming a missing tile
        "removed_grid_thumbnail": make_heif(
            removed_grid, [HVCC, ISPE_64x48, ISPE_8x6], [(b"dimg", 2, [3, 4]), (b"thmb", 2, [1]), (b"dimg", 5, [3, 77])], 1
        ),
    }


@case
def orientation() -> dict[str, bytes]:
    out = {}
    for angle in range(4):
        for mirror in (None, 0, 1):
            props = [HVCC, ISPE_64x48, box(b"irot", bytes([angle | 0xFC]))]
            if mirror is not None:
                props.append(box(b"imir", bytes([mirror | 0x7E])))
            out[f"irot{angle}_imir{mirror}"] = one_image(props)
    out["imir_only"] = one_image([HVCC, ISPE_64x48, IMIR_0])
    out["empty_irot_imir"] = one_image([HVCC, ISPE_64x48, box(b"irot", b""), box(b"imir", b"")])
    out["no_ispe"] = one_image([HVCC, IROT_90])
    out["irot_before_ispe_and_pixi"] = one_image([IROT_90, PIXI, HVCC, ISPE_64x48], essential=(3,))
    return out


@case
def colour() -> dict[str, bytes]:
    ricc = box(b"colr", b"rICC" + make_icc(b"Restricted"))
    unnamed = box(b"colr", b"prof" + bytes(140))
    return {
        "prof_and_nclx": one_image([HVCC, ISPE_64x48, COLR_NCLX, COLR_ICC]),
        "ricc": one_image([HVCC, ISPE_64x48, ricc]),
        "unnamed_profile": one_image([HVCC, ISPE_64x48, unnamed]),
        "short_colr": one_image([HVCC, ISPE_64x48, box(b"colr", b"pr")]),
        "nclx_only": one_image([HVCC, ISPE_64x48, COLR_NCLX]),
        "two_profiles": one_image([HVCC, ISPE_64x48, box(b"colr", b"prof" + make_icc(b"First")), COLR_ICC]),
    }


@case
def metadata_properties() -> dict[str, bytes]:
    altt = full(b"altt", 0, 0, "A dog on a beach\x00en\x00".encode())
    taic = full(b"taic", 0, 0, bytes(21))
    itai = full(b"itai", 0, 0, bytes(17))
    limit = 255485145600 * 1_000_000  # 10000-01-01: Python's datetime overflows from here on
    out = {
        "all_kinds": one_image([HVCC, UDES, ISPE_64x48, CRTT, mdft(0), altt, taic, itai]),
        "udes_empty_and_short": one_image(
            [HVCC, ISPE_64x48, full(b"udes", 0, 0, b"en\x00\x00\x00\x00"), full(b"altt", 0, 0, b"")]
        ),
        "udes_no_nul_bad_utf8": one_image([HVCC, ISPE_64x48, full(b"udes", 0, 0, b"de\x00Gr\xfc\xdfe \xe2\x82 \xed\xa0\x80x")]),
        "udes_two_parts": one_image([HVCC, ISPE_64x48, full(b"udes", 0, 0, b"en\x00Only a name")]),
        "crtt_last_second": one_image([HVCC, ISPE_64x48, crtt(limit - 1)]),
        "crtt_overflow": one_image([HVCC, ISPE_64x48, crtt(limit)]),
        "crtt_max": one_image([HVCC, ISPE_64x48, crtt(2**64 - 1)]),
        "crtt_beyond_2_53": one_image([HVCC, ISPE_64x48, mdft(2**55 + 987_654_321)]),
        "crtt_leap_day": one_image([HVCC, ISPE_64x48, crtt((3_786_912_000 + 59 * 86400 + 3661) * 1_000_000 + 999_999)]),
        "crtt_short": one_image([HVCC, ISPE_64x48, full(b"crtt", 0, 0, bytes(6))]),
        "udes_no_version": one_image([HVCC, ISPE_64x48, box(b"udes", b"ab")]),
    }
    # the same property on two kept items is reported once; on a removed item not at all
    items = [
        Spec(10, b"grid", GRID, props=(2, 3), idat=True),
        Spec(11, b"hvc1", b"TILE-A" * 20, props=(1, 3, 4), essential=(1,)),
        Spec(12, b"hvc1", b"TILE-B" * 20, props=(1, 3), essential=(1,)),
        Spec(13, b"hvc1", THUMB_DATA, props=(1, 5)),
    ]
    out["shared_and_removed"] = make_heif(
        items, [HVCC, ISPE_64x48, UDES, CRTT, mdft(5)], [(b"dimg", 10, [11, 12]), (b"thmb", 13, [10])], 10
    )
    return out


@case
def dropped_boxes() -> dict[str, bytes]:
    uuid = box(b"uuid", bytes(range(16)) + b"vendor")
    meta_extra = (
        full(b"xml ", 0, 0, XMP_PACKET)
        + box(b"bxml", b"\x01\x02")
        + box(b"grpl", box(b"altr", bytes(8)))
        + full(b"ipro", 0, 0, bytes(2))
        + box(b"wxyz", b"?")
    )
    return {
        "everything": photo(
            Layout(
                extra_top=box(b"free", bytes(10)) + uuid + box(b"abcd", b"x") + box(b"skip", b""),
                extra_meta=meta_extra,
                trailing=b"\x00\x01\x02 secret trailing data",
            )
        ),
        "short_uuid": photo(Layout(extra_top=box(b"uuid", b"\x01\x02"))),
        "uuid_at_top_before_meta_in_raw": raw_heif(
            lambda s: [
                HDLR,
                pitm(1),
                iinf(infe(1, b"hvc1")),
                iprp([HVCC], ipma((1, [(1, True)]))),
                iloc([(1, 0, 0, [(0, 40)])], s),
            ],
            PRIMARY_DATA[:40],
            extra_top=box(b"uuid", bytes(20)),
        ),
        "trailing_short": photo(Layout(trailing=b"\x00\x00\x00")),
        "trailing_bad_type": photo(Layout(trailing=struct.pack(">I", 12) + b"a\x01cd" + bytes(4))),
        "trailing_size_3": photo(Layout(trailing=struct.pack(">I", 3) + b"free" + bytes(4))),
        "trailing_box_past_end": photo(Layout(trailing=struct.pack(">I", 100) + b"free" + bytes(4))),
        "trailing_64bit_small": photo(Layout(trailing=struct.pack(">I", 1) + b"free" + struct.pack(">Q", 15))),
        "trailing_64bit_short": photo(Layout(trailing=struct.pack(">I", 1) + b"free" + bytes(4))),
        "trailing_real_box_then_junk": photo(Layout(trailing=box(b"free", b"ok") + b"\xff\xfe")),
        "trailing_zero_size": photo(Layout(trailing=struct.pack(">I", 0) + b"junk" + b"rest of file")),
        "trailing_mdat_past_end": photo(Layout(trailing=struct.pack(">I", 1000) + b"mdat" + bytes(8))),
    }


@case
def items_that_go() -> dict[str, bytes]:
    items = [
        Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,)),
        Spec(2, b"hvc1", b"ANOTHER" * 10, props=(1, 2), essential=(1,)),
        Spec(3, b"mime", b"<note/>", content_type=b"application/xml"),
        Spec(4, b"uri ", b"payload", name=b"a name"),
        Spec(5, b"mime", b"\x1f\x8b gzipped xmp", content_type=XMP_CT + b"\x00gzip"),
        Spec(6, b"mime", XMP_PACKET, content_type=b"Application/RDF+XML; charset=utf-8"),
        Spec(7, b"mime", XMP_PACKET, content_type=b"\x1f\xc2\x85application/rdf+xml\xc2\x85"),
        Spec(8, b"mime", XMP_PACKET, content_type=b"\xef\xbb\xbfapplication/rdf+xml"),
        Spec(9, b"abcd", b"unknown item"),
        Spec(10, b"\x01bc\xff", b"odd type"),
        Spec(11, b"mime", b"", content_type=b""),
        Spec(12, b"hvc1", b"", props=(1,), no_location=True),
        Spec(13, b"mime", XMP_PACKET, content_type=XMP_CT, no_location=True),
    ]
    return {
        "many": make_heif(items, [HVCC, ISPE_64x48], [(b"cdsc", 6, [1])], 1, Layout(iloc_first=True)),
    }


@case
def exif_items() -> dict[str, bytes]:
    base_items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,))]
    props = [HVCC, ISPE_64x48]
    return {
        "no_cdsc": make_heif(base_items + [Spec(2, b"Exif", EXIF_PAYLOAD)], props, [], 1),
        "second_has_cdsc": make_heif(
            base_items + [Spec(2, b"Exif", exif_payload(make_only_tiff())), Spec(3, b"Exif", EXIF_PAYLOAD)],
            props,
            [(b"cdsc", 3, [1])],
            1,
        ),
        "first_without_location": make_heif(
            base_items + [Spec(2, b"Exif", EXIF_PAYLOAD, no_location=True), Spec(3, b"Exif", EXIF_PAYLOAD)],
            props,
            [(b"cdsc", 2, [1])],
            1,
        ),
        "without_gps": make_heif(
            base_items + [Spec(2, b"Exif", exif_payload(make_only_tiff(), b"Exif\x00\x00"))], props, [(b"cdsc", 2, [1])], 1
        ),
        "no_tiff_header": make_heif(base_items + [Spec(2, b"Exif", b"\x00\x00\x00\x00NOT A TIFF")], props, [], 1),
        "prefix_beyond": make_heif(base_items + [Spec(2, b"Exif", b"\x00\x00\x01\x00" + bytes(8))], props, [], 1),
        "too_short": make_heif(base_items + [Spec(2, b"Exif", b"\x00\x00")], props, [], 1),
        "broken_ifd": make_heif(
            base_items + [Spec(2, b"Exif", exif_payload(b"MM\x00*" + struct.pack(">I", 4000)))], props, [], 1
        ),
        "in_idat_two_extents": make_heif(
            base_items + [Spec(2, b"Exif", EXIF_PAYLOAD, idat=True, extents=2)], props, [(b"cdsc", 2, [1])], 1
        ),
        "method_2": make_heif(base_items + [Spec(2, b"Exif", EXIF_PAYLOAD, method=2)], props, [(b"cdsc", 2, [1])], 1),
        "keeps_id_and_place": make_heif(
            [Spec(7, b"Exif", EXIF_PAYLOAD, flags=1)] + [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,))],
            props,
            [(b"cdsc", 7, [1]), (b"cdsc", 7, [1])],
            1,
        ),
    }


@case
def raw_structures() -> dict[str, bytes]:
    props = [HVCC, ISPE_64x48, COLR_ICC, IROT_90, UDES]
    data = PRIMARY_DATA + THUMB_DATA + EXIF_PAYLOAD
    p, t, e = len(PRIMARY_DATA), len(THUMB_DATA), len(EXIF_PAYLOAD)

    def locs(s: int, dref_exif: int = 0, dref_thumb: int = 0) -> bytes:
        return iloc([(1, 0, 0, [(0, p)]), (2, 0, dref_thumb, [(p, t)]), (3, 0, dref_exif, [(p + t, e)])], s)

    def two_ipma(s: int) -> list[bytes]:
        return [
            HDLR,
            DINF,
            pitm(1),
            iinf(infe(1, b"hvc1"), infe(2, b"hvc1", flags=1), infe(3, b"Exif")),
            iref((b"thmb", 2, [1])),
            iref((b"cdsc", 3, [1, 2]), version=1),
            iprp(
                props,
                ipma((1, [(1, True), (0, False)]), (2, []), (1, [(2, False)])),
                ipma((2, [(1, True), (5, False)]), (1, [(3, False), (4, True), (5, False)]), flags=1),
            ),
            locs(s),
        ]

    def old_infes(s: int) -> list[bytes]:
        return [
            HDLR,
            DINF,
            pitm(1, version=1),
            iinf(
                infe(1, b"hvc1"),
                box(b"free", b"not an infe"),
                infe(2, b"", version=0, name=b"xmp", extra=XMP_CT + b"\x00"),
                infe(3, b"", version=1, name=b"text", extra=b"text/plain\x00gzip\x00"),
                version=1,
            ),
            iprp(props[:2], ipma((1, [(1, True), (2, False)]))),
            iloc([(1, 0, 0, [(0, p)]), (2, 0, 0, [(p, 50)]), (3, 0, 0, [(p + 50, 20)])], s),
        ]

    def external(dref_exif: int, dref_thumb: int, primary_dref: int = 0) -> Callable[[int], list[bytes]]:
        dinf = box(
            b"dinf",
            full(
                b"dref",
                0,
                0,
                struct.pack(">I", 3)
                + full(b"url ", 0, 1, b"")
                + full(b"url ", 0, 0, b"https://example.com/x.heic\x00")
                + full(b"urn ", 0, 1, b""),
            ),
        )

        def meta(s: int) -> list[bytes]:
            return [
                HDLR,
                dinf,
                pitm(1),
                iinf(infe(1, b"hvc1"), infe(2, b"hvc1"), infe(3, b"Exif")),
                iref((b"thmb", 2, [1]), (b"cdsc", 3, [1])),
                iprp(props[:2], ipma((1, [(1, True), (2, False)]), (2, [(1, True)]))),
                iloc([(1, 0, primary_dref, [(0, p)]), (2, 0, dref_thumb, [(p, t)]), (3, 0, dref_exif, [(p + t, e)])], s),
            ]

        return meta

    def no_iprp_no_iloc(s: int) -> list[bytes]:
        return [HDLR, pitm(1), iinf(infe(1, b"hvc1"))]

    def no_iprp(s: int) -> list[bytes]:
        return [HDLR, pitm(1), iinf(infe(1, b"hvc1")), iloc([(1, 0, 0, [(0, p)])], s)]

    def empty_extents(s: int) -> list[bytes]:
        return [
            HDLR,
            pitm(1),
            iinf(infe(1, b"hvc1"), infe(2, b"grid")),
            iref((b"dimg", 1, [2])),
            iprp(props[:2], ipma((1, [(1, True)]), (2, [(2, False)]))),
            iloc([(2, 0, 0, []), (1, 0, 0, [(0, 10), (10, 0)])], s, version=0),
        ]

    def iref_v1_small(s: int) -> list[bytes]:
        return [
            HDLR,
            pitm(1),
            iinf(infe(1, b"hvc1"), infe(2, b"hvc1", flags=1)),
            iref((b"auxl", 2, [1]), version=1),
            iprp([HVCC, ISPE_64x48, AUXC_ALPHA], ipma((1, [(1, True)]), (2, [(1, True), (3, False)]), version=1)),
            iloc([(1, 0, 0, [(0, p)]), (2, 0, 0, [(p, t)])], s),
        ]

    return {
        "two_ipma_two_iref": raw_heif(two_ipma, data),
        "old_infes": raw_heif(old_infes, PRIMARY_DATA + XMP_PACKET[:50] + b"plain text here!!!!!"),
        "external_exif_and_thumb": raw_heif(external(2, 2), data),
        "urn_self_contained": raw_heif(external(3, 3), data),
        "dref_beyond_list_for_exif": raw_heif(external(9, 0), data),
        "no_iprp_no_iloc": raw_heif(no_iprp_no_iloc, b""),
        "no_iprp": raw_heif(no_iprp, PRIMARY_DATA),
        "empty_extents": raw_heif(empty_extents, PRIMARY_DATA),
        "iref_v1_small_ids": raw_heif(iref_v1_small, PRIMARY_DATA + THUMB_DATA),
    }


# ---- 8-byte fields beyond 2^53 (exact in both engines) ----------------------------------------------------


@case
def huge_values() -> dict[str, bytes]:
    p = len(PRIMARY_DATA)

    def single(offset: int, length: int, method: int = 0) -> Callable[[int], list[bytes]]:
        def meta(s: int) -> list[bytes]:
            return [
                HDLR,
                pitm(1),
                iinf(infe(1, b"hvc1")),
                iprp([HVCC], ipma((1, [(1, True)]))),
                *([box(b"idat", bytes(16))] if method == 1 else []),
                iloc([(1, method, 0, [(offset - (s if method == 0 else 0), length)])], s, offset_size=8, length_size=8),
            ]

        return meta

    top = box(b"ftyp", b"heic" + bytes(4) + b"mif1heic")
    rest = photo()[len(top) :]
    mdat64 = photo(Layout(mdat64=True))
    at = mdat64.rindex(b"mdat") - 4
    return {
        "offset_beyond_2_63": raw_heif(single(2**63 + 17, p), PRIMARY_DATA),
        "length_beyond_2_53": raw_heif(single(200, 2**60), PRIMARY_DATA),
        "sum_beyond_2_53": raw_heif(single(2**52 + 3, 2**52 + 1), PRIMARY_DATA),
        "max_offset_and_length": raw_heif(single(2**64 - 1, 2**64 - 1), PRIMARY_DATA),
        "idat_offset_beyond_2_53": raw_heif(single(2**61 + 5, 4, method=1), PRIMARY_DATA),
        "top_box_before_meta": top + struct.pack(">I4sQ", 1, b"free", 2**62 + 9) + rest,
        "top_box_max": top + struct.pack(">I4sQ", 1, b"wide", 2**64 - 1) + rest,
        "mdat_after_meta": mdat64[:at] + struct.pack(">I4sQ", 1, b"mdat", 2**63 + 1) + mdat64[at + 16 :],
        "mdat_almost_2_53": mdat64[:at] + struct.pack(">I4sQ", 1, b"mdat", 2**53 - 1) + mdat64[at + 16 :],
        "in_meta": photo(Layout(extra_meta=struct.pack(">I4sQ", 1, b"free", 2**60 + 3) + bytes(8))),
        "trailing_after_meta": photo(Layout(trailing=struct.pack(">I4sQ", 1, b"free", 2**62) + bytes(8))),
    }


# Inherent limit of the TypeScript engine: a finding's offset and length are JSON numbers, exact only
# up to 2^53. An item that is never bounds-checked (stored in another file, or built by construction
# method 2) can carry 8-byte iloc values beyond that into an inspect finding. Strict: if this ever
# passes, the entry must go.
@case
def huge_unchecked() -> bytes:
    def meta(s: int) -> list[bytes]:
        return [
            HDLR,
            pitm(1),
            iinf(infe(1, b"hvc1"), infe(2, b"hvc1")),
            iref((b"thmb", 2, [1])),
            iprp([HVCC], ipma((1, [(1, True)]))),
            iloc([(1, 0, 0, [(0, 100)]), (2, 2, 0, [(2**60 + 1 - s, 2**59 + 3)])], s, offset_size=8, length_size=8),
        ]

    return raw_heif(meta, PRIMARY_DATA)


# ---- errors ------------------------------------------------------------------------------------------------


@case
def errors() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    items = [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,))]
    simple = make_heif(items, [HVCC, ISPE_64x48], [], 1)
    data = photo(extents=1)
    heif = isobmff.parse(data)
    off, length = heif.locations[1].extents[0]
    out["item_beyond_end"] = data[: off + 10]
    out["item_length0_offset_beyond"] = make_heif(items, [HVCC, ISPE_64x48], [], 1, Layout(length_size=0))[
        : -len(PRIMARY_DATA) - 1
    ]
    mdat = simple.rindex(b"mdat") - 4
    out["mdat_past_end"] = simple[:mdat] + struct.pack(">I", len(simple) - mdat + 100) + simple[mdat + 4 :]
    grid = grid_photo()
    g = isobmff.parse(grid)
    assert g.idat is not None
    broken = bytearray(grid)
    struct.pack_into(">I", broken, g.idat.start, g.idat.end - g.idat.start - 8)
    broken[g.idat.end - 8 : g.idat.end] = struct.pack(">I", 8) + b"free"
    out["idat_item_beyond_idat"] = bytes(broken)
    out["method1_without_idat"] = make_heif([Spec(1, b"hvc1", PRIMARY_DATA, props=(1,), method=1)], [HVCC], [], 1)
    out["zero_size_in_meta"] = photo(Layout(extra_meta=struct.pack(">I", 0) + b"free"))
    out["size4_in_meta"] = photo(Layout(extra_meta=struct.pack(">I", 4) + b"free"))
    out["size64_8_in_meta"] = photo(Layout(extra_meta=struct.pack(">I", 1) + b"free" + struct.pack(">Q", 8)))
    out["size64_cut_in_meta"] = photo(Layout(extra_meta=struct.pack(">I", 1) + b"free" + bytes(4)))
    out["header_cut_in_meta"] = photo(Layout(extra_meta=b"\x00\x00\x00"))
    p = photo()
    ph = isobmff.parse(p)
    iprp_box = next(b for b in isobmff._children(p, ph.meta.payload + 4, ph.meta.end, "HEIC", "m") if b.type == "iprp")
    ipco = isobmff._children(p, iprp_box.payload, iprp_box.end, "HEIC", "i")[0]
    grown = bytearray(p)
    struct.pack_into(">I", grown, ipco.start, ipco.end - ipco.start + 200)
    out["ipco_past_iprp"] = bytes(grown)
    iloc_box = next(b for b in isobmff._children(p, ph.meta.payload + 4, ph.meta.end, "HEIC", "m") if b.type == "iloc")
    for name, value in (("offset3", 0x34), ("length5", 0x45), ("base_index", 0x44)):
        bad = bytearray(p)
        bad[iloc_box.payload + 4] = value
        if name == "base_index":
            bad[iloc_box.payload + 5] = 0x17
        out[f"iloc_{name}"] = bytes(bad)
    bad = bytearray(p)
    bad[iloc_box.payload] = 3
    out["iloc_v3"] = bytes(bad)
    out["property_beyond_ipco"] = make_heif(
        [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 9), essential=(1,))], [HVCC, ISPE_64x48], [], 1
    )
    out["no_meta"] = box(b"ftyp", b"heic" + bytes(4) + b"mif1heic") + box(b"mdat", b"x")
    out["moov"] = photo(Layout(brand=b"msf1", extra_top=box(b"moov", box(b"mvhd", bytes(100)))))
    meta = p[ph.meta.start : ph.meta.end]
    out["two_metas"] = p[: ph.meta.end] + meta + p[ph.meta.end :]
    out["meta_without_version"] = box(b"ftyp", b"heic" + bytes(4) + b"mif1heic") + box(b"meta", b"") + box(b"mdat", b"")
    for name, spec in (("method2", dict(method=2)), ("protected", dict(protection=1)), ("no_location", dict(no_location=True))):
        out[f"primary_{name}"] = make_heif(
            [Spec(1, b"hvc1", PRIMARY_DATA, props=(1, 2), essential=(1,), **spec)],  # type: ignore[arg-type]
            [HVCC, ISPE_64x48],
            [],
            1,
        )
    out["old_infe_primary"] = make_heif(
        [Spec(1, b"", PRIMARY_DATA, props=(1, 2), essential=(1,))], [HVCC, ISPE_64x48], [], 1, Layout(infe_version=1)
    )
    out["protected_tile"] = make_heif(
        [Spec(10, b"grid", GRID, idat=True), Spec(11, b"hvc1", b"T" * 40, protection=2), Spec(3, b"hvc1", b"U" * 40, method=2)],
        [HVCC],
        [(b"dimg", 10, [11, 3])],
        10,
    )
    out["missing_tile"] = make_heif(
        [Spec(10, b"grid", GRID, idat=True), Spec(11, b"hvc1", b"T" * 40)], [HVCC], [(b"dimg", 10, [11, 12])], 10
    )
    out["iovl_without_location"] = make_heif(
        [Spec(1, b"iovl", no_location=True), Spec(2, b"hvc1", PRIMARY_DATA)], [HVCC], [(b"dimg", 1, [2])], 1
    )
    out["handler_vide"] = replace_once(simple, b"\x00\x00\x00\x00pict", b"\x00\x00\x00\x00vide")
    out["handler_odd"] = replace_once(simple, b"\x00\x00\x00\x00pict", b"\x00\x00\x00\x00\x01\xffic")
    out["primary_not_listed"] = replace_once(
        make_heif([Spec(2, b"hvc1", PRIMARY_DATA, props=(1,))], [HVCC], [], 2),
        full(b"pitm", 0, 0, b"\x00\x02"),
        full(b"pitm", 0, 0, b"\x00\x05"),
    )
    out["infe_v4"] = replace_once(
        simple, full(b"infe", 2, 0, b"\x00\x01\x00\x00hvc1\x00"), full(b"infe", 4, 0, b"\x00\x01\x00\x00hvc1\x00")
    )
    out["infe_short"] = replace_once(
        simple, full(b"infe", 2, 0, b"\x00\x01\x00\x00hvc1\x00"), box(b"infe", b"\x03\x00\x00\x00\x00\x00\x00\x01\x00\x00hvc")
    )
    s = len(PRIMARY_DATA)

    def meta_of(children: Callable[[int], list[bytes]]) -> bytes:
        return raw_heif(children, PRIMARY_DATA)

    hv = infe(1, b"hvc1")
    pr = iprp([HVCC], ipma((1, [(1, True)])))
    loc = lambda st: iloc([(1, 0, 0, [(0, s)])], st)  # noqa: E731
    out["missing_hdlr"] = meta_of(lambda st: [pitm(1), iinf(hv), pr, loc(st)])
    out["two_hdlr"] = meta_of(lambda st: [HDLR, HDLR, pitm(1), iinf(hv), pr, loc(st)])
    out["short_hdlr"] = meta_of(lambda st: [full(b"hdlr", 0, 0, bytes(6)), pitm(1), iinf(hv), pr, loc(st)])
    out["missing_pitm"] = meta_of(lambda st: [HDLR, iinf(hv), pr, loc(st)])
    out["short_pitm"] = meta_of(lambda st: [HDLR, full(b"pitm", 1, 0, b"\x00\x01"), iinf(hv), pr, loc(st)])
    out["missing_iinf"] = meta_of(lambda st: [HDLR, pitm(1), pr, loc(st)])
    out["iinf_without_count"] = meta_of(lambda st: [HDLR, pitm(1), full(b"iinf", 1, 0, b"\x00\x00"), pr, loc(st)])
    out["duplicate_infe"] = meta_of(lambda st: [HDLR, pitm(1), iinf(hv, hv), pr, loc(st)])
    out["duplicate_iloc"] = meta_of(
        lambda st: [HDLR, pitm(1), iinf(hv), pr, iloc([(1, 0, 0, [(0, 9)]), (1, 0, 0, [(9, 9)])], st)]
    )
    out["two_iprp"] = meta_of(lambda st: [HDLR, pitm(1), iinf(hv), pr, pr, loc(st)])
    out["ipma_truncated"] = meta_of(
        lambda st: [HDLR, pitm(1), iinf(hv), iprp([HVCC], full(b"ipma", 0, 0, struct.pack(">IHB", 2, 1, 1) + b"\x81")), loc(st)]
    )
    out["ipma_assoc_truncated"] = meta_of(
        lambda st: [HDLR, pitm(1), iinf(hv), iprp([HVCC], full(b"ipma", 0, 1, struct.pack(">IHBB", 1, 1, 1, 0x80))), loc(st)]
    )
    out["iref_truncated"] = meta_of(
        lambda st: [HDLR, pitm(1), iinf(hv), full(b"iref", 0, 0, box(b"dimg", b"\x00\x01\x00\x03\x00\x02")), pr, loc(st)]
    )
    out["iloc_truncated"] = meta_of(
        lambda st: [HDLR, pitm(1), iinf(hv), pr, full(b"iloc", 1, 0, b"\x44\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00")]
    )
    out["dref_external_primary"] = raw_heif(
        lambda st: [
            HDLR,
            box(b"dinf", full(b"dref", 0, 0, struct.pack(">I", 1) + full(b"url ", 0, 0, b"x\x00"))),
            pitm(1),
            iinf(hv),
            pr,
            iloc([(1, 0, 1, [(0, s)])], st),
        ],
        PRIMARY_DATA,
    )
    out["dref_beyond_list_primary"] = raw_heif(
        lambda st: [HDLR, DINF, pitm(1), iinf(hv), pr, iloc([(1, 0, 4, [(0, s)])], st)], PRIMARY_DATA
    )
    out["dref_entry_short"] = raw_heif(
        lambda st: [
            HDLR,
            box(b"dinf", full(b"dref", 0, 0, struct.pack(">I", 1) + box(b"url ", b"\x00"))),
            pitm(1),
            iinf(hv),
            pr,
            loc(st),
        ],
        PRIMARY_DATA,
    )
    out["dimg_to_unlisted_via_alpha"] = make_heif(
        [Spec(1, b"hvc1", PRIMARY_DATA, props=(1,)), Spec(2, b"grid", GRID, props=(2,), idat=True)],
        [HVCC, AUXC_ALPHA],
        [(b"auxl", 2, [1]), (b"dimg", 2, [40])],
        1,
    )
    out["auxc_without_version"] = make_heif(
        [Spec(1, b"hvc1", PRIMARY_DATA, props=(1,)), Spec(2, b"hvc1", b"A" * 20, props=(2,))],
        [HVCC, box(b"auxC", b"ur")],
        [(b"auxl", 2, [1])],
        1,
    )
    out["ispe_short"] = one_image([HVCC, full(b"ispe", 0, 0, bytes(6))])
    out["sniff_size_beyond"] = struct.pack(">I", 10**6) + simple[4:]
    out["ftyp_only"] = box(b"ftyp", b"avif" + bytes(4) + b"mif1avif")
    out["top_box_past_end_before_meta"] = simple[:24] + struct.pack(">I", 10**6) + b"free" + simple[24:]
    out["top_size_5_before_meta"] = simple[:24] + struct.pack(">I", 5) + b"free" + simple[24:]
    out["top_64bit_small_before_meta"] = simple[:24] + struct.pack(">I", 1) + b"free" + struct.pack(">Q", 12) + simple[24:]
    out["top_size0_before_meta"] = simple[:24] + struct.pack(">I", 0) + b"free" + simple[24:]
    return out


# ---- seeded mutations of the corpus HEIC/AVIF files -------------------------------------------------------

CORPUS_HEIF = HEIF_FILES + ["broken_truncated.heic"]
FUZZ: dict[str, bytes] = {}


def _header_end(data: bytes) -> int:
    """The first byte of the first top-level 'mdat' payload (tolerating a truncated file)."""
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, pos)
        if kind == b"mdat" or size < 8:
            return pos + 16
        pos += size
    return len(data)


def _fuzz() -> None:
    for n, name in enumerate(CORPUS_HEIF):
        data = (CORPUS / name).read_bytes()
        head = min(_header_end(data), len(data))
        rng = random.Random(20240 + n)
        stem = name.rsplit(".", 1)[0]
        for k in range(40):
            mutant = bytearray(data)
            pos = rng.randrange(head) if rng.random() < 0.9 else rng.randrange(len(data))
            how = k % 5
            if how == 0:
                mutant[pos] = rng.randrange(256)
            elif how == 1:
                mutant[pos] ^= 1 << rng.randrange(8)
            elif how == 2:
                mutant[pos] = rng.choice((0x00, 0x01, 0x02, 0x07, 0x10, 0x7F, 0x80, 0xFF))
            elif how == 3:
                at = min(pos, len(data) - 4)
                value = rng.choice((0, 1, 7, 8, 16, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, rng.randrange(2**32)))
                mutant[at : at + 4] = struct.pack(">I", value)
            else:
                for _ in range(rng.randrange(2, 6)):
                    mutant[rng.randrange(head)] = rng.randrange(256)
            FUZZ[f"fuzz_{stem}_{k:02d}"] = bytes(mutant)
        for k in range(8):
            cut = rng.randrange(1, head + 1) if k < 6 else rng.randrange(head, len(data))
            FUZZ[f"cut_{stem}_{k:02d}_{cut}"] = data[:cut]


_fuzz()


# ---- running both engines -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> TsRuns:
    return run_ts_on_cases(tmp_path_factory.mktemp("isobmff_synthetic"), CASES, VARIANTS, ".heic")


@pytest.fixture(scope="module")
def fuzz_engines(tmp_path_factory: pytest.TempPathFactory) -> TsRuns:
    return run_ts_on_cases(tmp_path_factory.mktemp("isobmff_fuzz"), FUZZ, {v: VARIANTS[v] for v in FUZZ_VARIANTS}, ".heic")


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", list(CASES))
def test_strip_is_identical(name: str, variant: str, engines: TsRuns) -> None:
    assert engine_mismatch(name, CASES[name], variant, engines) is None


@pytest.mark.parametrize("name", list(CASES))
def test_inspect_is_identical(name: str, engines: TsRuns) -> None:
    assert engine_mismatch(name, CASES[name], "inspect", engines) is None


@pytest.mark.parametrize("variant", FUZZ_VARIANTS)
@pytest.mark.parametrize("name", list(FUZZ))
def test_fuzzed_strip_is_identical(name: str, variant: str, fuzz_engines: TsRuns) -> None:
    assert engine_mismatch(name, FUZZ[name], variant, fuzz_engines) is None


@pytest.mark.parametrize("name", list(FUZZ))
def test_fuzzed_inspect_is_identical(name: str, fuzz_engines: TsRuns) -> None:
    assert engine_mismatch(name, FUZZ[name], "inspect", fuzz_engines) is None


def test_the_cases_cover_success_refusal_and_warnings() -> None:
    """Guard against a vacuous suite: plenty of files strip, plenty are refused, with many messages."""
    for cases, min_ok, min_failed, min_messages in ((CASES, 80, 50, 45), (FUZZ, 60, 60, 30)):
        outcomes = [python_outcome(data, StripOptions())[0] for data in cases.values()]
        ok = sum(o["ok"] for o in outcomes)
        assert ok >= min_ok and len(outcomes) - ok >= min_failed, (ok, len(outcomes))
        assert len({o["error"] for o in outcomes if not o["ok"]}) >= min_messages
    assert len(FUZZ) >= 300
    inspected = [python_outcome(data, None)[0] for data in CASES.values()]
    assert sum(bool(o["result"]["warnings"]) for o in inspected if o["ok"]) >= 3
    kept_exif = [python_outcome(data, VARIANTS["keep-location"][1])[1] for data in CASES.values()]
    assert sum(out is not None and b"Exif\x00" in out[:2000] for out in kept_exif) >= 3

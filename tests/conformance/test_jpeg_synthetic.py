"""JPEG conformance beyond the corpus: both engines on many synthetic and damaged files.

The synthetic files are those of ``tests/formats/test_jpeg.py`` (baseline, progressive, restart
intervals, CMYK, greyscale; EXIF in both byte orders with every keep-group's tags, XMP and
ExtendedXMP, ICC in and out of order, JFIF/JFXX thumbnails, MPF/MPO, FPXR, APP3-APP15 vendor blocks,
Photoshop IRB/IPTC, C2PA/JUMBF, comments, trailers, fill and stray bytes, lone markers), plus more
corners here: broken ICC/MPF/ExtendedXMP/EXIF/IPTC blocks, comments in broken UTF-8, truncations
at every structural boundary, and seeded damage to a rich synthetic file. Then a few hundred seeded
byte changes and truncations of the corpus JPEG/MPO files.

Each file is stripped with four option sets and inspected, by the Python engine and by the
TypeScript engine (``web/scripts/engine-cli.ts`` under Node): output bytes, reports, error messages
and inspect JSON must be identical.
"""

from __future__ import annotations

import random
import re
import struct
from pathlib import Path
from typing import Callable

import pytest

import privpix
from privpix.formats import jpeg
from privpix.options import StripOptions
from tests.conformance.damage import marker_or_any_byte, seeded_damage
from tests.conformance.two_engines import TsRuns, engine_mismatch, python_outcome, run_ts_on_cases
from tests.conftest import CORPUS, manifest
from tests.formats import test_jpeg as J
from tests.formats import test_jpeg_scan as S

VARIANTS: dict[str, tuple[list[str], StripOptions]] = {
    "default": ([], StripOptions()),
    "no-icc": (["--no-keep-icc"], StripOptions(keep_icc=False)),
    "keep-location-rights": (["--keep", "location,rights"], StripOptions(keep=frozenset({"location", "rights"}))),
    "keep-camera-time": (["--keep", "camera,time"], StripOptions(keep=frozenset({"camera", "time"}))),
}

CASES: dict[str, bytes] = {f"{name}.jpg": data for name, data in J.CASES.items()}


def case(fn: Callable[[], dict[str, bytes]]) -> Callable[[], dict[str, bytes]]:
    for key, data in fn().items():
        CASES[f"{fn.__name__}_{key}.jpg"] = data
    return fn


B = J.BASES["baseline"]
PARTS = J.split(B)


def with_blocks(*blocks: bytes, base: bytes = B) -> bytes:
    return J.insert(base, 2, *blocks)


# ---- more corners of the metadata blocks --------------------------------------------------------------------


@case
def icc_variants() -> dict[str, bytes]:
    chunks = J.icc_chunks()
    tiny = J.app(2, J.ICC_ID + b"\x01\x01" + J.ICC[:100])
    return {
        "missing_middle": with_blocks(chunks[0], chunks[2]),
        "duplicate": with_blocks(chunks[0], chunks[0], chunks[1], chunks[2]),
        "count_mismatch": with_blocks(J.app(2, J.ICC_ID + b"\x01\x05" + J.ICC)),
        "sequence_zero": with_blocks(J.app(2, J.ICC_ID + b"\x00\x01" + J.ICC)),
        "header_only_12": with_blocks(J.app(2, J.ICC_ID)),
        "header_only_13": with_blocks(J.app(2, J.ICC_ID + b"\x01")),
        "header_only_14": with_blocks(J.app(2, J.ICC_ID + b"\x01\x01")),
        "cut_profile": with_blocks(tiny),
        "no_description": with_blocks(J.app(2, J.ICC_ID + b"\x01\x01" + struct.pack(">I", 132) + bytes(128))),
        "after_scan": J.insert(B, -1, *chunks),
        "twenty_chunks": with_blocks(*J.icc_chunks(n=20)),
    }


def _mpf(little: bool, entries: list[tuple[int, int, int]], count: int | None = None, raw: bytes | None = None) -> bytes:
    """An APP2 MPF index with MP entries (attribute, size, offset)."""
    e = "<" if little else ">"
    table = raw if raw is not None else b"".join(struct.pack(e + "IIIHH", a, s, o, 0, 0) for a, s, o in entries)
    n = count if count is not None else len(entries)
    ifd = [(0xB000, J.UNDEFINED, b"0100"), (0xB001, J.LONG, n), (0xB002, J.UNDEFINED, table)]
    return J.app(2, b"MPF\x00" + J.tiff_block(little, ifd))


@case
def mpf_variants() -> dict[str, bytes]:
    second = J.BASES["grey"]
    return {
        "le_two_more": with_blocks(_mpf(True, [(0x030000, 2000, 0), (0, 800, 1900), (0, 700, 2700)])) + second,
        "be_one_more": with_blocks(_mpf(False, [(0x030000, 2000, 0), (0, len(second), 1900)])) + second,
        "only_first": with_blocks(_mpf(True, [(0x030000, 2000, 0)])),
        "ragged_table": with_blocks(_mpf(True, [], raw=bytes(16) + b"\x01\x02\x03")),
        "no_entries_tag": with_blocks(J.app(2, b"MPF\x00" + J.tiff_block(True, [(0xB000, J.UNDEFINED, b"0100")]))),
        "header_only": with_blocks(J.app(2, b"MPF\x00")),
        "huge_sizes": with_blocks(_mpf(False, [(0, 0xFFFFFFFF, 1), (0, 0xFFFFFFFF, 2), (0, 123456789, 3)])),
    }


@case
def xmp_variants() -> dict[str, bytes]:
    parts = J.ext_xmp_parts()
    ext = J.XMP_EXT_ID + J.GUID
    packet = J.EXT_XMP_PACKET
    return {
        "ext_only_first_part": with_blocks(parts[0]),
        "ext_without_main": with_blocks(*parts),
        "ext_body_too_short": with_blocks(J.app(1, ext + b"\x00\x00\x01")),
        "ext_three_parts_shuffled": with_blocks(
            *[J.app(1, ext + struct.pack(">II", len(packet), off) + packet[off : off + 40]) for off in (80, 0, 40)]
        ),
        "ext_same_offset_twice": with_blocks(parts[0], parts[0], parts[1]),
        "ext_split_in_utf8": with_blocks(
            *[J.app(1, ext + struct.pack(">II", 12, off) + part) for off, part in ((0, b'dc:title="K\xc3'), (11, b'\xb6ln"'))]
        ),
        "xmp_element_form": with_blocks(
            J.app(
                1,
                J.XMP_ID + b"<x:xmpmeta><rdf:RDF><rdf:Description><exif:GPSLatitude>51,30.5N</exif:GPSLatitude>"
                b"<exif:GPSLongitude>0,7.5W</exif:GPSLongitude><exif:GPSAltitude>-25/2</exif:GPSAltitude>"
                b"<dc:subject><rdf:Bag><rdf:li>a &amp; b</rdf:li><rdf:li>c&#x20AC;</rdf:li></rdf:Bag></dc:subject>"
                b"<photoshop:DateCreated>2024-05-17</photoshop:DateCreated></rdf:Description></rdf:RDF></x:xmpmeta>",
            )
        ),
        "xmp_dms_and_bad_gps": with_blocks(
            J.app(1, J.XMP_ID + b'<rdf:Description exif:GPSLatitude="43,28,15.5S" exif:GPSLongitude="x" tiff:Model=" M \n2 "/>')
        ),
        "xmp_bad_utf8": with_blocks(
            J.app(1, J.XMP_ID + b'<rdf:Description dc:creator="J\xe4ne \xf0\x9f\x98" xmp:CreatorTool="\xed\xa0\x80x"/>')
        ),
        "xmp_id_only": with_blocks(J.app(1, J.XMP_ID)),
        "xmp_id_without_nul": with_blocks(J.app(1, J.XMP_ID[:-1] + b"<x/>")),
    }


@case
def exif_variants() -> dict[str, bytes]:
    le = J.tiff_block
    out = {
        "unknown_type": with_blocks(
            J.exif_app1(le(True, [(0x0112, J.SHORT, 6)]).replace(b"\x12\x01\x03\x00", b"\x12\x01\x63\x00"))
        ),
        "orientation_zero": with_blocks(J.exif_app1(le(False, [(0x0112, J.SHORT, 0)]))),
        "orientation_two_values": with_blocks(J.exif_app1(le(True, [(0x0112, J.SHORT, [5, 1])]))),
        "orientation_ascii": with_blocks(J.exif_app1(le(True, [(0x0112, J.ASCII, "6")]))),
        "exif_id_without_second_nul": with_blocks(J.app(1, b"Exif\x00" + b"\xff" + J.orientation_only(True))),
        "exif_id_only": with_blocks(J.app(1, b"Exif\x00")),
        "value_outside_block": with_blocks(J.exif_app1(le(False, [(0x0112, J.SHORT, 8), (0x010F, J.ASCII, "Canon")])[:-4])),
        "ifd_count_too_big": with_blocks(J.exif_app1(b"II*\x00\x08\x00\x00\x00\xff\x00" + bytes(20))),
        "ifd_offset_below_8": with_blocks(J.exif_app1(b"MM\x00*\x00\x00\x00\x04" + bytes(20))),
        "exif_pointer_loop": with_blocks(J.exif_app1(le(True, [(0x0112, J.SHORT, 3), (0x8769, J.LONG, 8)]))),
        "ifd1_is_ifd0": with_blocks(J.exif_app1(le(True, [(0x0112, J.SHORT, 3)])[:22] + struct.pack("<I", 8))),
        "thumbnail_outside": with_blocks(
            J.exif_app1(le(True, [(0x0112, J.SHORT, 2)], ifd1=[(0x0201, J.LONG, 99999), (0x0202, J.LONG, 50)]))
        ),
        "gps_without_coordinates": with_blocks(
            J.exif_app1(le(False, [], gps=[(0x0000, J.BYTE, [2, 2, 0, 0]), (0x0012, J.ASCII, "WGS-84")]))
        ),
        "gps_zero_denominator": with_blocks(
            J.exif_app1(le(True, [], gps=[(2, J.RATIONAL, [(1, 0), (2, 1), (3, 1)]), (4, J.RATIONAL, [(1, 1), (2, 1), (3, 1)])]))
        ),
        "gps_rounding": with_blocks(
            J.exif_app1(
                le(
                    True,
                    [],
                    gps=[(2, J.RATIONAL, [(12345675, 1000000), (0, 1), (0, 1)]), (4, J.RATIONAL, [(5, 2), (0, 1), (0, 1)])],
                )
            )
        ),
        "user_comment_unicode": with_blocks(
            J.exif_app1(le(False, [], [(0x9286, J.UNDEFINED, b"UNICODE\x00" + "Grüße 😀".encode("utf-16-be"))]))
        ),
        "xp_odd_length": with_blocks(J.exif_app1(le(True, [(0x9C9C, J.BYTE, b"h\x00i\x00!")]))),
        "text_bad_utf8": with_blocks(J.exif_app1(le(True, [(0x013B, J.ASCII, b"J\xe4ne \xc3"), (0x0112, J.SHORT, 1)]))),
        "keep_all_tags_huge": with_blocks(
            J.exif_app1(le(True, [(0x0112, J.SHORT, 1), (0x010F, J.ASCII, "M" * 30000)], [(0x9003, J.ASCII, "2" * 30000)]))
        ),
    }
    return out


@case
def irb_variants() -> dict[str, bytes]:
    ps = b"Photoshop 3.0\x00"
    latin = J.iim((2, 80, b"J\xe4ne"), (2, 25, b"one"), (2, 25, b"two"), (2, 101, b"  "))
    return {
        "latin1_iim": with_blocks(J.app(13, ps + J.irb((0x0404, latin)))),
        "extended_dataset": with_blocks(J.app(13, ps + J.irb((0x0404, b"\x1c\x02\x78\x80\x02\x00\x05hello")))),
        "cut_iim": with_blocks(J.app(13, ps + J.irb((0x0404, J.IIM[:-3] + b"\x1c\x02")))),
        "named_resource": with_blocks(J.app(13, ps + b"8BIM\x04\x04\x03abc" + struct.pack(">I", len(J.IIM)) + J.IIM)),
        "other_signatures": with_blocks(
            J.app(13, ps + J.irb((0x0422, b"exif")).replace(b"8BIM", b"MeSa") + J.irb((0x0409, b"x" * 2000)))
        ),
        "cut_resource": with_blocks(J.app(13, ps + J.irb((0x0404, J.IIM))[:-5])),
        "empty": with_blocks(J.app(13, ps)),
    }


@case
def text_variants() -> dict[str, bytes]:
    comments = {
        "overlong": b"a\xc0\xafb",
        "surrogate": b"\xed\xa0\x80z",
        "cut_4byte": b"x\xf0\x9f\x98",
        "lone_continuations": b"\x80\x80\xbf!",
        "max_codepoint": b"\xf4\x8f\xbf\xbf \xf4\x90\x80\x80",
        "nul_inside": b"before\x00after\x00\x00",
        "spaces": b" \t\n  padded \r\n\x00",
        "unicode_spaces": "\u00a0\u2003wide\u3000".encode(),
        "bom": b"\xef\xbb\xbfbom",
    }
    return {name: with_blocks(J.segment(0xFE, text)) for name, text in comments.items()}


@case
def jfif_variants() -> dict[str, bytes]:
    rest = PARTS[2:]
    return {
        "thumb_dims_without_data": b"".join([J.SOI, J.app(0, J.JFIF_HEAD + b"\x10\x10")] + rest),
        "thumb_zero_width": b"".join([J.SOI, J.app(0, J.JFIF_HEAD + b"\x00\x05" + bytes(15))] + rest),
        "two_jfif": b"".join([J.SOI, J.JFIF_WITH_THUMB, J.JFIF_WITH_THUMB] + rest),
        "jfxx_short": b"".join([J.SOI, PARTS[1], J.app(0, b"JFXX\x00")] + rest),
        "adobe_short": J.insert(B, 2, J.app(14, b"Adobe")),
        "adobe_twice_cmyk": J.insert(J.BASES["cmyk"], 2, J.split(J.BASES["cmyk"])[1]),
    }


@case
def after_scan() -> dict[str, bytes]:
    """Bytes no decoder reads after scans and restart intervals; scans the walk cannot read."""
    files = S.FILES
    out = {name: S.hide_after_scans(files[name]) for name in ("progressive_CMYK", "mozjpeg_progressive_grey", "jpegli")}
    out["restart_CMYK"] = S.hide_before_restarts(files["restart_CMYK"])
    out["progressive_restart_422"] = S.hide_before_restarts(S.hide_after_scans(files["progressive_restart_422"]))
    out["arithmetic"] = S.relabel_sof(S.hide_after_scans(files["baseline_RGB"]), 0xC9)
    out["invalid_code"] = S.hide_after_scans(S.invalid_code(files["baseline_L"]))
    end = max(seg.end for seg in jpeg.parse(files["optimized_RGB"]).segments)
    out["cut_data"] = files["optimized_RGB"][: end - 30] + files["optimized_RGB"][end:]
    return out


@case
def structure() -> dict[str, bytes]:
    rich = J.CASES["removed_blocks_everything"]
    layout = jpeg.parse.__wrapped__(rich)
    out = {
        "not_jpeg": b"\xff\xd9\xff\xe0" + bytes(30),
        "empty": b"",
        "soi_only": b"\xff\xd8\xff",
        "soi_eoi": b"\xff\xd8\xff\xd9",
        "length_cut": b"\xff\xd8\xff\xe1\x00",
        "length_zero": B[:2] + b"\xff\xfe\x00\x00" + B[2:],
        "length_one": B[:2] + b"\xff\xe1\x00\x01" + B[2:],
        "stray_at_end": b"".join(PARTS[:3]) + b"junk",
        "tem_after_scan": B[:-2] + b"\xff\x01" + J.EOI,
        "reserved_marker_with_length": J.insert(B, 2, J.segment(0x02, b"reserved")),
        "jpg_extension_marker": J.insert(B, 2, J.segment(0xF3, b"jpg3")),
        "dnl_after_scan": J.insert(B, -1, J.segment(0xDC, b"\x00\x20")),
        "eoi_inside_app": J.insert(B, 2, J.app(5, b"\xff\xd9 inside")),
        "two_images_no_mpf": B + J.BASES["cmyk"],
        "empty_scan": b"".join(PARTS[:-2]) + PARTS[-2][: 2 + int.from_bytes(PARTS[-2][2:4], "big")] + J.EOI,
    }
    for seg in layout.segments:  # cut just inside and just after every segment, and inside the scan
        for cut in (seg.start + 1, seg.start + 3, seg.payload_start + 1, seg.end - 1, seg.end):
            out[f"rich_cut_{cut}"] = rich[:cut]
    out["rich_cut_in_eoi"] = rich[: layout.eoi_end - 1]
    out["rich_cut_at_eoi"] = rich[: layout.eoi_end]
    return out


def _structure_ranges(data: bytes) -> list[tuple[int, int]]:
    """Where the metadata and the structure live (every segment but the scan data, and the bytes
    around the end of each scan and the EOI): seeded damage lands there half of the time."""
    layout = jpeg.parse.__wrapped__(data)
    ranges = [(0, min(len(data), 32)), (max(0, layout.eoi_end - 16), min(len(data), layout.eoi_end + 16))]
    for seg in layout.segments:
        ranges.append((seg.start, min(seg.payload_end, seg.start + 4096)))
        if seg.marker == 0xDA:
            ranges.append((max(seg.payload_end, seg.end - 8), seg.end + 4))
    return ranges


@case
def fuzz_synthetic() -> dict[str, bytes]:
    rng = random.Random(5171)
    out = {}
    for name in (
        "removed_blocks_everything",
        "exif_rich_be",
        "removed_blocks_mpo",
        "framing_stray_bytes",
        "kept_blocks_dri_restart",
    ):
        data = J.CASES[name]
        ranges = _structure_ranges(data)
        for k in range(24):
            lo, hi = rng.choice(ranges)
            out[f"{name}_{k:02d}"] = seeded_damage(data, rng, lo, hi, inserted=marker_or_any_byte)
    return out


def _corpus_files() -> list[Path]:
    return [CORPUS / e["file"] for e in manifest() if e["file"].rsplit(".", 1)[-1].lower() in ("jpg", "jpeg", "mpo")]


def fuzz_corpus() -> dict[str, bytes]:
    rng = random.Random(20240517)
    out = {}
    for path in _corpus_files():
        data = path.read_bytes()
        try:
            ranges = _structure_ranges(data)
        except privpix.FormatError:  # the broken corpus files: damage anywhere
            ranges = [(0, len(data))]
        for k in range(12):
            if k % 2:
                lo, hi = rng.choice(ranges)
                mutant = seeded_damage(data, rng, lo, hi, inserted=marker_or_any_byte)
            else:
                mutant = seeded_damage(data, rng, inserted=marker_or_any_byte)
            out[f"{path.stem}_{k:02d}{path.suffix.lower()}"] = mutant
    return out


# ---- running both engines ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> TsRuns:
    return run_ts_on_cases(tmp_path_factory.mktemp("jpeg_synthetic"), CASES, VARIANTS)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], TsRuns]:
    cases = fuzz_corpus()
    return cases, run_ts_on_cases(tmp_path_factory.mktemp("jpeg_fuzzed"), cases, VARIANTS)


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", list(CASES))
def test_strip_is_identical(name: str, variant: str, synthetic: TsRuns) -> None:
    assert engine_mismatch(name, CASES[name], variant, synthetic) is None


@pytest.mark.parametrize("name", list(CASES))
def test_inspect_is_identical(name: str, synthetic: TsRuns) -> None:
    assert engine_mismatch(name, CASES[name], "inspect", synthetic) is None


@pytest.mark.parametrize("variant", ["inspect", *VARIANTS])
def test_damaged_corpus_files_give_the_same_outcome(variant: str, fuzzed: tuple[dict[str, bytes], TsRuns]) -> None:
    cases, runs = fuzzed
    problems = {name: m for name, data in cases.items() if (m := engine_mismatch(name, data, variant, runs)) is not None}
    assert problems == {}


def _kind(error: str) -> str:
    """An error message without its numbers: what went wrong, not where."""
    error = re.sub(r"\(found [^)]*\)", "(found …)", re.sub(r"marker ff [0-9a-f]{2}", "marker ff XX", error))
    return re.sub(r"\d+", "N", error)


def test_the_cases_cover_success_refusal_and_warnings() -> None:
    """Guard against a vacuous suite: plenty of files strip, plenty are refused for many different
    reasons, many warn, and the damaged corpus files include successes and failures."""
    outcomes = {name: python_outcome(data, StripOptions())[0] for name, data in CASES.items()}
    ok = [o for o in outcomes.values() if o["ok"]]
    refused = [o["error"] for o in outcomes.values() if not o["ok"]]
    assert len(ok) >= 200 and len(refused) >= 80
    assert len(set(refused)) >= 60
    assert {_kind(e) for e in refused} == {
        "empty file (N bytes)",
        "not an image privpix can read (expected JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF or TIFF) (found …)",
        "JPEG: at byte N: truncated: expected a marker code, but the file ends",
        "JPEG: at byte N: truncated: expected another marker, but the file ends",
        "JPEG: at byte N: expected a marker (Nxff) (found …)",
        "JPEG: at byte N: expected the length of marker ff XX (N bytes), but the file ends at byte N",
        "JPEG: at byte N: expected a segment length of at least N for marker ff XX (found …)",
        "JPEG: at byte N: expected the payload of marker ff XX (N bytes), but the file ends at byte N",
        "JPEG: at byte N: marker ff XX is one no common decoder reads (hierarchical, JPEG extension or reserved): "
        "privpix will neither drop it nor copy it",
    }
    assert sum(bool(o["result"]["warnings"]) for o in ok) >= 40
    assert sum(o["result"]["damaged"] for o in ok) >= 5  # cut inside or after a scan: read, as damaged
    fuzz = {name: python_outcome(data, StripOptions())[0] for name, data in fuzz_corpus().items()}
    assert len(fuzz) >= 300
    fuzz_ok = [o for o in fuzz.values() if o["ok"]]
    assert len(fuzz_ok) >= 150 and len(fuzz) - len(fuzz_ok) >= 40
    assert sum(bool(o["result"]["warnings"]) for o in fuzz_ok) >= 20
    assert len({_kind(o["error"]) for o in fuzz.values() if not o["ok"]}) >= 4

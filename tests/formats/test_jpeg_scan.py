"""Where a JPEG scan's entropy-coded data ends (formats/jpeg_scan.py), and a strip that drops what a
decoder never reads after it.

The walk is exact when a clean file is read to its last byte: an encoder pads only the last byte of
a scan, so a walk one code off would leave bytes over or run out. Files from three encoders (libjpeg
through Pillow, jpegli, MozJPEG's progressive rewrite), every scan type, restart intervals,
subsampling, greyscale and CMYK, and every corpus JPEG. Then bytes hidden after each scan and
before restart markers must go, with the pixels unchanged; scans the walk cannot read are kept
whole and inspect says so. Both engines are held to the same bytes by tests/test_hidden_text.py and
tests/conformance/test_jpeg_synthetic.py.
"""

from __future__ import annotations

import io
import re

import mozjpeg_lossless_optimization
import numpy as np
import pyjpegli
import pytest
from PIL import Image

import privpix
from privpix.formats import jpeg, jpeg_scan

from ..conftest import corpus_entries, corpus_ids
from ..corpus import CORPUS
from .test_jpeg import base_jpeg

MARK = b"PRIVPIX-HIDDEN-S"


def _pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.array(im)


def _jpegli(size: tuple[int, int] = (83, 61)) -> bytes:
    rgb = Image.fromarray(_pixels(base_jpeg("RGB", size)))
    return bytes(pyjpegli.encode(rgb.tobytes(), rgb.width, rgb.height, 85))


def encoded() -> dict[str, bytes]:
    """Synthetic files: odd sizes, so MCUs are partial at the right and bottom edges."""
    size = (83, 61)
    out = {}
    for mode in ("RGB", "L", "CMYK"):
        out[f"baseline_{mode}"] = base_jpeg(mode, size)
        out[f"progressive_{mode}"] = base_jpeg(mode, size, progressive=True)
        out[f"restart_{mode}"] = base_jpeg(mode, size, restart_marker_blocks=3)
        out[f"optimized_{mode}"] = base_jpeg(mode, size, optimize=True)
    for name, subsampling in (("444", 0), ("422", 1), ("420", 2)):
        out[f"subsampled_{name}"] = base_jpeg("RGB", size, subsampling=subsampling)
        out[f"progressive_restart_{name}"] = base_jpeg(
            "RGB", size, subsampling=subsampling, progressive=True, restart_marker_rows=1
        )
    out["jpegli"] = _jpegli(size)
    out["mozjpeg_progressive"] = mozjpeg_lossless_optimization.optimize(out["baseline_RGB"])
    out["mozjpeg_progressive_grey"] = mozjpeg_lossless_optimization.optimize(out["baseline_L"])
    return out


FILES = encoded()
CORPUS_JPEGS = [e for e in corpus_entries() if e["file"].lower().endswith((".jpg", ".jpeg", ".mpo"))]


def _scan_ends(data: bytes) -> list[int]:
    """Where each scan's data stops: the marker after it."""
    return [seg.end for seg in jpeg.parse(data).segments if seg.marker == jpeg.SOS]


def hide_after_scans(data: bytes, mark: bytes = MARK) -> bytes:
    """``mark`` after the entropy-coded data of every scan, before the marker that follows it."""
    for end in reversed(_scan_ends(data)):
        data = data[:end] + mark + data[end:]
    return data


def hide_before_restarts(data: bytes, mark: bytes = MARK) -> bytes:
    """``mark`` before every restart marker of every scan: after each restart interval's data (not in
    metadata, such as an EXIF thumbnail's own scan, that happens to hold ff d0-d7)."""
    for seg in reversed([s for s in jpeg.parse(data).segments if s.marker == jpeg.SOS]):
        scan = re.sub(rb"(?=\xff[\xd0-\xd7])", lambda _: mark, data[seg.payload_end : seg.end])
        data = data[: seg.payload_end] + scan + data[seg.end :]
    return data


def relabel_sof(data: bytes, marker: int) -> bytes:
    sof = data.index(b"\xff\xc0")
    return data[: sof + 1] + bytes([marker]) + data[sof + 2 :]


def invalid_code(data: bytes) -> bytes:
    """32 one bits at the start of the first scan's data: no Huffman code is that long."""
    start = next(s.payload_end for s in jpeg.parse(data).segments if s.marker == jpeg.SOS)
    return data[:start] + b"\xff\x00" * 4 + data[start + 8 :]


def test_the_files_have_the_scan_types_under_test() -> None:
    sof = {name: jpeg.parse(d).segments for name, d in FILES.items()}
    assert any(s.marker == 0xC2 for s in sof["mozjpeg_progressive"])
    assert any(s.marker == 0xDD for s in sof["restart_RGB"])
    data = FILES["progressive_RGB"]
    refinements = [data[s.payload_end - 1] for s in sof["progressive_RGB"] if s.marker == jpeg.SOS]
    assert any(ahal >> 4 for ahal in refinements)  # successive-approximation refinement scans


@pytest.mark.parametrize("name", list(FILES))
def test_a_clean_file_is_read_to_its_last_byte(name: str) -> None:
    walked = jpeg_scan.walk(FILES[name], jpeg.parse(FILES[name]).segments)
    assert (walked.unchecked, walked.hidden) == (None, [])


@pytest.mark.parametrize("entry", CORPUS_JPEGS, ids=corpus_ids(CORPUS_JPEGS))
def test_every_corpus_jpeg_is_read_to_its_last_byte(entry: dict[str, str]) -> None:
    data = (CORPUS / entry["file"]).read_bytes()
    walked = jpeg_scan.walk(data, jpeg.parse(data).segments)
    assert (walked.unchecked, walked.hidden) == (None, [])


@pytest.mark.parametrize("name", list(FILES))
def test_bytes_after_every_scan_are_dropped_and_the_pixels_stay(name: str) -> None:
    clean = FILES[name]
    hidden = hide_after_scans(clean)
    report = privpix.strip(hidden)
    assert MARK not in report.data
    assert report.data == privpix.strip(clean).data
    assert np.array_equal(_pixels(report.data), _pixels(clean))
    assert ("blocks", "Data after the scan data") in {(f.category, f.label) for f in report.removed}


@pytest.mark.parametrize("entry", CORPUS_JPEGS, ids=corpus_ids(CORPUS_JPEGS))
def test_every_corpus_jpeg_loses_what_is_hidden_in_its_scans_and_keeps_its_pixels(entry: dict[str, str]) -> None:
    """Judged without the walk: the byte search, the strip of the clean file, and libjpeg's pixels."""
    clean = (CORPUS / entry["file"]).read_bytes()
    hidden = hide_before_restarts(hide_after_scans(clean))
    stripped = privpix.strip(hidden).data
    assert MARK not in stripped
    assert stripped == privpix.strip(clean).data
    assert np.array_equal(_pixels(stripped), _pixels(clean))


def test_bytes_before_restart_markers_are_dropped() -> None:
    clean = FILES["restart_RGB"]
    first_restart = clean.index(b"\xff\xd0")
    hidden = hide_before_restarts(clean)
    restarts = clean.count(b"\xff\xd0") + clean.count(b"\xff\xd1")
    assert restarts >= 2 and jpeg.scans(hidden).hidden[0] == (first_restart, len(MARK))
    assert len(jpeg.scans(hidden).hidden) >= restarts
    assert privpix.strip(hidden).data == privpix.strip(clean).data


def test_hidden_bytes_holding_fill_bytes_are_dropped() -> None:
    """``ff ff 00`` after the last code reads as fill bytes and a stuffed zero to a parser, so the
    scan goes on past it; no decoder reads it, so it goes like any other hidden byte."""
    clean = FILES["baseline_RGB"]
    hidden = hide_after_scans(clean, MARK[:8] + b"\xff\xff\x00" + MARK[8:])
    walked = jpeg.scans(hidden)
    assert walked.unchecked is None and [size for _, size in walked.hidden] == [len(MARK) + 3]
    report = privpix.strip(hidden)
    assert MARK[:8] not in report.data and MARK[8:] not in report.data
    assert report.data == privpix.strip(clean).data


def test_restart_markers_after_the_last_interval_are_dropped_with_what_follows() -> None:
    clean = FILES["restart_RGB"]
    end = _scan_ends(clean)[-1]
    hidden = clean[:end] + b"\xff\xd7" + MARK + clean[end:]
    assert MARK not in privpix.strip(hidden).data
    assert privpix.strip(hidden).data == privpix.strip(clean).data


def test_data_cut_short_is_kept_whole() -> None:
    """A scan whose data runs out is read to its end by a decoder (which then pads with zero bits)."""
    clean = FILES["baseline_RGB"]
    end = _scan_ends(clean)[-1]
    cut = clean[: end - 40] + clean[end:]
    assert jpeg.scans(cut).hidden == [] and jpeg.scans(cut).unchecked is None
    assert privpix.strip(cut).data.endswith(clean[end - 80 : end - 40] + b"\xff\xd9")


def _unchecked(data: bytes) -> None:
    """A scan the walk cannot read is kept whole, and inspect and strip say so."""
    warning = "the bytes after the image data could not be checked"
    assert any(w.startswith(warning) for w in privpix.inspect(data).warnings)
    report = privpix.strip(data)
    assert MARK in report.data
    assert any(w.startswith(warning) for w in report.warnings)


def test_arithmetic_coding_is_not_walked() -> None:
    relabelled = relabel_sof(hide_after_scans(FILES["baseline_RGB"]), 0xC9)  # SOF9: arithmetic coding
    assert "arithmetic" in (jpeg.scans(relabelled).unchecked or "")
    _unchecked(relabelled)


def test_an_invalid_code_is_not_walked() -> None:
    broken = invalid_code(FILES["baseline_RGB"])
    assert jpeg.scans(broken).unchecked == "the entropy-coded data holds a code no Huffman table has"
    _unchecked(hide_after_scans(broken))


def test_an_extended_sequential_frame_is_walked() -> None:
    """SOF1 (extended sequential) is read like SOF0: only the code lengths and sizes matter."""
    walked = jpeg.scans(hide_after_scans(relabel_sof(FILES["baseline_RGB"], 0xC1)))
    assert walked.unchecked is None and [size for _, size in walked.hidden] == [len(MARK)]

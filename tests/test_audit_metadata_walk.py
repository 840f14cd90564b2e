"""The audit's metadata-only JPEG walk (formats/jpeg ``read_metadata_head`` / ``readMetadataHead``):
it stops at the first scan and finds the image's end from the end of the file or the MPF index, so
it never reads the picture data; its audit is the full walk's (``inspect``) on every corpus file, in
both engines. (tests/test_audit_web_read.py holds the browser's sparse read to the same answers.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from privpix.formats import jpeg
from privpix.tools.audit import audit_photo
from privpix.tools.inspect import inspect

from .conftest import run_ts_engine
from .corpus import CORPUS


def _corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name != "manifest.json" and not p.name.endswith(".md"))


def test_the_metadata_walk_audits_like_the_full_walk_on_every_corpus_file() -> None:
    differ = []
    for path in _corpus_files():
        data = path.read_bytes()
        if audit_photo(data, path.name) != audit_photo(data, path.name, walk=inspect):
            differ.append(path.name)
    assert differ == []


def test_the_image_end_is_found_where_the_full_walk_finds_it() -> None:
    head_walked = []
    for path in _corpus_files():
        data = path.read_bytes()
        if not jpeg.sniff(data):
            continue
        layout = jpeg._layout_to_scan(data)
        if layout is None:
            continue
        head_walked.append(path.name)
        full = jpeg.parse(data)
        assert layout.eoi_end == full.eoi_end, path.name
        assert not full.damaged
        assert [s.start for s in layout.segments] == [s.start for s in full.segments[: len(layout.segments)]], path.name
    # camera and phone photos, and an MPO whose first image ends before its second (from the MPF index)
    assert {"mei_Nikon_D60.jpg", "exifsamples_iphone6_hdr_NO.jpg", "pillow_frozenpond.mpo"} <= set(head_walked)
    assert len(head_walked) >= 20


@pytest.mark.parametrize(
    ("name", "why"),
    [("mei_Sony_DSC-T5.jpg", "data after the image"), ("broken_truncated.jpg", "cut short in its scan")],
)
def test_a_jpeg_whose_end_is_not_found_from_the_end_takes_the_full_walk(name: str, why: str) -> None:
    data = (CORPUS / name).read_bytes()
    assert jpeg._layout_to_scan(data) is None, why
    assert jpeg.read_metadata_head(data) == jpeg.read_metadata(data)


def _garbage_scan(src: Path, dest: Path) -> None:
    """``src`` with its first scan's data overwritten by a marker the full walk refuses (ff 02 with a
    length of 0), the rest of the file (and so its end) unchanged."""
    data = bytearray(src.read_bytes())
    layout = jpeg.parse(bytes(data))
    sos = next(s for s in layout.segments if s.marker == jpeg.SOS)
    data[sos.payload_end : sos.payload_end + 4] = b"\xff\x02\x00\x00"
    dest.write_bytes(bytes(data))


def test_the_picture_data_is_not_read_in_either_engine(tmp_path: Path) -> None:
    """Garbage in the picture data makes the full walk refuse the file; the audit, which does not read
    it, gives the original's audit, in Python and in TypeScript."""
    names = ["mei_Nikon_D60.jpg", "exifsamples_iphone6_hdr_NO.jpg", "pillow_frozenpond.mpo"]
    paths = []
    for name in names:
        dest = tmp_path / name
        _garbage_scan(CORPUS / name, dest)
        with pytest.raises(Exception, match="segment length"):
            inspect(dest.read_bytes())
        paths.append(dest)
    expected = [audit_photo((CORPUS / name).read_bytes(), str(path), walk=inspect).to_json() for name, path in zip(names, paths)]
    assert [audit_photo(p.read_bytes(), str(p)).to_json() for p in paths] == expected
    assert run_ts_engine("audit", *map(str, paths))["photos"] == expected
    assert all(e["error"] is None and (e["gps"] or e["identity"]) for e in expected)

""" "Keep location but blur it": the strip keep-group ``blurred-location`` keeps the GPS position
rounded to 0.1° (about 11 km) and nothing else of the GPS block. ExifTool judges the written files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import privpix
from privpix.options import StripOptions

from .conftest import exiftool_json, manifest

BLUR = StripOptions(keep=frozenset({"blurred-location"}))


def _located(corpus: Path) -> list[Path]:
    """Corpus files whose EXIF GPS position ExifTool reads (XMP-only positions are not EXIF: strip drops them)."""
    paths = [corpus / e["file"] for e in manifest() if not e["file"].startswith("broken_")]
    tags = exiftool_json(paths, "-n", "-GPS:GPSLatitude", "-GPS:GPSLongitude")
    return [p for p in paths if "GPS:GPSLatitude" in tags[p.name] and "GPS:GPSLongitude" in tags[p.name]]


def _tenth(x: float) -> float:
    return math.copysign(math.floor(abs(x) * 10 + 0.5) / 10, x)


def test_blurred_location_rounds_every_position_to_a_tenth_of_a_degree(corpus: Path, tmp_path: Path) -> None:
    located = _located(corpus)
    assert len(located) >= 10
    before = exiftool_json(located, "-n", "-GPS:all")
    written = []
    for path in located:
        out = tmp_path / path.name
        out.write_bytes(privpix.strip(path.read_bytes(), BLUR).data)
        written.append(out)
    after = exiftool_json(written, "-n", "-GPS:all")
    for path in located:
        old, new = before[path.name], after[path.name]
        for tag in ("GPS:GPSLatitude", "GPS:GPSLongitude"):
            assert new[tag] == pytest.approx(_tenth(old[tag]), abs=1e-9), path.name
            assert abs(new[tag] - old[tag]) <= 0.05 + 1e-9
        # Nothing else of the GPS block is kept: no altitude, no time, no direction or speed.
        kept = {
            "SourceFile",
            "GPS:GPSVersionID",
            "GPS:GPSLatitudeRef",
            "GPS:GPSLatitude",
            "GPS:GPSLongitudeRef",
            "GPS:GPSLongitude",
        }
        assert set(new) - kept == set(), (path.name, set(new) - kept)


def test_blurred_location_keeps_the_picture_bytes(corpus: Path) -> None:
    """Lossless like strip: the same picture data as a plain strip, only the kept EXIF differs."""
    path = corpus / "exifsamples_DSCN0010.jpg"
    plain = privpix.strip(path.read_bytes(), StripOptions()).data
    blurred = privpix.strip(path.read_bytes(), BLUR).data
    sos = plain.index(b"\xff\xda")
    assert blurred.endswith(plain[sos:])
    found = [f for f in privpix.inspect(blurred).findings if f.key == "gps_position"]
    assert [f.value for f in found] == ["43.50000° N, 11.90000° E"]


def test_location_and_blurred_location_together_is_an_error() -> None:
    with pytest.raises(ValueError, match="either location or blurred-location"):
        StripOptions(keep=frozenset({"location", "blurred-location"}))

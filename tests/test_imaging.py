"""The pieces of the re-encode pipeline the browser engine mirrors: the keep-metadata EXIF rewrite,
the JPEG metadata segments, the resize size rule."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

import privpix
from privpix.formats import exif as exif_mod
from privpix.imaging.encode import ICC_CHUNK, encode, jpeg_with_metadata
from privpix.imaging.resize import fit_size
from privpix.options import ConvertOptions


def _source_exif() -> bytes:
    """A little-endian EXIF (Pillow writes that byte order) with tags of every kind."""
    ex = Image.Exif()
    ex[0x0112] = 6  # Orientation
    ex[0x010F] = "Camera Co"  # Make
    ex[0x0100] = 4000  # ImageWidth: TIFF structure, dropped
    ifd = ex.get_ifd(exif_mod.TAG_EXIF_IFD)
    ifd[0x9003] = "2024:01:02 03:04:05"  # DateTimeOriginal
    ifd[0x927C] = b"vendor data with offsets"  # MakerNote, dropped
    ifd[0xA002] = 4000  # PixelXDimension, dropped
    gps = ex.get_ifd(exif_mod.TAG_GPS_IFD)
    gps[1] = "N"
    gps[2] = (52.0, 22.0, 1.5)
    block = ex.tobytes()
    return block[6:] if block.startswith(b"Exif\x00\x00") else block


def test_reencoded_block_resets_orientation_and_drops_what_cannot_survive() -> None:
    out = exif_mod.reencoded_block(_source_exif())
    assert out is not None
    info = exif_mod.parse(out)
    assert info.orientation == 1
    assert info.ifd0 is not None and 0x010F in info.ifd0.entries and 0x0100 not in info.ifd0.entries
    assert info.exif is not None and 0x9003 in info.exif.entries
    assert 0x927C not in info.exif.entries and 0xA002 not in info.exif.entries
    assert info.gps is not None and set(info.gps.entries) == {1, 2}
    assert info.ifd1 is None and info.interop is None
    assert exif_mod.reencoded_block(b"not exif") is None


def test_big_endian_block_keeps_its_byte_order() -> None:
    entry = struct.pack(">HHIHH", 0x0112, 3, 1, 8, 0)
    block = b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", 1) + entry + struct.pack(">I", 0)
    out = exif_mod.reencoded_block(block)
    assert out is not None and out.startswith(b"MM\x00*")
    assert exif_mod.parse(out).orientation == 1


def test_jpeg_metadata_segments_split_a_large_profile() -> None:
    with open("/dev/urandom", "rb") as rnd:
        body = rnd.read(ICC_CHUNK + 1000)
    profile = b"\x00\x00\x00\x00lcms\x02\x10\x00\x00mntrRGB XYZ " + body  # only the header matters here
    image = Image.new("RGB", (32, 32), (50, 100, 150))
    data = encode(image, "jpeg", 80, icc=profile, exif=exif_mod.reencoded_block(_source_exif()))
    assert data.count(b"ICC_PROFILE\x00\x01\x02") == 1 and data.count(b"ICC_PROFILE\x00\x02\x02") == 1
    im = Image.open(io.BytesIO(data))
    assert im.info["icc_profile"] == profile
    assert im.getexif()[0x0112] == 1
    assert jpeg_with_metadata(data, None, None) == data


def test_keep_metadata_exif_round_trips_in_every_format(corpus) -> None:  # type: ignore[no-untyped-def]
    data = (corpus / "mei_Samsung_GT-I9000.jpg").read_bytes()  # orientation 6, GPS
    for fmt in ("jpeg", "webp", "avif", "png"):
        result = privpix.convert(data, ConvertOptions(to=fmt, max_dimension=64, keep_metadata=True))
        labels = {f.label for f in result.kept}
        assert "GPS position" in labels and "Camera model" in labels, fmt
        assert (result.width, result.height) == (48, 64)


@pytest.mark.parametrize(
    ("size", "limit", "expected"),
    [
        ((4032, 3024), 2048, (2048, 1536)),
        ((3024, 4032), 1000, (750, 1000)),
        ((100, 50), 200, (100, 50)),
        ((1001, 3), 100, (100, 1)),
        ((999, 333), 500, (500, 167)),
        ((640, 480), None, (640, 480)),
    ],
)
def test_fit_size_rounds_half_up_in_integers(size: tuple[int, int], limit: int | None, expected: tuple[int, int]) -> None:
    assert fit_size(*size, limit) == expected

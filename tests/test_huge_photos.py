"""Phone photos of 108 and 200 megapixels: with a downscale asked for they are decoded at a reduced
DCT scale (imaging/decode.py) and compress, convert and the CLI work on them within the pixel budget;
without one they are refused with a message that says how to make them work; strip and inspect never
decode pixels and work at any size. The photos are made here (grey, low quality: a few MB), never
committed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

import privpix
from privpix.formats.errors import UnsupportedError
from privpix.options import CompressOptions, ConvertOptions

from .command_line import cli

SIZES = {"108mp": (12000, 9000), "200mp": (16320, 12240)}


def huge_jpeg(width: int, height: int) -> bytes:
    """A grey photo with a few lines (so it is not flat), with EXIF that strip must remove."""
    im = Image.new("L", (width, height), 120)
    draw = ImageDraw.Draw(im)
    for x in range(0, width, width // 12):
        draw.line([(x, 0), (width - x, height)], fill=230, width=40)
    exif = Image.Exif()
    exif[0x010F] = "Samsung"  # Make
    exif[0x0110] = "SM-S918B"  # Model
    out = io.BytesIO()
    im.save(out, "JPEG", quality=20, exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture(scope="module", params=sorted(SIZES))
def huge(request: pytest.FixtureRequest) -> tuple[bytes, tuple[int, int]]:
    size = SIZES[request.param]
    return huge_jpeg(*size), size


def test_compress_and_convert_with_a_downscale(huge: tuple[bytes, tuple[int, int]]) -> None:
    data, (width, height) = huge
    result = privpix.compress(data, CompressOptions(max_dimension=2000))
    assert (result.width, result.height) == (2000, 2000 * height // width)
    with Image.open(io.BytesIO(result.data)) as im:
        assert im.size == (result.width, result.height)
    webp = privpix.convert(data, ConvertOptions(to="webp", max_dimension=1000))
    assert webp.format == "webp" and max(webp.width, webp.height) == 1000
    # 4000 px is less than twice smaller than a 108 MP photo: decoded at 1/2 all the same, within budget
    big = privpix.compress(data, CompressOptions(max_dimension=4000))
    assert big.width == 4000


def test_without_a_downscale_it_is_refused_saying_how(huge: tuple[bytes, tuple[int, int]]) -> None:
    data, (width, height) = huge
    with pytest.raises(UnsupportedError) as err:
        privpix.compress(data)
    assert f"{width}×{height}" in str(err.value) and "with --max-dimension it is decoded at a reduced size" in str(err.value)


def test_strip_and_inspect_work_at_any_size(huge: tuple[bytes, tuple[int, int]]) -> None:
    data, (width, height) = huge
    info = privpix.inspect(data)
    assert (info.width, info.height) == (width, height)
    assert any(f.label == "Camera make" for f in info.findings)
    stripped = privpix.strip(data)
    assert not any(f.label == "Camera make" for f in stripped.kept) and len(stripped.data) < len(data)


def test_the_cli_compresses_a_200_mp_photo(tmp_path: Path) -> None:
    photo = tmp_path / "20261207_120000.jpg"
    photo.write_bytes(huge_jpeg(*SIZES["200mp"]))
    proc = cli("compress", photo, "--max-dimension", "4000", "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    with Image.open(tmp_path / "out" / photo.name) as im:
        assert im.size == (4000, 3000)

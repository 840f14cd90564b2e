"""Phone photos of 108 and 200 megapixels: with a downscale asked for, a JPEG is decoded at a reduced
DCT scale and a grid HEIC one row of tiles at a time (imaging/decode.py, imaging/heic_grid.py), and
compress, convert and the CLI work on them within the pixel budget; without one they are refused
with a message that says how to make them work, and what cannot be decoded in parts says why; strip
and inspect never decode pixels and work at any size. The photos are made here (a few MB at most),
never committed."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pillow_heif
import pytest
from PIL import Image, ImageDraw

import privpix
from privpix.formats import isobmff
from privpix.formats.errors import UnsupportedError
from privpix.imaging import decode as decode_mod
from privpix.imaging import png_rows
from privpix.imaging import reduce as reduce_mod
from privpix.options import CompressOptions, ConvertOptions

from .command_line import cli
from .corpus import CORPUS
from .huge_files import QUADRANTS, grid_heic, imir, irot, quadrant_png, srgb_icc

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


# ---- HEIC ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def huge_heic() -> bytes:
    """108 MP as a Samsung writes it (a grid of 512×512 tiles), turned a quarter (irot), with a profile."""
    return grid_heic(12000, 9000, irot(1), icc=srgb_icc())


def _pixels(data: bytes) -> tuple[np.ndarray, bytes | None]:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB")).astype(int), im.info.get("icc_profile")


def test_a_huge_grid_heic_is_decoded_tile_row_by_tile_row(huge_heic: bytes) -> None:
    result = privpix.convert(huge_heic, ConvertOptions(to="png", max_dimension=2000))
    assert (result.width, result.height) == (1500, 2000)  # irot applied: 9000×12000 upright
    pixels, icc = _pixels(result.data)
    assert icc == srgb_icc()
    # a quarter turn anticlockwise brings the top-right (green) quadrant to the top left
    corners = [pixels[100, 100], pixels[100, -100], pixels[-100, 100], pixels[-100, -100]]
    expected = [QUADRANTS[1], QUADRANTS[3], QUADRANTS[0], QUADRANTS[2]]
    for got, want in zip(corners, expected, strict=True):
        assert np.abs(got - np.array(want)).max() <= 6, (got, want)


def test_the_cli_converts_a_huge_heic(tmp_path: Path, huge_heic: bytes) -> None:
    photo = tmp_path / "20261207_120000.heic"
    photo.write_bytes(huge_heic)
    proc = cli("convert", photo, "--to", "jpeg", "--max-dimension", "1000", "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    with Image.open(tmp_path / "out" / "20261207_120000.jpg") as im:
        assert im.size == (750, 1000)


def test_a_huge_heic_without_a_downscale_is_refused_saying_how(huge_heic: bytes) -> None:
    with pytest.raises(UnsupportedError) as err:
        privpix.compress(huge_heic)
    assert "9000×12000 is 108.0 megapixels" in str(err.value) and "with --max-dimension" in str(err.value)
    info = privpix.inspect(huge_heic)
    assert (info.width, info.height) == (9000, 12000)
    assert len(privpix.strip(huge_heic).data) > 0


def single_picture_claiming(width: int, height: int) -> bytes:
    """A one-picture (not grid) HEIC whose ispe says ``width`` × ``height``: its size is all the
    decoder reads before it refuses."""
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (64, 64), (90, 90, 90))).save(out, quality=50)
    data = bytearray(out.getvalue())
    heif = isobmff.parse(bytes(data))
    ispe = next(b for b in heif.properties if b.type == "ispe")
    data[ispe.start + 12 : ispe.start + 20] = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    return bytes(data)


def test_a_huge_heic_that_is_not_a_grid_is_refused_saying_why() -> None:
    data = single_picture_claiming(12000, 9000)
    for options in (CompressOptions(), CompressOptions(max_dimension=2000)):
        with pytest.raises(UnsupportedError) as err:
            privpix.compress(data, options)
        message = str(err.value)
        assert "12000×9000 is 108.0 megapixels" in message
        assert "not a grid of tiles, so it cannot be decoded in parts" in message and "--max-dimension" not in message


def _both_paths(data: bytes, monkeypatch: pytest.MonkeyPatch, side: int, budget: int) -> tuple[bytes, bytes]:
    """``data`` converted to a ``side`` px PNG as it is, then with a smaller pixel ``budget``, so
    that a HEIC or PNG under the real budget takes the tile-row or row path (the budget leaves room
    for the same box pre-reduction as the normal path's)."""
    options = ConvertOptions(to="png", max_dimension=side, keep_metadata=True)
    normal = privpix.convert(data, options).data
    monkeypatch.setattr(decode_mod, "MAX_PIXELS", budget)
    monkeypatch.setattr(reduce_mod, "MAX_PIXELS", budget)
    tiled = privpix.convert(data, options).data
    return normal, tiled


@pytest.mark.parametrize("name", ["mei_IMG_1034.heic", "pillowheif_arrow.heic"])
def test_the_tile_row_path_matches_the_normal_path_on_a_phone_heic(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    normal, tiled = _both_paths((CORPUS / name).read_bytes(), monkeypatch, 1000, 10_000_000)
    (a, icc_a), (b, icc_b) = _pixels(normal), _pixels(tiled)
    assert a.shape == b.shape
    assert np.abs(a - b).mean() < 0.1 and np.abs(a - b).max() <= 2
    assert icc_a == icc_b
    assert privpix.inspect(normal).findings == privpix.inspect(tiled).findings  # the same metadata kept


@pytest.mark.parametrize(
    "transforms",
    [(), (irot(1),), (irot(2),), (irot(3),), (imir(0),), (imir(1),), (irot(1), imir(0)), (imir(1), irot(3))],
)
def test_the_tile_row_path_turns_and_mirrors_as_libheif(transforms: tuple[bytes, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    normal, tiled = _both_paths(grid_heic(3072, 2048, *transforms), monkeypatch, 750, 2_000_000)
    (a, _), (b, _) = _pixels(normal), _pixels(tiled)
    assert a.shape == b.shape and np.abs(a - b).max() <= 2


# ---- PNG ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """108 MP as a palette PNG, stored sideways (EXIF Orientation 6 in eXIf)."""
    return quadrant_png(12000, 9000, orientation=6)


def test_a_huge_png_is_decoded_row_by_row(huge_png: bytes, tmp_path: Path) -> None:
    result = privpix.convert(huge_png, ConvertOptions(to="png", max_dimension=2000))
    assert (result.width, result.height) == (1500, 2000)  # Orientation 6 applied: 9000×12000 upright
    pixels, _ = _pixels(result.data)
    # a quarter turn clockwise brings the bottom-left (blue) quadrant to the top left
    corners = [pixels[100, 100], pixels[100, -100], pixels[-100, 100], pixels[-100, -100]]
    for got, want in zip(corners, [QUADRANTS[2], QUADRANTS[0], QUADRANTS[3], QUADRANTS[1]], strict=True):
        assert np.abs(got - np.array(want)).max() <= 2, (got, want)
    photo = tmp_path / "scan.png"
    photo.write_bytes(huge_png)
    proc = cli("compress", photo, "--max-dimension", "1000", "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    with Image.open(tmp_path / "out" / "scan.png") as im:
        assert im.size == (750, 1000)
    with pytest.raises(UnsupportedError) as err:
        privpix.compress(huge_png)
    assert "12000×9000 is 108.0 megapixels" in str(err.value) and "with --max-dimension" in str(err.value)


def test_an_interlaced_huge_png_is_refused_saying_why() -> None:
    data = bytearray(quadrant_png(11000, 10000))
    data[28] = 1  # IHDR interlace method: Adam7 (the rows are not read: the refusal comes first)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    with pytest.raises(UnsupportedError) as err:
        privpix.compress(bytes(data), CompressOptions(max_dimension=2000))
    assert "11000×10000 is 110.0 megapixels" in str(err.value)
    assert "interlaced (Adam7), so it cannot be decoded in parts" in str(err.value)


def _small_pngs() -> dict[str, bytes]:
    """One small PNG of each kind the row decoder reads: bit depths 1 to 16, grey, RGB, palette,
    alpha, tRNS; with detail, so every filter type occurs."""
    rng = np.random.default_rng(7)
    h, w = 203, 301
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 7 + y * 3) % 256, (x * 2 + y * 5) % 256, (x * y) % 256, 255 - x % 200], -1)
    base = (base + rng.integers(0, 20, base.shape)).clip(0, 255).astype(np.uint8)
    rgb = Image.fromarray(base[:, :, :3], "RGB")
    images = {
        "rgb8": rgb,
        "rgba8": Image.fromarray(base, "RGBA"),
        "grey8": Image.fromarray(base[:, :, 0], "L"),
        "grey-alpha8": Image.fromarray(base[:, :, [0, 3]], "LA"),
        "palette8": rgb.quantize(200),
        "palette4": rgb.quantize(16),
        "grey1": rgb.convert("1"),
        "grey16": Image.fromarray(base[:, :, 0].astype(np.uint16) * 257 + rng.integers(0, 250, (h, w)).astype(np.uint16)),
    }
    out = {}
    for name, im in images.items():
        buf = io.BytesIO()
        im.save(buf, "PNG", transparency=5) if name == "palette8" else im.save(buf, "PNG")
        out[name] = buf.getvalue()
    import cv2  # writes 16-bit colour PNGs (BGR order), which Pillow cannot

    deep = base.astype(np.uint16) * 257 + rng.integers(0, 250, base.shape).astype(np.uint16)
    out["rgb16"] = cv2.imencode(".png", deep[:, :, 2::-1])[1].tobytes()
    out["rgba16"] = cv2.imencode(".png", deep[:, :, [2, 1, 0, 3]])[1].tobytes()
    return out


@pytest.mark.parametrize("kind", sorted(_small_pngs()))
def test_the_row_path_gives_the_normal_path_s_pixels(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoded in many bands and reduced, exactly the normal decode reduced by the same blocks (as
    Pillow's resize pre-reduces, premultiplied when there is alpha); through convert, the same size
    and mode (the pixels differ where Pillow's plain Lanczos, which it uses with alpha, or its
    edge handling differ from a pre-reduction)."""
    data = _small_pngs()[kind]
    monkeypatch.setattr(png_rows, "BAND_BYTES", 5000)  # many bands: every band boundary is crossed
    full = decode_mod.decode(data).image
    working = {"RGBA": "RGBa", "LA": "La", "I;16": "I"}.get(full.mode, full.mode)
    expected = full.convert(working).reduce((3, 2)).convert(full.mode)
    got = decode_mod.normalise_mode(png_rows.decode_reduced(data, (3, 2)))
    assert got.mode == expected.mode and np.array_equal(np.asarray(got), np.asarray(expected))
    normal, tiled = _both_paths(data, monkeypatch, 75, 31_000)  # reduced by 2×1 on both paths
    with Image.open(io.BytesIO(normal)) as a, Image.open(io.BytesIO(tiled)) as b:
        assert a.mode == b.mode and a.size == b.size


def test_a_huge_webp_is_refused_saying_why() -> None:
    """libwebp decodes a picture whole (and lossy WebP stops at 16383×16383): no reduced decode."""
    out = io.BytesIO()
    Image.new("RGB", (12000, 9000), (20, 100, 200)).save(out, "WEBP", lossless=True)
    for options in (CompressOptions(), CompressOptions(max_dimension=2000)):
        with pytest.raises(UnsupportedError) as err:
            privpix.compress(out.getvalue(), options)
        assert "12000×9000 is 108.0 megapixels" in str(err.value)
        assert "WebP cannot be decoded at a reduced size or in parts" in str(err.value)

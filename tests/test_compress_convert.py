"""Compress and convert on the real corpus: every decodable file into every output format, upright,
with no private metadata left (ExifTool judges), colour kept or converted, target sizes honoured,
transparency flattened, broken files refused."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageStat

import privpix
from privpix.formats.errors import FormatError
from privpix.formats.findings import format_bytes
from privpix.imaging.resize import fit_size
from privpix.options import QUALITY_FLOOR, CompressOptions, ConvertOptions
from privpix.tools.encode import KEPT_ORIGINAL, KEPT_ORIGINAL_EXIF, keep_format, search_quality, search_side

from .conftest import corpus_entries, corpus_ids, exiftool_json, manifest
from .corpus import CORPUS

FORMATS = ("jpeg", "webp", "avif", "png")
EXT = {"jpeg": "jpg", "webp": "webp", "avif": "avif", "png": "png"}
SIDE = 192  # the matrix encodes small versions: the decode and the metadata path are what it tests
FULL = "pillowheif_pug.heic"  # 4032×3024: the one full-size case per format

# ExifTool groups an output may have without keep_metadata: the file's structure and the ICC profile.
ALLOWED_GROUPS = {"SourceFile", "ExifTool", "System", "File", "Composite", "JFIF", "PNG", "RIFF", "QuickTime", "Meta"}
PRIVATE_WORDS = ("GPS", "Make", "Model", "Serial", "DateTime", "Software", "Artist", "Copyright", "Comment", "Creator")

# The fields of a compress or convert report, in order: the library's to_json() and the CLI's --json
# must both give exactly these (tests/test_cli_encode.py checks the CLI against the same list).
COMPRESS_CONVERT_REPORT_KEYS = (
    "format",
    "source_format",
    "width",
    "height",
    "quality",
    "frames",
    "bytes_before",
    "bytes_after",
    "target_size",
    "target_met",
    "target_downscaled",
    "original_kept",
    "first_frame_only",
    "removed",
    "kept",
    "warnings",
)

ENTRIES = corpus_entries()
BROKEN = corpus_entries(broken=True)


def upright(entry: dict[str, Any]) -> tuple[int, int]:
    """The manifest size made upright: EXIF orientations 5-8 swap JPEG/WebP/TIFF/PNG sides (HEIC and
    AVIF sizes in the manifest already have irot applied)."""
    w, h = entry["width"], entry["height"]
    if entry["format"] in ("JPEG", "MPO", "WebP", "TIFF", "PNG") and (entry.get("orientation") or 1) >= 5:
        return h, w
    return w, h


def decoded(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def groups(tags: dict[str, Any]) -> set[str]:
    return {key.split(":", 1)[0] for key in tags if ":" in key} | {"SourceFile"}


@pytest.fixture(scope="session")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every decodable corpus file converted to every format (small), written out, with one
    ExifTool call over all of them; plus keep-metadata and sRGB variants."""
    out = tmp_path_factory.mktemp("matrix")
    results: dict[tuple[str, str, str], privpix.EncodeResult] = {}
    for entry in ENTRIES:
        data = (CORPUS / entry["file"]).read_bytes()
        for fmt in FORMATS:
            variants = [("plain", ConvertOptions(to=fmt, max_dimension=SIDE))]
            if entry["has_gps"] or entry["orientation"] not in (None, 1):
                variants.append(("meta", ConvertOptions(to=fmt, max_dimension=SIDE, keep_metadata=True)))
            if entry["icc"] and fmt == "jpeg":
                variants.append(("srgb", ConvertOptions(to=fmt, max_dimension=SIDE, colour="srgb")))
            for name, options in variants:
                result = privpix.convert(data, options)
                results[(entry["file"], fmt, name)] = result
                (out / f"{entry['file']}.{name}.{EXT[fmt]}").write_bytes(result.data)
    tags = exiftool_json(sorted(out.iterdir()))
    return {"results": results, "tags": tags, "dir": out}


def _tags(matrix: dict[str, Any], file: str, fmt: str, variant: str = "plain") -> dict[str, Any]:
    return matrix["tags"][f"{file}.{variant}.{EXT[fmt]}"]


@pytest.mark.parametrize("entry", ENTRIES, ids=corpus_ids(ENTRIES))
def test_every_file_converts_to_every_format_upright_and_clean(entry: dict[str, Any], matrix: dict[str, Any]) -> None:
    expected = fit_size(*upright(entry), SIDE)
    for fmt in FORMATS:
        result = matrix["results"][(entry["file"], fmt, "plain")]
        im = decoded(result.data)
        assert im.format == {"jpeg": "JPEG", "webp": "WEBP", "avif": "AVIF", "png": "PNG"}[fmt]
        assert im.size == expected == (result.width, result.height), (fmt, im.size, expected)
        assert result.bytes_after == len(result.data)
        assert result.quality == (None if fmt == "png" else privpix.options.DEFAULT_QUALITY[fmt])
        tags = _tags(matrix, entry["file"], fmt)
        extra = groups(tags) - ALLOWED_GROUPS - {g for g in groups(tags) if g.startswith("ICC")}
        assert not extra, f"{fmt}: metadata groups left: {extra}"
        leaked = [k for k in tags if not k.startswith("ICC") and any(word in k.split(":")[-1] for word in PRIVATE_WORDS)]
        assert not leaked, f"{fmt}: {leaked}"
        # the report says what the source carried that the output does not
        if entry["has_gps"]:
            assert any(f.category == "location" for f in result.removed), fmt
        # colour kept: the same profile, by name (a CMYK profile cannot tag RGB output)
        description = tags.get("ICC_Profile:ProfileDescription")
        if entry["icc"] and "cmyk_jpeg" not in entry["cases"]:
            assert description == entry["icc_description"], fmt
        else:
            assert description is None, fmt


META = [e for e in ENTRIES if e["has_gps"] or e["orientation"] not in (None, 1)]
ICC = [e for e in ENTRIES if e["icc"]]


@pytest.mark.parametrize("entry", META, ids=corpus_ids(META))
def test_keep_metadata_copies_exif_with_orientation_reset(entry: dict[str, Any], matrix: dict[str, Any]) -> None:
    for fmt in FORMATS:
        tags = _tags(matrix, entry["file"], fmt, "meta")
        exif_gps = entry["has_gps"] and "exif" in entry["gps_locations"]
        assert ("GPS:GPSLatitude" in tags) == exif_gps, fmt
        assert tags.get("IFD0:Orientation", "Horizontal (normal)") == "Horizontal (normal)", fmt
        assert "MakerNotes" not in " ".join(groups(tags)), fmt
        assert not any(g.startswith("XMP") for g in groups(tags)), fmt
        im = decoded(matrix["results"][(entry["file"], fmt, "meta")].data)
        assert im.size == fit_size(*upright(entry), SIDE)


@pytest.mark.parametrize("entry", ICC, ids=corpus_ids(ICC))
def test_colour_srgb_converts_and_embeds_no_profile(entry: dict[str, Any], matrix: dict[str, Any]) -> None:
    tags = _tags(matrix, entry["file"], "jpeg", "srgb")
    assert not any(g.startswith("ICC") for g in groups(tags))
    assert matrix["results"][(entry["file"], "jpeg", "srgb")].removed


def test_adobe_rgb_to_srgb_changes_the_pixels_as_littlecms_does() -> None:
    from PIL import ImageCms

    data = (CORPUS / "skimage_rocket.jpg").read_bytes()
    kept = decoded(privpix.convert(data, ConvertOptions(to="png", max_dimension=SIDE)).data).convert("RGB")
    srgb = decoded(privpix.convert(data, ConvertOptions(to="png", max_dimension=SIDE, colour="srgb")).data).convert("RGB")

    profile = ImageCms.ImageCmsProfile(io.BytesIO(kept.info["icc_profile"]))
    reference = ImageCms.profileToProfile(kept, profile, ImageCms.createProfile("sRGB"), renderingIntent=1)
    assert reference is not None
    assert max(ImageStat.Stat(ImageChops.difference(kept, srgb)).mean) > 1.0  # Adobe RGB is not sRGB
    assert max(ImageStat.Stat(ImageChops.difference(reference, srgb)).mean) < 0.5


def test_orientation_is_applied_exactly_once() -> None:
    """The eight EXIF orientation samples show the same upright scene; a HEIC with irot 270 and EXIF
    Orientation 6 comes out portrait (rotated once, not twice)."""

    def pixels(name: str) -> Image.Image:
        data = (CORPUS / name).read_bytes()
        return decoded(privpix.convert(data, ConvertOptions(to="png", max_dimension=120)).data).convert("L")

    # landscape_1 was saved without the others' colour profile (its tones differ by ~14 levels);
    # a wrong transform differs by ~50 (mirror) or more
    reference = pixels("exifsamples_landscape_2.jpg")
    for n in range(1, 9):
        im = pixels(f"exifsamples_landscape_{n}.jpg")
        assert im.size == reference.size == (120, 90)
        assert ImageStat.Stat(ImageChops.difference(im, reference)).mean[0] < (20 if n == 1 else 6), n
    arrow = privpix.convert((CORPUS / "pillowheif_arrow.heic").read_bytes(), ConvertOptions(to="jpeg", max_dimension=400))
    assert (arrow.width, arrow.height) == (300, 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_full_size_12mp(fmt: str) -> None:
    data = (CORPUS / FULL).read_bytes()
    result = privpix.convert(data, ConvertOptions(to=fmt))
    im = decoded(result.data)
    assert im.size == (4032, 3024) == (result.width, result.height)
    assert result.bytes_after < {"jpeg": 1_000_000, "webp": 800_000, "avif": 800_000, "png": 12_000_000}[fmt]
    assert "ICC profile" in [f.label for f in result.kept]
    assert any(f.category == "location" for f in result.removed)


# ---- target size -----------------------------------------------------------------------------------


def test_search_probes_exactly_as_specified() -> None:
    probes: list[int] = []

    def sizes(limit: int) -> Any:
        def encode_at(q: int) -> bytes:
            probes.append(q)
            return b"x" * (q * 10)

        return encode_at

    assert search_quality(sizes(0), 10 * 63)[:1] + search_quality(sizes(0), 10 * 63)[2:] == (63, True)
    probes.clear()
    assert search_quality(sizes(0), 10_000)[0] == 100 and probes == [50, 75, 88, 94, 97, 99, 100]
    probes.clear()
    quality, out, met = search_quality(sizes(0), 5)
    assert (quality, len(out), met) == (1, 10, False) and probes == [50, 25, 12, 6, 3, 1]


@pytest.mark.parametrize("fmt", ["jpeg", "webp", "avif"])
def test_target_size_is_met_with_the_highest_quality_that_fits(fmt: str) -> None:
    data = (CORPUS / "mei_Sony_DSC-T5.jpg").read_bytes()
    target = 40_000
    result = privpix.compress(data, CompressOptions(format=fmt, target_size=target, max_dimension=640))
    assert result.target_met is True and result.target_size == target
    assert len(result.data) <= target
    assert result.quality is not None and result.quality < 100
    above = privpix.compress(data, CompressOptions(format=fmt, quality=result.quality + 1, max_dimension=640))
    assert len(above.data) > target
    assert result.to_json()["target_met"] is True


def test_search_with_a_floor_probes_the_floor_first() -> None:
    probes: list[int] = []

    def encode_at(q: int) -> bytes:
        probes.append(q)
        return b"x" * (q * 10)

    assert search_quality(encode_at, 300, floor=40)[2] is False and probes == [40]  # 400 bytes at the floor
    probes.clear()
    assert search_quality(encode_at, 630, floor=40)[:1] == (63,) and probes == [40, 70, 55, 62, 66, 64, 63]


def test_side_search_probes_where_bytes_proportional_to_pixels_would_fit() -> None:
    probes: list[int] = []

    def encode_at(side: int) -> bytes:  # 1 byte per 100 px of a square, and 5 kB of headers
        probes.append(side)
        return b"x" * (side * side // 100 + 5000)

    side, out, fits = search_side(encode_at, 4000, 40_000, 165_000)
    assert (side, fits) == (1870, True) and len(out) <= 40_000 < len(encode_at(1871))
    assert probes[:-1] == [1969, 1882, 1872, 1870]
    probes.clear()
    side, out, fits = search_side(encode_at, 4000, 1, 165_000)
    assert (side, fits) == (16, False) and probes == [16]


def test_target_below_the_quality_floor_downscales_by_the_least_amount() -> None:
    data = (CORPUS / "mei_Sony_DSC-T5.jpg").read_bytes()
    target = 60_000
    result = privpix.compress(data, CompressOptions(target_size=target, max_dimension=1600))
    floor = QUALITY_FLOOR["jpeg"]
    assert result.target_met is True and result.target_downscaled is True and result.quality == floor
    assert len(result.data) <= target and decoded(result.data).size == (result.width, result.height)
    assert result.width < 1600 and result.warnings == [
        f"downscaled to {result.width}×{result.height} to reach 60.0 kB: below quality {floor} the photo would not be usable"
    ]
    bigger = privpix.compress(data, CompressOptions(quality=floor, max_dimension=result.width + 1600 // 100 + 1))
    assert len(bigger.data) > target  # a step larger (beyond the search's 1 % tolerance) does not fit
    assert result.to_json()["target_downscaled"] is True


def test_unreachable_target_returns_the_smallest_with_a_clear_warning() -> None:
    data = (CORPUS / "mei_Sony_DSC-T5.jpg").read_bytes()
    result = privpix.compress(data, CompressOptions(target_size=100, max_dimension=640))
    assert result.target_met is False and result.quality == QUALITY_FLOOR["jpeg"]
    assert (result.width, result.height) == (16, 12) and len(result.data) > 100
    assert result.warnings == [
        f"could not reach 100 bytes: even 16×12 at quality {QUALITY_FLOOR['jpeg']} is {format_bytes(len(result.data))}"
    ]


def test_lossless_png_over_target_falls_back_to_a_palette() -> None:
    data = (CORPUS / "rembg_car-1.out.png").read_bytes()
    fits = privpix.compress(data, CompressOptions(target_size=500_000))
    assert fits.quality is None and fits.target_met is True and not fits.warnings
    small = privpix.compress(data, CompressOptions(target_size=40_000))
    assert small.target_met is True and len(small.data) <= 40_000 and small.quality is not None
    assert small.data[25] == 3  # IHDR colour type 3: palette
    assert any("palette" in w for w in small.warnings)
    assert decoded(small.data).convert("RGBA").getchannel("A").getextrema()[0] == 0  # transparency survives


# ---- never larger ----------------------------------------------------------------------------------

CANON_AVIF = "mei_Issue_649_canon.avif"  # 276.8 kB; AVIF q60 re-encodes it larger (311 kB)
SMALL_JPEG = "exifsamples_DSCN0010.jpg"  # 161.7 kB with GPS; -q 95 re-encodes it at 146+ kB


@pytest.mark.parametrize(("name", "quality"), [(CANON_AVIF, None), (SMALL_JPEG, 95)])
def test_compress_keeps_the_original_picture_when_re_encoding_is_not_smaller(name: str, quality: int | None) -> None:
    data = (CORPUS / name).read_bytes()
    result = privpix.compress(data, CompressOptions(quality=quality))
    assert result.original_kept is True and result.quality is None
    assert result.data == privpix.strip(data).data  # the picture byte for byte, its metadata removed as strip does
    assert len(result.data) < len(data) and result.warnings == [KEPT_ORIGINAL]
    assert not any(f.category in ("location", "device", "time") for f in result.kept)
    assert result.to_json()["original_kept"] is True

    larger = privpix.compress(data, CompressOptions(quality=quality, allow_larger=True))
    assert larger.original_kept is False and larger.quality is not None
    assert len(larger.data) > len(result.data)
    if len(larger.data) > len(data):
        assert any(w.startswith("the result is larger than the original (") for w in larger.warnings), larger.warnings


def test_kept_original_with_keep_metadata_keeps_the_exif_groups() -> None:
    data = (CORPUS / SMALL_JPEG).read_bytes()
    result = privpix.compress(data, CompressOptions(quality=95, keep_metadata=True))
    assert result.original_kept is True and result.warnings == [KEPT_ORIGINAL_EXIF]
    assert any(f.category == "location" for f in result.kept)  # asked for: the EXIF stays


def test_original_is_not_kept_when_the_picture_changes() -> None:
    """Downscaled, converted to sRGB, or another format: the re-encoded picture is what was asked for."""
    data = (CORPUS / SMALL_JPEG).read_bytes()
    small = privpix.compress(data, CompressOptions(quality=100, max_dimension=600))
    assert small.original_kept is False and (small.width, small.height) == (600, 450)
    rocket = (CORPUS / "skimage_rocket.jpg").read_bytes()  # Adobe RGB
    srgb = privpix.compress(rocket, CompressOptions(quality=100, colour="srgb"))
    assert srgb.original_kept is False and srgb.quality == 100
    webp = privpix.convert(data, ConvertOptions(to="jpeg", quality=100))  # convert never keeps the original
    assert webp.original_kept is False and len(webp.data) > len(data)
    assert any(w.startswith("the result is larger than the original") for w in webp.warnings)


def test_a_smaller_re_encode_is_kept() -> None:
    data = (CORPUS / SMALL_JPEG).read_bytes()
    result = privpix.compress(data, CompressOptions(quality=60))
    assert result.original_kept is False and result.quality == 60 and len(result.data) < len(privpix.strip(data).data)
    assert not result.warnings


# ---- animations ------------------------------------------------------------------------------------

GIF = "pillow_iss634.gif"  # 42 frames, 245×245, loops forever, first delay 0
ANIMATED_WEBP = "mei_Animation_Lossy.webp"  # 101 frames, 320×240


def frames_of(data: bytes) -> tuple[int, list[int], int | None]:
    with Image.open(io.BytesIO(data)) as im:
        durations = []
        for i in range(im.n_frames):
            im.seek(i)
            im.load()  # Pillow reads a WebP frame's duration as it decodes it
            durations.append(im.info.get("duration", 0))
        return im.n_frames, durations, im.info.get("loop")


@pytest.mark.parametrize("name", [GIF, ANIMATED_WEBP])
def test_animations_stay_animated_as_webp(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    result = privpix.compress(data, CompressOptions(max_dimension=200))
    count, durations, loop = frames_of(data)
    assert result.format == "webp" and result.frames == count > 1 and result.first_frame_only is False
    assert not result.warnings
    out_count, out_durations, out_loop = frames_of(result.data)
    assert out_count == count and out_loop == loop == 0
    # a GIF delay under 20 ms plays at 100 ms in browsers, and so it does in the WebP
    assert out_durations == [100 if name == GIF and d < 20 else d for d in durations]
    assert max(result.width, result.height) == 200
    with Image.open(io.BytesIO(result.data)) as im:
        im.seek(count // 2)
        assert im.size == (result.width, result.height)


def test_an_animation_in_a_still_format_is_its_first_frame_and_says_so() -> None:
    data = (CORPUS / GIF).read_bytes()
    result = privpix.convert(data, ConvertOptions(to="jpeg"))
    assert result.frames == 1 and result.first_frame_only is True
    assert result.warnings == ["animated GIF: first frame only (JPEG cannot hold an animation)"]
    assert result.to_json()["first_frame_only"] is True
    webp = privpix.convert(data, ConvertOptions(to="webp"))
    assert webp.frames == 42 and webp.first_frame_only is False


def test_an_animation_beyond_the_pixel_budget_keeps_its_first_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    from privpix.imaging import animation

    monkeypatch.setattr(animation, "MAX_PIXELS", 42 * 100 * 100)  # 42 frames fit at 100 px, not at 245
    data = (CORPUS / GIF).read_bytes()
    full = privpix.compress(data)
    assert full.frames == 1 and full.first_frame_only is True and full.format == "webp"
    assert full.warnings == [
        "animated GIF: first frame only (its 42 frames are more pixels than privpix decodes at once; try --max-dimension)"
    ]
    assert privpix.compress(data, CompressOptions(max_dimension=100)).frames == 42


@pytest.mark.parametrize(("gif_loop", "plays"), [(None, 1), (0, 0), (2, 3)])
def test_loop_counts_become_plays(gif_loop: int | None, plays: int) -> None:
    frames = [Image.new("RGB", (32, 32), colour) for colour in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    out = io.BytesIO()
    extra = {} if gif_loop is None else {"loop": gif_loop}
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=[50, 5, 200], **extra)
    result = privpix.compress(out.getvalue())
    count, durations, loop = frames_of(result.data)
    assert (count, durations) == (3, [50, 100, 200])
    assert (loop or 0) == plays


# ---- options ---------------------------------------------------------------------------------------


def test_max_dimension_fits_the_longer_side_and_never_upscales() -> None:
    data = (CORPUS / "mei_Oppo_R7_Plus.jpg").read_bytes()  # 3120×4160 portrait
    r = privpix.compress(data, CompressOptions(max_dimension=1000))
    assert (r.width, r.height) == (750, 1000) == decoded(r.data).size
    small = (CORPUS / "exifsamples_32-lens_data.jpeg").read_bytes()  # 200×133
    r = privpix.compress(small, CompressOptions(max_dimension=4000))
    assert (r.width, r.height) == (200, 133)
    assert fit_size(4032, 3024, 1000) == (1000, 750) and fit_size(3, 1000, 16) == (16 * 3 // 1000 or 1, 16)


def test_palette_png_is_much_smaller_and_indexed() -> None:
    data = (CORPUS / "skimage_astronaut.png").read_bytes()
    lossless = privpix.compress(data)
    palette = privpix.compress(data, CompressOptions(palette=True, quality=80))
    assert palette.data[25] == 3 and lossless.data[25] != 3
    assert len(palette.data) < len(lossless.data) * 0.6
    assert palette.quality == 80 and lossless.quality is None


@pytest.mark.parametrize("background", ["#ffffff", "#ff0000"])
def test_transparency_is_flattened_onto_the_background_for_jpeg(background: str) -> None:
    data = (CORPUS / "rembg_car-1.out.png").read_bytes()
    source = decoded(data).convert("RGBA")
    corner = (2, 2)
    assert source.getpixel(corner)[3] == 0
    result = privpix.convert(data, ConvertOptions(to="jpeg", background=background))
    im = decoded(result.data).convert("RGB")
    want = tuple(int(background[i : i + 2], 16) for i in (1, 3, 5))
    assert all(abs(a - b) <= 6 for a, b in zip(im.getpixel(corner), want)), im.getpixel(corner)
    webp = decoded(privpix.convert(data, ConvertOptions(to="webp")).data)
    assert webp.mode == "RGBA"  # formats with alpha keep it


def test_format_keep_mapping() -> None:
    assert [keep_format(s, False) for s in ("jpeg", "png", "webp", "avif", "heic", "tiff", "gif", "bmp")] == [
        "jpeg",
        "png",
        "webp",
        "avif",
        "jpeg",
        "jpeg",
        "png",
        "png",
    ]
    assert keep_format("heic", True) == keep_format("tiff", True) == "png"
    assert keep_format("jpeg", True) == "jpeg" and keep_format("webp", True) == "webp"
    assert keep_format("gif", False, animated=True) == keep_format("png", True, animated=True) == "webp"
    gif = privpix.compress((CORPUS / "pillow_iss634.gif").read_bytes())
    assert gif.format == "webp" and gif.frames == 42 and not gif.warnings  # an animation stays one
    tiff = privpix.compress((CORPUS / "mei_olympus_fe190.tif").read_bytes())
    assert tiff.format == "jpeg" and tiff.source_format == "tiff"


def test_bmp_and_sixteen_bit_and_cmyk() -> None:
    bmp = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 240)).save(bmp, "BMP")
    r = privpix.compress(bmp.getvalue())
    assert (r.format, r.source_format, r.quality) == ("png", "bmp", None)
    assert decoded(r.data).convert("RGB").getpixel((5, 5)) == (10, 120, 240)

    parrot = (CORPUS / "derived_parrot_16bit_gray.png").read_bytes()
    png16 = privpix.convert(parrot, ConvertOptions(to="png", max_dimension=256))
    assert png16.data[24] == 16  # IHDR bit depth: PNG keeps 16 bits
    jpeg8 = decoded(privpix.convert(parrot, ConvertOptions(to="jpeg", max_dimension=256)).data).convert("L")
    mean16 = float(np.asarray(decoded(png16.data), dtype=np.float64).mean()) / 257
    assert 100 < mean16 < 130
    assert abs(ImageStat.Stat(jpeg8).mean[0] - mean16) < 2  # scaled to 8 bits, not clipped

    cmyk = (CORPUS / "sharp_Channel_digital_image_CMYK_color.jpg").read_bytes()
    out = decoded(privpix.convert(cmyk, ConvertOptions(to="jpeg")).data).convert("RGB")
    naive = decoded(cmyk).convert("RGB")  # Pillow's plain formula: close, and certainly not inverted
    assert ImageStat.Stat(ImageChops.difference(out, naive)).mean[0] < 40
    assert abs(ImageStat.Stat(out).mean[0] - ImageStat.Stat(naive).mean[0]) < 25


def test_too_many_pixels_is_refused_before_decoding() -> None:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 12000, 9000, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b"")
    with pytest.raises(FormatError, match="12000×9000 is 108.0 megapixels, more than the 100 megapixels"):
        privpix.convert(png)


@pytest.mark.parametrize("entry", BROKEN, ids=corpus_ids(BROKEN))
def test_broken_files_give_clear_errors(entry: dict[str, Any]) -> None:
    data = (CORPUS / entry["file"]).read_bytes()
    expected = {
        "broken_truncated.jpg": "truncated",
        "broken_truncated.heic": "truncated",
        "broken_zero_bytes.jpg": "empty file",
        "broken_text_file.jpg": "not an image",
    }[entry["file"]]
    for call in (lambda: privpix.compress(data), lambda: privpix.convert(data, ConvertOptions(to="png"))):
        with pytest.raises(FormatError, match=expected):
            call()


def test_report_shape() -> None:
    result = privpix.compress((CORPUS / "exifsamples_DSCN0010.jpg").read_bytes(), CompressOptions(target_size=60_000))
    doc = json.loads(json.dumps(result.to_json()))
    assert list(doc) == list(COMPRESS_CONVERT_REPORT_KEYS)
    assert doc["format"] == "jpeg" and doc["target_size"] == 60_000 and doc["target_met"] is True
    assert {"category", "label", "value", "block", "offset", "length"} <= set(doc["removed"][0])
    assert {f["category"] for f in doc["removed"]} >= {"location", "device", "time"}
    assert privpix.compress((CORPUS / "exifsamples_DSCN0010.jpg").read_bytes()).to_json()["target_met"] is None


def test_library_path_helpers(tmp_path: Path) -> None:
    source = tmp_path / "IMG_1.HEIC"
    source.write_bytes((CORPUS / "pillowheif_xiaomi.heic").read_bytes())
    before = source.read_bytes()
    result = privpix.compress_file(source, options=CompressOptions(max_dimension=300))
    assert (tmp_path / "IMG_1-compressed.jpg").read_bytes() == result.data
    privpix.convert_file(source, tmp_path / "x.webp", ConvertOptions(to="webp", max_dimension=300))
    assert decoded((tmp_path / "x.webp").read_bytes()).format == "WEBP"
    with pytest.raises(ValueError, match="in_place keeps the name"):
        privpix.compress_file(source, in_place=True)
    assert source.read_bytes() == before
    assert len(manifest()) >= len(ENTRIES)

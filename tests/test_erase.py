"""Erase objects (Python engine): the engine follows the specification bit for bit, pixels outside
the grown + feathered mask never change, the fill is deterministic for a seed, its quality on
synthetic holes in held-out photos beats OpenCV's FSR_FAST, and the tool, library and CLI behave
(masks, boxes, output names, JSON, exit codes, broken input, metadata judged by ExifTool)."""

from __future__ import annotations

import hashlib
import io
import json
import statistics
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

import privpix
from privpix.cli import app
from privpix.formats.errors import FormatError
from privpix.options import ERASE, TOOLS, EraseOptions, auto_feather, auto_grow, export
from privpix.tools.erase import MaskError, erase, mask_from_boxes, masks
from privpix.tools.erase.fill import erase_pixels
from privpix.tools.erase.patchmatch import Stream, pcg_hash
from privpix.tools.remove_bg import upright_rgb

from . import erase_holes as holes
from .conftest import exiftool_json
from .corpus import CORPUS
from .erase_cases import CASES, EXPECTED, python_fill

ROTATED = CORPUS / "mei_Samsung_GT-I9000.jpg"  # stored 640×480, EXIF orientation 6, GPS: upright 480×640
ASTRONAUT = CORPUS / "skimage_astronaut.png"  # PNG 512×512 with an sRGB profile
runner = CliRunner()


def png(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


def near(mask: np.ndarray, k: int) -> np.ndarray:
    """Pixels within Chebyshev distance k of the mask (chamfer <= 3k implies Chebyshev <= k)."""
    return masks.dilate_square(mask, k)


# ---- the specification ----------------------------------------------------------------------------------


def test_rng_test_vectors() -> None:
    assert [pcg_hash(i) for i in range(4)] == [129708002, 2831084092, 2055130248, 2131687100]
    s0, s1 = Stream(0), Stream(12345)
    assert [s0.next_base() for _ in range(3)] == [817759070, 3911864714, 2047839475]
    assert [s1.next_base() for _ in range(3)] == [3009604215, 342608, 2274908191]


def test_chamfer_is_the_exact_3_4_distance() -> None:
    rng = np.random.default_rng(3)
    m = rng.random((23, 31)) < 0.02
    m[5, 7] = True
    ys, xs = np.nonzero(m)
    yy, xx = np.mgrid[:23, :31]
    dy = np.abs(yy[..., None] - ys)
    dx = np.abs(xx[..., None] - xs)
    brute = (3 * np.maximum(dy, dx) + np.minimum(dy, dx)).min(axis=2)  # 4·min + 3·(max - min)
    assert np.array_equal(masks.chamfer(m), brute)


def test_region_in_a_window_equals_the_whole_image() -> None:
    rng = np.random.default_rng(5)
    m = np.zeros((90, 120), bool)
    m[rng.integers(0, 90, 6), rng.integers(0, 120, 6)] = True
    m[0, 50] = m[89, 119] = True  # on the border
    for grow, feather in ((0, 0), (4, 2), (7, 0), (0, 5)):
        r = masks.grow_and_feather(m, grow, feather)
        core = masks.chamfer(m) <= 3 * grow if grow else m
        region = masks.chamfer(core) <= 3 * feather if feather else core
        y0, y1, x0, x1 = r.window
        assert not region[:y0].any() and not region[y1:].any() and not region[:, :x0].any() and not region[:, x1:].any()
        assert np.array_equal(r.region, region[y0:y1, x0:x1]) and np.array_equal(r.core, core[y0:y1, x0:x1])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_engine_matches_the_reference_bit_for_bit(case) -> None:  # noqa: ANN001
    """The shared browser cases give exactly the pinned bytes (the browser engine gives them too)."""
    pixels_sha, fill_sha = EXPECTED[case.name]
    if hashlib.sha256(case.image().tobytes()).hexdigest() != pixels_sha:
        pytest.skip("this Pillow decodes the corpus photo differently from the one the reference ran on")
    out = python_fill(case)
    assert hashlib.sha256(out).hexdigest() == fill_sha
    # and the engine's own entry point gives the same as the whole tool
    grow = case.options().grow_for(_side(case.mask()))
    feather = case.options().feather_for(case.image().shape[1], case.image().shape[0])
    direct = erase_pixels(case.image(), case.mask(), grow=grow, feather=feather, seed=case.seed)
    assert direct.tobytes() == out


def test_uncached_target_patches_give_the_same_fill(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large holes gather target patches per evaluation instead of caching them: same numbers."""
    from privpix.tools.erase import patchmatch

    case = next(c for c in CASES if c.name == "large")
    if hashlib.sha256(case.image().tobytes()).hexdigest() != EXPECTED["large"][0]:
        pytest.skip("this Pillow decodes the corpus photo differently from the one the reference ran on")
    monkeypatch.setattr(patchmatch, "TARGET_CACHE_BYTES", 0)
    assert hashlib.sha256(python_fill(case)).hexdigest() == EXPECTED["large"][1]


def _side(m: np.ndarray) -> int:
    ys, xs = np.nonzero(m)
    return int(max(ys.max() - ys.min(), xs.max() - xs.min())) + 1


def test_auto_formulas() -> None:
    assert [auto_grow(s) for s in (1, 100, 299, 300, 302, 760, 2000)] == [4, 4, 4, 5, 5, 11, 30]
    assert [auto_feather(w, h) for w, h in ((640, 480), (2499, 10), (2500, 10), (4032, 3024), (3024, 4032), (8000, 6000))] == [
        2,
        2,
        3,
        4,
        4,
        8,
    ]
    o = EraseOptions()
    assert (o.grow_for(760), o.feather_for(4032, 3024), o.quality_for("jpeg"), o.quality_for("avif")) == (11, 4, 90, 80)
    assert EraseOptions(grow=0, feather=0).grow_for(760) == 0
    for bad in ({"grow": -1}, {"feather": 201}, {"seed": -1}, {"seed": 2**32}, {"quality": 0}, {"grow": 1.5}, {"seed": True}):
        with pytest.raises(ValueError):
            EraseOptions(**bad)  # type: ignore[arg-type]


def test_options_are_exported_for_the_web_app() -> None:
    assert TOOLS["erase"] is ERASE
    doc = export()
    opts = {o["name"]: o for o in doc["tools"]["erase"]["options"]}
    assert set(opts) == {"grow", "feather", "seed", "quality", "keep_metadata"}
    assert opts["grow"]["default"] is None and opts["seed"]["default"] == 0 and opts["seed"]["maximum"] == 2**32 - 1
    assert doc["erase_quality"] == {"jpeg": 90, "webp": 90, "avif": 80} and doc["limits"]["erase_max_crop"] > 12_000_000


# ---- pixels outside the region, determinism --------------------------------------------------------------

OUTSIDE = [
    ("mei_Samsung_GT-I9000.jpg", [(100, 200, 80, 60)]),  # rotated JPEG: boxes are upright coordinates
    ("skimage_astronaut.png", [(300, 330, 110, 110), (0, 0, 30, 40)]),
    ("mei_HTC_Desire.webp", [(500, 600, 120, 90)]),
    ("skimage_rocket.jpg", [(300, 120, 42, 290)]),
    ("mei_Alpha_Lossy_1.webp", [(150, 100, 60, 60)]),  # transparency is kept
]


@pytest.mark.parametrize("name,boxes", OUTSIDE, ids=[n for n, _ in OUTSIDE])
def test_pixels_outside_the_region_are_unchanged(name: str, boxes: list) -> None:
    data = (CORPUS / name).read_bytes()
    before = upright_rgb(data)[0]
    result = erase(data, boxes=boxes, keep_pixels=True)
    assert result.pixels is not None and result.pixels.shape == before.shape
    m = mask_from_boxes(boxes, before.shape[1], before.shape[0])
    reach = near(m, result.grow + result.feather)
    assert np.array_equal(result.pixels[~reach], before[~reach]), "a pixel outside the grown + feathered mask changed"
    changed = (result.pixels != before).any(axis=2)
    assert changed[m].mean() > 0.5, "the masked area was hardly touched"
    assert result.changed_pixels == int(changed.sum()) and result.changed_pixels <= result.region_pixels
    x, y, w, h = result.box
    ys, xs = np.nonzero(changed)
    assert x <= xs.min() and xs.max() < x + w and y <= ys.min() and ys.max() < y + h


def test_lossless_output_keeps_outside_pixels_and_alpha() -> None:
    data = ASTRONAUT.read_bytes()
    box = [(200, 60, 90, 70)]
    result = erase(data, boxes=box)
    assert result.format == "png"
    out = np.asarray(Image.open(io.BytesIO(result.data)).convert("RGB"))
    before = upright_rgb(data)[0]
    reach = near(mask_from_boxes(box, 512, 512), result.grow + result.feather)
    assert np.array_equal(out[~reach], before[~reach]) and not np.array_equal(out[reach], before[reach])
    cutout = CORPUS / "mei_Alpha_Lossy_1.webp"
    res = erase(cutout.read_bytes(), boxes=[(150, 100, 60, 60)], options=EraseOptions(quality=100))
    alpha_in = np.asarray(Image.open(cutout).getchannel("A"))
    alpha_out = np.asarray(Image.open(io.BytesIO(res.data)).getchannel("A"))
    assert res.format == "webp" and np.abs(alpha_in.astype(int) - alpha_out).max() <= 2


def test_same_seed_same_bytes_other_seed_other_fill() -> None:
    data = ROTATED.read_bytes()
    box = [(120, 260, 90, 70)]
    a = erase(data, boxes=box, options=EraseOptions(seed=3), keep_pixels=True)
    b = erase(data, boxes=box, options=EraseOptions(seed=3), keep_pixels=True)
    c = erase(data, boxes=box, options=EraseOptions(seed=4), keep_pixels=True)
    assert a.data == b.data and np.array_equal(a.pixels, b.pixels)
    assert a.pixels is not None and c.pixels is not None
    differ = (a.pixels != c.pixels).any(axis=2)
    assert differ.sum() > 100 and not differ[~near(mask_from_boxes(box, 480, 640), a.grow + a.feather)].any()


# ---- structure: the locality prior, the diffusion start, the seam check (issue 14) ------------------------


def test_locality_prior_is_the_specified_integer_and_prefers_near_sources() -> None:
    """docs/erase.md step 6: D = SSD + floor(near_w · W(p) · |p - s|² / side²). On a flat image every
    source has SSD 0, so the prior alone orders them: nearer is cheaper, exactly as specified."""
    from privpix.tools.erase.patchmatch import PatchDistance, setup_level
    from privpix.tools.erase.pyramid import texture_features

    hole = np.zeros((60, 80), bool)
    hole[25:35, 30:42] = True  # side 12
    img = texture_features(np.full((60, 80, 3), 120, np.uint8), hole)
    level = setup_level(hole, 3, 32)
    dist = PatchDistance(img, level, 1, 60)
    i = int(level.tindex[24, 29])  # a target at the hole's upper-left corner
    wsum = int(level.pix_w[21:28, 26:33].sum())
    cy, cx = np.array([18, 18, 5]), np.array([29, 50, 70])
    got = dist(np.full(3, i), cy, cx)
    want = [(60 * wsum * ((24 - y) ** 2 + (29 - x) ** 2)) // 144 for y, x in zip(cy, cx)]
    assert got.tolist() == want and got[0] < got[1] < got[2]
    assert PatchDistance(img, level, 1, 0)(np.full(3, i), cy, cx).tolist() == [0, 0, 0]  # no prior: all equal


def test_diffusion_start_is_a_smooth_membrane() -> None:
    """docs/erase.md step 7: after the onion peel (which meets in a step in the middle of a hole
    between a dark and a bright side), the diffusion leaves a ramp from one side to the other."""
    from privpix.tools.erase.fill import diffuse, onion_init

    img = np.zeros((24, 40, 3), np.uint8)
    img[:, 20:] = 200
    hole = np.zeros((24, 40), bool)
    hole[:, 5:35] = True  # from the top to the bottom: the left and right sides meet in the middle
    peeled = onion_init(img, hole)
    smooth = diffuse(peeled, hole, 2 * 30)
    row = smooth[12, 4:36, 0].astype(int)
    assert np.all(np.diff(row) >= 0), row  # monotonic from the dark side to the bright side
    assert np.abs(np.diff(peeled[12, 4:36, 0].astype(int))).max() == 200  # the peel alone: one jump
    assert np.abs(np.diff(row)).max() <= 20, row  # the membrane: a ramp
    assert np.array_equal(smooth[~hole], img[~hole])


def test_seam_check_moves_an_offset_fill_to_meet_the_border() -> None:
    """docs/erase.md step 11: a fill with the right texture but 25 levels too bright (a patch from a
    brighter part of the sky) is moved back to the border's level; known pixels do not change."""
    from privpix.tools.erase import seam

    rng = np.random.default_rng(8)
    yy, xx = np.mgrid[:120, :160]
    truth = np.clip(np.stack([90 + 0.4 * yy, 130 + 0.3 * xx, 200 + 0 * yy], -1) + rng.normal(0, 3, (120, 160, 3)), 0, 230)
    truth = truth.astype(np.uint8)
    hole = (np.abs(yy - 60) < 25) & (np.abs(xx - 80) < 30)
    fill = truth.copy()
    fill[hole] += 25
    out = seam.correct(fill, hole)
    assert np.array_equal(out[~hole], truth[~hole])
    err = out[hole].astype(int) - truth[hole]
    assert abs(err.mean()) < 2 and np.abs(err).mean() < 4, (err.mean(), np.abs(err).mean())
    # a fill that already meets the border hardly moves
    assert np.abs(seam.correct(truth, hole)[hole].astype(int) - truth[hole]).mean() < 1.5


def test_vote_similarity_weights_are_the_specified_floats() -> None:
    """docs/erase.md step 9: after an EM iteration a patch votes with conf / (1 + e / vote_sim)², e = D / W:
    a patch that matches exactly keeps its confidence, one at e = vote_sim a quarter of it."""
    from privpix.tools.erase import vote

    conf = np.array([1.0, 0.5, 1.0, 1.0])
    d = np.array([0, 0, 800 * 1600, 123457], np.int64)
    wsum = np.array([1600, 1600, 1600, 1631], np.int64)
    got = vote.similarity(conf, d, wsum, 800)
    assert got[:3].tolist() == [1.0, 0.5, 0.25]
    k = 1.0 + 123457 / 1631 / 800
    assert got[3] == 1.0 / (k * k)


def test_soften_halves_the_fills_finest_detail() -> None:
    """docs/erase.md step 12: out = (9·fill + Σ3×3 + 9) div 18 on hole pixels (edge pixels repeated at
    the crop's border): a fine checkerboard of ±20 in the hole comes out at about half its amplitude,
    a smooth ramp and the known pixels do not change."""
    from privpix.tools.erase import detail

    yy, xx = np.mgrid[:40, :50]
    ramp = np.stack([2 * xx + 40, 3 * yy + 20, 0 * xx + 128], -1)
    fill = (ramp + np.where((yy + xx) % 2, 20, -20)[..., None]).astype(np.uint8)
    hole = np.zeros((40, 50), bool)
    hole[10:30, 0:30] = True  # reaches the crop's left border
    out = detail.soften(fill, hole).astype(int)
    assert np.array_equal(out[~hole], fill[~hole])
    inner = hole & (xx >= 1)
    amplitude = np.abs(out - ramp)[inner]
    assert np.all(amplitude <= 11) and np.all(amplitude >= 9), (amplitude.min(), amplitude.max())  # 20 → 10 (±1 rounding)
    f = fill.astype(int)
    for y, x in ((15, 12), (20, 0)):  # inside, and on the border (the column x = -1 is x = 0 again)
        block = f[y - 1 : y + 2, [max(0, x - 1), x, x + 1]]
        assert out[y, x].tolist() == ((9 * f[y, x] + block.sum(axis=(0, 1)) + 9) // 18).tolist()
    smooth = ramp.astype(np.uint8)
    assert np.array_equal(detail.soften(smooth, hole), smooth)  # a linear ramp is its own 3×3 mean


def test_soften_runs_only_where_level_0_is_cheap() -> None:
    """Step 12 applies to holes longer than cheap_side (100 px) and leaves smaller ones as filled."""
    import dataclasses

    from privpix.tools.erase.fill import PARAMS

    sharp = dataclasses.replace(PARAMS, soften=False)
    rng = np.random.default_rng(4)
    img = np.clip(rng.normal(128, 30, (300, 300, 3)), 0, 255).astype(np.uint8)
    for side, softened in ((60, False), (110, True)):
        hole = np.zeros((300, 300), bool)
        hole[150 - side // 2 : 150 + side - side // 2, 150 - side // 2 : 150 + side - side // 2] = True
        a, b = erase_pixels(img, hole, seed=3), erase_pixels(img, hole, seed=3, p=sharp)
        assert np.array_equal(a[~hole], b[~hole])
        assert (not np.array_equal(a, b)) == softened, side


def _structure(kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(photo, hole, which-side label per pixel, the label's colours): synthetic structures crossing a
    square hole, with a little noise so that patches are not all alike."""
    rng = np.random.default_rng(11)
    yy, xx = np.mgrid[:256, :256]
    if kind == "edge":  # a straight edge at a slant
        label = (yy - 0.4 * xx - 80 > 0).astype(int)
        colours = np.array([[40, 60, 90], [200, 180, 150]])
    elif kind == "horizon":  # sky over textured ground
        label = (yy >= 140).astype(int)
        colours = np.array([[150, 190, 230], [90, 80, 50]])
    else:  # a fence: posts 5 px wide every 16 px
        label = ((xx % 16) < 5).astype(int)
        colours = np.array([[40, 110, 50], [210, 200, 190]])
    img = colours[label].astype(float) + rng.normal(0, 6, (256, 256, 3))
    if kind == "horizon":
        img[label == 1] += (20 * np.sin(xx / 3.0) * np.cos(yy / 2.0))[label == 1][:, None]
    hole = (np.abs(yy - 128) < 30) & (np.abs(xx - 128) < 30)
    return np.clip(img, 0, 255).astype(np.uint8), hole, label, colours


@pytest.mark.parametrize("kind", ["edge", "horizon", "fence"])
def test_structures_continue_through_the_hole(kind: str) -> None:
    """A straight edge, a horizon and a fence crossing a 59 px hole continue through it: every hole
    pixel more than 2 px from the structure's boundary gets the colour of its own side."""
    img, hole, label, colours = _structure(kind)
    out = erase_pixels(img, hole, seed=0).astype(int)
    boundary = masks.dilate_square(label != np.roll(label, 1, axis=1), 2) | masks.dilate_square(
        label != np.roll(label, 1, axis=0), 2
    )
    judged = hole & ~boundary
    nearest = np.abs(out[..., None, :] - colours[None, None]).sum(axis=3).argmin(axis=2)
    wrong = judged & (nearest != label)
    assert wrong.sum() <= 0.01 * judged.sum(), f"{kind}: {int(wrong.sum())} of {int(judged.sum())} pixels on the wrong side"


# ---- quality on synthetic holes (held-out photos) ---------------------------------------------------------

# The held-out split at long side 512, one hole per photo (kinds in turn: square, blob, stroke), 13
# cases, fixed before measuring. Measured (this engine, OpenCV 5.0): privpix 25.04 dB / SSIM 0.614 /
# GRAD 0.69 (before issue 14: 25.25 / 0.612 / 0.67), FSR_FAST 24.30 / 0.597 / 0.58, Telea 22.74 /
# 0.546 / 0.44. Floors leave about 0.3 dB, 0.02 SSIM and 0.09 GRAD for other decoders and OpenCV builds.
PSNR_FLOOR, SSIM_FLOOR, GRAD_FLOOR = 24.75, 0.59, 0.60


def held_cases() -> list[holes.Case]:
    out = []
    for i, name in enumerate(holes.names("held")):
        img = holes.load(name, 512)
        kind = holes.KINDS[i % 3]
        out.append(holes.Case(name, kind, img, holes.make_hole(img.shape[:2], kind, holes.seed_of(name, kind))))
    return out


def test_fill_quality_beats_fsr_fast_on_held_out_holes() -> None:
    cs = held_cases()
    ours = [holes.run_case(holes.privpix_fill, c)[0] for c in cs]
    fsr = [holes.run_case(holes.fsr_fast, c)[0] for c in cs]
    psnr, ssim = statistics.mean(r.psnr for r in ours), statistics.mean(r.ssim for r in ours)
    grad = statistics.median(r.grad for r in ours)
    f_psnr, f_ssim = statistics.mean(r.psnr for r in fsr), statistics.mean(r.ssim for r in fsr)
    f_grad = statistics.median(r.grad for r in fsr)
    summary = f"privpix {psnr:.2f} dB / {ssim:.3f} / GRAD {grad:.2f}; FSR_FAST {f_psnr:.2f} / {f_ssim:.3f} / {f_grad:.2f}"
    assert psnr >= PSNR_FLOOR and ssim >= SSIM_FLOOR and grad >= GRAD_FLOOR, summary
    assert psnr >= f_psnr and ssim >= f_ssim - 0.01, summary
    assert grad > f_grad + 0.03, "not visibly sharper than FSR_FAST: " + summary


# ---- the tool -------------------------------------------------------------------------------------------


def test_mask_image_must_match_the_upright_size() -> None:
    wrong = png(np.zeros((480, 640), np.uint8))  # the stored (sideways) size
    with pytest.raises(
        MaskError, match=r"^mask is 640×480 but the image is 480×640 \(upright\); draw the mask on the upright photo$"
    ):
        erase(ROTATED.read_bytes(), wrong)
    with pytest.raises(MaskError, match="marks nothing to erase"):
        erase(ROTATED.read_bytes(), png(np.full((640, 480), 127, np.uint8)))


def test_mask_image_rules() -> None:
    """White (>= 128) erases; in a mask with alpha, transparent pixels do not; colour masks by luma."""
    m = np.zeros((640, 480, 4), np.uint8)
    m[100:150, 100:160] = (255, 255, 255, 255)
    m[300:340, 300:360] = (255, 255, 255, 0)  # transparent white: kept
    m[500:540, 50:90] = (0, 0, 255, 255)  # blue: luma 29 < 128, kept
    result = erase(ROTATED.read_bytes(), png(m), keep_pixels=True)
    assert result.masked_pixels == 50 * 60
    assert result.box == (96 - result.feather, 96 - result.feather, 68 + 2 * result.feather, 58 + 2 * result.feather)
    assert np.array_equal(erase(ROTATED.read_bytes(), (m[..., 0] == 255) & (m[..., 3] == 255)).data, result.data)


def test_boxes_are_validated() -> None:
    data = ROTATED.read_bytes()
    for boxes, message in (([(400, 0, 100, 10)], "reaches beyond the 480×640"), ([(0, 0, 0, 5)], "W and H >= 1"), ([], "no box")):
        with pytest.raises(MaskError, match=message):
            erase(data, boxes=boxes)
    with pytest.raises(ValueError, match="either a mask or boxes"):
        erase(data)


def test_whole_image_mask_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="too little of the photo"):
        erase(ROTATED.read_bytes(), boxes=[(0, 0, 480, 640)])


@pytest.mark.parametrize(
    "name", ["broken_truncated.jpg", "broken_text_file.jpg", "broken_zero_bytes.jpg", "broken_truncated.heic"]
)
def test_broken_input_is_a_format_error(name: str) -> None:
    with pytest.raises(FormatError):
        erase((CORPUS / name).read_bytes(), boxes=[(1, 1, 10, 10)])


def test_heic_becomes_jpeg_without_gps_and_keeps_its_profile(tmp_path: Path) -> None:
    src = CORPUS / "mei_IMG_1034.heic"
    result = erase(src.read_bytes(), boxes=[(2000, 1500, 200, 150)])
    assert (result.format, result.source_format, result.width, result.height, result.quality) == ("jpeg", "heic", 4032, 3024, 90)
    assert (result.grow, result.feather) == (4, 4)
    assert any(f.category == "location" for f in result.removed)
    (tmp_path / "out.jpg").write_bytes(result.data)
    tags = exiftool_json([tmp_path / "out.jpg"])["out.jpg"]
    assert not [k for k in tags if "GPS" in k], "GPS left in the output"
    assert tags.get("ICC_Profile:ProfileDescription") == "Display P3"
    assert not [k for k in tags if k.startswith(("IFD0:", "ExifIFD:", "XMP"))]


# ---- CLI ------------------------------------------------------------------------------------------------


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    target = tmp_path / "IMG 1.jpg"
    target.write_bytes(ROTATED.read_bytes())
    return target


def test_cli_boxes_default_name_json_and_metadata(photo: Path) -> None:
    before = photo.read_bytes()
    out = runner.invoke(app, ["erase", str(photo), "--box", "120,260,90,70", "--box", "10,10,30,30", "--seed", "9", "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    (entry,) = doc["files"]
    target = photo.with_name("IMG 1-erased.jpg")
    assert entry["ok"] and entry["output"] == str(target) and target.is_file()
    r = entry["result"]
    assert (r["format"], r["width"], r["height"], r["seed"], r["masked_pixels"]) == ("jpeg", 480, 640, 9, 90 * 70 + 900)
    assert r["region"]["x"] == 10 - r["grow"] - r["feather"] and r["changed_pixels"] > 0
    assert photo.read_bytes() == before, "the input was modified"
    tags = exiftool_json([target])[target.name]
    assert not [k for k in tags if "GPS" in k] and tags.get("File:ImageWidth") == 480
    assert erase(before, boxes=[(120, 260, 90, 70), (10, 10, 30, 30)], options=EraseOptions(seed=9)).data == target.read_bytes()


def test_cli_mask_and_outputs(photo: Path, tmp_path: Path) -> None:
    mask = tmp_path / "mask.png"
    m = np.zeros((640, 480), np.uint8)
    m[260:330, 120:210] = 255
    mask.write_bytes(png(m))
    out = runner.invoke(
        app, ["erase", str(photo), "--mask", str(mask), "-o", str(tmp_path / "result.jpeg"), "--grow", "2", "--feather", "0"]
    )
    assert out.exit_code == 0, out.output
    assert "IMG 1.jpg -> " in out.stdout and "erased 6300 px" in out.stdout and "(grow 2, feather 0)" in out.stdout
    assert (tmp_path / "result.jpeg").is_file()
    outdir = tmp_path / "outdir"
    outdir.mkdir()
    out = runner.invoke(app, ["erase", str(photo), "--mask", str(mask), "-o", str(outdir)])
    assert out.exit_code == 0, out.output
    assert (outdir / "IMG 1.jpg").is_file()
    out = runner.invoke(app, ["erase", str(photo), "--mask", str(mask), "-o", str(tmp_path / "new")])
    assert out.exit_code == 0 and (tmp_path / "new" / "IMG 1.jpg").is_file(), out.output
    out = runner.invoke(app, ["erase", str(photo), "--mask", str(mask), "-o", str(tmp_path / "result.png")])
    assert out.exit_code == 1 and "the result is JPEG" in out.stderr and not (tmp_path / "result.png").exists()
    out = runner.invoke(app, ["erase", str(photo), "--box", "1,1,5,5", "-o", str(photo)])
    assert out.exit_code == 1 and "would overwrite the input" in out.stderr


def test_cli_errors_and_exit_codes(photo: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.png"
    wrong.write_bytes(png(np.full((480, 640), 255, np.uint8)))
    out = runner.invoke(app, ["erase", str(photo), "--mask", str(wrong)])
    assert out.exit_code == 1
    assert (
        out.stderr.strip()
        == f"privpix: {photo}: mask is 640×480 but the image is 480×640 (upright); draw the mask on the upright photo"
    )
    out = runner.invoke(app, ["erase", str(photo), "--mask", str(wrong), "--json"])
    assert out.exit_code == 1 and json.loads(out.stdout)["files"][0]["error"].startswith("mask is 640×480")
    for args in (
        [],
        ["--box", "1,2,3"],
        ["--box", "a,b,c,d"],
        ["--box", "1,1,5,5", "--mask", str(wrong)],
        ["--box", "1,1,5,5", "--seed", "-1"],
    ):
        out = runner.invoke(app, ["erase", str(photo), *args])
        assert out.exit_code == 2, (args, out.output)
    out = runner.invoke(app, ["erase", str(photo), "--box", "470,630,20,20"])
    assert out.exit_code == 1 and "reaches beyond the 480×640 (upright) image" in out.stderr
    out = runner.invoke(app, ["erase", str(CORPUS / "broken_text_file.jpg"), "--box", "1,1,5,5", "-o", str(tmp_path / "x.jpg")])
    assert out.exit_code == 1 and out.stderr.startswith(f"privpix: {CORPUS / 'broken_text_file.jpg'}: ")
    out = runner.invoke(app, ["erase", str(tmp_path / "missing.jpg"), "--box", "1,1,5,5"])
    assert out.exit_code == 1 and "no such file or directory" in out.stderr
    out = runner.invoke(app, ["erase", str(photo), "--mask", str(tmp_path / "nomask.png")])
    assert out.exit_code == 1 and out.stderr == f"privpix: {photo}: mask {tmp_path / 'nomask.png'}: no such file or directory\n"
    assert not list(tmp_path.glob("*-erased*"))


def test_library_faces(photo: Path) -> None:
    assert privpix.erase is erase
    result = privpix.erase_file(photo, boxes=[(10, 10, 20, 20)], options=privpix.EraseOptions(quality=80))
    assert result.quality == 80 and photo.with_name("IMG 1-erased.jpg").read_bytes() == result.data
    heic = photo.with_name("pug.HEIC")
    heic.write_bytes((CORPUS / "pillowheif_xiaomi.heic").read_bytes())
    m = np.zeros((1944, 2592), bool)
    m[900:1000, 1200:1300] = True
    result = privpix.erase_file(heic, mask=png(m.astype(np.uint8) * 255))
    assert result.format == "jpeg" and heic.with_name("pug-erased.jpg").is_file()


# ---- the re-encode ------------------------------------------------------------------------------------

JPEG_QUALITY_FIXTURE = Path(__file__).parents[1] / "web" / "test" / "fixtures" / "jpeg-quality.json"


def test_jpeg_quality_is_estimated_from_the_tables() -> None:
    from privpix.imaging.jpeg_quality import estimate

    for quality in (20, 50, 75, 90, 97):
        out = io.BytesIO()
        Image.new("RGB", (64, 64), (90, 120, 40)).save(out, "JPEG", quality=quality)
        assert estimate(out.getvalue()) == quality
    # the TypeScript engine's estimates of the corpus (web/test/jpeg-quality.test.ts) are Python's
    expected = json.loads(JPEG_QUALITY_FIXTURE.read_text())
    assert {name: estimate((CORPUS / name).read_bytes()) for name in expected} == expected


def test_erase_does_not_make_a_jpeg_larger() -> None:
    """The issue's photo: a 1.91 MB JPEG saved at about quality 78 was re-saved at 90 as 2.24 MB."""
    data = (CORPUS / "mei_Oppo_R7_Plus.jpg").read_bytes()
    result = erase(data, boxes=[(1500, 2000, 80, 80)])
    assert result.quality == 78
    assert len(result.data) < len(data)
    assert erase(data, boxes=[(1500, 2000, 80, 80)], options=EraseOptions(quality=90)).quality == 90  # asked for
    png = erase((CORPUS / "skimage_chelsea.png").read_bytes(), boxes=[(100, 100, 20, 20)])
    assert png.quality is None

"""Synthetic holes in natural photos, the fill metrics, and the OpenCV baselines — shared by
tests/test_erase.py and bench/erase_native.py (docs/erase.md, "The held-out split").

Photos: the corpus's natural photos, upright (privpix.imaging.decode), 8-bit RGB, in two splits fixed
before any experiment: ``tune`` (every design decision was made on it) and ``held`` (final numbers
only). The research's held split also had scikit-image's ``coffee`` and ``motorcycle_left``, which
privpix does not ship; they are left out here.

Holes (seeded by photo name and kind, so every run sees the same ones), with s = round(0.10 · the
photo's short side), at least 4 px from the border:
  * square - side s; ``SQUARES`` (the issue-14 protocol): three squares a photo, side drawn from
             8-15 % of the short side;
  * blob   - 6 random discs, blurred, thresholded to about s² px, inside a 1.6 s box;
  * stroke - a 3-segment polyline of width s/3 (about 0.5 s²).

Metrics, over the hole pixels only (the filled crop compared with the original):
  * PSNR - MSE over hole pixels × 3 channels, 8-bit;
  * SSIM - skimage's ``structural_similarity`` on RGB (7×7 uniform window, data range 255, sample
           covariance) over the hole's bbox grown by 8 px, the map averaged over hole pixels
           (reimplemented with OpenCV box filters: equal to skimage within 1e-9);
  * GRAD - mean Sobel magnitude of luma inside the hole, result ÷ original: 1.0 = as much texture as
           the original; diffusion smears score about 0.3-0.5.

Every method gets the same crop (hole bbox + ``CONTEXT`` × its longer side + 8 px), the hole's
original pixels zeroed, and pixels outside the hole are pasted back from the input.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from .corpus import CORPUS

CONTEXT = 1.5  # crop margin (the product's context), the same for every method

PHOTOS = [
    ("exifsamples_DSCN0010.jpg", "tune"),
    ("derived_DSCN0012_gps_xmp_only.jpg", "tune"),
    ("mei_Apple_iPhone_4.jpg", "tune"),
    ("exifsamples_iphone6_hdr_NO.jpg", "tune"),
    ("mei_Nokia_Lumia_800.jpg", "tune"),
    ("pillow_iptc.jpg", "tune"),
    ("skimage_rocket.jpg", "tune"),
    ("mei_Oppo_R7_Plus.jpg", "tune"),
    ("mei_Sony_DSC-H9.jpg", "tune"),
    ("skimage_chelsea.png", "tune"),
    ("immich_denali.webp", "tune"),
    ("mei_HTC_Desire.webp", "tune"),
    ("pillowheif_pug.heic", "tune"),
    ("exifsamples_landscape_1.jpg", "tune"),
    ("exifsamples_canon_hdr_NO.jpg", "tune"),
    ("mei_Samsung_GT-I9000.jpg", "held"),
    ("pillow_frozenpond.mpo", "held"),
    ("mei_Sony_DSC-T5.jpg", "held"),
    ("mei_Nikon_D60.jpg", "held"),
    ("mei_olympus_fe190.tif", "held"),
    ("skimage_astronaut.png", "held"),
    ("mei_Issue_473_iphone_x.webp", "held"),
    ("mei_IMG_1034.heic", "held"),
    ("pillowheif_arrow.heic", "held"),
    ("pillowheif_xiaomi.heic", "held"),
    ("mei_Issue_649_canon.avif", "held"),
    ("immich_8bit-sRGB.avif", "held"),
    ("sharp_Channel_digital_image_CMYK_color.jpg", "held"),
]
KINDS = ("square", "blob", "stroke")
# The issue-14 protocol: three square holes per photo, each side drawn from 8-15 % of the short side.
SQUARES = ("square8-15a", "square8-15b", "square8-15c")
SQUARE_RANGE = (0.08, 0.15)


def names(split: str) -> list[str]:
    return [n for n, s in PHOTOS if s == split or split == "all"]


@cache
def load(name: str, max_side: int | None = None) -> np.ndarray:
    """The photo upright as uint8 RGB; downscaled (Pillow BOX) so its long side <= max_side."""
    from PIL import Image

    from privpix.tools.remove_bg import upright_rgb

    rgb = upright_rgb((CORPUS / name).read_bytes())[0]
    if max_side is None or max(rgb.shape[:2]) <= max_side:
        return rgb
    s = max_side / max(rgb.shape[:2])
    size = (max(1, round(rgb.shape[1] * s)), max(1, round(rgb.shape[0] * s)))
    return np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.BOX)).copy()


# ---- holes ----------------------------------------------------------------------------------------------


@dataclass
class Case:
    photo: str
    kind: str
    img: np.ndarray  # RGB uint8
    mask: np.ndarray  # bool, True = hole

    @property
    def name(self) -> str:
        return f"{self.photo}:{self.kind}"


def seed_of(name: str, kind: str) -> int:
    """FNV-1a of "name/kind"."""
    h = 2166136261
    for ch in (name + "/" + kind).encode():
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h


def make_hole(shape: tuple[int, int], kind: str, seed: int) -> np.ndarray:
    import cv2

    h, w = shape
    s = max(8, round(0.10 * min(h, w)))
    rng = np.random.default_rng(seed)
    m = np.zeros((h, w), np.uint8)
    if kind.startswith("square"):
        if kind != "square":
            s = max(8, round(rng.uniform(*SQUARE_RANGE) * min(h, w)))
        y = int(rng.integers(4, h - s - 4))
        x = int(rng.integers(4, w - s - 4))
        m[y : y + s, x : x + s] = 1
        return m.astype(bool)
    box = int(1.6 * s)
    oy = int(rng.integers(4, h - box - 4))
    ox = int(rng.integers(4, w - box - 4))
    sub = np.zeros((box, box), np.uint8)
    if kind == "blob":
        for _ in range(6):
            cy, cx = rng.uniform(0.3, 0.7, 2) * box
            r = rng.uniform(0.18, 0.32) * box
            cv2.circle(sub, (int(cx), int(cy)), int(r), 1, -1)
        blurred = cv2.GaussianBlur(sub.astype(np.float32), (0, 0), s / 10)
        thr = np.sort(blurred.ravel())[::-1][min(blurred.size - 1, s * s)]
        sub = (blurred > max(thr, 1e-3)).astype(np.uint8)
    elif kind == "stroke":
        pts = [rng.uniform(0.15, 0.85, 2) * box for _ in range(4)]
        width = max(3, s // 3)
        for a, b in zip(pts, pts[1:]):
            cv2.line(sub, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), 1, width)
    else:
        raise ValueError(kind)
    m[oy : oy + box, ox : ox + box] = sub
    return m.astype(bool)


def cases(split: str, max_side: int | None = 1024, kinds: tuple[str, ...] = KINDS, min_pixels: int = 0) -> list[Case]:
    out = []
    for name in names(split):
        img = load(name, max_side)
        if img.shape[0] * img.shape[1] < min_pixels:
            continue
        for kind in kinds:
            out.append(Case(name, kind, img, make_hole(img.shape[:2], kind, seed_of(name, kind))))
    return out


def crop_box(mask: np.ndarray, context: float = CONTEXT) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    m = int(math.ceil(context * max(y1 - y0, x1 - x0))) + 8
    h, w = mask.shape
    return max(0, y0 - m), min(h, y1 + m), max(0, x0 - m), min(w, x1 + m)


# ---- metrics --------------------------------------------------------------------------------------------


def _luma(a: np.ndarray) -> np.ndarray:
    a = a.astype(np.float32)
    return 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]


def ssim_map(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """skimage.metrics.structural_similarity(a, b, channel_axis=2, data_range=255, full=True)'s map."""
    import cv2

    x, y = a.astype(np.float64), b.astype(np.float64)
    blur = lambda v: cv2.blur(v, (7, 7), borderType=cv2.BORDER_REFLECT)  # noqa: E731  (scipy's "reflect")
    norm = 49 / 48
    ux, uy = blur(x), blur(y)
    vx, vy, vxy = norm * (blur(x * x) - ux * ux), norm * (blur(y * y) - uy * uy), norm * (blur(x * y) - ux * uy)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    return ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))


def metrics(orig: np.ndarray, out: np.ndarray, mask: np.ndarray) -> tuple[float, float, float]:
    """(PSNR dB, SSIM, GRAD) over the hole pixels."""
    import cv2

    ys, xs = np.nonzero(mask)
    pad = 8
    y0, y1 = max(0, ys.min() - pad), min(mask.shape[0], ys.max() + 1 + pad)
    x0, x1 = max(0, xs.min() - pad), min(mask.shape[1], xs.max() + 1 + pad)
    o, r, m = orig[y0:y1, x0:x1], out[y0:y1, x0:x1], mask[y0:y1, x0:x1]
    diff = o[m].astype(np.float64) - r[m].astype(np.float64)
    mse = float(np.mean(diff**2))
    psnr = 99.0 if mse == 0 else 10 * math.log10(255.0**2 / mse)
    ssim = float(ssim_map(o, r).mean(axis=2)[m].mean())
    go = cv2.magnitude(*(cv2.Sobel(_luma(o), cv2.CV_32F, dx, dy) for dx, dy in ((1, 0), (0, 1))))
    gr = cv2.magnitude(*(cv2.Sobel(_luma(r), cv2.CV_32F, dx, dy) for dx, dy in ((1, 0), (0, 1))))
    grad = float(gr[m].mean() / max(1e-6, go[m].mean()))
    return psnr, ssim, grad


# ---- methods: fill(crop RGB uint8 with the hole zeroed, hole bool) -> filled crop ----------------------------


def privpix_fill(img: np.ndarray, mask: np.ndarray, seed: int = 0) -> np.ndarray:
    """privpix's engine on the exact hole (no grow, no feather: the metrics judge the hole itself)."""
    from privpix.tools.erase.fill import erase_pixels

    return erase_pixels(img, mask, grow=0, feather=0, seed=seed)


Fill = Callable[[np.ndarray, np.ndarray], np.ndarray]


def privpix_with(**changes: object) -> Fill:
    """privpix's engine with some of its parameters (``fill.Params``) changed."""
    import dataclasses

    from privpix.tools.erase.fill import PARAMS, erase_pixels

    p = dataclasses.replace(PARAMS, **changes)  # type: ignore[arg-type]
    return lambda img, mask: erase_pixels(img, mask, grow=0, feather=0, seed=0, p=p)


def before_params():  # noqa: ANN201
    """The engine as it was before issue 14: no locality prior, onion-peel start only, no seam check,
    the best vote last at texture scale, votes weighted by confidence only, no softening."""
    import dataclasses

    from privpix.tools.erase.fill import PARAMS

    return dataclasses.replace(PARAMS, near_w=0, diffuse=0, seam=False, final_vote_cheap=True, vote_sim=0, soften=False)


def privpix_before(img: np.ndarray, mask: np.ndarray, seed: int = 0) -> np.ndarray:
    from privpix.tools.erase.fill import erase_pixels

    return erase_pixels(img, mask, grow=0, feather=0, seed=seed, p=before_params())


def telea(img: np.ndarray, mask: np.ndarray) -> np.ndarray:
    import cv2

    bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    return cv2.cvtColor(cv2.inpaint(bgr, mask.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA), cv2.COLOR_BGR2RGB)


def fsr_fast(img: np.ndarray, mask: np.ndarray) -> np.ndarray:
    import cv2

    bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    bgr[mask] = 0
    dst = np.zeros_like(bgr)
    cv2.xphoto.inpaint(bgr, (~mask).astype(np.uint8) * 255, dst, cv2.xphoto.INPAINT_FSR_FAST)  # non-zero = known
    return cv2.cvtColor(dst, cv2.COLOR_BGR2RGB)


METHODS: dict[str, Fill] = {
    "privpix": privpix_fill,
    "privpix before": privpix_before,
    "telea": telea,
    "fsr_fast": fsr_fast,
}


@dataclass
class Scored:
    case: str
    kind: str
    psnr: float
    ssim: float
    grad: float
    seconds: float


def run_case(fill: Fill, c: Case) -> tuple[Scored, np.ndarray]:
    import time

    y0, y1, x0, x1 = crop_box(c.mask)
    crop = c.img[y0:y1, x0:x1].copy()
    m = c.mask[y0:y1, x0:x1]
    given = crop.copy()
    given[m] = 0  # no method ever sees the hole's original pixels
    start = time.perf_counter()
    filled = fill(given, m)
    seconds = time.perf_counter() - start
    out = crop.copy()
    out[m] = filled[m]
    return Scored(c.name, c.kind, *metrics(crop, out, m), seconds), out


def photo_path(name: str) -> Path:
    return CORPUS / name

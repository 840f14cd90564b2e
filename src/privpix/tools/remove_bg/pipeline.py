"""The whole chain from upright uint8 RGB to the output pixels (docs/remove-bg.md, "The steps").

    1. guide     = triangle(image → gw×gh)                         (the one full-size resampling)
    2. picture   = triangle(guide, or the image when the guide is smaller than w×h → w×h)
       tensor    = model input: picture centred in Hp×Wp, 0 elsewhere, (v - 128)/256
    3. mask      = model(tensor)[top:top+h, left:left+w]            (float32 in [0, 1])
       unsure?   = confidence.assess(mask); if so, a second look at 1024 fused in   (model_mask)
    4. A, B      = RGB guided filter of bilinear(mask → gw×gh) with the guide   (refine.py)
    5. α         = curve(A↑·I + B↑) at full resolution; a8 = floor(255·α + 0.5)
    6. F̂, B̂      = blur-fusion estimates with bilinear(α → gw×gh)                (foreground.py)
    7. colour    = the pixel, or the corrected foreground where 0 < a8 < 255
    8. output    = RGBA (colour, a8; colour 0 where a8 = 0), or colour over a background
                   (compose.py), or a8 alone

When the input has its own alpha, the output alpha is ``min(a8, input alpha)``.

Memory: besides the decoded image (3 bytes a pixel) and the output (4, 3 or 1), everything runs on
the guide grid (≤ 1024 on the long side) or in bands of about ``STRIP_PIXELS`` full-resolution
pixels, so a 12 MP photo needs about 36 + 48 MB plus ~100 MB of working space, whatever its size.
Step 6 needs α only where bilinear(α → guide grid) reads it: those pixels are computed first
(at most 4 per guide pixel), then step 5 runs once over the whole image, band by band, together
with 7 and 8.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ...models.registry import InputSpec
from . import compose, confidence, foreground, refine
from .geometry import MODEL_SIDE, SECOND_SIDE, ModelGeometry, guide_size, model_geometry
from .resample import Axis, bilinear, rows, triangle

STRIP_PIXELS = 1 << 20  # full-resolution pixels per band

Output = Literal["cutout", "composite", "mask"]
# The model: a float32 [1, 3, Hp, Wp] tensor in, the Hp×Wp mask (float32 in [0, 1]) out.
MaskFunction = Callable[[np.ndarray], np.ndarray]


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)
    _last: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now


def model_input(rgb: np.ndarray, guide: np.ndarray, spec: InputSpec, side: int = MODEL_SIDE) -> tuple[np.ndarray, ModelGeometry]:
    g = model_geometry(rgb.shape[0], rgb.shape[1], side, spec.multiple)
    source = guide if max(guide.shape[:2]) >= max(g.h, g.w) else rgb
    picture = triangle(source, g.w, g.h)
    return spec.tensor(picture, g.Hp, g.Wp, g.top, g.left), g


def unpad(mask: np.ndarray, g: ModelGeometry) -> np.ndarray:
    return mask[g.top : g.top + g.h, g.left : g.left + g.w]


def low_res_mask(
    rgb: np.ndarray, guide: np.ndarray, infer: MaskFunction, spec: InputSpec, timings: Timings, side: int = MODEL_SIDE
) -> np.ndarray:
    x, g = model_input(rgb, guide, spec, side)
    timings.lap("model input")
    m = unpad(infer(x), g)
    timings.lap("inference")
    return m


def model_mask(
    rgb: np.ndarray, infer: MaskFunction, spec: InputSpec, timings: Timings, second_side: int = SECOND_SIDE
) -> tuple[np.ndarray, np.ndarray, confidence.Subject]:
    """Steps 1-3 with the second look: (the guide, the model's un-padded mask, how sure it is).

    When the model is unsure of the subject at MODEL_SIDE (``confidence.assess``), it looks again at
    ``second_side`` (0: never), and the two masks are fused on the first one's grid (the second
    resized bilinearly): where the first was undecided (CURVE_LO ≤ m < CURVE_HI) the larger look
    decides, elsewhere the two are averaged (float32: (m1 + m2) · 0.5), so a part that one look was
    sure of and the other not stays soft. The signal is then taken from the fused mask."""
    gh, gw = guide_size(*rgb.shape[:2])
    guide = triangle(rgb, gw, gh)
    timings.lap("guide")
    m = low_res_mask(rgb, guide, infer, spec, timings)
    subject = confidence.assess(m)
    if subject.may_be_incomplete and second_side:
        m2 = bilinear(low_res_mask(rgb, guide, infer, spec, timings, second_side), m.shape[1], m.shape[0])
        undecided = (m >= np.float32(refine.CURVE_LO)) & (m < np.float32(refine.CURVE_HI))
        m = np.where(undecided, m2, (m + m2) * np.float32(0.5)).astype(np.float32)
        subject = confidence.assess(m, second_look=True)
    return guide, m, subject


def guide_alpha(A: np.ndarray, B: np.ndarray, rgb: np.ndarray, gh: int, gw: int, yf: Axis, xf: Axis) -> np.ndarray:
    """bilinear(α → gw×gh), computing α only at the full-resolution pixels that resize reads."""
    H, W = rgb.shape[:2]
    yg, xg = Axis.make(gh, H), Axis.make(gw, W)
    ys, xs = yg.sources(), xg.sources()
    sub = refine.alpha_rows(A, B, rgb[np.ix_(ys, xs)], yf.take(ys), xf.take(xs))
    y_in_sub = Axis(np.searchsorted(ys, yg.i0), np.searchsorted(ys, yg.i1), yg.f)
    x_in_sub = Axis(np.searchsorted(xs, xg.i0), np.searchsorted(xs, xg.i1), xg.f)
    return rows(sub, y_in_sub, x_in_sub)


def run(
    rgb: np.ndarray,
    infer: MaskFunction,
    spec: InputSpec,
    *,
    output: Output = "cutout",
    behind: compose.Behind | Literal["blur"] | None = None,
    input_alpha: np.ndarray | None = None,
    timings: Timings | None = None,
    low_res: np.ndarray | None = None,
    guide: np.ndarray | None = None,
) -> np.ndarray:
    """Output pixels for upright uint8 RGB ``rgb`` (H×W×3): RGBA for ``cutout``, RGB for
    ``composite`` (over ``behind``), L for ``mask``. ``low_res`` (with the ``guide`` it came from,
    see ``model_mask``) skips steps 1-3."""
    timings = timings or Timings()
    H, W = rgb.shape[:2]
    gh, gw = guide_size(H, W)
    if guide is None:
        guide = triangle(rgb, gw, gh)
        timings.lap("guide")
    m = low_res if low_res is not None else low_res_mask(rgb, guide, infer, spec, timings)
    A, B = refine.coefficients(guide, bilinear(m, gw, gh), refine.radius(refine.GF_RADIUS, gh, gw))
    timings.lap("guided filter")
    yf, xf = Axis.make(H, gh), Axis.make(W, gw)
    band = max(1, STRIP_PIXELS // W)

    if output == "mask":
        mask = np.empty((H, W), np.uint8)
        for start in range(0, H, band):
            stop = min(H, start + band)
            a8 = refine.alpha8(refine.alpha_rows(A, B, rgb[start:stop], yf.part(start, stop), xf))
            mask[start:stop] = a8 if input_alpha is None else np.minimum(a8, input_alpha[start:stop])
        timings.lap("alpha")
        return mask

    a_g = guide_alpha(A, B, rgb, gh, gw, yf, xf)
    timings.lap("alpha")
    Fb, Bb = foreground.estimates(guide, a_g)
    if behind == "blur":
        behind = compose.Blurred(compose.blurred(guide, a_g), yf, xf)
    timings.lap("foreground")
    if output == "composite" and behind is None:
        raise ValueError("a composite needs something behind the subject")

    out = np.empty((H, W, 4 if output == "cutout" else 3), np.uint8)
    for start in range(0, H, band):
        stop = min(H, start + band)
        y = yf.part(start, stop)
        pixels = rgb[start:stop]
        alpha = refine.alpha_rows(A, B, pixels, y, xf)
        a8 = refine.alpha8(alpha)
        colour = foreground.correct(pixels, alpha, a8, Fb, Bb, y, xf)
        if input_alpha is not None:
            a8 = np.minimum(a8, input_alpha[start:stop])
        if output == "cutout":
            colour[a8 == 0] = 0
            out[start:stop, :, :3] = colour
            out[start:stop, :, 3] = a8
        else:
            assert isinstance(behind, compose.Behind)
            out[start:stop] = compose.over(colour, a8, behind.rows(start, stop, W))
    timings.lap("full resolution")
    return out

"""The fill's finest detail at half amplitude (docs/erase.md step 12).

Patch synthesis copies texture from elsewhere in the photo: the right kind of texture, but never the
hidden pixels themselves. Its pixel-scale detail (grain, leaf edges, ripples) is therefore a guess, and
at full amplitude a wrong guess reads as noise: in the tune split, halving it brings the fill nearer the
hidden photo (PSNR and SSIM) while it stays far more textured than a diffusion. Each hole pixel is
moved half-way to the mean of its 3×3 neighbourhood, per RGB channel, in integers:

    out(q) = (9·fill(q) + Σ_{3×3} fill + 9) div 18          (neighbours outside the crop: the edge pixel)

reading the fill before the step (Jacobi), so the order of the pixels does not matter. ``fill_mask``
applies it only when level 0 ran the cheap schedule (a hole longer than ``cheap_side``): in smaller holes
the fine detail is structure fitted by several EM iterations, and it is left alone.
"""

from __future__ import annotations

import numpy as np


def soften(fill: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """``fill`` (H×W×C uint8, known pixels as in the photo) with its hole pixels' detail halved.
    Returns a new array; pixels outside ``hole`` are unchanged."""
    h, w = hole.shape
    f = fill.astype(np.int32)
    p = np.pad(f, ((1, 1), (1, 1), (0, 0)), mode="edge")
    s = sum(p[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3))
    out = fill.copy()
    out[hole] = ((9 * f + s + 9) // 18)[hole].astype(np.uint8)
    return out

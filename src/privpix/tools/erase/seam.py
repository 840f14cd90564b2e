"""The seam check: match the fill to the photo along the hole's border (docs/erase.md, "seams").

Patch synthesis copies texture but not always the exact brightness of the surroundings: a patch of
sky from a little higher up is a little darker, a cloud edge leaves a glow. Along the border that
shows as a seam. Each hole pixel with a known 4-neighbour measures the seam there, per channel,

    Δ(q) = round(mean of its known 4-neighbours) - fill(q)       (integers: (2Σ + n) div 2n - fill)

and the whole hole is then moved by a smooth interpolation of those differences (a membrane, as in
Poisson or mean-value cloning, here by inverse-square-distance weights), so the fill keeps its own
texture while its low frequencies meet the border. Where the fill already matches, Δ averages to
about 0 along the border and little changes.

To stay cheap at 12 MP the border samples are pooled in cells of ``c = ceil(side / SEAM_CELLS)``
pixels (side: the longer side of the hole's bounding box): a cell holds n border pixels, their
summed Δ and its centre. Hole pixel q gets, in float64, over the cells in raster order,

    w_b = 1 / (d²(q, b) + c²);   corr = Σ ΣΔ_b · w_b / Σ n_b · w_b       d²: from q to b's centre

and fill(q) + floor(corr + 0.5), clamped to 0-255. Exact IEEE operations in a fixed order: the
browser engine gives the same bytes. d² and c² are counted in quarter pixels (integers).
"""

from __future__ import annotations

import math

import numpy as np

SEAM_CELLS = 32  # border cells along the hole's longer side


def border_samples(fill: np.ndarray, hole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(flat border pixels in raster order, their Δ as int32 n×C)."""
    h, w = hole.shape
    C = fill.shape[2]
    known = ~hole
    acc = np.zeros((h, w, C), np.int32)
    cnt = np.zeros((h, w), np.int32)
    f = fill.astype(np.int32)
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        ys = slice(max(0, dy), h + min(0, dy))
        yd = slice(max(0, -dy), h + min(0, -dy))
        xs = slice(max(0, dx), w + min(0, dx))
        xd = slice(max(0, -dx), w + min(0, -dx))
        k = known[ys, xs]
        acc[yd, xd] += f[ys, xs] * k[..., None]
        cnt[yd, xd] += k
    border = hole & (cnt > 0)
    q = np.flatnonzero(border)
    n = cnt.reshape(-1)[q][:, None]
    delta = (2 * acc.reshape(-1, C)[q] + n) // (2 * n) - f.reshape(-1, C)[q]
    return q, delta


def correct(fill: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """``fill`` (H×W×C uint8: the completed crop, known pixels as in the photo) with the hole's
    pixels moved to meet the border. Returns a new array; pixels outside ``hole`` are unchanged."""
    ys, xs = np.nonzero(hole)
    if len(ys) == 0:
        return fill
    h, w = hole.shape
    C = fill.shape[2]
    side = int(max(ys.max() - ys.min(), xs.max() - xs.min())) + 1
    c = max(1, math.ceil(side / SEAM_CELLS))
    q, delta = border_samples(fill, hole)
    if len(q) == 0:
        return fill
    # pool the border samples in c×c cells (keyed in raster order of the cells)
    by, bx = q // w, q % w
    key = (by // c) * ((w + c - 1) // c) + bx // c
    cells, inv = np.unique(key, return_inverse=True)
    n = np.bincount(inv).astype(np.float64)
    sums = np.stack([np.bincount(inv, weights=delta[:, k]) for k in range(C)], axis=1)  # exact integers
    ncw = (w + c - 1) // c
    cy2 = 2 * (cells // ncw) * c + c - 1  # cell centres in half pixels
    cx2 = 2 * (cells % ncw) * c + c - 1
    soft = 4 * c * c
    qy2, qx2 = 2 * ys.astype(np.int64), 2 * xs.astype(np.int64)
    acc = np.zeros((len(ys), C))
    wsum = np.zeros(len(ys))
    for b in range(len(cells)):
        wb = 1.0 / ((qy2 - cy2[b]) ** 2 + (qx2 - cx2[b]) ** 2 + soft).astype(np.float64)
        for k in range(C):
            acc[:, k] += sums[b, k] * wb
        wsum += n[b] * wb
    corr = np.floor(acc / wsum[:, None] + 0.5).astype(np.int32)
    out = fill.copy()
    out[ys, xs] = np.clip(fill[ys, xs].astype(np.int32) + corr, 0, 255).astype(np.uint8)
    return out

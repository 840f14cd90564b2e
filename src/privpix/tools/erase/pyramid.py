"""The image pyramid the fill runs on, coarse to fine (docs/erase.md steps 3-4).

Each level has 5 uint8 channels: R, G, B and two texture features |dY/dx|, |dY/dy| (Newson et al.
2014). Downsampled with the colours, the features become the mean gradient magnitude over 2^l×2^l
blocks, so a coarse level can still tell carpet or grass from a flat wall of the same mean colour.
"""

from __future__ import annotations

import numpy as np

from .masks import bbox
from .patchmatch import count_valid


def texture_features(rgb: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """R, G, B, Tx, Ty as an H×W×5 uint8 array.

    Y = (77R + 150G + 29B + 128) >> 8. For a known pixel q, its right neighbour is q+1 when that is
    inside the image and known, else q itself (likewise left, up, down); Tx = |Y[right] - Y[left]|,
    Ty = |Y[down] - Y[up]|. Hole pixels get 0 (they are overwritten). No hole pixel is ever read."""
    a = rgb.astype(np.int32)
    Y = (77 * a[..., 0] + 150 * a[..., 1] + 29 * a[..., 2] + 128) >> 8
    known = ~hole
    h, w = hole.shape
    out = np.zeros((h, w, 5), np.uint8)
    out[..., :3] = rgb
    for ch, axis in ((3, 1), (4, 0)):
        n = Y.shape[axis]
        nxt = np.minimum(np.arange(n) + 1, n - 1)
        prv = np.maximum(np.arange(n) - 1, 0)
        if axis == 1:
            yn = np.where(known[:, nxt], Y[:, nxt], Y)
            yp = np.where(known[:, prv], Y[:, prv], Y)
        else:
            yn = np.where(known[nxt, :], Y[nxt, :], Y)
            yp = np.where(known[prv, :], Y[prv, :], Y)
        out[..., ch] = np.where(known, np.abs(yn - yp), 0)
    return out


def downsample(img: np.ndarray, hole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Half size: h' = (h+1)>>1, w' = (w+1)>>1. Children of (y, x) are rows 2y and min(2y+1, h-1) ×
    columns 2x and min(2x+1, w-1); each channel = (a+b+c+d+2)>>2; the hole is the OR of the children."""
    h, w = hole.shape
    y0 = np.arange((h + 1) // 2) * 2
    y1 = np.minimum(y0 + 1, h - 1)
    x0 = np.arange((w + 1) // 2) * 2
    x1 = np.minimum(x0 + 1, w - 1)
    a = img.astype(np.int32)
    s = a[y0][:, x0] + a[y0][:, x1] + a[y1][:, x0] + a[y1][:, x1]
    m = hole[y0][:, x0] | hole[y0][:, x1] | hole[y1][:, x0] | hole[y1][:, x1]
    return ((s + 2) >> 2).astype(np.uint8), m


def hole_side(hole: np.ndarray) -> int:
    """The longer side of the hole's bounding box."""
    box = bbox(hole)
    assert box is not None
    return max(box[1] - box[0], box[3] - box[2])


def build(img: np.ndarray, hole: np.ndarray, patch: int, coarse: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Levels [(image, hole)], finest first. Halve while the hole's bounding box is longer than
    ``coarse`` px and min(h, w) >> 1 >= 2·patch + 1; a new level with fewer than max(16, #hole)
    source patches is discarded and the pyramid stops."""
    levels = [(img, hole)]
    r = patch // 2
    while True:
        im, m = levels[-1]
        if hole_side(m) <= coarse or min(m.shape) // 2 < 2 * patch + 1:
            break
        im2, m2 = downsample(im, m)
        if count_valid(m2, r) < max(16, int(m2.sum())):
            break
        levels.append((im2, m2))
    return levels

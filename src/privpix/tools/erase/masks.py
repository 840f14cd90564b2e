"""Mask geometry: the 3-4 chamfer distance, square dilation, bounding boxes, and the grown and
feathered fill region (docs/erase.md steps 1 and 12).

Everything is integer and exact, so the browser engine computes the same masks bit for bit.

The browser engine has no module of its own for this: pyramid.ts (``chamfer``, ``dilateSquare``) and fill.ts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BIG = 1 << 28  # "no mask pixel anywhere" in chamfer()


def chamfer(mask: np.ndarray) -> np.ndarray:
    """Integer 3-4 chamfer distance (in 1/3 px) from every pixel to the nearest ``mask`` pixel; 0 on it.

    Normative definition: d = 0 on the mask and BIG elsewhere, then two sequential raster passes,
    neighbours outside the image ignored::

        forward  (y = 0..h-1, x = 0..w-1): d = min(d, d[y-1][x-1]+4, d[y-1][x]+3, d[y-1][x+1]+4, d[y][x-1]+3)
        backward (y = h-1..0, x = w-1..0): d = min(d, d[y+1][x+1]+4, d[y+1][x]+3, d[y+1][x-1]+4, d[y][x+1]+3)

    Each row's left-to-right (right-to-left) dependency is evaluated here with a running minimum of
    ``d - 3x`` (``d + 3x``), which gives the same numbers as the sequential loop."""
    h, w = mask.shape
    d = np.where(mask, 0, BIG).astype(np.int64)
    ramp = 3 * np.arange(w, dtype=np.int64)
    for y in range(h):  # forward pass
        row = d[y]
        if y > 0:
            up = d[y - 1]
            row = np.minimum(row, up + 3)
            row[1:] = np.minimum(row[1:], up[:-1] + 4)
            row[:-1] = np.minimum(row[:-1], up[1:] + 4)
        d[y] = np.minimum.accumulate(row - ramp) + ramp
    for y in range(h - 1, -1, -1):  # backward pass
        row = d[y]
        if y < h - 1:
            down = d[y + 1]
            row = np.minimum(row, down + 3)
            row[1:] = np.minimum(row[1:], down[:-1] + 4)
            row[:-1] = np.minimum(row[:-1], down[1:] + 4)
        d[y] = np.minimum.accumulate((row + ramp)[::-1])[::-1] - ramp
    return np.minimum(d, BIG)


def dilate_square(mask: np.ndarray, r: int) -> np.ndarray:
    """Dilation by a (2r+1)² square (a separable max filter, clamped at the image edges)."""
    if r <= 0:
        return mask.copy()
    tmp = mask.copy()
    for d in range(1, r + 1):
        tmp[:, d:] |= mask[:, :-d]
        tmp[:, :-d] |= mask[:, d:]
    out = tmp.copy()
    for d in range(1, r + 1):
        out[d:, :] |= tmp[:-d, :]
        out[:-d, :] |= tmp[d:, :]
    return out


def bbox(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(y0, y1, x0, x1), half-open, of the True pixels; None when there are none."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


@dataclass
class Region:
    """The pixels the fill may change, in a window of the image (``window`` = y0, y1, x0, x1).

    ``core``: the painted mask grown by ``grow`` px (chamfer(mask) <= 3·grow); filled outright.
    ``region``: core plus the feather ring (chamfer(core) <= 3·feather); everything outside it is
    never written. ``dist``: chamfer(core), for the cross-fade over the ring (None without feather)."""

    window: tuple[int, int, int, int]
    core: np.ndarray
    region: np.ndarray
    dist: np.ndarray | None


def grow_and_feather(mask: np.ndarray, grow: int, feather: int) -> Region:
    """Core and fill region of a non-empty boolean ``mask`` (docs/erase.md step 1).

    The chamfer distances are computed in a window around the mask: its bounding box plus
    grow + feather + 1 px, clipped to the image. That gives exactly the whole-image numbers for every
    pixel whose distance can matter — a chamfer path between two pixels never leaves their bounding
    box, and the chamfer distance is at least 3 × the Chebyshev distance, so no pixel farther than
    grow + feather px from the mask can be in the region."""
    box = bbox(mask)
    if box is None:
        raise ValueError("the mask is empty")
    pad = max(0, grow) + max(0, feather) + 1
    h, w = mask.shape
    y0, y1, x0, x1 = max(0, box[0] - pad), min(h, box[1] + pad), max(0, box[2] - pad), min(w, box[3] + pad)
    m = np.ascontiguousarray(mask[y0:y1, x0:x1])
    core = chamfer(m) <= 3 * grow if grow > 0 else m.copy()
    dist = None
    region = core
    if feather > 0:
        dist = chamfer(core)
        region = dist <= 3 * feather
    return Region((y0, y1, x0, x1), core, region, dist)

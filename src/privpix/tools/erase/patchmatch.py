"""PatchMatch (Barnes et al. 2009) over one pyramid level: the nearest-neighbour field (NNF) from
target patches (those touching the hole) to source patches (those touching no hole pixel), improved
by propagation and random search — REPORT §8 steps 4-8.

Everything is "Jacobi" style: a step reads only the state the previous step left and each target
writes only its own entry, so the order in which targets are visited — here all at once, vectorised
with numpy; in the browser split over Web Workers — cannot change the result. Random numbers come
from a counter-based hash (``pcg_hash(base + key)``), never from a sequential generator, and patch
distances are exact integers, so a given seed gives the same bytes everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .masks import dilate_square

Hashable = TypeVar("Hashable", int, np.ndarray)  # a Python int, or an int64 array hashed element-wise

MASK32 = 0xFFFFFFFF


# ---- random numbers ------------------------------------------------------------------------------------


def pcg_hash(v: Hashable) -> Hashable:
    """PCG-RXS-M-XS 32-bit hash (Jarzynski & Olano 2020) of a uint32 (a Python int or an int64 array).

    In JavaScript::

        s = (Math.imul(v, 747796405) + 2891336453) >>> 0
        w = Math.imul(((s >>> ((s >>> 28) + 4)) ^ s) >>> 0, 277803737) >>> 0
        return ((w >>> 22) ^ w) >>> 0

    Test vectors: pcg_hash(0..3) = 129708002, 2831084092, 2055130248, 2131687100."""
    s = (v * 747796405 + 2891336453) & MASK32
    w = (((s >> ((s >> 28) + 4)) ^ s) * 277803737) & MASK32
    return (w >> 22) ^ w


class Stream:
    """Bases for the randomised steps: ``next_base() = pcg_hash(seed ^ pcg_hash(counter))``, then
    counter += 1. A step's random numbers are ``pcg_hash((base + key) mod 2^32)`` with a key made of
    the pixel and the draw index, so they depend on (seed, step number, pixel, draw), never on the
    order of visits. Test vectors: seed 0 gives 817759070, 3911864714, 2047839475; seed 12345 gives
    3009604215, 342608, 2274908191."""

    def __init__(self, seed: int) -> None:
        self.seed = seed & MASK32
        self.counter = 0

    def next_base(self) -> int:
        base = pcg_hash(self.seed ^ pcg_hash(self.counter))
        self.counter += 1
        return base


# ---- one level's geometry ------------------------------------------------------------------------------


@dataclass
class Level:
    """Targets, sources and SSD weights of one pyramid level (REPORT §8 step 4).

    ``ty, tx``: target patch centres — pixels at least r from the border whose (2r+1)² patch touches
    the hole — in raster order; ``tindex``: target number per pixel, -1 elsewhere; ``valid``: source
    centres (at least r from the border, patch touching no hole pixel); ``pix_w``: SSD weight of each
    pixel when it lies in a target patch (1 in the hole, ``known_w`` outside)."""

    h: int
    w: int
    r: int
    hole: np.ndarray
    ty: np.ndarray
    tx: np.ndarray
    tindex: np.ndarray
    valid: np.ndarray
    pix_w: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ty)


def setup_level(hole: np.ndarray, r: int, known_w: int) -> Level:
    h, w = hole.shape
    near = dilate_square(hole, r)
    inner = np.zeros((h, w), bool)
    if h > 2 * r and w > 2 * r:
        inner[r : h - r, r : w - r] = True
    ty, tx = np.nonzero(near & inner)
    tindex = np.full((h, w), -1, np.int32)
    tindex[ty, tx] = np.arange(len(ty), dtype=np.int32)
    pix_w = np.where(hole, 1, known_w).astype(np.int32)
    return Level(h, w, r, hole, ty.astype(np.int32), tx.astype(np.int32), tindex, ~near & inner, pix_w)


def count_valid(hole: np.ndarray, r: int) -> int:
    """Number of source patches a level with this hole would have (the pyramid's stopping rule)."""
    h, w = hole.shape
    if h <= 2 * r or w <= 2 * r:
        return 0
    return int((~dilate_square(hole, r))[r : h - r, r : w - r].sum())


# ---- patch distances -----------------------------------------------------------------------------------

# Above this many bytes of cached target patches, they are gathered again for every evaluation
# (same numbers, less memory: a 2.5-megapixel hole would otherwise cache 600 MB).
TARGET_CACHE_BYTES = 192 << 20
CHUNK = 8192  # patches per vectorised SSD evaluation: keeps the temporaries in cache


class PatchDistance:
    """The exact weighted SSD of REPORT §8 step 5 for one image state::

        SSD(p, s) = Σ_{dy,dx ∈ [-r, r]} pix_w[p+δ] · (Σ_{c<3} e_c² + tex_w · Σ_{c≥3} e_c²),
        e_c = img[p+δ, c] - img[s+δ, c]

    (the specification's per-channel weights pix_w × channel weight, summed in another order: the
    same integer; with tex_w = 1 it is simply Σ pix_w · Σ_c e_c²). With the product parameters the
    largest value, 49 · 32 · (3 + 2) · 255², fits in 31 bits. Patches are read through
    ``sliding_window_view``, so one fancy index gathers whole patches; the target patches are
    gathered once per image state when they fit ``TARGET_CACHE_BYTES``."""

    def __init__(self, img: np.ndarray, level: Level, tex_w: int) -> None:
        r, P = level.r, 2 * level.r + 1
        self.C = img.shape[2]
        self.tex_w = tex_w
        self.level = level
        assert P * P * level.pix_w.max(initial=1) * (3 + (self.C - 3) * tex_w) * 255 * 255 < 2**31
        self.view = sliding_window_view(img, (P, P), axis=(0, 1))  # (h-2r, w-2r, C, P, P)
        self.wview = sliding_window_view(level.pix_w, (P, P))  # (h-2r, w-2r, P, P)
        self.T: np.ndarray | None = None
        self.W: np.ndarray | None = None
        if level.n * self.C * P * P <= TARGET_CACHE_BYTES:
            self.T = self.view[level.ty - r, level.tx - r]  # a copy (fancy index), uint8
            self.W = self.wview[level.ty - r, level.tx - r]

    def __call__(self, idx: np.ndarray, cy: np.ndarray, cx: np.ndarray) -> np.ndarray:
        """SSD of the targets ``idx`` against the source centres (cy, cx), as int64."""
        lv, r = self.level, self.level.r
        out = np.empty(len(idx), np.int64)
        for a in range(0, len(idx), CHUNK):
            b = a + CHUNK
            i = idx[a:b]
            if self.T is not None and self.W is not None:
                T, W = self.T[i], self.W[i]
            else:
                T = self.view[lv.ty[i] - r, lv.tx[i] - r]
                W = self.wview[lv.ty[i] - r, lv.tx[i] - r]
            S = self.view[cy[a:b] - r, cx[a:b] - r]  # (n, C, P, P) uint8
            diff = np.maximum(T, S)
            diff -= np.minimum(T, S)  # |T - S| in uint8
            e = diff.astype(np.uint16)
            e *= e  # <= 255² = 65025: fits uint16
            if self.tex_w != 1:
                e = e.astype(np.int32)
                e[:, 3:] *= self.tex_w
            out[a:b] = np.einsum("ncij,nij->n", e, W)  # int32 (bounded above)
        return out

    def all(self, sy: np.ndarray, sx: np.ndarray) -> np.ndarray:
        return self(np.arange(self.level.n), sy, sx)


# ---- the nearest-neighbour field -----------------------------------------------------------------------


def random_sources(level: Level, base: int) -> tuple[np.ndarray, np.ndarray]:
    """A random valid source per target: the valid centres in raster order, number
    ``pcg_hash((base + y·w + x) mod 2^32) mod count`` for the target at (y, x)."""
    vy, vx = np.nonzero(level.valid)
    if len(vy) == 0:
        raise ValueError("the area to erase leaves too little of the photo to fill it from")
    key = level.ty.astype(np.int64) * level.w + level.tx
    k = pcg_hash((base + key) & MASK32) % len(vy)
    return vy[k].astype(np.int32), vx[k].astype(np.int32)


def upsample(coarse: Level, csy: np.ndarray, csx: np.ndarray, level: Level, base: int) -> tuple[np.ndarray, np.ndarray]:
    """The NNF of a finer level from the coarser one (REPORT §8 step 7): target (y, x) looks at the
    coarse pixel q = (clamp(y>>1, r, ch-1-r), clamp(x>>1, r, cw-1-r)); if q is a coarse target j, the
    candidate is 2·s(j) + ((y, x) - 2q), taken when it lies in [r, h-1-r]×[r, w-1-r] and is valid;
    otherwise the target gets a random source (drawn for all targets with ``base``, used or not)."""
    r, h, w = level.r, level.h, level.w
    ty, tx = level.ty, level.tx
    qy = np.clip(ty >> 1, r, coarse.h - 1 - r)
    qx = np.clip(tx >> 1, r, coarse.w - 1 - r)
    j = coarse.tindex[qy, qx]
    has = j >= 0
    uy = np.where(has, csy[np.maximum(j, 0)] * 2 + (ty - 2 * qy), -1)
    ux = np.where(has, csx[np.maximum(j, 0)] * 2 + (tx - 2 * qx), -1)
    ok = (uy >= r) & (uy <= h - 1 - r) & (ux >= r) & (ux <= w - 1 - r)
    ok[ok] = level.valid[uy[ok], ux[ok]]
    ry, rx = random_sources(level, base)
    return np.where(ok, uy, ry).astype(np.int32), np.where(ok, ux, rx).astype(np.int32)


def propagate(dist: PatchDistance, sy: np.ndarray, sx: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Jacobi propagation pass at distance 1 (REPORT §8 step 8a).

    For each target, reading only the NNF given: candidates from the neighbours at (0,-1), (0,+1),
    (-1,0), (+1,0) in this order; a neighbour n that is a target proposes s(n) - (n - p). A candidate
    outside [r, h-1-r]×[r, w-1-r], not valid, or equal to the current best is skipped; it replaces
    the best when its SSD is strictly smaller. Returns new arrays."""
    lv, r = dist.level, dist.level.r
    h, w = lv.h, lv.w
    nsy, nsx, nd = sy.copy(), sx.copy(), d.copy()
    for ddy, ddx in ((0, -1), (0, 1), (-1, 0), (1, 0)):
        ny, nx = lv.ty + ddy, lv.tx + ddx
        idx = np.flatnonzero((ny >= 0) & (ny < h) & (nx >= 0) & (nx < w))
        j = lv.tindex[ny[idx], nx[idx]]
        keep = j >= 0
        idx, j = idx[keep], j[keep]
        cy, cx = sy[j] - ddy, sx[j] - ddx
        ok = (cy >= r) & (cy <= h - 1 - r) & (cx >= r) & (cx <= w - 1 - r)
        idx, cy, cx = idx[ok], cy[ok], cx[ok]
        ok = lv.valid[cy, cx] & ((cy != nsy[idx]) | (cx != nsx[idx]))
        idx, cy, cx = idx[ok], cy[ok], cx[ok]
        dc = dist(idx, cy, cx)
        better = dc < nd[idx]
        b = idx[better]
        nsy[b], nsx[b], nd[b] = cy[better], cx[better], dc[better]
    return nsy, nsx, nd


def random_search(
    dist: PatchDistance, sy: np.ndarray, sx: np.ndarray, d: np.ndarray, radius: int, base: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random search around each target's best source (REPORT §8 step 8b), every target on its own.

    f = (y·w + x)·64, rad = ``radius``, j = 0; while rad >= 1: hy = pcg_hash(base + f + 2j),
    hx = pcg_hash(base + f + 2j + 1) (mod 2^32); candidate = best + (hy mod (2rad+1) - rad,
    hx mod (2rad+1) - rad), each coordinate clamped to [r, dim-1-r]; taken if valid, not the best,
    and its SSD is strictly smaller; rad >>= 1; j += 1. Returns new arrays."""
    lv, r = dist.level, dist.level.r
    h, w = lv.h, lv.w
    sy, sx, d = sy.copy(), sx.copy(), d.copy()
    f = (lv.ty.astype(np.int64) * w + lv.tx) * 64
    rad, j = radius, 0
    while rad >= 1:
        span = 2 * rad + 1
        hy = pcg_hash((base + f + 2 * j) & MASK32)
        hx = pcg_hash((base + f + 2 * j + 1) & MASK32)
        cy = np.clip(sy + (hy % span).astype(np.int32) - rad, r, h - 1 - r)
        cx = np.clip(sx + (hx % span).astype(np.int32) - rad, r, w - 1 - r)
        idx = np.flatnonzero(lv.valid[cy, cx] & ((cy != sy) | (cx != sx)))
        cy, cx = cy[idx], cx[idx]
        dc = dist(idx, cy, cx)
        better = dc < d[idx]
        b = idx[better]
        sy[b], sx[b], d[b] = cy[better], cx[better], dc[better]
        rad >>= 1
        j += 1
    return sy, sx, d

"""Voting: rebuild the hole from the source patches the NNF points at (docs/erase.md step 9).

Each hole pixel q is covered by the target patches centred at p with |q - p| <= r (Chebyshev); each
proposes img[s(p) + (q - p)]. The "mean" vote averages the proposals with Wexler et al.'s spatial
confidence weights; the "best" vote (Newson et al. 2014) copies the proposal of the covering patch
with the smallest SSD, which keeps fine texture sharp at full resolution. Both read one image and
write a copy (Jacobi), so every hole pixel is independent of the others.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .masks import chamfer
from .patchmatch import Level

# γ^(-1/3) for γ = 1.5, written as the double literal the browser engine uses too.
CONFIDENCE_STEP = 0.8735804647362989


def confidence(level: Level) -> np.ndarray:
    """Per-target weight c^k (float64), k = chamfer distance (1/3 px) of the target's centre to the
    nearest known pixel (0 for known pixels). The table is built by the recurrence T[0] = 1,
    T[k] = T[k-1] · c in float64, so it is the same bit for bit in any IEEE-754 language."""
    k = chamfer(~level.hole)[level.ty, level.tx]
    table = np.empty(int(k.max(initial=0)) + 1)
    table[0] = 1.0
    for i in range(1, len(table)):
        table[i] = table[i - 1] * CONFIDENCE_STEP
    return table[k]


def similarity(conf: np.ndarray, d: np.ndarray, wsum: np.ndarray, scale: int) -> np.ndarray:
    """The weights of a vote after an EM iteration: conf / k², k = 1 + e / scale, with e = d / wsum the
    patch distance per unit of pixel weight (about the mean squared error over the 5 channels of the
    patch's known part). float64 in this order, as in the browser engine. A patch that matches its
    surroundings well counts more than one that matched poorly, so a poor match does not smear the
    good ones; with scale in the hundreds only clearly poor matches lose weight."""
    k = 1.0 + d / wsum / scale
    return conf / (k * k)


def _offsets(r: int) -> Iterator[tuple[int, int]]:
    """Offsets o = q - p in reverse raster order, i.e. centres p = q - o in raster order."""
    for dy in range(r, -r - 1, -1):
        for dx in range(r, -r - 1, -1):
            yield dy, dx


class _Cover:
    """For every hole pixel q and offset o = q - p: the target number of the centre p (or -1 when p
    is no target or outside the image), gathered from a copy of ``tindex`` padded by r."""

    def __init__(self, level: Level) -> None:
        r, w = level.r, level.w
        self.r, self.wp = r, w + 2 * r
        self.tpad = np.pad(level.tindex, r, constant_values=-1).reshape(-1)
        hy, hx = np.nonzero(level.hole)
        self.q = hy.astype(np.int64) * w + hx  # flat hole pixels, raster order
        self.qpad = (hy.astype(np.int64) + r) * self.wp + hx + r

    def centres(self, dy: int, dx: int) -> np.ndarray:
        return self.tpad[self.qpad - (dy * self.wp + dx)]


def _sources(level: Level, sy: np.ndarray, sx: np.ndarray) -> np.ndarray:
    """Flat source centres, with one more entry (for "no centre", index -1) that keeps every
    ``source + o`` inside the image."""
    ps = np.empty(level.n + 1, np.int64)
    ps[:-1] = sy.astype(np.int64) * level.w + sx
    ps[-1] = level.r * level.w + level.r
    return ps


def mean(img: np.ndarray, level: Level, sy: np.ndarray, sx: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """out[q] = floor(a_c / n + 0.5) with a_c = Σ_p wt[p] · img[s(p) + q - p, c] and n = Σ_p wt[p],
    the float64 sums accumulated over the centres p in raster order (then the division, then the
    floor). Returns a new image; only hole pixels change.

    Computed per hole pixel (a gather over the 49 offsets); an offset whose centre is not a target
    adds weight +0.0 and 0.0 · value, which leaves every float sum exactly as it was."""
    h, w, C = img.shape
    flat = img.reshape(-1, C)
    cover = _Cover(level)
    ps = _sources(level, sy, sx)
    wt = np.append(weights, 0.0)
    acc = np.zeros((len(cover.q), C))
    cnt = np.zeros(len(cover.q))
    for dy, dx in _offsets(level.r):
        o = dy * w + dx
        i = cover.centres(dy, dx)
        wi = wt[i]
        acc += wi[:, None] * flat[ps[i] + o]
        cnt += wi
    out = img.copy()
    out.reshape(-1, C)[cover.q] = np.floor(acc / cnt[:, None] + 0.5).astype(np.uint8)
    return out


def best(img: np.ndarray, level: Level, sy: np.ndarray, sx: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Each hole pixel takes all channels of img[s(p) + q - p] for the covering centre p with the
    smallest SSD d[p]; on ties the first p in raster order (strict <). Returns a new image."""
    h, w, C = img.shape
    flat = img.reshape(-1, C)
    cover = _Cover(level)
    ps = _sources(level, sy, sx)
    dd = np.append(d, np.iinfo(np.int64).max)  # "no centre" never wins
    best_d = np.full(len(cover.q), np.iinfo(np.int64).max, np.int64)
    src = np.zeros(len(cover.q), np.int64)
    for dy, dx in _offsets(level.r):
        i = cover.centres(dy, dx)
        di = dd[i]
        better = di < best_d
        best_d[better] = di[better]
        src[better] = ps[i[better]] + dy * w + dx
    out = img.copy()
    out.reshape(-1, C)[cover.q] = flat[src]
    return out

"""The two resamplers. Nothing else resizes pixels in background removal.

**Triangle** (``triangle``): Pillow's ``Image.resize(BILINEAR)`` exactly — an antialiased
(support ``max(in/out, 1)``) separable filter, horizontal pass first, uint8 in between, 22-bit fixed
point weights. Used twice on uint8 RGB: full image → guide, and guide (or the full image, when the
guide is smaller than the model's picture) → model picture. The TypeScript port
(``resample.ts``) reproduces Pillow bit for bit:

    scale = in/out; support = max(scale, 1); centre = (i + 0.5)·scale
    xmin = max(trunc(centre - support + 0.5), 0); xmax = min(trunc(centre + support + 0.5), in)
    w(x) = max(0, 1 - |(x + xmin - centre + 0.5) / support|), normalised over the window
    k = trunc(w·2²² ± 0.5) (sign of w); acc = 2²¹ + Σ v·k; out = clip(acc >> 22, 0, 255)

**Bilinear** (``Axis``, ``bilinear``, ``rows``): every float resize (mask, coefficients,
foreground estimates, alpha to the guide grid). Half-pixel centres, edge clamp, no antialias:
``c = clamp((i + 0.5)·in/out - 0.5, 0, in - 1)``, ``i0 = floor(c)``, ``i1 = min(i0 + 1, in - 1)``,
``f = c - i0`` (float32); rows first, ``r = a[i0]·(1 - fy) + a[i1]·fy``, then columns the same way,
all in float32. ``rows`` computes a band of output rows only, so that full-resolution work can go
strip by strip; its values are identical to the whole resize.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image


def triangle(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """uint8 H×W×C → height×width×C with Pillow's BILINEAR (antialiased triangle) filter."""
    if rgb.shape[0] == height and rgb.shape[1] == width:
        return rgb
    return np.asarray(Image.fromarray(rgb).resize((width, height), Image.Resampling.BILINEAR))


@dataclass(frozen=True)
class Axis:
    """Sample positions of a bilinear resize along one axis: ``n_in`` → ``n_out``."""

    i0: np.ndarray  # int64
    i1: np.ndarray
    f: np.ndarray  # float32

    @classmethod
    def make(cls, n_out: int, n_in: int) -> Axis:
        c = (np.arange(n_out, dtype=np.float64) + 0.5) * (n_in / n_out) - 0.5
        c = np.clip(c, 0, n_in - 1)
        i0 = np.floor(c).astype(np.int64)
        return cls(i0, np.minimum(i0 + 1, n_in - 1), (c - i0).astype(np.float32))

    def part(self, start: int, stop: int) -> Axis:
        return Axis(self.i0[start:stop], self.i1[start:stop], self.f[start:stop])

    def take(self, index: np.ndarray) -> Axis:
        return Axis(self.i0[index], self.i1[index], self.f[index])

    def sources(self) -> np.ndarray:
        """The input positions this resize reads (sorted, unique)."""
        return np.union1d(self.i0, self.i1)


def _along_rows(a: np.ndarray, ax: Axis) -> np.ndarray:
    f = ax.f.reshape((-1,) + (1,) * (a.ndim - 1))
    return a[ax.i0] * (1 - f) + a[ax.i1] * f


def _along_columns(a: np.ndarray, ax: Axis) -> np.ndarray:
    f = ax.f.reshape((1, -1) + (1,) * (a.ndim - 2))
    return a[:, ax.i0] * (1 - f) + a[:, ax.i1] * f


def bilinear(a: np.ndarray, width: int, height: int) -> np.ndarray:
    """float32 h×w(×C) → height×width(×C)."""
    a = a.astype(np.float32, copy=False)
    if a.shape[:2] == (height, width):
        return a
    return _along_columns(_along_rows(a, Axis.make(height, a.shape[0])), Axis.make(width, a.shape[1]))


def rows(a: np.ndarray, y: Axis, x: Axis) -> np.ndarray:
    """The output rows that ``y`` (a ``part`` of the full row axis) names, all ``x`` columns."""
    a = a.astype(np.float32, copy=False)
    return _along_columns(_along_rows(a, y), x)


def at(a: np.ndarray, y: Axis, x: Axis, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """The bilinear value at output pixels (ys[k], xs[k]) only (same arithmetic as ``rows``)."""
    fy = y.f[ys].reshape((-1,) + (1,) * (a.ndim - 2))
    fx = x.f[xs].reshape((-1,) + (1,) * (a.ndim - 2))
    y0, y1, x0, x1 = y.i0[ys], y.i1[ys], x.i0[xs], x.i1[xs]
    left = a[y0, x0] * (1 - fy) + a[y1, x0] * fy
    right = a[y0, x1] * (1 - fy) + a[y1, x1] * fy
    return left * (1 - fx) + right * fx

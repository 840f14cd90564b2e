"""Downscale a picture that arrives a band of rows at a time, never holding it whole (the
TypeScript engine's imaging/reduce.ts does the same).

Pictures over ``options.MAX_PIXELS`` with a downscale asked for (HEIC grids tile row by tile row,
PNG row by row) are reduced by whole factors — each output pixel the mean of a ``factor_x`` ×
``factor_y`` block, the last block of a row or column the mean of what is there — which is exactly
the box pre-reduction ``resize.fit`` does on a picture in memory (Pillow's ``reduce`` under
``reducing_gap``). The factor is the one that pre-reduction would pick (the source over
``REDUCING_GAP`` times the final size), raised until the result is within the budget; the Lanczos
step of ``resize.fit`` then makes the final size, as for a JPEG decoded at a reduced DCT scale.
Rows that do not fill a block wait for the next band, so where the bands are cut does not matter.
"""

from __future__ import annotations

import math

from PIL import Image

from ..options import MAX_PIXELS
from .resize import REDUCING_GAP, fit_size

# modes whose blocks are averaged premultiplied (as Pillow's resize does), so transparent pixels
# add no colour; and 16-bit grey, averaged in 32 bits (Pillow reduces no I;16)
_WORKING = {"RGBA": "RGBa", "LA": "La", "I;16": "I"}


def reduction_factor(width: int, height: int, max_dimension: int) -> tuple[int, int]:
    """The whole factors a ``width`` × ``height`` picture is reduced by before ``resize.fit`` makes
    it ``max_dimension``."""
    fit_w, fit_h = fit_size(width, height, max_dimension)
    fx = max(1, int(width / fit_w / REDUCING_GAP))
    fy = max(1, int(height / fit_h / REDUCING_GAP))
    while math.ceil(width / fx) * math.ceil(height / fy) > MAX_PIXELS:
        fx, fy = fx + 1, fy + 1
    return fx, fy


def reduced_size(width: int, height: int, factor: tuple[int, int]) -> tuple[int, int]:
    return math.ceil(width / factor[0]), math.ceil(height / factor[1])


class BlockReducer:
    """Feed the rows of a ``width`` × ``height`` picture of ``mode``, top to bottom, as Pillow
    images of any height; ``result()`` is it reduced by ``factor`` (x, y), in ``mode``."""

    def __init__(self, width: int, height: int, factor: tuple[int, int], mode: str) -> None:
        self.width, self.height, self.factor, self.mode = width, height, factor, mode
        self._working = _WORKING.get(mode, mode)
        self._out = Image.new(self._working, reduced_size(width, height, factor))
        self._waiting: Image.Image | None = None  # rows that do not fill a block yet
        self._done = 0  # output rows made
        self.rows = 0

    def feed(self, band: Image.Image) -> None:
        if band.width != self.width or band.mode != self.mode or self.rows + band.height > self.height:
            size = f"{self.width}×{self.height}"
            raise ValueError(f"a {band.mode} band of {band.size} does not continue a {size} {self.mode} picture")
        self.rows += band.height
        band = band.convert(self._working) if band.mode != self._working else band
        if self._waiting is not None:
            joined = Image.new(self._working, (self.width, self._waiting.height + band.height))
            joined.paste(self._waiting, (0, 0))
            joined.paste(band, (0, self._waiting.height))
            band = joined
        fy = self.factor[1]
        whole = band.height if self.rows == self.height else band.height - band.height % fy
        if whole:
            part = band if whole == band.height else band.crop((0, 0, self.width, whole))
            small = part.reduce(self.factor)
            self._out.paste(small, (0, self._done))
            self._done += small.height
        self._waiting = band.crop((0, whole, self.width, band.height)) if whole < band.height else None

    def result(self) -> Image.Image:
        if self.rows != self.height:
            raise ValueError(f"{self.rows} of {self.height} rows were fed")
        return self._out.convert(self.mode) if self._working != self.mode else self._out

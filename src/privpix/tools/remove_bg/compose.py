"""What goes behind the subject, and how it is put there.

- nothing: a straight-alpha RGBA cut-out. Where the 8-bit alpha is 0 the colour is set to 0: the
  removed background must not survive, invisible, in the file's RGB channels.
- a colour ``#rrggbb``, a blurred copy of the photo (``blur``), or another image (cover-fit: scaled
  to cover the photo, centred, cropped): opaque RGB, ``out = round((c·a + bg·(255 - a)) / 255)`` per
  channel in integers, ``(c·a + bg·(255 - a) + 127) // 255``, with c the cut-out's colour and a its
  8-bit alpha — exactly the cut-out composited over the background, so where a = 255 the photo's
  pixels are unchanged and where a = 0 the background is.

The blur is a normalised convolution at guide resolution: three box passes of radius
``max(1, round(0.02·L))`` (about a Gaussian of σ = 2 % of the long side) over the photo weighted by
``1 - α``, divided by the same passes over ``1 - α``, so the subject's own colours do not smear into
its surroundings; where the subject covers the whole window (weight < 1e-3) the plain blur is used.
It is upsampled bilinearly to full resolution and rounded to 8 bits.

The browser engine has no module of its own for this: refine.ts composites in its fused full-resolution pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from .refine import box, radius
from .resample import Axis, rows

BLUR_RADIUS = 0.02  # of the guide's long side, per box pass (three passes)
BLUR_PASSES = 3


def over(colour: np.ndarray, a8: np.ndarray, behind: np.ndarray) -> np.ndarray:
    """uint8 rows of ``colour`` with alpha ``a8`` composited over opaque ``behind``."""
    a = a8.astype(np.uint32)[..., None]
    mixed = colour.astype(np.uint32) * a + behind.astype(np.uint32) * (255 - a) + 127
    return (mixed // 255).astype(np.uint8)


class Behind:
    """An opaque background, produced a band of rows at a time."""

    def rows(self, start: int, stop: int, width: int) -> np.ndarray:
        raise NotImplementedError


@dataclass
class Colour(Behind):
    rgb: tuple[int, int, int]

    def rows(self, start: int, stop: int, width: int) -> np.ndarray:
        return np.broadcast_to(np.array(self.rgb, np.uint8), (stop - start, width, 3))


@dataclass
class Picture(Behind):
    pixels: np.ndarray  # uint8 H×W×3, already cover-fitted

    def rows(self, start: int, stop: int, width: int) -> np.ndarray:
        return self.pixels[start:stop]


@dataclass
class Blurred(Behind):
    grid: np.ndarray  # float32 gh×gw×3 in [0, 1]
    y: Axis  # guide → full, rows
    x: Axis  # guide → full, columns

    def rows(self, start: int, stop: int, width: int) -> np.ndarray:
        v = rows(self.grid, self.y.part(start, stop), self.x)
        return np.floor(v * np.float32(255) + np.float32(0.5)).astype(np.uint8)


def blurred(guide: np.ndarray, a: np.ndarray) -> np.ndarray:
    """The blurred background on the guide grid (float32 gh×gw×3), from the uint8 guide and the
    guide-grid alpha."""
    gh, gw = a.shape
    r = radius(BLUR_RADIUS, gh, gw)
    I = guide.astype(np.float32) / np.float32(255)  # noqa: E741
    weight = (1 - a).astype(np.float32)
    num, den, plain = I * weight[..., None], weight, I
    for _ in range(BLUR_PASSES):
        num, den, plain = box(num, r), box(den, r), box(plain, r)
    ok = den > np.float32(1e-3)
    out = np.where(ok[..., None], num / np.maximum(den, np.float32(1e-3))[..., None], plain)
    return np.clip(out, 0, 1).astype(np.float32)


def cover(image: Image.Image, width: int, height: int) -> np.ndarray:
    """``image`` scaled to cover width×height, centred and cropped (Lanczos), as uint8 RGB."""
    if image.mode != "RGB":
        if "A" in image.mode:
            base = Image.new("RGB", image.size, (255, 255, 255))
            base.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
            image = base
        else:
            image = image.convert("RGB")
    return np.asarray(ImageOps.fit(image, (width, height), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5)))

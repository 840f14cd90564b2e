"""Downscale so that the longer side is at most ``max_dimension``; never upscale.

Size (both engines compute exactly this, in integers): with ``long = max(w, h)`` and
``short = min(w, h)``, nothing changes when ``long <= max_dimension``; otherwise the longer side
becomes ``max_dimension`` and the shorter ``max(1, (short * max_dimension + long // 2) // long)``
(rounded half up).

Filter: Lanczos (a = 3) in gamma-encoded values, as browsers' high-quality scalers do (no
linear-light step: it would double the memory for 16-bit intermediates and matters only for fine
high-contrast detail), with Pillow's ``reducing_gap=2.0``: a box pre-reduction by the integer
factor ``source // (2 * target)`` when that is at least 2 (downscales of 4x and more), then Lanczos.
Against plain Lanczos on a 12 MP photo it scored SSIMULACRA2 100.0 at 2016×1512 and 1024×768
(where it does not pre-reduce: ~0.25 s either way); ``reducing_gap=1.5`` was 2.5x faster at
1024×768 but scored 96.0 (``bench/encode_native.py``). Alpha is premultiplied during the resize
(Pillow does this for RGBA and LA), so transparent pixels do not bleed their colour into the edges.
JPEG sources may already be decoded at a reduced DCT scale (``decode.decode``'s ``max_dimension``).
"""

from __future__ import annotations

from PIL import Image

REDUCING_GAP = 2.0


def fit_size(width: int, height: int, max_dimension: int | None) -> tuple[int, int]:
    long, short = max(width, height), min(width, height)
    if max_dimension is None or long <= max_dimension:
        return width, height
    scaled = max(1, (short * max_dimension + long // 2) // long)
    return (max_dimension, scaled) if width >= height else (scaled, max_dimension)


def fit(image: Image.Image, max_dimension: int | None, source: tuple[int, int] | None = None) -> Image.Image:
    """``image`` fitted to ``max_dimension``; ``source``: the size of the picture ``image`` was
    decoded from at a reduced size (``decode.Decoded.size``), whose fitted size it is given, so the
    output is the same size as from a full decode."""
    size = fit_size(*(source or image.size), max_dimension)
    if size == image.size:
        return image
    if image.mode == "I;16":  # Pillow's box pre-reduction has no 16-bit mode: go through 32-bit
        out = image.convert("I").resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
        return out.convert("I;16")  # clips to 0..65535
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)

"""Erase objects: paint over a thing and it's gone, filled from the rest of the photo on this device.

    decode upright (imaging.decode: orientation applied once, ICC aside, pixel budget MAX_PIXELS)
    -> pixels in the photo's own colour space (CMYK through imaging.colour; grey stays grey in a PNG)
    -> the mask: white (>= 128) pixels of a mask image the size of the upright photo, or boxes
    -> fill.fill_mask on the crop around the mask grown by ``grow`` and feathered by
       ``feather`` px (automatic values: options.auto_grow, options.auto_feather); every pixel
       outside that region keeps its decoded value exactly; alpha is kept as it was
    -> encoded in the input's format where privpix writes it (JPEG, PNG, WebP, AVIF; HEIC and TIFF
       become JPEG, or PNG when transparent; GIF and BMP become PNG — tools.encode.keep_format), at
       ``options.ERASE_QUALITY`` unless -q, carrying nothing but the ICC profile unless
       ``keep_metadata`` (then the source's EXIF as compress keeps it, Orientation 1)
    -> a report: format, dimensions, the filled region's box, pixels changed, timings, warnings

Masks (``mask_from_image``): the mask image is decoded like a photo (so its own orientation, if any,
is applied) and must have the photo's upright size; a pixel is erased when its grey value (Pillow's
ITU-R 601 luma for colour masks) is >= 128 and, where the mask has alpha, its alpha is >= 128 too.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...formats.findings import Finding, removed_findings
from ...options import ERASE_MAX_CROP, EraseOptions
from ..inspect import inspect

if TYPE_CHECKING:
    import numpy as np

Box = tuple[int, int, int, int]  # x, y, width, height in upright pixels


class MaskError(ValueError):
    """A mask or box that does not fit the photo (wrong size, outside it, empty)."""


@dataclass
class EraseResult:
    data: bytes
    format: str  # jpeg, png, webp, avif
    source_format: str
    width: int
    height: int
    quality: int | None  # None for PNG
    bytes_before: int
    bytes_after: int
    box: Box  # x, y, width, height of the region that was filled (grown + feathered mask)
    grow: int  # px actually used
    feather: int
    seed: int
    masked_pixels: int  # white pixels of the mask (or the boxes' area)
    region_pixels: int  # pixels the fill was allowed to write
    changed_pixels: int  # pixels whose decoded value differs in the result (before encoding)
    removed: list[Finding] = field(default_factory=list)
    kept: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    pixels: np.ndarray | None = field(default=None, repr=False)  # the upright result before encoding

    @property
    def extension(self) -> str:
        from ..encode import EXTENSIONS

        return EXTENSIONS[self.format]

    def to_json(self) -> dict[str, Any]:
        x, y, w, h = self.box
        return {
            "format": self.format,
            "source_format": self.source_format,
            "width": self.width,
            "height": self.height,
            "quality": self.quality,
            "bytes_before": self.bytes_before,
            "bytes_after": self.bytes_after,
            "region": {"x": x, "y": y, "width": w, "height": h},
            "grow": self.grow,
            "feather": self.feather,
            "seed": self.seed,
            "masked_pixels": self.masked_pixels,
            "region_pixels": self.region_pixels,
            "changed_pixels": self.changed_pixels,
            "removed": [f.to_json() for f in self.removed],
            "kept": [f.to_json() for f in self.kept],
            "warnings": list(self.warnings),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


# ---- masks ----------------------------------------------------------------------------------------------


def _size_mismatch(mw: int, mh: int, width: int, height: int) -> MaskError:
    return MaskError(f"mask is {mw}×{mh} but the image is {width}×{height} (upright); draw the mask on the upright photo")


def mask_from_image(data: bytes, width: int, height: int) -> np.ndarray:
    """The boolean mask (True = erase) of a mask image (PNG or any format privpix decodes)."""
    import numpy as np

    from ...imaging import colour, decode

    im = decode.decode(data).image
    if im.size != (width, height):
        raise _size_mismatch(im.width, im.height, width, height)
    alpha = np.asarray(im.getchannel("A")) if im.mode in ("RGBA", "LA") else None
    grey = colour.to_8bit(im) if im.mode == "I;16" else im
    if grey.mode == "CMYK":
        grey = grey.convert("RGB")
    value = np.asarray(grey.convert("L"))
    mask = value >= 128
    if alpha is not None:
        mask &= alpha >= 128
    return mask


def mask_from_boxes(boxes: Sequence[Box], width: int, height: int) -> np.ndarray:
    """The union of rectangles (x, y, w, h) in upright pixel coordinates; each must lie in the photo."""
    import numpy as np

    if not boxes:
        raise MaskError("no box given")
    mask = np.zeros((height, width), bool)
    for box in boxes:
        if len(box) != 4 or not all(isinstance(v, int) and not isinstance(v, bool) for v in box):
            raise MaskError(f"a box is four whole numbers X,Y,W,H, not {box!r}")
        x, y, w, h = box
        if w < 1 or h < 1 or x < 0 or y < 0:
            raise MaskError(f"box {x},{y},{w},{h}: X and Y must be >= 0, W and H >= 1")
        if x + w > width or y + h > height:
            raise MaskError(f"box {x},{y},{w},{h} reaches beyond the {width}×{height} (upright) image")
        mask[y : y + h, x : x + w] = True
    return mask


def _as_mask(mask: np.ndarray | bytes, width: int, height: int) -> np.ndarray:
    import numpy as np

    if isinstance(mask, (bytes, bytearray, memoryview)):
        return mask_from_image(bytes(mask), width, height)
    arr = np.asarray(mask)
    if arr.ndim != 2:
        raise MaskError(f"a mask array has two dimensions (height, width), not shape {arr.shape}")
    if arr.shape != (height, width):
        raise _size_mismatch(arr.shape[1], arr.shape[0], width, height)
    return arr.copy() if arr.dtype == bool else arr >= 128


# ---- the tool -------------------------------------------------------------------------------------------


def erase(
    data: bytes,
    mask: np.ndarray | bytes | None = None,
    options: EraseOptions | None = None,
    *,
    boxes: Sequence[Box] | None = None,
    keep_pixels: bool = False,
) -> EraseResult:
    """Erase what ``mask`` marks from the image ``data`` and re-encode it.

    ``mask``: the bytes of a mask image (white = erase) or a boolean (or 0-255) array of the upright
    photo's size; or ``boxes``: rectangles (x, y, width, height) in upright pixels. Exactly one of
    the two. ``keep_pixels`` also returns the upright result before encoding (``result.pixels``).
    Raises FormatError for input that is not an image privpix reads, MaskError for a mask or box
    that does not fit, ValueError when the area cannot be filled (too large, nothing left to fill
    from)."""
    import numpy as np
    from PIL import Image

    from ...formats import exif as exif_mod
    from ...imaging import colour, decode, encode
    from ..encode import keep_format
    from .fill import fill_mask

    options = options or EraseOptions()
    if (mask is None) == (boxes is None):
        raise ValueError("give either a mask or boxes")
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    source = decode.source_format(data)  # FormatError for anything that is not an image
    before = inspect(data).findings if source != "bmp" else []
    decoded = decode.decode(data)
    warnings = list(decoded.warnings)
    fmt = keep_format(source, decoded.has_alpha)
    prepared = colour.prepare(decoded.image, decoded.icc, "keep", grey_ok=fmt == "png")
    warnings.extend(prepared.warnings)
    image = prepared.image
    if image.mode == "I;16":
        warnings.append("16-bit grey is written with 8 bits")
        image = colour.to_8bit(image)
    W, H = image.size
    alpha = image.getchannel("A") if image.mode in ("RGBA", "LA") else None
    grey = image.mode in ("L", "LA")
    pixels = np.array(image.convert("RGB"))
    erase_mask = mask_from_boxes(boxes, W, H) if boxes is not None else _as_mask(mask, W, H)  # type: ignore[arg-type]
    masked = int(np.count_nonzero(erase_mask))
    if masked == 0:
        raise MaskError("the mask marks nothing to erase (no pixel is white, >= 128)")
    ys, xs = np.nonzero(erase_mask.any(axis=1))[0], np.nonzero(erase_mask.any(axis=0))[0]
    grow = options.grow_for(max(int(ys[-1] - ys[0]) + 1, int(xs[-1] - xs[0]) + 1))
    feather = options.feather_for(W, H)
    seconds["decode"] = time.perf_counter() - start

    start = time.perf_counter()
    result = fill_mask(pixels, erase_mask, grow=grow, feather=feather, seed=options.seed, max_crop=ERASE_MAX_CROP)
    y0, y1, x0, x1 = result.crop
    before_crop = pixels[y0:y1, x0:x1].copy()
    result.apply(pixels)
    changed = int(np.count_nonzero((pixels[y0:y1, x0:x1] != before_crop).any(axis=2)))
    ry0, ry1, rx0, rx1 = result.region_box
    seconds["fill"] = time.perf_counter() - start

    start = time.perf_counter()
    out_image = Image.fromarray(pixels[..., 0] if grey else pixels, "L" if grey else "RGB")
    if alpha is not None:
        out_image.putalpha(alpha)
    exif = None
    if options.keep_metadata and decoded.exif:
        exif = exif_mod.reencoded_block(decoded.exif)
        if exif is None:
            warnings.append("the source's EXIF block is unreadable; it was not copied")
    quality = None if fmt == "png" else options.quality_for(fmt)
    try:
        out = encode.encode(out_image, fmt, quality, icc=prepared.icc, exif=exif)
    except encode.MetadataTooLarge as err:
        warnings.append(f"{err}; it was left out")
        out = encode.encode(out_image, fmt, quality, icc=None, exif=None)
    seconds["encode"] = time.perf_counter() - start

    after = inspect(out).findings
    return EraseResult(
        data=out,
        format=fmt,
        source_format=source,
        width=W,
        height=H,
        quality=quality,
        bytes_before=len(data),
        bytes_after=len(out),
        box=(rx0, ry0, rx1 - rx0, ry1 - ry0),
        grow=grow,
        feather=feather,
        seed=options.seed,
        masked_pixels=masked,
        region_pixels=int(np.count_nonzero(result.region)),
        changed_pixels=changed,
        removed=removed_findings(before, after),
        kept=after,
        warnings=warnings,
        seconds=seconds,
        pixels=pixels if keep_pixels else None,
    )

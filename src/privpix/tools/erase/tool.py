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
    -> a report (``EraseResult``): format, dimensions, the filled region, pixels changed,
       timings, warnings, what was removed (the photo pipeline's last step, tools/pipeline.py)

Given pixels instead of a file (a ``PIL.Image.Image`` or a numpy array), it erases them and gives
back the same kind: no decoding, no encoding, no report.

Masks (``mask_from_image``): the mask image is decoded like a photo (so its own orientation, if any,
is applied) and must have the photo's upright size; a pixel is erased when its grey value (Pillow's
ITU-R 601 luma for colour masks) is >= 128 and, where the mask has alpha, its alpha is >= 128 too.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, Union, overload

from ...inputs import FileInput, read_file_input
from ...options import ERASE_MAX_CROP, EraseOptions
from ..pipeline import keep_format, metadata_to_write, open_photo, written
from ..result import PhotoResult, Section, report_field
from .errors import MaskError, TooLargeError

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from ...imaging.colour import Prepared
    from ...pixels import PixelsT

Box = tuple[int, int, int, int]  # x, y, width, height in upright pixels
# A mask: an array of the upright photo's size, a mask image's pixels, or a mask image file.
MaskInput: TypeAlias = Union["np.ndarray", "Image.Image", FileInput]


@dataclass(frozen=True)
class Region:
    """A rectangle in upright pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(kw_only=True)
class EraseResult(PhotoResult):
    """What ``erase`` returns for a file (``PhotoResult``'s fields and these)."""

    quality: int | None = report_field(Section.OUTPUT)  # None for PNG
    region: Region = report_field()  # the region that was filled (grown + feathered mask)
    grow: int = report_field()  # px actually used
    feather: int = report_field()
    seed: int = report_field()
    masked_pixels: int = report_field()  # white pixels of the mask (or the boxes' area)
    region_pixels: int = report_field()  # pixels the fill was allowed to write
    changed_pixels: int = report_field()  # pixels whose decoded value differs in the result (before encoding)
    seconds: dict[str, float] = report_field(Section.TIMINGS, default_factory=dict)
    pixels: np.ndarray | None = report_field(in_report=False, default=None, repr=False)  # the upright result before encoding

    @property
    def box(self) -> Box:
        """``region`` as (x, y, width, height)."""
        return (self.region.x, self.region.y, self.region.width, self.region.height)


# ---- masks ----------------------------------------------------------------------------------------------


def _size_mismatch(mw: int, mh: int, width: int, height: int) -> MaskError:
    return MaskError(f"mask is {mw}×{mh} but the image is {width}×{height} (upright); draw the mask on the upright photo")


def mask_from_image(data: bytes, width: int, height: int) -> np.ndarray:
    """The boolean mask (True = erase) of a mask image (PNG or any format privpix decodes)."""
    from ...imaging import decode

    return _mask_from_pixels(decode.decode(data).image, width, height)


def _mask_from_pixels(im: Image.Image, width: int, height: int) -> np.ndarray:
    import numpy as np

    from ...imaging import colour, decode

    im = decode.normalise_mode(im)
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


def _as_mask(mask: Any, width: int, height: int) -> np.ndarray:
    """A mask given as an array (bool, or 0-255 with >= 128 erased), a PIL image or a mask file."""
    import numpy as np

    from ...inputs import is_pixels

    if not is_pixels(mask):
        return mask_from_image(read_file_input(mask, "erase's mask", pixels=True), width, height)
    if not isinstance(mask, np.ndarray):  # a PIL image: judged like a mask file's pixels
        return _mask_from_pixels(mask, width, height)
    arr = np.asarray(mask)
    if arr.ndim != 2:
        raise MaskError(f"a mask array has two dimensions (height, width), not shape {arr.shape}")
    if arr.shape != (height, width):
        raise _size_mismatch(arr.shape[1], arr.shape[0], width, height)
    return arr.copy() if arr.dtype == bool else arr >= 128


# ---- the tool -------------------------------------------------------------------------------------------


@dataclass
class _Filled:
    """The fill's outcome on upright pixels, before any encoding."""

    rgb: np.ndarray  # H×W×3 uint8, the result
    region: Region
    grow: int
    feather: int
    masked: int
    region_pixels: int
    changed: int


def _fill(
    image: Image.Image, mask: Any, boxes: Sequence[Box] | None, options: EraseOptions, seconds: dict[str, float]
) -> _Filled:
    """Erase from upright pixels (L, LA, RGB or RGBA, 8 bits) what the mask or boxes mark."""
    import numpy as np

    from .fill import fill_mask

    W, H = image.size
    rgb = np.array(image.convert("RGB"))
    erase_mask = mask_from_boxes(boxes, W, H) if boxes is not None else _as_mask(mask, W, H)
    masked = int(np.count_nonzero(erase_mask))
    if masked == 0:
        raise MaskError("the mask marks nothing to erase (no pixel is white, >= 128)")
    ys, xs = np.nonzero(erase_mask.any(axis=1))[0], np.nonzero(erase_mask.any(axis=0))[0]
    grow = options.grow_for(max(int(ys[-1] - ys[0]) + 1, int(xs[-1] - xs[0]) + 1))
    feather = options.feather_for(W, H)
    start = time.perf_counter()
    try:
        result = fill_mask(rgb, erase_mask, grow=grow, feather=feather, seed=options.seed, max_crop=ERASE_MAX_CROP)
    except TooLargeError:
        raise
    except ValueError as err:  # too small a photo, or nothing left to fill from
        raise MaskError(str(err)) from None
    y0, y1, x0, x1 = result.crop
    before_crop = rgb[y0:y1, x0:x1].copy()
    result.apply(rgb)
    changed = int(np.count_nonzero((rgb[y0:y1, x0:x1] != before_crop).any(axis=2)))
    ry0, ry1, rx0, rx1 = result.region_box
    seconds["fill"] = time.perf_counter() - start
    region = Region(rx0, ry0, rx1 - rx0, ry1 - ry0)
    return _Filled(rgb, region, grow, feather, masked, int(np.count_nonzero(result.region)), changed)


def _upright_8bit(prepared: Prepared, warnings: list[str]) -> Image.Image:
    from ...imaging import colour

    if prepared.image.mode == "I;16":
        warnings.append("16-bit grey is written with 8 bits")
        return colour.to_8bit(prepared.image)
    return prepared.image


def _with_alpha_of(rgb: np.ndarray, like: Image.Image) -> Image.Image:
    """``rgb`` in ``like``'s mode: grey stays grey, and ``like``'s alpha is kept as it was."""
    from PIL import Image

    grey = like.mode in ("L", "LA")
    out = Image.fromarray(rgb[..., 0] if grey else rgb, "L" if grey else "RGB")
    if like.mode in ("RGBA", "LA"):
        out.putalpha(like.getchannel("A"))
    return out


@overload
def erase(
    image: PixelsT,
    mask: MaskInput | None = None,
    options: EraseOptions | None = None,
    *,
    boxes: Sequence[Box] | None = None,
    keep_pixels: bool = False,
) -> PixelsT: ...
@overload
def erase(
    image: FileInput,
    mask: MaskInput | None = None,
    options: EraseOptions | None = None,
    *,
    boxes: Sequence[Box] | None = None,
    keep_pixels: bool = False,
) -> EraseResult: ...
def erase(
    image: Any,
    mask: Any = None,
    options: EraseOptions | None = None,
    *,
    boxes: Sequence[Box] | None = None,
    keep_pixels: bool = False,
) -> Any:
    """Erase what a mask marks from a photo: the area is filled from the rest of the photo.

    Every pixel outside the grown and feathered mask keeps its value exactly; the same image, mask,
    options and seed always give the same result (docs/erase.md specifies the fill).

    Args:
        image: the photo: a file (bytes or any bytes-like object, a path as ``str`` or
            ``os.PathLike``, a binary file object), or pixels (a ``PIL.Image.Image``, or a numpy
            uint8 array H×W, H×W×3 or H×W×4).
        mask: what to erase: a mask image (a file as above, or a ``PIL.Image.Image``; white, >= 128,
            is erased) or an array of the upright photo's size (bool, or 0-255 with >= 128 erased).
        options: ``EraseOptions`` (grow, feather, seed, quality, keep_metadata; default automatic).
        boxes: instead of ``mask``, rectangles (x, y, width, height) in upright pixels.
        keep_pixels: for a file, also return the upright result before encoding (``pixels``).

    Returns:
        For a file, an ``EraseResult``: ``data`` (the photo re-encoded in its own format where privpix
        writes it: HEIC and TIFF become JPEG, GIF and BMP PNG), ``format``, ``region`` (what was
        filled), ``changed_pixels``, ``removed``, ``warnings``, … For pixels, the same kind back:
        a PIL image of the same mode (its ICC profile kept in ``info``) or a numpy array of the same
        shape.

    Raises:
        FormatError: the photo or the mask file is not an image privpix reads, or a broken one.
        MaskError: the mask or a box does not fit the photo, marks nothing, or leaves nothing to
            fill from; TooLargeError when the area is too large to fill at once.
        TypeError: ``image`` or ``mask`` is none of the accepted kinds.

    Example::

        result = privpix.erase("beach.jpg", boxes=[(812, 440, 120, 260)])
        Path("beach-erased.jpg").write_bytes(result.data)
        clean = privpix.erase(Image.open("beach.png"), mask=Image.open("beach-mask.png"))  # a PIL image
    """
    from ...imaging import colour, decode, encode, jpeg_quality
    from ...inputs import is_pixels
    from ...pixels import from_pixels, to_pixels

    options = options or EraseOptions()
    if (mask is None) == (boxes is None):
        raise ValueError("give either a mask or boxes")
    seconds: dict[str, float] = {}
    warnings: list[str] = []
    start = time.perf_counter()
    if is_pixels(image):
        given = from_pixels(image, "erase")
        prepared = colour.prepare(given.image, given.icc, "keep")
        upright = _upright_8bit(prepared, warnings)
        filled = _fill(upright, mask, boxes, options, seconds)
        return to_pixels(_with_alpha_of(filled.rgb, upright), given, prepared.icc)

    photo = open_photo(read_file_input(image, "erase", pixels=True))
    decoded = decode.decode(photo)
    warnings.extend(decoded.warnings)
    fmt = keep_format(photo.format, decoded.has_alpha)
    prepared = colour.prepare(decoded.image, decoded.icc, "keep", grey_ok=fmt == "png")
    warnings.extend(prepared.warnings)
    upright = _upright_8bit(prepared, warnings)
    seconds["decode"] = time.perf_counter() - start
    filled = _fill(upright, mask, boxes, options, seconds)

    start = time.perf_counter()
    out_image = _with_alpha_of(filled.rgb, upright)
    icc, exif = metadata_to_write(photo, fmt, prepared.icc, options.keep_metadata, warnings)
    source_quality = jpeg_quality.estimate(photo.data) if photo.format == "jpeg" else None
    quality = None if fmt == "png" else options.quality_for(fmt, source_quality)
    out = encode.encode(out_image, fmt, quality, icc=icc, exif=exif)
    seconds["encode"] = time.perf_counter() - start

    return EraseResult(
        **written(photo, out, warnings),
        source_format=photo.format,
        width=upright.width,
        height=upright.height,
        quality=quality,
        region=filled.region,
        grow=filled.grow,
        feather=filled.feather,
        seed=options.seed,
        masked_pixels=filled.masked,
        region_pixels=filled.region_pixels,
        changed_pixels=filled.changed,
        seconds=seconds,
        pixels=filled.rgb if keep_pixels else None,
    )

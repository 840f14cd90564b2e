"""Decode any supported image into upright pixels, with its ICC profile and EXIF block kept aside.

What comes out (``Decoded``):

- ``image``: the first (primary) picture, upright, in one of the modes ``L``, ``LA``, ``RGB``,
  ``RGBA``, ``CMYK`` (converted by ``colour.prepare``) or ``I;16`` (16-bit grey, kept for PNG).
  An alpha channel that is 255 everywhere is dropped: only real transparency survives.
- ``icc``: the embedded ICC profile (bytes) or None; ``exif``: the source's EXIF block (TIFF
  header onwards) or None, for ``keep_metadata``; ``photo``: the opened file they came from.

Rules (the TypeScript engine follows the same ones):

- The photo is opened first (``imaging.photo.open_photo``: sniffed from the bytes, never from a
  name, and its container walked), so a truncated file is reported as such even where a codec
  would decode it silently (libheif fills missing HEIC tiles with green); the EXIF block and ICC
  profile are the ones the container says are the photo's own.
- Orientation is applied exactly once. JPEG, PNG, WebP and TIFF: the EXIF Orientation tag (IFD0
  0x0112, values 1-8) of the container's EXIF block — JPEG's first APP1 ``Exif``, PNG's ``eXIf``,
  WebP's ``EXIF`` chunk, TIFF's own IFD0 — and never XMP. HEIC/HEIF/AVIF: the ``irot``/``imir``
  properties of the primary item only (the decoder applies them; the EXIF Orientation inside a
  HEIF file is ignored, as the HEIF spec requires).
- The pixel count (width × height from the header, read before any pixel is decoded) must not
  exceed ``options.MAX_PIXELS``. With ``max_dimension``, a picture over it is decoded reduced where
  its format allows and counts at that size: a JPEG at a reduced DCT scale (1/2, 1/4 or 1/8 of each
  side), a grid HEIC one row of tiles at a time (``heic_grid``), a PNG a band of rows at a time
  (``png_rows``), both box-reduced as they come (``reduce``); ``Decoded.size`` keeps the picture's
  own size. Any other is refused saying why (docs/compress.md, "Very large photos").
- GIF, animated WebP and APNG: the first frame, with a warning (``first_frame_warning``) and the
  frame count (``frames``); compress and convert read every frame (``imaging/animation.py``) when
  the output can hold them.
"""

from __future__ import annotations

import io
import warnings as pywarnings
from dataclasses import dataclass, field

from PIL import Image, ImageFile

from ..formats import exif as exif_mod
from ..formats.errors import FormatError, UnsupportedError, damage_reason
from ..formats.findings import format_fixed
from ..options import MAX_PIXELS
from .photo import FORMAT_NAMES, Photo, open_photo

ANIMATED_KINDS = {"gif": "animated GIF", "webp": "animated WebP", "png": "animated PNG"}
DAMAGED = "the picture is incomplete (privpix strip can still remove its metadata)"

# EXIF Orientation -> the Pillow transpose that makes the pixels upright.
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass
class Decoded:
    image: Image.Image
    format: str  # source container: jpeg, png, webp, gif, heic, avif, tiff, bmp
    icc: bytes | None = None
    exif: bytes | None = None
    orientation: int = 1  # what was applied to make the pixels upright
    warnings: list[str] = field(default_factory=list)
    frames: int = 1  # an animation's frame count; ``image`` is its first frame
    first_frame_warning: str | None = None  # the warning that says so (in ``warnings``)
    size: tuple[int, int] = (0, 0)  # the picture's own upright size: ``image``'s, or more when reduced

    @property
    def has_alpha(self) -> bool:
        return self.image.mode in ("RGBA", "LA")


def exif_orientation(block: bytes | None) -> int:
    """IFD0 Orientation (1-8) of an EXIF block; 1 when absent, out of range or unreadable."""
    if not block:
        return 1
    try:
        value = exif_mod.parse(block, "EXIF").orientation
    except FormatError:
        return 1
    return value or 1


# ---- decoding -----------------------------------------------------------------------------------------


def _megapixels(width: int, height: int) -> str:
    return format_fixed(width * height / 1_000_000, 1)


REDUCIBLE = "with --max-dimension it is decoded at a reduced size"


def over_budget(fmt: str, width: int, height: int, hint: str = "") -> UnsupportedError:
    """The refusal of a ``width`` × ``height`` picture over ``MAX_PIXELS``; ``hint`` says what would
    make it work (``REDUCIBLE``) or why nothing can."""
    return UnsupportedError(
        FORMAT_NAMES[fmt],
        -1,
        f"{width}×{height} is {_megapixels(width, height)} megapixels, more than the "
        f"{MAX_PIXELS // 1_000_000} megapixels privpix decodes at once" + (f"; {hint}" if hint else ""),
    )


def check_pixels(fmt: str, width: int, height: int, *, hint: str = "") -> None:
    """``over_budget``'s refusal when ``width`` × ``height`` is over ``MAX_PIXELS``."""
    if width * height > MAX_PIXELS:
        raise over_budget(fmt, width, height, hint)


def _open_pillow(data: bytes, fmt: str, max_dimension: int | None) -> Image.Image:
    """The file opened (nothing decoded yet). A JPEG with ``max_dimension`` is set to decode at the
    reduced DCT scale first (``Image.draft``), and its pixel budget applies to that reduced size: a
    108 or 200 MP phone JPEG downscaled decodes at 1/2 or 1/4 of each side."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # the budget is checked below, on the size that will be decoded
    try:
        with pywarnings.catch_warnings():
            pywarnings.filterwarnings("ignore", "Image appears to be a malformed MPO file")  # read as JPEG: fine
            im = Image.open(io.BytesIO(data))
    except (OSError, SyntaxError, ValueError) as err:
        raise FormatError(FORMAT_NAMES[fmt], -1, f"cannot decode the image: {err}") from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    if fmt == "jpeg" and max_dimension is not None:
        from .resize import fit_size

        w, h = fit_size(im.width, im.height, max_dimension)
        if (w, h) != im.size:
            im.draft(im.mode, jpeg_draft_size(im.width, im.height, w, h))
    if fmt != "jpeg":
        check_pixels(fmt, *im.size, hint=f"{FORMAT_NAMES[fmt]} cannot be decoded at a reduced size or in parts")
    check_pixels(fmt, *im.size, hint=REDUCIBLE if max_dimension is None else "")
    return im


def jpeg_draft_size(width: int, height: int, fit_width: int, fit_height: int) -> tuple[int, int]:
    """The size a JPEG is asked to decode at (``Image.draft`` picks the largest DCT scale, 1/2 to
    1/8, that stays at least this large) when it will be fitted to ``fit_width`` × ``fit_height``:
    ``REDUCING_GAP`` times that size, so the Lanczos step keeps its detail — or the fitted size
    itself when that would leave a picture over the pixel budget (a 108 MP photo fitted to 4000 px
    decodes at 1/2: 27 MP)."""
    from .resize import REDUCING_GAP

    gap = (int(fit_width * REDUCING_GAP), int(fit_height * REDUCING_GAP))
    scale = next(s for s in (8, 4, 2, 1) if s <= max(1, min(width // gap[0], height // gap[1])))
    if -(-width // scale) * -(-height // scale) > MAX_PIXELS:
        return fit_width, fit_height
    return gap


def _load(im: Image.Image, fmt: str) -> Image.Image:
    """Decode the pixels of frame 0. Truncated data is an error, never a half-grey picture."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im.load()
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        raise FormatError(FORMAT_NAMES[fmt], -1, f"cannot decode the image: {err}") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous
    return im


def _decode_heic(photo: Photo, max_dimension: int | None) -> Image.Image:
    """The primary picture, upright. Over the budget with ``max_dimension``: a grid HEIC decoded one
    row of tiles at a time and reduced as it goes (``heic_grid``), never held at full size."""
    import pillow_heif

    try:
        heif = pillow_heif.open_heif(io.BytesIO(photo.data), convert_hdr_to_8bit=True)
        width, height = heif.size  # the primary image's size, irot applied; nothing decoded yet
        if width * height > MAX_PIXELS:
            from .heic_grid import decode_reduced, read_grid
            from .reduce import reduction_factor

            try:
                grid = read_grid(photo.data)
            except UnsupportedError as err:  # not a grid: it can only be decoded whole
                raise over_budget("heic", width, height, err.expected) from None
            if max_dimension is not None:
                factor = reduction_factor(grid.width, grid.height, max_dimension)
                return decode_reduced(grid, factor)
        check_pixels("heic", width, height, hint=REDUCIBLE)
        im = heif.to_pillow()  # libheif applies irot/imir of the primary item
    except UnsupportedError:
        raise
    except (OSError, ValueError, RuntimeError) as err:
        raise FormatError("HEIC", -1, f"cannot decode the image: {err}") from None
    return im


def _reduced_png(photo: Photo, max_dimension: int | None) -> Image.Image | None:
    """A PNG over the budget with ``max_dimension``: decoded a band of rows at a time and reduced
    as it goes (``png_rows``); None when it is within the budget (the normal path decodes it)."""
    width, height = photo.inspection.width or 0, photo.inspection.height or 0
    if width * height <= MAX_PIXELS:
        return None
    from .png_rows import decode_reduced, read_header
    from .reduce import reduction_factor

    try:
        read_header(photo.data)
    except UnsupportedError as err:  # interlaced or animated: it can only be decoded whole
        raise over_budget("png", width, height, err.expected) from None
    if max_dimension is None:
        raise over_budget("png", width, height, REDUCIBLE)
    return decode_reduced(photo.data, reduction_factor(width, height, max_dimension))


def normalise_mode(im: Image.Image) -> Image.Image:
    """One of L, LA, RGB, RGBA, CMYK, I;16; alpha that is opaque everywhere is dropped."""
    mode = im.mode
    if mode in ("P", "PA"):
        im = im.convert("RGBA" if mode == "PA" or "transparency" in im.info else "RGB")
    elif mode == "1":
        im = im.convert("L")
    elif mode in ("I;16B", "I;16L", "I;16N"):
        im = im.convert("I;16")
    elif mode in ("I", "F"):
        # 32-bit integer or float grey (rare TIFFs): clip into 16 bits
        im = im.convert("I").convert("I;16")  # Pillow clips to 0..65535
    elif mode == "La":
        im = im.convert("LA")
    elif mode == "RGBa":
        im = im.convert("RGBA")
    elif mode not in ("L", "LA", "RGB", "RGBA", "CMYK", "I;16"):
        im = im.convert("RGBA" if "A" in mode else "RGB")
    if im.mode in ("RGBA", "LA"):
        low, _ = im.getchannel("A").getextrema()
        if low == 255:
            im = im.convert("RGB" if im.mode == "RGBA" else "L")
    return im


def decode(source: Photo | bytes, max_dimension: int | None = None) -> Decoded:
    """Decode a photo (``open_photo``'s, or bytes, which are opened here) upright. Raises
    FormatError (with what is wrong) for anything it cannot read.

    ``max_dimension`` (what the pixels will be fitted to next) lets a JPEG decode at a reduced DCT
    scale (1/2, 1/4, 1/8) while the result stays at least ``REDUCING_GAP`` times the final size, so
    the Lanczos step that follows still has the detail it needs; the pixels are not the final size."""
    photo = source if isinstance(source, Photo) else open_photo(source)
    data, fmt, block, icc = photo.data, photo.format, photo.exif, photo.icc
    cut = damage_reason(photo.inspection.warnings)
    if cut is not None:  # a codec would fill the missing part (libheif: green)
        raise FormatError("", -1, f"{cut}; {DAMAGED}")
    warnings: list[str] = []
    orientation = 1
    frames = 1
    first_frame: str | None = None
    if fmt == "heic":
        im = _decode_heic(photo, max_dimension)
    elif fmt == "png" and (reduced := _reduced_png(photo, max_dimension)) is not None:
        im = reduced
        orientation = exif_orientation(block)
    else:
        im = _open_pillow(data, fmt, max_dimension)
        if fmt == "bmp":  # no container walk: Pillow reads its profile
            icc = im.info.get("icc_profile") or None
        if fmt in ("gif", "webp", "png") and getattr(im, "is_animated", False):
            frames = int(getattr(im, "n_frames", 1))
            first_frame = f"{ANIMATED_KINDS[fmt]}: only the first frame is used"
            warnings.append(first_frame)
        if fmt == "avif":
            # Pillow reports the primary item's irot/imir as the EXIF orientation (and only that)
            orientation = im.getexif().get(exif_mod.TAG_ORIENTATION, 1)
        elif fmt in ("jpeg", "png", "webp", "tiff"):
            orientation = exif_orientation(block)
        im = _load(im, fmt)
        if fmt == "gif":
            im = im.convert("RGBA")
    # decoded at a reduced size (a JPEG's DCT scale, HEIC tile rows, PNG rows): the header's size
    # (a HEIC's with irot applied, as its pixels) is the picture's own
    stored = (photo.inspection.width or 0, photo.inspection.height or 0)
    at_reduced_size = fmt in ("jpeg", "png", "heic") and all(stored) and im.size != stored
    if orientation in TRANSPOSE:
        im = im.transpose(TRANSPOSE[orientation])
    else:
        orientation = 1
    im = normalise_mode(im)
    return Decoded(
        size=(stored[::-1] if orientation >= 5 else stored) if at_reduced_size else im.size,
        image=im,
        format=fmt,
        icc=icc,
        exif=block,
        orientation=orientation,
        warnings=warnings,
        frames=frames,
        first_frame_warning=first_frame,
    )

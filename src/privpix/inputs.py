"""What the library's tools accept as an image, and the one place that turns it into bytes.

Every tool takes the file itself: bytes or any bytes-like object (``bytearray``, ``memoryview``, an
``array``), a path (``str`` or ``os.PathLike``, read here), or a binary file object (anything with a
``read()`` that returns bytes: an open file, ``io.BytesIO``, a request body). The pixel tools
(``remove_bg``, ``erase``) also take pixels — a ``PIL.Image.Image`` or a numpy array — and then give
back the same kind (``pixels.py``). Anything else is a ``TypeError`` that names what is accepted.

Pillow and numpy are recognised without importing them, so the core (inspect, strip) never loads them.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, BinaryIO, Union

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

# Accepted by every tool.
FileInput = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", BinaryIO]
# Accepted by the pixel tools, which return the same kind when given pixels.
PixelInput = Union["Image.Image", "np.ndarray"]

FILE_KINDS = "bytes (or a bytes-like object), a path (str or os.PathLike) or a binary file object"
PIXEL_KINDS = "a PIL.Image.Image or a numpy array"


def is_pixels(value: object) -> bool:
    """A PIL image or a numpy array (checked without importing either)."""
    image = sys.modules.get("PIL.Image")
    numpy = sys.modules.get("numpy")
    return (image is not None and isinstance(value, image.Image)) or (numpy is not None and isinstance(value, numpy.ndarray))


def _refuse(value: object, tool: str, pixels: bool) -> TypeError:
    kinds = f"{FILE_KINDS}, or {PIXEL_KINDS}" if pixels else FILE_KINDS
    hint = ""
    if not pixels and is_pixels(value):
        hint = f"; {tool} works on the file's own bytes (its metadata lives there), so pass the file, not decoded pixels"
    return TypeError(f"{tool} takes an image as {kinds}, not {type(value).__module__}.{type(value).__qualname__}{hint}")


def read_file_input(value: Any, tool: str, *, pixels: bool = False) -> bytes:
    """The bytes of a file input (see the module docstring). ``tool`` and ``pixels`` (whether the
    tool also takes pixels) only shape the TypeError's message."""
    if isinstance(value, bytes):
        return value
    if is_pixels(value):  # a numpy array has the buffer protocol, but its bytes are not a file
        raise _refuse(value, tool, pixels)
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, (str, os.PathLike)):
        with open(value, "rb") as f:
            return f.read()
    read = getattr(value, "read", None)
    if callable(read):
        data = read()
        if isinstance(data, str):
            raise TypeError(f"{tool} takes a binary file object, but this one gives text: open the file with mode 'rb'")
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise _refuse(value, tool, pixels)
        return bytes(data)
    try:
        return bytes(memoryview(value))  # other objects with the buffer protocol (array.array, mmap)
    except TypeError:
        raise _refuse(value, tool, pixels) from None

"""A photo opened once: its bytes, its container, and what the container says about it.

Every tool starts here (``open_photo``). The bytes are sniffed once and the container walked once
(which validates it, truncation included, before any codec sees it) to read what the file carries
(its findings: what a tool's report compares its output with); the photo's own EXIF block and ICC
profile come from the same walk when first asked for, and are kept. Decoding pixels is a separate, later step
(``imaging.decode.decode(photo)``), so a tool that only reads metadata never loads a codec: this
module imports the format layer and nothing else.

BMP is the one input without a container walk (it carries no metadata to find or strip): compress,
convert, remove-bg and erase open it (``container`` is None, Pillow reads it), strip and inspect
refuse it as they refuse any other non-container (``open_photo(data, bmp=False)``).

``web/src/engine/imaging/photo.ts`` mirrors this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..formats.container import Container
from ..formats.findings import Inspection
from ..formats.sniff import container_for

# The source formats privpix reads (as results name them) and their names in messages.
FORMAT_NAMES = {
    "jpeg": "JPEG",
    "png": "PNG",
    "webp": "WebP",
    "gif": "GIF",
    "heic": "HEIC",
    "avif": "AVIF",
    "tiff": "TIFF",
    "bmp": "BMP",
}


def sniff_bmp(data: bytes) -> bool:
    """A Windows bitmap: 'BM', then a file size and a DIB header of a known size."""
    return len(data) >= 26 and data[:2] == b"BM" and int.from_bytes(data[14:18], "little") in (12, 40, 52, 56, 64, 108, 124)


@dataclass(eq=False)
class Photo:
    """An opened photo (build it with ``open_photo``). ``exif`` and ``icc`` are read from the
    container's walk when first asked for, and kept."""

    data: bytes
    format: str  # a key of FORMAT_NAMES; "heic" or "avif" for the HEIF family, from its brands
    container: Container | None  # None for BMP
    inspection: Inspection  # what the file carries (``privpix.inspect``); nothing for BMP

    @cached_property
    def exif(self) -> bytes | None:
        """The photo's own EXIF block (TIFF header onwards), as the container picks it; None when
        there is none (and for BMP)."""
        return self.container.exif_block(self.data) if self.container is not None else None

    @cached_property
    def icc(self) -> bytes | None:
        """The photo's own ICC profile as stored; None when there is none. (For BMP the decoder reads it.)"""
        return self.container.icc_profile(self.data) if self.container is not None else None


def open_photo(data: bytes, *, bmp: bool = True) -> Photo:
    """Sniff ``data`` and walk its container once, reading what it carries. FormatError when it is
    not an image privpix reads or its structure is broken (naming the format, the offset and what
    was expected there). ``bmp=False``: refuse BMP like any file without a container (strip, inspect)."""
    if bmp and sniff_bmp(data):
        return Photo(data, "bmp", None, Inspection("bmp", "image/bmp", None, None))
    container = container_for(data)
    inspection = container.read_metadata(data)  # walks (and so validates) the whole structure
    return Photo(data, inspection.format, container, inspection)

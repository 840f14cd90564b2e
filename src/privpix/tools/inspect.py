"""Inspect: what private data a file carries, without changing it."""

from __future__ import annotations

from ..formats.findings import Inspection
from ..imaging.photo import open_photo
from ..inputs import FileInput, read_file_input


def inspect(image: FileInput) -> Inspection:
    """What an image file gives away: location, device, time, people, embedded images, other blocks.

    Reads the file's structure only (no pixel is decoded) and reports each thing it carries as a
    ``Finding`` (category, label, value, and where it lies in the file).

    Args:
        image: the file: bytes (or any bytes-like object), a path (``str`` or ``os.PathLike``) or
            a binary file object opened for reading.

    Returns:
        An ``Inspection``: ``format``, ``mime``, ``width``, ``height``, ``findings``, ``warnings``
        (``to_json()`` gives the ``--json`` report).

    Raises:
        FormatError: the input is not a JPEG, PNG, WebP, GIF, HEIC/HEIF/AVIF or TIFF file, or its
            structure is broken (the message names the format, the offset and what was expected).
        TypeError: ``image`` is none of the accepted kinds.

    Example::

        report = privpix.inspect("IMG_0001.HEIC")
        for finding in report.by_category("location"):
            print(finding.label, finding.value)
    """
    return open_photo(read_file_input(image, "inspect"), bmp=False).inspection

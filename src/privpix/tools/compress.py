"""Compress: make a photo smaller — same format by default, a fixed quality or a target file size,
optional downscale. A thin face over ``tools.encode.run``."""

from __future__ import annotations

from ..imaging.photo import open_photo
from ..inputs import FileInput, read_file_input
from ..options import CompressOptions
from .encode import EncodeResult, run


def compress(image: FileInput, options: CompressOptions | None = None) -> EncodeResult:
    """Make a photo smaller: re-encoded at a quality (or the highest quality that fits a target
    size), optionally downscaled, in its own format by default, with its metadata removed.

    The picture is decoded upright (orientation applied once), kept in its own colour profile
    (``colour="srgb"`` converts it), and written with nothing but that profile unless
    ``keep_metadata``. HEIC and TIFF become JPEG (PNG when transparent), GIF and BMP become PNG.

    Args:
        image: the file: bytes (or any bytes-like object), a path (``str`` or ``os.PathLike``) or
            a binary file object opened for reading.
        options: ``CompressOptions`` (default: same format, JPEG/WebP quality 75, AVIF 60, PNG
            lossless; ``target_size`` in bytes searches the quality, downscaling when even the
            quality floor is too large; ``max_dimension`` downscales; when re-encoding does not make
            the photo smaller, the original picture is kept, stripped, unless ``allow_larger``).

    Returns:
        An ``EncodeResult``: ``data`` (the new file), ``format``, ``source_format``, ``width``,
        ``height``, ``quality``, ``bytes_before``, ``bytes_after``, ``target_size``, ``target_met``,
        ``removed``, ``kept``, ``warnings``; ``extension`` is the format's file-name ending.

    Raises:
        FormatError: not an image privpix reads, or a broken one (the message says what is wrong);
            UnsupportedError (a FormatError) for a picture over 100 megapixels (with
            ``max_dimension``, a JPEG, a grid HEIC or a PNG is decoded reduced and counts at that
            size; the message says why another cannot be).
        TypeError: ``image`` is none of the accepted kinds.

    Example::

        result = privpix.compress("IMG_0001.jpg", privpix.CompressOptions(target_size=500_000))
        if not result.target_met:
            print(result.warnings)  # what the smallest result was, and what to try
        Path("IMG_0001-small.jpg").write_bytes(result.data)
    """
    options = options or CompressOptions()
    photo = open_photo(read_file_input(image, "compress"))
    return run(photo, options.format, options, options.target_size, keep_smaller_original=not options.allow_larger)

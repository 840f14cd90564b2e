"""Convert: turn a photo into JPEG, WebP, AVIF or PNG (HEIC included). A thin face over
``tools.encode.run``."""

from __future__ import annotations

from ..imaging.photo import open_photo
from ..inputs import FileInput, read_file_input
from ..options import ConvertOptions
from .encode import EncodeResult, run


def convert(image: FileInput, options: ConvertOptions | None = None) -> EncodeResult:
    """Turn a photo (iPhone HEIC included) into JPEG, WebP, AVIF or PNG, with its metadata removed.

    The picture is decoded upright (orientation applied once), kept in its own colour profile
    (``colour="srgb"`` converts it), transparency flattened onto ``background`` for JPEG, and
    written with nothing but the profile unless ``keep_metadata``.

    Args:
        image: the file: bytes (or any bytes-like object), a path (``str`` or ``os.PathLike``) or
            a binary file object opened for reading.
        options: ``ConvertOptions`` (default: ``to="jpeg"`` at quality 75).

    Returns:
        An ``EncodeResult`` (see ``compress``): ``data``, ``format``, ``quality``, ``width``,
        ``height``, ``removed``, ``warnings``, …

    Raises:
        FormatError: not an image privpix reads, or a broken one (the message says what is wrong);
            UnsupportedError (a FormatError) for a picture over 100 megapixels (with
            ``max_dimension``, a JPEG, a grid HEIC or a PNG is decoded reduced and counts at that
            size; the message says why another cannot be).
        TypeError: ``image`` is none of the accepted kinds.

    Example::

        result = privpix.convert("IMG_0001.HEIC", privpix.ConvertOptions(to="webp", quality=80))
        Path("IMG_0001.webp").write_bytes(result.data)
    """
    options = options or ConvertOptions()
    photo = open_photo(read_file_input(image, "convert"))
    return run(photo, options.to, options)

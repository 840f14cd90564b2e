"""Strip: remove metadata losslessly (no decode, no re-encode), per the policy in docs/strip.md.

The report is computed by inspecting the output as well as the input, so "removed" and "kept" say
what the written bytes really hold, not what the stripper meant to do. A damaged input (cut short
after its picture began) is stripped as far as it can be read; ``damaged`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formats.policy import StripOptions
from ..imaging.photo import open_photo
from ..inputs import FileInput, read_file_input
from .pipeline import written
from .result import Result, Section, report_field


@dataclass(kw_only=True)
class StripResult(Result):
    """What ``strip`` returns: the stripped file's bytes and the report (``Result``'s fields and this)."""

    damaged: bool = report_field(Section.FINDINGS, default=False)  # the input was cut short: its picture is incomplete


def strip(image: FileInput, options: StripOptions | None = None) -> StripResult:
    """Remove the metadata of an image file without touching a pixel.

    Everything but the picture, its orientation and (unless ``options.keep_icc`` is false) its
    colour profile is removed; ``options.keep`` keeps EXIF groups on request ("camera", "time",
    "rights", "location"). The picture's compressed data is copied byte for byte.

    Args:
        image: the file: bytes (or any bytes-like object), a path (``str`` or ``os.PathLike``) or
            a binary file object opened for reading.
        options: what to keep (default: ``StripOptions()``, the colour profile only).

    Returns:
        A ``StripResult``: ``data`` (the stripped file), ``format``, ``bytes_before``,
        ``bytes_after``, ``removed`` and ``kept`` (findings, as ``inspect`` reports them), ``warnings``,
        ``damaged`` (the input was cut short: what could be read was stripped).

    Raises:
        FormatError: the input is not a JPEG, PNG, WebP, GIF, HEIC/HEIF/AVIF or TIFF file, or its
            structure is broken (the message names the format, the offset and what was expected);
            UnsupportedError (a FormatError) for a structure privpix will not rewrite safely.
        TypeError: ``image`` is none of the accepted kinds.

    Example::

        result = privpix.strip("IMG_0001.HEIC", privpix.StripOptions(keep=frozenset({"time"})))
        for finding in result.removed:
            print(finding.category, finding.label, finding.value)
        Path("IMG_0001-stripped.HEIC").write_bytes(result.data)
    """
    photo = open_photo(read_file_input(image, "strip"), bmp=False)
    assert photo.container is not None  # bmp=False: every photo opened has a container
    out = photo.container.strip(photo.data, options or StripOptions())
    return StripResult(**written(photo, out, list(photo.inspection.warnings)), damaged=photo.inspection.damaged)

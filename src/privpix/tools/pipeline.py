"""The photo pipeline: the steps every tool that writes a picture shares, written once.

    photo = open_photo(data)                      # sniff once, walk the container once (validates)
    decoded = decode(photo, max_dimension)        # upright pixels; the photo's ICC and EXIF aside
    ... the tool's own work: colour.prepare, resize, fill, cut out ...
    icc, exif = metadata_to_write(photo, fmt, icc, keep_metadata, warnings)
    out = encode(image, fmt, quality, icc=icc, exif=exif)      # as often as a search needs
    return XResult(**written(photo, out, warnings), source_format=photo.format, width=…, …)

``open_photo`` (imaging/photo.py) reads no pixels, so a tool that only needs metadata (inspect,
strip, audit) uses the first and last steps alone: ``written`` inspects the output bytes and says
what was removed, by comparing with the findings of the photo as opened. Results: tools/result.py.

``web/src/engine/tools/pipeline.ts`` mirrors this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from ..formats import exif as exif_mod
from ..formats.findings import Finding, removed_findings
from ..formats.sniff import container_for
from ..imaging.photo import Photo, open_photo

if TYPE_CHECKING:
    from ..options import EncodeFormat

__all__ = ["KEEP_FORMAT", "Photo", "Written", "keep_format", "metadata_to_write", "open_photo", "written"]

# format=keep: what each source becomes (HEIC and TIFF: JPEG, or PNG when transparent, see keep_format).
KEEP_FORMAT: dict[str, EncodeFormat] = {
    "jpeg": "jpeg",
    "png": "png",
    "webp": "webp",
    "avif": "avif",
    "heic": "jpeg",
    "tiff": "jpeg",
    "gif": "png",
    "bmp": "png",
}

# What JPEG's marker segments can hold: an APP1 payload of 65,533 bytes ("Exif\0\0" + the block)
# and 255 APP2 segments of 65,519 profile bytes each.
JPEG_MAX_EXIF = 0xFFFF - 2 - 6
JPEG_MAX_ICC = 255 * (0xFFFF - 2 - 14)


def keep_format(source: str, transparent: bool, animated: bool = False) -> EncodeFormat:
    """The output format of ``format="keep"`` for a ``source`` format: JPEG, PNG, WebP and AVIF stay
    what they are; HEIC/HEIF and TIFF become JPEG, or PNG when the picture has real transparency;
    GIF and BMP become PNG; an animation (GIF, WebP, APNG) becomes an animated WebP."""
    if animated:
        return "webp"
    if source in ("heic", "tiff") and transparent:
        return "png"
    return KEEP_FORMAT[source]


def metadata_to_write(
    photo: Photo, fmt: EncodeFormat, icc: bytes | None, keep_metadata: bool, warnings: list[str]
) -> tuple[bytes | None, bytes | None]:
    """(ICC profile, EXIF block) for an output in ``fmt``: ``icc`` (the profile the prepared pixels
    are in, or None) and, with ``keep_metadata``, the photo's EXIF re-encoded for upright pixels
    (``formats.exif.reencoded_block``: no thumbnail, Orientation 1). What cannot be carried is left
    out with a warning: an unreadable EXIF block, or one (or a profile) larger than JPEG holds."""
    exif = None
    if keep_metadata and photo.exif:
        exif = exif_mod.reencoded_block(photo.exif)
        if exif is None:
            warnings.append("the source's EXIF block is unreadable; it was not copied")
    if fmt == "jpeg" and exif is not None and len(exif) > JPEG_MAX_EXIF:
        warnings.append(f"the EXIF block ({len(exif)} bytes) does not fit in a JPEG APP1 segment; it was left out")
        exif = None
    if fmt == "jpeg" and icc is not None and len(icc) > JPEG_MAX_ICC:
        warnings.append(f"the ICC profile ({len(icc)} bytes) does not fit in 255 JPEG APP2 segments; it was left out")
        icc = None
    return icc, exif


class Written(TypedDict):
    """The fields of ``result.Result`` that follow from the photo and the bytes written."""

    data: bytes
    format: str
    bytes_before: int
    bytes_after: int
    removed: list[Finding]
    kept: list[Finding]
    warnings: list[str]


def written(photo: Photo, out: bytes, warnings: list[str]) -> Written:
    """Report on ``out``, written from ``photo``: its format and what it keeps come from inspecting
    the bytes themselves, so "removed" and "kept" say what the file holds, not what the tool meant."""
    after = container_for(out).read_metadata(out)
    return {
        "data": out,
        "format": after.format,
        "bytes_before": len(photo.data),
        "bytes_after": len(out),
        "removed": removed_findings(photo.inspection.findings, after.findings),
        "kept": after.findings,
        "warnings": warnings,
    }

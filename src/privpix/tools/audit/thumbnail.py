"""The optional thumbnail check: does the EXIF thumbnail still show another picture than the photo (a
crop or an edit the thumbnail did not follow)? It decodes, so it is off the audit's fast path: asked
for with ``privpix audit --thumbnails`` (the web app's option runs web/src/engine/tools/audit/thumbnail.ts,
the same rule). The main image is decoded at a reduced DCT scale where the format allows (JPEG: 1/8),
the thumbnail in full (it is ~160×120); both are compared small and grey. Needs Pillow (the ``encode``
extra)."""

from __future__ import annotations

import math

from ...formats import exif as exif_mod
from ...formats.errors import FormatError
from .types import PhotoAudit

COMPARE_SIZE = 24
"""Both pictures are compared at this many pixels a side."""
DIFFERS_ABOVE = 0.12
"""Mean absolute difference (0..1, after levelling contrast) above which the thumbnail differs; the
corpus's untouched camera files stay below 0.06 (bench/audit_thumbnails.py prints the scores)."""
ASPECT_TOLERANCE = 0.06
"""Shapes whose width/height ratios differ by more than this (log ratio) are different framings."""
DIFFERS_REASON = "EXIF thumbnail differs from the picture: it may show what was cropped or edited out"
"""The reason a differing thumbnail adds (the web app's check says the same)."""
_BLACK = 8
"""When the shapes differ, bars this dark around a thumbnail are padding (cameras letterbox 3:2
photos into 160×120)."""


def embedded_thumbnail(exif_block: bytes | None) -> bytes | None:
    """The IFD1 JPEG thumbnail of a TIFF-structured EXIF block, if any."""
    if not exif_block:
        return None
    try:
        info = exif_mod.parse(exif_block, "EXIF")
    except FormatError:
        return None
    span = info.thumbnail()
    if span is None or span[0] + span[1] > len(exif_block):
        return None
    return exif_block[span[0] : span[0] + span[1]]


def _aspect_gap(a: object, b: object) -> float:
    """|log| of the ratio of two pictures' width/height ratios (0: the same shape)."""
    (wa, ha), (wb, hb) = a.size, b.size  # type: ignore[attr-defined]
    return abs(math.log((wa / ha) / (wb / hb)))


def thumbnail_difference(data: bytes) -> float | None:
    """How different the EXIF thumbnail is from the picture (0: the same, 1: another framing), or None
    when there is no thumbnail or either cannot be decoded. Nothing is decoded unless the file has
    an EXIF thumbnail."""
    from PIL import Image, ImageChops, ImageOps, ImageStat

    from ...formats.sniff import container_for
    from ...imaging.decode import TRANSPOSE, decode

    try:
        if embedded_thumbnail(container_for(data).exif_block(data)) is None:
            return None
        main = decode(data, max_dimension=COMPARE_SIZE * 8)
        thumb_bytes = embedded_thumbnail(main.exif)
        if thumb_bytes is None:
            return None
        thumb = decode(thumb_bytes).image
    except (FormatError, OSError, ValueError):
        return None
    if main.orientation in TRANSPOSE:  # the thumbnail is stored as the picture is, before rotation
        thumb = thumb.transpose(TRANSPOSE[main.orientation])
    grey_main = main.image.convert("L")
    grey_thumb = thumb.convert("L")
    if _aspect_gap(grey_thumb, grey_main) > ASPECT_TOLERANCE:
        box = grey_thumb.point(lambda v: 255 if v > _BLACK else 0).getbbox()  # letterboxed?
        if box is None:
            return None
        grey_thumb = grey_thumb.crop(box)
        if _aspect_gap(grey_thumb, grey_main) > ASPECT_TOLERANCE:
            return 1.0
    size = (COMPARE_SIZE, COMPARE_SIZE)
    a = ImageOps.autocontrast(grey_main.resize(size, Image.Resampling.BOX))
    b = ImageOps.autocontrast(grey_thumb.resize(size, Image.Resampling.BOX))
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0] / 255


def check_thumbnail(data: bytes, photo: PhotoAudit) -> None:
    """The check on one audited photo (``data``: the whole file): marks its EXIF thumbnail ``differs``,
    and a differing one adds ``DIFFERS_REASON`` after the GPS reason and makes the photo at least
    medium risk (it may show what was cropped or edited out)."""
    thumbs = [h for h in photo.hidden if h.key == "exif_thumbnail"]
    if not thumbs:
        return
    difference = thumbnail_difference(data)
    if difference is None:
        return
    differs = difference > DIFFERS_ABOVE
    for h in thumbs:
        h.differs = differs
    if differs:
        high = sum(1 for r in photo.reasons if r.startswith("GPS position: "))
        photo.reasons.insert(high, DIFFERS_REASON)
        if photo.risk in ("low", "none"):
            photo.risk = "medium"

"""What compress and convert do between the photo pipeline's first and last steps (tools/pipeline.py):

    decode (upright, ICC + EXIF aside) -> resize.fit (max_dimension) -> colour.prepare (keep/srgb)
    -> flatten onto the background (JPEG) -> encode at a quality, or search for the quality that
    fits target_size -> the report (the output inspected, compared with the photo as opened)

Specs the TypeScript engine (``web/src/engine/tools/encode.ts``) mirrors:

**format=keep** (``keep_format``): JPEG, PNG, WebP and AVIF stay what they are; HEIC/HEIF and TIFF
become JPEG, or PNG when the decoded image has real transparency (an alpha value below 255
somewhere); GIF and BMP become PNG; an animation (GIF, WebP, APNG) becomes an animated WebP.

**Animations** (``_kept_frames``, ``imaging/animation.py``): written as WebP, every frame is kept
(composited, upright, fitted, colours as the first; delays and loop count as the source plays them)
unless the frames together are over the pixel budget; in any other format, or over the budget, the
first frame is kept, ``first_frame_only`` is true and the warning says why. ``frames`` counts the
output's frames.

**Target size** (``search_quality``, ``search_side``): binary search over the integer qualities
``QUALITY_FLOOR[fmt]``..100 for the largest quality whose output is at most ``target`` bytes. The
floor (measured: the lowest quality whose SSIMULACRA2 stays >= 50 on the corpus photos,
bench/quality_calibration.py) is probed first; when it does not fit, no higher quality will::

    if encode(floor) > target: -> downscale
    lo, hi = floor + 1, 100
    while lo <= hi:
        q = (lo + hi) // 2
        out = encode(q)
        if len(out) <= target: best = (q, out); lo = q + 1
        else: hi = q - 1

(With floor 1 — a palette PNG — the search starts at 50 and takes at most 7 encodes.) When even the
floor is over the target, the picture is downscaled by the least amount that fits, at the floor
quality: the largest longest side 16..L-1 whose output fits, to within L // 100 px, each probe where
bytes proportional to pixels would just fit given the last one (``_proportional``; the middle of
the interval when that repeats a probe). ``target_downscaled`` is true, width and height are the new
size and a warning gives it. If not even 16 px fits, the result is the smallest output seen,
``target_met`` is false and a warning says so (the CLI exits 4). An animation is not downscaled:
its unmet target says to try ``--max-dimension``. A lossless PNG (no palette) is encoded once; if
it is over the target, the same search runs over the palette quality (libimagequant
``max_quality``) with a warning that a palette was used. Without a target, ``target_met`` is null.

**Never larger** (``keep_smaller_original``, compress unless ``allow_larger``): when the output
is in the photo's own format, at its own size (no downscale) and colours (``colour="keep"``, or a
photo without a profile), and is not smaller than the photo stripped losslessly as ``strip`` does
(``StripOptions()``; with ``keep_metadata``, every EXIF group kept), the stripped photo is the
output instead: ``original_kept`` is true, ``quality`` null, and a warning says so (``KEPT_ORIGINAL``).
Any other output larger than the input (another format, a downscale, ``allow_larger``, convert) is
written with a warning (``larger_warning``) — but for an animation's first frame, which is no
comparison.

**Metadata**: nothing but the ICC profile (``colour="keep"``) unless ``keep_metadata``, which adds
``formats.exif.reencoded_block`` of the source's EXIF (Orientation set to 1).

**Report** (``EncodeResult``, its JSON derived from its fields by tools/result.py): format,
source_format, width, height (the output's), quality (null for lossless PNG and a kept original),
frames, bytes_before, bytes_after, target_size, target_met, target_downscaled, original_kept,
first_frame_only, removed (the input's findings that the output no longer has,
compared by category, label and value), kept (the output's findings), warnings.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..formats.findings import format_bytes
from ..options import FORMAT_LABELS, QUALITY_FLOOR, CompressFormat, EncodeOptions
from .pipeline import Photo, keep_format, metadata_to_write, written
from .result import EXTENSIONS, PhotoResult, Section, report_field

if TYPE_CHECKING:
    from ..imaging.animation import Animation
    from ..imaging.decode import Decoded

__all__ = ["EXTENSIONS", "SUFFIXES", "EncodeResult", "keep_format", "output_suffix", "run", "search_quality", "search_side"]

# The smallest longest side a target size search downscales to (max_dimension's minimum).
MIN_SIDE = 16

# Name endings that already say the output's format (kept as they are: IMG_1.JPG stays .JPG).
SUFFIXES = {"jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"), "png": (".png",), "webp": (".webp",), "avif": (".avif",)}


def output_suffix(suffix: str, fmt: str) -> str:
    """The file-name ending of an output in ``fmt`` whose input ended in ``suffix``: the input's
    own when it already names that format, else the format's usual one (.jpg, .png, .webp, .avif)."""
    return suffix if suffix.lower() in SUFFIXES[fmt] else EXTENSIONS[fmt]


@dataclass(kw_only=True)
class EncodeResult(PhotoResult):
    """What ``compress`` and ``convert`` return (``PhotoResult``'s fields and these)."""

    quality: int | None = report_field(Section.OUTPUT)  # None for a lossless PNG
    target_size: int | None = report_field(default=None)
    target_met: bool | None = report_field(default=None)  # None when there was no target
    target_downscaled: bool = report_field(default=False)  # smaller than asked (max_dimension) to fit target_size
    original_kept: bool = report_field(default=False)  # the photo's own picture, stripped, was smaller
    frames: int = report_field(Section.OUTPUT, default=1)  # an animation's frames (1: a still picture)
    first_frame_only: bool = report_field(default=False)  # an animation of which only the first frame was kept


KEPT_ORIGINAL = "already smaller than this setting — kept the original picture, metadata removed"
KEPT_ORIGINAL_EXIF = "already smaller than this setting — kept the original picture and its EXIF, other metadata removed"


def larger_warning(before: int, after: int) -> str:
    return f"the result is larger than the original ({format_bytes(before)} → {format_bytes(after)})"


def stripped_original(photo: Photo, keep_metadata: bool) -> bytes | None:
    """The photo with its metadata removed losslessly, as ``strip`` does (with ``keep_metadata``,
    every EXIF group kept); None when its container cannot be stripped (BMP)."""
    from ..formats.exif import KEEP_EVERYTHING
    from ..formats.policy import StripOptions

    if photo.container is None:
        return None
    policy = StripOptions(keep=frozenset(KEEP_EVERYTHING) if keep_metadata else frozenset())
    return photo.container.strip(photo.data, policy)


def search_quality(encode_at: Callable[[int], bytes], target: int, floor: int = 1) -> tuple[int, bytes, bool]:
    """(quality, output, fits): the largest quality ``floor``..100 whose output is <= ``target``
    bytes, or the smallest output seen when none fits (see the module docstring)."""
    lo, hi = floor, 100
    best: tuple[int, bytes] | None = None
    smallest: tuple[int, bytes] | None = None
    if floor > 1:  # when the floor does not fit, no quality above it will
        out = encode_at(floor)
        if len(out) > target:
            return floor, out, False
        best, lo = (floor, out), floor + 1
    while lo <= hi:
        q = (lo + hi) // 2
        out = encode_at(q)
        if len(out) <= target:
            best = (q, out)
            lo = q + 1
        else:
            if smallest is None or len(out) < len(smallest[1]) or (len(out) == len(smallest[1]) and q < smallest[0]):
                smallest = (q, out)
            hi = q - 1
    if best is not None:
        return best[0], best[1], True
    assert smallest is not None
    return smallest[0], smallest[1], False


def search_side(encode_at: Callable[[int], bytes], long_side: int, target: int, size: int) -> tuple[int, bytes, bool]:
    """(longest side, output, fits): the largest longest side ``MIN_SIDE``..``long_side - 1`` whose
    output is <= ``target`` bytes, to within ``long_side // 100`` px, or the smallest output seen
    when none fits (ties: the smaller side). ``size`` is the output's size at ``long_side``. Each
    probe is where bytes proportional to pixels would just fit, given the last probe (see the
    module docstring)."""
    lo, hi = MIN_SIDE, long_side - 1
    tolerance = max(1, long_side // 100)
    best: tuple[int, bytes] | None = None
    smallest: tuple[int, bytes] | None = None
    side = _proportional(long_side, size, target, lo, hi)
    while lo <= hi and (best is None or hi - best[0] > tolerance):
        out = encode_at(side)
        if len(out) <= target:
            best = (side, out)
            lo = side + 1
        else:
            if smallest is None or len(out) < len(smallest[1]) or (len(out) == len(smallest[1]) and side < smallest[0]):
                smallest = (side, out)
            hi = side - 1
        side = _proportional(side, len(out), target, lo, hi)
    if best is not None:
        return best[0], best[1], True
    assert smallest is not None
    return smallest[0], smallest[1], False


def _proportional(side: int, size: int, target: int, lo: int, hi: int) -> int:
    """The side at which ``size`` bytes at ``side`` would become ``target`` if bytes followed pixels,
    within lo..hi; the middle of lo..hi when that repeats the probe just made (no progress)."""
    guess = min(hi, max(lo, int(side * math.sqrt(target / size))))
    return (lo + hi) // 2 if guess == side else guess


def downscaled_warning(width: int, height: int, target: int, floor: int) -> str:
    return f"downscaled to {width}×{height} to reach {format_bytes(target)}: below quality {floor} the photo would not be usable"


def _unmet(target: int, quality: int, size: int) -> str:
    smallest = format_bytes(size)
    return f"could not reach {format_bytes(target)}: the smallest result at quality {quality} is {smallest}; try --max-dimension"


def _kept_frames(decoded: Decoded, fmt: str, max_dimension: int | None, warnings: list[str]) -> int:
    """How many frames the output keeps: all of an animation written as WebP within the pixel budget,
    else 1, the warning saying why."""
    from ..imaging import animation

    told = decoded.first_frame_warning
    if decoded.frames == 1 or told is None:
        return 1
    kind = told.split(":")[0]
    if fmt != "webp":
        reason = f"{FORMAT_LABELS[fmt]} cannot hold an animation"
    elif animation.too_large(decoded.image.width, decoded.image.height, decoded.frames, max_dimension):
        reason = f"its {decoded.frames} frames are more pixels than privpix decodes at once; try --max-dimension"
    else:
        warnings.remove(told)
        return decoded.frames
    warnings[warnings.index(told)] = f"{kind}: first frame only ({reason})"
    return 1


def _prepared_animation(photo: Photo, decoded: Decoded, options: EncodeOptions) -> Animation:
    """Every frame upright, fitted to ``max_dimension`` and in the colours asked for, as the first."""
    from ..imaging import animation, colour, decode, resize

    movie = animation.read(photo.data, photo.format)
    transpose = decode.TRANSPOSE.get(decoded.orientation)
    for i, frame in enumerate(movie.frames):
        upright = frame.transpose(transpose) if transpose is not None else frame
        fitted = resize.fit(upright, options.max_dimension)
        movie.frames[i] = colour.prepare(fitted, decoded.icc, options.colour, grey_ok=False).image
    return movie


def run(
    photo: Photo,
    out_format: CompressFormat,
    options: EncodeOptions,
    target_size: int | None = None,
    *,
    keep_smaller_original: bool = False,
) -> EncodeResult:
    """Re-encode ``photo`` as ``out_format`` ("keep" or a format name) per ``options``; with
    ``keep_smaller_original``, the stripped photo when re-encoding does not make it smaller."""
    from ..imaging import animation, colour, decode, encode, resize  # Pillow and the codecs load on first use

    decoded = decode.decode(photo, options.max_dimension)
    warnings = list(decoded.warnings)
    fmt = keep_format(photo.format, decoded.has_alpha, decoded.frames > 1) if out_format == "keep" else out_format
    frames = _kept_frames(decoded, fmt, options.max_dimension, warnings)

    image = resize.fit(decoded.image, options.max_dimension, decoded.size)
    prepared = colour.prepare(image, decoded.icc, options.colour, grey_ok=fmt == "png")
    warnings.extend(prepared.warnings)
    pixels = prepared.image
    if fmt == "jpeg":
        pixels = colour.flatten(pixels, options.background_rgb())
    icc, exif = metadata_to_write(photo, fmt, prepared.icc, options.keep_metadata, warnings)
    if frames > 1:
        movie = _prepared_animation(photo, decoded, options)

    def encode_at(quality: int | None, palette: bool) -> bytes:
        if frames > 1:
            assert quality is not None
            return animation.encode_webp(movie.frames, movie.durations, movie.loop, quality, icc, exif)
        return encode.encode(pixels, fmt, quality, icc=icc, exif=exif, palette=palette)

    lossless = fmt == "png" and not options.palette
    target_met: bool | None = None
    target_downscaled = False
    width, height = pixels.size
    if target_size is None:
        quality: int | None = None if lossless else options.quality_for(fmt)
        out = encode_at(quality, options.palette)
    elif lossless and len(out := encode_at(None, False)) <= target_size:
        quality, target_met = None, True
    else:
        if lossless:
            warnings.append(
                f"the lossless PNG is {format_bytes(len(out))}, over {format_bytes(target_size)}: "
                "reduced to a palette of at most 256 colours to fit"
            )
        floor = QUALITY_FLOOR[fmt]
        quality, out, target_met = search_quality(lambda q: encode_at(q, fmt == "png"), target_size, floor)
        long_side = max(pixels.size)
        if not target_met and frames == 1 and long_side > MIN_SIDE:

            def encode_side(side: int) -> bytes:
                small = resize.fit(colour.to_8bit(pixels) if pixels.mode == "I;16" else pixels, side)
                return encode.encode(small, fmt, floor, icc=icc, exif=exif, palette=fmt == "png")

            side, out, target_met = search_side(encode_side, long_side, target_size, len(out))
            width, height = resize.fit_size(width, height, side)
            quality, target_downscaled = floor, True
            if target_met:
                warnings.append(downscaled_warning(width, height, target_size, floor))
            else:
                warnings.append(
                    f"could not reach {format_bytes(target_size)}: even {width}×{height} at quality {floor} "
                    f"is {format_bytes(len(out))}"
                )
        elif not target_met:
            warnings.append(_unmet(target_size, quality, len(out)))

    original_kept = False
    if fmt == photo.format:
        stored = (photo.inspection.width or 0, photo.inspection.height or 0)
        same_picture = resize.fit_size(*stored, options.max_dimension) == stored and (
            options.colour == "keep" or photo.icc is None
        )
        original = stripped_original(photo, options.keep_metadata) if keep_smaller_original and same_picture else None
        if original is not None and len(original) <= len(out):
            out, quality, original_kept = original, None, True
            warnings.append(KEPT_ORIGINAL_EXIF if options.keep_metadata else KEPT_ORIGINAL)
            if target_size is not None:
                target_met = len(out) <= target_size
    if not original_kept and len(out) > len(photo.data) and frames == decoded.frames:
        warnings.append(larger_warning(len(photo.data), len(out)))

    return EncodeResult(
        **written(photo, out, warnings),
        source_format=photo.format,
        width=width,
        height=height,
        quality=quality,
        target_size=target_size,
        target_met=target_met,
        original_kept=original_kept,
        frames=frames,
        first_frame_only=decoded.frames > frames,
        target_downscaled=target_downscaled,
    )

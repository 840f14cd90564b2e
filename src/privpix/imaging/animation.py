"""Animated pictures (GIF, animated WebP, APNG): every frame, and an animated WebP made of them.

``read`` decodes each frame as the viewer shows it — composited onto the frames before it, as the
format's disposal and blending rules say (Pillow does this while seeking), so every frame is a whole
canvas in RGBA — with how long it stays on screen and the loop count. An animation whose frames
hold more than ``options.MAX_PIXELS`` pixels in all, once fitted to ``max_dimension``, is not read:
the tool keeps its first frame with a warning (``too_large``), as it does for an output format that
cannot hold an animation.

Durations: a GIF frame delay under ``MIN_DELAY_MS`` is shown by browsers (and most viewers) for
``DEFAULT_DELAY_MS``; the WebP gets the delay the GIF played at, since a WebP delay of 0 is shown
as written. Other formats' delays are copied. The loop count is how often the source plays
(``plays``).

``encode_webp`` writes the frames with libwebp's animation encoder through Pillow at method
``WEBP_METHOD`` (4): method 6, the still pictures' setting, took 13-24x the time on the corpus's
animations for 2-8% fewer bytes (``bench/animation.py``). Every frame keeps its alpha.

``web/src/engine/imaging/animation.ts`` mirrors this module (the browser reads the frames with
WebCodecs' ImageDecoder and muxes libwebp's still frames, ``codecs/webp-anim.ts``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from ..options import MAX_PIXELS
from .resize import fit_size

MIN_DELAY_MS = 20
DEFAULT_DELAY_MS = 100
WEBP_METHOD = 4


@dataclass
class Animation:
    frames: list[Image.Image]  # RGBA, each the whole canvas as shown
    durations: list[int]  # milliseconds on screen, one per frame
    loop: int  # 0: forever


def frame_count(data: bytes) -> int:
    """How many frames the file shows (1 for a still picture)."""
    with Image.open(io.BytesIO(data)) as im:
        return int(getattr(im, "n_frames", 1))


def too_large(width: int, height: int, frames: int, max_dimension: int | None) -> bool:
    """True when ``frames`` frames of ``width`` × ``height``, fitted to ``max_dimension``, are more
    pixels than one picture may have (``MAX_PIXELS``)."""
    w, h = fit_size(width, height, max_dimension)
    return w * h * frames > MAX_PIXELS


def delay(ms: int | None, fmt: str) -> int:
    """The frame's delay as it plays (see the module docstring)."""
    value = int(ms or 0)
    return DEFAULT_DELAY_MS if fmt == "gif" and value < MIN_DELAY_MS else value


def plays(loop: int | None, fmt: str) -> int:
    """How many times the animation plays (0: forever), the WebP's loop count. A GIF's NETSCAPE loop
    count n > 0 repeats it n times after the first play, and a GIF without one plays once; WebP's
    and APNG's counts are already the plays."""
    if fmt != "gif":
        return int(loop or 0)
    return 1 if loop is None else 0 if loop == 0 else int(loop) + 1


def read(data: bytes, fmt: str) -> Animation:
    """Every frame of an animated GIF, WebP or PNG, composited, as RGBA."""
    frames: list[Image.Image] = []
    durations: list[int] = []
    with Image.open(io.BytesIO(data)) as im:
        loop = plays(im.info.get("loop"), fmt)
        for index in range(int(getattr(im, "n_frames", 1))):
            im.seek(index)
            frames.append(im.convert("RGBA"))
            durations.append(delay(im.info.get("duration"), fmt))
    return Animation(frames, durations, loop)


def encode_webp(
    frames: list[Image.Image], durations: list[int], loop: int, quality: int, icc: bytes | None, exif: bytes | None
) -> bytes:
    """An animated WebP of ``frames`` (RGB or RGBA, all the same size)."""
    first, *rest = [f if f.mode in ("RGB", "RGBA") else f.convert("RGBA") for f in frames]
    first.info = {}  # Pillow falls back to im.info for some metadata: give it none
    out = io.BytesIO()
    params: dict[str, object] = {"icc_profile": icc, "exif": exif}
    first.save(
        out,
        "WEBP",
        save_all=True,
        append_images=rest,
        duration=durations,
        loop=loop,
        quality=quality,
        method=WEBP_METHOD,
        **{k: v for k, v in params.items() if v is not None},
    )
    return out.getvalue()

"""Remove background: cut the subject out of a photo, on the user's own machine.

    decode upright (imaging.decode: orientation applied once, ICC aside, pixel budget MAX_PIXELS)
    -> RGB in the photo's own colour space (CMYK and grey through imaging.colour)
    -> pipeline.py: fit to 640 and pad to multiples of 64, ISNet, guided-filter refinement
       at full resolution, colour decontamination
    -> a straight-alpha RGBA cut-out, or the cut-out over a colour / a blurred copy / another image
       (opaque RGB), or the mask alone (greyscale)
    -> PNG (lossless) or WebP (lossy q90 colour, lossless alpha: see ``WEBP``), carrying nothing but the photo's ICC profile (none
       for the mask)

Nothing is downloaded here unless the model is missing: ``models.store.ensure`` finds it (the
built site's copy, the cache) or fetches it once, and refuses when offline.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...formats.findings import Finding, removed_findings
from ...options import RemoveBgOptions
from ..inspect import inspect

if TYPE_CHECKING:
    import numpy as np

EXTENSIONS = {"png": ".png", "webp": ".webp"}
# WebP output: lossy colour at quality 90, lossless alpha (libwebp alpha_quality 100), method as
# compress uses. On a 12 MP cut-out: PNG 1.78 MB, lossless WebP 1.05 MB (2.8x the PNG's time),
# this 0.59 MB; on pm_lemur (680×440): 220 kB, 145 kB, 34 kB. Transparent pixels are black already.
# The warning (CLI, JSON "warnings") when the model was unsure of the subject; the web app shows the same words.
INCOMPLETE = "the subject may be incomplete: the model was unsure which parts belong to it; check the cut-out"
WEBP = {"lossless": False, "quality": 90, "alpha_quality": 100, "method": 5, "exact": False}


@dataclass
class RemoveBgResult:
    data: bytes
    format: str  # png or webp
    source_format: str
    width: int
    height: int
    model: str
    output: str  # cutout, composite or mask
    background: str  # none, colour, blur or image
    bytes_before: int
    bytes_after: int
    confidence: float = 1.0  # how sure the model is of the subject, 0..1 (confidence.py)
    may_be_incomplete: bool = False  # parts of the subject may be missing: check the result
    second_look: bool = False  # the model was unsure at first and looked again at a larger size
    removed: list[Finding] = field(default_factory=list)
    kept: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "source_format": self.source_format,
            "width": self.width,
            "height": self.height,
            "model": self.model,
            "output": self.output,
            "background": self.background,
            "bytes_before": self.bytes_before,
            "bytes_after": self.bytes_after,
            "confidence": round(self.confidence, 3),
            "may_be_incomplete": self.may_be_incomplete,
            "second_look": self.second_look,
            "removed": [f.to_json() for f in self.removed],
            "kept": [f.to_json() for f in self.kept],
            "warnings": list(self.warnings),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def upright_rgb(data: bytes) -> tuple[np.ndarray, np.ndarray | None, bytes | None, str, list[str]]:
    """(uint8 RGB H×W×3 upright, its alpha or None, the ICC profile to carry, source format, warnings)."""
    import numpy as np

    from ...imaging import colour, decode

    decoded = decode.decode(data)
    image = decoded.image
    alpha = np.asarray(image.getchannel("A")) if image.mode in ("RGBA", "LA") else None
    prepared = colour.prepare(image, decoded.icc, "keep", grey_ok=False)
    rgb = np.asarray(prepared.image.convert("RGB"))
    return rgb, alpha, prepared.icc, decoded.format, decoded.warnings + prepared.warnings


def background_picture(data: bytes, width: int, height: int, icc: bytes | None) -> np.ndarray:
    """Another image, upright, scaled to cover width×height and centred (uint8 RGB). Its colours are
    taken as they are when it has the photo's profile, else converted to sRGB."""
    from ...imaging import colour, decode
    from .compose import cover

    decoded = decode.decode(data)
    same = decoded.icc is not None and decoded.icc == icc
    prepared = colour.prepare(decoded.image, decoded.icc, "keep" if same else "srgb", grey_ok=False)
    return cover(prepared.image, width, height)


def encode_output(pixels: np.ndarray, fmt: str, icc: bytes | None) -> bytes:
    from PIL import Image

    from ...imaging import encode

    mode = {2: "L", 3: "RGB", 4: "RGBA"}[pixels.ndim if pixels.ndim == 2 else pixels.shape[2]]
    image = Image.fromarray(pixels, mode)
    if fmt == "png":
        return encode.encode_png(image, icc, None)
    out = io.BytesIO()
    image.save(out, "WEBP", icc_profile=icc, **WEBP)  # writes no EXIF or XMP of its own
    return out.getvalue()


def remove_bg(
    data: bytes,
    options: RemoveBgOptions | None = None,
    *,
    background_image: bytes | None = None,
    model_path: str | Path | None = None,
    threads: int | None = None,
    offline: bool = False,
    progress: bool | None = None,
) -> RemoveBgResult:
    """Remove the background of the image ``data`` per ``options``.

    ``background_image``: the bytes of the picture to put behind the subject (default: read from
    the path in ``options.background``). ``model_path``: use this model file (else the registry's,
    found or fetched by ``models.store.ensure``; ``offline`` forbids fetching). ``threads``:
    onnxruntime intra-op threads (default: all cores). Raises FormatError for unreadable input,
    ModelError when the model cannot be had."""
    from ...imaging import decode
    from ...models import registry, store
    from . import compose, pipeline

    options = options or RemoveBgOptions()
    spec = registry.get(options.model)
    timings = pipeline.Timings()
    source = decode.source_format(data)  # FormatError for anything that is not an image
    before = inspect(data).findings if source != "bmp" else []
    rgb, input_alpha, icc, source, warnings = upright_rgb(data)
    H, W = rgb.shape[:2]
    kind = options.background_kind
    behind: compose.Behind | str | None = None
    if kind == "colour":
        behind = compose.Colour(options.background_rgb())
    elif kind == "blur":
        behind = "blur"
    elif kind == "image":
        if background_image is None:
            background_image = Path(options.background).read_bytes()
        behind = compose.Picture(background_picture(background_image, W, H, icc))
    timings.lap("decode")

    path = Path(model_path) if model_path is not None else store.ensure(spec, offline_only=offline, progress=progress)
    from ...models.runtime import session

    infer = session(spec, path, threads)
    timings.lap("load model")
    output = "mask" if options.mask_only else "cutout" if kind == "none" else "composite"
    guide, low_res, subject = pipeline.model_mask(rgb, infer, spec.input, timings)
    if subject.may_be_incomplete:
        warnings.append(INCOMPLETE)
    pixels = pipeline.run(
        rgb,
        infer,
        spec.input,
        output=output,  # type: ignore[arg-type]
        behind=behind,  # type: ignore[arg-type]
        input_alpha=input_alpha,
        timings=timings,
        low_res=low_res,
        guide=guide,
    )
    del rgb
    out = encode_output(pixels, options.format, None if output == "mask" else icc)
    timings.lap("encode")

    after = inspect(out).findings
    return RemoveBgResult(
        data=out,
        format=options.format,
        source_format=source,
        width=W,
        height=H,
        model=spec.name,
        output=output,
        background=kind,
        bytes_before=len(data),
        bytes_after=len(out),
        confidence=subject.confidence,
        may_be_incomplete=subject.may_be_incomplete,
        second_look=subject.second_look,
        removed=removed_findings(before, after),
        kept=after,
        warnings=warnings,
        seconds=dict(timings.seconds),
    )

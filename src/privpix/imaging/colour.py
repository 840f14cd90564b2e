"""Colour: keep the photo's own profile, or convert the pixels to sRGB; flatten transparency.

``colour="keep"``: pixel values are kept and the source ICC profile is embedded in the output, so
a colour-managed viewer shows what it showed before (a Display P3 iPhone photo stays P3).
``colour="srgb"``: the pixels are converted from the source profile to sRGB with LittleCMS
(Pillow's ImageCms), rendering intent **relative colorimetric** without black-point
compensation — what browsers do when they draw a tagged image on an sRGB canvas — and no profile
is embedded (untagged means sRGB everywhere). An image without a profile is taken as sRGB already.

Either way, pixels that an RGB output cannot carry with their own profile are converted to sRGB:
CMYK (with its CMYK profile when it has one; Pillow's plain formula otherwise), and a grey image
whose GRAY profile cannot tag RGB output. A profile LittleCMS cannot read is embedded as it is
for ``keep`` and dropped with a warning for ``srgb``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image, ImageCms

INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC


@dataclass
class Prepared:
    image: Image.Image  # L, LA, RGB, RGBA or I;16
    icc: bytes | None  # the profile to embed
    warnings: list[str] = field(default_factory=list)


def profile_space(icc: bytes | None) -> str | None:
    """The data colour space an ICC profile describes ('RGB', 'GRAY', 'CMYK', …), from its header."""
    if not icc or len(icc) < 20:
        return None
    return icc[16:20].decode("latin-1").strip() or None


_SRGB: ImageCms.ImageCmsProfile | None = None


def srgb_profile() -> ImageCms.ImageCmsProfile:
    global _SRGB
    if _SRGB is None:
        _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return _SRGB


def _read_profile(icc: bytes) -> ImageCms.ImageCmsProfile | None:
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError, ValueError, TypeError):
        return None


def to_8bit(image: Image.Image) -> Image.Image:
    """16-bit grey to 8-bit: v * 255 / 65535, rounded half up (lossy outputs have 8 bits)."""
    if image.mode != "I;16":
        return image
    return image.convert("I").point(lambda v: v * (255 / 65535) + 0.5).convert("L")


def _convert(image: Image.Image, source: ImageCms.ImageCmsProfile) -> Image.Image:
    """Pixels in ``source``'s space to sRGB (alpha carried over untouched)."""
    alpha = image.getchannel("A") if image.mode in ("RGBA", "LA") else None
    base = image.convert("L") if image.mode == "LA" else image.convert("RGB") if image.mode == "RGBA" else image
    out = ImageCms.profileToProfile(base, source, srgb_profile(), renderingIntent=INTENT, outputMode="RGB")
    assert out is not None
    if alpha is not None:
        out.putalpha(alpha)
    return out


def prepare(image: Image.Image, icc: bytes | None, colour: str, *, grey_ok: bool = True) -> Prepared:
    """Pixels ready for an encoder and the profile to embed, per ``colour`` ("keep" or "srgb").

    Output modes: RGB or RGBA; with ``grey_ok`` (PNG) also L, LA and I;16 (16-bit grey)."""
    warnings: list[str] = []
    space = profile_space(icc)
    if image.mode == "CMYK":
        profile = _read_profile(icc) if icc and space == "CMYK" else None
        if profile is not None:
            out = ImageCms.profileToProfile(image, profile, srgb_profile(), renderingIntent=INTENT, outputMode="RGB")
            assert out is not None
            return Prepared(out, None, warnings)
        if icc:
            warnings.append("the CMYK colour profile could not be used; colours were converted with a plain formula")
        return Prepared(image.convert("RGB"), None, warnings)
    grey = image.mode in ("L", "LA", "I;16")
    if grey and (space == "RGB" or not grey_ok and space != "GRAY"):
        # grey pixels an RGB profile tags (seen in the wild), or an output that needs RGB
        image = to_8bit(image).convert("RGBA" if image.mode == "LA" else "RGB")
        grey = False
    if not icc:
        return Prepared(image, None, warnings)
    if space != ("GRAY" if grey else "RGB"):
        warnings.append(f"the colour profile ({space or 'unknown'} data) does not fit {image.mode} pixels; it was left out")
        return Prepared(image, None, warnings)
    if colour == "keep" and (grey_ok or not grey):
        return Prepared(image, icc, warnings)
    # srgb, or grey pixels with a GRAY profile for an RGB-only output: a GRAY profile cannot tag RGB
    profile = _read_profile(icc)
    if profile is None:
        warnings.append("the colour profile could not be read; it was left out and the pixels kept as they are")
        return Prepared(image.convert("RGBA" if image.mode == "LA" else "RGB") if not grey_ok else image, None, warnings)
    return Prepared(_convert(to_8bit(image), profile), None, warnings)


def flatten(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Composite transparent pixels onto ``background`` (for outputs without alpha: JPEG)."""
    if image.mode not in ("RGBA", "LA"):
        return image
    rgba = image.convert("RGBA")
    base = Image.new("RGB", rgba.size, background)
    base.paste(rgba, mask=rgba.getchannel("A"))
    return base

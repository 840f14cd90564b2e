"""privpix: private image tools that run on your own device.

Every tool takes an image as bytes (or any bytes-like object), a path (``str`` or ``os.PathLike``)
or a binary file object; the pixel tools (``remove_bg``, ``erase``) also take a ``PIL.Image.Image``
or a numpy array and then give back the same kind. Nothing touches the network::

    import privpix
    report = privpix.inspect("IMG_0001.HEIC")             # what the image carries
    result = privpix.strip("IMG_0001.HEIC")               # lossless metadata strip
    result.data, result.removed, result.kept
    result = privpix.compress(data, privpix.CompressOptions(target_size=500_000))
    result = privpix.convert(path, privpix.ConvertOptions(to="webp", quality=80))
    result.data, result.format, result.quality, result.removed, result.warnings
    result = privpix.remove_bg(path, privpix.RemoveBgOptions(background="#ffffff"))
    cutout = privpix.remove_bg(Image.open(path))          # a PIL image back
    result = privpix.erase(path, mask_png_bytes)          # or boxes=[(x, y, w, h)]; EraseOptions(grow=, feather=, seed=)

The core install has ``inspect`` and ``strip``; ``compress``, ``convert`` and ``erase`` need the
``encode`` extra and ``remove_bg`` the ``remove-bg`` extra. They are loaded on first use;
when the extra is missing, using one raises ``privpix.MissingExtraError`` (an ImportError) naming
the install line, e.g. ``pip install 'privpix[encode]'``.

The core install has ``inspect`` and ``strip``; ``compress``, ``convert`` and ``erase`` need the
``encode`` extra and ``remove_bg`` the ``remove-bg`` extra. They are loaded on first use; when the
extra is missing, using one raises ``privpix.MissingExtraError`` (an ImportError) naming the
install line, e.g. ``pip install 'privpix[encode]'``.

``remove_bg`` needs its model file: found on this machine, or downloaded once from the npm
registry (the only network access in privpix; ``offline=True`` or PRIVPIX_OFFLINE=1 refuses).

Path helpers write the result beside the input: ``inspect_file(path)``,
``strip_file(path, output=None, ...)``, ``compress_file``, ``convert_file``, ``remove_bg_file``,
``erase_file``. Every error privpix raises on purpose is a ``privpix.Error``. The reference:
docs/api.md. ``remove_background`` and ``remove_background_file`` are the same functions under
their earlier names.
"""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .errors import BuildSiteError, Error, OptionError, SiteMissingError
from .extras import MissingExtraError, require
from .formats.errors import FormatError, TruncatedError, UnsupportedError
from .formats.findings import CATEGORIES, Finding, Inspection
from .models.errors import IntegrityError, ModelError, ModelMissingError
from .options import CompressOptions, ConvertOptions, EraseOptions, RemoveBgOptions, StripOptions
from .tools.encode import EncodeResult
from .tools.erase import EraseResult, MaskError, Region, TooLargeError
from .tools.inspect import inspect
from .tools.remove_bg import RemoveBgResult
from .tools.result import PhotoResult, Result
from .tools.strip import StripResult, strip

if TYPE_CHECKING:
    from .tools.compress import compress
    from .tools.convert import convert
    from .tools.erase import erase
    from .tools.remove_bg import remove_bg
    from .tools.remove_bg import remove_bg as remove_background

# The tools that need an extra: public name -> (extra, module, function). Loaded on first use.
_LAZY_TOOLS: dict[str, tuple[str, str, str]] = {
    "compress": ("encode", ".tools.compress", "compress"),
    "convert": ("encode", ".tools.convert", "convert"),
    "erase": ("encode", ".tools.erase", "erase"),
    "remove_bg": ("remove-bg", ".tools.remove_bg", "remove_bg"),
    "remove_background": ("remove-bg", ".tools.remove_bg", "remove_bg"),  # the earlier name
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY_TOOLS:
        raise AttributeError(f"module 'privpix' has no attribute {name!r}")
    extra, module, function = _LAZY_TOOLS[name]
    require(extra, f"privpix.{name}")
    value = getattr(import_module(module, __name__), function)
    globals()[name] = value  # later look-ups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_TOOLS))


__version__ = "0.1.0"

__all__ = [
    "BuildSiteError",
    "CATEGORIES",
    "CompressOptions",
    "ConvertOptions",
    "EncodeResult",
    "EraseOptions",
    "EraseResult",
    "Error",
    "Finding",
    "FormatError",
    "Inspection",
    "IntegrityError",
    "MaskError",
    "MissingExtraError",
    "ModelError",
    "ModelMissingError",
    "OptionError",
    "PhotoResult",
    "Region",
    "RemoveBgOptions",
    "RemoveBgResult",
    "Result",
    "SiteMissingError",
    "StripOptions",
    "StripResult",
    "TooLargeError",
    "TruncatedError",
    "UnsupportedError",
    "compress",
    "compress_file",
    "convert",
    "convert_file",
    "erase",
    "erase_file",
    "inspect",
    "inspect_file",
    "remove_background",
    "remove_background_file",
    "remove_bg",
    "remove_bg_file",
    "strip",
    "strip_file",
]

PathInput = Union[str, "os.PathLike[str]"]


def inspect_file(path: PathInput) -> Inspection:
    """``inspect`` the image at ``path`` (the same as ``inspect(path)``).

    Example::

        for finding in privpix.inspect_file("IMG_0001.HEIC").findings:
            print(finding.category, finding.label, finding.value)
    """
    return inspect(Path(path))


def _target(source: Path, output: PathInput | None, name: str, in_place: bool | None = None) -> Path:
    """Where a helper writes: ``output``, or ``name`` beside the input; never over the input unless
    ``in_place`` (None: the helper has no such choice)."""
    if in_place and output is not None:
        raise ValueError("pass either output or in_place, not both")
    if in_place:
        return source
    target = Path(output) if output is not None else source.with_name(name)
    if target.exists() and target.resolve() == source.resolve():
        hint = "; pass in_place=True" if in_place is not None else ""
        raise ValueError(f"{target}: the output would overwrite the input{hint}")
    return target


def strip_file(
    path: PathInput,
    output: PathInput | None = None,
    options: StripOptions | None = None,
    *,
    in_place: bool = False,
) -> StripResult:
    """``strip`` the image at ``path`` into ``output`` (default: ``<stem>-stripped<ext>`` beside it).

    The input is never modified unless ``in_place`` is true, in which case it is replaced
    atomically. Raises FormatError for files that are not images privpix can read, ValueError when
    the output would overwrite the input.

    Example::

        result = privpix.strip_file("IMG_0001.HEIC")     # writes IMG_0001-stripped.HEIC
    """
    from .files import write_atomic

    source = Path(path)
    target = _target(source, output, f"{source.stem}-stripped{source.suffix}", in_place)
    result = strip(source, options)
    write_atomic(target, result.data, mode_from=source if in_place else None, durable=in_place)
    return result


def _encode_file(
    tool: str, path: PathInput, output: PathInput | None, options: CompressOptions | ConvertOptions, in_place: bool
) -> EncodeResult:
    from .files import write_atomic
    from .tools.encode import output_suffix

    source = Path(path)
    if in_place and output is not None:
        raise ValueError("pass either output or in_place, not both")
    result = __getattr__(tool)(source, options)  # loaded on first use (it needs the encode extra)
    if in_place and output_suffix(source.suffix, result.format) != source.suffix:
        raise ValueError(f"{source}: in_place keeps the name, but the result is {result.format.upper()}; pass output")
    tag = "compressed" if tool == "compress" else "converted"
    target = _target(source, output, f"{source.stem}-{tag}{output_suffix(source.suffix, result.format)}", in_place)
    write_atomic(target, result.data, mode_from=source if in_place else None, durable=in_place)
    return result


def compress_file(
    path: PathInput, output: PathInput | None = None, options: CompressOptions | None = None, *, in_place: bool = False
) -> EncodeResult:
    """``compress`` the image at ``path`` into ``output`` (default: ``<stem>-compressed<ext>`` beside
    it, the ending following the format written: IMG_1.HEIC gives IMG_1-compressed.jpg). The input
    is never modified unless ``in_place`` (allowed only when the format stays). Raises FormatError
    for files that are not images privpix can read.

    Example::

        privpix.compress_file("big.jpg", options=privpix.CompressOptions(max_dimension=2048))
    """
    return _encode_file("compress", path, output, options or CompressOptions(), in_place)


def convert_file(path: PathInput, output: PathInput | None = None, options: ConvertOptions | None = None) -> EncodeResult:
    """``convert`` the image at ``path`` into ``output`` (default: ``<stem>-converted<ext>`` beside
    it, e.g. IMG_1.HEIC -> IMG_1-converted.jpg). Raises FormatError for files privpix cannot read.

    Example::

        privpix.convert_file("IMG_0001.HEIC", options=privpix.ConvertOptions(to="jpeg"))
    """
    return _encode_file("convert", path, output, options or ConvertOptions(), False)


def remove_bg_file(
    path: PathInput, output: PathInput | None = None, options: RemoveBgOptions | None = None, *, offline: bool = False
) -> RemoveBgResult:
    """``remove_bg`` on the image at ``path``, into ``output`` (default: ``<stem>-nobg.png`` beside
    it, or ``.webp``). The input is never modified. Raises FormatError for files privpix cannot
    read, ModelError when the model is missing and cannot be fetched.

    Example::

        privpix.remove_bg_file("portrait.jpg")          # writes portrait-nobg.png
    """
    from .files import write_atomic

    source = Path(path)
    result = __getattr__("remove_bg")(source, options, offline=offline)
    write_atomic(_target(source, output, f"{source.stem}-nobg{result.extension}"), result.data)
    return result


# The earlier name of remove_bg_file (remove_background is among the lazy tools above).
remove_background_file = remove_bg_file


def erase_file(
    path: PathInput,
    output: PathInput | None = None,
    *,
    mask: PathInput | bytes | None = None,
    boxes: list[tuple[int, int, int, int]] | None = None,
    options: EraseOptions | None = None,
) -> EraseResult:
    """``erase`` what ``mask`` (a mask image's path or bytes, white = erase) or ``boxes`` (x, y, w, h in
    upright pixels) cover in ``path``, into ``output`` (default: ``<stem>-erased<ext>`` beside it,
    the ending following the format written). The input is never modified.

    Example::

        privpix.erase_file("beach.jpg", boxes=[(812, 440, 120, 260)])   # writes beach-erased.jpg
    """
    from .files import write_atomic
    from .tools.encode import output_suffix

    source = Path(path)
    result = __getattr__("erase")(source, mask, options, boxes=boxes)
    write_atomic(_target(source, output, f"{source.stem}-erased{output_suffix(source.suffix, result.format)}"), result.data)
    return result

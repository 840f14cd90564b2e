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

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from .atomic import HardLinkedError
    from .batch_dask import DaskUnavailableError
    from .errors import BuildSiteError, Error, OptionError, SiteMissingError
    from .extras import MissingExtraError
    from .files import NotRegularFileError
    from .formats.errors import FormatError, TruncatedError, UnsupportedError
    from .formats.findings import CATEGORIES, Finding, Inspection
    from .models.errors import IntegrityError, ModelError, ModelMissingError
    from .options import CompressOptions, ConvertOptions, EraseOptions, RemoveBgOptions, StripOptions
    from .tools.compress import compress
    from .tools.convert import convert
    from .tools.encode import EncodeResult
    from .tools.erase import EraseResult, MaskError, Region, TooLargeError, erase
    from .tools.inspect import inspect
    from .tools.remove_bg import RemoveBgResult, remove_bg
    from .tools.remove_bg import remove_bg as remove_background
    from .tools.result import PhotoResult, Result
    from .tools.strip import StripResult, strip

# The public names, each imported from its module on first use: ``import privpix`` (which every
# command-line start does) then costs nothing for the tools a command does not use, and works with
# the core install alone. public name -> (module, attribute, the extra it needs or None).
_LAZY: dict[str, tuple[str, str, str | None]] = {
    **{name: (".errors", name, None) for name in ("Error", "OptionError", "SiteMissingError", "BuildSiteError")},
    "MissingExtraError": (".extras", "MissingExtraError", None),
    "NotRegularFileError": (".files", "NotRegularFileError", None),
    "HardLinkedError": (".atomic", "HardLinkedError", None),
    "DaskUnavailableError": (".batch_dask", "DaskUnavailableError", None),
    **{name: (".formats.errors", name, None) for name in ("FormatError", "UnsupportedError", "TruncatedError")},
    **{name: (".models.errors", name, None) for name in ("ModelError", "IntegrityError", "ModelMissingError")},
    **{name: (".tools.erase.errors", name, None) for name in ("MaskError", "TooLargeError")},
    "CATEGORIES": (".formats.findings", "CATEGORIES", None),
    "Finding": (".formats.findings", "Finding", None),
    "Inspection": (".formats.findings", "Inspection", None),
    "CompressOptions": (".options", "CompressOptions", None),
    "ConvertOptions": (".options", "ConvertOptions", None),
    "EraseOptions": (".options", "EraseOptions", None),
    "RemoveBgOptions": (".options", "RemoveBgOptions", None),
    "StripOptions": (".options", "StripOptions", None),
    "Result": (".tools.result", "Result", None),
    "PhotoResult": (".tools.result", "PhotoResult", None),
    "inspect": (".tools.inspect", "inspect", None),
    "strip": (".tools.strip", "strip", None),
    "StripResult": (".tools.strip", "StripResult", None),
    "EncodeResult": (".tools.encode", "EncodeResult", None),
    "EraseResult": (".tools.erase", "EraseResult", None),
    "Region": (".tools.erase", "Region", None),
    "RemoveBgResult": (".tools.remove_bg", "RemoveBgResult", None),
    "compress": (".tools.compress", "compress", "encode"),
    "convert": (".tools.convert", "convert", "encode"),
    "erase": (".tools.erase", "erase", "encode"),
    "remove_bg": (".tools.remove_bg", "remove_bg", "remove-bg"),
    "remove_background": (".tools.remove_bg", "remove_bg", "remove-bg"),  # the earlier name
}


def __getattr__(name: str) -> Any:
    entry = _LAZY.get(name)
    if entry is None:
        raise AttributeError(f"module 'privpix' has no attribute {name!r}")
    module, attribute, extra = entry
    if extra is not None:
        from .extras import require

        require(extra, f"privpix.{name}")
    value = getattr(importlib.import_module(module, __name__), attribute)
    globals()[name] = value  # later look-ups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"

__all__ = [
    "BuildSiteError",
    "CATEGORIES",
    "CompressOptions",
    "DaskUnavailableError",
    "ConvertOptions",
    "EncodeResult",
    "EraseOptions",
    "EraseResult",
    "Error",
    "Finding",
    "FormatError",
    "HardLinkedError",
    "Inspection",
    "IntegrityError",
    "MaskError",
    "MissingExtraError",
    "ModelError",
    "ModelMissingError",
    "NotRegularFileError",
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
    from .tools.inspect import inspect

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

        result = privpix.strip_file("IMG_0001.HEIC")  # writes IMG_0001-stripped.HEIC
    """
    from .atomic import write_atomic
    from .tools.strip import strip

    source = Path(path)
    target = _target(source, output, f"{source.stem}-stripped{source.suffix}", in_place)
    result = strip(source, options)
    write_atomic(target, result.data, in_place=in_place)
    return result


def _encode_file(
    tool: str, path: PathInput, output: PathInput | None, options: CompressOptions | ConvertOptions, in_place: bool
) -> EncodeResult:
    from .atomic import write_atomic
    from .tools.encode import output_suffix

    source = Path(path)
    if in_place and output is not None:
        raise ValueError("pass either output or in_place, not both")
    result = __getattr__(tool)(source, options)  # loaded on first use (it needs the encode extra)
    if in_place and output_suffix(source.suffix, result.format) != source.suffix:
        raise ValueError(f"{source}: in_place keeps the name, but the result is {result.format.upper()}; pass output")
    tag = "compressed" if tool == "compress" else "converted"
    target = _target(source, output, f"{source.stem}-{tag}{output_suffix(source.suffix, result.format)}", in_place)
    write_atomic(target, result.data, in_place=in_place)
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
    from .options import CompressOptions

    return _encode_file("compress", path, output, options or CompressOptions(), in_place)


def convert_file(path: PathInput, output: PathInput | None = None, options: ConvertOptions | None = None) -> EncodeResult:
    """``convert`` the image at ``path`` into ``output`` (default: ``<stem>-converted<ext>`` beside
    it, e.g. IMG_1.HEIC -> IMG_1-converted.jpg). Raises FormatError for files privpix cannot read.

    Example::

        privpix.convert_file("IMG_0001.HEIC", options=privpix.ConvertOptions(to="jpeg"))
    """
    from .options import ConvertOptions

    return _encode_file("convert", path, output, options or ConvertOptions(), False)


def remove_bg_file(
    path: PathInput, output: PathInput | None = None, options: RemoveBgOptions | None = None, *, offline: bool = False
) -> RemoveBgResult:
    """``remove_bg`` on the image at ``path``, into ``output`` (default: ``<stem>-nobg.png`` beside
    it, or ``.webp``). The input is never modified. Raises FormatError for files privpix cannot
    read, ModelError when the model is missing and cannot be fetched.

    Example::

        privpix.remove_bg_file("portrait.jpg")  # writes portrait-nobg.png
    """
    from .atomic import write_atomic

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

        privpix.erase_file("beach.jpg", boxes=[(812, 440, 120, 260)])  # writes beach-erased.jpg
    """
    from .atomic import write_atomic
    from .tools.encode import output_suffix

    source = Path(path)
    result = __getattr__("erase")(source, mask, options, boxes=boxes)
    write_atomic(_target(source, output, f"{source.stem}-erased{output_suffix(source.suffix, result.format)}"), result.data)
    return result

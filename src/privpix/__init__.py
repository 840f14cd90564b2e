"""privpix: private image tools that run on your own device.

Library API (bytes in, bytes out; nothing touches the network)::

    import privpix
    report = privpix.inspect(data)               # what the image carries
    result = privpix.strip(data)                 # lossless metadata strip
    result.data, result.removed, result.kept
    result = privpix.compress(data, privpix.CompressOptions(target_size=500_000))
    result = privpix.convert(data, privpix.ConvertOptions(to="webp", quality=80))
    result.data, result.format, result.quality, result.removed, result.warnings
    result = privpix.remove_bg(data, privpix.RemoveBgOptions(background="#ffffff"))
    result = privpix.erase(data, mask_png_bytes)   # or boxes=[(x, y, w, h)]; EraseOptions(grow=, feather=, seed=)

The core install has ``inspect`` and ``strip``; ``compress``, ``convert`` and ``erase`` need the
``encode`` extra and ``remove_bg`` the ``remove-bg`` extra. They are loaded on first use;
when the extra is missing, using one raises ``privpix.MissingExtraError`` (an ImportError) naming
the install line, e.g. ``pip install 'privpix[encode]'``.

``remove_bg`` needs its model file: found on this machine, or downloaded once from the npm
registry (the only network access in privpix; ``offline=True`` or PRIVPIX_OFFLINE=1 refuses).

Path helpers: ``inspect_file(path)``, ``strip_file(path, output=None, ...)``,
``compress_file(path, output=None, ...)``, ``convert_file(path, output=None, ...)``,
``remove_bg_file(path, output=None, ...)``, ``erase_file(path, output=None, mask=..., boxes=...)``.

``remove_background`` and ``remove_background_file`` are the same functions under their earlier names.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .extras import MissingExtraError
    from .formats.errors import FormatError, UnsupportedError
    from .formats.findings import CATEGORIES, Finding, Inspection
    from .options import CompressOptions, ConvertOptions, EraseOptions, RemoveBgOptions, StripOptions
    from .tools.compress import compress
    from .tools.convert import convert
    from .tools.encode import EncodeResult
    from .tools.erase import EraseResult, erase
    from .tools.inspect import inspect
    from .tools.remove_bg import RemoveBgResult, remove_bg
    from .tools.remove_bg import remove_bg as remove_background
    from .tools.strip import StripResult, strip

# The public names, each imported from its module on first use: ``import privpix`` (which every
# command-line start does) then costs nothing for the tools a command does not use, and works with
# the core install alone. public name -> (module, attribute, the extra it needs or None).
_LAZY: dict[str, tuple[str, str, str | None]] = {
    "MissingExtraError": (".extras", "MissingExtraError", None),
    "FormatError": (".formats.errors", "FormatError", None),
    "UnsupportedError": (".formats.errors", "UnsupportedError", None),
    "CATEGORIES": (".formats.findings", "CATEGORIES", None),
    "Finding": (".formats.findings", "Finding", None),
    "Inspection": (".formats.findings", "Inspection", None),
    "CompressOptions": (".options", "CompressOptions", None),
    "ConvertOptions": (".options", "ConvertOptions", None),
    "EraseOptions": (".options", "EraseOptions", None),
    "RemoveBgOptions": (".options", "RemoveBgOptions", None),
    "StripOptions": (".options", "StripOptions", None),
    "inspect": (".tools.inspect", "inspect", None),
    "strip": (".tools.strip", "strip", None),
    "StripResult": (".tools.strip", "StripResult", None),
    "EncodeResult": (".tools.encode", "EncodeResult", None),
    "EraseResult": (".tools.erase", "EraseResult", None),
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
    "CATEGORIES",
    "CompressOptions",
    "ConvertOptions",
    "EncodeResult",
    "EraseOptions",
    "EraseResult",
    "Finding",
    "FormatError",
    "Inspection",
    "MissingExtraError",
    "RemoveBgOptions",
    "RemoveBgResult",
    "StripOptions",
    "StripResult",
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


def inspect_file(path: str | Path) -> Inspection:
    """Inspect the image at ``path``."""
    from .tools.inspect import inspect

    return inspect(Path(path).read_bytes())


def strip_file(
    path: str | Path,
    output: str | Path | None = None,
    options: StripOptions | None = None,
    *,
    in_place: bool = False,
) -> StripResult:
    """Strip ``path`` into ``output`` (default: ``<stem>-stripped<ext>`` beside it).

    The input is never modified unless ``in_place`` is true, in which case it is replaced
    atomically. Raises FormatError for files that are not images privpix can read.
    """
    from .atomic import write_atomic
    from .tools.strip import strip

    source = Path(path)
    if in_place and output is not None:
        raise ValueError("pass either output or in_place, not both")
    target = (
        source if in_place else Path(output) if output is not None else source.with_name(f"{source.stem}-stripped{source.suffix}")
    )
    if not in_place and target.exists() and target.resolve() == source.resolve():
        raise ValueError(f"{target}: the output would overwrite the input; pass in_place=True")
    result = strip(source.read_bytes(), options)
    write_atomic(target, result.data, in_place=in_place)
    return result


def _encode_file(
    tool: str, path: str | Path, output: str | Path | None, options: CompressOptions | ConvertOptions, in_place: bool
) -> EncodeResult:
    from .atomic import write_atomic
    from .tools.encode import output_suffix

    source = Path(path)
    if in_place and output is not None:
        raise ValueError("pass either output or in_place, not both")
    data = source.read_bytes()
    result = __getattr__(tool)(data, options)
    if in_place:
        if output_suffix(source.suffix, result.format) != source.suffix:
            raise ValueError(f"{source}: in_place keeps the name, but the result is {result.format.upper()}; pass output")
        target = source
    elif output is not None:
        target = Path(output)
    else:
        tag = "compressed" if tool == "compress" else "converted"
        target = source.with_name(f"{source.stem}-{tag}{output_suffix(source.suffix, result.format)}")
    if not in_place and target.exists() and target.resolve() == source.resolve():
        raise ValueError(f"{target}: the output would overwrite the input; pass in_place=True")
    write_atomic(target, result.data, in_place=in_place)
    return result


def compress_file(
    path: str | Path, output: str | Path | None = None, options: CompressOptions | None = None, *, in_place: bool = False
) -> EncodeResult:
    """Compress ``path`` into ``output`` (default: ``<stem>-compressed<ext>`` beside it, the ending
    following the format written: IMG_1.HEIC gives IMG_1-compressed.jpg). The input is never
    modified unless ``in_place`` (allowed only when the format stays). Raises FormatError for
    files that are not images privpix can read."""
    from .options import CompressOptions

    return _encode_file("compress", path, output, options or CompressOptions(), in_place)


def convert_file(path: str | Path, output: str | Path | None = None, options: ConvertOptions | None = None) -> EncodeResult:
    """Convert ``path`` into ``output`` (default: ``<stem>-converted<ext>`` beside it, e.g.
    IMG_1.HEIC -> IMG_1-converted.jpg). Raises FormatError for files privpix cannot read."""
    from .options import ConvertOptions

    return _encode_file("convert", path, output, options or ConvertOptions(), False)


def remove_bg_file(
    path: str | Path, output: str | Path | None = None, options: RemoveBgOptions | None = None, *, offline: bool = False
) -> RemoveBgResult:
    """Remove the background of ``path`` into ``output`` (default: ``<stem>-nobg.png`` beside it,
    or ``.webp``). The input is never modified. Raises FormatError for files privpix cannot read,
    ``privpix.models.ModelError`` when the model is missing and cannot be fetched."""
    from .atomic import write_atomic
    from .options import RemoveBgOptions

    source = Path(path)
    options = options or RemoveBgOptions()
    result = __getattr__("remove_bg")(source.read_bytes(), options, offline=offline)
    target = Path(output) if output is not None else source.with_name(f"{source.stem}-nobg{result.extension}")
    if target.exists() and target.resolve() == source.resolve():
        raise ValueError(f"{target}: the output would overwrite the input")
    write_atomic(target, result.data)
    return result


# The names before the tool was called remove-bg everywhere; programs written against them keep working.
remove_background_file = remove_bg_file


def erase_file(
    path: str | Path,
    output: str | Path | None = None,
    *,
    mask: str | Path | bytes | None = None,
    boxes: list[tuple[int, int, int, int]] | None = None,
    options: EraseOptions | None = None,
) -> EraseResult:
    """Erase what ``mask`` (a mask image's path or bytes, white = erase) or ``boxes`` (x, y, w, h in
    upright pixels) cover in ``path``, into ``output`` (default: ``<stem>-erased<ext>`` beside it,
    the ending following the format written). The input is never modified."""
    from .atomic import write_atomic
    from .tools.encode import output_suffix

    source = Path(path)
    mask_data = Path(mask).read_bytes() if isinstance(mask, (str, Path)) else mask
    result = __getattr__("erase")(source.read_bytes(), mask_data, options, boxes=boxes)
    suffix = output_suffix(source.suffix, result.format)
    target = Path(output) if output is not None else source.with_name(f"{source.stem}-erased{suffix}")
    if target.exists() and target.resolve() == source.resolve():
        raise ValueError(f"{target}: the output would overwrite the input")
    write_atomic(target, result.data)
    return result

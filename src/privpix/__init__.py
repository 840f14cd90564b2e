"""privpix: private image tools that run on your own device.

Library API (bytes in, bytes out; nothing touches the network)::

    import privpix
    report = privpix.inspect(data)               # what the image carries
    result = privpix.strip(data)                 # lossless metadata strip
    result.data, result.removed, result.kept
    result = privpix.compress(data, privpix.CompressOptions(target_size=500_000))
    result = privpix.convert(data, privpix.ConvertOptions(to="webp", quality=80))
    result.data, result.format, result.quality, result.removed, result.warnings
    result = privpix.remove_background(data, privpix.RemoveBgOptions(background="#ffffff"))
    result = privpix.erase(data, mask_png_bytes)   # or boxes=[(x, y, w, h)]; EraseOptions(grow=, feather=, seed=)

``remove_background`` needs its model file: found on this machine, or downloaded once from the npm
registry (the only network access in privpix; ``offline=True`` or PRIVPIX_OFFLINE=1 refuses).

Path helpers: ``inspect_file(path)``, ``strip_file(path, output=None, ...)``,
``compress_file(path, output=None, ...)``, ``convert_file(path, output=None, ...)``,
``remove_background_file(path, output=None, ...)``, ``erase_file(path, output=None, mask=..., boxes=...)``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .formats.errors import FormatError, UnsupportedError
    from .formats.findings import CATEGORIES, Finding, Inspection
    from .options import CompressOptions, ConvertOptions, EraseOptions, RemoveBgOptions, StripOptions
    from .tools.background import RemoveBgResult, remove_background
    from .tools.compress import compress
    from .tools.convert import convert
    from .tools.encode import EncodeResult
    from .tools.erase import EraseResult, erase
    from .tools.inspect import inspect
    from .tools.strip import StripResult, strip

# The public names, each imported from its module on first use: ``import privpix`` (which every
# command-line start does) then costs nothing for the tools a command does not use.
_LAZY = {
    "FormatError": ".formats.errors",
    "UnsupportedError": ".formats.errors",
    "CATEGORIES": ".formats.findings",
    "Finding": ".formats.findings",
    "Inspection": ".formats.findings",
    "CompressOptions": ".options",
    "ConvertOptions": ".options",
    "EraseOptions": ".options",
    "RemoveBgOptions": ".options",
    "StripOptions": ".options",
    "RemoveBgResult": ".tools.background",
    "remove_background": ".tools.background",
    "compress": ".tools.compress",
    "convert": ".tools.convert",
    "EncodeResult": ".tools.encode",
    "EraseResult": ".tools.erase",
    "erase": ".tools.erase",
    "inspect": ".tools.inspect",
    "StripResult": ".tools.strip",
    "strip": ".tools.strip",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'privpix' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
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
    from .tools.compress import compress
    from .tools.convert import convert
    from .tools.encode import output_suffix

    source = Path(path)
    if in_place and output is not None:
        raise ValueError("pass either output or in_place, not both")
    data = source.read_bytes()
    result = compress(data, options) if tool == "compress" else convert(data, options)  # type: ignore[arg-type]
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


def remove_background_file(
    path: str | Path, output: str | Path | None = None, options: RemoveBgOptions | None = None, *, offline: bool = False
) -> RemoveBgResult:
    """Remove the background of ``path`` into ``output`` (default: ``<stem>-nobg.png`` beside it,
    or ``.webp``). The input is never modified. Raises FormatError for files privpix cannot read,
    ``privpix.models.ModelError`` when the model is missing and cannot be fetched."""
    from .atomic import write_atomic
    from .options import RemoveBgOptions
    from .tools.background import remove_background

    source = Path(path)
    options = options or RemoveBgOptions()
    result = remove_background(source.read_bytes(), options, offline=offline)
    target = Path(output) if output is not None else source.with_name(f"{source.stem}-nobg{result.extension}")
    if target.exists() and target.resolve() == source.resolve():
        raise ValueError(f"{target}: the output would overwrite the input")
    write_atomic(target, result.data)
    return result


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
    from .tools.erase import erase

    source = Path(path)
    mask_data = Path(mask).read_bytes() if isinstance(mask, (str, Path)) else mask
    result = erase(source.read_bytes(), mask_data, options, boxes=boxes)
    suffix = output_suffix(source.suffix, result.format)
    target = Path(output) if output is not None else source.with_name(f"{source.stem}-erased{suffix}")
    if target.exists() and target.resolve() == source.resolve():
        raise ValueError(f"{target}: the output would overwrite the input")
    write_atomic(target, result.data)
    return result

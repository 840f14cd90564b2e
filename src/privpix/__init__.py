"""privpix: private image tools that run on your own device.

Library API (bytes in, bytes out; nothing touches the network)::

    import privpix
    report = privpix.inspect(data)               # what the image carries
    result = privpix.strip(data)                 # lossless metadata strip
    result.data, result.removed, result.kept

Path helpers: ``inspect_file(path)``, ``strip_file(path, output=None, ...)``.
"""

from __future__ import annotations

from pathlib import Path

from .formats.errors import FormatError, UnsupportedError
from .formats.findings import CATEGORIES, Finding, Inspection
from .options import StripOptions
from .tools.inspect import inspect
from .tools.strip import StripResult, strip

__version__ = "0.1.0"

__all__ = [
    "CATEGORIES",
    "Finding",
    "FormatError",
    "Inspection",
    "StripOptions",
    "StripResult",
    "UnsupportedError",
    "inspect",
    "inspect_file",
    "strip",
    "strip_file",
]


def inspect_file(path: str | Path) -> Inspection:
    """Inspect the image at ``path``."""
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
    from .files import write_atomic

    source = Path(path)
    if in_place and output is not None:
        raise ValueError("pass either output or in_place, not both")
    target = (
        source if in_place else Path(output) if output is not None else source.with_name(f"{source.stem}-stripped{source.suffix}")
    )
    if not in_place and target.exists() and target.resolve() == source.resolve():
        raise ValueError(f"{target}: the output would overwrite the input; pass in_place=True")
    result = strip(source.read_bytes(), options)
    write_atomic(target, result.data, mode_from=source if in_place else None, durable=in_place)
    return result

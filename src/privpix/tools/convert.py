"""Convert: turn a photo into JPEG, WebP, AVIF or PNG (HEIC included). A thin face over
``tools.encode.run``."""

from __future__ import annotations

from ..options import ConvertOptions
from .encode import EncodeResult, run


def convert(data: bytes, options: ConvertOptions | None = None) -> EncodeResult:
    options = options or ConvertOptions()
    return run(data, options.to, options)

"""Compress: make a photo smaller — same format by default, a fixed quality or a target file size,
optional downscale. A thin face over ``tools.encode.run``."""

from __future__ import annotations

from ..options import CompressOptions
from .encode import EncodeResult, run


def compress(data: bytes, options: CompressOptions | None = None) -> EncodeResult:
    options = options or CompressOptions()
    return run(data, options.format, options, options.target_size)

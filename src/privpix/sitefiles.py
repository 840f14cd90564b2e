"""A file of the web site that is a byte range of a file on disk.

The site's model files are cut into chunks (``privpix.models.site``) so that no file a static host
must store exceeds its per-file limit. ``build-site`` writes each chunk as a file of its own;
``privpix serve`` does not copy anything: it serves each chunk as a ``FileSlice`` of the model file in
the user's cache. ``url_path`` keys are relative to the site root, without a leading slash
(``models/isnet-uint8-6d44ad01.onnx.00``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BLOCK = 1 << 20


@dataclass(frozen=True)
class FileSlice:
    """``length`` bytes of ``path`` from ``offset``: one file of the site."""

    path: Path
    offset: int
    length: int

    def read(self) -> bytes:
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read(self.length)
        if len(data) != self.length:
            raise OSError(f"{self.path} is shorter than {self.offset + self.length} bytes (changed on disk?)")
        return data

    def blocks(self, size: int = BLOCK) -> Iterator[bytes]:
        """The slice's bytes in blocks of at most ``size`` (to stream without holding it whole)."""
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            left = self.length
            while left:
                block = f.read(min(size, left))
                if not block:
                    raise OSError(f"{self.path} is shorter than {self.offset + self.length} bytes (changed on disk?)")
                left -= len(block)
                yield block

    @classmethod
    def whole(cls, path: Path) -> FileSlice:
        return cls(path, 0, path.stat().st_size)

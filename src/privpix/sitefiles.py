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
    """``length`` bytes of ``path`` from ``offset`` (``length=None``: to the end of the file): one
    file of the site."""

    path: Path
    offset: int = 0
    length: int | None = None

    def __post_init__(self) -> None:
        if self.offset < 0 or (self.length is not None and self.length < 0):
            raise ValueError(f"{self.path}: a slice needs offset >= 0 and length >= 0")

    def size(self) -> int:
        return self.path.stat().st_size - self.offset if self.length is None else self.length

    def read(self) -> bytes:
        return b"".join(self.blocks())

    def blocks(self, size: int = BLOCK) -> Iterator[bytes]:
        """The slice's bytes in blocks of at most ``size`` (to stream without holding it whole)."""
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            left = self.size()
            while left:
                block = f.read(min(size, left))
                if not block:
                    raise OSError(f"{self.path} is shorter than {self.offset + self.size()} bytes (changed on disk?)")
                left -= len(block)
                yield block

    @classmethod
    def whole(cls, path: Path) -> FileSlice:
        return cls(path, 0, path.stat().st_size)


def copy_slice(part: FileSlice, target: Path) -> None:
    """Write the bytes of ``part`` to ``target`` (build-site's copy of a mapped file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for block in part.blocks():
            out.write(block)

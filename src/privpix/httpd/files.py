"""What a request path names: a file of the built site, or a slice of a file that lives elsewhere.

The site directory is served as it is. Files that are not in it — the models, kept in the user's
cache — are added by a mapping ``{url_path: FileSlice}`` (``url_path`` relative to the site root,
e.g. ``"models/isnet-uint8-6d44ad01.onnx"``); a slice may be a whole file or ``length`` bytes from
``offset``, so one cached model can be served as several smaller files. A mapped path wins over a
file of the same name in the directory.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from ..sitefiles import FileSlice


@dataclass(frozen=True)
class Resource:
    """An opened file (or slice) ready to be sent: the body is ``length`` bytes from ``offset``."""

    rel: str  # the path relative to the site root, e.g. "assets/app-1a2b.js"
    file: BinaryIO
    offset: int
    length: int
    mtime: float  # of the underlying file: Last-Modified and the validators follow it

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.rel).suffix.lower()

    @property
    def etag(self) -> str:
        # Size, modification time and slice start identify the bytes without reading them.
        return f'"{self.length:x}-{int(self.mtime * 1e6):x}-{self.offset:x}"'

    def close(self) -> None:
        self.file.close()


def request_path(target: str) -> str | None:
    """The site-relative path a request target names ("" for the root), or None when it must be
    refused: any ``..`` segment, backslash or NUL is refused outright rather than normalised."""
    path = unquote(urlsplit(target).path)
    if not path.startswith("/") or "\x00" in path or "\\" in path:
        return None
    segments = path.split("/")
    if ".." in segments or ".." in PurePosixPath(path).parts:
        return None
    return "/".join(s for s in segments if s not in ("", "."))


class Site:
    """The files a server answers with: ``root`` (a directory) plus ``extra`` mapped paths."""

    def __init__(self, root: Path, extra: Mapping[str, FileSlice] | None = None) -> None:
        self.root = root.resolve()
        self.extra = {key.strip("/"): value for key, value in (extra or {}).items()}

    def open(self, target: str) -> Resource | None:
        """The resource a request target names, opened, or None when there is nothing to serve."""
        rel = request_path(target)
        if rel is None:
            return None
        if rel in self.extra:
            return _open_slice(rel, self.extra[rel])
        candidate = self.root / rel if rel else self.root
        try:
            if candidate.is_dir():
                candidate = candidate / "index.html"
                rel = f"{rel}/index.html".lstrip("/")
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not real.is_relative_to(self.root):  # a symlink out of the site
            return None
        return _open_slice(rel, FileSlice(real))


def _open_slice(rel: str, part: FileSlice) -> Resource | None:
    try:
        file = open(part.path, "rb")  # noqa: SIM115 (closed by the caller through Resource.close)
    except OSError:
        return None
    st = os.fstat(file.fileno())
    length = st.st_size - part.offset if part.length is None else part.length
    # Only regular files, and only slices that the file still holds (it may have been replaced).
    if not stat.S_ISREG(st.st_mode) or length < 0 or part.offset + length > st.st_size:
        file.close()
        return None
    return Resource(rel, file, part.offset, length, st.st_mtime)

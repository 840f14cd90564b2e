"""Reading a photo for the audit without reading its picture (mirrors web/src/tools/audit/read.ts).

A photo's metadata sits around its picture data, and the picture is most of the file. So the file is
read sparsely: a buffer of the file's size whose picture data stays zero, with the real bytes where
the container's structure and metadata are (the offsets the engine sees are the file's own):

- JPEG: the head (every segment up to the first scan, at least HEAD bytes) and the two bytes before
  each place the image may end (``jpeg.image_end_candidates``); the audit's walk stops at the first
  scan and checks them (``jpeg.read_metadata_head``). When none is the end-of-image marker (data
  after the image, a file cut short), the tail too, for the full walk.
- HEIC/HEIF/AVIF: the head and the tail (TAIL bytes: a meta box written last).
- Anything else, and files of at most HEAD + TAIL bytes: the whole file.

Where the sparse read gives an error or a damaged file, the whole file is read and audited again
(``audit_file``). tests/test_audit_read.py holds the two to the same answers on every corpus file.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from ...files import open_input, read_input
from ...formats import jpeg
from .photo import audit_photo
from .types import PhotoAudit

HEAD = 128 * 1024
TAIL = 128 * 1024


@dataclass(frozen=True)
class Read:
    data: bytes
    bytes_read: int
    """Bytes actually read from the file."""
    sparse: bool


def _fill(f: io.BufferedReader, into: bytearray, start: int, end: int) -> int:
    """Read [start, end) of the file into ``into`` at the same offsets; the bytes read (fewer when
    the file has shrunk since its size was taken: the rest stays zero)."""
    start, end = max(0, start), min(len(into), end)
    if end <= start:
        return 0
    f.seek(start)
    view = memoryview(into)[start:end]
    done = 0
    while done < len(view):
        n = f.readinto(view[done:])
        if not n:
            break
        done += n
    return done


def read_for_audit(path: Path) -> Read:
    """The file's bytes as the audit needs them (see the module docstring). OSError when it cannot be
    read or is not a regular file (``files.open_input``)."""
    with open_input(path) as f:
        size = os.fstat(f.fileno()).st_size
        if size <= HEAD + TAIL:
            data = f.read()
            return Read(data, len(data), False)
        buffer = bytearray(size)
        bytes_read = _fill(f, buffer, 0, HEAD)
        head_end = HEAD
        if jpeg.sniff(bytes(buffer[:3])):
            # every segment before the picture data, however long (a large XMP or ICC profile)
            ends = jpeg.image_end_candidates(bytes(buffer[:head_end]), size)
            while ends is None and head_end < size:
                following = min(size, head_end * 2)
                bytes_read += _fill(f, buffer, head_end, following)
                head_end = following
                ends = jpeg.image_end_candidates(bytes(buffer[:head_end]), size)
            for end in ends or []:
                bytes_read += _fill(f, buffer, max(head_end, end - 2), end)
            if ends is not None and any(buffer[end - 2 : end] == b"\xff\xd9" for end in ends):
                return Read(bytes(buffer), bytes_read, True)
            # the image does not end where it is looked for: the full walk runs, over the zeros to the tail
        elif buffer[4:8] != b"ftyp":  # not HEIF/AVIF
            bytes_read += _fill(f, buffer, HEAD, size)
            return Read(bytes(buffer), bytes_read, False)
        bytes_read += _fill(f, buffer, max(head_end, size - TAIL), size)
        return Read(bytes(buffer), bytes_read, True)


def audit_file(path: Path, name: str) -> tuple[PhotoAudit, int]:
    """The audit of the file at ``path`` read sparsely, and the bytes read; read whole and audited
    again when the sparse read gives an error or a damaged file (which the whole file may not be)."""
    first = read_for_audit(path)
    photo = audit_photo(first.data, name)
    if not first.sparse or (photo.error is None and not photo.damaged):
        return photo, first.bytes_read
    whole = read_input(path)
    return audit_photo(whole, name), first.bytes_read + len(whole)

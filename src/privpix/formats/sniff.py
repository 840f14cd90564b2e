"""Which container a file is, decided by its first bytes, never by its name."""

from __future__ import annotations

from . import gif, isobmff, jpeg, png, tiff, webp
from .container import Container
from .errors import FormatError

# Order matters only for speed: the common formats first.
CONTAINERS: tuple[Container, ...] = (jpeg, png, webp, gif, isobmff, tiff)

SUPPORTED = "JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF or TIFF"


def _describe_start(data: bytes) -> str:
    head = data[:24]
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in head)
    if head and printable == len(head):
        text = head.decode("ascii").replace("\n", " ").replace("\r", " ").strip()
        return f'text "{text}…"' if len(data) > len(head) else f'text "{text}"'
    return "bytes " + " ".join(f"{b:02x}" for b in head[:8])


def container_for(data: bytes) -> Container:
    """The container module that reads ``data``, or a FormatError saying why there is none."""
    if not data:
        raise FormatError("", -1, "empty file (0 bytes)")
    for container in CONTAINERS:
        if container.sniff(data):
            return container
    raise FormatError("", -1, f"not an image privpix can read (expected {SUPPORTED})", _describe_start(data))

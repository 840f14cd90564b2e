"""The contract every container module (jpeg, png, webp, gif, isobmff, tiff) fulfils.

Each module is the container: its functions take the file's bytes. Parsing happens once per bytes
object (``memo.parse_once``), so a strip or an inspect that asks a container several questions about
the same bytes (its metadata, its EXIF block, its ICC profile, the stripped bytes) walks the file once.
``web/src/engine/formats/sniff.ts`` declares the same interface for the TypeScript engine.
"""

from __future__ import annotations

from typing import Protocol

from .findings import Inspection
from .policy import StripOptions


class Container(Protocol):
    NAME: str
    """The container's name in reports ("jpeg", "png", "webp", "gif", "heic", "tiff")."""
    MIME: str

    def sniff(self, data: bytes) -> bool:
        """Whether ``data`` starts like a file of this container (cheap: a few bytes)."""
        ...

    def parse(self, data: bytes) -> object:
        """Walk the whole container (memoised); FormatError naming the offset if it is malformed."""
        ...

    def read_metadata(self, data: bytes) -> Inspection:
        """What the file carries, as findings (inspect)."""
        ...

    def strip(self, data: bytes, options: StripOptions) -> bytes:
        """The file rewritten with nothing but the picture and what ``options`` keep (docs/strip.md)."""
        ...

    def exif_block(self, data: bytes) -> bytes | None:
        """The photo's own EXIF block (TIFF header onwards): the one a viewer applies and a strip's
        keep-groups read from; None when there is none."""
        ...

    def icc_profile(self, data: bytes) -> bytes | None:
        """The photo's own ICC profile, as stored (not neutralised); None when there is none."""
        ...

"""The one error every container parser raises.

A parser that meets bytes it cannot make sense of raises ``FormatError`` naming the format, the byte
offset and what it expected there, so a person can tell "truncated HEIC" from "not an image at all".
"""

from __future__ import annotations

from ..errors import Error


class FormatError(Error, ValueError):
    """The bytes are not a well-formed file of the format being read."""

    def __init__(self, fmt: str, offset: int, expected: str, found: str | None = None) -> None:
        self.format = fmt
        self.offset = offset
        self.expected = expected
        self.found = found
        super().__init__(self.describe())

    def describe(self) -> str:
        prefix = f"{self.format}: " if self.format else ""
        where = f"{prefix}at byte {self.offset}: " if self.offset >= 0 else prefix
        text = where + self.expected
        if self.found is not None:
            text += f" (found {self.found})"
        return text


class UnsupportedError(FormatError):
    """The file is well-formed, but uses a feature privpix will not rewrite safely."""

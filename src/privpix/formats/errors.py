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


class TruncatedError(FormatError):
    """The file ends before its structure does: it was cut short (an interrupted copy or download).

    A container whose picture data had begun before the cut reads what is there instead of raising
    it, and says the file is damaged (``damaged_warning``); see docs/strip.md, "Damaged files"."""


_DAMAGED, _KEPT = "damaged: ", "; what could be read is kept, and the picture is incomplete"


def damaged_warning(reason: str) -> str:
    """The warning a damaged file's inspection and strip carry; ``reason`` describes the cut."""
    return f"{_DAMAGED}{reason}{_KEPT}"


def damage_reason(warnings: list[str]) -> str | None:
    """The cut a damaged file's warnings name (``damaged_warning`` inverted), or None."""
    found = next((w for w in warnings if w.startswith(_DAMAGED) and w.endswith(_KEPT)), None)
    return None if found is None else found[len(_DAMAGED) : -len(_KEPT)]

"""A one-entry memo for container parsers.

``strip`` inspects its input, rewrites it and reports what it found; all three start with the same
parse of the same bytes. Keyed on the identity of the (immutable) input, holding a reference so
the identity cannot be reused while remembered; the parsed layouts are treated as read-only.

A writer that knows the layout of the bytes it just produced may ``prime`` the memo with it, so
inspecting its output does not parse it again (the JPEG writer does: re-scanning megabytes of
entropy-coded data it has just copied would double the cost of a strip).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Generic, TypeVar

T = TypeVar("T")


class ParseOnce(Generic[T]):
    def __init__(self, parse: Callable[[bytes], T]) -> None:
        self._parse = parse
        # (input, layout) as one tuple: replaced in one assignment, so a thread never sees one
        # input's layout paired with another's bytes
        self._entry: tuple[bytes, T] | None = None
        update_wrapper(self, parse)

    def __call__(self, data: bytes) -> T:
        entry = self._entry
        if entry is not None and entry[0] is data:
            return entry[1]
        layout = self._parse(data)
        self._entry = (data, layout)
        return layout

    def prime(self, data: bytes, layout: T) -> None:
        self._entry = (data, layout)


def parse_once(parse: Callable[[bytes], T]) -> ParseOnce[T]:
    return ParseOnce(parse)

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
        self._data: bytes | None = None
        self._layout: T | None = None
        update_wrapper(self, parse)

    def __call__(self, data: bytes) -> T:
        if self._data is not data:
            self.prime(data, self._parse(data))
        return self._layout  # type: ignore[return-value]

    def prime(self, data: bytes, layout: T) -> None:
        self._data, self._layout = data, layout


def parse_once(parse: Callable[[bytes], T]) -> ParseOnce[T]:
    return ParseOnce(parse)

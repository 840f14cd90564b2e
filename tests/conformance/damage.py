"""Seeded damage to a file, for the conformance suites that feed both engines broken versions of
real and synthetic files: the same kinds of change everywhere, reproducible from the seed."""

from __future__ import annotations

import random
from typing import Callable


def any_byte(rng: random.Random) -> int:
    """An inserted byte of any value."""
    return rng.randrange(256)


def marker_or_any_byte(rng: random.Random) -> int:
    """An inserted byte that is often 0xff or 0x00 (a JPEG marker prefix or stuffing), else any value."""
    return rng.choice((0xFF, 0, rng.randrange(256)))


def seeded_damage(
    data: bytes, rng: random.Random, lo: int = 0, hi: int | None = None, *, inserted: Callable[[random.Random], int]
) -> bytes:
    """One seeded change within data[lo:hi]: a bit flip, a byte set (often to 0xff or 0x00), a few
    bytes changed, a cut, an insertion of 1-4 bytes drawn by ``inserted``, or a deletion. One
    definition, so that every format's damaged files come from the same kinds of change."""
    hi = len(data) if hi is None else hi
    mutant = bytearray(data)
    kind = rng.randrange(8)
    pos = rng.randrange(lo, max(lo + 1, hi))
    if kind <= 2 and pos < len(mutant):
        mutant[pos] ^= 1 << rng.randrange(8)
    elif kind == 3 and pos < len(mutant):
        mutant[pos] = rng.choice((0, 0xFF, rng.randrange(256)))
    elif kind == 4:
        for _ in range(rng.randint(2, 6)):
            p = rng.randrange(lo, max(lo + 1, hi))
            if p < len(mutant):
                mutant[p] = rng.randrange(256)
    elif kind == 5:
        del mutant[pos:]
    elif kind == 6:
        mutant[pos:pos] = bytes(inserted(rng) for _ in range(rng.randint(1, 4)))
    else:
        del mutant[pos : pos + rng.randint(1, 4)]
    return bytes(mutant)

"""ICC colour profiles: a strip keeps them (so colours don't shift); inspect names them."""

from __future__ import annotations

import struct

from .findings import trim


def description(profile: bytes) -> str | None:
    """The profile's 'desc' text ("Display P3", "sRGB IEC61966-2.1"), or None if unreadable."""
    if len(profile) < 132:
        return None
    count = struct.unpack_from(">I", profile, 128)[0]
    for i in range(min(count, 200)):
        pos = 132 + 12 * i
        if pos + 12 > len(profile):
            return None
        sig, off, size = struct.unpack_from(">4sII", profile, pos)
        if sig != b"desc" or off + size > len(profile) or size < 12:
            continue
        tag = profile[off : off + size]
        kind = tag[:4]
        if kind == b"desc":
            n = struct.unpack_from(">I", tag, 8)[0]
            return trim(tag[12 : 12 + n].split(b"\x00", 1)[0].decode("latin-1")) or None
        if kind == b"mluc" and size >= 28:
            records, rec_size = struct.unpack_from(">II", tag, 8)
            if records < 1 or rec_size < 12:
                return None
            length, start = struct.unpack_from(">II", tag, 16 + 4)
            text = tag[start : start + length].decode("utf-16-be", "replace")
            return trim(text.replace("\x00", "")) or None
        return None
    return None

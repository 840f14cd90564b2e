"""Bounds-checked integer reads shared by the container parsers.

Every read names what it was reading, so a short file fails with "expected a 4-byte box size at byte
1234" rather than an IndexError.
"""

from __future__ import annotations

import struct

from .errors import TruncatedError

_U16BE = struct.Struct(">H")
_U32BE = struct.Struct(">I")
_U64BE = struct.Struct(">Q")
_U16LE = struct.Struct("<H")
_U32LE = struct.Struct("<I")


def need(data: bytes, offset: int, size: int, fmt: str, what: str) -> None:
    """Raise a TruncatedError (a FormatError) unless ``size`` bytes exist at ``offset``."""
    if offset < 0 or size < 0 or offset + size > len(data):
        raise TruncatedError(
            fmt,
            offset,
            f"expected {what} ({size} bytes), but the file ends at byte {len(data)}",
        )


def u8(data: bytes, offset: int, fmt: str, what: str) -> int:
    need(data, offset, 1, fmt, what)
    return data[offset]


def u16be(data: bytes, offset: int, fmt: str, what: str) -> int:
    need(data, offset, 2, fmt, what)
    return _U16BE.unpack_from(data, offset)[0]


def u32be(data: bytes, offset: int, fmt: str, what: str) -> int:
    need(data, offset, 4, fmt, what)
    return _U32BE.unpack_from(data, offset)[0]


def u64be(data: bytes, offset: int, fmt: str, what: str) -> int:
    need(data, offset, 8, fmt, what)
    return _U64BE.unpack_from(data, offset)[0]


def u16le(data: bytes, offset: int, fmt: str, what: str) -> int:
    need(data, offset, 2, fmt, what)
    return _U16LE.unpack_from(data, offset)[0]


def u32le(data: bytes, offset: int, fmt: str, what: str) -> int:
    need(data, offset, 4, fmt, what)
    return _U32LE.unpack_from(data, offset)[0]


def pack_u16be(value: int) -> bytes:
    return _U16BE.pack(value)


def pack_u32be(value: int) -> bytes:
    return _U32BE.pack(value)


def pack_u64be(value: int) -> bytes:
    return _U64BE.pack(value)


def pack_u32le(value: int) -> bytes:
    return _U32LE.pack(value)


def ascii4(data: bytes, offset: int) -> str:
    """A four-character code (box type, chunk type) as text; non-printable bytes as escapes."""
    code = data[offset : offset + 4]
    if code.isascii() and code.decode("ascii").isprintable():  # the usual case, without a loop
        return code.decode("ascii")
    return "".join(chr(b) if 32 <= b < 127 else f"\\x{b:02x}" for b in code)


def preview(data: bytes, offset: int, length: int = 8) -> str:
    """A short hex rendering of bytes for error messages ("ff d8 ff e1")."""
    chunk = data[offset : offset + length]
    return " ".join(f"{b:02x}" for b in chunk) if chunk else "end of file"

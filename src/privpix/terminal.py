"""Text from files and file names made safe to print for people.

Metadata values and file names are chosen by whoever made the file. Printed raw, a value holding
terminal escape sequences can clear the screen, move the cursor over lines already printed (and
hide a photo's own GPS line), or set the window title; a newline can forge a line of output; a
right-to-left override can reverse what follows. ``printable`` shows each such character as an
escape (``\\x1b``, ``\\n``, ``\\u202e``) instead, and a byte of a file name that is not valid in
the locale's encoding (kept by Python as a lone surrogate) as ``\\xNN``. Every human output of the
command line goes through it; JSON output carries the exact text (JSON escapes it).
"""

from __future__ import annotations

import os
import re

# C0 controls, DEL, C1 controls, the bidirectional overrides/isolates, the line and paragraph
# separators, and lone surrogates (undecodable bytes of a file name).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``text`` (a string or a path) with every character that could act on a terminal escaped."""
    value = os.fspath(text) if isinstance(text, os.PathLike) else str(text)
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    return _UNSAFE.sub(_escape, value)

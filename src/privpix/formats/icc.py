"""ICC colour profiles: a strip keeps them (so colours don't shift) with every byte that could name a
person blanked (``neutralise``); inspect names them (``description``).

``web/src/engine/formats/icc.ts`` mirrors this file.
"""

from __future__ import annotations

import re
import struct

from .binary import ascii4
from .findings import Finding, plural, trim

# Tags a colour engine reads to convert colours: kept byte for byte.
COLOUR_TAGS = frozenset(
    (b"A2B0", b"A2B1", b"A2B2", b"B2A0", b"B2A1", b"B2A2", b"D2B0", b"D2B1", b"D2B2", b"D2B3")
    + (b"B2D0", b"B2D1", b"B2D2", b"B2D3", b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC", b"kTRC")
    + (b"wtpt", b"bkpt", b"chad", b"chrm", b"gamt", b"pre0", b"pre1", b"pre2", b"lumi", b"meas", b"tech")
    + (b"view", b"cicp", b"rig0", b"rig2", b"ciis")
)
# Free-text tags: kept only when their text is one that standard profiles carry.
TEXT_TAGS = frozenset((b"desc", b"cprt", b"dmnd", b"dmdd", b"vued"))
STANDARD_TEXTS = frozenset(
    (
        "sRGB",
        "sRGB IEC61966-2.1",
        "sRGB built-in",
        "Display",
        "Display P3",
        "Adobe RGB (1998)",
        "Generic RGB Profile",
        "Generic Gray Profile",
        "Generic Gray Gamma 2.2 Profile",
        "Generic CMYK Profile",
        "U.S. Web Coated (SWOP) v2",
        "Coated FOGRA39 (ISO 12647-2:2004)",
        "ProPhoto RGB",
        "Rec. ITU-R BT.2020-1",
        "Copyright (c) 1998 Hewlett-Packard Company",
        "Copyright 1999 Adobe Systems Incorporated",
        "Copyright 2000 Adobe Systems, Inc.",
        "Copyright International Color Consortium, 2009",
        "no copyright, use freely",
        "No copyright, use freely",
        "Public Domain",
        "IEC http://www.iec.ch",
        "IEC 61966-2.1 Default RGB colour space - sRGB",
        "Reference Viewing Condition in IEC61966-2.1",
        "lcms generated",
    )
)
STANDARD_PATTERNS = (
    re.compile(r"Copyright Apple Inc\., [0-9]{4}"),
    re.compile(r"Copyright [0-9]{4} Apple Inc\., all rights reserved\."),
)
PROFILE_ID = slice(84, 100)


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


def _standard(text: str) -> bool:
    text = trim(text)
    return text in STANDARD_TEXTS or any(p.fullmatch(text) for p in STANDARD_PATTERNS)


def _standard_text_spans(tag: bytes) -> list[tuple[int, int]] | None:
    """The bytes of a text tag to keep, relative to the tag, when every text it holds is standard:
    its type signature, the counts and the strings (never the reserved bytes, padding or the unused
    Unicode and Macintosh parts of a v2 'desc'). None when any text is not standard."""
    kind = tag[:4]
    if kind == b"text" and len(tag) > 8:
        text = tag[8:].split(b"\x00", 1)[0]
        end = min(len(tag), 8 + len(text) + 1)
        return [(0, 4), (8, end)] if _standard(text.decode("latin-1")) else None
    if kind == b"desc" and len(tag) >= 12:
        return _desc_spans(tag)
    if kind == b"mluc" and len(tag) >= 16:
        records, rec_size = struct.unpack_from(">II", tag, 8)
        if rec_size < 12 or 16 + records * rec_size > len(tag):
            return None
        spans = [(0, 4), (8, 16)]
        for r in range(records):
            at = 16 + r * rec_size
            length, start = struct.unpack_from(">II", tag, at + 4)
            if start + length > len(tag) or not _standard(tag[start : start + length].decode("utf-16-be", "replace")):
                return None
            spans += [(at, at + 12), (start, start + length)]
        return spans
    return None


def _desc_spans(tag: bytes) -> list[tuple[int, int]] | None:
    """A v2 'desc' tag: an ASCII string, then a Unicode one (language, count, UTF-16), then a Macintosh
    one (script code, count, 67 bytes). The ASCII string must be standard; the other two are kept when
    empty or standard too, and zeroed otherwise."""
    n = struct.unpack_from(">I", tag, 8)[0]
    if 12 + n > len(tag) or not _standard(tag[12 : 12 + n].split(b"\x00", 1)[0].decode("latin-1")):
        return None
    spans = [(0, 4), (8, 12 + n)]
    at = 12 + n
    if at + 8 <= len(tag):
        units = struct.unpack_from(">I", tag, at + 4)[0]
        end = at + 8 + 2 * units
        if end <= len(tag) and (units == 0 or _standard(tag[at + 8 : end].decode("utf-16-be", "replace").replace("\x00", ""))):
            spans.append((at, end))
            at = end
            if at + 3 <= len(tag):
                chars = tag[at + 2]
                end = at + 3 + chars
                script = tag[at + 3 : end].split(b"\x00", 1)[0].decode("latin-1")
                if chars <= 67 and end <= len(tag) and (chars == 0 or _standard(script)):
                    spans.append((at, end))
    return spans


def neutralise(profile: bytes) -> bytes | None:
    """``profile`` with every byte a colour engine does not read, and that could carry text, set to
    zero; None when the profile's own structure is broken (a strip then drops it).

    Kept: the 128-byte header, the tag table, every colour tag (``COLOUR_TAGS``), and the text tags
    (``TEXT_TAGS``) whose every string is one standard profiles carry (``STANDARD_TEXTS``,
    ``STANDARD_PATTERNS``) - their structure and strings only. Every other tag keeps its type
    signature and is zeroed after it (a monitor's make, model and serial number in 'mmod', a person's
    name in 'desc' or 'cprt', private tags); so are the bytes no tag covers and anything after the size
    the header declares. If anything changed, the profile ID (an MD5 of the original) is zeroed too.
    Tags that share bytes with a kept tag keep those bytes.
    """
    if len(profile) < 132:
        return None
    (size,) = struct.unpack_from(">I", profile, 0)
    (count,) = struct.unpack_from(">I", profile, 128)
    if size > len(profile) or 132 + 12 * count > size:
        return None
    spans = [(0, 132 + 12 * count)]
    for i in range(count):
        sig, off, n = struct.unpack_from(">4sII", profile, 132 + 12 * i)
        if n < 4 or off + n > size:
            return None
        if sig in COLOUR_TAGS:
            spans.append((off, off + n))
            continue
        text = _standard_text_spans(profile[off : off + n]) if sig in TEXT_TAGS else None
        spans += [(off + a, off + b) for a, b in text] if text is not None else [(off, off + 4)]
    out = bytearray(size)
    for a, b in spans:
        out[a:b] = profile[a:b]
    if out != profile:
        out[PROFILE_ID] = bytes(16)
    return bytes(out)


def _tag_text(tag: bytes) -> str:
    """The first string of a text tag, for a report; "" when it has none that can be read."""
    kind = tag[:4]
    if kind == b"text":
        return trim(tag[8:].split(b"\x00", 1)[0].decode("latin-1"))
    if kind == b"desc" and len(tag) >= 12:
        n = struct.unpack_from(">I", tag, 8)[0]
        return trim(tag[12 : 12 + n].split(b"\x00", 1)[0].decode("latin-1"))
    if kind == b"mluc" and len(tag) >= 28:
        length, start = struct.unpack_from(">II", tag, 20)
        return trim(tag[start : start + length].decode("utf-16-be", "replace").replace("\x00", ""))
    return ""


def blanked(profile: bytes) -> tuple[list[str], list[str]]:
    """What ``neutralise`` blanks in ``profile``: the texts of its free-text tags ("desc: Jane's
    monitor") and the signatures of its other tags, each once, in table order."""
    neutral = neutralise(profile)
    texts: list[str] = []
    tags: list[str] = []
    if neutral is None:
        return texts, tags
    for i in range(struct.unpack_from(">I", profile, 128)[0]):
        sig, off, n = struct.unpack_from(">4sII", profile, 132 + 12 * i)
        if sig in COLOUR_TAGS or profile[off : off + n] == neutral[off : off + n]:
            continue
        name = ascii4(sig, 0)
        if sig in TEXT_TAGS:
            entry = f"{name}: {_tag_text(profile[off : off + n]) or '(unreadable)'}"
            if entry not in texts:
                texts.append(entry)
        elif name not in tags:
            tags.append(name)
    return texts, tags


def findings(profile: bytes, block: str, offset: int, length: int) -> list[Finding]:
    """The profile a strip keeps, named by its description, and what the strip blanks in it: free
    text that is not a standard profile's (people) and tags no colour engine reads (device)."""
    out = [Finding("kept", "ICC profile", description(profile) or "unnamed", block, offset, length, {"bytes": len(profile)})]
    texts, tags = blanked(profile)
    if texts:
        out.append(Finding("people", "Colour profile text", "; ".join(texts), block, offset, length))
    if tags:
        value = f"{plural(len(tags), 'tag')} blanked: {', '.join(tags)}"
        out.append(Finding("device", "Colour profile tags", value, block, offset, length))
    return out

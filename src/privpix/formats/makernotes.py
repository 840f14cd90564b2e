"""Maker notes: the camera maker's private block inside the Exif IFD (tag 0x927C), read only for the
serial numbers it holds (mirrors web/src/engine/formats/makernotes.ts).

Each maker lays its notes out differently: a header (or none), an IFD, a byte order of its own or the
EXIF block's, and value offsets counted from the EXIF block's TIFF header or from the notes
themselves. ``_layout`` below tells them apart; the tag ids come from the makers' tag tables as ExifTool
documents them (docs/strip.md, "Maker notes"). Everything here is bounded by the block and never
raises: a maker note that does not read as its maker's layout gives no serial numbers, not an error.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

from . import exif as exif_fmt  # exif imports this module too: names are looked up when called
from .errors import FormatError
from .findings import trim

BODY = "Body serial number"
LENS = "Lens serial number"
INTERNAL = "Internal serial number"
ACCESSORY = "Accessory serial number"

MAX_ENTRIES = 1000
"""An IFD with more entries than this is not a maker-notes IFD (the largest real ones have ~200)."""
MAX_SERIAL_BYTES = 64
"""A serial number is a few dozen bytes; a longer value is cut here before it is shown."""

_VENDOR_PREFIXES = (
    (b"Nikon", "Nikon"),
    (b"OLYMPUS", "Olympus"),
    (b"OLYMP", "Olympus"),
    (b"OM SYSTEM", "OM System"),
    (b"Apple iOS", "Apple"),
    (b"FUJIFILM", "Fujifilm"),
    (b"Panasonic", "Panasonic"),
    (b"SONY", "Sony"),
    (b"PENTAX", "Pentax"),
    (b"AOC", "Pentax"),
    (b"SAMSUNG", "Samsung"),
    (b"LEICA", "Leica"),
    (b"Ricoh", "Ricoh"),
    (b"RICOH", "Ricoh"),
    (b"SIGMA", "Sigma"),
)
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def vendor(raw: bytes, make: str) -> str:
    """Whose maker notes these are: from the notes' own header, else from the camera make."""
    for prefix, name in _VENDOR_PREFIXES:
        if raw.startswith(prefix):
            return name
    if not make:
        return "vendor"
    word = make.split(" ")[0]
    # ASCII-only case mapping: Unicode title-casing differs between Python and JavaScript
    return word[:1].translate(_ASCII_UPPER) + word[1:].translate(_ASCII_LOWER)


@dataclass(frozen=True)
class Serial:
    """One serial number found in maker notes: ``label`` is BODY, LENS, INTERNAL or ACCESSORY."""

    label: str
    value: str


@dataclass(frozen=True)
class _Layout:
    maker: str
    """Key into ``_TAGS``."""
    view: bytes
    """The bytes the notes' offsets count from (the EXIF block, or the notes themselves)."""
    ifd_at: int
    """Where the notes' IFD starts in ``view``."""
    little: bool | None
    """The notes' byte order, or None when it must be told from the IFD's entry count."""


# ---- value decoders: (entry, little, model) -> (label, value) pairs ---------------------------------


def _printable(raw: bytes) -> str:
    """A serial stored as text: up to the first NUL, without trailing padding (0xFF, spaces); bytes
    that are not printable ASCII are shown as hexadecimal (a garbled or binary value is still one)."""
    cut = raw[:MAX_SERIAL_BYTES].split(b"\x00", 1)[0].rstrip(b"\xff \t")
    if all(0x20 <= b < 0x7F for b in cut):
        return trim(cut.decode("ascii"))
    return cut.hex()


def _hex(raw: bytes) -> str:
    """Bytes as hexadecimal, or "" when they are all zero (a slot the camera left empty)."""
    return raw.hex() if any(raw) else ""


Decoder = Callable[["exif_fmt.Entry", bool, str], list[tuple[str, str]]]


def _text_as(label: str) -> Decoder:
    return lambda entry, little, model: [(label, _printable(entry.raw))]


def _canon_body(entry: exif_fmt.Entry, little: bool, model: str) -> list[tuple[str, str]]:
    values = exif_fmt.uints(entry, little)
    if entry.type not in (3, 4) or not values or not values[0]:
        return []
    n = values[0]
    # How Canon prints it on the camera, by model family (ExifTool's Canon tag 0x000C)
    if re.search(r"EOS D30\b", model, re.ASCII):
        return [(BODY, f"{n >> 16:04x}{n & 0xFFFF:05d}")]
    if "EOS-1D" in model:
        return [(BODY, f"{n:06d}")]
    return [(BODY, f"{n:010d}")]


def _canon_internal(entry: exif_fmt.Entry, little: bool, model: str) -> list[tuple[str, str]]:
    # The EOS 5D keeps it as a string 9 bytes into a small record
    raw = entry.raw[9:] if "EOS 5D" in model else entry.raw
    return [(INTERNAL, _printable(raw))]


def _canon_lens(entry: exif_fmt.Entry, little: bool, model: str) -> list[tuple[str, str]]:
    return [(LENS, _hex(entry.raw[:5]))] if len(entry.raw) >= 5 else []


def _sony_body(entry: exif_fmt.Entry, little: bool, model: str) -> list[tuple[str, str]]:
    value = _printable(entry.raw)
    if re.fullmatch(r"\d{8}", value):  # stored as four digit pairs in reverse order
        value = f"{int(value[6:8] + value[4:6] + value[2:4] + value[0:2]):08d}"
    return [(BODY, value)]


def _ricoh(entry: exif_fmt.Entry, little: bool, model: str) -> list[tuple[str, str]]:
    raw = entry.raw[:16]
    if re.fullmatch(rb"[-\w ]+", raw):
        return [(BODY, trim(raw.decode("ascii")))]
    return [(INTERNAL, _hex(raw))]


def _nintendo(entry: exif_fmt.Entry, little: bool, model: str) -> list[tuple[str, str]]:
    serial = _hex(entry.raw[0x18:0x1C]) if len(entry.raw) >= 0x1C else ""
    return [(INTERNAL, "0x" + serial)] if serial else []


_OLYMPUS_EQUIPMENT = 0x2010
"""Olympus keeps body, lens and accessory serials in an Equipment IFD (a pointer, or the IFD inline)."""

_TAGS: dict[str, dict[int, Decoder]] = {
    "canon": {0x000C: _canon_body, 0x0096: _canon_internal, 0x4019: _canon_lens},
    "nikon": {0x001D: _text_as(BODY), 0x00A0: _text_as(BODY)},
    "olympus": {0x0404: _text_as(BODY), 0x101A: _text_as(BODY)},
    "olympus-equipment": {
        0x0101: _text_as(BODY),
        0x0102: _text_as(INTERNAL),
        0x0202: _text_as(LENS),
        0x0302: _text_as(ACCESSORY),  # teleconverter
        0x1003: _text_as(ACCESSORY),  # flash
    },
    "panasonic": {0x0025: _text_as(INTERNAL), 0x0052: _text_as(LENS), 0x0054: _text_as(ACCESSORY)},
    "fujifilm": {0x0010: _text_as(INTERNAL)},
    "sony": {0x2031: _sony_body},
    "pentax": {0x0229: _text_as(BODY)},
    "ricoh": {0x0005: _ricoh},
    "samsung": {0xA002: _text_as(BODY), 0xA005: _text_as(LENS)},
    "nintendo": {0x1101: _nintendo},
}


# ---- layouts -------------------------------------------------------------------------------------


def _order(mark: bytes) -> bool | None:
    return True if mark == b"II" else False if mark == b"MM" else None


def _samsung_order(raw: bytes) -> bool | None:
    """Samsung's EXIF-style notes open with a MakerNoteVersion entry holding "0100"; anything else is
    another of its formats (or not Samsung's at all)."""
    if raw[1:2] == b"\x00" and raw[2:14] == b"\x01\x00\x07\x00\x04\x00\x00\x000100":
        return True
    if raw[0:1] == b"\x00" and raw[2:14] == b"\x00\x01\x00\x07\x00\x00\x00\x040100":
        return False
    return None


def _layout(tiff: bytes, note: exif_fmt.Entry, make: str) -> _Layout | None:
    """How the notes are laid out, from their header and the camera make (as ExifTool tells them apart)."""
    raw, at = note.raw, note.value_offset
    maker = make.translate(_ASCII_UPPER)
    if raw.startswith(b"Nikon\x00\x02"):  # a TIFF header of its own 10 bytes in
        inner = raw[10:]
        little = _order(inner[:2])
        if little is None or len(inner) < 8:
            return None
        return _Layout("nikon", inner, struct.unpack_from("<I" if little else ">I", inner, 4)[0], little)
    if raw.startswith(b"Nikon"):  # type 1 (early Coolpix): no serial number
        return None
    if raw.startswith((b"OLYMP\x00", b"EPSON\x00")):
        return _Layout("olympus", tiff, at + 8, None)
    if raw.startswith(b"OLYMPUS\x00"):
        return _Layout("olympus", raw, 12, _order(raw[8:10]))
    if raw.startswith(b"OM SYSTEM\x00"):
        return _Layout("olympus", raw, 16, _order(raw[12:14]))
    if raw.startswith((b"FUJIFILM", b"GENERALE")) and len(raw) >= 12:
        return _Layout("fujifilm", raw, struct.unpack_from("<I", raw, 8)[0], True)
    if raw.startswith(b"Panasonic"):
        return _Layout("panasonic", tiff, at + 12, None)
    if raw.startswith((b"SONY DSC ", b"SONY CAM ", b"SONY MOBILE")):
        return _Layout("sony", tiff, at + 12, None)
    if raw.startswith(b"AOC\x00"):
        return _Layout("pentax", tiff, at + 6, _order(raw[4:6]))
    if raw.startswith(b"PENTAX \x00"):
        return _Layout("pentax", raw, 10, _order(raw[8:10]))
    if raw.startswith(b"RICOH\x00") and _order(raw[6:8]) is not None:  # Ricoh GR III and later: Pentax's format
        return _Layout("pentax", raw, 8, _order(raw[6:8]))
    if maker.startswith(("RICOH", "PENTAX RICOH")) and raw[:5].upper() == b"RICOH":
        return _Layout("ricoh", tiff, at + 8, None)
    if maker.startswith("CANON"):
        return _Layout("canon", tiff, at, None)
    if maker.startswith("NIKON"):  # headerless (older Coolpix)
        return _Layout("nikon", tiff, at, None)
    if maker.startswith("SONY") and not raw.startswith((b"SONY", b"\x01\x00")):  # headerless (ARW, SR2)
        return _Layout("sony", tiff, at, None)
    if maker == "SAMSUNG" and _samsung_order(raw) is not None:
        return _Layout("samsung", tiff, at, _samsung_order(raw))
    if make == "Nintendo":
        return _Layout("nintendo", tiff, at, None)
    return None


def _entry_count(view: bytes, at: int, little: bool) -> int:
    return struct.unpack_from("<H" if little else ">H", view, at)[0] if 0 <= at <= len(view) - 2 else 0


def _guess_order(view: bytes, at: int, parent: bool) -> bool | None:
    """The byte order in which the IFD at ``at`` has a plausible entry count: read the wrong way round,
    a count of n becomes n × 256, so the smaller of the two plausible counts wins."""
    counts = [(_entry_count(view, at, little), little) for little in (parent, not parent)]
    fits = [(n, little) for n, little in counts if 0 < n <= MAX_ENTRIES and at + 2 + 12 * n <= len(view)]
    return min(fits, key=lambda c: c[0])[1] if fits else None


def _read(view: bytes, at: int, little: bool | None, parent: bool) -> tuple[dict[int, exif_fmt.Entry], bool] | None:
    order = little if little is not None else _guess_order(view, at, parent)
    if order is None or not 0 < _entry_count(view, at, order) <= MAX_ENTRIES:
        return None
    try:
        return exif_fmt.read_ifd(view, at, order, "MakerNotes", [], 0, exif_fmt.ReadBudget(len(view))).entries, order
    except FormatError:
        return None


def _decode(table: dict[int, Decoder], entries: dict[int, exif_fmt.Entry], little: bool, model: str) -> list[Serial]:
    out: list[Serial] = []
    for tag, decode in table.items():
        entry = entries.get(tag)
        if entry is not None:
            out.extend(Serial(label, value) for label, value in decode(entry, little, model) if value)
    return out


def _olympus_equipment(layout: _Layout, entries: dict[int, exif_fmt.Entry], little: bool, model: str) -> list[Serial]:
    entry = entries.get(_OLYMPUS_EQUIPMENT)
    if entry is None:
        return []
    pointer = exif_fmt.uints(entry, little) if entry.type in (4, 13) and entry.count == 1 else []
    at = pointer[0] if pointer else entry.value_offset
    sub = _read(layout.view, at, None, little)
    return _decode(_TAGS["olympus-equipment"], sub[0], sub[1], model) if sub else []


def serials(tiff: bytes, note: exif_fmt.Entry, little: bool, make: str, model: str) -> list[Serial]:
    """The serial numbers in maker notes ``note`` of the EXIF block ``tiff`` (byte order ``little``)
    of a camera ``make``/``model``; [] when the notes' layout is not one read here."""
    layout = _layout(tiff, note, make)
    if layout is None:
        return []
    found = _read(layout.view, layout.ifd_at, layout.little, little)
    if found is None:
        return []
    entries, order = found
    out = _decode(_TAGS[layout.maker], entries, order, model)
    if layout.maker == "olympus":
        out.extend(_olympus_equipment(layout, entries, order, model))
    unique: list[Serial] = []
    for serial in out:
        if serial not in unique:
            unique.append(serial)
    return unique

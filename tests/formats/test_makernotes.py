"""Maker-note serial numbers on synthetic notes, one per maker layout the corpus lacks, with ExifTool as
the judge of what each note holds; and notes with hostile offsets, which must never break inspect.

``CASES`` (also run through both engines by tests/conformance/test_makernotes_synthetic.py) are whole
JPEGs whose EXIF carries Make, Model and a MakerNote built the way each maker writes it.
"""

from __future__ import annotations

import io
import random
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

import privpix
from privpix.formats import exif, makernotes
from privpix.formats.findings import Finding
from privpix.tools.audit import audit_photo
from tests.conftest import exiftool_json

ASCII, SHORT, LONG, UNDEFINED, IFD_TYPE = 2, 3, 4, 7, 13

Value = tuple[int, int, bytes]
"""(tag, type, value bytes) of one IFD entry."""


def ifd(entries: list[Value], little: bool, at: int, base: int = 0) -> bytes:
    """An IFD that will sit at ``at`` in a buffer whose offsets count from ``base`` (both positions in
    that buffer), its out-of-line values right after it."""
    e = "<" if little else ">"
    data_at = at + 2 + 12 * len(entries) + 4
    table = bytearray(struct.pack(e + "H", len(entries)))
    values = bytearray()
    for tag, typ, raw in entries:
        count = len(raw) // {SHORT: 2, LONG: 4, IFD_TYPE: 4}.get(typ, 1)
        table += struct.pack(e + "HHI", tag, typ, count)
        if len(raw) <= 4:
            table += raw.ljust(4, b"\x00")
        else:
            table += struct.pack(e + "I", data_at + len(values) - base)
            values += raw + b"\x00" * (len(raw) & 1)
    return bytes(table + struct.pack(e + "I", 0) + values)


def exif_block(make: str, model: str, note: Callable[[int], bytes], little: bool = True) -> bytes:
    """A TIFF-structured EXIF block: IFD0 (Make, Model, Exif pointer), an Exif IFD holding only the
    MakerNote, then the note, built by ``note(at)`` for the offset it will sit at."""
    e = "<" if little else ">"
    make_raw, model_raw = make.encode() + b"\x00", model.encode() + b"\x00"
    ifd0_size = 2 + 12 * 3 + 4 + sum(len(v) + (len(v) & 1) for v in (make_raw, model_raw) if len(v) > 4)
    exif_at = 8 + ifd0_size
    note_at = exif_at + 2 + 12 + 4
    body = note(note_at)
    head = (b"II*\x00" if little else b"MM\x00*") + struct.pack(e + "I", 8)
    ifd0 = ifd([(0x010F, ASCII, make_raw), (0x0110, ASCII, model_raw), (0x8769, LONG, struct.pack(e + "I", exif_at))], little, 8)
    exif = struct.pack(e + "HHHII", 1, 0x927C, UNDEFINED, len(body), note_at) + struct.pack(e + "I", 0)
    return head + ifd0 + exif + body


def jpeg_with_exif(tiff: bytes) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 120, 150)).save(out, "JPEG", exif=b"Exif\x00\x00" + tiff)
    return out.getvalue()


def _u32(value: int, little: bool) -> bytes:
    return struct.pack("<I" if little else ">I", value)


# ---- one note per maker layout --------------------------------------------------------------------


def canon(little: bool) -> Callable[[int], bytes]:
    lens_info = bytes.fromhex("0000214e1c") + b"\x00" * 25
    entries = [(0x000C, LONG, _u32(1234567, little)), (0x0096, ASCII, b"AB1234567\x00"), (0x4019, UNDEFINED, lens_info)]
    return lambda at: ifd(entries, little, at)


def nikon_type3(at: int) -> bytes:
    inner = b"MM\x00*" + _u32(8, False) + ifd([(0x001D, ASCII, b"7654321\x00")], False, 8)
    return b"Nikon\x00\x02\x10\x00\x00" + inner


def nikon_headerless(at: int) -> bytes:
    return ifd([(0x001D, ASCII, b"3000123\x00")], True, at)


def olympus_type2(at: int) -> bytes:
    equipment = ifd(
        [(0x0101, ASCII, b"BX1234   \x00"), (0x0102, ASCII, b"4100000000000001\x00"), (0x0202, ASCII, b"LN9876\x00")], True, 40
    )
    main = ifd([(0x2010, IFD_TYPE, _u32(40, True))], True, 12)
    head = b"OLYMPUS\x00II\x03\x00" + main
    return head + b"\x00" * (40 - len(head)) + equipment


def om_system(at: int) -> bytes:
    equipment = ifd([(0x0101, ASCII, b"OM0001   \x00"), (0x1003, ASCII, b"FL700\x00")], False, 40)
    main = ifd([(0x2010, IFD_TYPE, _u32(40, False))], False, 16)
    head = b"OM SYSTEM\x00\x00\x00MM\x04\x00" + main
    return head + b"\x00" * (40 - len(head)) + equipment


def olympus_type1(at: int) -> bytes:
    return b"OLYMP\x00\x01\x00" + ifd([(0x0404, ASCII, b"D595Z0001\x00")], True, at + 8)


def panasonic(at: int) -> bytes:
    entries = [
        (0x0025, UNDEFINED, b"F541106290396\x00\x00\x00"),
        (0x0052, ASCII, b"08JG1234  \x00"),
        (0x0054, ASCII, b"ACC123\x00"),
    ]
    return b"Panasonic\x00\x00\x00" + ifd(entries, True, at + 12)


def fujifilm(at: int) -> bytes:
    return b"FUJIFILM" + _u32(12, True) + ifd([(0x0010, ASCII, b"FPX20017035 592D31313034060427796060110384\x00")], True, 12)


def sony(at: int) -> bytes:
    return b"SONY DSC \x00\x00\x00" + ifd([(0x2031, ASCII, b"78563412\x00")], True, at + 12)


def pentax_aoc(at: int) -> bytes:
    return b"AOC\x00MM" + ifd([(0x0229, ASCII, b"4512345\x00")], False, at + 6)


def pentax_type5(at: int) -> bytes:
    return b"PENTAX \x00II" + ifd([(0x0229, ASCII, b"7654321X\x00")], True, 10)


def ricoh(at: int) -> bytes:
    return b"Ricoh\x00\x00\x00" + ifd([(0x0005, UNDEFINED, b"AB0012345678    ")], False, at + 8)


def samsung(at: int) -> bytes:
    return ifd([(0x0001, UNDEFINED, b"0100"), (0xA002, ASCII, b"SN12345678\x00")], True, at)


def nintendo(at: int) -> bytes:
    info = bytearray(0x30)
    info[0x18:0x1C] = bytes.fromhex("f3bd5b57")
    return ifd([(0x1101, UNDEFINED, bytes(info))], True, at)


@dataclass(frozen=True)
class Case:
    make: str
    model: str
    note: Callable[[int], bytes]
    little: bool
    serials: dict[str, str]
    """Finding label -> the value privpix must show."""


B, L, INTERNAL, ACCESSORY = makernotes.BODY, makernotes.LENS, makernotes.INTERNAL, makernotes.ACCESSORY
MAKERS: dict[str, Case] = {
    "canon_le": Case("Canon", "Canon EOS 70D", canon(True), True, {B: "0001234567", INTERNAL: "AB1234567", L: "0000214e1c"}),
    "canon_be": Case("Canon", "Canon EOS 70D", canon(False), False, {B: "0001234567", INTERNAL: "AB1234567", L: "0000214e1c"}),
    "nikon_type3": Case("NIKON CORPORATION", "NIKON D7000", nikon_type3, True, {B: "7654321"}),
    "nikon_headerless": Case("NIKON", "E990", nikon_headerless, True, {B: "3000123"}),
    "olympus_type2": Case(
        "OLYMPUS IMAGING CORP.", "E-M5", olympus_type2, True, {B: "BX1234", INTERNAL: "4100000000000001", L: "LN9876"}
    ),
    "om_system": Case("OM Digital Solutions", "OM-1", om_system, True, {B: "OM0001", ACCESSORY: "FL700"}),
    "olympus_type1": Case("OLYMPUS OPTICAL CO.,LTD", "C7070WZ", olympus_type1, True, {B: "D595Z0001"}),
    "panasonic": Case("Panasonic", "DMC-L1", panasonic, True, {INTERNAL: "F541106290396", L: "08JG1234", ACCESSORY: "ACC123"}),
    "fujifilm": Case("FUJIFILM", "X-T3", fujifilm, True, {INTERNAL: "FPX20017035 592D31313034060427796060110384"}),
    "sony": Case("SONY", "ILCE-9", sony, True, {B: "12345678"}),
    "pentax_aoc": Case("PENTAX Corporation", "PENTAX K-7", pentax_aoc, True, {B: "4512345"}),
    "pentax_type5": Case("PENTAX", "PENTAX Q", pentax_type5, False, {B: "7654321X"}),
    "ricoh": Case("RICOH", "GXR", ricoh, False, {B: "AB0012345678"}),
    "samsung": Case("SAMSUNG", "NX100", samsung, True, {B: "SN12345678"}),
    "nintendo": Case("Nintendo", "Nintendo 3DS", nintendo, True, {INTERNAL: "0xf3bd5b57"}),
}
CASES: dict[str, bytes] = {name: jpeg_with_exif(exif_block(c.make, c.model, c.note, c.little)) for name, c in MAKERS.items()}


def _serial_findings(data: bytes) -> list[Finding]:
    return [f for f in privpix.inspect(data).findings if f.block.endswith("MakerNotes")]


@pytest.mark.parametrize("name", list(MAKERS))
def test_each_makers_serial_numbers_are_read(name: str) -> None:
    found = _serial_findings(CASES[name])
    assert {f.label: f.value for f in found} == MAKERS[name].serials
    assert all(f.category == "device" and f.block == "APP1 EXIF MakerNotes" for f in found)
    photo = audit_photo(CASES[name], f"{name}.jpg")
    assert {i.value for i in photo.identity if i.kind == "serial"} == set(MAKERS[name].serials.values())
    assert photo.risk == "medium"


def _same_serial(ours: str, judge: object) -> bool:
    """ExifTool's ``-n`` values are unformatted: a number without the leading zeros a camera prints."""
    theirs = " ".join(str(judge).split())
    return ours == theirs or (ours.isdigit() and theirs.isdigit() and int(ours) == int(theirs))


def test_exiftool_reads_the_same_serial_numbers(tmp_path: Path) -> None:
    """ExifTool is the judge of the synthetic notes: each serial number it reads in them is one privpix
    shows, and privpix shows none that ExifTool does not read."""
    paths = []
    for name, data in CASES.items():
        (tmp_path / f"{name}.jpg").write_bytes(data)
        paths.append(tmp_path / f"{name}.jpg")
    judged = exiftool_json(paths, "-n")
    problems = {}
    for path in paths:
        theirs = [v for k, v in judged[path.name].items() if k.endswith("SerialNumber") and not k.startswith(("ExifIFD", "IFD0"))]
        ours = [f.value for f in _serial_findings(path.read_bytes())]
        unmatched = [v for v in theirs if not any(_same_serial(o, v) for o in ours)]
        extra = [o for o in ours if not any(_same_serial(o, v) for v in theirs)]
        if unmatched or extra or not ours:
            problems[path.stem] = {"exiftool only": unmatched, "privpix only": extra}
    assert problems == {}


def test_strip_removes_every_maker_note() -> None:
    for name, data in CASES.items():
        stripped = privpix.strip(data).data
        assert not _serial_findings(stripped), name
        assert not any(f.key == "maker_notes" for f in privpix.inspect(stripped).findings), name
        for value in MAKERS[name].serials.values():
            assert value.encode() not in stripped, (name, value)


# ---- hostile notes ----------------------------------------------------------------------------------


def _overlapping(at: int) -> bytes:
    """300 entries that all point at the same 4 kB: reading them all would copy 1.2 MB."""
    n, size = 300, 4000
    shared = at + 2 + 12 * n + 4
    table = b"".join(struct.pack("<HHII", 0x4019, UNDEFINED, size, shared) for _ in range(n))
    return struct.pack("<H", n) + table + b"\x00" * 4 + b"\x01" * size


def _hostile_notes() -> dict[str, Callable[[int], bytes]]:
    far = 0x7FFFFFF0
    return {
        "ifd_past_the_end": lambda at: b"OLYMPUS\x00II\x03\x00" + b"\x00" * 4,
        "count_ffff": lambda at: b"\xff\xff" + b"\x00" * 30,
        "value_offset_far": lambda at: struct.pack("<HHHII", 1, 0x000C, ASCII, 40, far) + b"\x00" * 4,
        "value_offset_negative_wrap": lambda at: struct.pack("<HHHII", 1, 0x0096, ASCII, 0xFFFFFFFF, 100) + b"\x00" * 4,
        "nikon_inner_header_cut": lambda at: b"Nikon\x00\x02\x10\x00\x00MM\x00*",
        "nikon_inner_ifd_far": lambda at: b"Nikon\x00\x02\x10\x00\x00MM\x00*" + _u32(far, False),
        "fuji_ifd_far": lambda at: b"FUJIFILM" + _u32(far, True),
        "olympus_equipment_loop": lambda at: b"OLYMPUS\x00II\x03\x00" + ifd([(0x2010, IFD_TYPE, _u32(12, True))], True, 12),
        "olympus_equipment_far": lambda at: b"OLYMPUS\x00II\x03\x00" + ifd([(0x2010, IFD_TYPE, _u32(far, True))], True, 12),
        "entries_overlapping_one_value": _overlapping,
        "nintendo_info_short": lambda at: ifd([(0x1101, UNDEFINED, b"\x01" * 0x1B)], True, at),
        "empty": lambda at: b"",
    }


HOSTILE_MAKES = {
    "ifd_past_the_end": "OLYMPUS",
    "count_ffff": "Canon",
    "value_offset_far": "Canon",
    "value_offset_negative_wrap": "Canon",
    "nikon_inner_header_cut": "NIKON",
    "nikon_inner_ifd_far": "NIKON",
    "fuji_ifd_far": "FUJIFILM",
    "olympus_equipment_loop": "OLYMPUS",
    "olympus_equipment_far": "OLYMPUS",
    "entries_overlapping_one_value": "Canon",
    "nintendo_info_short": "Nintendo",
    "empty": "Canon",
}


def hostile_cases() -> dict[str, bytes]:
    """Crafted notes (offsets outside the block, loops, cut headers, huge counts) and seeded byte flips
    of every maker's note."""
    cases = {
        f"hostile_{name}": jpeg_with_exif(exif_block(HOSTILE_MAKES[name], "X", note)) for name, note in _hostile_notes().items()
    }
    rng = random.Random(13)
    for name, case in MAKERS.items():
        tiff = bytearray(exif_block(case.make, case.model, case.note, case.little))
        note_at = exif.parse(bytes(tiff)).exif.entries[exif.TAG_MAKERNOTE].value_offset  # type: ignore[union-attr]
        for i in range(6):
            flipped = bytearray(tiff)
            for _ in range(4):
                pos = rng.randrange(note_at, len(flipped))
                flipped[pos] = rng.randrange(256)
            cases[f"flipped_{name}_{i}"] = jpeg_with_exif(bytes(flipped))
    return cases


HOSTILE = hostile_cases()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_notes_never_break_inspect(name: str) -> None:
    result = privpix.inspect(HOSTILE[name])
    assert any(f.key == "maker_notes" for f in result.findings)
    assert all(len(f.value) <= 2 * makernotes.MAX_SERIAL_BYTES for f in result.findings if f.block.endswith("MakerNotes"))


def test_crafted_notes_give_no_serial_number() -> None:
    for name in _hostile_notes():
        assert _serial_findings(HOSTILE[f"hostile_{name}"]) == [], name

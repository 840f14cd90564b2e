"""Crafted files that once made a parser do work far out of proportion to their size.

Shared by the tests (which count the work done) and bench/hostile_files.py (which times it): each
builder returns bytes whose size is what the caller asks, so work can be compared across sizes.
"""

from __future__ import annotations

import zlib

# Repeated units of an XMP packet: unclosed elements, list items and tags, unterminated attributes.
# Before the scan was made linear, a 481 kB packet of the first kind took 21-38 s in Python.
XMP_UNITS: dict[str, str] = {
    "unclosed elements": "<dc:creator ",
    "unclosed elements with >": "<dc:creator>",
    "unclosed list items": "<rdf:li>",
    "unclosed tags": "<",
    "unterminated attributes": ' exif:GPSLatitude="',
}
_LIST_HEAD = "<dc:creator><rdf:Seq>"


def xmp_packet(kind: str, size: int) -> str:
    """About ``size`` characters of the ``kind`` pattern, inside an element the reader looks at."""
    unit = XMP_UNITS[kind]
    head = _LIST_HEAD if kind in ("unclosed list items", "unclosed tags") else ""
    tail = "</dc:creator>" if head else ""
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def _chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def png_with_xmp(packet: str) -> bytes:
    """A 1×1 grey PNG whose XMP (an iTXt "XML:com.adobe.xmp" chunk) is ``packet``."""
    ihdr = (1).to_bytes(4, "big") * 2 + bytes((8, 0, 0, 0, 0))
    idat = zlib.compress(b"\x00\x00")
    itxt = b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + packet.encode("utf-8")
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"iTXt", itxt) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


# ---- containers whose parts overlap or chain ----------------------------------------------------------


def tiff_overlapping_values(entries: int, value_size: int) -> bytes:
    """A TIFF whose IFD0 has ``entries`` private ASCII tags all pointing at one ``value_size``-byte
    blob: reading each value copies the same bytes ``entries`` times."""
    from tests.formats.test_tiff import ASCII, LONG, SHORT, TiffBuilder

    b = TiffBuilder()
    blob = b.blob(b"A" * (value_size - 1) + b"\x00")
    pixels = b.blob(b"\x80" * 4)
    table = [(256, SHORT, 1, 2), (257, SHORT, 1, 2), (258, SHORT, 1, 8), (259, SHORT, 1, 1), (262, SHORT, 1, 1)]
    table += [(273, LONG, 1, pixels), (277, SHORT, 1, 1), (278, SHORT, 1, 2), (279, LONG, 1, 4)]
    table += [(40000 + k, ASCII, value_size, blob) for k in range(entries)]
    raw = bytearray(len(table).to_bytes(2, "little"))
    for tag, typ, count, value in table:
        field = value.to_bytes(4, "little") if typ in (LONG, ASCII) else value.to_bytes(2, "little") + b"\x00\x00"
        raw += tag.to_bytes(2, "little") + typ.to_bytes(2, "little") + count.to_bytes(4, "little") + field
    at = b.blob(bytes(raw) + b"\x00\x00\x00\x00")
    b.next_fields[at] = at + 2 + 12 * len(table)
    return b.link(at)


def heif_alpha_chain(length: int) -> bytes:
    """A HEIC whose primary has an alpha plane, which has one, and so on ``length`` deep."""
    from tests.formats.test_isobmff import AUXC_ALPHA, HVCC, ISPE_64x48, Spec, make_heif

    items = [Spec(1, b"hvc1", b"P" * 16, props=(1, 2), essential=(1,))]
    items += [Spec(k, b"hvc1", b"A" * 16, props=(1, 2, 3), essential=(1,), flags=1) for k in range(2, length + 2)]
    refs = [(b"auxl", k, [k - 1]) for k in range(2, length + 2)]
    return make_heif(items, [HVCC, ISPE_64x48, AUXC_ALPHA], refs, 1)


def heif_shared_inputs(images: int, tiles: int) -> bytes:
    """A HEIC with ``images`` removed grid images that all use one grid of ``tiles`` tiles: walking
    each image's inputs walks the same tiles ``images`` times."""
    from tests.formats.test_isobmff import HVCC, ISPE_64x48, Spec, make_heif

    shared = 2 + images
    items = [Spec(1, b"hvc1", b"P" * 16, props=(1, 2), essential=(1,))]
    items += [Spec(k, b"grid", b"\x00\x00\x00\x00\x00\x40\x00\x30", props=(2,), flags=1) for k in range(2, shared)]
    items += [Spec(shared, b"grid", b"\x00\x00\x00\x00\x00\x40\x00\x30", props=(2,), flags=1)]
    first_tile = shared + 1
    items += [Spec(k, b"hvc1", b"T", props=(1,), essential=(1,), flags=1) for k in range(first_tile, first_tile + tiles)]
    refs = [(b"dimg", k, [shared]) for k in range(2, shared)] + [(b"dimg", shared, list(range(first_tile, first_tile + tiles)))]
    return make_heif(items, [HVCC, ISPE_64x48], refs, 1)


def heif_overlapping_exif(items: int, size: int) -> bytes:
    """A HEIC with ``items`` Exif items whose locations all name the same ``size`` bytes."""
    from privpix.formats import isobmff
    from tests.formats.test_isobmff import EXIF_PAYLOAD, HVCC, ISPE_64x48, Spec, make_heif

    payload = EXIF_PAYLOAD + bytes(size - len(EXIF_PAYLOAD))
    specs = [Spec(1, b"hvc1", b"P" * 16, props=(1, 2), essential=(1,)), Spec(2, b"Exif", payload, flags=1)]
    specs += [Spec(k, b"Exif", bytes([k & 0xFF]), flags=1) for k in range(3, items + 2)]
    data = make_heif(specs, [HVCC, ISPE_64x48], [], 1)
    heif = isobmff.parse(data)
    ((shared, length),) = heif.locations[2].extents
    out = bytearray(data)
    for k in range(3, items + 2):  # each one-byte extent (offset, 1) becomes (shared offset, length)
        ((offset, _),) = heif.locations[k].extents
        at = out.find(offset.to_bytes(4, "big") + (1).to_bytes(4, "big"), heif.meta.start, heif.meta.end)
        out[at : at + 8] = shared.to_bytes(4, "big") + length.to_bytes(4, "big")
    return bytes(out)


def heif_repeated_extents(extents: int) -> bytes:
    """A HEIC whose primary item has ``extents`` extents that each name all of its bytes."""
    from privpix.formats import isobmff
    from tests.formats.test_isobmff import HVCC, ISPE_64x48, Spec, make_heif

    data = make_heif([Spec(1, b"hvc1", bytes(extents), props=(1, 2), essential=(1,), extents=extents)], [HVCC, ISPE_64x48], [], 1)
    heif = isobmff.parse(data)
    start = min(off for off, _ in heif.locations[1].extents)
    out = bytearray(data)
    for off, n in heif.locations[1].extents:
        at = out.find(off.to_bytes(4, "big") + n.to_bytes(4, "big"), heif.meta.start, heif.meta.end)
        out[at : at + 8] = start.to_bytes(4, "big") + extents.to_bytes(4, "big")
    return bytes(out)


def png_inflating_texts(chunks: int, inflated: int) -> bytes:
    """A PNG with ``chunks`` zTXt chunks that each inflate ``inflated`` bytes of spaces."""
    text = zlib.compress(b" " * inflated, 9)
    ihdr = (1).to_bytes(4, "big") * 2 + bytes((8, 0, 0, 0, 0))
    body = b"".join(_chunk(b"zTXt", b"Comment\x00\x00" + text) for _ in range(chunks))
    idat = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + body + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")

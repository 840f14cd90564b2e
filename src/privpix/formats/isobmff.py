"""HEIF / HEIC / AVIF: an ISO base media file (ISO/IEC 14496-12) holding still images as *items*
(ISO/IEC 23008-12). The picture is the primary item (``pitm``); a coded image (``hvc1``, ``av01``) or a
derived image (``grid``, ``iden``, ``iovl``) whose inputs are other items (``dimg`` references). Each
item's bytes are found through ``iloc`` (in the file, usually inside ``mdat``, or inside ``idat``);
its properties (codec configuration, size, colour, rotation) live once in ``ipco`` and are bound to
items by ``ipma``. EXIF and XMP are items too (types ``Exif`` and ``mime`` application/rdf+xml), linked
to the image by ``cdsc`` references; thumbnails are images with a ``thmb`` reference; depth maps,
portrait mattes and HDR gain maps are auxiliary images (``auxl`` + an ``auxC`` property naming the kind).

A strip never decodes: it keeps the primary item and everything it needs to render, and rebuilds the
container around exactly those bytes. Orientation stays in ``irot``/``imir`` (never an EXIF
Orientation, which HEIF readers must ignore, so that nothing is rotated twice).

Kept and removed (the policy)
-----------------------------
Kept items: the primary, every item reachable from a kept item through ``dimg`` (grid tiles,
recursively), and every item whose ``auxl`` reference targets a kept item and whose ``auxC`` type is
alpha (``urn:mpeg:mpegB:cicp:systems:auxiliary:alpha``, ``urn:mpeg:hevc:2015:auxid:1``,
``urn:mpeg:avc:2015:auxid:1``), with its own ``dimg`` closure; repeated until nothing is added.
Everything else goes: Exif and XMP items, thumbnails, non-alpha auxiliary images, tone-map/gain-map
items, any unreferenced item, ``grpl``/``ipro``/``xml``/``bxml``/unknown boxes in ``meta``, every
top-level box other than ``ftyp``/``meta``/``mdat`` (``free``, ``skip``, ``uuid``, unknown) and all
bytes after the last box. ``moov`` (an image sequence) raises UnsupportedError, as does any kept item
that is protected (``protection_index`` != 0), stored in another file (a ``dref`` entry that is not
self-contained), built by ``iloc`` construction method 2, or described by an old infe (version 0/1,
no item type).

Kept properties: those associated with a kept item that render it (``RENDERING_PROPERTIES``), the
fixed-size ones cut to their size and an ICC ``colr`` neutralised (``_property_bytes``); metadata
properties (``udes``, ``crtt``, ``mdft``, ``altt``, ``taic``, ``itai``), unknown ones (an unknown
*essential* one is refused) and, unless ``keep_icc``, ``colr`` boxes of type ``prof``/``rICC`` go.
Associations with property index 0 ("no property") are dropped. ``ftyp`` is rewritten with minor
version 0 and only the known compatible brands.

Keep-groups (``options.keep``): the primary's Exif item (``source_exif``) is replaced by one holding
``exif.build(info, exif.kept_tags(keep, orientation=False))``; nothing is written if that is None.

Output byte layout: docs/strip.md, "HEIF strip layout" (the TypeScript engine writes the same bytes).

Reading rules (both engines): the file starts with an ``ftyp`` box naming a HEIF/AVIF brand; the
format is "avif" if the major brand is avif/avis/avio, "heic" if it is a HEVC brand, else decided the
same way by the compatible brands (mime image/heif when neither appears). Box size 0 means "to the end
of the file" and is allowed only at top level; sizes 2-7 (or a 64-bit size under 16) are errors, as
is a child running past its parent. iloc versions 0-2, field sizes 0/4/8; base_offset is added to
each extent_offset; an extent length of 0 means "to the end of the file" (method 0) or "of the idat"
(method 1). Items may live in any number of ``mdat`` boxes (offsets are absolute). After ``meta`` has
been read, top-level bytes that do not start a plausible box (fewer than 8 bytes left, a size of 2-7,
a type that is not printable ASCII, or a box other than ``mdat`` running past the end of the file)
are trailing data. A file cut short after its ``meta`` box (``_cut_short``) is damaged, not refused:
every extent is clipped to the file, and the damage is named by the first item, in ``iloc`` order,
with an extent beyond the end ("truncated: item N's data (bytes START–END) lies beyond the end of
the file (SIZE bytes)", at the extent's start, END exclusive), else by a top-level ``mdat`` running
past the end ("truncated: the 'mdat' box (bytes START–END) runs past the end of the file (SIZE
bytes)").

Inspect reports, in this order: for each item not kept, in ``iinf`` order: EXIF findings of an Exif
item (block "Exif item N"; the EXIF Orientation is not reported as kept, HEIF readers ignore it), XMP
findings of each XMP item (block "XMP item N"), other metadata items, removed images (thumbnails,
auxiliary images by kind, gain maps, other images; one finding per removed image that is not itself
an input of another removed image, its size counting its removed inputs) and other items. Offsets
are the item's first byte in the file, lengths its total bytes. Then the metadata properties of kept
items (in ``iinf`` then association order, each once); the kept orientation (irot/imir of the
primary, data {"irot": degrees counter-clockwise, "imir": axis or null}); the ICC profile (of the
primary or, for a grid without one, of its first input, as libheif shows it); then dropped boxes
(top-level and in ``meta``) in file order, and trailing data. Width and height are the primary's
``ispe``, swapped for irot 90/270.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from . import exif as exif_mod
from . import icc as icc_mod
from . import xmp
from .binary import ascii4, need, pack_u16be, pack_u32be, pack_u64be, preview, u32be, u64be
from .errors import FormatError, UnsupportedError, damaged_warning
from .findings import Finding, Inspection, format_bytes
from .memo import parse_once
from .policy import StripOptions

NAME = "heic"
MIME = "image/heic"

HEIC_BRANDS = frozenset((b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"))
AVIF_BRANDS = frozenset((b"avif", b"avis", b"avio"))
HEIF_BRANDS = frozenset((b"mif1", b"mif2", b"msf1")) | HEIC_BRANDS | AVIF_BRANDS

IMAGE_TYPES = frozenset(("hvc1", "av01", "grid", "iden", "iovl", "tmap", "jpeg", "avc1", "vvc1", "unci", "j2k1", "hvt1", "lhv1"))
ALPHA_URNS = frozenset(("urn:mpeg:mpegB:cicp:systems:auxiliary:alpha", "urn:mpeg:hevc:2015:auxid:1", "urn:mpeg:avc:2015:auxid:1"))
DEPTH_URNS = frozenset(("urn:mpeg:mpegB:cicp:systems:auxiliary:depth", "urn:mpeg:hevc:2015:auxid:2", "urn:mpeg:avc:2015:auxid:2"))
# Properties that describe the photo rather than render it: never copied.
METADATA_PROPERTIES = {
    "udes": ("people", "Description property"),
    "crtt": ("time", "Created"),
    "mdft": ("time", "Modified"),
    "altt": ("people", "Accessibility text"),
    "taic": ("blocks", "TAI clock information"),
    "itai": ("time", "TAI timestamp"),
}
ICC_COLR_TYPES = frozenset((b"prof", b"rICC"))
# Properties that decode and render an image (codec configurations, size, colour, orientation,
# cropping, alpha and HDR information, layers): the only ones a strip keeps. An unknown one goes, or,
# if an item marks it essential, the file is refused.
RENDERING_PROPERTIES = frozenset(
    ("hvcC", "av1C", "avcC", "vvcC", "lhvC", "jpgC", "j2kH", "uncC", "cmpd", "cpal", "cloc", "ispe", "pixi", "colr")
    + ("irot", "imir", "clap", "pasp", "auxC", "clli", "mdcv", "cclv", "amve", "lsel", "a1op", "a1lx", "iscl", "rloc")
    + ("oinf", "tols", "rref")
)
# payload sizes of the fixed-size ones (besides irot, imir, ispe, pixi and colr, handled by kind)
FIXED_SIZE_PROPERTIES = {"pasp": 8, "clap": 32, "clli": 4, "mdcv": 24}
KNOWN_BRANDS = HEIF_BRANDS | frozenset(
    (b"miaf", b"MiHE", b"MiHA", b"MiHB", b"MiPr", b"MiCm", b"MiAC", b"MA1A", b"MA1B", b"iso8", b"tmap", b"unif", b"jpeg")
    + (b"avci", b"vvic")
)
XMP_MIME = "application/rdf+xml"
DROPPED_BOX_LABELS = {
    "free": "Padding",
    "skip": "Padding",
    "xml ": "XML metadata",
    "bxml": "Binary XML metadata",
    "grpl": "Item groups",
    "ipro": "Item protection",
}
# meta children that are understood (anything else is reported and dropped)
META_CHILDREN = frozenset(("hdlr", "dinf", "pitm", "iinf", "iref", "iprp", "idat", "iloc"))
MAX_U32 = 0xFFFFFFFF
# A well-formed file stores each item once and names each input once; reading more than this many
# times over (the file, the references) means items overlap on purpose, and the file is refused.
OVERLAP_FACTOR = 4
_OVERLAP_TEXT = "expected items that do not overlap, but reading the {what} takes more than {n} times the size of the file"


# ---- boxes --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    type: str
    start: int
    end: int
    payload: int  # offset of the first byte after the (possibly 64-bit) header

    @property
    def size(self) -> int:
        return self.end - self.start


def _fourcc(data: bytes, pos: int) -> str:
    """A four-character code, one character per byte (latin-1), so it writes back unchanged."""
    return data[pos : pos + 4].decode("latin-1")


def _show(kind: str) -> str:
    """A four-character code for people: non-printable bytes as escapes."""
    return ascii4(kind.encode("latin-1"), 0)


def _plausible_type(data: bytes, pos: int) -> bool:
    return all(32 <= b < 127 for b in data[pos : pos + 4])


def _box_at(data: bytes, pos: int, end: int, fmt: str, parent: str, top: bool) -> Box:
    """The box starting at ``pos`` inside ``[.., end)``; raises FormatError if it does not fit."""
    need(data, pos, 8, fmt, f"a box header inside {parent}")
    if pos + 8 > end:
        raise FormatError(fmt, pos, f"expected a box header inside {parent}, but {parent} ends at byte {end}")
    size = u32be(data, pos, fmt, "a box size")
    kind = _fourcc(data, pos + 4)
    if 8 <= size:
        return Box(kind, pos, pos + size, pos + 8)
    shown = _show(kind)  # the rarer sizes, and the errors, from here on
    if size == 1:
        if pos + 16 > end:
            raise FormatError(
                fmt, pos, f"expected a 64-bit size for the '{shown}' box inside {parent}, but {parent} ends at byte {end}"
            )
        size = u64be(data, pos + 8, fmt, f"the 64-bit size of the '{shown}' box")
        if size < 16:
            raise FormatError(fmt, pos, f"the '{shown}' box has a 64-bit size of {size}, smaller than its 16-byte header")
        return Box(kind, pos, pos + size, pos + 16)
    if size == 0:
        if not top:
            raise FormatError(fmt, pos, f"the '{shown}' box inside {parent} has size 0 (only allowed for the last top-level box)")
        return Box(kind, pos, end, pos + 8)
    raise FormatError(fmt, pos, f"the '{shown}' box has size {size}, smaller than its 8-byte header")


def _children(data: bytes, start: int, end: int, fmt: str, parent: str) -> list[Box]:
    out: list[Box] = []
    pos = start
    while pos < end:
        box = _box_at(data, pos, end, fmt, parent, top=False)
        if box.end > end:
            raise FormatError(
                fmt,
                box.start,
                f"the '{_show(box.type)}' box (bytes {box.start}–{box.end}) runs past the end of {parent} (byte {end})",
            )
        out.append(box)
        pos = box.end
    return out


def _full(data: bytes, box: Box, fmt: str) -> tuple[int, int, int]:
    """(version, flags, offset of the body) of a full box."""
    if box.payload + 4 > box.end:
        raise FormatError(fmt, box.start, f"expected a version and flags in the '{_show(box.type)}' box ({box.size} bytes)")
    word = u32be(data, box.payload, fmt, f"the version of the '{_show(box.type)}' box")
    return word >> 24, word & 0xFFFFFF, box.payload + 4


class _Cursor:
    """Bounds-checked reads inside one box: a short box is a FormatError naming the box."""

    def __init__(self, data: bytes, pos: int, end: int, fmt: str, box: str) -> None:
        self.data, self.pos, self.end, self.fmt, self.box = data, pos, end, fmt, box

    def _need(self, n: int, what: str) -> None:
        if self.pos + n > self.end:
            raise FormatError(
                self.fmt, self.pos, f"expected {what} ({n} bytes) in the {self.box} box, but the box ends at byte {self.end}"
            )

    def uint(self, n: int, what: str) -> int:
        if n == 0:
            return 0
        start, stop = self.pos, self.pos + n
        if stop > self.end:
            self._need(n, what)  # raises, naming the field
        self.pos = stop
        return int.from_bytes(self.data[start:stop], "big")

    def fourcc(self, what: str) -> str:
        self._need(4, what)
        value = _fourcc(self.data, self.pos)
        self.pos += 4
        return value

    def cstring(self) -> str:
        """A NUL-terminated UTF-8 string (or the rest of the box when the NUL is missing)."""
        nul = self.data.find(b"\x00", self.pos, self.end)
        stop = self.end if nul < 0 else nul
        value = self.data[self.pos : stop].decode("utf-8", "replace")
        self.pos = self.end if nul < 0 else nul + 1
        return value


# ---- the parsed file ----------------------------------------------------------------------------------


@dataclass
class Item:
    id: int
    type: str  # "" for infe versions 0/1
    box: Box
    version: int
    flags: int
    protection: int
    content_type: str = ""
    content_encoding: str = ""
    tail: bytes = b""  # source bytes after the item name (mime/uri fields)


@dataclass
class Location:
    id: int
    method: int
    dref: int
    extents: list[tuple[int, int]]  # (offset, length): absolute for method 0, inside idat for 1

    @property
    def length(self) -> int:
        return sum(n for _, n in self.extents)


@dataclass
class Heif:
    fmt: str  # "HEIC" or "AVIF", for messages
    kind: str  # inspection format: "heic" or "avif"
    mime: str
    ftyp: Box
    meta: Box
    handler: str
    primary: int
    items: dict[int, Item]  # iinf order
    refs: list[tuple[str, int, list[int]]]  # (type, from, to), source order
    properties: list[Box]  # ipco children; index i + 1
    assoc: dict[int, list[tuple[int, bool]]]  # item -> [(property index, essential)], ipma order
    locations: dict[int, Location]  # iloc order
    idat: Box | None
    has_dinf: bool
    dref_self: list[bool]  # per dref entry: does it point into this file?
    dropped: list[Box] = field(default_factory=list)  # top-level and meta-level boxes a strip drops
    trailing: int = -1  # offset where trailing data starts, or -1
    damaged: str | None = None  # why the file is incomplete (its item data clipped to the file)
    # (type, from) -> to, concatenated in source order: a reference lookup costs no walk over 'iref'
    targets: dict[tuple[str, int], list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind, source, to in self.refs:
            self.targets.setdefault((kind, source), []).extend(to)


def _brands(data: bytes, ftyp: Box) -> list[bytes]:
    out = [data[ftyp.payload : ftyp.payload + 4]]
    for pos in range(ftyp.payload + 8, ftyp.end - 3, 4):
        out.append(data[pos : pos + 4])
    return out


def _kind(brands: list[bytes]) -> tuple[str, str]:
    """(format, mime) from the major brand, then the compatible brands."""
    major = brands[0]
    if major in AVIF_BRANDS:
        return "avif", "image/avif"
    if major in HEIC_BRANDS:
        return "heic", "image/heic"
    if any(b in AVIF_BRANDS for b in brands[1:]):
        return "avif", "image/avif"
    if any(b in HEIC_BRANDS for b in brands[1:]):
        return "heic", "image/heic"
    return "heic", "image/heif"


def sniff(data: bytes) -> bool:
    if len(data) < 16 or data[4:8] != b"ftyp":
        return False
    size = int.from_bytes(data[0:4], "big")
    if size < 16 or size > len(data):
        return False
    return any(data[pos : pos + 4] in HEIF_BRANDS for pos in range(8, size - 3, 4) if pos != 12)


def _top_level(data: bytes, fmt: str) -> tuple[list[Box], int]:
    """Top-level boxes, and the offset of trailing data (-1 if none)."""
    boxes: list[Box] = []
    pos = 0
    n = len(data)
    seen_meta = False
    while pos < n:
        if seen_meta:
            left = n - pos
            size = int.from_bytes(data[pos : pos + 4], "big") if left >= 4 else 0
            if (
                left < 8
                or not _plausible_type(data, pos + 4)
                or size in (2, 3, 4, 5, 6, 7)
                or (size == 1 and (left < 16 or int.from_bytes(data[pos + 8 : pos + 16], "big") < 16))
            ):
                return boxes, pos
        box = _box_at(data, pos, n, fmt, "the file", top=True)
        if box.end > n and box.type != "mdat":
            if seen_meta:  # leftover bytes that happen to look like a box header
                return boxes, pos
            raise FormatError(
                fmt,
                box.start,
                f"truncated: the '{_show(box.type)}' box (bytes {box.start}–{box.end}) runs past the end of the file ({n} bytes)",
            )
        boxes.append(box)
        seen_meta = seen_meta or box.type == "meta"
        pos = box.end
    return boxes, -1


@parse_once
def parse(data: bytes) -> Heif:
    if not sniff(data):
        raise FormatError("HEIF", 0, "expected an 'ftyp' box with a HEIF or AVIF brand", preview(data, 0, 12))
    ftyp = _box_at(data, 0, len(data), "HEIF", "the file", top=True)
    kind, mime = _kind(_brands(data, ftyp))
    fmt = "AVIF" if kind == "avif" else "HEIC"
    boxes, trailing = _top_level(data, fmt)
    metas = [b for b in boxes if b.type == "meta"]
    if any(b.type == "moov" for b in boxes):
        raise UnsupportedError(
            fmt,
            next(b.start for b in boxes if b.type == "moov"),
            "this is an image sequence (a 'moov' box with tracks); privpix strips still images only",
        )
    if not metas:
        raise FormatError(fmt, -1, "expected a 'meta' box (the item index), but there is none")
    if len(metas) > 1:
        raise FormatError(fmt, metas[1].start, "expected one top-level 'meta' box", "a second one")
    meta = metas[0]
    dropped = [b for b in boxes[1:] if b.type not in ("meta", "mdat")]

    _, _, body = _full(data, meta, fmt)
    children = _children(data, body, meta.end, fmt, "the 'meta' box")
    by_type: dict[str, list[Box]] = {}
    for child in children:
        by_type.setdefault(child.type, []).append(child)
        if child.type not in META_CHILDREN:
            dropped.append(child)

    def one(kind4: str, required: bool = True) -> Box | None:
        found = by_type.get(kind4, [])
        if len(found) > 1:
            raise FormatError(fmt, found[1].start, f"expected at most one '{kind4}' box in 'meta'", "two")
        if not found and required:
            raise FormatError(fmt, meta.start, f"expected a '{kind4}' box in the 'meta' box, but there is none")
        return found[0] if found else None

    hdlr = one("hdlr")
    assert hdlr is not None
    handler = _Cursor(data, _full(data, hdlr, fmt)[2] + 4, hdlr.end, fmt, "'hdlr'").fourcc("a handler type")
    if handler != "pict":
        raise UnsupportedError(fmt, hdlr.start, "expected the 'pict' handler of an image file", f"'{_show(handler)}'")

    pitm = one("pitm")
    assert pitm is not None
    v, _, p = _full(data, pitm, fmt)
    primary = _Cursor(data, p, pitm.end, fmt, "'pitm'").uint(2 if v == 0 else 4, "the primary item ID")

    items = _read_iinf(data, one("iinf"), fmt)  # type: ignore[arg-type]
    if primary not in items:
        raise FormatError(fmt, pitm.start, f"the primary item {primary} is not listed in 'iinf'")
    refs = _read_iref(data, by_type.get("iref", []), fmt)
    properties, assoc = _read_iprp(data, one("iprp", required=False), fmt)
    idat = one("idat", required=False)
    dref = _read_dinf(data, one("dinf", required=False), fmt)
    iloc = one("iloc", required=False)
    locations = _read_iloc(data, iloc, idat, fmt) if iloc else {}
    heif = Heif(
        fmt,
        kind,
        mime,
        ftyp,
        meta,
        handler,
        primary,
        items,
        refs,
        properties,
        assoc,
        locations,
        idat,
        "dinf" in by_type,
        dref,
        sorted(dropped, key=lambda b: b.start),
        trailing,
    )
    heif.damaged = _cut_short(data, heif, boxes)
    _check_extents(data, heif)
    return heif


def _cut_short(data: bytes, heif: Heif, boxes: list[Box]) -> str | None:
    """Why the file is incomplete when its item data runs past its end (it was cut short after the
    'meta' box), with every extent clipped to the bytes that are there; None when it is whole."""
    n = len(data)
    reason: FormatError | None = None
    for loc in heif.locations.values():
        if loc.method != 0 or not _self_contained(heif, loc):
            continue
        for off, length in loc.extents:
            if off + length > n and reason is None:
                text = f"truncated: item {loc.id}'s data (bytes {off}–{off + length}) lies beyond the end of the file"
                reason = FormatError(heif.fmt, off, f"{text} ({n} bytes)")
        loc.extents = [(off, max(0, min(length, n - off))) for off, length in loc.extents]
    for box in boxes:
        if box.end > n and reason is None:
            text = f"truncated: the '{_show(box.type)}' box (bytes {box.start}–{box.end}) runs past the end of the file"
            reason = FormatError(heif.fmt, box.start, f"{text} ({n} bytes)")
    return None if reason is None else reason.describe()


def _read_iinf(data: bytes, iinf: Box, fmt: str) -> dict[int, Item]:
    v, _, p = _full(data, iinf, fmt)
    _Cursor(data, p, iinf.end, fmt, "'iinf'").uint(2 if v == 0 else 4, "the item count")
    items: dict[int, Item] = {}
    for infe in _children(data, p + (2 if v == 0 else 4), iinf.end, fmt, "the 'iinf' box"):
        if infe.type != "infe":
            continue
        iv, flags, q = _full(data, infe, fmt)
        cur = _Cursor(data, q, infe.end, fmt, f"'infe' at byte {infe.start}")
        if iv > 3:
            raise UnsupportedError(fmt, infe.start, f"'infe' version {iv} is not defined")
        item_id = cur.uint(4 if iv == 3 else 2, "an item ID")
        protection = cur.uint(2, "a protection index")
        if iv >= 2:
            item = Item(item_id, cur.fourcc("an item type"), infe, iv, flags, protection)
            cur.cstring()  # item name
            item.tail = data[cur.pos : infe.end]
            if item.type == "mime":
                item.content_type = cur.cstring()
                item.content_encoding = cur.cstring() if cur.pos < cur.end else ""
        else:
            item = Item(item_id, "", infe, iv, flags, protection)
            cur.cstring()
            item.content_type = cur.cstring() if cur.pos < cur.end else ""
            item.content_encoding = cur.cstring() if cur.pos < cur.end else ""
        if item_id in items:
            raise FormatError(fmt, infe.start, f"item {item_id} is listed twice in 'iinf'")
        items[item_id] = item
    return items


def _read_iref(data: bytes, boxes: list[Box], fmt: str) -> list[tuple[str, int, list[int]]]:
    refs: list[tuple[str, int, list[int]]] = []
    for iref in boxes:
        v, _, p = _full(data, iref, fmt)
        width = 2 if v == 0 else 4
        for child in _children(data, p, iref.end, fmt, "the 'iref' box"):
            cur = _Cursor(data, child.payload, child.end, fmt, f"'iref' '{_show(child.type)}'")
            source = cur.uint(width, "a from-item ID")
            count = cur.uint(2, "a reference count")
            refs.append((child.type, source, [cur.uint(width, "a to-item ID") for _ in range(count)]))
    return refs


def _read_iprp(data: bytes, iprp: Box | None, fmt: str) -> tuple[list[Box], dict[int, list[tuple[int, bool]]]]:
    if iprp is None:
        return [], {}
    kids = _children(data, iprp.payload, iprp.end, fmt, "the 'iprp' box")
    ipco = [k for k in kids if k.type == "ipco"]
    properties = _children(data, ipco[0].payload, ipco[0].end, fmt, "the 'ipco' box") if ipco else []
    assoc: dict[int, list[tuple[int, bool]]] = {}
    for ipma in (k for k in kids if k.type == "ipma"):
        v, flags, p = _full(data, ipma, fmt)
        cur = _Cursor(data, p, ipma.end, fmt, "'ipma'")
        for _ in range(cur.uint(4, "the entry count")):
            item_id = cur.uint(2 if v == 0 else 4, "an item ID")
            entries = assoc.setdefault(item_id, [])
            for _ in range(cur.uint(1, "an association count")):
                if flags & 1:
                    raw = cur.uint(2, "a property association")
                    index, essential = raw & 0x7FFF, bool(raw >> 15)
                else:
                    raw = cur.uint(1, "a property association")
                    index, essential = raw & 0x7F, bool(raw >> 7)
                if index > len(properties):
                    raise FormatError(
                        fmt, cur.pos, f"item {item_id} uses property {index}, but 'ipco' has only {len(properties)}"
                    )
                entries.append((index, essential))
    return properties, assoc


def _read_dinf(data: bytes, dinf: Box | None, fmt: str) -> list[bool]:
    """For each dref entry (1-based index - 1): is it this file?"""
    out: list[bool] = []
    if dinf is None:
        return out
    for dref in _children(data, dinf.payload, dinf.end, fmt, "the 'dinf' box"):
        if dref.type != "dref":
            continue
        _, _, p = _full(data, dref, fmt)
        for entry in _children(data, p + 4, dref.end, fmt, "the 'dref' box"):
            _, flags, _ = _full(data, entry, fmt)
            out.append(entry.type in ("url ", "urn ") and bool(flags & 1))
    return out


def _read_iloc(data: bytes, iloc: Box, idat: Box | None, fmt: str) -> dict[int, Location]:
    v, _, p = _full(data, iloc, fmt)
    if v > 2:
        raise UnsupportedError(fmt, iloc.start, f"'iloc' version {v} is not defined (expected 0, 1 or 2)")
    cur = _Cursor(data, p, iloc.end, fmt, "'iloc'")
    sizes = cur.uint(1, "the offset and length sizes")
    offset_size, length_size = sizes >> 4, sizes & 15
    sizes = cur.uint(1, "the base offset and index sizes")
    base_size, index_size = sizes >> 4, (sizes & 15 if v >= 1 else 0)
    for name, size in (("offset", offset_size), ("length", length_size), ("base offset", base_size), ("index", index_size)):
        if size not in (0, 4, 8):
            raise FormatError(fmt, iloc.start, f"expected an iloc {name} size of 0, 4 or 8", str(size))
    locations: dict[int, Location] = {}
    idat_len = idat.end - idat.payload if idat else 0
    for _ in range(cur.uint(4 if v == 2 else 2, "the item count")):
        item_id = cur.uint(4 if v == 2 else 2, "an item ID")
        method = cur.uint(2, "a construction method") & 15 if v >= 1 else 0
        dref = cur.uint(2, "a data reference index")
        base = cur.uint(base_size, "a base offset")
        extents: list[tuple[int, int]] = []
        for _ in range(cur.uint(2, "an extent count")):
            cur.uint(index_size, "an extent index")
            offset = base + cur.uint(offset_size, "an extent offset")
            length = cur.uint(length_size, "an extent length")
            if length == 0 and method in (0, 1):  # "the whole resource"
                length = max((len(data) if method == 0 else idat_len) - offset, 0)
            extents.append((offset, length))
        if item_id in locations:
            raise FormatError(fmt, iloc.start, f"item {item_id} is listed twice in 'iloc'")
        locations[item_id] = Location(item_id, method, dref, extents)
    return locations


def _check_extents(data: bytes, heif: Heif) -> None:
    n = len(data)
    idat_len = heif.idat.end - heif.idat.payload if heif.idat else 0
    for loc in heif.locations.values():
        if loc.method == 1:
            if heif.idat is None and loc.extents:
                raise FormatError(heif.fmt, heif.meta.start, f"item {loc.id}'s data is in an 'idat' box, but there is none")
            for off, length in loc.extents:
                if off + length > idat_len:
                    raise FormatError(
                        heif.fmt,
                        heif.idat.payload + off if heif.idat else -1,
                        f"item {loc.id}'s data (bytes {off}–{off + length} of 'idat') "
                        f"lies beyond the end of the 'idat' box ({idat_len} bytes)",
                    )
    for loc in heif.locations.values():
        store, where = (n, "file") if loc.method == 0 else (idat_len, "'idat' box")
        if _in_file(heif, loc) and loc.length > store:  # extents that repeat bytes: a copy per extent
            raise FormatError(
                heif.fmt,
                _item_offset(heif, loc),
                f"item {loc.id}'s extents add up to {loc.length} bytes, more than the {where} holds ({store} bytes)",
            )


def _self_contained(heif: Heif, loc: Location) -> bool:
    if loc.dref == 0:
        return True
    return loc.dref <= len(heif.dref_self) and heif.dref_self[loc.dref - 1]


def _in_file(heif: Heif, loc: Location | None) -> bool:
    """Whether an item's bytes are in this file (not in another file, not constructed)."""
    return loc is not None and loc.method in (0, 1) and _self_contained(heif, loc)


def item_bytes(data: bytes, heif: Heif, loc: Location) -> bytes:
    if loc.method == 1:
        assert heif.idat is not None
        base = heif.idat.payload
        return b"".join(data[base + off : base + off + length] for off, length in loc.extents)
    return b"".join(data[off : off + length] for off, length in loc.extents)


def _item_offset(heif: Heif, loc: Location | None) -> int:
    """Absolute file offset of an item's first byte (-1 when it has none)."""
    if loc is None or not loc.extents:
        return -1
    off = loc.extents[0][0]
    if loc.method == 1 and heif.idat is not None:
        return heif.idat.payload + off
    return off


# ---- relations ----------------------------------------------------------------------------------------


def _targets(heif: Heif, ref_type: str, source: int) -> list[int]:
    return heif.targets.get((ref_type, source), [])


def _property(heif: Heif, item_id: int, kind: str) -> Box | None:
    for index, _ in heif.assoc.get(item_id, []):
        if index and heif.properties[index - 1].type == kind:
            return heif.properties[index - 1]
    return None


def _aux_type(data: bytes, heif: Heif, item_id: int) -> str:
    box = _property(heif, item_id, "auxC")
    if box is None:
        return ""
    _, _, p = _full(data, box, heif.fmt)
    return _Cursor(data, p, box.end, heif.fmt, "'auxC'").cstring()


def _aux_label(urn: str) -> str:
    if urn in ALPHA_URNS:
        return "Alpha channel"
    if urn in DEPTH_URNS or "depth" in urn.lower():
        return "Depth map"
    if "matte" in urn.lower():
        return "Portrait matte"
    if "gainmap" in urn.lower():
        return "HDR gain map"
    return "Auxiliary image"


def _ispe(data: bytes, heif: Heif, item_id: int) -> tuple[int, int] | None:
    box = _property(heif, item_id, "ispe")
    if box is None:
        return None
    _, _, p = _full(data, box, heif.fmt)
    cur = _Cursor(data, p, box.end, heif.fmt, "'ispe'")
    return cur.uint(4, "the image width"), cur.uint(4, "the image height")


def _closure(heif: Heif, roots: list[int], strict: bool = True, known: set[int] | None = None) -> set[int]:
    """``roots`` and every item reachable from them through ``dimg``, stopping at ``known`` items. A
    reference to an item that 'iinf' does not list is an error when ``strict`` (a kept image needs
    it), else skipped."""
    out: set[int] = set()
    stack = list(roots)
    while stack:
        item_id = stack.pop()
        if item_id in out or (known is not None and item_id in known):
            continue
        if item_id not in heif.items:
            if not strict:
                continue
            raise FormatError(heif.fmt, heif.meta.start, f"a 'dimg' reference names item {item_id}, which 'iinf' does not list")
        out.add(item_id)
        stack.extend(_targets(heif, "dimg", item_id))
    return out


def needed_items(data: bytes, heif: Heif) -> set[int]:
    """The primary, its inputs (recursively) and its alpha planes with theirs: each item and each
    reference is looked at once, however long a chain of alpha planes a file declares."""
    described_by: dict[int, list[int]] = {}  # item -> sources of the 'auxl' references naming it
    for kind, source, to in heif.refs:
        if kind == "auxl":
            for target in to:
                described_by.setdefault(target, []).append(source)
    kept = _closure(heif, [heif.primary])
    queue = list(kept)
    while queue:
        for source in described_by.get(queue.pop(), []):
            if source not in kept and source in heif.items and _aux_type(data, heif, source) in ALPHA_URNS:
                added = _closure(heif, [source], known=kept)
                kept |= added
                queue.extend(added)
    return kept


# ---- the photo's own EXIF and ICC ----------------------------------------------------------------------


def source_exif(heif: Heif) -> Item | None:
    """The primary image's Exif item: the first ``Exif`` item (``iinf`` order) with a ``cdsc``
    reference to the primary, else the first ``Exif`` item with a location."""
    exifs = [i for i in heif.items.values() if i.type == "Exif" and i.id in heif.locations]
    for item in exifs:
        if heif.primary in _targets(heif, "cdsc", item.id):
            return item
    return exifs[0] if exifs else None


def _source_exif_tiff(data: bytes, heif: Heif) -> bytes | None:
    item = source_exif(heif)
    loc = heif.locations[item.id] if item is not None else None
    if loc is None or not _in_file(heif, loc):
        return None
    return _exif_tiff(item_bytes(data, heif, loc))


def exif_block(data: bytes) -> bytes | None:
    """The primary's Exif item's TIFF block (see ``source_exif``). HEIF readers ignore its Orientation."""
    return _source_exif_tiff(data, parse(data))


def icc_profile(data: bytes) -> bytes | None:
    box = _icc_box(data, parse(data))
    return None if box is None else data[box.payload + 4 : box.end]


# ---- inspect ------------------------------------------------------------------------------------------


def _exif_tiff(payload: bytes) -> bytes | None:
    """The TIFF block of an Exif item: after a 4-byte offset and that many prefix bytes."""
    if len(payload) < 4:
        return None
    skip = 4 + int.from_bytes(payload[:4], "big")
    return payload[skip:] if skip < len(payload) else None


def _orientation(data: bytes, heif: Heif) -> Finding | None:
    irot = _property(heif, heif.primary, "irot")
    imir = _property(heif, heif.primary, "imir")
    if irot is None and imir is None:
        return None
    angle = (data[irot.payload] & 3) * 90 if irot is not None and irot.payload < irot.end else 0
    axis = data[imir.payload] & 1 if imir is not None and imir.payload < imir.end else None
    text = {0: "upright", 90: "rotated 90° counter-clockwise", 180: "rotated 180°", 270: "rotated 90° clockwise"}[angle]
    if axis is not None:
        text += ", mirrored left–right" if axis == 0 else ", mirrored top–bottom"
    where = irot if irot is not None else imir
    assert where is not None
    block = "irot" if irot is not None else "imir"
    if irot is not None and imir is not None:
        block = "irot + imir"
    return Finding("kept", "Orientation", text, block, where.start, where.size, {"irot": angle, "imir": axis})


def _icc_box(data: bytes, heif: Heif) -> Box | None:
    """The primary's ICC ``colr`` box; a grid without one takes its first input's (as libheif does)."""
    item_id: int | None = heif.primary
    seen: set[int] = set()
    while item_id is not None and item_id not in seen:
        seen.add(item_id)
        for index, _ in heif.assoc.get(item_id, []):
            box = heif.properties[index - 1] if index else None
            if box is not None and box.type == "colr" and data[box.payload : box.payload + 4] in ICC_COLR_TYPES:
                return box
        inputs = _targets(heif, "dimg", item_id)
        item_id = inputs[0] if inputs else None
    return None


def _icc(data: bytes, heif: Heif) -> list[Finding]:
    box = _icc_box(data, heif)
    return [] if box is None else icc_mod.findings(data[box.payload + 4 : box.end], "colr", box.start, box.size)


def _time_property(data: bytes, box: Box, fmt: str) -> str:
    """crtt/mdft: microseconds since 1904-01-01 00:00 UTC."""
    _, _, p = _full(data, box, fmt)
    micros = _Cursor(data, p, box.end, fmt, f"'{_show(box.type)}'").uint(8, "a time")
    try:
        when = datetime.datetime(1904, 1, 1) + datetime.timedelta(seconds=micros // 1_000_000)
    except OverflowError:
        return f"{micros} µs after 1904"
    return f"{when.year:04d}-{when.month:02d}-{when.day:02d} {when.hour:02d}:{when.minute:02d}:{when.second:02d} UTC"


def _property_finding(data: bytes, heif: Heif, box: Box) -> Finding:
    category, label = METADATA_PROPERTIES[box.type]
    if box.type in ("crtt", "mdft"):
        value = _time_property(data, box, heif.fmt)
    elif box.type in ("udes", "altt"):
        _, _, p = _full(data, box, heif.fmt)
        cur = _Cursor(data, p, box.end, heif.fmt, f"'{_show(box.type)}'")
        parts = [cur.cstring() for _ in range(4 if box.type == "udes" else 2) if cur.pos < cur.end]
        # udes: lang, name, description, tags; altt: text, lang
        shown = parts[1:] if box.type == "udes" else parts[:1]
        value = " / ".join(part for part in shown if part) or "(empty)"
    else:
        value = format_bytes(box.size)
    return Finding(category, label, value, f"{_show(box.type)} property", box.start, box.size)


def _removed_image(data: bytes, heif: Heif, item: Item, parts: set[int], tmap_inputs: set[int]) -> Finding:
    """One finding for a removed image and its removed inputs (``parts``)."""
    size = _ispe(data, heif, item.id)
    total = sum(heif.locations[i].length for i in parts if _in_file(heif, heif.locations.get(i)))
    if _targets(heif, "thmb", item.id):
        label = "Thumbnail"
    elif _targets(heif, "auxl", item.id):
        label = _aux_label(_aux_type(data, heif, item.id))
    elif item.type == "tmap" or item.id in tmap_inputs:
        label = "HDR gain map"
    else:
        label = "Other image"
    dims = f"{size[0]}×{size[1]} pixels, " if size else ""
    value = f"{dims}{format_bytes(total)}"
    loc = heif.locations.get(item.id)
    offset = _item_offset(heif, loc) if _in_file(heif, loc) else -1
    return Finding("embedded", label, value, f"{_show(item.type)} item {item.id}", offset, total)


def read_metadata(data: bytes) -> Inspection:
    heif = parse(data)
    kept = needed_items(data, heif)
    out: list[Finding] = []
    warnings: list[str] = []
    tmap_inputs = {t for i in heif.items.values() if i.type == "tmap" for t in _targets(heif, "dimg", i.id)}
    removed_images = {i.id for i in heif.items.values() if i.type in IMAGE_TYPES and i.id not in kept}
    inputs_of_removed = {t for r in removed_images for t in _targets(heif, "dimg", r)}
    # What a crafted file can make inspect do, bounded: removed images sharing one big set of inputs
    # (each image's inputs are walked) and metadata items pointing at the same bytes (each is read).
    walk_budget = OVERLAP_FACTOR * (len(heif.items) + sum(len(to) for _, _, to in heif.refs)) + 64
    read_budget = OVERLAP_FACTOR * len(data)
    for item in heif.items.values():
        if item.id in kept:
            continue
        loc = heif.locations.get(item.id)
        readable = _in_file(heif, loc)
        # an item stored elsewhere (another file, construction method 2) has no place in this file
        off = _item_offset(heif, loc) if readable else -1
        length = loc.length if loc is not None and readable else 0
        payload = b""
        if loc is not None and readable and (item.type in ("Exif", "mime") or item.content_type):
            read_budget -= length
            if read_budget < 0:
                raise FormatError(heif.fmt, off, _OVERLAP_TEXT.format(what="metadata items' data", n=OVERLAP_FACTOR))
            payload = item_bytes(data, heif, loc)
        if item.type == "Exif":
            block = f"Exif item {item.id}"
            tiff = _exif_tiff(payload)
            if tiff is None:
                warnings.append(f"{block} at byte {off}: the EXIF block is unreadable (no TIFF header)")
                out.append(Finding("blocks", "EXIF", f"{format_bytes(length)}, unreadable", block, off, length))
                continue
            # HEIF readers ignore EXIF Orientation; the kept orientation is irot/imir (reported below).
            out.extend(
                exif_mod.block_findings(tiff, block, off, length, warnings, off + len(payload) - len(tiff), orientation=False)
            )
        elif item.type == "mime" or (item.type == "" and item.content_type):
            ctype = item.content_type.split(";")[0].strip().lower()
            if ctype == XMP_MIME and not item.content_encoding:
                block = f"XMP item {item.id}"
                out.extend(xmp.findings(xmp.decode_packet(payload), block, off, length))
                out.append(xmp.block_finding(block, off, length))
            else:
                enc = f", {item.content_encoding}" if item.content_encoding else ""
                out.append(
                    Finding(
                        "blocks",
                        "Metadata item",
                        f"{item.content_type or 'unknown type'}{enc}, {format_bytes(length)}",
                        f"mime item {item.id}",
                        off,
                        length,
                    )
                )
        elif item.id in removed_images:
            if item.id not in inputs_of_removed:
                parts = _closure(heif, [item.id], strict=False, known=kept)
                walk_budget -= len(parts)
                if walk_budget < 0:
                    raise FormatError(heif.fmt, heif.meta.start, _OVERLAP_TEXT.format(what="images' inputs", n=OVERLAP_FACTOR))
                out.append(_removed_image(data, heif, item, parts, tmap_inputs))
        else:
            out.append(
                Finding(
                    "blocks",
                    "Item",
                    f"'{_show(item.type)}' item, {format_bytes(length)}",
                    f"{_show(item.type)} item {item.id}",
                    off,
                    length,
                )
            )
    seen: set[int] = set()
    for item_id in (i for i in heif.items if i in kept):
        for index, _ in heif.assoc.get(item_id, []):
            if index and index not in seen and heif.properties[index - 1].type in METADATA_PROPERTIES:
                seen.add(index)
                out.append(_property_finding(data, heif, heif.properties[index - 1]))
    turn = _orientation(data, heif)
    if turn is not None:
        out.append(turn)
    out.extend(_icc(data, heif))
    for box in heif.dropped:
        block = f"{_show(box.type)} box"
        if box.type == "xml ":  # an XML box in 'meta' (full box): XMP as often as not
            _, _, p = _full(data, box, heif.fmt)
            out.extend(xmp.findings(xmp.decode_packet(data[p : box.end]), block, box.start, box.size))
        if box.type == "uuid":
            label, value = "Vendor block", f"uuid {data[box.payload : box.payload + 16].hex()}, {format_bytes(box.size)}"
        else:
            label = DROPPED_BOX_LABELS.get(box.type, "Unknown box")
            value = f"'{_show(box.type)}' box, {format_bytes(box.size)}"
        out.append(Finding("blocks", label, value, block, box.start, box.size))
    if heif.trailing >= 0:
        left = len(data) - heif.trailing
        out.append(Finding("blocks", "Data after the end of the image", format_bytes(left), "trailer", heif.trailing, left))
    width = height = None
    size = _ispe(data, heif, heif.primary)
    if size is not None:
        width, height = size
        irot = _property(heif, heif.primary, "irot")
        if irot is not None and irot.payload < irot.end and data[irot.payload] & 1:
            width, height = height, width
    if heif.damaged is not None:
        warnings.append(damaged_warning(heif.damaged))
    return Inspection(heif.kind, heif.mime, width, height, out, warnings, heif.damaged is not None)


# ---- strip --------------------------------------------------------------------------------------------


def _box_header(kind: str, payload_size: int) -> bytes:
    if 8 + payload_size <= MAX_U32:
        return pack_u32be(8 + payload_size) + kind.encode("latin-1")
    return pack_u32be(1) + kind.encode("latin-1") + pack_u64be(16 + payload_size)


def _box(kind: str, payload: bytes) -> bytes:
    return _box_header(kind, len(payload)) + payload


def _full_box(kind: str, version: int, flags: int, payload: bytes) -> bytes:
    return _box(kind, pack_u32be((version << 24) | flags) + payload)


def _uint(value: int, size: int) -> bytes:
    return value.to_bytes(size, "big")


def _infe(item: Item, item_type: str) -> bytes:
    big = item.id > 0xFFFF
    body = _uint(item.id, 4 if big else 2) + pack_u16be(0) + item_type.encode("latin-1") + b"\x00"
    if item_type in ("mime", "uri ") and item_type == item.type:
        body += item.tail
    return _full_box("infe", 3 if big else 2, item.flags, body)


def _kept_exif(data: bytes, heif: Heif, options: StripOptions) -> tuple[int, bytes] | None:
    """(item ID, payload) of the Exif item that keeps the user's keep-groups, or None."""
    if not options.keep:
        return None
    item = source_exif(heif)
    tiff = _source_exif_tiff(data, heif)
    if item is None or tiff is None:
        return None
    block = exif_mod.kept_block(tiff, options.keep, orientation=False)
    if block is None:
        return None
    return item.id, b"\x00\x00\x00\x00" + block


def _check_keepable(heif: Heif, kept: set[int]) -> None:
    for item_id in sorted(kept):
        item = heif.items[item_id]
        where = item.box.start
        if item.version < 2:
            raise UnsupportedError(
                heif.fmt, where, f"item {item_id} has an old-style 'infe' (version {item.version}) without an item type"
            )
        if item.protection:
            raise UnsupportedError(heif.fmt, where, f"item {item_id} is protected (encrypted); privpix cannot rewrite it")
        loc = heif.locations.get(item_id)
        if loc is None:
            if item.type != "iden":
                raise FormatError(heif.fmt, where, f"item {item_id} ('{_show(item.type)}') has no location in 'iloc'")
            continue
        if loc.method not in (0, 1):
            raise UnsupportedError(
                heif.fmt, where, f"item {item_id} is built from other items (iloc construction method {loc.method})"
            )
        if not _self_contained(heif, loc):
            raise UnsupportedError(heif.fmt, where, f"item {item_id}'s data lives in another file (data reference {loc.dref})")


def _property_bytes(data: bytes, box: Box, options: StripOptions) -> bytes | None:
    """The property box a strip writes for ``box``, or None when it goes: metadata properties,
    unknown ones (an essential one is refused by the caller), ICC colour without ``keep_icc``. Kept
    properties of a fixed size are cut to it (their reserved bits cleared); an ICC profile is
    neutralised (icc.neutralise); the others are copied as they are."""
    kind, payload = box.type, data[box.payload : box.end]
    if kind not in RENDERING_PROPERTIES:
        return None
    if kind == "colr" and payload[:4] in ICC_COLR_TYPES:
        neutral = icc_mod.neutralise(payload[4:]) if options.keep_icc else None
        return None if neutral is None else _box(kind, payload[:4] + neutral)
    if kind == "colr" and payload[:4] == b"nclx":
        return _box(kind, payload[:11]) if len(payload) >= 11 else None
    if kind in ("irot", "imir"):
        return _box(kind, bytes((payload[0] & (3 if kind == "irot" else 1),))) if payload else None
    if kind == "ispe":
        return _box(kind, payload[:1] + bytes(3) + payload[4:12]) if len(payload) >= 12 else None
    if kind == "pixi" and len(payload) >= 5:
        return _box(kind, payload[:1] + bytes(3) + payload[4 : 5 + payload[4]])
    size = FIXED_SIZE_PROPERTIES.get(kind)
    if size is not None:
        return _box(kind, payload[:size]) if len(payload) >= size else None
    return data[box.start : box.end]


def _canonical_ftyp(data: bytes, ftyp: Box) -> bytes:
    """The file type box: its major brand, minor version 0, and only the compatible brands privpix
    knows (a brand is a promise about the file, never needed to decode it)."""
    brands = _brands(data, ftyp)
    compatible = list(dict.fromkeys(b for b in brands[1:] if b in KNOWN_BRANDS))
    return _box("ftyp", brands[0] + bytes(4) + b"".join(compatible))


def _item_parts(data: bytes, view: memoryview, heif: Heif, loc: Location) -> list[bytes | memoryview]:
    """A kept item's bytes, as views of its extents in ``data`` (``view``) when they are copied
    unchanged (the coded image: megabytes, copied once, when the output is joined); a grid's
    description is cut to its defined size (8 or 12 bytes)."""
    if heif.items[loc.id].type == "grid":
        payload = item_bytes(data, heif, loc)
        size = 12 if len(payload) >= 2 and payload[1] & 1 else 8
        return [payload[:size] if len(payload) >= size else payload]
    base = 0
    if loc.method == 1:
        assert heif.idat is not None
        base = heif.idat.payload
    return [view[base + off : base + off + length] for off, length in loc.extents]


def _stripped_iprp(data: bytes, heif: Heif, kept: set[int], options: StripOptions, big_ids: bool) -> bytes:
    """``iprp``: the properties the kept items use, minus metadata (and ICC unless asked), as
    ``_property_bytes`` writes them, renumbered; an essential property privpix does not know is refused."""
    written_properties: dict[int, bytes | None] = {}  # source index -> the box written (None: dropped)

    def keep_property(index: int, item_id: int, essential: bool) -> bool:
        if index == 0:
            return False
        if index not in written_properties:
            written_properties[index] = _property_bytes(data, heif.properties[index - 1], options)
        box = heif.properties[index - 1]
        if written_properties[index] is None and essential and box.type not in RENDERING_PROPERTIES | METADATA_PROPERTIES.keys():
            raise UnsupportedError(
                heif.fmt,
                box.start,
                f"item {item_id} needs the property '{_show(box.type)}' (marked essential), which privpix does not know: "
                "it will neither drop it nor copy it",
            )
        return written_properties[index] is not None

    assoc = {i: [(x, e) for x, e in heif.assoc[i] if keep_property(x, i, e)] for i in heif.assoc if i in kept}
    used = sorted({x for entries in assoc.values() for x, _ in entries})
    renumber = {old: new for new, old in enumerate(used, start=1)}
    wide = len(used) > 127
    ipma_body = bytearray()
    count = 0
    for item_id, entries in assoc.items():
        if not entries:
            continue
        count += 1
        ipma_body += _uint(item_id, 4 if big_ids else 2) + bytes([len(entries)])
        for index, essential in entries:
            if wide:
                ipma_body += pack_u16be((essential << 15) | renumber[index])
            else:
                ipma_body += bytes([(essential << 7) | renumber[index]])
    ipco = b"".join(written_properties[i] or b"" for i in used)
    ipma = _full_box("ipma", 1 if big_ids else 0, 1 if wide else 0, pack_u32be(count) + bytes(ipma_body))
    return _box("iprp", _box("ipco", ipco) + ipma)


def _stripped_iinf(heif: Heif, written: set[int], exif_id: int) -> bytes:
    """``iinf``: an ``infe`` for every item written, the kept EXIF item typed ``Exif``."""
    items = [i for i in heif.items.values() if i.id in written]
    infes = b"".join(_infe(i, "Exif" if i.id == exif_id else i.type) for i in items)
    if len(items) <= 0xFFFF:
        return _full_box("iinf", 0, 0, pack_u16be(len(items)) + infes)
    return _full_box("iinf", 1, 0, pack_u32be(len(items)) + infes)


def _stripped_iref(heif: Heif, kept: set[int], exif_id: int, big_ids: bool) -> bytes:
    """``iref``: the references between kept items, and a ``cdsc`` from the kept EXIF item to the primary."""
    width = 4 if big_ids else 2
    refs = b""
    for kind, source, targets in heif.refs:
        if source not in kept:
            continue
        to = [t for t in targets if t in kept]
        if to:
            refs += _box(kind, _uint(source, width) + pack_u16be(len(to)) + b"".join(_uint(t, width) for t in to))
    if exif_id >= 0:
        refs += _box("cdsc", _uint(exif_id, width) + pack_u16be(1) + _uint(heif.primary, width))
    return _full_box("iref", 1 if big_ids else 0, 0, refs) if refs else b""


@dataclass
class _Placed:
    """Where each written item's data goes: method-1 items into ``idat``, the rest into ``mdat``."""

    items: list[tuple[int, int, int, int]]  # (item, method, offset in its store, length), in iloc order
    idat: bytes
    mdat: list[bytes | memoryview]  # the payload of mdat, in parts (joined once, with the whole file)
    mdat_size: int


def _place_item_data(data: bytes, heif: Heif, kept: set[int], written: set[int], exif: tuple[int, bytes] | None) -> _Placed:
    if sum(heif.locations[i].length for i in kept if i in heif.locations) > len(data):
        raise UnsupportedError(heif.fmt, -1, "the kept items' data overlap: the stripped file would repeat the same bytes")
    placed: list[tuple[int, int, int, int]] = []
    idat = bytearray()
    mdat: list[bytes | memoryview] = []
    mdat_size = 0
    view = memoryview(data)
    for loc in heif.locations.values():
        if loc.id not in written:
            continue
        parts: list[bytes | memoryview]
        if exif is not None and loc.id == exif[0]:
            parts, method = [exif[1]], 0
        else:
            parts, method = _item_parts(data, view, heif, loc), loc.method
        length = sum(len(part) for part in parts)
        if method == 1:
            placed.append((loc.id, method, len(idat), length))
            idat += b"".join(parts)
        else:
            placed.append((loc.id, method, mdat_size, length))
            mdat += parts
            mdat_size += length
    return _Placed(placed, bytes(idat), mdat, mdat_size)


def _iloc(placed: _Placed, version: int, offset_size: int, length_size: int, mdat_start: int) -> bytes:
    """``iloc`` with one extent per item (none for an empty one), ``mdat`` offsets from ``mdat_start``."""
    body = bytearray([(offset_size << 4) | length_size, 0])
    body += _uint(len(placed.items), 4 if version == 2 else 2)
    for item_id, method, offset, length in placed.items:
        body += _uint(item_id, 4 if version == 2 else 2)
        if version >= 1:
            body += pack_u16be(method)
        body += pack_u16be(0)
        if length == 0:
            body += pack_u16be(0)
            continue
        body += pack_u16be(1)
        body += _uint(offset + (mdat_start if method == 0 else 0), offset_size)
        body += _uint(length, length_size)
    return _full_box("iloc", version, 0, bytes(body))


def _assemble(data: bytes, heif: Heif, boxes: bytes, placed: _Placed, big_ids: bool) -> bytes:
    """``ftyp``, ``meta`` (``hdlr``, ``dinf``, ``pitm``, then ``boxes``: iinf, iref, iprp, idat; then
    ``iloc``) and ``mdat``. The item offsets in ``iloc`` depend on the size of ``meta``, which holds
    it: ``meta`` is built once with zero offsets to measure it, then with the real ones (4 bytes
    each, or 8 when ``mdat`` reaches past 4 GiB)."""
    version = 2 if big_ids else (1 if any(m == 1 for _, m, _, _ in placed.items) else 0)
    length_size = 8 if any(n > MAX_U32 for *_, n in placed.items) else 4
    hdlr = _full_box("hdlr", 0, 0, pack_u32be(0) + heif.handler.encode("latin-1") + bytes(12) + b"\x00")
    dinf = _box("dinf", _full_box("dref", 0, 0, pack_u32be(1) + _full_box("url ", 0, 1, b""))) if heif.has_dinf else b""
    pitm = (
        _full_box("pitm", 0, 0, pack_u16be(heif.primary))
        if heif.primary <= 0xFFFF
        else _full_box("pitm", 1, 0, pack_u32be(heif.primary))
    )
    head = hdlr + dinf + pitm + boxes
    ftyp = _canonical_ftyp(data, heif.ftyp)
    mdat_header = _box_header("mdat", placed.mdat_size)

    def meta_for(offset_size: int) -> tuple[bytes, int]:
        probe = _full_box("meta", 0, 0, head + _iloc(placed, version, offset_size, length_size, 0))
        start = len(ftyp) + len(probe) + len(mdat_header)
        return _full_box("meta", 0, 0, head + _iloc(placed, version, offset_size, length_size, start)), start

    meta, mdat_start = meta_for(4)
    if any(m == 0 and mdat_start + off > MAX_U32 for _, m, off, _ in placed.items):
        meta, mdat_start = meta_for(8)
    return b"".join([ftyp, meta, *([mdat_header, *placed.mdat] if placed.mdat_size else [])])


def strip(data: bytes, options: StripOptions) -> bytes:
    """The file rebuilt from the items a picture needs (``needed_items``), each with the properties
    that render it; the EXIF item only with what ``options.keep`` keeps (docs/strip.md, HEIF)."""
    heif = parse(data)
    kept = needed_items(data, heif)
    _check_keepable(heif, kept)
    exif = _kept_exif(data, heif, options)
    exif_id = exif[0] if exif else -1
    written = kept | ({exif_id} if exif else set())
    big_ids = max(written | {heif.primary}) > 0xFFFF
    iprp = _stripped_iprp(data, heif, kept, options, big_ids)
    placed = _place_item_data(data, heif, kept, written, exif)
    boxes = _stripped_iinf(heif, written, exif_id) + _stripped_iref(heif, kept, exif_id, big_ids) + iprp
    return _assemble(data, heif, boxes + (_box("idat", placed.idat) if placed.idat else b""), placed, big_ids)

"""TIFF (baseline and extended, strips or tiles, one or many pages): an 8-byte header, then a chain of
IFDs (image file directories) whose tags describe each image and point at its strips or tiles.

A TIFF's IFD0 *is* an EXIF IFD0, so cameras and editors leave Make, Model, Software, dates, serial
numbers, XMP, IPTC, Photoshop blocks, MakerNotes and even whole embedded JPEGs in it. ExifTool's
``-all=`` keeps Software and dates there; privpix does not: a strip writes a fresh, compact TIFF that
holds the image pages and only the tags needed to decode and render them. No pixel is decoded or
re-encoded; strip and tile bytes are copied verbatim.

What is kept
------------
* **Pages**: IFD0 always (the picture), and a later IFD of the chain only when it is a further page of
  the same document: not reduced, with strips or tiles, and either marked as a page (NewSubfileType
  bit 1, SubfileType 3 or a PageNumber tag) or of exactly IFD0's width and height. Dropped (with
  everything they point to, strips and tiles included): IFDs with NewSubfileType bit 0 (reduced
  resolution) or SubfileType 2; IFDs with neither StripOffsets nor TileOffsets (EXIF-style JPEG
  thumbnails); every other later IFD, such as the 160×106 thumbnail Nikon Capture writes as IFD1
  (a thumbnail can show what was cropped out of the picture); all SubIFDs (tag 330); Exif/GPS/Interop
  IFDs (rebuilt only for keep-groups, below).
* **Tags of a page**: the structural allowlist ``STRUCTURAL_TAGS`` (decoding and rendering only),
  each cut to its defined count (``COUNTS``, ``PER_SAMPLE``), the ICC profile (34675, neutralised:
  icc.neutralise) when ``keep_icc``, and the IFD0-level keep-group tags (Make, Model, DateTime,
  Artist, Copyright) when asked. Everything else goes: Software, ImageDescription,
  DocumentName, PageName, HostComputer, XMP (700), IPTC (33723), Photoshop IRB (34377), GeoTIFF,
  CameraSerialNumber, EXIF tags written straight into IFD0, MakerNotes, JPEGInterchangeFormat,
  and every private tag (>= 32768) other than ICC.
* **Keep-groups** (``options.keep``, see ``exif.KEEP_GROUPS``): the group's EXIF tags go into a new
  Exif IFD (taken from the page's Exif IFD, or, when absent there, from the page IFD itself — some
  writers put EXIF tags straight into IFD0); its GPS tags into a new GPS IFD. Pointers are written as
  LONG. Nothing is added that the source did not carry.

Refused: BigTIFF (``UnsupportedError``, in inspect too); in strip also old-style JPEG (Compression
6), DNG and other files whose IFD0 is a reduced-resolution preview, pages that have both strips and
tiles or lack byte counts, strips or tiles that overlap, and outputs of 4 GiB or more. Truncation of
IFD0 or of a kept tag's value is a ``FormatError`` naming the offset; strip/tile data or a later IFD
beyond the end of the file makes the file damaged, not refused (``parse``: the strips and tiles
clipped, their byte counts rewritten as LONG).

Output layout (the TypeScript engine writes the same bytes)
-------------------------------------------------------------
Same byte order as the input. ``E`` = that byte order.

1. Header: ``II*\\0`` or ``MM\\0*``, then the first IFD offset = 8.
2. For each kept page, in chain order, starting at the current position ``P`` (always even):

   a. **Page IFD** at ``P``: entry count (u16), entries sorted by tag ascending, next-IFD offset
      (u32: the next page's IFD offset, or 0 for the last page). Entries are the kept tags with
      their original type, count and value bytes, except:

      - StripOffsets (273) / TileOffsets (324): type LONG (4), same count, the new offsets;
      - ExifIFD (34665) / GPSInfo (34853) pointers, type LONG, count 1, added only when that IFD is
        written.

      A value of at most 4 bytes sits in the entry, left-aligned and zero-padded to 4 bytes. Larger
      values follow the table in entry order, each padded with one zero byte to even length; the
      entry holds their offset.
   b. **Exif IFD** (only with keep-groups that found tags), same rules, next-IFD offset 0.
   c. **GPS IFD** (likewise).
   d. **Image data**: every strip (or tile) of the page, in the order of its offsets array, copied
      verbatim and back to back with no padding. The new offset of a piece is where its bytes start;
      a piece with byte count 0 gets offset 0 (libtiff's "sparse" convention) and no bytes.
   e. If another page follows and the position is odd, one zero byte (IFDs start on even offsets).

3. Nothing after the last page's image data.

Parsing rules both engines share: an IFD with a repeated tag keeps the last entry (as
``exif.read_ifd`` does); entries of unknown type, or whose value lies outside the file, are skipped
with a warning unless the tag is one a strip keeps (``TAG_NAMES``), which is a ``FormatError``.

Inspect
-------
Width and height come from IFD0. Findings follow the IFD chain in order; for a page IFD ``IFDn``:
GPS IFD findings (``exif.findings``, block "IFDn GPS IFD"); ``exif.findings`` over the page IFD
with the Exif IFD's entries merged over the page's own (block "IFDn"); CameraSerialNumber; GeoTIFF;
XMP (700) findings and block; IPTC (33723) findings and block; Photoshop IRB (34377) findings; the
JPEGInterchangeFormat preview (unless Compression is 6); the Windows GDI+ thumbnail (0x501B); each
SubIFD; the Exif IFD block; the count of non-allowlisted tags; the ICC profile (kept). A dropped IFD
gives one "embedded" finding (reduced-resolution image or thumbnail).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from . import exif as exif_mod
from . import icc as icc_mod
from . import iptc, xmp
from .binary import need, preview
from .errors import FormatError, TruncatedError, UnsupportedError, damaged_warning
from .exif import Entry, Exif, Ifd
from .findings import Finding, Inspection, format_bytes, plural
from .memo import parse_once
from .policy import StripOptions

NAME = "tiff"
MIME = "image/tiff"
FMT = "TIFF"

MAGIC_LE = b"II*\x00"
MAGIC_BE = b"MM\x00*"
BIGTIFF_LE = b"II+\x00"
BIGTIFF_BE = b"MM\x00+"

TAG_NEW_SUBFILE_TYPE = 254
TAG_SUBFILE_TYPE = 255
TAG_WIDTH = 256
TAG_HEIGHT = 257
TAG_COMPRESSION = 259
TAG_STRIP_OFFSETS = 273
TAG_STRIP_BYTE_COUNTS = 279
TAG_TILE_OFFSETS = 324
TAG_TILE_BYTE_COUNTS = 325
TAG_PAGE_NUMBER = 297
TAG_SUB_IFDS = 330
TAG_XMP = 700
TAG_JPEG_IF_OFFSET = 0x0201
TAG_JPEG_IF_LENGTH = 0x0202
TAG_GDI_THUMBNAIL = 0x501B  # Windows GDI+ PropertyTagThumbnailData (a JPEG)
TAG_IPTC = 33723
TAG_PHOTOSHOP = 34377
TAG_ICC = 34675
TAG_EXIF_IFD = exif_mod.TAG_EXIF_IFD  # 34665
TAG_GPS_IFD = exif_mod.TAG_GPS_IFD  # 34853
TAG_DNG_VERSION = 0xC612
GEOTIFF_TAGS = (33550, 33922, 34264, 34735, 34736, 34737)

COMPRESSION_OLD_JPEG = 6

# Tags needed to decode and render a page; everything else is metadata. None of them holds a file
# offset except the strip/tile offsets, which the strip rewrites.
STRUCTURAL_TAGS: dict[int, str] = {
    254: "NewSubfileType",
    255: "SubfileType",
    256: "ImageWidth",
    257: "ImageLength",
    258: "BitsPerSample",
    259: "Compression",
    262: "PhotometricInterpretation",
    263: "Threshholding",
    264: "CellWidth",
    265: "CellLength",
    266: "FillOrder",
    273: "StripOffsets",
    274: "Orientation",
    277: "SamplesPerPixel",
    278: "RowsPerStrip",
    279: "StripByteCounts",
    280: "MinSampleValue",
    281: "MaxSampleValue",
    282: "XResolution",
    283: "YResolution",
    284: "PlanarConfiguration",
    290: "GrayResponseUnit",
    291: "GrayResponseCurve",
    292: "T4Options",
    293: "T6Options",
    296: "ResolutionUnit",
    297: "PageNumber",
    301: "TransferFunction",
    317: "Predictor",
    318: "WhitePoint",
    319: "PrimaryChromaticities",
    320: "ColorMap",
    321: "HalftoneHints",
    322: "TileWidth",
    323: "TileLength",
    324: "TileOffsets",
    325: "TileByteCounts",
    332: "InkSet",
    334: "NumberOfInks",
    336: "DotRange",
    338: "ExtraSamples",
    339: "SampleFormat",
    340: "SMinSampleValue",
    341: "SMaxSampleValue",
    342: "TransferRange",
    347: "JPEGTables",
    529: "YCbCrCoefficients",
    530: "YCbCrSubSampling",
    531: "YCbCrPositioning",
    532: "ReferenceBlackWhite",
}
TAG_NAMES: dict[int, str] = {**STRUCTURAL_TAGS, TAG_ICC: "ICCProfile"}

MAX_OUTPUT = 0xFFFFFFFF


@dataclass
class Page:
    """A full-resolution image IFD and what hangs off it."""

    index: int  # position in the IFD chain (0 for IFD0)
    ifd: Ifd
    exif: Ifd | None = None
    gps: Ifd | None = None
    sub_ifds: list[int] = field(default_factory=list)  # SubIFD offsets (tag 330)
    offsets_tag: int = 0  # 273 or 324; 0 when the page has neither
    offsets: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    cut: str | None = None  # why its image data is incomplete (the file was cut short inside it)


@dataclass
class Dropped:
    """An IFD of the chain that is not a page: a reduced-resolution image, an EXIF-style thumbnail or
    another image that does not say it is a page."""

    index: int
    ifd: Ifd
    kind: str  # "reduced" | "thumbnail" | "secondary"


@dataclass
class Layout:
    little: bool
    pages: list[Page]
    dropped: list[Dropped]
    warnings: list[str]
    damaged: str | None = None  # why the file is incomplete: cut inside image data or a later IFD


def sniff(data: bytes) -> bool:
    return data[:4] in (MAGIC_LE, MAGIC_BE, BIGTIFF_LE, BIGTIFF_BE)


# ---- parsing ----------------------------------------------------------------------------------------


def _e(little: bool) -> str:
    return "<" if little else ">"


def _first(ifd: Ifd, tag: int, little: bool) -> int | None:
    entry = ifd.entries.get(tag)
    values = exif_mod.uints(entry, little) if entry is not None else []
    return values[0] if values else None


def _table_length(ifd: Ifd, data: bytes, little: bool) -> int:
    """Bytes of the IFD table: count, 12-byte entries, next offset."""
    count = struct.unpack_from(_e(little) + "H", data, ifd.offset)[0]
    return 2 + 12 * count + 4


def _check_kept_entries(data: bytes, ifd: Ifd, little: bool, where: str) -> None:
    """Every entry a strip would keep must be readable: a known type and a value inside the file.

    ``exif.read_ifd`` skips broken entries with a warning, which is right for metadata we drop but
    would silently lose a tag the image needs, so the table is checked again here.
    """
    e = _e(little)
    count = struct.unpack_from(e + "H", data, ifd.offset)[0]
    for i in range(count):
        pos = ifd.offset + 2 + 12 * i
        tag, typ, n = struct.unpack_from(e + "HHI", data, pos)
        if tag not in TAG_NAMES:
            continue
        size = exif_mod.TYPE_SIZES.get(typ)
        if size is None:
            raise FormatError(FMT, pos, f"expected a known field type for {where} tag {TAG_NAMES[tag]}", f"type {typ}")
        total = size * n
        if total > 4:
            at = struct.unpack_from(e + "I", data, pos + 8)[0]
            need(data, at, total, FMT, f"the value of {where} tag {TAG_NAMES[tag]}")


def _int_array(ifd: Ifd, tag: int, little: bool, where: str) -> list[int] | None:
    entry = ifd.entries.get(tag)
    if entry is None:
        return None
    if entry.type not in (exif_mod.TYPE_SHORT, exif_mod.TYPE_LONG):
        raise FormatError(
            FMT, entry.value_offset, f"expected SHORT or LONG values for {where} tag {TAG_NAMES[tag]}", f"type {entry.type}"
        )
    return exif_mod.uints(entry, little)


def _sub_ifd(
    data: bytes, page: Ifd, tag: int, name: str, little: bool, warnings: list[str], budget: exif_mod.ReadBudget
) -> Ifd | None:
    """An Exif or GPS IFD, read tolerantly: a broken one is a warning (a strip drops it anyway)."""
    entry = page.entries.get(tag)
    if entry is None:
        return None
    offsets = exif_mod.uints(entry, little)
    if not offsets or offsets[0] == page.offset:
        warnings.append(f"{FMT} {name} pointer is invalid; ignored")
        return None
    try:
        return exif_mod.read_ifd(data, offsets[0], little, FMT, warnings, 0, budget)
    except FormatError as err:
        warnings.append(f"{name}: {err.expected}; ignored")
        return None


def _read_page(data: bytes, ifd: Ifd, index: int, little: bool, warnings: list[str], budget: exif_mod.ReadBudget) -> Page:
    where = f"IFD{index}"
    _check_kept_entries(data, ifd, little, where)
    page = Page(index, ifd)
    page.exif = _sub_ifd(data, ifd, TAG_EXIF_IFD, f"{where} Exif IFD", little, warnings, budget)
    page.gps = _sub_ifd(data, ifd, TAG_GPS_IFD, f"{where} GPS IFD", little, warnings, budget)
    sub = ifd.entries.get(TAG_SUB_IFDS)
    page.sub_ifds = exif_mod.uints(sub, little) if sub is not None else []
    if TAG_TILE_OFFSETS in ifd.entries:
        page.offsets_tag, counts_tag = TAG_TILE_OFFSETS, TAG_TILE_BYTE_COUNTS
    elif TAG_STRIP_OFFSETS in ifd.entries:
        page.offsets_tag, counts_tag = TAG_STRIP_OFFSETS, TAG_STRIP_BYTE_COUNTS
    else:
        return page
    page.offsets = _int_array(ifd, page.offsets_tag, little, where) or []
    counts = _int_array(ifd, counts_tag, little, where)
    if counts is None:
        return page  # strip() refuses it; inspect can still say what the file carries
    if len(counts) != len(page.offsets):
        raise FormatError(
            FMT,
            ifd.offset,
            f"expected as many {TAG_NAMES[counts_tag]} as {TAG_NAMES[page.offsets_tag]} in {where}",
            f"{len(counts)} and {len(page.offsets)}",
        )
    page.counts = counts
    piece = "tile" if page.offsets_tag == TAG_TILE_OFFSETS else "strip"
    for j, (off, size) in enumerate(zip(page.offsets, counts)):
        try:
            if size:
                need(data, off, size, FMT, f"{where} {piece} {j} of {len(counts)}")
        except TruncatedError as err:  # cut short: the bytes that are there
            page.cut = page.cut or err.describe()
            counts[j] = max(0, min(size, len(data) - off))
    return page


def _is_reduced(ifd: Ifd, little: bool) -> bool:
    new_type = _first(ifd, TAG_NEW_SUBFILE_TYPE, little)
    old_type = _first(ifd, TAG_SUBFILE_TYPE, little)
    return (new_type is not None and new_type & 1 == 1) or old_type == 2


def _is_page(ifd: Ifd, ifd0: Ifd, little: bool) -> bool:
    """Whether a later IFD is a further page of the document IFD0 starts (see the module docstring)."""
    new_type = _first(ifd, TAG_NEW_SUBFILE_TYPE, little)
    marked = (new_type is not None and new_type & 2 == 2) or _first(ifd, TAG_SUBFILE_TYPE, little) == 3
    size = (_first(ifd, TAG_WIDTH, little), _first(ifd, TAG_HEIGHT, little))
    return marked or TAG_PAGE_NUMBER in ifd.entries or size == (_first(ifd0, TAG_WIDTH, little), _first(ifd0, TAG_HEIGHT, little))


@parse_once
def parse(data: bytes) -> Layout:
    head = data[:4]
    if head in (BIGTIFF_LE, BIGTIFF_BE):
        raise UnsupportedError(FMT, 0, "BigTIFF (64-bit offsets) is not supported; save the image as a classic TIFF")
    if head not in (MAGIC_LE, MAGIC_BE):
        raise FormatError(FMT, 0, "expected a TIFF header 'II*\\0' or 'MM\\0*'", preview(data, 0, 4))
    need(data, 0, 8, FMT, "an 8-byte TIFF header")
    little = head == MAGIC_LE
    e = _e(little)
    warnings: list[str] = []
    pages: list[Page] = []
    dropped: list[Dropped] = []
    seen: set[int] = set()
    budget = exif_mod.ReadBudget(len(data))
    offset = struct.unpack_from(e + "I", data, 4)[0]
    if offset == 0:
        raise FormatError(FMT, 4, "expected the offset of the first IFD", "0")
    index = 0
    damaged = None
    while offset:
        if offset in seen:
            raise FormatError(FMT, offset, "expected a new IFD, but the IFD chain loops back to an earlier one")
        seen.add(offset)
        if index > 0 and (offset + 2 > len(data) or offset + 6 + 12 * struct.unpack_from(e + "H", data, offset)[0] > len(data)):
            text = f"truncated: IFD{index} runs past the end of the file ({len(data)} bytes)"
            damaged = FormatError(FMT, offset, text).describe()
            break  # a later IFD cut short: the pages before it are whole
        ifd = exif_mod.read_ifd(data, offset, little, FMT, warnings, 0, budget)
        count = struct.unpack_from(e + "H", data, offset)[0]
        need(data, offset + 2 + 12 * count, 4, FMT, f"the next-IFD offset of IFD{index}")
        if index > 0 and _is_reduced(ifd, little):
            dropped.append(Dropped(index, ifd, "reduced"))
        elif index > 0 and TAG_STRIP_OFFSETS not in ifd.entries and TAG_TILE_OFFSETS not in ifd.entries:
            dropped.append(Dropped(index, ifd, "thumbnail"))
        elif index > 0 and not _is_page(ifd, pages[0].ifd, little):
            dropped.append(Dropped(index, ifd, "secondary"))
        else:
            pages.append(_read_page(data, ifd, index, little, warnings, budget))
        offset = ifd.next_offset
        index += 1
    damaged = next((page.cut for page in pages if page.cut), damaged)
    if damaged is not None:
        warnings.append(damaged_warning(damaged))
    return Layout(little, pages, dropped, warnings, damaged)


# ---- the photo's own EXIF and ICC ----------------------------------------------------------------------


def exif_block(data: bytes) -> bytes | None:
    """A TIFF is its own EXIF block: IFD0 holds what an EXIF IFD0 holds."""
    parse(data)
    return data


def icc_profile(data: bytes) -> bytes | None:
    """IFD0's ICC profile tag (34675)."""
    entry = parse(data).pages[0].ifd.entries.get(TAG_ICC)
    return None if entry is None else entry.raw


# ---- inspect ------------------------------------------------------------------------------------------


def _size_text(ifd: Ifd, little: bool) -> str:
    w = _first(ifd, TAG_WIDTH, little)
    h = _first(ifd, TAG_HEIGHT, little)
    return f"{w}×{h} pixels" if w is not None and h is not None else "size unknown"


def _table_finding_span(data: bytes, ifd: Ifd, little: bool) -> tuple[int, int]:
    return ifd.offset, _table_length(ifd, data, little)


def _page_findings(data: bytes, page: Page, little: bool, warnings: list[str], budget: exif_mod.ReadBudget) -> list[Finding]:
    ifd = page.ifd
    block = f"IFD{page.index}"
    span = _table_finding_span(data, ifd, little)
    out: list[Finding] = []
    if page.gps is not None:
        gps_view = Exif(little=little, gps=page.gps)
        out.extend(exif_mod.findings(gps_view, f"{block} GPS IFD", *_table_finding_span(data, page.gps, little)))
    # EXIF tags may sit in the Exif IFD or straight in the page IFD: read both, the Exif IFD winning.
    merged = Ifd(page.exif.offset if page.exif else ifd.offset, {**ifd.entries, **(page.exif.entries if page.exif else {})})
    out.extend(exif_mod.findings(Exif(little=little, ifd0=ifd, exif=merged, data=data), block, *span))
    geo = [t for t in GEOTIFF_TAGS if t in ifd.entries]
    if geo:
        out.append(Finding("location", "GeoTIFF georeferencing", plural(len(geo), "GeoTIFF tag"), block, *span))
    entry = ifd.entries.get(TAG_XMP)
    if entry is not None:
        packet = xmp.decode_packet(entry.raw)
        out.extend(xmp.findings(packet, f"{block} XMP", entry.value_offset, len(entry.raw)))
        out.append(xmp.block_finding(f"{block} XMP", entry.value_offset, len(entry.raw)))
    entry = ifd.entries.get(TAG_IPTC)
    if entry is not None:
        out.extend(iptc.iim_findings(entry.raw, f"{block} IPTC", entry.value_offset, len(entry.raw)))
        out.append(
            Finding(
                "blocks",
                "IPTC",
                f"{format_bytes(len(entry.raw))} of IPTC-IIM records",
                f"{block} IPTC",
                entry.value_offset,
                len(entry.raw),
            )
        )
    entry = ifd.entries.get(TAG_PHOTOSHOP)
    if entry is not None:
        out.extend(iptc.irb_findings(entry.raw, f"{block} Photoshop", entry.value_offset, len(entry.raw)))
    jpeg_at = _first(ifd, TAG_JPEG_IF_OFFSET, little)
    jpeg_len = _first(ifd, TAG_JPEG_IF_LENGTH, little)
    if jpeg_at is not None and jpeg_len and _first(ifd, TAG_COMPRESSION, little) != COMPRESSION_OLD_JPEG:
        is_jpeg = data[jpeg_at : jpeg_at + 2] == b"\xff\xd8"
        value = (
            f"JPEG, {format_bytes(jpeg_len)}" if is_jpeg else f"{format_bytes(jpeg_len)} (the pointer does not lead to JPEG data)"
        )
        out.append(Finding("embedded", "Embedded JPEG preview", value, block, jpeg_at, jpeg_len))
    entry = ifd.entries.get(TAG_GDI_THUMBNAIL)
    if entry is not None and entry.raw:
        value = ("JPEG, " if entry.raw[:2] == b"\xff\xd8" else "") + format_bytes(len(entry.raw))
        out.append(Finding("embedded", "Windows thumbnail", value, block, entry.value_offset, len(entry.raw)))
    for j, sub_at in enumerate(page.sub_ifds):
        sub_block = f"{block} SubIFD{j}"
        try:
            sub = exif_mod.read_ifd(data, sub_at, little, FMT, warnings, 0, budget)
        except FormatError as err:
            warnings.append(f"{sub_block}: {err.expected}; ignored")
            out.append(Finding("embedded", "SubIFD image", "unreadable", sub_block, sub_at, 0))
            continue
        out.append(
            Finding("embedded", "SubIFD image", _size_text(sub, little), sub_block, *_table_finding_span(data, sub, little))
        )
    if page.exif is not None:
        out.append(
            Finding(
                "blocks",
                "Exif IFD",
                plural(len(page.exif.entries), "tag"),
                f"{block} Exif IFD",
                *_table_finding_span(data, page.exif, little),
            )
        )
    other = [t for t in ifd.entries if t not in TAG_NAMES]
    if other:
        out.append(
            Finding("blocks", "TIFF metadata tags", plural(len(other), "tag") + " not needed to show the image", block, *span)
        )
    entry = ifd.entries.get(TAG_ICC)
    if entry is not None:
        out.extend(icc_mod.findings(entry.raw, f"{block} ICC", entry.value_offset, len(entry.raw)))
    return out


def _dropped_finding(data: bytes, item: Dropped, little: bool) -> Finding:
    block = f"IFD{item.index}"
    span = _table_finding_span(data, item.ifd, little)
    if item.kind == "reduced":
        return Finding("embedded", "Reduced-resolution image", _size_text(item.ifd, little), block, *span)
    if item.kind == "secondary":
        return Finding("embedded", "Secondary image", _size_text(item.ifd, little), block, *span)
    length = _first(item.ifd, TAG_JPEG_IF_LENGTH, little)
    if _first(item.ifd, TAG_JPEG_IF_OFFSET, little) is not None and length:
        return Finding("embedded", "EXIF thumbnail", f"JPEG, {format_bytes(length)}", block, *span)
    return Finding("embedded", "EXIF thumbnail", _size_text(item.ifd, little), block, *span)


def read_metadata(data: bytes) -> Inspection:
    layout = parse(data)
    little = layout.little
    warnings = list(layout.warnings)
    items: list[tuple[int, list[Finding]]] = []
    budget = exif_mod.ReadBudget(len(data))  # for the SubIFDs, which only inspect reads
    for page in layout.pages:
        items.append((page.index, _page_findings(data, page, little, warnings, budget)))
    for item in layout.dropped:
        items.append((item.index, [_dropped_finding(data, item, little)]))
    items.sort(key=lambda pair: pair[0])
    out = [f for _, found in items for f in found]
    ifd0 = layout.pages[0].ifd
    width, height = _first(ifd0, TAG_WIDTH, little), _first(ifd0, TAG_HEIGHT, little)
    return Inspection(NAME, MIME, width, height, out, warnings, layout.damaged is not None)


# ---- strip --------------------------------------------------------------------------------------------


def _check_strippable(page: Page, little: bool) -> None:
    ifd = page.ifd
    where = f"IFD{page.index}"
    if _first(ifd, TAG_COMPRESSION, little) == COMPRESSION_OLD_JPEG:
        raise UnsupportedError(
            FMT,
            ifd.offset,
            f"{where} uses old-style JPEG compression (6), which privpix cannot "
            "rewrite safely; convert the file to a modern TIFF or a JPEG first",
        )
    if page.index == 0 and (TAG_DNG_VERSION in ifd.entries or _is_reduced(ifd, little)):
        raise UnsupportedError(
            FMT,
            ifd.offset,
            "IFD0 is a reduced-resolution preview (a DNG or raw file); the full "
            "image lives in a SubIFD, which a lossless TIFF strip would drop",
        )
    if TAG_STRIP_OFFSETS in ifd.entries and TAG_TILE_OFFSETS in ifd.entries:
        raise UnsupportedError(FMT, ifd.offset, f"{where} has both strips and tiles")
    if page.offsets_tag == 0 or not page.offsets:
        raise FormatError(FMT, ifd.offset, f"expected StripOffsets or TileOffsets in {where}")
    if not page.counts:
        counts = "TileByteCounts" if page.offsets_tag == TAG_TILE_OFFSETS else "StripByteCounts"
        raise UnsupportedError(FMT, ifd.offset, f"{where} has no {counts}; privpix cannot tell where its image data ends")


@dataclass
class _PagePlan:
    page: Page
    entries: list[Entry]  # page IFD entries, sorted; offsets and pointers still to fill in
    exif: list[Entry]
    gps: list[Entry]


# Structural tags of one value, or of a fixed number of values (others: one per sample, below): a
# longer value carries bytes no decoder reads, and is cut to its defined count.
COUNTS = {tag: 1 for tag in (254, 255, 256, 257, 259, 262, 263, 264, 265, 266, 274, 277, 278, 282, 283, 284)}
COUNTS |= {tag: 1 for tag in (290, 292, 293, 296, 317, 322, 323, 332, 334, 531)}
COUNTS |= {297: 2, 318: 2, 319: 6, 529: 3, 530: 2, 532: 6}
PER_SAMPLE = frozenset((258, 338, 339, 340, 341))


def _canonical(entry: Entry, spp: int) -> Entry | None:
    """A kept entry in its defined count (see ``COUNTS``); the ICC profile neutralised (icc.neutralise),
    or None when it is unreadable."""
    if entry.tag == TAG_ICC:
        neutral = icc_mod.neutralise(entry.raw)
        return None if neutral is None else Entry(entry.tag, entry.type, len(neutral), neutral, 0)
    most = COUNTS.get(entry.tag, spp if entry.tag in PER_SAMPLE else None)
    if most is None or entry.count <= most:
        return entry
    return Entry(entry.tag, entry.type, most, entry.raw[: most * exif_mod.TYPE_SIZES[entry.type]], 0)


def _plan(page: Page, options: StripOptions, kept: dict[str, set[int]], little: bool) -> _PagePlan:
    ifd = page.ifd
    wanted = set(STRUCTURAL_TAGS) | kept["ifd0"]
    if options.keep_icc:
        wanted.add(TAG_ICC)
    spp = _first(ifd, 277, little) or 1
    canonical = (_canonical(ifd.entries[t], spp) for t in sorted(ifd.entries) if t in wanted)
    entries = [x for x in canonical if x is not None]
    exif_entries: list[Entry] = []
    for tag in sorted(kept["exif"]):
        entry = page.exif.entries.get(tag) if page.exif is not None else None
        if entry is None:
            entry = ifd.entries.get(tag)
        if entry is not None:
            exif_entries.append(entry)
    gps = page.gps
    if gps is not None and "blurred-location" in options.keep:
        gps = exif_mod.blurred_gps(Exif(little=little, gps=gps))
    gps_entries = [gps.entries[t] for t in sorted(gps.entries) if t in kept["gps"]] if gps is not None else []
    placeholder = b"\x00\x00\x00\x00"
    if exif_entries:
        entries.append(Entry(TAG_EXIF_IFD, exif_mod.TYPE_LONG, 1, placeholder, 0))
    if gps_entries:
        entries.append(Entry(TAG_GPS_IFD, exif_mod.TYPE_LONG, 1, placeholder, 0))
    # the offsets array becomes LONG; its size is known before the offsets are
    entries = [
        Entry(x.tag, exif_mod.TYPE_LONG, len(page.offsets), b"\x00" * (4 * len(page.offsets)), 0)
        if x.tag == page.offsets_tag
        else x
        for x in entries
    ]
    if page.cut is not None:  # the byte counts of what the file still holds, as LONG
        counts_tag = TAG_TILE_BYTE_COUNTS if page.offsets_tag == TAG_TILE_OFFSETS else TAG_STRIP_BYTE_COUNTS
        clipped = struct.pack(f"{_e(little)}{len(page.counts)}I", *page.counts)
        entries = [Entry(x.tag, exif_mod.TYPE_LONG, len(page.counts), clipped, 0) if x.tag == counts_tag else x for x in entries]
    entries.sort(key=lambda x: x.tag)
    return _PagePlan(page, entries, exif_entries, gps_entries)


def strip(data: bytes, options: StripOptions) -> bytes:
    layout = parse(data)
    little = layout.little
    e = _e(little)
    for page in layout.pages:
        _check_strippable(page, little)
    if sum(sum(page.counts) for page in layout.pages) > len(data):
        raise UnsupportedError(FMT, -1, "the pages' strips or tiles overlap: the stripped file would repeat the same bytes")
    kept = exif_mod.kept_tags(options.keep, orientation=False)
    plans = [_plan(page, options, kept, little) for page in layout.pages]

    out = bytearray(MAGIC_LE if little else MAGIC_BE)
    out += struct.pack(e + "I", 8)
    for k, plan in enumerate(plans):
        page = plan.page
        page_at = len(out)
        exif_at = page_at + exif_mod.ifd_size(plan.entries)
        gps_at = exif_at + (exif_mod.ifd_size(plan.exif) if plan.exif else 0)
        data_at = gps_at + (exif_mod.ifd_size(plan.gps) if plan.gps else 0)
        end = data_at + sum(page.counts)
        last = k == len(plans) - 1
        next_at = 0 if last else end + (end & 1)
        if end > MAX_OUTPUT or next_at > MAX_OUTPUT:
            raise UnsupportedError(FMT, -1, "the stripped file would be 4 GiB or more, which a classic TIFF cannot address")
        new_offsets: list[int] = []
        cursor = data_at
        for size in page.counts:
            new_offsets.append(cursor if size else 0)
            cursor += size
        fixed = {
            page.offsets_tag: struct.pack(f"{e}{len(new_offsets)}I", *new_offsets),
            TAG_EXIF_IFD: struct.pack(e + "I", exif_at),
            TAG_GPS_IFD: struct.pack(e + "I", gps_at),
        }
        entries = [Entry(x.tag, x.type, x.count, fixed[x.tag], 0) if x.tag in fixed else x for x in plan.entries]
        exif_mod.write_ifd(out, entries, next_at, little)
        if plan.exif:
            exif_mod.write_ifd(out, plan.exif, 0, little)
        if plan.gps:
            exif_mod.write_ifd(out, plan.gps, 0, little)
        assert len(out) == data_at
        for off, size in zip(page.offsets, page.counts):
            out += data[off : off + size]
        if not last and len(out) & 1:
            out += b"\x00"
    return bytes(out)

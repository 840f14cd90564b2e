"""A HEIC over the pixel budget, decoded one tile row at a time and downscaled as it goes (the
TypeScript engine's imaging/heic-grid.ts does the same).

A phone's HEIC is a grid: the primary item is a ``grid`` whose tiles (``dimg`` references) are
separate HEVC items of one size (512×512 on an iPhone, Samsung's 108/200 MP ones the same), sharing
one ``hvcC``. Each row of tiles is written as a small HEIF file of its own — the same coded tiles, a
one-row grid with the grid's ``colr`` properties, no rotation or mirror — and decoded by libheif
(pillow-heif), then fed to a ``BlockReducer``; only the reduced picture, one row of tiles and its
file are ever in memory. The primary item's ``irot``/``imir`` are then applied to the small result
in their ``ipma`` order, as libheif applies them to the whole picture, and the ICC profile is the
container's (``Photo.icc``), as on the normal path.

Refused, with the reason: a HEIC that is not a grid (one coded picture cannot be decoded in parts),
one with an alpha plane or a crop (``clap``), and tiles that are not HEVC or do not share one
``hvcC``.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image

from ..formats import isobmff
from ..formats.errors import FormatError, UnsupportedError
from .reduce import BlockReducer

# the property boxes of a one-row grid file: the tiles' hvcC and ispe, the grid's ispe and colr
_TILE_PROPERTIES = ("hvcC", "ispe")


@dataclass
class Grid:
    """What a tile-row decode needs from a grid HEIC."""

    width: int  # the grid's output size (before irot/imir)
    height: int
    rows: int
    cols: int
    tile_height: int
    tiles: list[bytes]  # coded tiles, row by row
    hvcc: bytes  # the whole hvcC property box of every tile
    tile_ispe: bytes
    colr: list[bytes]  # the grid's colr boxes (nclx and/or prof)
    transforms: list[tuple[str, int]]  # ("irot", quarter turns anticlockwise) / ("imir", axis), ipma order


def _property_boxes(data: bytes, heif: isobmff.Heif, item: int) -> list[tuple[str, bytes]]:
    return [
        (heif.properties[index - 1].type, data[heif.properties[index - 1].start : heif.properties[index - 1].end])
        for index, _ in heif.assoc.get(item, [])
        if 0 < index <= len(heif.properties)
    ]


def _refuse(why: str) -> UnsupportedError:
    return UnsupportedError("HEIC", -1, f"{why}, so it cannot be decoded in parts at a reduced size")


def read_grid(data: bytes) -> Grid:
    """The grid of a HEIC's primary item; UnsupportedError saying why it cannot be read in tile rows."""
    heif = isobmff.parse(data)
    primary = heif.items.get(heif.primary)
    if primary is None or primary.type != "grid":
        kind = f"a single '{primary.type}' picture" if primary is not None and primary.type else "not a grid"
        raise _refuse(f"this HEIC is {kind}, not a grid of tiles")
    tiles = next((to for kind, frm, to in heif.refs if kind == "dimg" and frm == heif.primary), [])
    for kind, frm, to in heif.refs:
        if kind == "auxl" and heif.primary in to:
            aux = b"".join(box for t, box in _property_boxes(data, heif, frm) if t == "auxC")
            if b":alpha" in aux:
                raise _refuse("this HEIC has an alpha plane")
    grid_props = _property_boxes(data, heif, heif.primary)
    if any(t == "clap" for t, _ in grid_props):
        raise _refuse("this HEIC is cropped ('clap')")
    location = heif.locations.get(heif.primary)
    if location is None or location.method not in (0, 1):
        raise _refuse("this HEIC's grid description is not stored in the file")
    desc = isobmff.item_bytes(data, heif, location)
    if len(desc) < 8:
        raise FormatError("HEIC", -1, "the grid description is shorter than 8 bytes")
    rows, cols = desc[2] + 1, desc[3] + 1
    width, height = struct.unpack(">II", desc[4:12]) if desc[1] & 1 else struct.unpack(">HH", desc[4:8])
    if len(tiles) != rows * cols:
        raise FormatError("HEIC", -1, f"the grid has {rows}×{cols} cells but {len(tiles)} tiles")
    coded: list[bytes] = []
    shared: list[tuple[str, bytes]] | None = None
    for tile in tiles:
        item, loc = heif.items.get(tile), heif.locations.get(tile)
        if item is None or item.type != "hvc1" or loc is None or loc.method not in (0, 1):
            raise _refuse("this HEIC's tiles are not HEVC pictures stored in the file")
        props = [(t, box) for t, box in _property_boxes(data, heif, tile) if t in _TILE_PROPERTIES]
        if shared is None:
            shared = props
        elif props != shared:
            raise _refuse("this HEIC's tiles do not share one HEVC configuration")
        coded.append(isobmff.item_bytes(data, heif, loc))
    found = dict(shared or [])
    if "hvcC" not in found or "ispe" not in found:
        raise FormatError("HEIC", -1, "a tile has no 'hvcC' or 'ispe' property")
    tile_width, tile_height = struct.unpack(">II", found["ispe"][12:20])
    if tile_width * cols < width or tile_height * rows < height:
        raise FormatError("HEIC", -1, f"{rows}×{cols} tiles of {tile_width}×{tile_height} do not cover {width}×{height}")
    transforms: list[tuple[str, int]] = []
    for t, box in grid_props:
        if t in ("irot", "imir") and len(box) > 8:
            transforms.append((t, box[8] & (3 if t == "irot" else 1)))
    return Grid(
        width, height, rows, cols, tile_height, coded, found["hvcC"], found["ispe"],
        [box for t, box in grid_props if t == "colr"], transforms,
    )  # fmt: skip


# ---- a one-row grid file -------------------------------------------------------------------------


def _box(kind: str, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I", 8 + len(body)) + kind.encode() + body


def _full_box(kind: str, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *parts)


def grid_file(
    rows: int, cols: int, width: int, height: int, tiles: list[bytes], hvcc: bytes, tile_ispe: bytes,
    grid_properties: list[bytes],
) -> bytes:  # fmt: skip
    """A HEIF file whose primary item is a ``rows`` × ``cols`` grid of ``tiles`` (coded HEVC pictures
    sharing the ``hvcc`` and ``tile_ispe`` property boxes), ``width`` × ``height``, with
    ``grid_properties`` (whole boxes: colr, irot, imir…) associated with the grid after its ispe."""
    n = len(tiles)
    grid_desc = struct.pack(">BBBBII", 0, 1, rows - 1, cols - 1, width, height)
    ftyp = _box("ftyp", b"heic", struct.pack(">I", 0), b"mif1heic")
    hdlr = _full_box("hdlr", 0, 0, struct.pack(">I", 0), b"pict", bytes(12), b"\0")
    pitm = _full_box("pitm", 0, 0, struct.pack(">H", 1))
    infes = [_full_box("infe", 2, 0, struct.pack(">HH", 1, 0), b"grid\0")]
    infes += [_full_box("infe", 2, 1, struct.pack(">HH", 2 + i, 0), b"hvc1\0") for i in range(n)]
    iinf = _full_box("iinf", 0, 0, struct.pack(">H", 1 + n), *infes)
    iref = _full_box("iref", 0, 0, _box("dimg", struct.pack(f">HH{n}H", 1, n, *range(2, 2 + n))))
    # properties: 1 hvcC, 2 tile ispe, 3 grid ispe, 4.. the grid's own
    ipco = _box("ipco", hvcc, tile_ispe, _full_box("ispe", 0, 0, struct.pack(">II", width, height)), *grid_properties)
    grid_assoc = bytes([3] + [0x80 | (4 + i) for i in range(len(grid_properties))])
    ipma = struct.pack(">IHB", 1 + n, 1, len(grid_assoc)) + grid_assoc
    ipma += b"".join(struct.pack(">HBBB", 2 + i, 2, 0x81, 2) for i in range(n))
    iprp = _box("iprp", ipco, _full_box("ipma", 0, 0, ipma))
    iloc_size = 16 + (1 + n) * 14  # header, sizes byte, count; per item: id, dref, 1 extent, offset, length
    meta_size = 12 + len(hdlr) + len(pitm) + len(iinf) + len(iref) + len(iprp) + iloc_size
    at = len(ftyp) + meta_size + 8  # the mdat payload
    entries = []
    for i, payload in enumerate([grid_desc, *tiles]):
        entries.append(struct.pack(">HHHII", 1 + i, 0, 1, at, len(payload)))
        at += len(payload)
    iloc = _full_box("iloc", 0, 0, bytes([0x44, 0x00]), struct.pack(">H", 1 + n), *entries)
    meta = _full_box("meta", 0, 0, hdlr, pitm, iinf, iref, iprp, iloc)
    assert len(meta) == meta_size
    return ftyp + meta + _box("mdat", grid_desc, *tiles)


def row_files(grid: Grid) -> Iterator[tuple[int, bytes]]:
    """(height, file) of each row of tiles, top to bottom: the last row is cut to the grid's height."""
    for row in range(grid.rows):
        height = min(grid.tile_height, grid.height - row * grid.tile_height)
        tiles = grid.tiles[row * grid.cols : (row + 1) * grid.cols]
        yield height, grid_file(1, grid.cols, grid.width, height, tiles, grid.hvcc, grid.tile_ispe, grid.colr)


# ---- the decode ----------------------------------------------------------------------------------

# quarter turns anticlockwise (irot) and mirror axes (imir) as libheif reads them: axis 0 flips top and
# bottom, 1 left and right (libheif's heif_transform_mirror_direction_vertical/horizontal)
_IROT = {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_270}
_IMIR = {0: Image.Transpose.FLIP_TOP_BOTTOM, 1: Image.Transpose.FLIP_LEFT_RIGHT}


def decode_reduced(grid: Grid, factor: tuple[int, int]) -> Image.Image:
    """The primary picture of a grid HEIC (``read_grid``'s) reduced by whole ``factor`` (x, y, of the
    stored picture: before irot/imir) one row of tiles at a time, then made upright. RGB."""
    import pillow_heif

    reducer = BlockReducer(grid.width, grid.height, factor, "RGB")
    for row_height, file in row_files(grid):
        try:
            band = pillow_heif.open_heif(io.BytesIO(file), convert_hdr_to_8bit=True).to_pillow()
        except (OSError, ValueError, RuntimeError) as err:
            raise FormatError("HEIC", -1, f"cannot decode the image: {err}") from None
        if band.size != (grid.width, row_height):
            raise FormatError("HEIC", -1, f"a row of tiles decoded to {band.size}, not {grid.width}×{row_height}")
        reducer.feed(band.convert("RGB"))
        del band
    image = reducer.result()
    for kind, value in grid.transforms:
        op = _IROT.get(value) if kind == "irot" else _IMIR[value]
        if op is not None:
            image = image.transpose(op)
    return image

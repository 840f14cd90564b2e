"""Synthetic photos over the pixel budget, made in the test run (never committed) and small on disk.

``grid_heic``: a HEIC laid out as a phone writes one — a grid of 512×512 HEVC tiles sharing one
``hvcC`` — whose four quadrants have four colours (so a rotation or mirror shows), with the primary
item's ``irot``/``imir`` and an ICC profile in ``colr``. Each colour is encoded once (x265 through
pillow-heif) and its coded tile repeated, so a 108 MP file is a few hundred kB.
``phone_grid_heic``: the same layout with the real tiles of a phone HEIC repeated, for benchmarks
(real HEVC content decodes at a phone photo's speed; solid tiles do not). ``quadrant_png``: the
four quadrants as a palette PNG.
"""

from __future__ import annotations

import io
import struct
import zlib
from functools import cache

import pillow_heif
from PIL import Image, ImageCms

from privpix.formats import isobmff
from privpix.imaging.heic_grid import grid_file, read_grid

TILE = 512
QUADRANTS = ((220, 40, 40), (40, 200, 40), (40, 40, 220), (235, 235, 235))  # TL, TR, BL, BR


@cache
def _coded_tile(colour: tuple[int, int, int]) -> tuple[bytes, bytes, bytes]:
    """(coded picture, hvcC box, ispe box) of a 512×512 tile of one colour."""
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (TILE, TILE), colour)).save(out, quality=50)
    data = out.getvalue()
    heif = isobmff.parse(data)
    props = {heif.properties[i - 1].type: heif.properties[i - 1] for i, _ in heif.assoc[heif.primary]}
    boxes = {kind: data[box.start : box.end] for kind, box in props.items()}
    return isobmff.item_bytes(data, heif, heif.locations[heif.primary]), boxes["hvcC"], boxes["ispe"]


@cache  # one profile: each one made carries the time it was made
def srgb_icc() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes())


def irot(turns: int) -> bytes:
    """Rotation by ``turns`` quarter turns anticlockwise."""
    return struct.pack(">I4sB", 9, b"irot", turns & 3)


def imir(axis: int) -> bytes:
    """Mirror: axis 0 is vertical (left and right swap), 1 horizontal."""
    return struct.pack(">I4sB", 9, b"imir", axis & 1)


def colr_prof(icc: bytes) -> bytes:
    return struct.pack(">I4s4s", 12 + len(icc), b"colr", b"prof") + icc


def grid_heic(width: int, height: int, *transforms: bytes, icc: bytes | None = None) -> bytes:
    """A ``width`` × ``height`` grid HEIC (before ``transforms``) with four coloured quadrants."""
    rows, cols = -(-height // TILE), -(-width // TILE)
    tiles = []
    for row in range(rows):
        for col in range(cols):
            quadrant = 2 * (row * TILE >= height // 2) + (col * TILE >= width // 2)
            tiles.append(_coded_tile(QUADRANTS[quadrant]))
    _, hvcc, ispe = tiles[0]
    properties = ([colr_prof(icc)] if icc else []) + list(transforms)
    return grid_file(rows, cols, width, height, [t[0] for t in tiles], hvcc, ispe, properties)


def phone_grid_heic(phone: bytes, width: int, height: int) -> bytes:
    """A ``width`` × ``height`` grid HEIC made of the tiles of the grid HEIC ``phone``, repeated in
    order, with its colour properties and rotation."""
    grid = read_grid(phone)
    rows, cols = -(-height // grid.tile_height), -(-width // grid.tile_height)
    tiles = [grid.tiles[i % len(grid.tiles)] for i in range(rows * cols)]
    turns = [irot(v) if kind == "irot" else imir(v) for kind, v in grid.transforms]
    return grid_file(rows, cols, width, height, tiles, grid.hvcc, grid.tile_ispe, [*grid.colr, *turns])


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def quadrant_png(width: int, height: int, *, orientation: int = 1) -> bytes:
    """A ``width`` × ``height`` 8-bit palette PNG with the four ``QUADRANTS``, written row by row
    (never held whole), with an ``eXIf`` Orientation when not 1."""
    palette = b"".join(bytes(c) for c in QUADRANTS)
    half = width // 2
    top = b"\0" + bytes([0]) * half + bytes([1]) * (width - half)
    bottom = b"\0" + bytes([2]) * half + bytes([3]) * (width - half)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(top if y < height // 2 else bottom) for y in range(height)) + packer.flush()
    chunks = [(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)), (b"PLTE", palette)]
    if orientation != 1:
        exif = Image.Exif()
        exif[0x0112] = orientation
        chunks.append((b"eXIf", exif.tobytes()))
    chunks += [(b"IDAT", idat), (b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(_png_chunk(k, v) for k, v in chunks)

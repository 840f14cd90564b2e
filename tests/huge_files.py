"""Synthetic photos over the pixel budget, made in the test run (never committed) and small on disk.

``grid_heic``: a HEIC laid out as a phone writes one — a grid of 512×512 HEVC tiles sharing one
``hvcC`` — whose four quadrants have four colours (so a rotation or mirror shows), with the primary
item's ``irot``/``imir`` and an ICC profile in ``colr``. Each colour is encoded once (x265 through
pillow-heif) and its coded tile repeated, so a 108 MP file is a few hundred kB.
"""

from __future__ import annotations

import io
import struct
from functools import cache

import pillow_heif
from PIL import Image, ImageCms

from privpix.formats import isobmff
from privpix.imaging.heic_grid import grid_file

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

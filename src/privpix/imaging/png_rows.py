"""A PNG over the pixel budget, decoded a band of rows at a time and downscaled as it goes (the
TypeScript engine's imaging/png-rows.ts does the same, unfiltering the rows itself).

The IDAT stream is inflated incrementally (``zlib.decompressobj``) and cut into bands of filtered
rows. Pillow's C decoder does the unfiltering: each band is written as a PNG of its own whose
pixels are the row bytes themselves (8-bit grey, grey+alpha, RGB or RGBA: the type whose bytes per
pixel equal the source's, so Sub, Average and Paeth look at the same neighbours), led by the last
unfiltered row of the band before (filter None) for Up, Average and Paeth to read. 16-bit RGB and
RGBA rows (6 and 8 bytes per pixel) are split into their high and low bytes first: PNG filters work
byte by byte, so each half is an 8-bit RGB or RGBA picture with the same neighbours. The unfiltered
band is then written once more as a PNG of the source's own type (filter None) and decoded by
Pillow, so palette, transparency (tRNS), bit depths 1 to 16 and grey come out exactly as on the
normal path; the band is made one of the modes ``decode`` returns and fed to a ``BlockReducer``.
Memory: the reduced picture, one band in its forms and the inflater's window.

Refused, with the reason: interlaced (Adam7) PNGs, whose rows arrive in seven passes over the whole
picture, and animated PNGs.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..formats import png
from ..formats.errors import FormatError, UnsupportedError
from .reduce import BlockReducer

BAND_BYTES = 8 << 20  # unfiltered bytes per band: a few MB whatever the width
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel
# bytes per pixel -> the 8-bit colour type whose pixels are that many bytes
RAW_VIEW = {1: 0, 2: 4, 3: 2, 4: 6}
Chunks = tuple[tuple[bytes, bytes], ...]  # (type, body)


@dataclass
class Header:
    width: int
    height: int
    depth: int
    colour: int  # PNG colour type
    chunks: Chunks  # PLTE and tRNS, for the bands' own PNGs

    @property
    def row_bytes(self) -> int:
        return (self.width * CHANNELS[self.colour] * self.depth + 7) // 8

    @property
    def pixel_bytes(self) -> int:
        """The filters' 'bpp': bytes per complete pixel, at least 1."""
        return max(1, CHANNELS[self.colour] * self.depth // 8)


def _refuse(why: str) -> UnsupportedError:
    return UnsupportedError("PNG", -1, f"{why}, so it cannot be decoded in parts at a reduced size")


def read_header(data: bytes) -> tuple[Header, list[png.Chunk]]:
    """The header and the IDAT chunks of a PNG; UnsupportedError saying why it cannot be read in bands."""
    layout = png.parse(data)
    ihdr = layout.chunks[0].body(data)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", ihdr[:13])
    if interlace:
        raise _refuse("this PNG is interlaced (Adam7)")
    if any(c.type == b"acTL" for c in layout.chunks):
        raise _refuse("this PNG is animated")
    if colour not in CHANNELS:
        raise FormatError("PNG", layout.chunks[0].start, f"colour type {colour} is not a PNG colour type")
    kept = tuple((c.type, c.body(data)) for c in layout.chunks if c.type in (b"PLTE", b"tRNS"))
    idats = [c for c in layout.chunks if c.type == b"IDAT"]
    return Header(width, height, depth, colour, kept), idats


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(width: int, height: int, depth: int, colour: int, rows: bytes, extra: Chunks = ()) -> Image.Image:
    """``rows`` (each led by its filter byte) as a PNG of that type, decoded by Pillow."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    parts = [(b"IHDR", ihdr), *extra, (b"IDAT", zlib.compress(rows, 1)), (b"IEND", b"")]
    body = b"".join(_chunk(k, v) for k, v in parts)
    im = Image.open(io.BytesIO(b"\x89PNG\r\n\x1a\n" + body))
    im.load()
    return im


def _unfilter(rows: np.ndarray, previous: np.ndarray | None, pixel_bytes: int) -> np.ndarray:
    """Unfiltered bytes of ``rows`` (each row: filter byte, then its bytes), ``previous`` the
    unfiltered row above the first (None at the top of the picture)."""
    if pixel_bytes in (6, 8):  # split into high and low bytes: two 8-bit pictures of 3 or 4 bytes a pixel
        filters, body = rows[:, :1], rows[:, 1:]
        halves = []
        for lane in (0, 1):
            part = np.concatenate([filters, body[:, lane::2]], axis=1)
            above = None if previous is None else previous[lane::2]
            halves.append(_unfilter(part, above, pixel_bytes // 2))
        out = np.empty((rows.shape[0], rows.shape[1] - 1), dtype=np.uint8)
        out[:, 0::2], out[:, 1::2] = halves
        return out
    n, width = rows.shape[0], (rows.shape[1] - 1) // pixel_bytes
    if previous is not None:
        rows = np.concatenate([np.concatenate([[0], previous]).astype(np.uint8)[None, :], rows])
    if rows[:, 0].max() > 4:
        raise FormatError("PNG", -1, "a row has a filter type over 4")
    im = _png(width, rows.shape[0], 8, RAW_VIEW[pixel_bytes], rows.tobytes())
    raw = np.frombuffer(im.tobytes(), dtype=np.uint8).reshape(rows.shape[0], -1)
    return raw[-n:]


def _filtered_bands(data: bytes, idats: list[png.Chunk], header: Header) -> Iterator[np.ndarray]:
    """The filtered rows, in bands: arrays of (rows, 1 + row_bytes) bytes."""
    stride = 1 + header.row_bytes
    band_rows = max(1, BAND_BYTES // stride)
    inflater = zlib.decompressobj()
    pending = b""
    left = header.height
    for chunk in idats:
        pending += inflater.decompress(chunk.body(data))
        while left and len(pending) >= min(band_rows, left) * stride:
            take = min(band_rows, left)
            yield np.frombuffer(pending[: take * stride], dtype=np.uint8).reshape(take, stride)
            pending = pending[take * stride :]
            left -= take
    pending += inflater.flush()
    if left and len(pending) >= left * stride:
        yield np.frombuffer(pending[: left * stride], dtype=np.uint8).reshape(left, stride)
        left = 0
    if left:
        raise FormatError("PNG", -1, f"the image data ends {left} rows short of {header.height}")


def working_mode(header: Header) -> str:
    """The mode ``decode`` gives this PNG on the normal path (``normalise_mode`` of Pillow's, before
    an opaque alpha is dropped): a palette's tRNS is alpha, grey and RGB colour keys are not."""
    alpha = header.colour in (4, 6) or (header.colour == 3 and any(kind == b"tRNS" for kind, _ in header.chunks))
    if header.colour in (0, 4):
        if header.depth == 16 and header.colour == 0:
            return "I;16"
        return "LA" if alpha else "L"
    return "RGBA" if alpha else "RGB"


def decode_reduced(data: bytes, factor: tuple[int, int]) -> Image.Image:
    """The picture of a non-interlaced PNG reduced by whole ``factor`` (x, y), a band at a time."""
    from .decode import normalise_mode

    header, idats = read_header(data)
    mode = working_mode(header)
    reducer = BlockReducer(header.width, header.height, factor, mode)
    previous: np.ndarray | None = None
    for band in _filtered_bands(data, idats, header):
        raw = _unfilter(band, previous, header.pixel_bytes)
        previous = raw[-1]
        plain = np.concatenate([np.zeros((raw.shape[0], 1), dtype=np.uint8), raw], axis=1)
        im = _png(header.width, raw.shape[0], header.depth, header.colour, plain.tobytes(), header.chunks)
        if im.mode in ("I;16B", "I;16L", "I;16N", "I"):
            im = normalise_mode(im)  # 16-bit grey: I;16
        reducer.feed(im if im.mode == mode else im.convert(mode))
    return reducer.result()

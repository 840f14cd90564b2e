"""The quality a JPEG was saved at, estimated from its luminance quantisation table.

Encoders built on libjpeg (cameras, phones, most software) scale the standard luminance table of
ITU-T T.81 Annex K by the IJG rule: ``scale = 5000 / q`` below quality 50, ``200 - 2q`` from 50.
The estimate inverts that rule on the mean ratio of the file's table to the standard one (the
table of the first frame, id 0, before the first scan); a table that is no scaling of the standard
one (a camera's own) still gets the quality whose table has the same mean step, which is what the
file's size follows. None when the file has no readable table.

``web/src/engine/imaging/jpeg-quality.ts`` mirrors this module.
"""

from __future__ import annotations

from ..formats import jpeg as jpeg_format

# T.81 Annex K.1, in zig-zag order (the order of a DQT segment).
STANDARD_LUMINANCE = (
    16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40,
    26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
    56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87,
    95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
)  # fmt: skip


def luminance_table(data: bytes) -> tuple[int, ...] | None:
    """The 64 steps of quantisation table 0 defined before the first scan, in zig-zag order."""
    for seg in jpeg_format.parse(data).segments:
        if seg.marker == jpeg_format.SOS:
            return None
        if seg.marker != jpeg_format.DQT:
            continue
        pos, end = seg.payload_start, seg.payload_end
        while pos < end:
            precision, table_id = data[pos] >> 4, data[pos] & 0x0F
            size = 128 if precision else 64
            if pos + 1 + size > end:
                return None
            body = data[pos + 1 : pos + 1 + size]
            if table_id == 0:
                if precision:
                    return tuple(int.from_bytes(body[i : i + 2], "big") for i in range(0, 128, 2))
                return tuple(body)
            pos += 1 + size
    return None


def estimate(data: bytes) -> int | None:
    """The IJG quality (1-100) whose luminance table has the same mean step as this file's."""
    table = luminance_table(data)
    if table is None or not any(table):
        return None
    scale = 100 * sum(table) / sum(STANDARD_LUMINANCE)  # percent of the standard table
    quality = (200 - scale) / 2 if scale <= 100 else 5000 / scale
    return max(1, min(100, int(quality + 0.5)))  # half up, as the TypeScript engine rounds

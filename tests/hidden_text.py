"""Files with a marker string hidden in places a decoder does not need, one place per file.

Each builder hides ``MARK`` where a reviewer found text surviving a strip, or where one could look
next (padding, duplicates, trailing bytes inside structures, unknown boxes, chunks and properties,
free-text fields of a kept colour profile). tests/test_hidden_text.py strips them with default
options and searches the output byte-wise; docs/strip.md lists what strip does to each structure.
"""

from __future__ import annotations

import struct
import zlib

from PIL import ImageCms

MARK = b"PRIVPIX-HIDDEN-Q"  # 16 bytes: fits fields of 4- and 8-byte units
MARK16 = MARK.decode("ascii").encode("utf-16-be")  # how it reads inside an ICC 'mluc' tag


def icc_profile(desc: bytes = b"sRGB", cprt: bytes = b"no copyright, use freely", private: bytes = b"") -> bytes:
    """A valid v2 RGB profile: desc ('desc' type), cprt ('text'), the colour tags of Pillow's sRGB,
    and, when given, a private tag 'mmod' holding ``private``."""
    base = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    colour = []
    for i in range(struct.unpack_from(">I", base, 128)[0]):
        sig, off, size = struct.unpack_from(">4sII", base, 132 + 12 * i)
        if sig not in (b"desc", b"cprt"):
            colour.append((sig, base[off : off + size]))
    desc_tag = b"desc" + bytes(4) + struct.pack(">I", len(desc) + 1) + desc + b"\x00" + bytes(12) + bytes(3 + 67)
    tags = [(b"desc", desc_tag), (b"cprt", b"text" + bytes(4) + cprt + b"\x00"), *colour]
    if private:
        tags.append((b"mmod", b"mmod" + bytes(4) + private))
    table_end = 132 + 12 * len(tags)
    offset, body, table = table_end, b"", b""
    for sig, data in tags:
        data += bytes(-len(data) % 4)
        table += struct.pack(">4sII", sig, offset, len(data))
        body += data
        offset += len(data)
    head = bytearray(base[:128])
    head[0:4] = struct.pack(">I", table_end + len(body))
    head[84:100] = bytes(16)
    return bytes(head) + struct.pack(">I", len(tags)) + table + body


def gif_cases() -> dict[str, bytes]:
    from tests.formats.test_gif import application, insert, still

    base = still()
    gce = b"\x21\xf9\x04\x00\x00\x00\x00\x00"
    return {
        "gif_plain_text.gif": insert(
            base, before_trailer=gce + b"\x21\x01\x0c" + bytes(12) + bytes([len(MARK)]) + MARK + b"\x00"
        ),
        "gif_loop_extra_sub_block.gif": insert(
            base, before_image=b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00" + bytes([len(MARK)]) + MARK + b"\x00"
        ),
        "gif_control_long_sub_block.gif": insert(
            base, before_image=b"\x21\xf9" + bytes([4 + len(MARK)]) + b"\x00\x00\x00\x00" + MARK + b"\x00"
        ),
        "gif_control_second_sub_block.gif": insert(base, before_image=gce[:-1] + bytes([len(MARK)]) + MARK + b"\x00"),
        "gif_icc_desc.gif": insert(base, before_image=application(b"ICCRGBG1012", icc_profile(desc=MARK))),
        "gif_icc_private_tag.gif": insert(base, before_image=application(b"ICCRGBG1012", icc_profile(private=MARK))),
    }


def jpeg_cases() -> dict[str, bytes]:
    from tests.formats.test_jpeg import BASES, app, icc_chunks, insert, segment, split
    from tests.formats.test_jpeg_scan import FILES, hide_after_scans, hide_before_restarts

    base = BASES["baseline"]
    parts = split(base)
    jfif_long = b"".join([parts[0], app(0, parts[1][4:] + MARK), *parts[2:]])
    return {
        "jpeg_adobe_extra_bytes.jpg": insert(base, 2, app(14, b"Adobe\x00\x64\x00\x00\x00\x00\x01" + MARK)),
        "jpeg_dnl.jpg": insert(base, -1, segment(0xDC, b"\x00\x10" + MARK)),
        "jpeg_jfif_extra_bytes.jpg": jfif_long,
        "jpeg_second_jfif.jpg": insert(base, 2, app(0, b"JFIF\x00" + MARK)),
        "jpeg_icc_desc.jpg": insert(base, 2, *icc_chunks(icc_profile(desc=MARK), n=2)),
        "jpeg_icc_copyright.jpg": insert(base, 2, *icc_chunks(icc_profile(cprt=b"(c) " + MARK), n=1)),
        "jpeg_icc_private_tag.jpg": insert(base, 2, *icc_chunks(icc_profile(private=MARK), n=1)),
        "jpeg_icc_after_the_declared_size.jpg": insert(base, 2, *icc_chunks(icc_profile() + MARK, n=1)),
        "jpeg_after_the_scan_data.jpg": hide_after_scans(FILES["baseline_RGB"], MARK),
        "jpeg_after_progressive_scans.jpg": hide_after_scans(FILES["progressive_RGB"], MARK),
        "jpeg_after_mozjpeg_scans.jpg": hide_after_scans(FILES["mozjpeg_progressive"], MARK),
        "jpeg_before_restart_markers.jpg": hide_before_restarts(FILES["progressive_restart_420"], MARK),
    }


def png_cases() -> dict[str, bytes]:
    from tests.formats.test_png import base_png, with_chunks

    rgb = base_png()
    stored = zlib.compress(icc_profile())
    return {
        "png_splt_name.png": with_chunks(rgb, [(b"sPLT", MARK + b"\x00\x08" + bytes(6))]),
        "png_plte_in_truecolour.png": with_chunks(rgb, [(b"PLTE", MARK + b"\x00\x00")]),
        "png_gama_extra_bytes.png": with_chunks(rgb, [(b"gAMA", b"\x00\x00\xb1\x8f" + MARK)]),
        "png_second_bkgd.png": with_chunks(rgb, [(b"bKGD", bytes(6)), (b"bKGD", MARK[:6])]),
        "png_trns_in_rgba.png": with_chunks(base_png("RGBA"), [(b"tRNS", MARK[:6])]),
        "png_iccp_name.png": with_chunks(rgb, [(b"iCCP", MARK + b"\x00\x00" + stored)]),
        "png_iccp_trailing_zlib_bytes.png": with_chunks(rgb, [(b"iCCP", b"ICC\x00\x00" + stored + MARK)]),
        "png_icc_desc.png": with_chunks(rgb, [(b"iCCP", b"ICC\x00\x00" + zlib.compress(icc_profile(desc=MARK)))]),
    }


def webp_cases() -> dict[str, bytes]:
    from tests.formats.test_webp import chunks_of, encode, riff

    vp8 = dict(chunks_of(encode()))[b"VP8 "]
    width, height = (struct.unpack_from("<H", vp8, 6)[0] & 0x3FFF), (struct.unpack_from("<H", vp8, 8)[0] & 0x3FFF)
    size = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")

    def vp8x(flags: int, extra: bytes = b"") -> tuple[bytes, bytes]:
        return (b"VP8X", bytes([flags, 0, 0, 0]) + size + extra)

    def frame(extra: bytes = b"", flags: int = 0) -> tuple[bytes, bytes]:
        inner = b"VP8 " + struct.pack("<I", len(vp8)) + vp8 + bytes(len(vp8) & 1)
        return (b"ANMF", bytes(6) + size + b"\x64\x00\x00" + bytes([flags]) + inner + extra)

    anim = (b"ANIM", bytes(4) + b"\x00\x00")
    unknown = b"XTRA" + struct.pack("<I", len(MARK)) + MARK
    return {
        "webp_unknown_chunk_in_frame.webp": riff([vp8x(0x02), anim, frame(unknown)]),
        "webp_anim_extra_bytes.webp": riff([vp8x(0x02), (b"ANIM", anim[1] + MARK), frame()]),
        "webp_vp8x_extra_bytes.webp": riff([vp8x(0, MARK), (b"VP8 ", vp8)]),
        "webp_icc_desc.webp": riff([vp8x(0x20), (b"ICCP", icc_profile(desc=MARK)), (b"VP8 ", vp8)]),
        "webp_unknown_top_level.webp": riff([vp8x(0), (b"VP8 ", vp8), (b"XTRA", MARK)]),
    }


def heif_cases() -> dict[str, bytes]:
    from tests.formats.test_isobmff import HVCC, ISPE_64x48, Spec, box, full, make_heif

    def primary(*props: bytes, data: bytes = b"P" * 32, kind: bytes = b"hvc1") -> bytes:
        indices = tuple(range(1, len(props) + 3))
        return make_heif([Spec(1, kind, data, props=indices, essential=(1,))], [HVCC, ISPE_64x48, *props], [], 1)

    tile = Spec(2, b"hvc1", b"T" * 16, props=(1, 2), essential=(1,), flags=1)
    grid = Spec(1, b"grid", b"\x00\x00\x00\x00\x00\x40\x00\x30" + MARK, props=(2,))
    return {
        "heic_unknown_property.heic": primary(box(b"xtra", MARK)),
        "heic_ispe_trailing_bytes.heic": make_heif(
            [Spec(1, b"hvc1", b"P" * 32, props=(1, 2), essential=(1,))],
            [HVCC, full(b"ispe", 0, 0, struct.pack(">II", 64, 48) + MARK)],
            [],
            1,
        ),
        "heic_irot_trailing_bytes.heic": primary(box(b"irot", b"\x01" + MARK)),
        "heic_icc_desc.heic": primary(box(b"colr", b"prof" + icc_profile(desc=MARK))),
        "heic_nclx_trailing_bytes.heic": primary(box(b"colr", b"nclx" + bytes([0, 1, 0, 13, 0, 6, 0x80]) + MARK)),
        "heic_grid_trailing_bytes.heic": make_heif([grid, tile], [HVCC, ISPE_64x48], [(b"dimg", 1, [2])], 1),
    }


def tiff_cases() -> dict[str, bytes]:
    from tests.conformance.test_tiff_synthetic import Builder, a, u

    def page(*extra: tuple[int, int, int, bytes | int]) -> bytes:
        b = Builder(True)
        return b.link(b.page(6, 4, 7, [*(extra or ())]))

    return {
        "tiff_icc_desc.tif": page(u(34675, icc_profile(desc=MARK))),
        "tiff_ink_names.tif": page(a(333, MARK)),
        "tiff_resolution_extra_values.tif": page((282, 5, 3, struct.pack("<II", 72, 1) + MARK)),
        "tiff_icc_private_tag.tif": page(u(34675, icc_profile(private=MARK))),
        "tiff_ycbcr_coefficients_extra_values.tif": page((529, 5, 5, struct.pack("<6I", 299, 1000, 587, 1000, 114, 1000) + MARK)),
    }


def all_cases() -> dict[str, bytes]:
    return {**gif_cases(), **jpeg_cases(), **png_cases(), **webp_cases(), **heif_cases(), **tiff_cases()}


def needle(name: str) -> bytes:
    """What to search a case's output for: the marker, or its first 6 bytes where only 6 fit."""
    return MARK[:6] if name in ("png_second_bkgd.png", "png_trns_in_rgba.png") else MARK

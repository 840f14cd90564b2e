"""Encode upright pixels as JPEG, WebP, AVIF or PNG, carrying only the metadata asked for.

Every encoder writes nothing of its own (no Software text, no encoder comment, no XMP, no EXIF)
and embeds exactly what it is given: the ICC profile (``colour="keep"``) and, with
``keep_metadata``, the EXIF block built by ``formats.exif.reencoded_block``.

- **JPEG**: jpegli (``pyjpegli``: 4:2:0, adaptive quantisation) followed by MozJPEG's lossless
  optimisation (``mozjpeg-lossless-optimization``: progressive scans, optimised Huffman tables).
  At equal SSIMULACRA2 (65-85) on five camera/phone photos this was 16.7% smaller than
  libjpeg-turbo (optimize + progressive, 4:2:0) + the same optimisation, and 7% smaller than jpegli
  alone; the optimisation costs ~0.6 s on 12 MP (jpegli itself ~0.15 s). ``bench/encode_native.py``
  prints the comparison. The optimiser writes a JFIF APP0 header; EXIF goes in an APP1 and the
  ICC profile in APP2 ``ICC_PROFILE`` chunks, inserted right after it (``jpeg_with_metadata``).
- **WebP**: libwebp through Pillow, ``method`` 6: at equal SSIMULACRA2 4.4% smaller than method 4
  (method 5: 1.8%) for ~30% more CPU time (12 MP, q75: 1.03 s vs 0.72-0.83 s of CPU; method 5
  0.78-0.84 s). ICCP/EXIF chunks from Pillow.
- **AVIF**: libavif (AOM) through Pillow, ``speed`` 6, 4:2:0: speed 8 is 2.4x faster (12 MP on
  2 cores: 0.54 s vs 1.31 s) but 8.5% larger at equal SSIMULACRA2; speed 4 is 5% smaller and 6x
  slower (bench/encode_native.py --sections choices). ICC in a ``colr`` box, EXIF as an item.
- **PNG**: OxiPNG builds the file straight from the raw pixels (``RawImage``: filter choice,
  lossless colour-type/bit-depth/palette reductions), level 1 (level 2 saved 0-1% on the corpus
  PNGs for 2-3x the time), with an ``iCCP`` and an ``eXIf`` chunk when given; see
  ``PNG_FAST_FROM`` for large images. ``palette`` first quantises to at most 256 colours with
  libimagequant (dithering 1.0, ``max_quality`` = the quality, ``min_quality`` 0: it never refuses).
"""

from __future__ import annotations

import io

from PIL import Image

from ..formats import jpeg as jpeg_format

# Chosen with bench/encode_native.py on this 2-core machine; see the docstring above and the report.
WEBP_METHOD = 6
AVIF_SPEED = 6
PNG_LEVEL = 1
# OxiPNG's level 1 deflates with libdeflate 10 (near-optimal parsing): cheap on graphics and smooth
# images, ~1.5-3 s per megapixel on noisy photos. Above this many pixels libdeflate 8 is used:
# ~3x faster there for ~15% more bytes (a 12 MP photo as PNG is 5+ MB either way).
PNG_FAST_FROM = 4_000_000
PNG_FAST_DEFLATE = 8

MAX_SEGMENT = 0xFFFF - 2  # payload bytes in one JPEG marker segment
ICC_CHUNK = MAX_SEGMENT - 14  # after "ICC_PROFILE\0", sequence number, count


def jpeg_segments(icc: bytes | None, exif: bytes | None) -> bytes:
    """APP1 ``Exif\\0\\0`` + block, then APP2 ``ICC_PROFILE\\0`` chunks (at most 65,519 profile
    bytes each, numbered from 1, each carrying the total count)."""
    out = bytearray()
    if exif:
        payload = jpeg_format.EXIF_ID + b"\x00" + exif
        if len(payload) > MAX_SEGMENT:
            raise ValueError(f"the EXIF block ({len(exif)} bytes) does not fit in a JPEG APP1 segment")
        out += b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    if icc:
        chunks = [icc[i : i + ICC_CHUNK] for i in range(0, len(icc), ICC_CHUNK)]
        if len(chunks) > 255:
            raise ValueError(f"the ICC profile ({len(icc)} bytes) does not fit in 255 JPEG APP2 segments")
        for n, chunk in enumerate(chunks, 1):
            payload = jpeg_format.ICC_ID + bytes((n, len(chunks))) + chunk
            out += b"\xff\xe2" + (len(payload) + 2).to_bytes(2, "big") + payload
    return bytes(out)


def jpeg_with_metadata(data: bytes, icc: bytes | None, exif: bytes | None) -> bytes:
    """Insert the metadata segments after SOI and, when the file starts with one, the JFIF APP0."""
    extra = jpeg_segments(icc, exif)
    if not extra:
        return data
    pos = 2
    if data[2:4] == b"\xff\xe0" and data[6:11] == jpeg_format.JFIF_ID:
        pos = 4 + int.from_bytes(data[4:6], "big")
    return data[:pos] + extra + data[pos:]


def encode_jpeg(image: Image.Image, quality: int, icc: bytes | None, exif: bytes | None) -> bytes:
    import mozjpeg_lossless_optimization
    import pyjpegli

    rgb = image if image.mode == "RGB" else image.convert("RGB")
    coded = pyjpegli.encode(rgb.tobytes(), rgb.width, rgb.height, quality)
    coded = mozjpeg_lossless_optimization.optimize(coded)
    return jpeg_with_metadata(coded, icc, exif)


def _pillow(image: Image.Image, fmt: str, **params: object) -> bytes:
    image.info = {}  # Pillow falls back to im.info for some metadata: give it none
    out = io.BytesIO()
    image.save(out, fmt, **{k: v for k, v in params.items() if v is not None})
    return out.getvalue()


def encode_webp(image: Image.Image, quality: int, icc: bytes | None, exif: bytes | None) -> bytes:
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    return _pillow(image, "WEBP", quality=quality, method=WEBP_METHOD, icc_profile=icc, exif=exif)


def encode_avif(image: Image.Image, quality: int, icc: bytes | None, exif: bytes | None) -> bytes:
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    return _pillow(image, "AVIF", quality=quality, speed=AVIF_SPEED, subsampling="4:2:0", icc_profile=icc, exif=exif)


def quantise(image: Image.Image, quality: int) -> tuple[bytes, list[list[int]]]:
    """At most 256 colours with libimagequant: (one palette index per pixel, RGBA palette)."""
    import imagequant

    from .colour import to_8bit

    rgba = to_8bit(image).convert("RGBA")
    indices, flat = imagequant.quantize_raw_rgba_bytes(
        rgba.tobytes(), rgba.width, rgba.height, dithering_level=1.0, max_colors=256, min_quality=0, max_quality=quality
    )
    return indices, [list(flat[i : i + 4]) for i in range(0, len(flat), 4)]


def encode_png(image: Image.Image, icc: bytes | None, exif: bytes | None, *, palette_quality: int | None = None) -> bytes:
    import oxipng

    if palette_quality is not None:
        indices, colours = quantise(image, palette_quality)
        raw = oxipng.RawImage(indices, image.width, image.height, color_type=oxipng.ColorType.indexed(colours))
    elif image.mode == "I;16":
        raw = oxipng.RawImage(
            image.tobytes("raw", "I;16B"), image.width, image.height, color_type=oxipng.ColorType.grayscale(), bit_depth=16
        )
    else:
        kinds = {
            "L": oxipng.ColorType.grayscale,
            "LA": oxipng.ColorType.grayscale_alpha,
            "RGB": oxipng.ColorType.rgb,
            "RGBA": oxipng.ColorType.rgba,
        }
        if image.mode not in kinds:
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        raw = oxipng.RawImage(image.tobytes(), image.width, image.height, color_type=kinds[image.mode]())
    if icc:
        raw.add_icc_profile(icc)
    if exif:
        raw.add_png_chunk(b"eXIf", exif)
    if image.width * image.height > PNG_FAST_FROM:
        fast = oxipng.Deflaters.libdeflater(PNG_FAST_DEFLATE)
        return raw.create_optimized_png(level=PNG_LEVEL, strip=oxipng.StripChunks.none(), deflate=fast)
    return raw.create_optimized_png(level=PNG_LEVEL, strip=oxipng.StripChunks.none())


def encode(
    image: Image.Image,
    fmt: str,
    quality: int | None,
    *,
    icc: bytes | None = None,
    exif: bytes | None = None,
    palette: bool = False,
) -> bytes:
    """``image`` as ``fmt`` ("jpeg", "webp", "avif", "png"). ``quality`` is ignored for lossless PNG."""
    if fmt == "jpeg":
        assert quality is not None
        return encode_jpeg(image, quality, icc, exif)
    if fmt == "webp":
        assert quality is not None
        return encode_webp(image, quality, icc, exif)
    if fmt == "avif":
        assert quality is not None
        return encode_avif(image, quality, icc, exif)
    if fmt == "png":
        return encode_png(image, icc, exif, palette_quality=quality if palette else None)
    raise ValueError(f"cannot encode {fmt!r}")

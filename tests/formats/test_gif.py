"""GIF container: block walk, inspect, and the strip (comments, XMP, foreign application blocks)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageSequence

from privpix.formats import gif
from privpix.formats.errors import FormatError
from privpix.options import StripOptions

from ..corpus import CORPUS
from .test_png import exiftool_leaks

CORPUS_GIFS = sorted(CORPUS.rglob("*.gif"))
DEFAULT = StripOptions()


# ---- helpers ------------------------------------------------------------------------------------------


def sub_blocks(payload: bytes) -> bytes:
    out = b"".join(bytes([len(payload[i : i + 255])]) + payload[i : i + 255] for i in range(0, len(payload), 255))
    return out + b"\x00"


def extension(label: int, payload: bytes) -> bytes:
    return bytes([0x21, label]) + sub_blocks(payload)


def application(ident: bytes, payload: bytes) -> bytes:
    assert len(ident) == 11
    return b"\x21\xff\x0b" + ident + sub_blocks(payload)


def xmp_extension(packet: bytes) -> bytes:
    return b"\x21\xff\x0b" + b"XMP DataXMP" + packet + gif.XMP_MAGIC_TRAILER


def screen_end(data: bytes) -> int:
    packed = data[10]
    return 13 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)


def walk(data: bytes) -> list[tuple[int, int, bytes]]:
    """(introducer, label, block bytes) up to the trailer, read independently of the module."""
    pos, out = screen_end(data), []
    while data[pos] != 0x3B:
        start = pos
        if data[pos] == 0x2C:
            packed = data[pos + 9]
            pos += 10 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0) + 1
            label = -1
        else:
            assert data[pos] == 0x21
            label = data[pos + 1]
            pos += 2
        while data[pos]:
            pos += 1 + data[pos]
        pos += 1
        out.append((data[start], label, data[start:pos]))
    assert pos == len(data) - 1, "bytes after the trailer"
    return out


def app_ids(data: bytes) -> list[bytes]:
    return [block[3:14] for intro, label, block in walk(data) if label == 0xFF]


def insert(data: bytes, before_image: bytes = b"", before_trailer: bytes = b"") -> bytes:
    """Put extension bytes after the screen descriptor and/or before the trailer of ``data``."""
    at = screen_end(data)
    assert data.endswith(b"\x3b")
    return data[:at] + before_image + data[at:-1] + before_trailer + b"\x3b"


def still(size: tuple[int, int] = (10, 6), **save: object) -> bytes:
    rng = np.random.default_rng(5)
    im = Image.fromarray(rng.integers(0, 16, (size[1], size[0]), dtype=np.uint8), "L").convert("P")
    buf = io.BytesIO()
    im.save(buf, "GIF", **save)
    return buf.getvalue()


def animated(**save: object) -> bytes:
    frames = [Image.new("P", (8, 5), i * 40) for i in range(4)]
    for i, frame in enumerate(frames):
        frame.putpalette([v for c in range(256) for v in (c, 255 - c, (c * 7) % 256)])
        frame.putpixel((i, i % 5), 200)
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=[30, 60, 90, 120], loop=0, **save)
    return buf.getvalue()


def frames(data: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(data))
    out = []
    for frame in ImageSequence.Iterator(im):
        frame.load()
        out.append(np.array(frame.convert("RGBA")))
    return out


def same_pixels(a: bytes, b: bytes) -> bool:
    fa, fb = frames(a), frames(b)
    return len(fa) == len(fb) and all(np.array_equal(x, y) for x, y in zip(fa, fb))


# ---- sniff and parse ----------------------------------------------------------------------------------


def test_sniff() -> None:
    assert gif.sniff(still())
    assert gif.sniff(b"GIF87a" + bytes(20))
    assert not gif.sniff(b"GIF90a" + bytes(20))


def test_read_metadata_reports_the_screen_size() -> None:
    info = gif.read_metadata(still(size=(17, 3)))
    assert (info.format, info.mime, info.width, info.height) == ("gif", "image/gif", 17, 3)
    assert info.findings == [] and info.warnings == []


def test_missing_trailer_makes_the_file_damaged() -> None:
    data = still()[:-1]
    report = gif.read_metadata(data)
    assert report.damaged and f"GIF: at byte {len(data)}: truncated: expected another block or the trailer" in report.warnings[0]
    assert gif.strip(data, DEFAULT) == still()  # whole images, then the trailer


def test_truncated_sub_block_names_its_offset() -> None:
    data = still(size=(40, 40))
    image_at = screen_end(data) + next(i for i, b in enumerate(data[screen_end(data) :]) if b == 0x2C)
    cut = data[: image_at + 16]
    report = gif.read_metadata(cut)
    assert report.damaged and "sub-block" in report.warnings[0]
    out = gif.strip(cut, DEFAULT)
    assert gif.parse(out).partial is None and out.endswith(b"\x00\x3b")  # whole sub-blocks, a terminator, the trailer
    with pytest.raises(FormatError, match="truncated"):  # cut before the first image: nothing to keep
        gif.read_metadata(data[:image_at])


def test_unknown_block_introducer() -> None:
    data = insert(still(), before_image=b"\x99")
    with pytest.raises(FormatError) as err:
        gif.parse(data)
    assert err.value.offset == screen_end(data) and "0x2c" in err.value.expected


def test_short_colour_table() -> None:
    with pytest.raises(FormatError) as err:
        gif.parse(b"GIF89a\x02\x00\x02\x00\x87\x00\x00" + bytes(30))
    assert err.value.offset == 13 and "colour table" in err.value.expected


# ---- strip --------------------------------------------------------------------------------------------


def test_comment_is_reported_and_removed() -> None:
    data = still(comment=b"Shot by Jane at 12 Elm Street")
    info = gif.read_metadata(data)
    assert [(f.category, f.label, f.value, f.block) for f in info.findings] == [
        ("blocks", "Comment", "Shot by Jane at 12 Elm Street", "Comment extension")
    ]
    out = gif.strip(data, DEFAULT)
    assert not [b for _, label, b in walk(out) if label == 0xFE]
    assert b"Elm Street" not in out
    assert gif.read_metadata(out).findings == []
    assert same_pixels(data, out)


def test_xmp_and_foreign_application_blocks_are_removed() -> None:
    packet = (
        b"<x:xmpmeta><rdf:Description><dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>"
        b"</rdf:Description></x:xmpmeta>"
    )
    data = insert(
        still(),
        before_image=xmp_extension(packet) + application(b"MGK8BIM0000", b"8BIM\x04\x04" + bytes(10)),
        before_trailer=extension(0xFE, b"second comment") + extension(0x77, b"??"),
    )
    found = {(f.category, f.label, f.value) for f in gif.read_metadata(data).findings}
    assert found == {
        ("people", "Creator", "Jane Doe"),
        ("blocks", "XMP", f"{len(xmp_extension(packet))} bytes of XML metadata"),
        ("blocks", "Application extension", "MGK8BIM0000, 32 bytes"),  # 3 + 11 + (1 + 16) + 1
        ("blocks", "Comment", "second comment"),
        ("blocks", "Unknown extension", "label 0x77, 6 bytes"),
    }
    out = gif.strip(data, DEFAULT)
    assert out == still()
    assert b"Jane" not in out


def test_looping_and_graphic_control_are_kept_plain_text_and_its_control_block_go() -> None:
    """No decoder draws GIF plain text; the graphic control block before it applies to it alone, so
    both go (kept, it would apply to the next image). One loop block stays, as NETSCAPE2.0."""
    data = animated(comment=b"made with love")
    assert app_ids(data) == [b"NETSCAPE2.0"]
    graphic_control = b"\x21\xf9\x04\x00\x00\x00\x00\x00"
    plain_text = b"\x21\x01\x0c" + bytes(12) + b"\x03abc\x00"  # 12-byte text grid header, then the text
    data = insert(data, before_trailer=graphic_control + plain_text)
    data = insert(data, before_image=application(b"ANIMEXTS1.0", b"\x01\x00\x00"))
    assert ("blocks", "Plain text", "abc") in {(f.category, f.label, f.value) for f in gif.read_metadata(data).findings}
    out = gif.strip(data, DEFAULT)
    kept = walk(out)
    assert app_ids(out) == [b"NETSCAPE2.0"]
    assert sum(1 for _, label, _ in kept if label == 0xF9) == sum(1 for _, label, _ in walk(data) if label == 0xF9) - 1 > 0
    assert not any(label == 0x01 for _, label, _ in kept)
    assert same_pixels(data, out)
    im = Image.open(io.BytesIO(out))
    assert im.n_frames == 4 and im.info["loop"] == 0


def test_icc_application_block_follows_keep_icc() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = insert(still(), before_image=application(b"ICCRGBG1012", profile))
    kept = [f for f in gif.read_metadata(data).findings if f.category == "kept"]
    assert [(f.label, f.value, f.data) for f in kept] == [("ICC profile", "sRGB built-in", {"bytes": len(profile)})]
    out = gif.strip(data, DEFAULT)
    assert app_ids(out) == [b"ICCRGBG1012"]
    assert out == data
    bare = gif.strip(data, StripOptions(keep_icc=False))
    assert bare == still() and app_ids(bare) == []
    assert same_pixels(data, bare)


def test_bytes_after_the_trailer_are_reported_and_dropped() -> None:
    data = still()
    extra = b"PK\x03\x04 an appended archive"
    info = gif.read_metadata(data + extra)
    (trailer,) = info.findings
    assert (trailer.block, trailer.offset, trailer.length) == ("trailer", len(data), len(extra))
    assert gif.strip(data + extra, DEFAULT) == data


def test_gif87a_header_and_local_colour_tables_are_copied() -> None:
    data = bytearray(animated())
    data[:6] = b"GIF87a"
    data = bytes(data)
    out = gif.strip(data, DEFAULT)
    assert out[:6] == b"GIF87a"
    assert out[: screen_end(out)] == data[: screen_end(data)]
    assert same_pixels(data, out)


def test_finding_offsets_span_the_whole_extension() -> None:
    comment = extension(0xFE, b"x" * 300)  # two sub-blocks
    data = insert(still(), before_image=comment)
    (finding,) = gif.read_metadata(data).findings
    assert (finding.offset, finding.length) == (screen_end(data), len(comment))
    assert finding.value == "x" * 300


# ---- corpus -------------------------------------------------------------------------------------------


def test_corpus_has_a_gif() -> None:
    assert "pillow_iss634.gif" in {p.name for p in CORPUS_GIFS}


@pytest.mark.parametrize("path", CORPUS_GIFS, ids=lambda p: p.name)
@pytest.mark.parametrize("options", [StripOptions(), StripOptions(keep_icc=False)], ids=["default", "no-icc"])
def test_corpus_strip_is_lossless_and_idempotent(path: Path, options: StripOptions) -> None:
    data = path.read_bytes()
    out = gif.strip(data, options)
    assert gif.strip(out, options) == out
    assert same_pixels(data, out)
    assert not [label for _, label, _ in walk(out) if label == 0xFE]
    assert set(app_ids(out)) <= {b"NETSCAPE2.0", b"ANIMEXTS1.0"} | ({b"ICCRGBG1012"} if options.keep_icc else set())
    im_in, im_out = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(out))
    assert im_in.info.get("loop") == im_out.info.get("loop")
    durations_in = [f.info.get("duration") for f in ImageSequence.Iterator(im_in)]
    assert durations_in == [f.info.get("duration") for f in ImageSequence.Iterator(im_out)]


@pytest.mark.parametrize("path", CORPUS_GIFS, ids=lambda p: p.name)
def test_corpus_exiftool_finds_nothing_private_after_strip(path: Path, tmp_path: Path) -> None:
    out = tmp_path / path.name
    out.write_bytes(gif.strip(path.read_bytes(), DEFAULT))
    assert exiftool_leaks(out) == []


def test_exiftool_judge_sees_the_metadata_of_the_originals(tmp_path: Path) -> None:
    data = still(comment=b"Jane was here")
    path = tmp_path / "comment.gif"
    path.write_bytes(data)
    assert any("Comment" in k for k in exiftool_leaks(path))
    path.write_bytes(gif.strip(data, DEFAULT))
    assert exiftool_leaks(path) == []

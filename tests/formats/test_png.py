"""PNG container: parse, inspect and the lossless strip (allowlist of chunks)."""

from __future__ import annotations

import io
import json
import re
import struct
import subprocess
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageSequence, PngImagePlugin

from privpix.formats import exif as exif_mod
from privpix.formats import icc, png
from privpix.formats.errors import FormatError, UnsupportedError
from privpix.options import StripOptions

from ..corpus import CORPUS

CORPUS_PNGS = sorted(CORPUS.rglob("*.png"))
DEFAULT = StripOptions()


# ---- helpers ------------------------------------------------------------------------------------------


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def chunks_of(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk up to and including IEND, read independently of the module."""
    assert data[:8] == png.SIGNATURE
    out, pos = [], 8
    while True:
        length, kind = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8 : pos + 8 + length]
        assert struct.unpack_from(">I", data, pos + 8 + length)[0] == zlib.crc32(kind + body), kind
        out.append((kind, body))
        pos += 12 + length
        if kind == b"IEND":
            assert pos == len(data), "bytes after IEND"
            return out


def types_of(data: bytes) -> list[bytes]:
    return [kind for kind, _ in chunks_of(data)]


def assemble(pieces: list[tuple[bytes, bytes]]) -> bytes:
    return png.SIGNATURE + b"".join(chunk(kind, body) for kind, body in pieces)


def base_png(mode: str = "RGB", size: tuple[int, int] = (7, 5), **save: object) -> bytes:
    rng = np.random.default_rng(1)
    channels = {"RGB": 3, "RGBA": 4}[mode]
    pixels = rng.integers(0, 256, (size[1], size[0], channels), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels, mode).save(buf, "PNG", **save)
    return buf.getvalue()


def with_chunks(
    data: bytes, before_idat: Sequence[tuple[bytes, bytes]] = (), after_idat: Sequence[tuple[bytes, bytes]] = ()
) -> bytes:
    """``data`` with extra chunks before its first IDAT and/or just before IEND."""
    pieces = chunks_of(data)
    first_idat = next(i for i, (k, _) in enumerate(pieces) if k == b"IDAT")
    iend = len(pieces) - 1
    return assemble(pieces[:first_idat] + list(before_idat) + pieces[first_idat:iend] + list(after_idat) + pieces[iend:])


def exif_block(orientation: int | None = 6, gps: bool = True, make: str | None = "Canon", prefix: bool = False) -> bytes:
    e = Image.Exif()
    if orientation is not None:
        e[0x0112] = orientation
    if make:
        e[0x010F] = make
        e[0x0131] = "PhotoEditor 1.0"
    if gps:
        g = e.get_ifd(0x8825)
        g[1], g[2], g[3], g[4] = "N", (43.0, 28.0, 1.5), "E", (11.0, 53.0, 6.4)
    raw = e.tobytes()
    assert raw.startswith(b"Exif\x00\x00")
    return raw if prefix else raw[6:]


def pixels(data: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(data))
    frames = []
    for frame in ImageSequence.Iterator(im):
        frame.load()
        frames.append(np.array(frame))
    return frames


def same_pixels(a: bytes, b: bytes) -> bool:
    fa, fb = pixels(a), pixels(b)
    return len(fa) == len(fb) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(fa, fb))


def labels(data: bytes) -> set[tuple[str, str]]:
    return {(f.category, f.label) for f in png.read_metadata(data).findings}


def icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# ExifTool is the independent judge of what a file still carries (see docs/strip.md).
EXIFTOOL_GROUPS = {"File", "PNG", "PNG-pHYs", "Composite", "RIFF", "GIF"}  # plus every ICC* group (the profile)
PRIVATE_TAG = re.compile(
    r"GPS|Make|Model|Serial|Date|Time|Software|Artist|Copyright|Comment|XMP|IPTC|Thumbnail|MakerNote|Text|"
    r"Author|Title|Description|Trailer|Warning|Creator|Keyword|Lens|Owner"
)


def exiftool_leaks(path: Path) -> list[str]:
    """Tags ExifTool still finds in ``path`` beyond image structure, ICC and IFD0 Orientation."""
    run = subprocess.run(["exiftool", "-a", "-G1", "-u", "-j", "-n", str(path)], capture_output=True, text=True, check=True)
    leaks = []
    for key, value in json.loads(run.stdout)[0].items():
        group, _, name = key.partition(":")
        if key == "SourceFile" or group in ("ExifTool", "System") or key == "IFD0:Orientation":
            continue
        if group.startswith("ICC"):
            continue
        if group not in EXIFTOOL_GROUPS or PRIVATE_TAG.search(name):
            leaks.append(f"{key}={str(value)[:40]}")
    return leaks


# ---- sniff and parse ----------------------------------------------------------------------------------


def test_sniff() -> None:
    assert png.sniff(base_png())
    assert not png.sniff(b"\x89PNG\r\n\x1a")
    assert not png.sniff(b"GIF89a" + b"\x00" * 20)


def test_read_metadata_reports_size_from_ihdr() -> None:
    info = png.read_metadata(base_png(size=(13, 4)))
    assert (info.format, info.mime, info.width, info.height) == ("png", "image/png", 13, 4)
    assert info.findings == [] and info.warnings == []


def test_not_a_png_names_offset_zero() -> None:
    with pytest.raises(FormatError) as err:
        png.parse(b"\x89PNX\r\n\x1a\n" + b"\x00" * 30)
    assert err.value.offset == 0 and "signature" in err.value.expected


def test_cut_inside_the_image_data_is_damaged_and_keeps_what_is_there() -> None:
    data = base_png(size=(40, 40))
    pieces = chunks_of(data)
    idat_at = 8 + sum(12 + len(body) for _, body in pieces[:1])  # IHDR only precedes IDAT
    assert pieces[1][0] == b"IDAT"
    cut = data[: idat_at + 20]
    report = png.read_metadata(cut)
    assert report.damaged and f"PNG: at byte {idat_at + 8}: expected the data and CRC of chunk IDAT" in report.warnings[-1]
    out = png.strip(cut, DEFAULT)
    assert chunks_of(out) == [pieces[0], (b"IDAT", cut[idat_at + 8 :]), (b"IEND", b"")]  # the 12 bytes there, CRC fixed
    with pytest.raises(FormatError, match="truncated"):  # cut in the IDAT header: no image data yet
        png.read_metadata(data[: idat_at + 6])


def test_a_missing_iend_makes_the_file_damaged() -> None:
    data = base_png()
    cut = data[:-12]  # drop exactly the IEND chunk
    report = png.read_metadata(cut)
    assert report.damaged and f"at byte {len(cut)}: truncated" in report.warnings[-1] and "IEND" in report.warnings[-1]
    assert png.strip(cut, DEFAULT) == png.strip(data, DEFAULT)


def test_first_chunk_must_be_ihdr() -> None:
    pieces = chunks_of(base_png())
    data = assemble([(b"gAMA", b"\x00\x00\xb1\x8f"), *pieces])
    with pytest.raises(FormatError) as err:
        png.parse(data)
    assert err.value.offset == 8 and "IHDR" in err.value.expected


def test_chunk_type_must_be_letters() -> None:
    data = with_chunks(base_png(), before_idat=[(b"ab1d", b"xyz")])
    with pytest.raises(FormatError) as err:
        png.parse(data)
    assert "four ASCII letters" in err.value.expected
    assert data[err.value.offset : err.value.offset + 4] == b"ab1d"


# ---- strip: what is kept and what is dropped ----------------------------------------------------------


def test_strip_keeps_rendering_chunks_verbatim_and_drops_text() -> None:
    rendering = [
        (b"gAMA", struct.pack(">I", 45455)),
        (b"cHRM", bytes(range(32))),
        (b"sBIT", b"\x08\x08\x08"),
        (b"cICP", b"\x01\x0d\x00\x01"),
        (b"cLLI", b"\x00\x00\x27\x10\x00\x00\x03\xe8"),
        (b"pHYs", b"\x00\x00\x0b\x13\x00\x00\x0b\x13\x01"),
        (b"bKGD", b"\x00\x01\x00\x02\x00\x03"),
        (b"tRNS", b"\x00\x01\x00\x02\x00\x03"),
    ]
    text = [
        (b"tEXt", b"Author\x00Jane Doe"),
        (b"zTXt", b"Comment\x00\x00" + zlib.compress(b"shot at home")),
        (b"iTXt", b"Title\x00\x00\x00en\x00\x00Holiday"),
        (b"tIME", b"\x07\xe8\x05\x11\x0c\x22\x38"),
        (b"caBX", b"jumbf manifest"),
        (b"vpAg", b"\x00" * 9),  # unknown ancillary
    ]
    data = with_chunks(base_png(), before_idat=rendering + text[:3], after_idat=text[3:])
    out = png.strip(data, DEFAULT)
    kinds = types_of(out)
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert [k for k in kinds if k not in (b"IHDR", b"IDAT", b"IEND")] == [k for k, _ in rendering]
    kept = dict(chunks_of(out))
    for kind, body in rendering:
        assert kept[kind] == body
    assert same_pixels(data, out)
    assert labels(out) == set()


def test_strip_copies_idat_bytes_unchanged() -> None:
    data = base_png(size=(64, 64))
    idat_in = [body for kind, body in chunks_of(data) if kind == b"IDAT"]
    out = png.strip(with_chunks(data, before_idat=[(b"tEXt", b"Software\x00x")]), DEFAULT)
    assert [body for kind, body in chunks_of(out) if kind == b"IDAT"] == idat_in


def test_trailing_data_after_iend_is_reported_and_dropped() -> None:
    data = base_png()
    leftover = b"\x00\x00\x00\x0dIHDR old picture data" * 10
    info = png.read_metadata(data + leftover)
    trailer = [f for f in info.findings if f.block == "trailer"]
    assert len(trailer) == 1
    assert (trailer[0].offset, trailer[0].length) == (len(data), len(leftover))
    assert png.strip(data + leftover, DEFAULT) == png.strip(data, DEFAULT) == data


def test_iend_with_data_is_written_canonically() -> None:
    pieces = chunks_of(base_png())
    data = assemble(pieces[:-1] + [(b"IEND", b"hidden")])
    out = png.strip(data, DEFAULT)
    assert out.endswith(png.IEND_CHUNK) and chunks_of(out)[-1] == (b"IEND", b"")


def test_unknown_critical_chunk_is_refused_by_strip_and_warned_by_inspect() -> None:
    data = with_chunks(base_png(), before_idat=[(b"CgBI", b"\x50\x00\x20\x06")])
    with pytest.raises(UnsupportedError) as err:
        png.strip(data, DEFAULT)
    assert data[err.value.offset + 4 : err.value.offset + 8] == b"CgBI"
    assert isinstance(err.value, FormatError)
    info = png.read_metadata(data)
    assert any("CgBI" in w and "critical" in w for w in info.warnings)
    assert any(f.label == "Other chunk" and "CgBI" in f.value for f in info.findings)


def test_bad_crc_of_a_kept_chunk_is_copied_and_warned() -> None:
    data = bytearray(with_chunks(base_png(), before_idat=[(b"gAMA", struct.pack(">I", 45455))]))
    at = bytes(data).index(b"gAMA")
    data[at + 8] ^= 0xFF  # corrupt the CRC (gAMA has 4 data bytes)
    data = bytes(data)
    info = png.read_metadata(data)
    assert info.warnings == [f"chunk gAMA at byte {at - 4} has a bad CRC"]
    out = png.strip(data, DEFAULT)
    assert data[at - 4 : at + 12] in out


def test_iccp_kept_by_default_and_removed_without_keep_icc() -> None:
    profile = icc_profile()
    data = base_png(icc_profile=profile, pnginfo=_text_info())
    out = png.strip(data, DEFAULT)
    assert b"iCCP" in types_of(out)
    assert Image.open(io.BytesIO(out)).info["icc_profile"] == profile
    kept = [f for f in png.read_metadata(out).findings if f.category == "kept"]
    assert [(f.label, f.value) for f in kept] == [("ICC profile", "sRGB built-in")]
    assert kept[0].data == {"bytes": len(profile)}
    bare = png.strip(data, StripOptions(keep_icc=False))
    assert b"iCCP" not in types_of(bare)
    assert "icc_profile" not in Image.open(io.BytesIO(bare)).info
    assert same_pixels(data, out) and same_pixels(data, bare)


def _text_info() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe")
    info.add_text("Comment", "long " * 100, zip=True)
    info.add_itxt("Description", "Zoë's garden", lang="en")
    return info


# ---- eXIf ---------------------------------------------------------------------------------------------


def test_exif_is_replaced_in_place_by_orientation_only() -> None:
    data = with_chunks(base_png(), before_idat=[(b"pHYs", b"\x00\x00\x0b\x13\x00\x00\x0b\x13\x01"), (b"eXIf", exif_block(6))])
    before = labels(data)
    assert ("location", "GPS position") in before and ("device", "Camera make") in before
    out = png.strip(data, DEFAULT)
    kinds = types_of(out)
    assert kinds.index(b"eXIf") == types_of(data).index(b"eXIf")  # same position
    body = dict(chunks_of(out))[b"eXIf"]
    assert body[:4] == b"MM\x00*"  # no "Exif\0\0" prefix, source byte order kept
    info = exif_mod.parse(body)
    assert info.orientation == 6
    assert list(info.ifd0.entries) == [0x0112] and info.gps is None and info.exif is None
    assert {label for _, label in labels(out)} == {"Orientation", "EXIF"}
    assert Image.open(io.BytesIO(out)).getexif()[0x0112] == 6


def test_exif_without_orientation_is_dropped() -> None:
    data = with_chunks(base_png(), after_idat=[(b"eXIf", exif_block(None))])
    out = png.strip(data, DEFAULT)
    assert b"eXIf" not in types_of(out)
    assert out == base_png()


def test_exif_keep_groups() -> None:
    data = with_chunks(base_png(), before_idat=[(b"eXIf", exif_block(3))])
    out = png.strip(data, StripOptions(keep={"location"}))
    info = exif_mod.parse(dict(chunks_of(out))[b"eXIf"])
    assert info.orientation == 3
    assert set(info.gps.entries) == {1, 2, 3, 4}
    assert 0x010F not in info.ifd0.entries and 0x0131 not in info.ifd0.entries
    found = labels(out)
    assert ("location", "GPS position") in found and ("device", "Camera make") not in found
    camera = png.strip(data, StripOptions(keep={"camera"}))
    assert ("device", "Camera make") in labels(camera) and ("location", "GPS position") not in labels(camera)


def test_exif_with_prefix_is_read_and_written_without_it() -> None:
    data = with_chunks(base_png(), before_idat=[(b"eXIf", exif_block(8, prefix=True))])
    assert ("kept", "Orientation") in labels(data)
    body = dict(chunks_of(png.strip(data, DEFAULT)))[b"eXIf"]
    assert body[:4] == b"MM\x00*" and exif_mod.parse(body).orientation == 8


def test_only_the_first_exif_survives() -> None:
    data = with_chunks(base_png(), before_idat=[(b"eXIf", exif_block(6))], after_idat=[(b"eXIf", exif_block(3))])
    out = png.strip(data, DEFAULT)
    exifs = [body for kind, body in chunks_of(out) if kind == b"eXIf"]
    assert len(exifs) == 1 and exif_mod.parse(exifs[0]).orientation == 6


def test_unreadable_exif_is_dropped_and_warned() -> None:
    data = with_chunks(base_png(), before_idat=[(b"eXIf", b"not a tiff header at all")])
    info = png.read_metadata(data)
    assert any("unreadable" in w for w in info.warnings)
    assert ("blocks", "EXIF") in labels(data)
    assert b"eXIf" not in types_of(png.strip(data, DEFAULT))


# ---- inspect: text chunks -----------------------------------------------------------------------------


def test_text_keywords_map_to_categories() -> None:
    data = with_chunks(
        base_png(),
        before_idat=[
            (b"tEXt", b"Author\x00  Jane Doe \n"),
            (b"tEXt", b"Software\x00GIMP 2.10"),
            (b"tEXt", b"Creation Time\x002024-05-17"),
            (b"zTXt", b"Copyright\x00\x00" + zlib.compress(b"(c) Jane \xa9")),
            (b"iTXt", b"Title\x00\x01\x00de\x00Titel\x00" + zlib.compress("Grüße".encode())),
            (b"tEXt", b"Comment\x00"),
            (b"tEXt", b"parameters\x00" + b"a prompt " * 40),
            (b"tEXt", b"Location\x00Rome"),
            (b"tIME", b"\x07\xe8\x05\x11\x0c\x22\x38"),
        ],
    )
    found = {(f.category, f.label, f.value, f.block) for f in png.read_metadata(data).findings}
    assert found == {
        ("people", "Author", "Jane Doe", "tEXt Author"),
        ("device", "Software", "GIMP 2.10", "tEXt Software"),
        ("time", "Created", "2024-05-17", "tEXt Creation Time"),
        ("people", "Copyright", "(c) Jane ©", "zTXt Copyright"),
        ("people", "Title", "Grüße", "iTXt Title"),
        ("blocks", "Comment", "(empty)", "tEXt Comment"),
        ("blocks", "Text", "parameters: 360 bytes of text", "tEXt parameters"),
        ("blocks", "Text", "Location: Rome", "tEXt Location"),
        ("time", "Modified", "2024-05-17 12:34:56", "tIME"),
    }
    assert png.read_metadata(data).warnings == []


def test_finding_offsets_span_the_whole_chunk() -> None:
    data = with_chunks(base_png(), before_idat=[(b"tEXt", b"Author\x00Jane")])
    (finding,) = png.read_metadata(data).findings
    assert data[finding.offset + 4 : finding.offset + 8] == b"tEXt"
    assert finding.length == 12 + len(b"Author\x00Jane")


def test_xmp_in_compressed_itxt() -> None:
    packet = (
        b'<x:xmpmeta><rdf:RDF><rdf:Description exif:GPSLatitude="43,28.0250N" exif:GPSLongitude="11,53.1067E">'
        b"<dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    data = with_chunks(base_png(), after_idat=[(b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + zlib.compress(packet))])
    found = labels(data)
    assert {("location", "GPS position"), ("people", "Creator"), ("blocks", "XMP")} <= found
    assert labels(png.strip(data, DEFAULT)) == set()


def test_unreadable_compressed_text_is_warned() -> None:
    body = b"Comment\x00\x00" + zlib.compress(b"hello")[:-6]
    data = with_chunks(base_png(), before_idat=[(b"zTXt", body)])
    info = png.read_metadata(data)
    assert info.warnings and "unreadable" in info.warnings[0]
    assert [f.value for f in info.findings] == [f"Comment: compressed text, unreadable ({12 + len(body)} bytes)"]


def test_inflate_rules() -> None:
    body = zlib.compress(b"abc" * 10)
    assert png.inflate(body) == b"abc" * 10
    assert png.inflate(body[:-4]) == b"abc" * 10  # the Adler-32 trailer is not needed
    assert png.inflate(body[:-6]) is None  # the deflate stream itself is cut
    assert png.inflate(b"\x78\x9d" + body[2:]) is None  # bad FCHECK
    assert png.inflate(zlib.compress(b"\x00" * (png.INFLATE_LIMIT + 1))) is None  # too large


def test_imagemagick_raw_profiles() -> None:
    def raw(name: str, payload: bytes) -> bytes:
        hexed = payload.hex()
        lines = "\n".join(hexed[i : i + 72] for i in range(0, len(hexed), 72))
        return f"\n{name}\n{len(payload):8d}\n{lines}\n".encode()

    tiff = exif_block(6)
    iim = b"\x1c\x02\x50\x00\x08Jane Doe"
    data = with_chunks(
        base_png(),
        before_idat=[
            (b"zTXt", b"Raw profile type exif\x00\x00" + zlib.compress(raw("exif", b"Exif\x00\x00" + tiff))),
            (b"tEXt", b"Raw profile type iptc\x00" + raw("IPTC profile", iim)),
            (b"tEXt", b"Raw profile type icc\x00" + raw("icc", b"\x00" * 10)),
            (b"tEXt", b"Raw profile type xmp\x00\nxmp\n  99\nzz\n"),
        ],
    )
    info = png.read_metadata(data)
    found = {(f.category, f.label, f.value) for f in info.findings}
    assert ("location", "GPS position", "43.46708° N, 11.88511° E") in found
    assert ("people", "Creator", "Jane Doe") in found
    assert ("blocks", "Raw profile", "icc, 10 bytes") in found
    assert ("blocks", "Raw profile", "xmp, unreadable") in found
    assert info.warnings == ["tEXt Raw profile type xmp at byte %d is not a readable raw profile" % info.findings[-1].offset]
    # ImageMagick's EXIF in a text chunk is not an eXIf: it is removed, not converted
    out = png.strip(data, DEFAULT)
    assert types_of(out) == types_of(base_png())


def test_raw_profile_parser() -> None:
    assert png.raw_profile(b"\nIPTC profile\n      4\n0a0B\n0c0d\n") == b"\x0a\x0b\x0c\x0d"
    assert png.raw_profile(b"\nexif\n      2\n0a0b0c\n") == b"\x0a\x0b"
    assert png.raw_profile(b"\nexif\n      4\n0a0b\n") is None  # shorter than declared
    assert png.raw_profile(b"\nexif\n     x4\n0a0b\n") is None
    assert png.raw_profile(b"\nexif\n      1\n0g\n") is None
    assert png.raw_profile(b"no newline") is None


# ---- APNG ---------------------------------------------------------------------------------------------


def test_apng_animation_chunks_are_kept() -> None:
    frames = [Image.new("RGBA", (6, 4), (i * 60, 255 - i * 60, 7, 255)) for i in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, "PNG", save_all=True, append_images=frames[1:], duration=[40, 80, 120], loop=2)
    data = with_chunks(buf.getvalue(), before_idat=[(b"tEXt", b"Software\x00animator")])
    out = png.strip(data, DEFAULT)
    kinds = types_of(out)
    assert {b"acTL", b"fcTL", b"fdAT"} <= set(kinds) and b"tEXt" not in kinds
    assert [k for k in kinds] == [k for k in types_of(data) if k != b"tEXt"]
    assert same_pixels(data, out)
    im = Image.open(io.BytesIO(out))
    assert im.n_frames == 3 and im.info["loop"] == 2


# ---- corpus -------------------------------------------------------------------------------------------


def test_corpus_has_pngs() -> None:
    names = {p.name for p in CORPUS_PNGS}
    assert {"mei_Issue_280_macos.png", "derived_parrot_16bit_gray.png", "skimage_astronaut.png"} <= names


@pytest.mark.parametrize("path", CORPUS_PNGS, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "options",
    [StripOptions(), StripOptions(keep_icc=False), StripOptions(keep={"location", "rights"})],
    ids=["default", "no-icc", "keep-location-rights"],
)
def test_corpus_strip_is_lossless_and_idempotent(path: Path, options: StripOptions) -> None:
    data = path.read_bytes()
    out = png.strip(data, options)
    assert png.strip(out, options) == out
    assert same_pixels(data, out)
    before = Image.open(io.BytesIO(data)).info.get("icc_profile")
    after = Image.open(io.BytesIO(out)).info.get("icc_profile")
    assert after == (icc.neutralise(before) if options.keep_icc and before else None)  # the colour tags unchanged
    allowed = png.KEEP | {b"IEND", b"eXIf"} | ({b"iCCP"} if options.keep_icc else set())
    assert set(types_of(out)) <= allowed
    remaining = {f.category for f in png.read_metadata(out).findings}
    if not options.keep:
        assert remaining <= {"kept", "blocks"}
        assert {f.label for f in png.read_metadata(out).findings if f.category == "blocks"} <= {"EXIF"}


def test_corpus_macos_png() -> None:
    data = (CORPUS / "mei_Issue_280_macos.png").read_bytes()
    info = png.read_metadata(data)
    found = {(f.category, f.label, f.value, f.block) for f in info.findings}
    assert ("kept", "ICC profile", "Display", "iCCP") in found
    assert ("kept", "Orientation", "upright (1)", "eXIf") in found
    assert ("people", "Keywords", "Autumn, tree, le", "zTXt Raw profile type iptc") in found
    assert ("blocks", "XMP", "639 bytes of XML metadata", "iTXt XML:com.adobe.xmp") in found
    assert info.warnings == []
    out = png.strip(data, DEFAULT)
    assert types_of(out)[:4] == [b"IHDR", b"iCCP", b"eXIf", b"pHYs"]
    assert b"iTXt" not in types_of(out) and b"zTXt" not in types_of(out)
    assert exif_mod.parse(dict(chunks_of(out))[b"eXIf"]).orientation == 1


def test_corpus_parrot_gps_is_removed_unless_kept() -> None:
    data = (CORPUS / "derived_parrot_16bit_gray.png").read_bytes()
    assert ("location", "GPS position") in labels(data)
    out = png.strip(data, DEFAULT)
    assert types_of(out) == [k for k in types_of(data) if k != b"eXIf"]  # no orientation to keep
    kept = png.strip(data, StripOptions(keep={"location"}))
    assert ("location", "GPS position") in labels(kept)
    assert ("device", "Body serial number") not in labels(kept)


@pytest.mark.parametrize("path", CORPUS_PNGS, ids=lambda p: p.name)
def test_corpus_exiftool_finds_nothing_private_after_strip(path: Path, tmp_path: Path) -> None:
    out = tmp_path / path.name
    out.write_bytes(png.strip(path.read_bytes(), DEFAULT))
    assert exiftool_leaks(out) == []


def test_exiftool_judge_sees_the_metadata_of_the_originals() -> None:
    leaks = exiftool_leaks(CORPUS / "mei_Issue_280_macos.png")
    assert any(k.startswith("XMP-") for k in leaks) and any(k.startswith("IPTC:") for k in leaks)
    assert any(k.startswith("GPS:") for k in exiftool_leaks(CORPUS / "derived_parrot_16bit_gray.png"))
    assert any(k.startswith("PNG:Comment") for k in exiftool_leaks(CORPUS / "skimage_astronaut.png"))


def _run_length_zlib_byte_by_byte(payload: bytes) -> bytes:
    """run_length_zlib as first written (a Python loop over every byte): the bits both engines agree on."""
    from privpix.formats.png import _RUN_BITS, _SYMBOL_BITS

    bits = ["1", "10"]
    i = 0
    while i < len(payload):
        byte = payload[i]
        run = 1
        while i + run < len(payload) and payload[i + run] == byte and run < 259:
            run += 1
        bits.append(_SYMBOL_BITS[byte])
        if run >= 4:
            bits.append(_RUN_BITS[run - 1])
        else:
            bits.extend([_SYMBOL_BITS[byte]] * (run - 1))
        i += run
    bits.append(_SYMBOL_BITS[256])
    stream = "".join(bits)
    stream += "0" * (-len(stream) % 8)
    return b"\x78\x01" + int(stream[::-1], 2).to_bytes(len(stream) // 8, "little") + zlib.adler32(payload).to_bytes(4, "big")


def test_run_length_zlib_writes_the_same_bits_as_the_byte_loop_and_inflates_back() -> None:
    """The run finder (a regular expression, literals looked up together) must write exactly what the
    byte-by-byte loop wrote (the TypeScript engine writes those bits too): runs of every length around
    the 3/4 and 259/260 limits, at the start, the end, and between literals."""
    import random

    from privpix.formats.png import run_length_zlib

    rng = random.Random(11)
    cases = [b"", b"a", b"aaa", b"aaaa", b"\x00" * 259, b"\x00" * 260, b"\x00" * 262, b"\x00" * 263, b"\xff" * 1000]
    cases += [bytes([7]) * n + b"xyz" + bytes([7]) * m for n in (1, 3, 4, 5, 258, 259, 260, 518, 519) for m in (0, 2, 4, 300)]
    cases += [bytes(rng.choice((0, 0, 0, 1, 2, 255)) for _ in range(rng.randrange(1, 3000))) for _ in range(40)]
    for payload in cases:
        written = run_length_zlib(payload)
        assert written == _run_length_zlib_byte_by_byte(payload), payload[:40]
        assert zlib.decompress(written) == payload

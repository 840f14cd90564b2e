"""Files cut short after their picture began: each container reads what is there, says the file is
damaged, and strips it to a whole file without metadata; both engines alike (docs/strip.md,
"Damaged files"). Files cut before their picture began are still refused."""

from __future__ import annotations

import pytest

import privpix
from privpix.options import StripOptions
from tests.conformance.two_engines import engine_mismatch, run_ts_on_cases


def _tiff_with_its_ifd_first() -> bytes:
    """A 16×16 grey TIFF whose IFD0 (with a Make) comes before its one strip: the layout a cut can
    leave readable (writers that put the IFD after the pixels lose it to any cut)."""
    import struct

    rows = [(256, 3, 1, 16), (257, 3, 1, 16), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1), (271, 2, 6, 134)]
    rows += [(273, 4, 1, 140), (277, 3, 1, 1), (278, 3, 1, 16), (279, 4, 1, 256)]
    table = struct.pack("<H", len(rows)) + b"".join(struct.pack("<HHII", *row) for row in rows) + bytes(4)
    return b"II*\x00" + struct.pack("<I", 8) + table + b"Canon\x00" + bytes(range(256))


def _sources() -> dict[str, tuple[bytes, int]]:
    """name -> (a whole file carrying GPS or text, where its picture data starts)."""
    from tests.formats import test_gif as G
    from tests.formats import test_isobmff as H
    from tests.formats import test_jpeg as J
    from tests.formats import test_png as P
    from tests.formats import test_webp as W

    jpeg = J.insert(J.BASES["baseline"], 2, J.exif_app1(J.orientation_only(True, 6)))
    png = P.with_chunks(P.base_png(size=(64, 48)), [(b"eXIf", P.exif_block(6))])
    gif = G.insert(G.animated(), before_image=G.extension(0xFE, b"made by Jane"))
    webp = W.extended()
    tiff = _tiff_with_its_ifd_first()
    heic = H.photo()

    def start(data: bytes, marker: bytes) -> int:
        return data.index(marker)

    return {
        "cut.jpg": (jpeg, start(jpeg, b"\xff\xda")),
        "cut.png": (png, start(png, b"IDAT")),
        "cut.gif": (gif, gif.index(b"\x2c", G.screen_end(gif))),
        "cut.webp": (webp, start(webp, b"VP8 ")),
        "cut.tif": (tiff, 140),
        "cut.heic": (heic, start(heic, b"mdat")),
    }


SOURCES = _sources()
CASES = {
    f"{name[: -len(ext)]}_{k}{ext}": whole[: begin + (len(whole) - begin) * k // 4 + 16]
    for name, (whole, begin) in SOURCES.items()
    for ext in ["." + name.rsplit(".", 1)[1]]
    for k in (1, 2, 3)
}
VARIANTS = {
    "default": ([], StripOptions()),
    "keep-location-rights": (["--keep", "location,rights"], StripOptions(keep=frozenset({"location", "rights"}))),
}


@pytest.fixture(scope="module")
def ts_runs(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return run_ts_on_cases(tmp_path_factory.mktemp("damaged"), CASES, VARIANTS)


@pytest.mark.parametrize("name", list(CASES))
def test_a_cut_file_is_read_stripped_and_said_to_be_damaged(name: str) -> None:
    data = CASES[name]
    assert privpix.inspect(data).damaged
    result = privpix.strip(data)
    assert result.damaged and result.warnings[-1].startswith("damaged: ")
    again = privpix.strip(result.data)
    assert not again.damaged and again.data == result.data  # a whole file now
    left = {f.category for f in privpix.inspect(result.data).findings}
    assert left <= {"kept", "blocks"}


@pytest.mark.parametrize("name", list(SOURCES))
def test_a_file_cut_before_its_picture_is_refused(name: str) -> None:
    whole, begin = SOURCES[name]
    with pytest.raises(privpix.FormatError, match="truncated|expected"):
        privpix.strip(whole[: min(begin, 40) - 1] if name != "cut.tif" else whole[:6])


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", list(CASES))
def test_both_engines_agree(name: str, variant: str, ts_runs) -> None:  # type: ignore[no-untyped-def]
    assert engine_mismatch(name, CASES[name], variant, ts_runs) is None

"""The photo pipeline (tools/pipeline.py, imaging/photo.py) and the result type (tools/result.py).

- A tool opens the photo once: the bytes are sniffed once and the container parsed once, however
  many questions the tool asks (its findings, EXIF block, ICC profile, the pixels).
- Reports are derived from the result's fields, in one documented order, so a tool that declares a
  field reports it, and the keys every report shares come in the same place in each.
- What a JPEG cannot carry is left out with a warning, and only that part.
"""

from __future__ import annotations

import dataclasses
import io
from collections import Counter
from typing import Any

import pytest
from PIL import Image

import privpix
from privpix.formats import jpeg, memo, sniff
from privpix.imaging import photo as photo_mod
from privpix.tools import pipeline
from privpix.tools.result import PhotoResult, Section, report_field

from .corpus import CORPUS

JPEG = CORPUS / "exifsamples_DSCN0010.jpg"
HEIC = CORPUS / "pillowheif_xiaomi.heic"
ICC_JPEG = CORPUS / "exifsamples_landscape_6.jpg"  # ICC profile and EXIF


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each container is sniffed for and each parser really walks bytes (memo misses)."""
    calls: Counter[str] = Counter()
    original = sniff.container_for

    def container_for(data: bytes) -> Any:
        calls["sniff"] += 1
        return original(data)

    monkeypatch.setattr(photo_mod, "container_for", container_for)
    monkeypatch.setattr(pipeline, "container_for", container_for)
    real_call = memo.ParseOnce.__call__

    def call(self: memo.ParseOnce[Any], data: bytes) -> Any:
        entry = self._entry
        if entry is None or entry[0] is not data:
            calls[f"parse {self.__name__} {len(data)}"] += 1
        return real_call(self, data)

    monkeypatch.setattr(memo.ParseOnce, "__call__", call)
    return calls


def test_compress_sniffs_and_parses_its_input_once(counted: Counter[str]) -> None:
    data = JPEG.read_bytes()
    result = privpix.compress(data)
    assert counted["sniff"] == 2  # the input, then the output it reports on
    assert counted[f"parse parse {len(data)}"] == 1
    assert counted[f"parse parse {len(result.data)}"] == 1


def test_convert_of_a_heic_parses_it_once(counted: Counter[str]) -> None:
    data = HEIC.read_bytes()
    privpix.convert(data, privpix.ConvertOptions(to="webp", max_dimension=300))
    assert counted["sniff"] == 2 and counted[f"parse parse {len(data)}"] == 1


def test_strip_sniffs_once_and_the_photo_keeps_its_answers() -> None:
    opened = pipeline.open_photo(ICC_JPEG.read_bytes())
    assert opened.format == "jpeg" and opened.container is jpeg
    assert opened.exif is opened.exif and opened.exif is not None  # read once, kept
    assert opened.icc == jpeg.icc_profile(opened.data)
    assert opened.inspection.findings == privpix.inspect(ICC_JPEG).findings


def test_bmp_opens_for_the_pixel_tools_and_is_refused_by_strip() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "BMP")
    opened = pipeline.open_photo(out.getvalue())
    assert opened.format == "bmp" and opened.container is None and opened.inspection.findings == []
    assert privpix.compress(out.getvalue()).format == "png"
    with pytest.raises(privpix.FormatError, match="not an image privpix can read"):
        privpix.strip(out.getvalue())


# ---- results -----------------------------------------------------------------------------------------

SHARED_HEAD = ["format", "source_format", "width", "height"]
SHARED_TAIL = ["removed", "kept", "warnings"]


def test_every_report_puts_the_shared_keys_in_the_same_places() -> None:
    encode = privpix.compress(JPEG).to_json()
    erase = privpix.erase(CORPUS / "skimage_chelsea.png", boxes=[(10, 10, 20, 20)]).to_json()
    for report, own in ((encode, ["quality", "frames"]), (erase, ["quality"])):
        keys = list(report)
        head = len(SHARED_HEAD) + len(own)
        assert keys[:head] == [*SHARED_HEAD, *own] and keys[head : head + 2] == ["bytes_before", "bytes_after"]
    assert list(encode)[-3:] == SHARED_TAIL
    assert list(erase)[-4:] == [*SHARED_TAIL, "seconds"]
    assert erase["region"] == {"x": 4, "y": 4, "width": 32, "height": 32}
    assert list(privpix.strip(JPEG).to_json()) == ["format", "bytes_before", "bytes_after", *SHARED_TAIL, "damaged"]


def test_a_new_tool_reports_its_fields_without_writing_to_json() -> None:
    """What the next tool (audit, …) gets for free: declare the fields, and the report follows."""

    @dataclasses.dataclass(kw_only=True)
    class Blurred(PhotoResult):
        radius: float = report_field(Section.OUTPUT)
        faces: list[tuple[int, int]] = report_field(default_factory=list)
        seconds: dict[str, float] = report_field(Section.TIMINGS, default_factory=dict)
        preview: bytes = report_field(in_report=False, default=b"")

    opened = pipeline.open_photo(JPEG.read_bytes())
    result = Blurred(
        **pipeline.written(opened, opened.data, []),
        source_format=opened.format,
        width=1,
        height=2,
        radius=2.5,
        faces=[(3, 4)],
        seconds={"blur": 0.12345},
        preview=b"x",
    )
    report = result.to_json()
    assert list(report) == [*SHARED_HEAD, "radius", "bytes_before", "bytes_after", "faces", *SHARED_TAIL, "seconds"]
    assert report["faces"] == [[3, 4]] and report["seconds"] == {"blur": 0.123}
    assert report["removed"] == [] and report["kept"] == [f.to_json() for f in opened.inspection.findings]
    assert result.extension == ".jpg"


# ---- metadata an output cannot hold ------------------------------------------------------------------


def test_an_exif_block_too_large_for_jpeg_is_left_out_and_the_profile_kept() -> None:
    """A PNG can carry 70 kB of EXIF; a JPEG's APP1 cannot. Only the EXIF goes, with a warning."""
    with Image.open(ICC_JPEG) as im:
        icc = im.info["icc_profile"]
        exif = Image.Exif()
        exif[0x010E] = "x" * 70_000  # ImageDescription, kept by keep_metadata
        out = io.BytesIO()
        im.save(out, "PNG", exif=exif.tobytes(), icc_profile=icc)
    result = privpix.convert(out.getvalue(), privpix.ConvertOptions(to="jpeg", keep_metadata=True))
    assert any("does not fit in a JPEG APP1 segment; it was left out" in w for w in result.warnings), result.warnings
    with Image.open(io.BytesIO(result.data)) as written:
        assert written.info.get("icc_profile") == icc
        assert "exif" not in written.info
    as_png = privpix.convert(out.getvalue(), privpix.ConvertOptions(to="png", keep_metadata=True))
    assert as_png.warnings == [] and b"x" * 70_000 in as_png.data  # a PNG holds it

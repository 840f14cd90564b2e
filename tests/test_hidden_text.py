"""Text hidden where a decoder does not look does not survive a strip (issue: a reviewer's crafted
files kept a marker string through a default strip). The judge is the bytes themselves, then
ExifTool; both engines must write the same bytes; the pixels must not change."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import privpix
from privpix.options import StripOptions
from tests.conformance.two_engines import engine_mismatch, run_ts_on_cases
from tests.conftest import exiftool_json
from tests.hidden_text import MARK, MARK16, all_cases, needle

CASES = all_cases()
VARIANTS = {"default": ([], StripOptions()), "no-icc": (["--no-keep-icc"], StripOptions(keep_icc=False))}


@pytest.fixture(scope="module")
def stripped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hidden_text")
    out = {}
    for name, data in CASES.items():
        out[name] = root / name
        out[name].write_bytes(privpix.strip(data).data)
    return out


@pytest.fixture(scope="module")
def ts_runs(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return run_ts_on_cases(tmp_path_factory.mktemp("hidden_text_ts"), CASES, VARIANTS)


@pytest.mark.parametrize("name", list(CASES))
def test_the_marker_is_gone_byte_for_byte(name: str, stripped: dict[str, Path]) -> None:
    out = stripped[name].read_bytes()
    assert needle(name) not in out and MARK16 not in out


def test_exiftool_reads_no_marker_in_any_stripped_file(stripped: dict[str, Path]) -> None:
    found = exiftool_json(list(stripped.values()), "-b")
    leaking = [name for name, tags in found.items() if MARK.decode() in str(tags) or needle(name).decode() in str(tags)]
    assert leaking == []
    assert len(found) == len(CASES)


def _pixels(data: bytes) -> list[np.ndarray]:
    with Image.open(io.BytesIO(data)) as im:
        frames = []
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            frames.append(np.array(im.convert("RGBA")))
        return frames


# libwebp refuses a VP8X chunk of any size but 10: that input shows nothing, its stripped copy the picture
UNDECODABLE_INPUTS = {"webp_vp8x_extra_bytes.webp": "webp_unknown_top_level.webp"}


@pytest.mark.parametrize("name", [n for n in CASES if not n.endswith(".heic")])  # synthetic HEVC does not decode
def test_the_pixels_do_not_change(name: str, stripped: dict[str, Path]) -> None:
    reference = CASES[UNDECODABLE_INPUTS.get(name, name)]  # the same picture in a file that decodes
    before, after = _pixels(reference), _pixels(stripped[name].read_bytes())
    assert len(before) == len(after)
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", list(CASES))
def test_both_engines_write_the_same_bytes(name: str, variant: str, ts_runs) -> None:  # type: ignore[no-untyped-def]
    assert engine_mismatch(name, CASES[name], variant, ts_runs) is None


def test_inspect_names_what_a_kept_colour_profile_carries() -> None:
    """A profile's free text is blanked by a strip; inspect says so, as a finding a person can read."""
    report = privpix.strip(CASES["jpeg_icc_desc.jpg"])
    assert ("people", "Colour profile text") in {(f.category, f.label) for f in report.removed}


def test_every_container_is_covered() -> None:
    assert {name.split("_")[0] for name in CASES} == {"gif", "jpeg", "png", "webp", "heic", "tiff"}
    assert len(CASES) >= 35

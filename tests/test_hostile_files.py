"""Crafted files whose parts overlap or chain: both engines refuse them, or read them within bounds,
the same way. Before the bounds, each of these made a parse do work far beyond the file's size
(bench/hostile_files.py times them); the tests assert outcomes, never seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

import privpix
from privpix.options import StripOptions
from tests.conformance.two_engines import engine_mismatch, run_ts_on_cases
from tests.hostile import (
    heif_alpha_chain,
    heif_overlapping_exif,
    heif_repeated_extents,
    heif_shared_inputs,
    png_inflating_texts,
    tiff_overlapping_values,
)

CASES: dict[str, bytes] = {
    "tiff_overlapping_values.tif": tiff_overlapping_values(entries=400, value_size=40_000),
    "heif_shared_inputs.heic": heif_shared_inputs(images=300, tiles=300),
    "heif_overlapping_exif.heic": heif_overlapping_exif(items=40, size=20_000),
    "heif_alpha_chain.heic": heif_alpha_chain(length=400),
    "png_inflating_texts.png": png_inflating_texts(chunks=20, inflated=1_000_000),
    "heif_repeated_extents.heic": heif_repeated_extents(extents=200),
}
VARIANTS = {"default": ([], StripOptions())}


@pytest.fixture(scope="module")
def ts_runs(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return run_ts_on_cases(tmp_path_factory.mktemp("hostile"), CASES, VARIANTS)


@pytest.mark.parametrize("variant", ["inspect", "default"])
@pytest.mark.parametrize("name", list(CASES))
def test_both_engines_agree(name: str, variant: str, ts_runs) -> None:  # type: ignore[no-untyped-def]
    assert engine_mismatch(name, CASES[name], variant, ts_runs) is None


@pytest.mark.parametrize("name", ["tiff_overlapping_values.tif", "heif_shared_inputs.heic", "heif_overlapping_exif.heic"])
def test_overlapping_parts_are_refused_by_name(name: str) -> None:
    with pytest.raises(privpix.FormatError, match="overlap"):
        privpix.inspect(CASES[name])


def test_a_long_alpha_chain_is_kept_whole() -> None:
    stripped = privpix.strip(CASES["heif_alpha_chain.heic"])
    assert stripped.removed == []  # every alpha plane of an alpha plane belongs to the picture
    assert len(stripped.data) >= 400 * 16


def test_inflating_stops_at_one_budget_for_all_chunks() -> None:
    report = privpix.inspect(CASES["png_inflating_texts.png"])
    texts = [f for f in report.findings if f.block == "zTXt Comment"]
    unreadable = [f for f in texts if "unreadable" in f.value]
    assert len(texts) == 20 and len(texts) - len(unreadable) == 16  # 16 MB in all, 1 MB each


def test_an_item_whose_extents_repeat_its_bytes_is_refused() -> None:
    with pytest.raises(privpix.FormatError, match="extents add up to 40000 bytes, more than the file holds"):
        privpix.inspect(CASES["heif_repeated_extents.heic"])


def test_the_cases_are_what_they_claim(tmp_path: Path) -> None:
    assert len(CASES["tiff_overlapping_values.tif"]) < 50_000  # 400 x 40 kB of values named
    assert len(CASES["heif_overlapping_exif.heic"]) < 30_000

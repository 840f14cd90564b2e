"""Maker-note conformance: both engines on the synthetic maker notes of tests/formats/test_makernotes.py
(one per maker layout) and on the hostile ones (offsets outside the block, loops, cut headers, byte
flips). Inspect JSON, strip bytes and reports must be identical; neither engine may crash."""

from __future__ import annotations

import pytest

from privpix.options import StripOptions
from tests.conformance.two_engines import TsRuns, engine_mismatch, run_ts_on_cases
from tests.formats.test_makernotes import CASES, HOSTILE

ALL = {**CASES, **HOSTILE}
VARIANTS = {"default": ([], StripOptions()), "keep-camera": (["--keep", "camera"], StripOptions(keep=frozenset({"camera"})))}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> TsRuns:
    return run_ts_on_cases(tmp_path_factory.mktemp("makernotes"), ALL, VARIANTS, suffix=".jpg")


@pytest.mark.parametrize("variant", ["inspect", *VARIANTS])
def test_both_engines_agree_on_every_maker_note(variant: str, runs: TsRuns) -> None:
    problems = {name: m for name, data in ALL.items() if (m := engine_mismatch(name, data, variant, runs)) is not None}
    assert problems == {}


def test_the_typescript_engine_reads_the_serial_numbers(runs: TsRuns) -> None:
    """Agreement alone could be two engines finding nothing: the TS engine's findings name each serial."""
    for name in CASES:
        findings = runs.outcomes["inspect"][name]["result"]["findings"]
        assert any(f["block"].endswith("MakerNotes") and "serial_number" in f["key"] for f in findings), name

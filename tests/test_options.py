"""Options are defined once, in Python, and the web app reads the exported copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privpix.options import STRIP, TOOLS, StripOptions, export, export_text

GENERATED = Path(__file__).resolve().parents[1] / "web" / "src" / "generated" / "options.json"


def test_web_copy_is_the_current_export() -> None:
    assert GENERATED.read_text(encoding="utf-8") == export_text(), (
        "web/src/generated/options.json is stale: run scripts/setup (it exports the options)"
    )


def test_export_round_trips_every_tool() -> None:
    doc = json.loads(export_text())
    assert set(doc["tools"]) == set(TOOLS)
    strip = {o["name"]: o for o in doc["tools"]["strip"]["options"]}
    assert strip["keep_icc"]["default"] is True and strip["keep_icc"]["flag"] == "--keep-icc/--no-keep-icc"
    assert strip["keep"]["choices"] == ["camera", "time", "rights", "location", "blurred-location"]
    assert export() == doc


def test_defaults_come_from_the_spec() -> None:
    assert StripOptions().keep_icc is STRIP.option("keep_icc").default
    assert StripOptions().keep == frozenset(STRIP.option("keep").default)


def test_unknown_keep_group_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown keep group"):
        StripOptions(keep=frozenset({"everything"}))


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_every_option_is_a_cli_flag_with_the_spec_help(tool: str) -> None:
    """The CLI takes its flags and help from the specs: each option's flags appear in --help."""
    import re
    import subprocess
    import sys

    spec = TOOLS[tool]
    out = subprocess.run(
        [sys.executable, "-m", "privpix", spec.command, "--help"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "400", "TERM": "dumb", "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    text = re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─]", " ", out.stdout))
    for option in spec.options:
        for flag in re.split(r"[/]", option.flag):
            assert flag in text, f"{spec.command}: {flag} missing from --help"
        assert option.help.split(".")[0][:40] in text, f"{spec.command}: help of {option.name} is not the spec's"

"""Options are defined once, in Python, and the web app reads the exported, typed copy."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import typing
from pathlib import Path
from typing import Any

import pytest

import privpix
from privpix import options
from privpix.options import STRIP, TOOLS, StripOptions, export, export_ts

WEB = Path(__file__).resolve().parents[1] / "web"

GENERATED = WEB / "src" / "generated" / "options.ts"


def test_web_copy_is_the_current_export() -> None:
    assert GENERATED.read_text(encoding="utf-8") == export_ts(), (
        "web/src/generated/options.ts is stale: run scripts/setup (it exports the options)"
    )


def test_export_round_trips_every_tool() -> None:
    doc = json.loads(json.dumps(export()))
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


# ---- one definition, one validator -------------------------------------------------------------------

OPTION_CLASSES = {
    "compress": privpix.CompressOptions,
    "convert": privpix.ConvertOptions,
    "remove_bg": privpix.RemoveBgOptions,
    "erase": privpix.EraseOptions,
    "strip": privpix.StripOptions,
}


@pytest.mark.parametrize("tool", sorted(OPTION_CLASSES))
def test_every_field_is_an_option_of_the_spec_with_its_default(tool: str) -> None:
    cls, spec = OPTION_CLASSES[tool], TOOLS[tool]
    made = cls()
    fields = [f.name for f in dataclasses.fields(cls)]
    assert sorted(fields) == sorted(o.name for o in spec.options)
    for option in spec.options:
        value = getattr(made, option.name)
        assert (tuple(sorted(value)) if isinstance(value, frozenset) else value) == option.default, option.name


@pytest.mark.parametrize(
    ("cls", "field", "literal"),
    [
        (privpix.CompressOptions, "format", options.CompressFormat),
        (privpix.CompressOptions, "colour", options.Colour),
        (privpix.ConvertOptions, "to", options.EncodeFormat),
        (privpix.RemoveBgOptions, "format", options.RemoveBgFormat),
        (privpix.RemoveBgOptions, "model", options.ModelName),
    ],
)
def test_the_literal_types_are_the_specs_choices(cls: type, field: str, literal: object) -> None:
    """mypy checks a ``Literal``; the spec lists the choices the CLI, the web app and the validator use."""
    assert typing.get_args(literal) == cls.SPEC.option(field).choices


# Bad values for every kind of option; each must be refused with this message by Python, and the
# TypeScript engine (web/src/engine/options.ts) must say the same.
BAD_VALUES: list[tuple[str, dict[str, Any], str]] = [
    ("compress", {"quality": 0}, "quality must be 1-100, not 0"),
    ("compress", {"quality": 101}, "quality must be 1-100, not 101"),
    ("compress", {"quality": 7.5}, "quality must be a whole number, not 7.5"),
    ("compress", {"quality": True}, "quality must be a whole number, not True"),
    ("compress", {"max_dimension": 15}, "max_dimension must be 16-65535, not 15"),
    ("compress", {"format": "jpg"}, "format must be one of keep, jpeg, webp, avif, png, not 'jpg'"),
    ("compress", {"colour": "cmyk"}, "colour must be one of keep, srgb, not 'cmyk'"),
    ("compress", {"background": "white"}, "background must be a colour like #ffffff, not 'white'"),
    ("compress", {"target_size": 0}, "target_size must be at least 1 byte, not 0"),
    ("compress", {"palette": "yes"}, "palette must be true or false, not 'yes'"),
    ("convert", {"to": "keep"}, "to must be one of jpeg, webp, avif, png, not 'keep'"),
    ("remove_bg", {"model": "best"}, "model must be one of fast, quality, not 'best'"),
    ("remove_bg", {"background": "#abc"}, "background must be none, a colour like #ffffff, blur, or an image path, not '#abc'"),
    ("remove_bg", {"background": ""}, "background must be none, a colour like #ffffff, blur, or an image path, not ''"),
    ("remove_bg", {"mask_only": True, "background": "blur"}, "--mask-only writes the mask alone; it cannot have a background"),
    ("erase", {"seed": -1}, "seed must be 0-4294967295, not -1"),
    ("erase", {"grow": 1001}, "grow must be 0-1000, not 1001"),
    (
        "strip",
        {"keep": ["camera", "everything"]},
        "unknown keep group(s): everything; choose from camera, time, rights, location, blurred-location",
    ),
    ("strip", {"keep": ["location", "blurred-location"]}, "keep either location or blurred-location, not both"),
]


def _python_verdict(tool: str, values: dict[str, Any]) -> str | None:
    values = {k: frozenset(v) if k == "keep" else v for k, v in values.items()}
    try:
        OPTION_CLASSES[tool](**values)
    except privpix.OptionError as err:
        return str(err)
    return None


@pytest.mark.parametrize(("tool", "values", "message"), BAD_VALUES)
def test_python_refuses_a_bad_value_naming_it(tool: str, values: dict[str, Any], message: str) -> None:
    assert _python_verdict(tool, values) == message


def test_both_engines_refuse_the_same_values_with_the_same_words() -> None:
    cases = [[tool, values] for tool, values, _ in BAD_VALUES] + [["compress", {"quality": 80, "format": "webp"}], ["erase", {}]]
    ts = subprocess.run(
        [str(WEB / "node_modules" / ".bin" / "tsx"), "scripts/engine-cli.ts", "options", json.dumps(cases)],
        cwd=WEB,
        capture_output=True,
        text=True,
        check=True,
    )
    python = [_python_verdict(tool, values) for tool, values in cases]
    assert json.loads(ts.stdout) == python
    assert python[-2:] == [None, None]  # and both accept good values


def test_option_errors_are_privpix_errors_and_value_errors() -> None:
    with pytest.raises(privpix.Error):
        privpix.ConvertOptions(to="gif")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        privpix.EraseOptions(feather=-1)

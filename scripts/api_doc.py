"""Write docs/api.md, the Python library's reference, from the package's own docstrings and specs.

    .venv/bin/python scripts/api_doc.py          # rewrite docs/api.md
    .venv/bin/python scripts/api_doc.py --check  # exit 1 if docs/api.md is not what it would write

tests/test_api.py runs the check, so the page cannot fall behind the code: a tool's signature and
docstring, an option's type, default, range and help (privpix.options), a result's fields in report
order (tools/result.py) and the error classes come from the code itself.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
import typing
from pathlib import Path

import privpix
from privpix.options import TOOLS
from privpix.tools.result import Section

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "api.md"

INTRO = """\
# The Python library

`import privpix`: the same tools as the command line and the web app, as functions. Nothing touches
the network (except `remove_bg`, which downloads its model once when it is not on this machine; see
docs/models.md). This page is written from the code's docstrings by `scripts/api_doc.py`; the tests
fail when it falls behind.

## What the tools take and give

- **A file** — every tool: bytes or any bytes-like object (`bytearray`, `memoryview`, …), a path
  (`str` or `os.PathLike`), or a binary file object (`open(path, "rb")`, `io.BytesIO`, a request
  body). The format is recognised from the bytes, never from the name. The result holds the new
  file in `data` and a report (`to_json()` gives what `--json` prints).
- **Pixels** — the pixel tools (`remove_bg`, `erase`) also take a `PIL.Image.Image` or a numpy
  `uint8` array (H×W, H×W×3 or H×W×4) and then give back the same kind, like `rembg.remove`:
  no file is decoded or written, and no report is made. A PIL image's ICC profile (`info["icc_profile"]`)
  is kept in the result's `info`; an array is taken as sRGB.
- **Anything else** is a `TypeError` that says what is accepted.
- **Options** are frozen dataclasses, checked when made (`OptionError`, a `ValueError`); values from
  a fixed set are `Literal` types, so a type checker catches `CompressOptions(format="jpg")`.
- **Errors**: every error privpix raises on purpose is a `privpix.Error` (and, where one fits, the
  built-in error code already catches: `FormatError` is a `ValueError`).

```python
import privpix
from PIL import Image

report = privpix.inspect("IMG_0001.HEIC")
for finding in report.findings:
    print(finding.category, finding.label, finding.value)

result = privpix.strip("IMG_0001.HEIC")  # lossless
small = privpix.compress(result.data, privpix.CompressOptions(target_size=500_000))
cutout = privpix.remove_bg(Image.open("portrait.jpg"))  # a PIL image back
try:
    privpix.convert(b"not a photo")
except privpix.Error as err:
    print(err)  # not an image privpix can read (expected JPEG, PNG, …) (found text "not a photo")
```
"""

TOOL_FUNCTIONS = ["inspect", "strip", "compress", "convert", "remove_bg", "erase"]
FILE_FUNCTIONS = ["inspect_file", "strip_file", "compress_file", "convert_file", "remove_bg_file", "erase_file"]
OPTIONS = {
    "StripOptions": "strip",
    "CompressOptions": "compress",
    "ConvertOptions": "convert",
    "RemoveBgOptions": "remove_bg",
    "EraseOptions": "erase",
}
RESULTS = ["Result", "PhotoResult", "StripResult", "EncodeResult", "RemoveBgResult", "EraseResult"]


def _clean(text: str) -> str:
    """Type names as people read them: no module paths, no quotes around forward references."""
    text = re.sub(r"\b(?:privpix|PIL|numpy|np|typing|os|collections\.abc)\.(?:[a-z_]+\.)*", "", text)
    return text.replace("'", "").replace("NoneType", "None")


def _signature(name: str, function: typing.Callable[..., object]) -> str:
    overloads = typing.get_overloads(function)
    signatures = [inspect.signature(f) for f in overloads] or [inspect.signature(function)]
    return "\n".join(f"privpix.{name}{_clean(str(s))}" for s in signatures)


def _docstring(thing: object) -> str:
    """A docstring as Markdown: ``x`` as `x`; the sections (Args:, Returns:, Raises:) as bold
    headings, an argument or error ("name: what") as a list item; the example (after "Example::") as
    a code block."""
    doc = inspect.getdoc(thing) or ""
    out: list[str] = []
    section = ""
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped == "Example::":
            out += ["**Example**", "", "```python"]
            section = "Example"
        elif section == "Example":
            if stripped:
                out.append(line[4:])
        elif re.fullmatch(r"(Args|Returns|Raises):", stripped):
            section = stripped[:-1]
            out += [f"**{section}**", ""]
        elif section in ("Args", "Raises") and re.match(r"    [\w.]+: ", line):
            name, text = stripped.split(": ", 1)
            out.append(f"- `{name}`: {text.replace('``', '`')}")
        elif section and line.startswith("    "):
            text = stripped.replace("``", "`")
            if out[-1]:
                out[-1] += " " + text  # the item (or the paragraph) goes on
            else:
                out.append(text)
        else:
            section = "" if not stripped else section
            out.append(line.replace("``", "`"))
    if section == "Example":
        out.append("```")
    return "\n".join(out).strip()


def _functions(names: list[str]) -> list[str]:
    parts = []
    for name in names:
        function = getattr(privpix, name)
        parts += [f"### `{name}`", "", "```python", _signature(name, function), "```", "", _docstring(function), ""]
    return parts


def _options() -> list[str]:
    parts = [
        "## Options",
        "",
        "Each field is an option of the command line and the web app; its range and help are the same",
        "everywhere (privpix/options.py defines them once). `None` means: not set (the tool decides).",
        "",
    ]
    for name, tool in OPTIONS.items():
        cls = getattr(privpix, name)
        hints = typing.get_type_hints(cls)
        parts += [f"### `{name}`", "", _docstring(cls), ""]
        parts += ["| field | type | default | CLI | what it does |", "|---|---|---|---|---|"]
        for option in TOOLS[tool].options:
            default = getattr(cls(), option.name)
            default = sorted(default) if isinstance(default, frozenset) else default
            bounds = f" ({option.minimum}-{option.maximum})" if option.minimum is not None and option.maximum is not None else ""
            hint = hints[option.name]
            kind = _clean(hint.__name__ if isinstance(hint, type) else str(hint)).replace("|", "\\|")
            help_text = option.help.replace("|", "\\|")
            parts.append(f"| `{option.name}` | `{kind}`{bounds} | `{default!r}` | `{option.flag}` | {help_text} |")
        parts.append("")
    return parts


def _results() -> list[str]:
    parts = [
        "## Results",
        "",
        "A result holds the written file in `data` and its report as fields; `to_json()` gives the report",
        "(without `data` and the large extras), its keys in this order: what was written (format, source",
        "format, size, how it was made), the sizes, the tool's own measures, the findings, the timings.",
        "`removed` and `kept` are `Finding`s (category, label, value, block, offset, length), found by",
        "inspecting the bytes before and after. `PhotoResult.extension` is the format's usual file ending.",
        "",
    ]
    for name in RESULTS:
        cls = getattr(privpix, name)
        own_annotations = cls.__dict__.get("__annotations__", {})  # as written (numpy is only named)
        base = cls.__mro__[1].__name__
        own = [f for f in dataclasses.fields(cls) if f.name in own_annotations]
        parts += [f"### `{name}`" + (f" ({base})" if base != "object" else ""), "", _docstring(cls), ""]
        for f in own:
            section = f.metadata.get("section", Section.MEASURES)
            where = "not in the report" if not f.metadata.get("in_report", True) else section.name.lower()
            parts.append(f"- `{f.name}`: `{_clean(str(own_annotations[f.name]))}` ({where})")
        parts.append("")
    return parts


def _errors() -> list[str]:
    parts = ["## Errors", "", "Every class below is exported from `privpix`.", ""]
    exported = [getattr(privpix, n) for n in privpix.__all__]
    errors = [c for c in exported if isinstance(c, type) and issubclass(c, privpix.Error)]
    classes = sorted(errors, key=lambda c: (len(c.__mro__), c.__name__))
    for cls in classes:
        bases = ", ".join(b.__name__ for b in cls.__bases__)
        parts.append(f"- `{cls.__name__}({bases})`: {' '.join((inspect.getdoc(cls) or '').split()).replace('``', '`')}")
    return [*parts, ""]


def render() -> str:
    parts = [INTRO, "## The tools", ""] + _functions(TOOL_FUNCTIONS)
    parts += ["## Working on files", ""]
    parts += ["Each helper reads a path and writes the result beside it (never over its input unless asked).", ""]
    parts += _functions(FILE_FUNCTIONS) + _options() + _results() + _errors()
    return "\n".join(parts).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if OUT.read_text(encoding="utf-8") != text:
            print("docs/api.md is not what scripts/api_doc.py writes: run it", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

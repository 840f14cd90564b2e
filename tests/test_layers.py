"""Each layer depends only on the layers below it, in both engines.

Python: a layer's module is imported in a fresh interpreter with the ``privpix`` package registered
empty (its ``__init__`` imports every tool for the library API, which would hide what the layer itself
pulls in); the privpix modules that got loaded must all belong to the layer or below. The format
layer is also checked statically, so an import inside a function cannot slip past.

TypeScript: the import statements of web/src/engine/** are parsed: the engine never imports the app
(web/src/app) or the UI tools (web/src/tools), and engine/formats imports nothing outside itself.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "privpix"
ENGINE = ROOT / "web" / "src" / "engine"

CONTAINERS = ("gif", "isobmff", "jpeg", "png", "tiff", "webp")

# The one module below every layer: the error base class (privpix.Error), which imports nothing.
BASE = "privpix.errors"

# module -> the privpix packages/modules it may load (itself included)
LAYERS: dict[str, tuple[str, ...]] = {
    **{f"privpix.formats.{name}": (BASE, "privpix.formats") for name in (*CONTAINERS, "sniff", "policy", "container")},
    # the photo pipeline's light half: open a photo, report on an output (no codec, no options)
    "privpix.imaging.photo": (BASE, "privpix.formats", "privpix.imaging"),
    "privpix.tools.pipeline": (BASE, "privpix.formats", "privpix.imaging", "privpix.tools"),
    "privpix.tools.result": (BASE, "privpix.formats", "privpix.tools"),
    "privpix.tools.inspect": (BASE, "privpix.formats", "privpix.imaging", "privpix.tools", "privpix.inputs"),
    "privpix.tools.strip": (BASE, "privpix.formats", "privpix.imaging", "privpix.tools", "privpix.inputs"),
}

_PROBE = """
import importlib, json, sys, types
package = types.ModuleType("privpix")
package.__path__ = [sys.argv[1]]
sys.modules["privpix"] = package
importlib.import_module(sys.argv[2])
print(json.dumps(sorted(m for m in sys.modules if m.startswith("privpix."))))
"""


def _loaded_by(module: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", _PROBE, str(SRC), module], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("module", list(LAYERS))
def test_a_layer_loads_only_itself_and_below(module: str) -> None:
    allowed = LAYERS[module]
    outside = [m for m in _loaded_by(module) if not any(m == a or m.startswith(a + ".") for a in allowed)]
    assert outside == [], f"{module} loads {outside}"


def test_the_format_layer_imports_nothing_above_it_even_inside_functions() -> None:
    offenders = []
    for path in sorted((SRC / "formats").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module == "errors":
                continue  # privpix.errors: the base class below every layer
            if isinstance(node, ast.ImportFrom) and (node.level > 1 or (node.module or "").startswith("privpix")):
                offenders.append(f"{path.name}:{node.lineno} from {'.' * node.level}{node.module or ''}")
            elif isinstance(node, ast.Import) and any(alias.name.startswith("privpix") for alias in node.names):
                offenders.append(f"{path.name}:{node.lineno} import privpix…")
    assert offenders == []


# What ``privpix strip`` may load, beyond the standard library and typer (the command line): the
# modules of its own path. Strip is the tool people run over whole photo libraries, at the rate of a
# millisecond a file, so its start-up counts; a codec, the model runtime or the progress bar's library
# (loaded only for a terminal) would cost more than the work itself (docs/cli.md, "Start-up").
STRIP_COMMAND_LOADS = (
    BASE,
    "privpix",
    "privpix.atomic",
    "privpix.batch",
    "privpix.cli",
    "privpix.cli_batch",
    "privpix.files",
    "privpix.formats",  # every container: the content decides which one reads the file
    "privpix.imaging",
    "privpix.imaging.photo",
    "privpix.inputs",
    "privpix.jobs",
    "privpix.models",  # the registry's names only (the remove-bg command's --model choices)
    "privpix.models.errors",
    "privpix.models.registry",
    "privpix.options",
    "privpix.render",
    "privpix.report",
    "privpix.terminal",
    "privpix.tools",
    "privpix.tools.pipeline",
    "privpix.tools.result",
    "privpix.tools.strip",
)
NEVER_FOR_STRIP = ("numpy", "PIL", "pillow_heif", "onnxruntime", "rich", "pygments", "dask", "distributed", "concurrent")

_RUN_AND_LIST = """
import atexit, json, sys
atexit.register(lambda: sys.__stderr__.write("MODULES " + json.dumps(sorted(sys.modules)) + "\\n"))
sys.argv = ["privpix", *sys.argv[1:]]
from privpix.cli import main
main()
"""


def test_the_strip_command_loads_only_its_own_path(tmp_path: Path) -> None:
    """``privpix strip`` on a JPEG and a HEIC, in a fresh interpreter: the modules loaded by the time it
    exits are strip's own path, and none of the heavy libraries the other tools use."""
    corpus = ROOT / "tests" / "data" / "corpus"
    photos = [corpus / "exifsamples_DSCN0010.jpg", corpus / "pillowheif_xiaomi.heic", corpus / "skimage_chelsea.png"]
    args = ["strip", "-o", str(tmp_path / "out"), *map(str, photos)]
    done = subprocess.run([sys.executable, "-c", _RUN_AND_LIST, *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out").iterdir())) == len(photos)
    loaded = json.loads(next(line for line in done.stderr.splitlines() if line.startswith("MODULES "))[8:])
    ours = [m for m in loaded if m == "privpix" or m.startswith("privpix.")]
    outside = [m for m in ours if not any(m == a or m.startswith(a + ".") for a in STRIP_COMMAND_LOADS)]
    assert outside == [], f"privpix strip loads {outside}"
    heavy = sorted({m.split(".")[0] for m in loaded} & set(NEVER_FOR_STRIP))
    assert heavy == [], f"privpix strip loads {heavy}"


# `import … from '…'` and `export … from '…'` (statements start a line), `import '…'`, and `import('…')`
_TS_IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)""",
    re.MULTILINE,
)


def _ts_imports(path: Path) -> list[Path | str]:
    """Where a TypeScript file imports from: resolved paths for relative imports, else package names."""
    out: list[Path | str] = []
    for groups in _TS_IMPORT.findall(path.read_text()):
        spec = next(g for g in groups if g)
        out.append((path.parent / spec).resolve() if spec.startswith(".") else spec)
    return out


def test_the_ts_engine_never_imports_the_app_or_the_ui_tools() -> None:
    app, ui_tools = (ROOT / "web" / "src" / "app").resolve(), (ROOT / "web" / "src" / "tools").resolve()
    offenders = [
        f"{path.relative_to(ENGINE)} imports {target}"
        for path in sorted(ENGINE.rglob("*.ts"))
        for target in _ts_imports(path)
        if isinstance(target, Path) and (target.is_relative_to(app) or target.is_relative_to(ui_tools))
    ]
    assert offenders == []
    assert len(list(ENGINE.rglob("*.ts"))) > 40  # the walk really saw the engine


def test_the_ts_format_layer_imports_nothing_outside_itself() -> None:
    formats = (ENGINE / "formats").resolve()
    offenders = [
        f"{path.name} imports {target}"
        for path in sorted(formats.glob("*.ts"))
        for target in _ts_imports(path)
        if not (isinstance(target, Path) and target.is_relative_to(formats))
        and not (isinstance(target, Path) and target.name == "jpeg-scan-wasm")  # the walker's bytes: data only
    ]
    assert offenders == []

"""The core without the heavy packages: ``import privpix``, inspect, strip, serve and build-site work;
a tool whose extra is missing says which install line fixes it, from the library and the CLI.
(The packaging test proves the same on a real core-only install; this runs in every test run.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from privpix import extras

from .corpus import CORPUS

HEAVY = [
    "PIL",
    "pillow_heif",
    "pyjpegli",
    "mozjpeg_lossless_optimization",
    "oxipng",
    "imagequant",
    "numpy",
    "onnx",
    "onnxruntime",
    "cryptography",
    "segno",
]
BLOCK = f"import sys\nfor m in {HEAVY!r}: sys.modules[m] = None  # unimportable, and find_spec says missing\n"


def without_heavy(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BLOCK + code, *args], capture_output=True, text=True)


def test_the_library_imports_and_strips_without_heavy_packages() -> None:
    photo = CORPUS / "exifsamples_DSCN0010.jpg"
    proc = without_heavy(
        "import privpix\n"
        f"data = open({str(photo)!r}, 'rb').read()\n"
        "assert any(f.category == 'location' for f in privpix.inspect(data).findings)\n"
        "assert privpix.strip(data).data\n"
        "assert 'compress' in dir(privpix)\n"
        "try:\n    privpix.compress\nexcept privpix.MissingExtraError as err:\n    print(err)\n"
        "try:\n    from privpix import remove_bg\nexcept ImportError as err:\n    print(err)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'PIL', 'numpy', 'onnx', 'onnxruntime'} and sys.modules[m]))\n"
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("privpix.compress needs privpix's 'encode' extra (pillow, pillow-heif,")
    assert lines[0].endswith("install it with: pip install 'privpix[encode]'")
    assert lines[1].endswith("install it with: pip install 'privpix[remove-bg]'")
    assert lines[2] == "[]"


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["compress", "x.jpg"], "encode"),
        (["convert", "x.jpg"], "encode"),
        (["erase", "x.jpg", "--box", "1,1,2,2"], "encode"),
        (["remove-bg", "x.jpg"], "remove-bg"),
        (["serve", "--https", "--no-open"], "https"),
        (["models", "fetch", "--from", "x.tgz"], "models"),
    ],
)
def test_the_cli_names_the_install_line(args: list[str], extra: str) -> None:
    proc = without_heavy("from privpix.cli import main\nsys.argv = ['privpix', *sys.argv[1:]]\nmain()", *args)
    assert proc.returncode == 1, proc.stderr
    assert f"install it with: pip install 'privpix[{extra}]'" in proc.stderr


def test_core_commands_run_without_heavy_packages(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes((CORPUS / "exifsamples_DSCN0010.jpg").read_bytes())
    run = "from privpix.cli import main\nsys.argv = ['privpix', *sys.argv[1:]]\nmain()"
    assert "GPS position" in without_heavy(run, "inspect", str(photo)).stdout
    proc = without_heavy(run, "strip", str(photo))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "photo-stripped.jpg").is_file()
    proc = without_heavy(run, "build-site", "--no-models", str(tmp_path / "public"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "public" / "site" / "index.html").is_file()


@pytest.mark.parametrize(
    ("prefix", "line"),
    [
        ("/home/ana/.local/share/pipx/venvs/privpix", "pipx install --force 'privpix[encode]'"),
        ("/home/ana/.local/share/uv/tools/privpix", "uv tool install 'privpix[encode]'"),
        ("/home/ana/project/.venv", "pip install 'privpix[encode]'"),
    ],
)
def test_the_install_line_follows_the_installer(monkeypatch: pytest.MonkeyPatch, prefix: str, line: str) -> None:
    monkeypatch.setattr(sys, "prefix", prefix)
    assert extras.install_line("encode") == line


def test_a_missing_extra_names_its_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyjpegli", None)  # find_spec then reports it missing
    with pytest.raises(
        extras.MissingExtraError, match=r"privpix compress needs privpix's 'encode' extra \(pyjpegli not installed\)"
    ):
        extras.require("encode", "privpix compress")

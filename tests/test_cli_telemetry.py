"""onnxruntime's telemetry: privpix switches it off before importing onnxruntime; an application
that imported onnxruntime first (with telemetry on) is told so once, since nothing later can undo
it. The command line itself never writes onnxruntime's files (test_remove_background.py runs a
whole remove-bg under strace with an empty HOME)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TELEMETRY_DIR = Path(".cache") / "Microsoft" / "DeveloperTools" / ".onnxruntime"


# onnxruntime writes nothing when CI is set (it skips telemetry on CI machines), so the tests
# drop it: they must see what happens on a person's machine.
NOT_A_PERSONS_MACHINE = ("ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME", "CI")


def python(code: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in NOT_A_PERSONS_MACHINE}
    return subprocess.run([sys.executable, "-c", code], env={**clean, "HOME": str(home), **env}, capture_output=True, text=True)


def test_onnxruntime_imported_first_writes_its_device_id_and_privpix_warns_once(tmp_path: Path) -> None:
    done = python("import onnxruntime\nimport privpix.models.runtime\nimport privpix.models.runtime", tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / TELEMETRY_DIR).is_dir()  # the harm the warning is about: it can fail
    assert done.stderr.count("TelemetryWarning: onnxruntime was imported before privpix") == 1
    assert "ORT_DISABLE_TELEMETRY=1" in done.stderr


def test_privpix_first_or_the_variable_set_means_no_files_and_no_warning(tmp_path: Path) -> None:
    for home, code, env in (
        (tmp_path / "a", "import privpix.models.runtime\nimport onnxruntime", {}),
        (tmp_path / "b", "import onnxruntime\nimport privpix.models.runtime", {"ORT_DISABLE_TELEMETRY": "1"}),
    ):
        home.mkdir()
        done = python(code, home, **env)
        assert done.returncode == 0 and "TelemetryWarning" not in done.stderr, done.stderr
        assert not (home / TELEMETRY_DIR).exists()


def test_the_cli_never_imports_onnxruntime_for_tools_without_a_model(tmp_path: Path, corpus: Path) -> None:
    for args in (
        ["inspect", corpus / "exifsamples_DSCN0010.jpg"],
        ["strip", corpus / "exifsamples_DSCN0010.jpg", "-o", tmp_path / "o"],
    ):
        code = f"import sys, privpix.cli\nsys.argv = ['privpix', *{[str(a) for a in args]!r}]\ntry: privpix.cli.main()\nexcept SystemExit: pass\nprint('onnxruntime' in sys.modules)"
        done = python(code, tmp_path)
        assert done.stdout.strip().splitlines()[-1] == "False", done.stdout + done.stderr
    assert not (tmp_path / TELEMETRY_DIR).exists()

"""The JPEG scan walker both engines run (web/wasm/jpeg-scan.ts, built to formats/jpeg_scan.wasm; the
TypeScript engine reads the same bytes from web/src/generated/jpeg-scan-wasm.ts): the committed
module is what the source compiles to, it can reach nothing outside its memory, and the Python host
loads it only when a JPEG is walked and serves threads and forked workers. What the walk finds is
tested in test_jpeg_scan.py."""

from __future__ import annotations

import base64
import multiprocessing
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources

import pytest
import wasmtime

from privpix.formats import jpeg, jpeg_scan

from ..conftest import WEB, run_web_script
from .test_jpeg_scan import FILES, hide_after_scans, hide_before_restarts


def test_the_committed_builds_are_what_the_source_compiles_to() -> None:
    proc = run_web_script("build-wasm.ts", "--check")
    assert proc.returncode == 0, proc.stderr


def test_both_engines_load_the_same_module_which_imports_nothing() -> None:
    shipped = resources.files("privpix.formats").joinpath("jpeg_scan.wasm").read_bytes()
    generated = (WEB / "src" / "generated" / "jpeg-scan-wasm.ts").read_text()
    match = re.search(r"JPEG_SCAN_WASM = '([A-Za-z0-9+/=]+)'", generated)
    assert match and base64.b64decode(match.group(1)) == shipped
    module = wasmtime.Module(wasmtime.Engine(), shipped)
    assert module.imports == []  # no host function: no file, network, clock or randomness
    assert sorted(e.name for e in module.exports) == ["memory", "output", "prepare", "walk"]


def test_wasmtime_is_imported_only_when_a_jpeg_is_walked() -> None:
    script = (
        "import sys, privpix\n"
        "from tests.formats.test_png import base_png\n"
        "privpix.strip(base_png()); assert 'wasmtime' not in sys.modules, 'png'\n"
        "from tests.formats.test_jpeg import base_jpeg\n"
        "privpix.strip(base_jpeg('RGB', (16, 16))); assert 'wasmtime' in sys.modules, 'jpeg'\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=WEB.parent)
    assert proc.returncode == 0, proc.stderr


@dataclass
class _Segment:
    marker: int
    start: int
    end: int
    payload_start: int
    payload_end: int


def test_a_fault_of_the_walker_keeps_every_scan() -> None:
    """A trap (here a read far outside the module's memory, from a segment table no parse makes)
    must not fail the file: the walk is unchecked, so a strip keeps the scans whole."""
    walked = jpeg_scan.walk(FILES["baseline_L"], [_Segment(0xC0, 2, 19, 0x7FFF0000, 0x7FFF0011)])
    assert walked.unchecked is not None and walked.unchecked.startswith("the scan walker stopped")
    assert _walk(FILES["baseline_L"]) == jpeg_scan.ScanWalk()  # the instance still walks


def _walk(data: bytes) -> jpeg_scan.ScanWalk:
    return jpeg_scan.walk(data, jpeg.parse(data).segments)


CASES = [hide_after_scans(FILES["progressive_RGB"]), hide_before_restarts(FILES["restart_RGB"]), FILES["baseline_L"]]


def test_threads_walk_at_once_each_with_its_own_instance() -> None:
    expected = [_walk(data) for data in CASES]
    assert expected[0].hidden and expected[1].hidden and not expected[2].hidden
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(_walk, CASES * 8))
    assert results == expected * 8


def _walk_in_child(queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put([_walk(data) for data in CASES])


@pytest.mark.skipif(sys.platform != "linux", reason="fork is the default start method on Linux only")
def test_a_forked_worker_walks_after_its_parent_did() -> None:
    expected = [_walk(data) for data in CASES]  # the parent has compiled the module
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_walk_in_child, args=(queue,))
    child.start()
    results = queue.get(timeout=60)
    child.join(60)
    assert child.exitcode == 0 and results == expected

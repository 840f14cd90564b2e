"""The cost of walking JPEG scans to find where their entropy-coded data ends: the WebAssembly walker
(web/wasm/jpeg-scan.ts) as each engine runs it, and what loading it costs.

    .venv/bin/python bench/jpeg_scan_walk.py [--repeats 5]

- Start-up (fresh processes, median of ``--repeats``): ``import wasmtime`` and compiling the module,
  which the Python engine pays on the first JPEG it walks in a process.
- Per corpus JPEG/MPO: its size and the walk in Python (wasmtime: copying the file in, the call,
  reading the result) and in TypeScript under Node (V8, the browser's engine), the fastest of
  ``--repeats``, in ms and MB/s of file. Both walks run the same .wasm.
The whole-strip before/after figures come from ``bench/strip_throughput.py`` (docs/strip.md, "After
a scan").
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, corpus_files, table  # noqa: E402

from privpix.formats import jpeg, jpeg_scan  # noqa: E402

WEB = ROOT / "web"
TSX = WEB / "node_modules" / ".bin" / "tsx"
STARTUP = """
import time
t0 = time.perf_counter()
import wasmtime
t1 = time.perf_counter()
from privpix.formats import jpeg_scan
jpeg_scan._Walker.instance()
t2 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000)
"""


def startup_ms(repeats: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True, check=True)
        runs.append([float(x) for x in done.stdout.split()])
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def python_ms(data: bytes, repeats: int) -> float:
    segments = jpeg.parse(data).segments
    jpeg_scan.walk(data, segments)  # the module compiled, the memory grown
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        jpeg_scan.walk(data, segments)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def row(name: str, mb: float, py_ms: float, ts_ms: float) -> list[str]:
    return [name, f"{mb:.2f}", f"{py_ms:.1f}", f"{mb / py_ms * 1000:.0f}", f"{ts_ms:.1f}", f"{mb / ts_ms * 1000:.0f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    files = [f for f in corpus_files() if f.suffix.lower() in (".jpg", ".jpeg", ".mpo")]
    command = [str(TSX), "scripts/jpeg-scan-time.ts", str(args.repeats), *map(str, files)]
    done = subprocess.run(command, cwd=WEB, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"jpeg-scan-time.ts failed: {done.stderr}")
    ts = json.loads(done.stdout)
    rows = []
    totals = [0.0, 0.0, 0.0]
    for path, ts_ms in zip(files, ts):
        data = path.read_bytes()
        py_ms = python_ms(data, args.repeats)
        mb = len(data) / 1e6
        totals = [totals[0] + mb, totals[1] + py_ms, totals[2] + ts_ms]
        rows.append(row(path.name, mb, py_ms, ts_ms))
    rows.append(row("all", *totals))
    imported, compiled = startup_ms(args.repeats)
    print(f"start-up, median of {args.repeats} processes: import wasmtime {imported:.0f} ms, compile {compiled:.0f} ms")
    print(f"walk of every scan, fastest of {args.repeats}; cores: 2 (shared)")
    print(table(["file", "MB", "Python ms", "Python MB/s", "Node ms", "Node MB/s"], rows))


if __name__ == "__main__":
    main()

"""The cost of walking JPEG scans to find where their entropy-coded data ends (formats/jpeg_scan.py,
web/src/engine/formats/jpeg-scan.ts): what a strip or an inspect of a JPEG now spends on it.

    .venv/bin/python bench/jpeg_scan_walk.py [--repeats 3]

Every corpus JPEG/MPO: its size, the Python walk (fastest of ``--repeats``) and the TypeScript
walk under Node (fastest of 3), in ms and MB/s of file. The whole-strip before/after figures come
from ``bench/strip_throughput.py --privpix ...`` (docs/strip.md, "After a scan").
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, corpus_files, table  # noqa: E402

from privpix.formats import jpeg, jpeg_scan  # noqa: E402

WEB = ROOT / "web"
TSX = WEB / "node_modules" / ".bin" / "tsx"


def python_ms(data: bytes, repeats: int) -> float:
    segments = jpeg.parse(data).segments
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        jpeg_scan.walk(data, segments)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def row(name: str, mb: float, py_ms: float, ts_ms: float) -> list[str]:
    return [name, f"{mb:.2f}", f"{py_ms:.0f}", f"{mb / py_ms * 1000:.1f}", f"{ts_ms:.0f}", f"{mb / ts_ms * 1000:.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    files = [f for f in corpus_files() if f.suffix.lower() in (".jpg", ".jpeg", ".mpo")]
    done = subprocess.run([str(TSX), "scripts/jpeg-scan-time.ts", *map(str, files)], cwd=WEB, capture_output=True, text=True)
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
    print(f"walk of every scan; fastest of {args.repeats} (Python) and 3 (TypeScript, Node); cores: 2 (shared)")
    print(table(["file", "MB", "Python ms", "Python MB/s", "TypeScript ms", "TypeScript MB/s"], rows))


if __name__ == "__main__":
    main()

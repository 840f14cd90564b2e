"""Crafted files against a time budget: work that grows faster than the file is a denial of service.

    .venv/bin/python bench/hostile_files.py [--sizes 120000,480000,1200000] [--budget-ms 2000]

Two tables. XMP packets (tests/hostile.py) of each size: the Python reader's time on the packet, the
whole Python inspect of a PNG carrying it, and the TypeScript reader's time under Node. Containers
whose parts overlap or chain: Python inspect and strip (refused or not), and the TypeScript engine's
inspect under Node (less the time Node takes to start and inspect a tiny file). Exits 1 if any run
exceeds the budget. The tests assert the same properties as work counts and outcomes
(tests/formats/test_xmp.py, tests/test_hostile_files.py), never as seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, table, timed  # noqa: E402

import privpix  # noqa: E402
from privpix.formats import xmp  # noqa: E402
from tests import hostile  # noqa: E402

WEB = ROOT / "web"
TSX = WEB / "node_modules" / ".bin" / "tsx"

CONTAINERS = {
    "TIFF: 2,000 tags naming one 400 kB value": lambda: hostile.tiff_overlapping_values(2000, 400_000),
    "HEIC: 3,000 images sharing 3,000 tiles": lambda: hostile.heif_shared_inputs(3000, 3000),
    "HEIC: 400 Exif items on one 400 kB block": lambda: hostile.heif_overlapping_exif(400, 400_000),
    "HEIC: alpha planes 5,000 deep": lambda: hostile.heif_alpha_chain(5000),
    "HEIC: 60,000 extents of one item": lambda: hostile.heif_repeated_extents(60_000),
    "PNG: 200 zTXt of 1 MB each": lambda: hostile.png_inflating_texts(200, 1_000_000),
}


def ts_xmp_times(packets: list[str]) -> list[float]:
    """Milliseconds per packet for the TypeScript reader (median of 3, one Node process)."""
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, packet in enumerate(packets):
            files.append(Path(tmp) / f"{i}.xmp")
            files[-1].write_text(packet, encoding="utf-8")
        out = subprocess.run([str(TSX), "scripts/xmp-scan.ts", "time", *map(str, files)], cwd=WEB, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr)
        return json.loads(out.stdout)


def ts_inspect_ms(data: bytes) -> float:
    """The TypeScript engine's inspect under Node, start-up included (best of 2)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "crafted"
        path.write_bytes(data)
        command = [str(TSX), "scripts/engine-cli.ts", "inspect", str(path)]
        return min(timed(lambda: subprocess.run(command, cwd=WEB, capture_output=True, check=True), 2)) * 1000


def outcome_ms(fn: object) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        fn()  # type: ignore[operator]
        what = "read"
    except privpix.FormatError as err:
        what = "refused" if "overlap" in str(err) or "extents" in str(err) else f"error: {err}"
    return (time.perf_counter() - start) * 1000, what


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="120000,480000,1200000", help="XMP packet sizes in characters")
    parser.add_argument("--budget-ms", type=float, default=2000.0, help="the most one run may take")
    args = parser.parse_args()
    budget = args.budget_ms
    sizes = [int(s) for s in args.sizes.split(",")]
    over = 0

    cases = [(kind, hostile.xmp_packet(kind, size)) for kind in hostile.XMP_UNITS for size in sizes]
    rows = []
    for (kind, packet), ts_ms in zip(cases, ts_xmp_times([p for _, p in cases])):
        png = hostile.png_with_xmp(packet)
        py_ms = min(timed(lambda p=packet: xmp.findings(p, "XMP", 0, 0), 3)) * 1000
        inspect_ms = min(timed(lambda d=png: privpix.inspect(d), 3)) * 1000
        ok = max(py_ms, inspect_ms, ts_ms) <= budget
        over += not ok
        size = f"{len(png) / 1000:.0f} kB"
        rows.append([kind, size, f"{py_ms:.1f}", f"{inspect_ms:.1f}", f"{ts_ms:.1f}", "ok" if ok else "OVER"])
    print(table(["XMP packet", "PNG size", "Python XMP ms", "Python inspect ms", "TS XMP ms", f"<= {budget:.0f} ms"], rows))
    print()

    node_start = ts_inspect_ms(hostile.png_with_xmp(""))  # Node and the engine loading, no real work
    rows = []
    for name, build in CONTAINERS.items():
        data = build()
        inspect_ms, inspected = outcome_ms(lambda d=data: privpix.inspect(d))
        strip_ms, stripped = outcome_ms(lambda d=data: privpix.strip(d))
        ts_ms = ts_inspect_ms(data) - node_start
        ok = max(inspect_ms, strip_ms, ts_ms) <= budget
        over += not ok
        size = f"{len(data) / 1000:.0f} kB"
        verdict = "ok" if ok else "OVER"
        rows.append([name, size, f"{inspect_ms:.1f} ({inspected})", f"{strip_ms:.1f} ({stripped})", f"{ts_ms:.0f}", verdict])
    headers = ["Crafted container", "size", "Python inspect ms", "Python strip ms", "TS inspect ms (less Node start)"]
    print(table([*headers, f"<= {budget:.0f} ms"], rows))
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""108 and 200 MP phone photos (synthetic, made here, as a Samsung writes them in size): compress
with --max-dimension 4000 in both engines — time and peak memory — and strip at full size. JPEG is
decoded at a reduced DCT scale; HEIC (a grid of the real 512×512 tiles of a corpus iPhone HEIC,
repeated) one row of tiles at a time; PNG (a palette picture) a band of rows at a time.

    .venv/bin/python bench/huge_photos.py [--repeats 2]

Python: each run in a fresh interpreter, so its peak resident memory (VmHWM of the child) is the
run's own. Browser: the TypeScript engine in a Web Worker in Debian's Chromium; its memory is the
renderer process's peak, read from /proc after the run (VmHWM, Linux only).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _browser import build_pages, chromium, serve  # noqa: E402
from _common import ROOT, table  # noqa: E402

from tests.corpus import CORPUS  # noqa: E402
from tests.huge_files import phone_grid_heic, quadrant_png  # noqa: E402
from tests.test_huge_photos import SIZES, huge_jpeg  # noqa: E402

# VmHWM of the child itself: ru_maxrss would carry the parent's peak across exec on Linux.
CHILD = """
import json, sys, time
import privpix
from privpix.options import CompressOptions
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
if sys.argv[2] == "compress":
    r = privpix.compress(data, CompressOptions(max_dimension=4000))
    size = [r.width, r.height]
else:
    r = privpix.strip(data)
    size = None
seconds = time.perf_counter() - start
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_mb": int(hwm.split()[1]) / 1024, "size": size}))
"""


def python_run(path: Path, what: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), what], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def renderer_peak_mb() -> float:
    """The largest VmHWM among Chromium renderer processes (the page and its workers)."""
    peak = 0.0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            cmdline = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if b"--type=renderer" in cmdline:
            for line in text.splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    files = []
    phone = (CORPUS / "mei_IMG_1034.heic").read_bytes()
    for label, (w, h) in sorted(SIZES.items()):
        for kind, make in (("jpg", huge_jpeg), ("heic", lambda w, h: phone_grid_heic(phone, w, h)), ("png", quadrant_png)):
            path = work / f"{label}.{kind}"
            path.write_bytes(make(w, h))
            files.append((f"{label} {kind.upper()}", path, w, h))
    rows = []
    for label, path, w, h in files:
        for what in ("compress", "strip"):
            runs = [python_run(path, what) for _ in range(args.repeats)]
            times = [float(r["seconds"]) for r in runs]  # type: ignore[arg-type]
            peak = max(float(r["peak_mb"]) for r in runs)  # type: ignore[arg-type]
            out = runs[-1]["size"]
            median = f"{statistics.median(times):.2f} s"
            rows.append([f"{label} ({w}×{h})", "Python", what, median, f"{peak:.0f} MB", str(out or "-")])
    pages = build_pages()
    with serve(pages, [p for _, p, _, _ in files]) as url, chromium() as browser:
        for label, path, w, h in files:
            page = browser.new_page()  # type: ignore[attr-defined]
            page.goto(url + "encode.html")
            request = {"op": "tool", "url": f"files/{path.name}", "tool": "compress", "options": {"max_dimension": 4000}}
            reply = page.evaluate("(r) => window.benchEncode(r)", {**request, "repeats": args.repeats})
            if reply.get("error"):
                raise SystemExit(f"{label}: {reply['error']}")
            ms = reply["ms"]
            size = [reply["report"]["width"], reply["report"]["height"]]
            peak = renderer_peak_mb()
            median = f"{statistics.median(ms) / 1000:.2f} s"
            rows.append([f"{label} ({w}×{h})", "browser", "compress", median, f"{peak:.0f} MB", str(size)])
            page.close()
    print("compress --max-dimension 4000 (JPEG: DCT-scaled decode; HEIC: tile rows; PNG: rows) and strip at full size")
    print("peak memory: of the Python process, of the browser's renderer")
    print(table(["photo", "engine", "tool", "time (median)", "peak memory", "output size"], rows))


if __name__ == "__main__":
    main()

"""privpix strip vs ExifTool on the corpus, one command each, batch mode.

    .venv/bin/python bench/strip_throughput.py [--repeats 3] [--copies 10]

Two batches: the corpus once (44 files; start-up dominates), and the corpus copied ``--copies``
times (the steady-state rate). ExifTool: ``exiftool -all= --icc_profile:all -tagsfromfile @
-Orientation -o OUT/ FILES`` (remove everything but the ICC profile, put Orientation back).
Target (issue 2): privpix's throughput >= 20x ExifTool's.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, corpus_files, table, timed  # noqa: E402

PRIVPIX = ROOT / ".venv" / "bin" / "privpix"


def batch(files: list[Path], copies: int, into: Path) -> list[Path]:
    if copies == 1:
        return files
    out = []
    for k in range(copies):
        for f in files:
            target = into / f"{k:03d}_{f.name}"
            shutil.copyfile(f, target)
            out.append(target)
    return out


def run_fresh(command: list[str], out: Path) -> None:
    """Run ``command`` into an empty ``out`` (ExifTool refuses to overwrite)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="privpix-bench-"))
    rows = []
    try:
        (work / "in").mkdir()
        for copies in (1, args.copies):
            files = batch(corpus_files(), copies, work / "in")
            size = sum(f.stat().st_size for f in files)
            out = work / "out"
            exiftool = ["exiftool", "-q", "-q", "-all=", "--icc_profile:all", "-tagsfromfile", "@", "-Orientation", "-o"]
            commands = {
                "exiftool": [*exiftool, f"{out}/", *map(str, files)],
                "privpix strip -j 1": [str(PRIVPIX), "strip", "-j", "1", "-o", str(out), *map(str, files)],
                "privpix strip (auto: a process per core)": [str(PRIVPIX), "strip", "-o", str(out), *map(str, files)],
            }
            base = None
            for name, command in commands.items():
                times = timed(partial(run_fresh, command, out), args.repeats)
                med = statistics.median(times)
                base = base or med
                rows.append(
                    [
                        f"{len(files)} files, {size / 1e6:.0f} MB",
                        name,
                        f"{med:.3f} s",
                        f"{len(files) / med:.0f}",
                        f"{size / med / 1e6:.0f}",
                        f"{base / med:.1f}x",
                    ]
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"median of {args.repeats} runs each; 2 cores")
    print(table(["batch", "command", "wall time", "files/s", "MB/s", "throughput vs exiftool"], rows))


if __name__ == "__main__":
    main()

"""privpix strip vs ExifTool on the corpus: batch throughput, single-file latency, start-up imports.

    .venv/bin/python bench/strip_throughput.py [--repeats 5] [--copies 27] [--privpix CMD ...]

- Throughput: the corpus once (44 files; start-up dominates) and copied ``--copies`` times (27:
  1,188 files, the steady-state rate). ExifTool: ``exiftool -all= --icc_profile:all -tagsfromfile @
  -Orientation -o OUT/ FILES`` (remove everything but the ICC profile, put Orientation back).
  The commands run in turns within each repeat (paired), and the ratio to ExifTool is the median of
  the per-repeat ratios, so a busy shared machine slows both sides of each pair alike. The CPU time
  (user + system, the command's worker processes included) is printed too, with its own ratio: on a
  machine whose cores other people are using, it varies far less than the wall time (it does not
  show what a pool gains by using several cores at once).
- Latency: one photo, one process (``privpix strip photo.jpg -o OUT``), median of ``--repeats * 4``.
- Imports: the sum of ``python -X importtime`` over the modules that one-photo strip loads.

``--privpix`` benchmarks another checkout's command; give it more than once (e.g. the main branch's
and this checkout's) to pair each with the same ExifTool runs, for a before/after.
Each command runs once untimed first (the files and each program's code in the page cache), with
Python allowed to write its .pyc files as ``pip install`` does (PYTHONDONTWRITEBYTECODE in the
environment would otherwise have every run compile privpix's sources again).
Target (issue 11): privpix's batch throughput >= 20x ExifTool's.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, corpus_files, table  # noqa: E402

PRIVPIX = ROOT / ".venv" / "bin" / "privpix"
LATENCY_FILE = "exifsamples_DSCN0010.jpg"


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


# an installed privpix has its .pyc files (pip writes them)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_fresh(command: list[str], out: Path) -> tuple[float, float]:
    """Seconds of wall time and of CPU time to run ``command`` into an empty ``out`` (ExifTool and
    privpix refuse to overwrite)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def import_ms(privpix: list[str], photo: Path, out: Path) -> float:
    """Total import time (ms) of a one-photo strip: PYTHONPROFILEIMPORTTIME is ``-X importtime`` for
    whichever Python the command starts."""
    shutil.rmtree(out, ignore_errors=True)
    env = {**ENV, "PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run([*privpix, "strip", str(photo), "-o", str(out)], capture_output=True, text=True, env=env, check=False)
    return sum(int(m.group(1)) for m in re.finditer(r"import time:\s+(\d+) \|", done.stderr)) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--copies", type=int, default=27)
    parser.add_argument("--privpix", action="append", help="a privpix command to measure (repeatable; default: this checkout's)")
    args = parser.parse_args()
    privpixes = [command.split() for command in args.privpix or [str(PRIVPIX)]]
    label = (lambda i: f" [{i + 1}]") if len(privpixes) > 1 else (lambda i: "")

    work = Path(tempfile.mkdtemp(prefix="privpix-bench-"))
    rows = []
    try:
        (work / "in").mkdir()
        out = work / "out"
        for copies in (1, args.copies):
            files = batch(corpus_files(), copies, work / "in")
            size = sum(f.stat().st_size for f in files)
            exiftool = ["exiftool", "-q", "-q", "-all=", "--icc_profile:all", "-tagsfromfile", "@", "-Orientation", "-o"]
            commands = {"exiftool": [*exiftool, f"{out}/", *map(str, files)]}
            for i, privpix in enumerate(privpixes):
                commands[f"privpix{label(i)} strip -j 1"] = [*privpix, "strip", "-j", "1", "-o", str(out), *map(str, files)]
                commands[f"privpix{label(i)} strip (auto job count)"] = [*privpix, "strip", "-o", str(out), *map(str, files)]
            for command in commands.values():
                run_fresh(command, out)  # warm-up, untimed
            times: dict[str, list[float]] = {name: [] for name in commands}
            cpu: dict[str, list[float]] = {name: [] for name in commands}
            for _ in range(args.repeats):
                for name, command in commands.items():
                    wall, used = run_fresh(command, out)
                    times[name].append(wall)
                    cpu[name].append(used)
            for name in commands:
                ratios = [e / t for e, t in zip(times["exiftool"], times[name])]
                cpu_ratios = [e / t for e, t in zip(cpu["exiftool"], cpu[name])]
                med = statistics.median(times[name])
                rows.append(
                    [
                        f"{len(files)} files, {size / 1e6:.0f} MB",
                        name,
                        f"{med:.3f} s",
                        f"{len(files) / med:.0f}",
                        f"{size / med / 1e6:.0f}",
                        f"{statistics.median(ratios):.1f}x",
                        f"{statistics.median(cpu[name]):.3f} s",
                        f"{statistics.median(cpu_ratios):.1f}x",
                    ]
                )
        photo = ROOT / "tests" / "data" / "corpus" / LATENCY_FILE
        latency = {"exiftool (one photo)": [*exiftool, f"{out}/", str(photo)]}
        for i, privpix in enumerate(privpixes):
            latency[f"privpix{label(i)} strip (one photo)"] = [*privpix, "strip", "-o", str(out), str(photo)]
        lat_rows = []
        for name, command in latency.items():
            samples = [run_fresh(command, out)[0] for _ in range(args.repeats * 4)]
            lat_rows.append([name, f"{statistics.median(samples) * 1000:.0f} ms", f"{min(samples) * 1000:.0f} ms"])
        imports = [statistics.median(import_ms(privpix, photo, out) for _ in range(args.repeats)) for privpix in privpixes]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for i, privpix in enumerate(privpixes):
        print(f"privpix{label(i)} command: {' '.join(privpix)}")
    print(f"{args.repeats} paired runs each; cores: {os.cpu_count()}")
    headers = ["batch", "command", "wall time (median)", "files/s", "MB/s", "throughput vs exiftool (median ratio)"]
    print(table([*headers, "CPU time (median)", "CPU vs exiftool (median ratio)"], rows))
    print()
    print(table(["single file", "median", "min"], lat_rows))
    print()
    for i, ms in enumerate(imports):
        print(f"imports of a one-photo strip, privpix{label(i)} (python -X importtime, sum): {ms:.0f} ms")


if __name__ == "__main__":
    main()

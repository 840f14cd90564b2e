"""privpix audit vs ExifTool over a large tree, and the memory of a 100,000-file audit.

    .venv/bin/python bench/audit_cli.py [--files 10000] [--repeats 1] [--large 2000 20000 100000] [--privpix CMD ...]

- Speed: a tree of ``--files`` photos (the corpus's readable files, copied round-robin into folders
  of 500; copies, not hard links, because privpix audits a file reached twice once) read by
  ``exiftool -json -r TREE`` and by ``privpix audit -r TREE --jsonl``
  (every photo's audit streamed, then the report). The commands run in turns within each repeat, and
  the ratio is the median of the per-repeat ratios, so a busy shared machine slows both alike.
- Memory: ``privpix audit -r TREE --jsonl`` over each of the ``--large`` counts of files, the peak
  memory (proportional set size) of the whole process tree (the main process and its workers,
  sampled every 50 ms), and the growth per file between the counts: a flat profile means the peak
  hardly grows with the number of photos. The tree copies only the corpus photos under 60 kB (six
  JPEG, MPO and WebP files, two with a GPS position, with names, serials and thumbnails) so that 100,000
  of them fit in ~3 GB of disk and are written in a minute or two; it grows from one count to the
  next. Copies, not hard links: a file reached twice is audited once. What the audit keeps per
  photo does not depend on the file's size, and a worker holds one file at a time.

``--privpix`` measures another checkout's command (repeatable, e.g. the main branch's and this
checkout's): each is paired with the same ExifTool runs and run over the same trees, for a
before/after in one run.

Target (issue 13): the CLI >= 20x faster than ``exiftool -json -r`` over the same tree.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, corpus_files, table  # noqa: E402

PRIVPIX = ROOT / ".venv" / "bin" / "privpix"
PER_FOLDER = 500


SMALL = 60_000


def make_tree(root: Path, count: int, *, small: bool = False, start: int = 0) -> int:
    """Copies ``start`` to ``count`` of the corpus photos (only those under SMALL bytes when
    ``small``) under ``root``, in folders of PER_FOLDER; returns the total bytes of the tree."""
    files = [f for f in corpus_files() if not small or f.stat().st_size < SMALL]
    total = sum(files[i % len(files)].stat().st_size for i in range(start))
    for i in range(start, count):
        source = files[i % len(files)]
        folder = root / f"{i // PER_FOLDER:04d}"
        if i % PER_FOLDER == 0 or i == start:
            folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / f"{i:06d}_{source.name}")
        total += source.stat().st_size
    return total


def _tree_pss(pid: int) -> int:
    """Proportional set size of ``pid`` and all its descendants (from /proc), in bytes. PSS, not RSS:
    pool workers are forked from the main process and share its pages, which RSS would count once
    per process."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total


def run(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak memory (PSS of the process tree) of ``command``, output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_pss(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--large", type=int, nargs="+", default=[2_000, 20_000, 100_000], help="file counts for the memory runs (0 skips them)"
    )
    parser.add_argument("--privpix", action="append", help="a privpix command to measure (repeatable; default: this checkout's)")
    args = parser.parse_args()
    privpixes = [command.split() for command in args.privpix or [str(PRIVPIX)]]
    work = Path(tempfile.mkdtemp(prefix="privpix-audit-bench-"))
    try:
        if args.files:
            speed(work / "tree", args.files, args.repeats, privpixes)
        if any(args.large):
            memory(work / "tree", sorted(n for n in args.large if n), privpixes)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _name(privpix: list[str], privpixes: list[list[str]]) -> str:
    return " ".join(privpix) if len(privpixes) > 1 else "privpix"


def speed(tree: Path, files: int, repeats: int, privpixes: list[list[str]]) -> None:
    size = make_tree(tree, files)
    commands = {"exiftool -json -r": ["exiftool", "-q", "-q", "-json", "-r", str(tree)]}
    for privpix in privpixes:
        name = _name(privpix, privpixes)
        commands[f"{name} audit -r --jsonl"] = [*privpix, "audit", "-r", str(tree), "--jsonl"]
        commands[f"{name} audit -r --jsonl -j 1"] = [*privpix, "audit", "-r", str(tree), "--jsonl", "-j", "1"]
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[int]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            seconds, peak = run(command)
            times[name].append(seconds)
            peaks[name].append(peak)
    rows = []
    for name in commands:
        ratios = [e / t for e, t in zip(times["exiftool -json -r"], times[name])]
        med = statistics.median(times[name])
        rows.append(
            [name, f"{med:.2f} s", f"{files / med:.0f}", f"{max(peaks[name]) / 1e6:.0f} MB", f"{statistics.median(ratios):.1f}x"]
        )
    print(f"{files} files ({size / 1e9:.2f} GB, the corpus copied), {repeats} paired runs; cores: {os.cpu_count()} (shared)")
    print(table(["command", "wall time (median)", "files/s", "peak memory (PSS, tree)", "vs exiftool (median ratio)"], rows))
    shutil.rmtree(tree)


def memory(tree: Path, counts: list[int], privpixes: list[list[str]]) -> None:
    """Each command over each count of files: the peak, and the growth per file between counts."""
    rows = []
    done = 0
    previous: dict[str, tuple[int, int]] = {}
    for count in counts:
        size = make_tree(tree, count, small=True, start=done)
        done = count
        for privpix in privpixes:
            name = _name(privpix, privpixes)
            seconds, peak = run([*privpix, "audit", "-r", str(tree), "--jsonl"])
            before = previous.get(name)
            slope = f"{(peak - before[1]) / (count - before[0]):.0f} B" if before else "-"
            previous[name] = (count, peak)
            rows.append(
                [
                    f"{name}, {count} files ({size / 1e9:.2f} GB)",
                    f"{seconds:.1f} s",
                    f"{count / seconds:.0f}",
                    f"{peak / 1e6:.1f} MB",
                    slope,
                ]
            )
    shutil.rmtree(tree)
    print()
    print(table(["audit -r --jsonl", "wall time", "files/s", "peak memory (PSS, process tree)", "growth per file"], rows))


if __name__ == "__main__":
    main()

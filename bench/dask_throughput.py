"""Batches on Dask vs the local process pool, on this machine (needs ``privpix[dask]``).

    .venv/bin/python bench/dask_throughput.py [--repeats 3] [--copies 27] [--workers 2]

Three ways to run the same batch with ``--workers`` processes:
- ``local pool``: ``privpix TOOL ... -j N`` (a process pool on this machine);
- ``dask (joins a running cluster)``: ``--scheduler ADDRESS`` of a LocalCluster started once
  beforehand (what a cluster user pays per batch);
- ``dask (starts its own cluster)``: ``--executor dask -j N`` (adds the cluster's start and stop).
Two tools: strip (milliseconds a file: scheduling overhead shows) on the corpus copied ``--copies``
times, and compress ``--max-dimension 1024`` (a decode and an encode a file) on the corpus once.
Outputs are checked to be identical to the local pool's. The commands alternate within each repeat.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, corpus_files, table  # noqa: E402

PRIVPIX = str(ROOT / ".venv" / "bin" / "privpix")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def timed_run(command: list[str], out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--copies", type=int, default=27)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from dask.distributed import LocalCluster

    work = Path(tempfile.mkdtemp(prefix="privpix-dask-bench-"))
    rows = []
    try:
        many = work / "many"
        many.mkdir()
        for k in range(args.copies):
            for f in corpus_files():
                shutil.copyfile(f, many / f"{k:03d}_{f.name}")
        once = work / "once"
        once.mkdir()
        for f in corpus_files():
            shutil.copyfile(f, once / f.name)
        batches = {
            f"strip, {args.copies * len(corpus_files())} files": ["strip", str(many)],
            f"compress --max-dimension 1024, {len(corpus_files())} files": ["compress", "--max-dimension", "1024", str(once)],
        }
        n = str(args.workers)
        with LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster:
            for label, tool in batches.items():
                outs = {"local pool": work / "o-local", "dask (joins a running cluster)": work / "o-join"}
                outs["dask (starts its own cluster)"] = work / "o-own"
                commands = {
                    "local pool": [PRIVPIX, *tool, "-j", n, "-o", str(outs["local pool"])],
                    "dask (joins a running cluster)": [
                        PRIVPIX,
                        *tool,
                        "--scheduler",
                        cluster.scheduler_address,
                        "-o",
                        str(outs["dask (joins a running cluster)"]),
                    ],
                    "dask (starts its own cluster)": [
                        PRIVPIX,
                        *tool,
                        "--executor",
                        "dask",
                        "-j",
                        n,
                        "-o",
                        str(outs["dask (starts its own cluster)"]),
                    ],
                }
                times: dict[str, list[float]] = {name: [] for name in commands}
                for _ in range(args.repeats):
                    for name, command in commands.items():
                        times[name].append(timed_run(command, outs[name]))
                reference = tree(outs["local pool"])
                files = len(reference)
                for name in commands:
                    same = "yes" if tree(outs[name]) == reference else "NO"
                    med = statistics.median(times[name])
                    rows.append([label, name, f"{med:.2f} s", f"{files / med:.1f}", same])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.workers} worker processes each; median of {args.repeats} runs; 2 cores (shared)")
    print(table(["batch", "executor", "wall time", "files/s", "outputs identical to the local pool"], rows))


if __name__ == "__main__":
    main()

"""Helpers shared by the benchmarks: the corpus, timing with repeats, and plain tables."""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.corpus import CORPUS  # noqa: E402  (one place knows where the corpus is)


def corpus_files(*, include_broken: bool = False) -> list[Path]:
    entries = json.loads((CORPUS / "manifest.json").read_text())
    return [CORPUS / e["file"] for e in entries if include_broken or not e["file"].startswith("broken_")]


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    """Wall-clock seconds of ``repeats`` runs (the machine is shared: report the median and spread)."""
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def summary(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:8.1f} ms  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def save_sheet(rows: list, path: Path) -> str:
    """Stack contact-sheet rows (PIL images of one width) 6 px apart, save them as ``path`` (PNG) and
    return the line that says so."""
    from PIL import Image

    sheet = Image.new("RGB", (rows[0].width, sum(r.height + 6 for r in rows)), "white")
    y = 0
    for r in rows:
        sheet.paste(r, (0, y))
        y += r.height + 6
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)
    return f"wrote {path} ({sheet.width}×{sheet.height})"


def ssimulacra2_score(args: tuple[str, bytes]) -> float:
    """SSIMULACRA2 of an encoded file (``args[1]``) against a reference PNG path (``args[0]``); one
    argument so that a process pool can map it, one thread per process so the pool owns the cores."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from ssimulacra2 import compute_ssimulacra2

    reference, data = args
    with tempfile.NamedTemporaryFile(suffix=".img") as f:
        f.write(data)
        f.flush()
        return float(compute_ssimulacra2(reference, f.name))

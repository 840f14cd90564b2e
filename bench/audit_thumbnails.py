"""The audit's optional thumbnail check: its cost per photo and its scores on the corpus.

    .venv/bin/python bench/audit_thumbnails.py [--repeats 3]

For each corpus photo with an EXIF thumbnail: the audit's time without the check (metadata only) and
with it (the main image decoded at a reduced scale, the thumbnail decoded, both compared), and the
difference score (tools/audit/thumbnail.py: above DIFFERS_ABOVE the thumbnail "differs"). The corpus
files are untouched camera files: every score should stay under the threshold.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import corpus_files, table  # noqa: E402

from privpix.tools.audit import audit_photo  # noqa: E402
from privpix.tools.audit.thumbnail import DIFFERS_ABOVE, thumbnail_difference  # noqa: E402


def median_ms(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = []
    fast_all, checked_all = [], []
    for path in corpus_files():
        data = path.read_bytes()
        score = thumbnail_difference(data)
        if score is None:
            continue
        fast = median_ms(lambda data=data, name=path.name: audit_photo(data, name), args.repeats)
        checked = median_ms(lambda data=data, name=path.name: audit_photo(data, name, thumbnails=True), args.repeats)
        fast_all.append(fast)
        checked_all.append(checked)
        rows.append([path.name, f"{len(data) / 1e6:.2f} MB", f"{fast:.1f}", f"{checked:.0f}", f"{score:.3f}"])
    rows.append(["median", "", f"{statistics.median(fast_all):.1f}", f"{statistics.median(checked_all):.0f}", ""])
    print(f"{args.repeats} runs each; threshold DIFFERS_ABOVE = {DIFFERS_ABOVE}")
    print(table(["photo", "size", "audit ms (metadata only)", "audit ms (with the check)", "difference"], rows))


if __name__ == "__main__":
    main()

"""Lossless strip in the browser: the TypeScript engine in a Web Worker in Debian's Chromium, timed
on bytes already in memory ("after the file is read").

    .venv/bin/python bench/browser_strip.py [--repeats 20]

Target (issue 2): a 12 MP JPEG in < 30 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _browser import build_pages, chromium, serve  # noqa: E402
from _common import CORPUS, table  # noqa: E402

FILES = [
    ("mei_Oppo_R7_Plus.jpg", "JPEG 13 MP (3120x4160)"),
    ("exifsamples_iphone6_hdr_NO.jpg", "JPEG 8 MP"),
    ("mei_Sony_DSC-T5.jpg", "JPEG 5 MP, trailer"),
    ("pillowheif_pug.heic", "HEIC 12 MP, depth + gain map"),
    ("mei_Issue_649_canon.avif", "AVIF 20 MP"),
    ("derived_parrot_16bit_gray.png", "PNG 16-bit 1.2 MP"),
    ("immich_denali.webp", "WebP"),
    ("pillow_ifd_tag_type_flir.tiff", "TIFF 16-bit"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    root = build_pages()
    paths = [CORPUS / name for name, _ in FILES]
    with serve(root, paths) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base + "strip.html")
        results = page.evaluate("([urls, n]) => window.benchStrip(urls, n)", [[f"files/{p.name}" for p in paths], args.repeats])
    rows = []
    for (name, what), r in zip(FILES, results):
        if r.get("error"):
            rows.append([name, what, f"{r['bytes'] / 1e6:.2f} MB", "error: " + r["error"][:60], "", ""])
            continue
        ms = sorted(r["ms"])
        rows.append([name, what, f"{r['bytes'] / 1e6:.2f} MB", f"{statistics.median(ms):.1f}", f"{ms[0]:.1f}", f"{ms[-1]:.1f}"])
    print(f"Chromium, engine in a Web Worker, {args.repeats} runs each (first run includes JIT warm-up)")
    print(table(["file", "what", "size", "median ms", "min ms", "max ms"], rows))


if __name__ == "__main__":
    main()

"""Animated encodes: the corpus's animated GIF and WebP through compress in both engines — frames,
time, bytes — and libwebp's method 4 against method 6 for the Python engine's animation encoder.

    .venv/bin/python bench/animation.py [--repeats 3]

The browser runs the TypeScript engine in a Web Worker in Debian's Chromium (web/bench/encode.html).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _browser import build_pages, chromium, serve  # noqa: E402
from _common import CORPUS, table, timed  # noqa: E402

import privpix  # noqa: E402
from privpix.imaging import animation  # noqa: E402

FILES = ["pillow_iss634.gif", "mei_Animation_Lossy.webp"]


def seconds(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s ({min(times):.2f}-{max(times):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for name in FILES:
        data = (CORPUS / name).read_bytes()
        results: list[privpix.EncodeResult] = []
        times = timed(lambda d=data, into=results: into.append(privpix.compress(d)), args.repeats)
        r = results[-1]
        rows.append([name, "Python", str(r.frames), seconds(times), f"{len(data):,}", f"{r.bytes_after:,}"])
    pages = build_pages()
    with serve(pages, [CORPUS / n for n in FILES]) as url, chromium() as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(url + "encode.html")
        for name in FILES:
            reply = page.evaluate(
                "(r) => window.benchEncode(r)",
                {"op": "tool", "url": f"files/{name}", "tool": "compress", "options": {}, "repeats": args.repeats},
            )
            if reply.get("error"):
                raise SystemExit(f"{name}: {reply['error']}")
            ms = [m / 1000 for m in reply["ms"]]
            report = reply["report"]
            size = (CORPUS / name).stat().st_size
            rows.append([name, "browser", str(report["frames"]), seconds(ms), f"{size:,}", f"{report['bytes_after']:,}"])
    print("compress (format keep: an animated WebP), default quality 75")
    print(table(["file", "engine", "frames", "time", "bytes before", "bytes after"], rows))

    method_rows = []
    for name in FILES:
        data = (CORPUS / name).read_bytes()
        movie = animation.read(data, name.rsplit(".", 1)[1])
        for method in (4, 6):
            out = io.BytesIO()

            def encode(m: int = method, o: io.BytesIO = out, a: animation.Animation = movie) -> None:
                o.seek(0)
                o.truncate()
                a.frames[0].save(o, "WEBP", save_all=True, append_images=a.frames[1:], duration=a.durations, quality=75, method=m)

            times = timed(encode, 1 if method == 6 else args.repeats)
            method_rows.append([name, str(method), seconds(times), f"{len(out.getvalue()):,}"])
    print(f"\nlibwebp's animation encoder (Pillow) at quality 75: method 4 (used, WEBP_METHOD = {animation.WEBP_METHOD}) or 6")
    print(table(["file", "method", "encode time", "bytes"], method_rows))


if __name__ == "__main__":
    main()

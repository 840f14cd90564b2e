"""What a quality number gives in each engine: SSIMULACRA2 per quality, the quality floor a target
size search may go down to, and the map that makes the browser's encoders give the CLI's score.

    .venv/bin/python bench/quality_calibration.py [--photos 6] [--side 640] [--formats jpeg,webp,avif]

Photos: centre crops (``--side`` × 3/4 of it) of camera and phone photos from the corpus, each
re-encoded by both engines' encoders at qualities 5-100 — Python's (jpegli + MozJPEG's lossless
optimisation, libwebp method 6, libavif speed 6; ``privpix.imaging.encode``) and the browser's
(MozJPEG in two bands joined progressive, libwebp method 4, libavif speed 9; web/bench in Chromium)
— and scored with SSIMULACRA2 against the crop.

Tables:
1. Mean SSIMULACRA2 (and the lowest over the photos) per format, quality and engine.
2. The quality floor: per format, the lowest quality whose SSIMULACRA2 stays at or above
   ``FLOOR_SCORE`` on every photo with the CLI's encoders — ``options.QUALITY_FLOOR``.
3. The calibration map: per format and CLI quality q, the browser encoder quality whose mean score
   equals the CLI's mean score at q (interpolated linearly, rounded) — ``options.BROWSER_QUALITY``.
   ``--write`` prints it as the Python literal to paste.
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _browser import build_pages, chromium, serve  # noqa: E402
from _common import CORPUS, ssimulacra2_score, table  # noqa: E402

from privpix.imaging import decode, encode  # noqa: E402

PHOTOS = [
    "mei_Sony_DSC-T5.jpg",
    "exifsamples_iphone6_hdr_NO.jpg",
    "mei_Nikon_D60.jpg",
    "mei_Oppo_R7_Plus.jpg",
    "pillowheif_pug.heic",
    "mei_Sony_DSC-H9.jpg",
    "exifsamples_canon_hdr_NO.jpg",
    "mei_Nokia_Lumia_800.jpg",
]
QUALITIES = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100]
FLOOR_SCORE = 50.0
BROWSER_CODEC = {"jpeg": ("engine-jpeg", {}), "webp": ("webp", {}), "avif": ("avif", {"speed": 9, "subsample": 1})}


def crop(name: str, side: int) -> Image.Image:
    im = decode.decode((CORPUS / name).read_bytes()).image.convert("RGB")
    w, h = side, side * 3 // 4
    left, top = (im.width - w) // 2, (im.height - h) // 2
    return im.crop((left, top, left + w, top + h))


def interpolate_quality(target: float, qualities: list[int], scores: list[float]) -> int:
    """The quality at which a (monotone) score curve reaches ``target``, interpolated linearly."""
    s = np.maximum.accumulate(np.asarray(scores))
    if target <= s[0]:
        return qualities[0]
    if target >= s[-1]:
        return qualities[-1]
    return int(round(float(np.interp(target, s, qualities))))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--side", type=int, default=640)
    parser.add_argument("--formats", default="jpeg,webp,avif")
    parser.add_argument("--write", action="store_true", help="print the map as a Python literal")
    args = parser.parse_args()
    formats = args.formats.split(",")
    work = Path(tempfile.mkdtemp())
    crops = []
    for name in PHOTOS[: args.photos]:
        path = work / f"{Path(name).stem}.png"
        crop(name, args.side).save(path)
        crops.append(path)

    outputs: dict[tuple[str, str, str, int], bytes] = {}  # (engine, format, photo, quality) -> bytes
    for path in crops:
        with Image.open(path) as im:
            im.load()
            for fmt in formats:
                for q in QUALITIES:
                    outputs["cli", fmt, path.name, q] = encode.encode(im, fmt, q)
    pages = build_pages()
    with serve(pages, crops) as url, chromium() as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(url + "encode.html")
        for path in crops:
            for fmt in formats:
                codec, extra = BROWSER_CODEC[fmt]
                for q in QUALITIES:
                    reply = page.evaluate(
                        "(r) => window.benchEncode(r)",
                        {
                            "op": "encode",
                            "url": f"files/{path.name}",
                            "codec": codec,
                            "options": {**extra, "quality": q},
                            "repeats": 1,
                        },
                    )
                    if reply.get("error"):
                        raise SystemExit(f"browser {fmt} q{q}: {reply['error']}")
                    outputs["browser", fmt, path.name, q] = base64.b64decode(reply["data"])

    keys = list(outputs)
    with ProcessPoolExecutor(2) as pool:
        scored = dict(zip(keys, pool.map(ssimulacra2_score, [(str(work / k[2]), outputs[k]) for k in keys])))

    def curve(engine: str, fmt: str, reduce: str = "mean") -> list[float]:
        op = np.mean if reduce == "mean" else np.min
        return [float(op([scored[engine, fmt, p.name, q] for p in crops])) for q in QUALITIES]

    def kbytes(engine: str, fmt: str, q: int) -> float:
        return float(np.mean([len(outputs[engine, fmt, p.name, q]) for p in crops])) / 1000

    print(f"{len(crops)} photos, centre crops {args.side}×{args.side * 3 // 4}: {', '.join(PHOTOS[: args.photos])}")
    for fmt in formats:
        cli_mean, cli_min, br_mean, br_min = (
            curve("cli", fmt),
            curve("cli", fmt, "min"),
            curve("browser", fmt),
            curve("browser", fmt, "min"),
        )
        rows = [
            [
                str(q),
                f"{cli_mean[i]:.1f} ({cli_min[i]:.1f})",
                f"{kbytes('cli', fmt, q):.1f}",
                f"{br_mean[i]:.1f} ({br_min[i]:.1f})",
                f"{kbytes('browser', fmt, q):.1f}",
            ]
            for i, q in enumerate(QUALITIES)
        ]
        print(f"\n{fmt.upper()}: SSIMULACRA2 mean (lowest photo) and mean kB per quality")
        print(table(["quality", "CLI score", "CLI kB", "browser score", "browser kB"], rows))

    print(f"\nQuality floor: the lowest quality whose SSIMULACRA2 is >= {FLOOR_SCORE} on every photo (CLI encoders)")
    floor_rows = []
    for fmt in formats:
        cli_min, br_min = curve("cli", fmt, "min"), curve("browser", fmt, "min")
        cli_floor = next((q for q, s in zip(QUALITIES, cli_min) if s >= FLOOR_SCORE), None)
        br_floor = next((q for q, s in zip(QUALITIES, br_min) if s >= FLOOR_SCORE), None)
        floor_rows.append([fmt.upper(), str(cli_floor), str(br_floor)])
    print(table(["format", "CLI floor", "browser floor (its own scale)"], floor_rows))

    print("\nCalibration: the browser encoder quality that gives the CLI's mean SSIMULACRA2 at each CLI quality")
    maps: dict[str, list[int]] = {}
    for fmt in formats:
        cli_mean, br_mean = curve("cli", fmt), curve("browser", fmt)
        maps[fmt] = [interpolate_quality(float(np.interp(q, QUALITIES, cli_mean)), QUALITIES, br_mean) for q in range(1, 101)]
    rows = [[str(q), *(str(maps[f][q - 1]) for f in formats)] for q in QUALITIES]
    print(table(["CLI quality", *(f"browser {f.upper()}" for f in formats)], rows))
    if args.write:
        print("\nBROWSER_QUALITY = {")
        for fmt in formats:
            print(f'    "{fmt}": {tuple(maps[fmt])},')
        print("}")


if __name__ == "__main__":
    main()

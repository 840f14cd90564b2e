"""Erase objects, native (Python, numpy engine): fill quality on synthetic holes against OpenCV's
Telea and xphoto FSR_FAST, the speed of the 12 MP case, and a contact sheet of real erasures.

    .venv/bin/python bench/erase_native.py [--sections quality,speed,contact] [--scale work|full|both|PX]
                                           [--split held|tune|both] [--holes squares|kinds] [--repeats 3]
                                           [--methods privpix,fsr_fast] [--variant '{"vote_sim": 400}']

- quality: synthetic holes (``tests/erase_holes.py``) in the held-out photos (the split is fixed
  there and in docs/erase.md: never tune on ``held``): ``squares`` (default) = the issue-14 protocol,
  3 square holes a photo of 8-15 % of the short side; ``kinds`` = the research's square, blob and
  stroke of 10 %. PSNR, SSIM and GRAD over the hole pixels, the median time per case, and privpix as
  it was before issue 14 ("privpix before"); ``--split both`` prints both splits in one table,
  ``--variant`` adds the engine with some parameters changed ("privpix variant": how a candidate is
  judged, on ``tune`` first). ``work`` = photos downscaled to a long side of 1024;
  ``full`` = the full-resolution photos of at least 6 MP (holes of 190-365 px; FSR_FAST needs
  ~10 s a case there). Every method gets the same crop and the exact hole (privpix: grow 0,
  feather 0), and pixels outside the hole are pasted back from the input.
- speed: ``privpix.tools.erase.fill.fill_mask`` on the research's 12 MP case (pillowheif_pug.heic,
  4032×3024, a 302×302 square hole: crop 1222², 5 levels) with the product's automatic grow and
  feather, wall and CPU time; and the whole tool (decode HEIC, fill, encode JPEG q90).
- contact: ``bench/out/erase_contact.png``: real objects erased from full-resolution photos with
  hand-drawn masks (the research's contact.py) and partly painted objects (the egret, a cloud),
  columns input with the mask outline | privpix before issue 14 | privpix (both with the product's
  automatic grow and feather) | Telea | FSR_FAST (both given the grown mask).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, save_sheet, table  # noqa: E402

from privpix.options import EraseOptions  # noqa: E402
from privpix.tools.erase.fill import fill_mask  # noqa: E402
from privpix.tools.erase.masks import chamfer  # noqa: E402
from tests import erase_holes as holes  # noqa: E402
from tests.erase_cases import EGRET, ROCKET  # noqa: E402

OUT = ROOT / "bench" / "out"
FULL_MIN_PIXELS = 6_000_000


# ---- quality --------------------------------------------------------------------------------------------


PROTOCOLS = {"squares": holes.SQUARES, "kinds": holes.KINDS}


def quality(splits: list[str], scale: str, protocol: str, methods: dict[str, holes.Fill]) -> None:
    """One table over the splits: a row per split and method, then the per-hole wins against privpix."""
    kinds = PROTOCOLS[protocol]
    what = "3 squares of 8-15 % of the short side per photo" if protocol == "squares" else "square, blob, stroke of 10 %"
    rows = []
    wins = []
    for split in splits:
        if scale == "work":
            cs = holes.cases(split, 1024, kinds=kinds)
        else:
            full = scale == "full"
            cs = holes.cases(split, None if full else int(scale), kinds=kinds, min_pixels=FULL_MIN_PIXELS if full else 0)
        photos = len({c.photo for c in cs})
        print(f"\n## Quality: {split} split, {scale} scale, {what}: {len(cs)} holes ({photos} photos)", flush=True)
        holes.privpix_fill(cs[0].img[:64, :64].copy(), np.pad(np.ones((8, 8), bool), 28))  # warm-up
        scored: dict[str, list[holes.Scored]] = {}
        for name, fn in methods.items():
            scored[name] = [holes.run_case(fn, c)[0] for c in cs]
            print(f"  {split}: {name}: done", file=sys.stderr, flush=True)
        for name, rs in scored.items():
            by_kind = " / ".join(f"{statistics.mean(r.psnr for r in rs if r.kind == k):.2f}" for k in kinds)
            rows.append(
                [
                    split,
                    name,
                    f"{statistics.mean(r.psnr for r in rs):.2f}",
                    f"{statistics.mean(r.ssim for r in rs):.3f}",
                    f"{statistics.median(r.grad for r in rs):.2f}",
                    f"{statistics.median(r.seconds for r in rs) * 1000:.0f}",
                    by_kind,
                ]
            )
        ours = scored["privpix"]
        for name in scored:
            if name != "privpix":
                w_p = sum(a.psnr > b.psnr for a, b in zip(ours, scored[name]))
                w_s = sum(a.ssim > b.ssim for a, b in zip(ours, scored[name]))
                wins.append(f"{split}: privpix beats {name}: PSNR in {w_p}/{len(cs)} holes, SSIM in {w_s}/{len(cs)}")
    print()
    headers = ["split", "method", "PSNR dB", "SSIM", "GRAD (median)", "median ms/case", "PSNR by hole kind: " + " / ".join(kinds)]
    print(table(headers, rows))
    print("\n" + "\n".join(wins))


# ---- speed ----------------------------------------------------------------------------------------------


def twelve_mp_case() -> tuple[np.ndarray, np.ndarray]:
    img = holes.load("pillowheif_pug.heic")  # 4032×3024, upright
    h, w = img.shape[:2]
    s = round(0.10 * min(h, w))
    mask = np.zeros((h, w), bool)
    y, x = h // 2 - s // 2 + 300, w // 2 - s // 2 - 700
    mask[y : y + s, x : x + s] = True
    return img, mask


def speed(repeats: int) -> None:
    from privpix.tools.erase import erase

    img, mask = twelve_mp_case()
    options = EraseOptions()
    side = int(max(np.ptp(np.nonzero(mask)[0]), np.ptp(np.nonzero(mask)[1]))) + 1
    grow, feather = options.grow_for(side), options.feather_for(img.shape[1], img.shape[0])
    print(f"\n## Speed: 12 MP ({img.shape[1]}×{img.shape[0]}), {side}×{side} hole, grow {grow}, feather {feather}\n")
    fill_mask(img, mask, grow=0, feather=0, seed=0)  # warm-up
    rows = []
    for label, g, f in (("exact hole (research bench)", 0, 0), ("product: automatic grow + feather", grow, feather)):
        walls, cpus = [], []
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            result = fill_mask(img, mask, grow=g, feather=f, seed=0)
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        levels = ", ".join(f"{w}×{h}" for _, h, w, _ in result.levels)
        rows.append([label, f"{statistics.median(walls):.2f} (min {min(walls):.2f})", f"{statistics.median(cpus):.2f}", levels])
    print(table(["fill (numpy engine)", "wall s", "CPU s", "levels, coarse to fine"], rows))
    data = (holes.photo_path("pillowheif_pug.heic")).read_bytes()
    ys, xs = np.nonzero(mask)
    box = (int(xs.min()), int(ys.min()), side, side)
    result = erase(data, boxes=[box])
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in result.seconds.items())
    print(f"\nwhole tool (HEIC in, JPEG q{result.quality} out, {result.bytes_after / 1e6:.2f} MB): {stages}")


# ---- contact sheet --------------------------------------------------------------------------------------


def ellipse(cx: int, cy: int, rx: int, ry: int) -> tuple:
    t = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    return ("poly", [(int(cx + rx * np.cos(a)), int(cy + ry * np.sin(a))) for a in t])


EGRET_PARTIAL = (
    "poly",
    [
        (1065, 450),
        (1145, 410),
        (1325, 370),
        (1355, 460),
        (1380, 470),
        (1380, 690),
        (1265, 690),
        (1145, 674),
        (1000, 700),
        (1000, 600),
        (1145, 594),
        (1165, 510),
    ],
)
CLOUD_PARTIAL = ellipse(2550, 1000, 330, 150)  # the cloud's upper left two thirds
CLOUD = (
    "poly",
    [
        (2200, 1000),
        (2330, 850),
        (2560, 790),
        (2800, 800),
        (3000, 830),
        (3119, 860),
        (3119, 1130),
        (2800, 1160),
        (2600, 1210),
        (2350, 1120),
    ],
)

ERASE = [  # (photo, what, shapes in full-resolution upright pixels) - the research's contact.py, and partial masks
    ("mei_Sony_DSC-H9.jpg", "egret in front of posts", [EGRET]),
    ("mei_Sony_DSC-T5.jpg", "date imprint", [("box", 1870, 1700, 2365, 1800)]),
    (
        "mei_Sony_DSC-T5.jpg",
        "deer on lawn",
        [
            (
                "poly",
                [
                    (760, 1215),
                    (830, 1165),
                    (950, 1170),
                    (1010, 1110),
                    (1070, 1130),
                    (1078, 1190),
                    (1020, 1205),
                    (992, 1262),
                    (1003, 1345),
                    (972, 1350),
                    (948, 1265),
                    (900, 1258),
                    (872, 1302),
                    (836, 1350),
                    (806, 1338),
                    (845, 1280),
                    (828, 1242),
                    (776, 1238),
                ],
            )
        ],
    ),
    ("mei_Nikon_D60.jpg", "coin on wooden tray", [("circle", 1320, 1050, 215)]),
    (
        "mei_IMG_1034.heic",
        "waste bin at the image border",
        [("poly", [(0, 1850), (368, 1850), (378, 1960), (356, 2250), (336, 2550), (170, 2610), (0, 2600)])],
    ),
    ("exifsamples_DSCN0010.jpg", "house among trees (640x480)", [("box", 150, 195, 292, 292)]),
    ("skimage_rocket.jpg", "rocket against the sky (640x427)", [ROCKET]),
    # painted partly, as a person does in a hurry: what is left of the object borders the hole
    ("mei_Sony_DSC-H9.jpg", "egret, painted partly (head, legs left)", [EGRET_PARTIAL]),
    ("mei_Oppo_R7_Plus.jpg", "cloud, painted partly", [CLOUD_PARTIAL]),
    ("mei_Oppo_R7_Plus.jpg", "cloud, painted whole", [CLOUD]),
]


def draw_mask(shape: tuple[int, int], shapes: list) -> np.ndarray:
    import cv2

    m = np.zeros(shape, np.uint8)
    for s in shapes:
        if s[0] == "poly":
            cv2.fillPoly(m, [np.array(s[1], np.int32)], 1)
        elif s[0] == "box":
            m[s[2] : s[4], s[1] : s[3]] = 1
        else:
            cv2.circle(m, (s[1], s[2]), s[3], 1, -1)
    return m.astype(bool)


def contact(path: Path) -> None:
    import cv2
    from PIL import Image, ImageDraw, ImageFont

    print(f"\n## Contact sheet: {path}\n")
    tile_w = 330
    font = ImageFont.load_default()
    rows, notes = [], []
    for name, what, shapes in ERASE:
        img = holes.load(name)
        m = draw_mask(img.shape[:2], shapes)
        ys, xs = np.nonzero(m)
        options = EraseOptions()
        grow = options.grow_for(int(max(np.ptp(ys), np.ptp(xs))) + 1)
        feather = options.feather_for(img.shape[1], img.shape[0])
        before = img.copy()
        fill_mask(img, m, grow=grow, feather=feather, seed=0, p=holes.before_params()).apply(before)
        t0 = time.perf_counter()
        ours = img.copy()
        fill_mask(img, m, grow=grow, feather=feather, seed=0).apply(ours)
        t_ours = time.perf_counter() - t0
        core = chamfer(m) <= 3 * grow  # the same grown mask for the baselines
        y0, y1, x0, x1 = holes.crop_box(core, 1.0)
        crop, cm = img[y0:y1, x0:x1].copy(), core[y0:y1, x0:x1]
        cols = []
        inp = img.copy()
        width = max(1, img.shape[1] // 700)
        edge = core & ~cv2.erode(core.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=width).astype(bool)
        inp[edge] = (255, 0, 255)
        cols.append(("input + grown mask", inp))
        cols.append(("privpix before", before))
        cols.append((f"privpix (grow {grow}, feather {feather})", ours))
        times = {}
        for key, label, fn in (("telea", "Telea", holes.telea), ("fsr_fast", "FSR_FAST", holes.fsr_fast)):
            given = crop.copy()
            given[cm] = 0
            t0 = time.perf_counter()
            filled = fn(given, cm)
            times[key] = time.perf_counter() - t0
            full = img.copy()
            full[y0:y1, x0:x1][cm] = filled[cm]
            cols.append((label, full))
        vy0, vy1, vx0, vx1 = holes.crop_box(core, 0.6)
        th = min(420, int(tile_w * (vy1 - vy0) / (vx1 - vx0)))
        row = Image.new("RGB", (len(cols) * (tile_w + 4), th + 18), "white")
        draw = ImageDraw.Draw(row)
        for i, (label, full) in enumerate(cols):
            view = Image.fromarray(np.ascontiguousarray(full[vy0:vy1, vx0:vx1])).resize((tile_w, th), Image.Resampling.LANCZOS)
            row.paste(view, (i * (tile_w + 4), 18))
            draw.text((i * (tile_w + 4) + 3, 3), (f"{what}: " if i == 0 else "") + label, fill="black", font=font)
        rows.append(row)
        size = f"{img.shape[1]}×{img.shape[0]}"
        notes.append([what, size, str(int(core.sum())), f"{t_ours:.2f}", f"{times['telea']:.2f}", f"{times['fsr_fast']:.2f}"])
        print(f"  {what}: done", file=sys.stderr, flush=True)
    wrote = save_sheet(rows, path)
    print(table(["erasure", "photo", "grown mask px", "privpix s", "Telea s", "FSR_FAST s"], notes))
    print(f"\n{wrote}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sections", default="quality,speed,contact")
    ap.add_argument(
        "--scale", default="work", help="work (long side 1024), full (photos >= 6 MP as they are), both, or a long side in px"
    )
    ap.add_argument(
        "--holes", default="squares", choices=list(PROTOCOLS), help="squares: the issue-14 protocol; kinds: the research's"
    )
    ap.add_argument("--split", default="held", choices=["held", "tune", "both"])
    ap.add_argument("--methods", default=",".join(holes.METHODS), help="comma-separated, of: " + ", ".join(holes.METHODS))
    ap.add_argument(
        "--variant", type=json.loads, help="also fill with these parameters changed, a JSON object (rows 'privpix variant')"
    )
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    sections = a.sections.split(",")
    if "quality" in sections:
        for scale in ("work", "full") if a.scale == "both" else (a.scale,):
            methods = {m: holes.METHODS[m] for m in a.methods.split(",")}
            methods.setdefault("privpix", holes.privpix_fill)  # the rows' reference
            if a.variant is not None:
                methods["privpix variant"] = holes.privpix_with(**a.variant)
            quality(["tune", "held"] if a.split == "both" else [a.split], scale, a.holes, methods)
    if "speed" in sections:
        speed(a.repeats)
    if "contact" in sections:
        contact(OUT / "erase_contact.png")


if __name__ == "__main__":
    main()

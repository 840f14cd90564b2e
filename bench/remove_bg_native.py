"""Remove background, native (Python + onnxruntime): speed per stage and quality, privpix's pipeline
against the plain one on the same model, both models.

    .venv/bin/python bench/remove_bg_native.py [--repeats 3] [--models fast,quality] [--sections speed,quality,colour,contact]

- speed: two 12-13 MP photos end to end through ``privpix.remove_bg`` (decode, model input,
  inference, guided filter, alpha, foreground, full-resolution pass, PNG encode), median per stage;
  and the plain pipeline's inference at 1024² for comparison. The photos: mei_IMG_1034.heic
  (4032×3024) re-encoded as JPEG q92 (so HEIC decoding is not what is measured, as in
  remove_bg_browser.py) and mei_Oppo_R7_Plus.jpg (3120×4160) as it came.
- quality: IoU (alpha > 0.5), mean absolute alpha error and the same error inside the boundary
  band (bMAE) on the dev set (corpus/matting) and the held-out composites (``_bg_evalset.py``), for
  - plain: @imgly/background-removal 1.4.5 exactly (stretch to 1024² with its resize: no half-pixel
    offset, no antialias, Math.round; output·255 truncated to 8 bits; the same resize back up);
  - before: privpix before issue 14 (long side 640 only);
  - privpix: long side 640, padded to multiples of 64, a second look at 1024 when the model is unsure
    (docs/remove-bg.md), RGB guided filter, curve (the shipped code).
  The held-out split is also reported for the subjects never seen in dev ("unseen": car, rose).
- colour: held-out edge error after compositing over pure green (0-255, pixels where the true or
  the used alpha is strictly between 0.02 and 0.98): the pixel's own colour vs privpix's
  decontaminated colour, with the true alpha and with the predicted one.

- contact: ``bench/out/remove_bg_contact.png``: real photos (several with a subject in parts: a cairn,
  a person holding a helmet, a lamp of five lanterns), the cut-out before and now over a checkerboard,
  with what the tool reports ("Done" or "may be incomplete", the confidence, the second look).

The browser's columns are in remove_bg_browser.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bg_evalset import Item, load  # noqa: E402
from _common import CORPUS, ROOT, save_sheet, table  # noqa: E402

from privpix.models import MODELS, store  # noqa: E402
from privpix.models.runtime import session  # noqa: E402
from privpix.options import RemoveBgOptions  # noqa: E402
from privpix.tools.remove_bg import foreground, pipeline, refine, remove_bg  # noqa: E402
from privpix.tools.remove_bg.geometry import GUIDE_MAX, MODEL_SIDE, SECOND_SIDE, guide_size  # noqa: E402
from privpix.tools.remove_bg.resample import Axis, bilinear, triangle  # noqa: E402

PLAIN_SIDE = 1024


def model_session(name: str):  # noqa: ANN201
    path = store.find(MODELS[name])
    if path is None:
        sys.exit(f"the {name} model is missing: run scripts/setup or `privpix models fetch {name}`")
    return session(MODELS[name], path)


# ---- the plain pipeline (imgly 1.4.5) ------------------------------------------------------------------


def imgly_resize(a: np.ndarray, new_w: int, new_h: int) -> np.ndarray:
    """@imgly/background-removal 1.4.5 tensorResizeBilinear: src = dst·scale (no half-pixel offset,
    no antialias), 4-tap bilinear, Math.round into a Uint8Array."""
    H, W = a.shape[:2]
    X, Y = np.arange(new_w) * (W / new_w), np.arange(new_h) * (H / new_h)
    x1, y1 = np.floor(X).astype(int), np.floor(Y).astype(int)
    x2, y2 = np.minimum(np.ceil(X).astype(int), W - 1), np.minimum(np.ceil(Y).astype(int), H - 1)
    dx, dy = (X - x1)[None, :, None], (Y - y1)[:, None, None]
    a = a.astype(np.float64)
    if a.ndim == 2:
        a = a[..., None]
    v = (1 - dx) * (1 - dy) * a[y1][:, x1] + dx * (1 - dy) * a[y1][:, x2] + (1 - dx) * dy * a[y2][:, x1] + dx * dy * a[y2][:, x2]
    return np.floor(v + 0.5).clip(0, 255).astype(np.uint8)


def plain_alpha(rgb: np.ndarray, infer) -> np.ndarray:  # noqa: ANN001
    x = ((imgly_resize(rgb, PLAIN_SIDE, PLAIN_SIDE).astype(np.float32) - 128) / 256).transpose(2, 0, 1)[None].copy()
    m = infer(x)
    u8 = np.floor(np.clip(m, 0, 1) * 255).astype(np.uint8)
    return imgly_resize(u8, rgb.shape[1], rgb.shape[0])[..., 0].astype(np.float32) / 255


def privpix_alpha(rgb: np.ndarray, infer, spec, second_side: int = SECOND_SIDE) -> np.ndarray:  # noqa: ANN001
    """privpix's alpha; ``second_side=0``: without the second look (the pipeline before issue 14)."""
    guide, m, _ = pipeline.model_mask(rgb, infer, spec.input, pipeline.Timings(), second_side)
    return pipeline.run(rgb, infer, spec.input, output="mask", low_res=m, guide=guide).astype(np.float32) / 255


# ---- metrics -------------------------------------------------------------------------------------------


def metrics(alpha: np.ndarray, gt: np.ndarray) -> tuple[float, float, float]:
    pb, gb = alpha > 0.5, gt > 0.5
    union = (pb | gb).sum()
    iou = float((pb & gb).sum() / union) if union else 1.0
    mae = float(np.abs(alpha - gt).mean())
    r = max(1, int(round(0.015 * max(gt.shape))))
    window = refine.box(gb.astype(np.float32), r)
    band = ((window > 0) != (window > 1 - 1e-6)) | ((gt > 0) & (gt < 1))
    return iou, mae, float(np.abs(alpha - gt)[band].mean())


def quality(items: list[Item], models: list[str]) -> dict[tuple[str, str], dict[str, list[tuple[float, float, float]]]]:
    results: dict[tuple[str, str], dict[str, list[tuple[float, float, float]]]] = {}
    for name in models:
        infer, spec = model_session(name), MODELS[name]
        for item in items:
            alphas = (
                ("plain", plain_alpha(item.image, infer)),
                ("before", privpix_alpha(item.image, infer, spec, 0)),
                ("privpix", privpix_alpha(item.image, infer, spec)),
            )
            for method, alpha in alphas:
                split = item.split if item.split == "dev" or item.seen_subject else "unseen"
                for key in {item.split, split}:
                    results.setdefault((name, method), {}).setdefault(key, []).append(metrics(alpha, item.alpha))
            print(f"  {name:8s} {item.split:8s} {item.name}", file=sys.stderr, flush=True)
    return results


def quality_table(results: dict[tuple[str, str], dict[str, list[tuple[float, float, float]]]]) -> str:
    rows = []
    labels = {
        "plain": "plain (imgly 1.4.5: stretch 1024², bilinear up)",
        "before": "privpix before issue 14 (640 only)",
        "privpix": "privpix (640, second look at 1024 when unsure)",
    }
    for (model, method), by_split in results.items():
        row = [model, labels[method]]
        for split in ("dev", "heldout", "unseen"):
            m = np.array(by_split[split]).mean(0)
            row += [f"{m[0]:.3f}", f"{m[1]:.4f}", f"{m[2]:.3f}"]
        rows.append(row)
    headers = ["model", "pipeline", "dev IoU", "MAE", "bMAE", "held-out IoU", "MAE", "bMAE", "unseen subjects IoU", "MAE", "bMAE"]
    return table(headers, rows)


# ---- colour --------------------------------------------------------------------------------------------


def cutout_colour(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """privpix's decontaminated colour (float in [0, 1]) for a given full-resolution alpha."""
    H, W = alpha.shape
    gh, gw = guide_size(H, W)
    guide = triangle(rgb, gw, gh)
    a_g = bilinear(alpha, gw, gh)
    Fb, Bb = foreground.estimates(guide, a_g)
    a8 = refine.alpha8(alpha)
    return foreground.correct(rgb, alpha, a8, Fb, Bb, Axis.make(H, gh), Axis.make(W, gw)).astype(np.float32) / 255


def colour_table(items: list[Item]) -> str:
    infer, spec = model_session("fast"), MODELS["fast"]
    green = np.array([0.0, 1.0, 0.0], np.float32)
    errors: dict[tuple[str, str], list[float]] = {}
    for item in items:
        if item.fg is None:
            continue
        I = item.image.astype(np.float32) / 255  # noqa: E741
        gt = item.alpha
        truth = gt[..., None] * (item.fg.astype(np.float32) / 255) + (1 - gt[..., None]) * green
        predicted = privpix_alpha(item.image, infer, spec)
        for which, a in (("true alpha", gt), ("predicted alpha (fast)", predicted)):
            band = ((a > 0.02) & (a < 0.98)) | ((gt > 0.02) & (gt < 0.98))
            for method, F in (("pixel colour (no decontamination)", I), ("privpix blur-fusion", cutout_colour(item.image, a))):
                comp = a[..., None] * F + (1 - a[..., None]) * green
                errors.setdefault((which, method), []).append(float(np.abs(comp - truth)[band].mean() * 255))
    rows = [[which, method, f"{statistics.mean(v):.2f}"] for (which, method), v in errors.items()]
    return table(["alpha", "colour", "edge error over green (0-255, held-out mean)"], rows)


# ---- speed ---------------------------------------------------------------------------------------------


def photos(work: Path) -> list[Path]:
    import pillow_heif
    from PIL import ImageOps

    pillow_heif.register_heif_opener()
    iphone = work / "iphone_12mp.jpg"
    with Image.open(CORPUS / "mei_IMG_1034.heic") as im:
        ImageOps.exif_transpose(im).convert("RGB").save(iphone, quality=92)
    return [iphone, CORPUS / "mei_Oppo_R7_Plus.jpg"]


STAGES = ["decode", "guide", "model input", "inference", "guided filter", "alpha", "foreground", "full resolution", "encode"]


def speed_table(models: list[str], repeats: int) -> str:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for photo in photos(Path(tmp)):
            data = photo.read_bytes()
            for name in models:
                path = store.find(MODELS[name])
                model_session(name)  # loaded (and its file checked) outside the timings
                runs = [remove_bg(data, RemoveBgOptions(model=name), model_path=path).seconds for _ in range(repeats)]
                med = {s: statistics.median(r.get(s, 0.0) for r in runs) for s in STAGES}
                total = statistics.median(sum(r.get(s, 0.0) for s in STAGES) for r in runs)
                with Image.open(photo) as im:
                    size = f"{im.width}×{im.height}"
                stages = [f"{med[s]:.2f}" for s in STAGES]
                rows.append([photo.name, size, name, *stages, f"{total:.2f}", f"{total - med['encode']:.2f}"])
                print(f"  speed {photo.name} {name}", file=sys.stderr, flush=True)
            # the plain pipeline's inference (1024²) on the same photo, for comparison
            rgb = np.asarray(Image.open(photo).convert("RGB"))
            x = ((imgly_resize(rgb, PLAIN_SIDE, PLAIN_SIDE).astype(np.float32) - 128) / 256).transpose(2, 0, 1)[None].copy()
            for name in models:
                infer = model_session(name)
                times = []
                for _ in range(repeats):
                    t = time.perf_counter()
                    infer(x)
                    times.append(time.perf_counter() - t)
                plain = f"{statistics.median(times):.2f}"
                rows.append([photo.name, "", f"{name}: plain inference at 1024²", "", "", "", plain] + [""] * 7)
    headers = ["photo", "size", "model", *STAGES, "total", "to result (no encode)"]
    return table(headers, rows)


# ---- contact sheet -------------------------------------------------------------------------------------

CONTACT = [  # real photos, judged by eye (no ground truth): several have a subject in parts
    ("mei_Oppo_R7_Plus.jpg", "stone cairn (~8 stones)"),
    ("skimage_astronaut.png", "person holding a helmet"),
    ("exifsamples_canon_hdr_NO.jpg", "street lamp, five lanterns"),
    ("mei_Nikon_D60.jpg", "two coins on a tray"),
    ("mei_IMG_1034.heic", "office chair and desk"),
    ("pillowheif_pug.heic", "pug on a sofa"),
    ("skimage_rocket.jpg", "rocket between towers"),
    ("mei_Samsung_GT-I9000.jpg", "man at a train window"),
    ("mei_Issue_649_canon.avif", "cat"),
    ("mei_HTC_Desire.webp", "car in a car park"),
]


def contact(path: Path) -> None:
    """Before / after cut-outs over a grey checkerboard, with the signal the tool reports."""
    from PIL import ImageDraw, ImageFont

    from privpix.tools.remove_bg import confidence
    from tests.erase_holes import load as load_photo

    infer, spec = model_session("fast"), MODELS["fast"]
    tile = 300
    font = ImageFont.load_default()
    rows, notes = [], []
    for name, what in CONTACT:
        rgb = load_photo(name, 1600)  # the model sees 640 (and 1024) px either way
        cols = [("photo", rgb)]
        for label, side in (("before (640 only)", 0), ("now", SECOND_SIDE)):
            guide, m, subject = pipeline.model_mask(rgb, infer, spec.input, pipeline.Timings(), side)
            rgba = pipeline.run(rgb, infer, spec.input, output="cutout", low_res=m, guide=guide)
            flag = "may be incomplete" if subject.may_be_incomplete else "Done"
            look = ", 2nd look" if subject.second_look else ""
            cols.append((f"{label}: {flag} ({subject.confidence:.2f}{look})", rgba))
            if side:
                notes.append([name, what, f"{subject.band:.1f}", f"{subject.confidence:.2f}", str(subject.second_look), flag])
            else:
                first = confidence.assess(m)
        h, w = rgb.shape[:2]
        th = int(tile * h / w) if w >= h else tile
        tw = tile if w >= h else int(tile * w / h)
        row = Image.new("RGB", (3 * (tile + 4), th + 16), "white")
        draw = ImageDraw.Draw(row)
        yy, xx = np.mgrid[:th, :tw]
        checker = np.where(((yy // 10 + xx // 10) % 2)[..., None] == 0, 200, 150).astype(np.uint8).repeat(3, axis=2)
        for i, (label, pixels) in enumerate(cols):
            im = Image.fromarray(pixels).resize((tw, th), Image.Resampling.LANCZOS)
            if im.mode == "RGBA":
                base = Image.fromarray(checker)
                base.paste(im, (0, 0), im)
                im = base
            row.paste(im, (i * (tile + 4), 16))
            draw.text((i * (tile + 4) + 2, 2), (f"{what}" if i == 0 else label), fill="black", font=font)
        rows.append(row)
        print(f"  {name}: first look band {first.band:.1f}", file=sys.stderr, flush=True)
    wrote = save_sheet(rows, path)
    print(table(["photo", "subject", "band (px)", "confidence", "second look", "the tool says"], notes))
    print(f"\n{wrote}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", default="fast,quality")
    parser.add_argument("--sections", default="speed,quality,colour,contact")
    args = parser.parse_args()
    models = [m for m in args.models.split(",") if m]
    sections = set(args.sections.split(","))
    from privpix.models.runtime import default_threads

    print(f"threads: {default_threads()} intra-op; model side {MODEL_SIDE}, guide ≤ {GUIDE_MAX}")
    if "speed" in sections:
        print("\n## Speed (seconds, median of", args.repeats, "runs; PNG encode included in total)\n")
        print(speed_table(models, args.repeats))
    if "quality" in sections or "colour" in sections:
        items = load()
    if "quality" in sections:
        print("\n## Quality (dev: corpus/matting, 3 images; held-out: 22 composites, of which 10 with subjects unseen in dev)\n")
        print(quality_table(quality(items, models)))
    if "colour" in sections:
        print("\n## Colour at the edges (held-out composites with their true foreground)\n")
        print(colour_table(items))
    if "contact" in sections:
        print("\n## Contact sheet: real photos, before and after (fast model)\n")
        contact(ROOT / "bench" / "out" / "remove_bg_contact.png")


if __name__ == "__main__":
    main()

"""The evaluation set for background removal, built deterministically from the corpus alone.

(docs/remove-bg.md, "Evaluation sets and the held-out split".)

- dev: the 3 pairs of corpus/matting (image + ground-truth alpha). The pipeline's settings were
  chosen on these.
- heldout: 10 exact composites ``I = a·F + (1 - a)·B`` of the corpus's two real cut-outs over crops
  of *other* corpus photos, never used for tuning. ``rembg_car-1.out.png`` has premultiplied colour
  (F = C/a), ``mei_Alpha_Lossy_1.webp`` straight colour. The crop has the cut-out's aspect ratio, a
  seeded random position and size (45-90 % of the limiting side), and is box-resized to the cut-out's
  size; the composite is rounded to 8 bits (PNG). The true F is kept for the colour test.

- heldout, matting subjects: 12 more composites (issue 14) of the three corpus/matting subjects (the
  image as F, its alpha) over crops of 12 further corpus photos, made the same way with their own
  seeded generator (``SEED + 1``, so the 10 above stay bit for bit). These subjects were seen in dev,
  their backgrounds were not: the table reports the unseen subjects (car, rose) on their own too.

Limits: small (3 + 22); the car and rose composites are ≤ 480 px; several backgrounds hold a second
salient object (another car, office clutter, a cat, an astronaut), so held-out variance is mostly
"which object is the subject", not edge quality.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _common import CORPUS, ROOT
from PIL import Image, ImageOps

OUT = ROOT / "bench" / "out" / "bg-evalset"
SEED = 20261126
CUTOUTS = {
    "car": (
        "rembg_car-1.out.png",
        True,
        [
            "mei_HTC_Desire.webp",
            "immich_denali.webp",
            "mei_IMG_1034.heic",
            "mei_Sony_DSC-H9.jpg",
            "derived_DSCN0012_gps_xmp_only.jpg",
        ],
    ),
    "rose": (
        "mei_Alpha_Lossy_1.webp",
        False,
        [
            "exifsamples_iphone6_hdr_NO.jpg",
            "mei_Issue_280_macos.png",
            "mei_Sony_DSC-T5.jpg",
            "mei_Issue_473_iphone_x.webp",
            "mei_Oppo_R7_Plus.jpg",
        ],
    ),
}


MATTING = {  # subject: (image, alpha, backgrounds)
    "lemur": (
        "pm_lemur.png",
        "pm_lemur.mask.png",
        ["skimage_chelsea.png", "pillow_frozenpond.mpo", "exifsamples_landscape_1.jpg", "mei_Nikon_D60.jpg"],
    ),
    "scarf": (
        "syn_elder_scarf.jpg",
        "syn_elder_scarf.mask.png",
        ["mei_Samsung_GT-I9000.jpg", "pillowheif_arrow.heic", "exifsamples_canon_hdr_NO.jpg", "skimage_astronaut.png"],
    ),
    "dancer": (
        "syn_woman_dancing.jpg",
        "syn_woman_dancing.mask.png",
        ["immich_8bit-sRGB.avif", "pillowheif_xiaomi.heic", "mei_Apple_iPhone_4.jpg", "pillow_iptc.jpg"],
    ),
}


@dataclass
class Item:
    split: str
    name: str
    seen_subject: bool  # held-out composites of a dev subject (over a new background)
    image: np.ndarray  # uint8 RGB
    alpha: np.ndarray  # float32 in [0, 1]
    fg: np.ndarray | None  # uint8 RGB true foreground (held-out only)


def build(out: Path = OUT) -> Path:
    import pillow_heif

    pillow_heif.register_heif_opener()
    rng = np.random.default_rng(SEED)
    for split in ("dev", "heldout"):
        (out / split).mkdir(parents=True, exist_ok=True)
    manifest: dict[str, list[dict[str, object]]] = {"dev": [], "heldout": []}
    for item in json.loads((CORPUS / "matting" / "manifest.json").read_text())["items"]:
        stem = os.path.splitext(item["image"])[0]
        im = ImageOps.exif_transpose(Image.open(CORPUS / "matting" / item["image"])).convert("RGB")
        im.save(out / "dev" / f"{stem}.png")
        shutil.copy(CORPUS / "matting" / item["mask"], out / "dev" / f"{stem}.mask.png")
        manifest["dev"].append({"name": stem, "src": item["image"], "size": im.size})
    subjects = []
    for subject, (fname, premultiplied, backgrounds) in CUTOUTS.items():
        rgba = np.asarray(Image.open(CORPUS / fname).convert("RGBA")).astype(np.float64)
        a = rgba[..., 3:4] / 255.0
        colour = rgba[..., :3] / 255.0
        F = np.where(a > 0, np.clip(colour / np.maximum(a, 1e-6), 0, 1), 0.0) if premultiplied else colour
        subjects.append((subject, fname, premultiplied, backgrounds, F, a, rng))
    rng_matting = np.random.default_rng(SEED + 1)
    for subject, (fname, mask, backgrounds) in MATTING.items():
        F = np.asarray(Image.open(CORPUS / "matting" / fname).convert("RGB")).astype(np.float64) / 255.0
        a = np.asarray(Image.open(CORPUS / "matting" / mask).convert("L")).astype(np.float64)[..., None] / 255.0
        subjects.append((subject, f"matting/{fname}", False, backgrounds, F, a, rng_matting))
    for subject, fname, premultiplied, backgrounds, F, a, rng in subjects:
        h, w = a.shape[:2]
        for bg in backgrounds:
            B = ImageOps.exif_transpose(Image.open(CORPUS / bg)).convert("RGB")
            BW, BH = B.size
            s = rng.uniform(0.45, 0.9)
            cw = int(min(BW, BH * w / h) * s)
            ch = int(cw * h / w)
            x0 = int(rng.integers(0, BW - cw + 1))
            y0 = int(rng.integers(0, BH - ch + 1))
            Bf = np.asarray(B.crop((x0, y0, x0 + cw, y0 + ch)).resize((w, h), Image.BOX)).astype(np.float64) / 255.0
            I = a * F + (1 - a) * Bf  # noqa: E741
            stem = f"{subject}_over_{os.path.splitext(bg)[0]}"
            Image.fromarray(np.round(I * 255).astype(np.uint8)).save(out / "heldout" / f"{stem}.png")
            Image.fromarray(np.round(a[..., 0] * 255).astype(np.uint8)).save(out / "heldout" / f"{stem}.mask.png")
            Image.fromarray(np.round(F * 255).astype(np.uint8)).save(out / "heldout" / f"{stem}.fg.png")
            manifest["heldout"].append(
                {
                    "name": stem,
                    "cutout": fname,
                    "premultiplied": premultiplied,
                    "background": bg,
                    "crop": [x0, y0, cw, ch],
                    "seen_subject": subject in MATTING,
                }
            )
    (out / "manifest.json").write_text(json.dumps({"version": VERSION, **manifest}, indent=1))
    return out


VERSION = 2  # bumped when the set changes: an older bench/out copy is rebuilt


def load(out: Path = OUT) -> list[Item]:
    manifest = json.loads((out / "manifest.json").read_text()) if (out / "manifest.json").is_file() else {}
    if manifest.get("version") != VERSION:
        build(out)
        manifest = json.loads((out / "manifest.json").read_text())
    items = []
    for split in ("dev", "heldout"):
        for entry in manifest[split]:
            base = out / split / str(entry["name"])
            fg = Path(f"{base}.fg.png")
            items.append(
                Item(
                    split,
                    str(entry["name"]),
                    bool(entry.get("seen_subject", split == "dev")),
                    np.asarray(Image.open(f"{base}.png").convert("RGB")),
                    np.asarray(Image.open(f"{base}.mask.png").convert("L")).astype(np.float32) / 255,
                    np.asarray(Image.open(fg).convert("RGB")) if fg.is_file() else None,
                )
            )
    return items

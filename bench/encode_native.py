"""Native compress/convert: speed, bytes and SSIMULACRA2 on 12 MP photos, the encoder choices, and
batch scaling over cores.

    .venv/bin/python bench/encode_native.py [--repeats 3] [--quick] [--sections formats,jpeg,choices,resize,batch]

Sections (each prints a table):
- formats: a 12 MP HEIC (pillowheif_pug.heic, 4032×3024) and a 13 MP JPEG (mei_Oppo_R7_Plus.jpg,
  3120×4160) through ``privpix.convert`` to each output format at the default quality: time (whole
  pipeline: decode, colour, encode, report), bytes, SSIMULACRA2 against the decoded original.
- jpeg: the JPEG encoder comparison privpix's choice rests on. Centre crops (1024×768) of five
  camera/phone photos at qualities 40-90 with jpegli, jpegli + MozJPEG lossless optimisation,
  libjpeg-turbo (Pillow: optimize, progressive, 4:2:0) and libjpeg-turbo + the optimisation; bytes
  relative to libjpeg-turbo + optimisation at equal SSIMULACRA2 (log-bytes interpolated over scores
  65-85, geometric mean over photos), plus 12 MP encode times.
- choices: the same measure for WebP ``method`` 4/5/6 and AVIF ``speed`` 4/6/8/10.
- resize: 12 MP -> 3 MP and -> 0.8 MP with Lanczos, ``reducing_gap`` None / 2.0 / 1.5.
- batch: ``privpix compress -o DIR`` over many photos with -j 1 and -j 2: files per second.
``--quick`` skips SSIMULACRA2 (pure Python, ~1.7 s per megapixel) in the formats section.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS, ROOT, table, timed  # noqa: E402

import privpix  # noqa: E402
from privpix.imaging import decode  # noqa: E402
from privpix.options import DEFAULT_QUALITY, ConvertOptions  # noqa: E402

PHOTOS_12MP = ["pillowheif_pug.heic", "mei_Oppo_R7_Plus.jpg"]
FULL = "pillowheif_pug.heic"
CROP_PHOTOS = ["mei_Sony_DSC-T5.jpg", "exifsamples_iphone6_hdr_NO.jpg", "mei_Nikon_D60.jpg", "mei_Oppo_R7_Plus.jpg", FULL]
BATCH_PHOTOS = ["exifsamples_iphone6_hdr_NO.jpg", "mei_Sony_DSC-T5.jpg", "mei_Nikon_D60.jpg", "exifsamples_canon_hdr_NO.jpg"]
PRIVPIX = ROOT / ".venv" / "bin" / "privpix"


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def ssimulacra2(reference_png: bytes, distorted: bytes) -> float:
    from ssimulacra2 import compute_ssimulacra2

    return float(compute_ssimulacra2(io.BytesIO(reference_png), io.BytesIO(distorted)))


def median_s(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s ({min(times):.2f}-{max(times):.2f})"


def upright(name: str) -> Image.Image:
    return decode.decode((CORPUS / name).read_bytes()).image


# ---- formats ------------------------------------------------------------------------------------------


def section_formats(repeats: int, quality: bool) -> None:
    for name in PHOTOS_12MP:
        data = (CORPUS / name).read_bytes()
        decode_times = timed(lambda d=data: decode.decode(d), repeats)
        original = upright(name)
        reference = png(original.convert("RGB")) if quality else b""
        rows = []
        for fmt in ("jpeg", "webp", "avif", "png"):
            results: list[privpix.EncodeResult] = []

            def run(f: str = fmt, d: bytes = data, into: list[privpix.EncodeResult] = results) -> None:
                into.append(privpix.convert(d, ConvertOptions(to=f)))

            times = timed(run, 1 if fmt == "png" else repeats)
            out = results[-1].data
            score = f"{ssimulacra2(reference, out):.2f}" if quality else "-"
            q = "lossless" if fmt == "png" else f"q{DEFAULT_QUALITY[fmt]}"
            rows.append([fmt.upper(), q, median_s(times), f"{len(out):,}", score])
        print(
            f"\n{name}: {original.width}×{original.height} ({original.width * original.height / 1e6:.1f} MP), "
            f"{len(data):,} bytes; decode alone {median_s(decode_times)}"
        )
        print(table(["output", "quality", "convert time (decode+encode+report)", "bytes", "SSIMULACRA2"], rows))


# ---- encoder comparisons ------------------------------------------------------------------------------


def crops() -> list[tuple[str, Image.Image]]:
    out = []
    for name in CROP_PHOTOS:
        im = upright(name).convert("RGB")
        w, h = im.size
        left, top = (w - 1024) // 2, (h - 768) // 2
        out.append((name, im.crop((left, top, left + 1024, top + 768))))
    return out


Curve = tuple[np.ndarray, np.ndarray]  # (SSIMULACRA2 scores, bytes) of one photo over the qualities


def bd_ratio(curves_ref: list[Curve], curves: list[Curve], lo: float, hi: float) -> float:
    """Geometric mean over photos of bytes(candidate) / bytes(reference) at equal SSIMULACRA2."""
    ratios = []
    for (s1, b1), (s2, b2) in zip(curves_ref, curves):
        o1, o2 = np.argsort(s1), np.argsort(s2)
        grid = np.linspace(max(s1.min(), s2.min(), lo), min(s1.max(), s2.max(), hi), 50)
        diff = np.interp(grid, s2[o2], np.log(b2[o2])) - np.interp(grid, s1[o1], np.log(b1[o1]))
        ratios.append(float(np.exp(diff.mean())))
    return float(np.exp(np.mean(np.log(ratios))))


def compare(
    encoders: dict[str, Callable[[Image.Image, int], bytes]],
    qualities: list[int],
    reference: str,
    lo: float,
    hi: float,
    pixel_twins: dict[str, str] | None = None,
) -> dict[str, float]:
    """bytes ratio vs ``reference`` per encoder; ``pixel_twins`` maps an encoder to one whose decoded
    pixels are identical (a lossless re-optimisation), so its scores are reused."""
    twins = pixel_twins or {}
    curves: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {name: [] for name in encoders}
    for _, crop in crops():
        ref_png = png(crop)
        scores: dict[tuple[str, int], float] = {}
        for name, fn in encoders.items():
            sizes, values = [], []
            for q in qualities:
                out = fn(crop, q)
                if name in twins:
                    score = scores[(twins[name], q)]
                else:
                    score = ssimulacra2(ref_png, out)
                scores[(name, q)] = score
                sizes.append(len(out))
                values.append(score)
            curves[name].append((np.array(values), np.array(sizes, dtype=np.float64)))
    return {name: bd_ratio(curves[reference], curves[name], lo, hi) for name in encoders}


def jpegli(im: Image.Image, q: int) -> bytes:
    import pyjpegli

    return pyjpegli.encode(im.tobytes(), im.width, im.height, q)


def turbo(im: Image.Image, q: int) -> bytes:
    out = io.BytesIO()
    im.save(out, "JPEG", quality=q, optimize=True, progressive=True, subsampling="4:2:0")
    return out.getvalue()


def optimised(fn: Callable[[Image.Image, int], bytes]) -> Callable[[Image.Image, int], bytes]:
    import mozjpeg_lossless_optimization

    return lambda im, q: mozjpeg_lossless_optimization.optimize(fn(im, q))


def section_jpeg(repeats: int) -> None:
    encoders = {
        "jpegli + MozJPEG lossless optimisation (privpix)": optimised(jpegli),
        "jpegli": jpegli,
        "libjpeg-turbo (optimize, progressive, 4:2:0)": turbo,
        "libjpeg-turbo + MozJPEG lossless optimisation": optimised(turbo),
    }
    twins = {
        "jpegli + MozJPEG lossless optimisation (privpix)": "jpegli",
        "libjpeg-turbo + MozJPEG lossless optimisation": "libjpeg-turbo (optimize, progressive, 4:2:0)",
    }
    order = [
        "jpegli",
        "jpegli + MozJPEG lossless optimisation (privpix)",
        "libjpeg-turbo (optimize, progressive, 4:2:0)",
        "libjpeg-turbo + MozJPEG lossless optimisation",
    ]
    ratios = compare(
        {k: encoders[k] for k in order}, [40, 50, 60, 70, 80, 90], "libjpeg-turbo + MozJPEG lossless optimisation", 65, 85, twins
    )
    full = upright(FULL).convert("RGB")
    rows = []
    for name in order:
        times = timed(lambda n=name: encoders[n](full, 75), repeats)
        rows.append([name, f"{(ratios[name] - 1) * 100:+.1f}%", median_s(times), f"{len(encoders[name](full, 75)):,}"])
    print(
        "\nJPEG encoders: bytes at equal SSIMULACRA2 (65-85) vs libjpeg-turbo + optimisation, five 1024×768 photo crops;"
        f" q75 encode of {FULL} (12.2 MP)"
    )
    print(table(["encoder", "bytes at equal quality", "12 MP q75 encode", "12 MP q75 bytes"], rows))


def pillow_encoder(fmt: str, **params: object) -> Callable[[Image.Image, int], bytes]:
    def run(im: Image.Image, q: int) -> bytes:
        out = io.BytesIO()
        im.save(out, fmt, quality=q, **params)
        return out.getvalue()

    return run


def section_choices(repeats: int) -> None:
    full = upright(FULL).convert("RGB")
    for title, encoders, reference, qualities in (
        ("WebP method", {f"method {m}": pillow_encoder("WEBP", method=m) for m in (4, 5, 6)}, "method 4", [50, 65, 75, 85, 95]),
        ("AVIF speed", {f"speed {s}": pillow_encoder("AVIF", speed=s) for s in (4, 6, 8, 10)}, "speed 6", [30, 45, 60, 75, 90]),
    ):
        ratios = compare(encoders, qualities, reference, 60, 88)
        rows = []
        for name, fn in encoders.items():
            q = 75 if title.startswith("WebP") else 60
            cpu: list[float] = []

            def run(f: Callable[[Image.Image, int], bytes] = fn, qq: int = q, into: list[float] = cpu) -> None:
                start = time.process_time()
                f(full, qq)
                into.append(time.process_time() - start)

            times = timed(run, 1 if name == "speed 4" else repeats)
            rows.append([name, f"{(ratios[name] - 1) * 100:+.1f}%", median_s(times), median_s(cpu)])
        print(
            f"\n{title}: bytes at equal SSIMULACRA2 (60-88) vs {reference}; 12 MP encode at the default quality"
            " (CPU time: all threads, robust when the machine is shared)"
        )
        print(table(["setting", "bytes at equal quality", "12 MP encode (wall)", "12 MP encode (CPU)"], rows))


def section_resize(repeats: int) -> None:
    from ssimulacra2 import compute_ssimulacra2  # noqa: F401  (fail early if missing)

    full = upright(FULL).convert("RGB")
    rows = []
    for size in ((2016, 1512), (1024, 768)):
        base = full.resize(size, Image.Resampling.LANCZOS)
        for gap in (None, 2.0, 1.5):
            times = timed(lambda g=gap, s=size: full.resize(s, Image.Resampling.LANCZOS, reducing_gap=g), repeats)
            out = full.resize(size, Image.Resampling.LANCZOS, reducing_gap=gap)
            score = ssimulacra2(png(base), png(out))
            ms = f"{statistics.median(times) * 1000:.0f} ms"
            rows.append([f"4032×3024 -> {size[0]}×{size[1]}", str(gap), ms, f"{score:.2f}"])
    print("\nResize (Pillow Lanczos), SSIMULACRA2 against plain Lanczos (reducing_gap None)")
    print(table(["resize", "reducing_gap", "time (median)", "SSIMULACRA2 vs plain"], rows))


# ---- batch --------------------------------------------------------------------------------------------


def section_batch(copies: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for k in range(copies):
            for name in BATCH_PHOTOS:
                shutil.copyfile(CORPUS / name, src / f"{k:02d}_{name}")
        files = len(list(src.iterdir()))
        megapixels = sum(Image.open(p).width * Image.open(p).height for p in src.iterdir()) / 1e6
        rows = []
        jobs_kinds = (
            (["--format", "jpeg"], "compress (JPEG q75)"),
            (["--max-dimension", "2048", "--format", "webp"], "-> WebP, max 2048"),
        )
        for args, label in jobs_kinds:
            base = None
            for jobs in (1, 2):
                out = Path(tmp) / f"out{jobs}"
                cpu_before = _children_cpu()
                start = time.perf_counter()
                proc = subprocess.run(
                    [str(PRIVPIX), "compress", str(src), "-o", str(out), "-j", str(jobs), *args], capture_output=True, text=True
                )
                seconds = time.perf_counter() - start
                busy = (_children_cpu() - cpu_before) / seconds  # cores kept busy on average
                assert proc.returncode == 0, proc.stderr
                shutil.rmtree(out)
                rate = files / seconds
                base = base or rate
                load = f"{os.getloadavg()[0]:.1f}"
                speed = [f"{seconds:.1f} s", f"{rate:.2f}", f"{megapixels / seconds:.1f}", f"×{rate / base:.2f}", f"{busy:.2f}"]
                rows.append([label, f"-j {jobs}", *speed, load])
        print(
            f"\nBatch: {files} photos ({megapixels:.0f} MP in all), one privpix process each run, {len(BATCH_PHOTOS)} distinct"
            " 5-8 MP JPEGs copied"
        )
        print(table(["job", "workers", "wall time", "files/s", "MP/s", "speed-up", "cores busy", "load avg after"], rows))
        print("cores busy: CPU time of privpix and its workers / wall time (2 = both cores all the time)")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="no SSIMULACRA2 in the formats section")
    parser.add_argument("--sections", default="formats,jpeg,choices,resize,batch")
    parser.add_argument("--copies", type=int, default=4, help="copies of each batch photo")
    args = parser.parse_args()
    sections = args.sections.split(",")
    cores = len(os.sched_getaffinity(0))
    print(f"privpix {privpix.__version__}, Python {sys.version.split()[0]}, {cores} cores, load average {os.getloadavg()[0]:.1f}")
    if "formats" in sections:
        section_formats(args.repeats, not args.quick)
    if "jpeg" in sections:
        section_jpeg(args.repeats)
    if "choices" in sections:
        section_choices(args.repeats)
    if "resize" in sections:
        section_resize(args.repeats)
    if "batch" in sections:
        section_batch(args.copies)


if __name__ == "__main__":
    main()

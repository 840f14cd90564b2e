"""Compress and convert: the TypeScript engine (in a Web Worker in real Chromium) against the Python
engine, on the corpus.

Both engines are run on the same files with the same options; the test asserts:

- the same output format (``format=keep`` rules), the same output width and height (orientation
  applied once, ``max_dimension`` rounding), the same reported quality and source format;
- the same kind of colour handling: an ICC profile in one output iff in the other;
- no location in what the TypeScript output keeps;
- quality: each output, decoded by Pillow, is scored (luma SSIM) against the reference — the
  Python pipeline's pixels just before encoding (decoded upright, resized, colour prepared,
  flattened). The TS output may score at most ``SSIM_SLACK`` below the Python output. The engines
  use different encoders (MozJPEG vs jpegli, libwebp/libavif at other speeds, image-q vs
  libimagequant for palettes) and scalers (Skia's mipmapped filter vs Pillow's Lanczos), so they
  are never identical. WebP, AVIF and PNG scores differ by < 0.03 on this corpus. JPEG gets 0.10:
  MozJPEG's quality scale sits lower than jpegli's, so at the same -q its files are 5-18% smaller
  and on noisy small camera JPEGs (DSCN0010, DSCN0012, Nikon D60) score up to 0.085 lower; a real
  fault (wrong orientation, a broken palette) costs far more;
- the same colours: each channel's mean differs by at most ``MEAN_SHIFT`` levels (a lost sRGB
  conversion, a wrong background or swapped channels shift it by more);
- the same picture: the two outputs score at least ``SAME_PICTURE`` against each other (a 90° turn
  or a mirrored photo scores < 0.5; two q75 encodes of the same photo > 0.8).

SSIM rather than SSIMULACRA2: the ``ssimulacra2`` package costs ~1.7 s per megapixel here, too
slow for a test over the corpus.

The TS engine runs in the benchmark page web/bench/encode.html (built by a session fixture with
the ``bench_pages`` fixture of tests/conftest.py) served by ``privpix.server.make_server`` with the app's
security headers (cross-origin isolated, as the app is). Large photos are downscaled
(``max_dimension``) to keep the run short; a few full-size conversions cover every output format.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pillow_heif
import pytest
from PIL import Image as PIL_Image

import privpix

from .conftest import BenchPages, corpus_entries
from .corpus import CORPUS

pillow_heif.register_heif_opener()

pytestmark = pytest.mark.browser

SSIM_SLACK = {"jpeg": 0.10, "webp": 0.05, "avif": 0.05, "png": 0.05}
MEAN_SHIFT = 4.0  # largest difference of a channel's mean (0-255) between the two outputs
SAME_PICTURE = 0.7


def _decodable() -> list[str]:
    return [e["file"] for e in corpus_entries() if e.get("decodes_with_pillow", True) is not False]


# (file, tool, options): every decodable file through compress (downscaled), then full-size
# conversions to each output format on small files, and the options that change the pipeline.
CASES: list[tuple[str, str, dict[str, Any]]] = [(f, "compress", {"max_dimension": 800}) for f in _decodable()] + [
    ("exifsamples_landscape_6.jpg", "convert", {"to": "webp"}),
    ("exifsamples_landscape_8.jpg", "convert", {"to": "avif"}),
    ("exifsamples_landscape_5.jpg", "convert", {"to": "png"}),
    ("exifsamples_landscape_3.jpg", "convert", {"to": "jpeg"}),
    ("rembg_car-1.out.png", "convert", {"to": "jpeg", "background": "#336699"}),
    ("mei_Alpha_Lossy_1.webp", "convert", {"to": "webp"}),
    ("skimage_rocket.jpg", "compress", {"colour": "srgb"}),  # Adobe RGB -> sRGB by the browser's decoder
    ("pillowheif_pug.heic", "convert", {"to": "jpeg", "colour": "srgb", "max_dimension": 800}),  # Display P3, wasm-decoded
    ("skimage_chelsea.png", "compress", {"palette": True, "quality": 80}),
    ("pillowheif_arrow.heic", "convert", {"to": "jpeg", "max_dimension": 1200}),
    ("mei_Sony_DSC-T5.jpg", "compress", {"target_size": 150_000, "max_dimension": 1600}),
    # below the quality floor: each engine downscales by the least amount that meets the target
    ("mei_Sony_DSC-T5.jpg", "compress", {"target_size": 40_000, "max_dimension": 1600}),
    ("immich_denali.webp", "compress", {"target_size": 8_000}),
    # metadata written into each container by the TS engine itself: ICC and EXIF (keep_metadata)
    ("mei_Samsung_GT-I9000.jpg", "compress", {"keep_metadata": True}),
    ("pillowheif_pug.heic", "convert", {"to": "avif", "max_dimension": 600, "keep_metadata": True}),
    ("mei_HTC_Desire.webp", "convert", {"to": "webp", "keep_metadata": True}),
    ("skimage_rocket.jpg", "convert", {"to": "png"}),
    ("skimage_rocket.jpg", "convert", {"to": "avif"}),
    # never larger: re-encoding does not make these smaller, so both keep the original picture, stripped
    ("exifsamples_DSCN0010.jpg", "compress", {"quality": 95}),
    ("mei_Issue_649_canon.avif", "compress", {"quality": 90}),
    ("exifsamples_DSCN0010.jpg", "compress", {"quality": 95, "allow_larger": True}),
    # animations: kept as animated WebP (every frame, its delay, the loop), or flagged as the first frame
    ("pillow_iss634.gif", "compress", {"quality": 60}),
    ("mei_Animation_Lossy.webp", "convert", {"to": "webp", "max_dimension": 160}),
    ("pillow_iss634.gif", "convert", {"to": "png"}),
]
BROKEN = [e["file"] for e in corpus_entries(broken=True)]


def _avif_with_irot() -> bytes:
    """An AVIF whose orientation is an irot box (Pillow writes EXIF orientation 6 as irot): the
    corpus has none, and AVIF is the one format whose rotation the browser's decoder applies."""
    out = io.BytesIO()
    with PIL_Image.open(CORPUS / "exifsamples_landscape_1.jpg") as im:
        exif = PIL_Image.Exif()
        exif[0x0112] = 6
        im.save(out, "AVIF", exif=exif.tobytes(), quality=70)
    return out.getvalue()


GENERATED = {"generated_irot.avif": _avif_with_irot}
CASES.append(("generated_irot.avif", "compress", {}))


def source(name: str) -> bytes:
    return GENERATED[name]() if name in GENERATED else (CORPUS / name).read_bytes()


# ---- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ts_page(bench_pages: BenchPages, chromium: Any) -> Iterator[Any]:
    for name in {c[0] for c in CASES} | set(BROKEN):
        bench_pages.add(name, source(name))
    page = bench_pages.open(chromium, "encode.html")
    yield page
    page.context.close()


# ---- helpers ----------------------------------------------------------------------------------------


def run_ts(page: Any, name: str, tool: str, options: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    reply = page.evaluate(
        "(r) => window.benchEncode(r)", {"op": "tool", "url": f"files/{name}", "tool": tool, "options": options}
    )
    if reply.get("error"):
        raise AssertionError(f"TS engine failed on {name}: {reply['error']}")
    return base64.b64decode(reply["data"]), reply["report"]


def run_py(data: bytes, tool: str, options: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    from privpix.options import CompressOptions, ConvertOptions
    from privpix.tools.compress import compress
    from privpix.tools.convert import convert

    result = compress(data, CompressOptions(**options)) if tool == "compress" else convert(data, ConvertOptions(**options))
    return result.data, result.to_json()


def reference(data: bytes, fmt: str, options: dict[str, Any]) -> Any:
    """The Python pipeline's pixels right before encoding, as an RGB array (see tools/encode.py)."""
    from privpix.imaging import colour, decode, resize
    from privpix.options import EncodeOptions

    opts = EncodeOptions(**{k: v for k, v in options.items() if k in EncodeOptions.__dataclass_fields__})
    decoded = decode.decode(data)
    image = resize.fit(decoded.image, opts.max_dimension)
    prepared = colour.prepare(image, decoded.icc, opts.colour, grey_ok=fmt == "png")
    im = colour.to_8bit(prepared.image)
    if fmt == "jpeg":
        im = colour.flatten(im, opts.background_rgb())
    return _rgb(im)


def _rgb(im: Any) -> Any:
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = PIL_Image.fromarray((np.asarray(im, dtype=np.float64) * (255 / 65535) + 0.5).astype(np.uint8), "L")
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        base = PIL_Image.new("RGB", rgba.size, (128, 128, 128))
        base.paste(rgba, mask=rgba.getchannel("A"))
        im = base
    return np.asarray(im.convert("RGB"), dtype=np.float64)


def assert_same_animation(ts_out: bytes, py_out: bytes, frames: int) -> None:
    """Both outputs play the same frames for the same time, looping alike, and show the same pictures."""
    timing = []
    for out in (ts_out, py_out):
        with PIL_Image.open(io.BytesIO(out)) as im:
            assert im.format == "WEBP" and getattr(im, "n_frames", 1) == frames
            durations, middle = [], None
            for i in range(frames):
                im.seek(i)
                im.load()  # Pillow reads a WebP frame's duration as it decodes it
                durations.append(im.info["duration"])
                if i == frames // 2:
                    middle = _rgb(im.convert("RGBA"))
            timing.append((durations, im.info.get("loop")))
            if out is ts_out:
                ts_middle = middle
    assert timing[0] == timing[1], f"TS plays {timing[0]}, Python {timing[1]}"
    same = ssim(ts_middle, middle)
    assert same >= SAME_PICTURE, f"frame {frames // 2} differs between the engines: SSIM {same:.3f}"


def pixels(data: bytes) -> Any:
    """Upright pixels (a kept original can carry its orientation, an AVIF irot) and the ICC profile."""
    from privpix.imaging import decode

    decoded = decode.decode(data)
    return _rgb(decoded.image), decoded.icc


def _box(x: Any, r: int) -> Any:
    """Mean over (2r+1)^2 windows (valid region), via summed-area tables."""
    s = np.pad(x, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    k = 2 * r + 1
    return (s[k:, k:] - s[:-k, k:] - s[k:, :-k] + s[:-k, :-k]) / (k * k)


def ssim(a: Any, b: Any) -> float:
    """Mean SSIM of the luma of two RGB images (7×7 uniform windows, as scikit-image by default)."""
    ya = a @ np.array([0.299, 0.587, 0.114])
    yb = b @ np.array([0.299, 0.587, 0.114])
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    ma, mb = _box(ya, 3), _box(yb, 3)
    va = _box(ya * ya, 3) - ma * ma
    vb = _box(yb * yb, 3) - mb * mb
    cov = _box(ya * yb, 3) - ma * mb
    s = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
    return float(s.mean())


# ---- the test ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tool", "options"), CASES, ids=[f"{c[0]}-{c[1]}-{json.dumps(c[2], sort_keys=True)}" for c in CASES]
)
def test_engines_agree(ts_page: Any, corpus: Path, name: str, tool: str, options: dict[str, Any]) -> None:
    data = source(name)
    py_out, py = run_py(data, tool, options)
    ts_out, ts = run_ts(ts_page, name, tool, options)

    # with a target size each engine's search lands on its own encoder's quality; whether a re-encode
    # is smaller than the original depends on the encoder, so each engine decides that for itself
    same_choice = ts["original_kept"] == py["original_kept"]
    downscaled = py["target_downscaled"]
    keys = ("format", "source_format", "target_size", "target_met", "target_downscaled", "frames", "first_frame_only")
    keys += (() if downscaled else ("width", "height")) + (() if options.get("target_size") or not same_choice else ("quality",))
    for key in keys:
        assert ts[key] == py[key], f"{key}: TS {ts[key]!r}, Python {py[key]!r}"
    if downscaled:  # the same floor; each engine's encoder fits the target at its own size, within 10 %
        assert ts["quality"] == py["quality"] and abs(ts["width"] - py["width"]) <= 0.1 * py["width"]
        assert ts["width"] * py["height"] == pytest.approx(ts["height"] * py["width"], rel=0.02)  # the same shape
    assert ts["bytes_after"] == len(ts_out)
    stripped = privpix.strip(data).data if py["format"] == py["source_format"] else None
    for engine, out, report in (("TS", ts_out, ts), ("Python", py_out, py)):
        if report["original_kept"]:
            assert out == stripped, f"{engine} kept the original picture, but not as strip makes it"
        elif stripped is not None and tool == "compress" and not set(options) & {"allow_larger", "max_dimension", "colour"}:
            assert len(out) < len(stripped), f"{engine} handed over {len(out)} bytes where the original is {len(stripped)}"
    if options.get("target_size"):
        assert len(ts_out) <= options["target_size"]
    located = lambda report: any(f["category"] == "location" for f in report["kept"])  # noqa: E731
    assert located(ts) == located(py), f"location kept: TS {located(ts)}, Python {located(py)}"
    if not options.get("keep_metadata"):
        assert not located(ts), "the TS output keeps a location"
    orientation = [f for f in ts["kept"] if f["label"] == "Orientation"]
    assert all(f.get("data", {}).get("orientation") in (None, 1) for f in orientation), "a kept Orientation that is not 1"

    if ts["original_kept"] and py["original_kept"]:
        assert ts_out == py_out  # both the original picture, stripped alike
        return
    if py["frames"] > 1 and not ts["original_kept"]:
        assert_same_animation(ts_out, py_out, py["frames"])

    ts_px, ts_icc = pixels(ts_out)
    py_px, py_icc = pixels(py_out)
    assert ts_px.shape == (ts["height"], ts["width"], 3) and py_px.shape == (py["height"], py["width"], 3)
    assert (ts_icc is None) == (py_icc is None), (
        f"ICC profile: TS {'yes' if ts_icc else 'no'}, Python {'yes' if py_icc else 'no'}"
    )
    if downscaled:  # compare the pictures at Python's size
        ts_px = _rgb(
            PIL_Image.fromarray(ts_px.astype(np.uint8)).resize((py["width"], py["height"]), PIL_Image.Resampling.LANCZOS)
        )
        options = {**options, "max_dimension": max(py["width"], py["height"])}
    ref = reference(data, py["format"], options)
    ts_score, py_score, same = ssim(ts_px, ref), ssim(py_px, ref), ssim(ts_px, py_px)
    print(
        f"{name} {tool} {options}: SSIM vs reference TS {ts_score:.3f}, Python {py_score:.3f}; TS vs Python {same:.3f};"
        f" bytes TS {len(ts_out)}, Python {len(py_out)}"
    )
    assert same >= SAME_PICTURE, f"the engines' outputs are not the same picture: SSIM {same:.3f} < {SAME_PICTURE}"
    slack = SSIM_SLACK[py["format"]]
    assert ts_score >= py_score - slack, (
        f"TS output scores {ts_score:.3f} against the reference, Python's {py_score:.3f} (slack {slack})"
    )
    shift = np.abs(ts_px.mean(axis=(0, 1)) - py_px.mean(axis=(0, 1))).max()
    assert shift <= MEAN_SHIFT, f"colours differ: a channel mean moved by {shift:.1f} levels"


@pytest.mark.parametrize("name", BROKEN)
def test_broken_files_fail_clearly(ts_page: Any, corpus: Path, name: str) -> None:
    from privpix.formats.errors import FormatError

    with pytest.raises(FormatError) as py_err:
        run_py((corpus / name).read_bytes(), "compress", {})
    reply = ts_page.evaluate(
        "(r) => window.benchEncode(r)", {"op": "tool", "url": f"files/{name}", "tool": "compress", "options": {}}
    )
    assert reply.get("error", "").startswith(("FormatError", "UnsupportedError")), (
        f"TS: {reply.get('error') or 'no error'}; Python: {py_err.value}"
    )

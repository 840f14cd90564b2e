"""onnxruntime-web's WebGPU builds: what each costs a static host, and whether the one privpix uses runs.

    .venv/bin/python bench/webgpu_runtime.py [--repeats 2]

1. Sizes of ort's WebAssembly builds as stored and gzip: the CPU build every remove-background user
   gets, the asyncify WebGPU build (over Cloudflare Pages' 25 MiB per file) and the JSPI one privpix
   uses for WebGPU (Chromium 137+; docs/models.md).
2. The fast model on a 640×480 photo in the app's engine (bench pages, a Web Worker), once on the
   WebAssembly backend and once on WebGPU through the JSPI build, with Chromium's software WebGPU
   adapter (SwiftShader; this machine has no GPU). The WebGPU time on SwiftShader says nothing about
   a real GPU: the run shows that the JSPI build loads and gives the same mask.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _browser import OUT, build_pages, serve  # noqa: E402
from _common import CORPUS, ROOT, table  # noqa: E402

from tests.chromium import ARGS, EXECUTABLE  # noqa: E402

DIST = ROOT / "web" / "node_modules" / "onnxruntime-web" / "dist"
BUILDS = [
    ("ort-wasm-simd-threaded.wasm", "WebAssembly (CPU), what remove background loads"),
    ("ort-wasm-simd-threaded.asyncify.wasm", "WebGPU, asyncify (not used)"),
    ("ort-wasm-simd-threaded.jspi.wasm", "WebGPU, JSPI (used where WebGPU and JSPI are)"),
]
SOFTWARE_WEBGPU = ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--enable-unsafe-swiftshader"]
PHOTO = CORPUS / "exifsamples_DSCN0010.jpg"


def sizes() -> None:
    rows = []
    for name, what in BUILDS:
        raw = (DIST / name).read_bytes()
        rows.append([name, what, f"{len(raw) / 2**20:.1f}", f"{len(gzip.compress(raw, 6)) / 2**20:.1f}"])
    print(table(["file", "what", "MiB stored", "MiB gzip"], rows))


def runs(repeats: int) -> None:
    from playwright.sync_api import sync_playwright

    from privpix.models import registry, store

    model = store.find(registry.get("fast"))
    if model is None:
        sys.exit(f"the fast model is not in {store.cache_dir()}: assemble it first (scripts/setup)")
    root = build_pages(OUT.parent / "webgpu" / "site")
    args = [a for a in ARGS if a != "--disable-gpu"] + SOFTWARE_WEBGPU
    rows = []
    masks = {}
    with serve(root, [PHOTO, model]) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=EXECUTABLE, args=args)
        try:
            for backend in ("wasm", "webgpu"):
                page = browser.new_page()
                page.goto(base + "removebg.html")
                reply = page.evaluate(
                    "(r) => window.benchRemoveBg(r)",
                    {
                        "url": f"files/{PHOTO.name}",
                        "model": f"files/{model.name}",
                        "mode": "engine",
                        "repeats": repeats,
                        "backend": backend,
                        "maskOnly": True,
                        "wantMask": True,
                    },
                )
                page.close()
                if not reply.get("ok"):
                    rows.append([backend, "failed", reply.get("error", "?"), "", ""])
                    continue
                masks[backend] = np.frombuffer(base64.b64decode(reply["mask"]), np.uint8)
                infer = min(r["infer"] for r in reply["runs"]) / 1000
                total = min(r["total"] for r in reply["runs"]) / 1000
                ran = f"{reply['backend']}×{reply['threads']}"
                rows.append([backend, ran, f"{reply['loadMs'] / 1000:.2f}", f"{infer:.2f}", f"{total:.2f}"])
        finally:
            browser.close()
    print(f"\nThe fast model on {PHOTO.name} (640×480), best of {repeats}; WebGPU is Chromium's software adapter")
    print(table(["asked", "ran on", "load s", "inference s", "total s"], rows))
    if masks.get("wasm") is not None and masks.get("webgpu") is not None:
        diff = np.abs(masks["wasm"].astype(int) - masks["webgpu"].astype(int))
        print(f"mask difference WebGPU vs WebAssembly: max {diff.max()}, mean {diff.mean():.3f} (0-255)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    sizes()
    runs(args.repeats)


if __name__ == "__main__":
    main()

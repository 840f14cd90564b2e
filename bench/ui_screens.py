"""Screenshots of every tool of the web app, as a person sees them, and one contact sheet of them all.

For each tool at a phone (390×844) and a laptop (1366×768) viewport, light and dark: the empty tool,
then the screen right after a photo was added (the viewport, as the person sees it, not the whole
page), then the screen once the photo is done, then the whole page. Remove background downloads
its model through the page first; Erase paints a stroke and erases it.

    .venv/bin/python bench/ui_screens.py                 # bench/out/ui/now/*.png, bench/out/ui/now.png
    .venv/bin/python bench/ui_screens.py --label before  # keep a set to compare with later
    .venv/bin/python bench/ui_screens.py --tools strip erase --sizes phone

Reads the built site (src/privpix/site: `cd web && npm run build` first). Look at the contact sheet
after any change of layout: it is how a change that only shows on a phone, or only in dark mode, is
seen before a person sees it.
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

from _browser import chromium
from _common import CORPUS, ROOT

from privpix.server import make_server

SITE = ROOT / "src" / "privpix" / "site"
OUT = ROOT / "bench" / "out" / "ui"
SIZES = {"phone": (390, 844), "laptop": (1366, 768)}
SCHEMES = ("light", "dark")
#: The file each tool is shown with: a GPS-tagged iPhone HEIC for the metadata tool, small JPEGs elsewhere.
FILES = {
    "strip": "pillowheif_pug.heic",
    "compress": "exifsamples_DSCN0010.jpg",
    "convert": "pillowheif_pug.heic",
    "remove-bg": "matting/syn_woman_dancing.jpg",
    "erase": "skimage_rocket.jpg",
}
TIMEOUT = 240_000


def _wait_done(page: Any, tool: str) -> None:
    if tool == "strip":
        page.locator("li.file").first.wait_for(state="attached")
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=file-row], li.file')]"
            ".every(e => /done|failed/.test(e.dataset.status))",
            timeout=TIMEOUT,
        )
    elif tool == "erase":
        page.get_by_test_id("editor").wait_for(timeout=TIMEOUT)
    else:
        page.wait_for_function(
            "() => { const r = [...document.querySelectorAll('[data-testid=file-row]')];"
            " return r.length && r.every(e => /done|failed|cancelled/.test(e.dataset.status)); }",
            timeout=TIMEOUT,
        )


def _erase_once(page: Any) -> None:
    """Paint a stroke down the middle of the photo and erase it."""
    box = page.locator("[data-testid=erase-stage]").bounding_box()
    x = box["x"] + box["width"] * 0.5
    page.mouse.move(x, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(x, box["y"] + box["height"] * 0.6, steps=6)
    page.mouse.up()
    page.get_by_role("button", name="Erase", exact=True).click()
    page.wait_for_function("() => document.querySelector('[data-testid=editor]')?.dataset.status === 'ready'", timeout=TIMEOUT)


def _ensure_model(page: Any) -> None:
    """Download the model through the page (its panel goes once the model is on this device)."""
    panel = page.get_by_test_id("model-panel")
    panel.wait_for(state="attached")
    panel.get_by_role("button", name=re.compile(r"^Download the model")).click()
    panel.wait_for(state="detached", timeout=TIMEOUT)


def shoot(browser: Any, url: str, tool: str, size: str, scheme: str, out: Path) -> list[tuple[str, Path]]:
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        color_scheme=scheme,
        device_scale_factor=1,
        has_touch=size == "phone",
        is_mobile=size == "phone",
    )
    page = context.new_page()
    shots: list[tuple[str, Path]] = []

    def snap(step: str, full: bool = False) -> None:
        path = out / f"{tool}-{size}-{scheme}-{step}.png"
        page.screenshot(path=str(path), full_page=full)
        shots.append((f"{tool} {size} {scheme}: {step}", path))

    try:
        page.goto(f"{url}#/{tool}")
        page.get_by_role("heading", level=1).wait_for()
        if tool == "remove-bg":
            _ensure_model(page)
        time.sleep(0.3)
        snap("empty")
        page.get_by_label("Choose images", exact=True).first.set_input_files(str(CORPUS / FILES[tool]))
        time.sleep(0.6)
        snap("added")
        _wait_done(page, tool)
        if tool == "erase":
            _erase_once(page)
        time.sleep(0.5)
        snap("done")
        snap("page", full=True)
    finally:
        context.close()
    return shots


def contact_sheet(shots: list[tuple[str, Path]], path: Path, thumb_height: int = 420) -> None:
    """All screenshots on one sheet: one row per tool and size, its captions above each picture."""
    from PIL import Image, ImageDraw

    rows: dict[str, list[tuple[str, Image.Image]]] = {}
    for caption, file in shots:
        key = " ".join(caption.split(":")[0].split()[:2])
        with Image.open(file) as im:
            im = im.convert("RGB")
            scale = thumb_height / im.height if im.height > thumb_height else 1.0
            if caption.endswith("page"):
                scale = thumb_height / im.height
            thumb = im.resize((max(1, int(im.width * scale)), max(1, int(im.height * scale))))
        rows.setdefault(key, []).append((caption, thumb))
    pad, caption_h = 12, 18
    sheet_w = max(sum(t.width + pad for _, t in row) + pad for row in rows.values())
    sheet_h = sum(thumb_height + caption_h + pad for _ in rows) + pad
    sheet = Image.new("RGB", (sheet_w, sheet_h), (235, 235, 235))
    draw = ImageDraw.Draw(sheet)
    y = pad
    for row in rows.values():
        x = pad
        for caption, thumb in row:
            draw.text((x, y), caption, fill=(20, 20, 20))
            sheet.paste(thumb, (x, y + caption_h))
            draw.rectangle((x - 1, y + caption_h - 1, x + thumb.width, y + caption_h + thumb.height), outline=(120, 120, 120))
            x += thumb.width + pad
        y += thumb_height + caption_h + pad
    sheet.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="now", help="name of this set of screenshots (default: now)")
    parser.add_argument("--tools", nargs="*", default=list(FILES), choices=list(FILES))
    parser.add_argument("--sizes", nargs="*", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--schemes", nargs="*", default=list(SCHEMES), choices=list(SCHEMES))
    args = parser.parse_args()
    if not (SITE / "index.html").is_file():
        print("the web app is not built: cd web && npm run build", file=sys.stderr)
        return 1
    out = OUT / args.label
    out.mkdir(parents=True, exist_ok=True)
    server = make_server("127.0.0.1", 0, root=SITE, quiet=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    shots: list[tuple[str, Path]] = []
    try:
        with chromium() as browser:
            for tool in args.tools:
                for size in args.sizes:
                    for scheme in args.schemes:
                        shots += shoot(browser, url, tool, size, scheme, out)
                        print(f"{tool:10} {size:7} {scheme:5} ok", flush=True)
    finally:
        server.shutdown()
        server.server_close()
    sheet = OUT / f"{args.label}.png"
    contact_sheet(shots, sheet)
    print(f"{len(shots)} screenshots in {out}; contact sheet: {sheet}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

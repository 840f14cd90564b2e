"""Remove background in real Chromium, against the built site served by ``privpix serve``.

One browser session does what a person does: open the tool, read what the model is (size, licence),
download it through the UI with its progress bar, go offline, remove the background of a matting
photo and of an EXIF-rotated phone photo, download the cut-outs, put a colour behind the subject,
copy the command line, then reload the page offline and do it again — the model now comes from Cache
Storage, through the service worker. The downloads must be RGBA PNGs of the upright size with a
plausible alpha (IoU against the ground truth above a floor, nothing of the background left in the
transparent pixels). Over the whole session no request leaves the origin, none has a body, and no
URL names a photo.

The site is built by the README's test command before pytest; ``privpix serve`` offers the models
from the model cache (where scripts/setup assembles them) as checked chunks.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PIL_Image
from playwright.sync_api import expect

from .common import (
    RequestLog,
    assert_network_stayed_private,
    copy_cli_command,
    file_row,
    new_app_context,
    wait_until_done,
    watch_errors,
)

MATTING = "matting/syn_woman_dancing.jpg"  # 1344 x 768, ground-truth alpha beside it
MATTING_MASK = "matting/syn_woman_dancing.mask.png"
ROTATED = "mei_Samsung_GT-I9000.jpg"  # stored 640 x 480, EXIF orientation 6: upright 480 x 640
IOU_FLOOR = 0.9  # the engine scores ~0.97 on this image (bench/remove_bg_browser.py)
TIMEOUT = 240_000  # ms: model load + a photo on a slow, shared 2-core machine
SHOTS = Path("/tmp")

pytestmark = pytest.mark.browser


def _download(page, path: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_test_id("viewer-download").click()
    assert info.value.suggested_filename.endswith("-nobg.png"), info.value.suggested_filename  # the CLI's name
    info.value.save_as(path)
    return path


def _cutout_checks(path: Path, size: tuple[int, int]):
    with PIL_Image.open(path) as im:
        assert im.format == "PNG", im.format
        assert im.mode == "RGBA", im.mode
        assert im.size == size, (im.size, size)
        rgba = np.asarray(im)
    alpha = rgba[..., 3]
    kept = float((alpha >= 128).mean())
    assert 0.05 < kept < 0.95, f"{path.name}: {kept:.0%} of the picture kept"
    assert ((alpha > 0) & (alpha < 255)).any(), "no soft edge at all"
    assert not rgba[alpha == 0][:, :3].any(), "colour left in fully transparent pixels"
    return alpha


def _iou(alpha, truth) -> float:
    a, b = alpha >= 128, truth >= 128
    return float(np.logical_and(a, b).sum() / np.logical_or(a, b).sum())


def test_remove_bg_offline_session(browser, server: str, corpus: Path, tmp_path: Path) -> None:  # noqa: F811
    from privpix.models import registry, store
    from privpix.models.site import CHUNK_SIZE

    fast = registry.get("fast")
    assert store.find(fast) is not None, f"{fast.file} is not in the model cache ({store.cache_dir()}): run scripts/setup"
    origin = server.rstrip("/")
    context = new_app_context(browser, origin)
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page)
    timings: dict[str, float] = {}
    try:
        page.goto(server + "#/remove-bg")
        expect(page.get_by_role("heading", level=1)).to_have_text("Remove background")
        # Before its model is here the header does not promise that this tool works offline.
        status = page.get_by_test_id("offline-status")
        expect(status).to_have_attribute("data-saved-tools", re.compile(r"(^| )remove-bg( |$)"), timeout=60_000)
        expect(status).not_to_have_attribute("data-ready-tools", re.compile(r"(^| )remove-bg( |$)"))
        expect(page.get_by_text("Works offline", exact=True)).to_have_count(0)

        # ---- first use: what the model is, then its download with a progress bar -------------------
        panel = page.get_by_test_id("model-panel")
        expect(panel).to_have_attribute("data-model-status", "missing", timeout=30_000)
        panel.get_by_text("Details", exact=True).click()
        expect(page.get_by_test_id("model-licence")).to_have_text(
            "ISNet: MIT weights in the AGPL-3.0 package @imgly/background-removal-data"
        )
        # Record every state of the progress bar (the download is quick from localhost).
        page.evaluate(
            """() => {
              window.__progress = [];
              const seen = () => {
                const bar = document.querySelector('[data-testid=model-progress]');
                if (bar) window.__progress.push([bar.value, bar.getAttribute('aria-valuetext')]);
              };
              new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
            }"""
        )
        start = time.monotonic()
        page.get_by_role("button", name="Download the model (44 MB)").click()
        expect(page.get_by_test_id("model-ready")).to_be_visible(timeout=120_000)
        expect(panel).to_have_count(0)
        expect(status).to_have_attribute("data-ready-tools", re.compile(r"(^| )remove-bg( |$)"))  # now it works offline
        timings["model download"] = time.monotonic() - start
        progress = page.evaluate("window.__progress")
        assert progress, "no progress bar was shown during the download"
        assert any(str(text).endswith("of 44.3 MB") for _, text in progress), progress[:5]
        assert [v for v, _ in progress] == sorted(v for v, _ in progress), "progress went backwards"
        assert page.evaluate(
            f"""async () => (await (await caches.open('privpix-models-v1')).match(new URL('models/{fast.file}', document.baseURI).href)) !== undefined"""
        ), "the model is not in Cache Storage"
        # The privacy panel accounts for the download too: every row with its method (the service
        # worker's fetch on the worker's behalf is logged as such, not left as "method unknown").
        expect(page.get_by_test_id("net-summary")).to_have_text(
            re.compile(r"^\d+ requests, all to this origin, none with a body\.$"), timeout=10_000
        )

        context.set_offline(True)
        requests.phase = "offline"

        # ---- a matting photo, offline -------------------------------------------------------------
        start = time.monotonic()
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / MATTING))
        row = file_row(page, Path(MATTING).name)
        wait_until_done(row, TIMEOUT)
        timings["matting photo"] = time.monotonic() - start
        viewer = page.get_by_test_id("viewer")
        expect(viewer.get_by_test_id("bg-preview")).to_have_attribute("data-background", "none")  # the cut-out, composed here
        expect(page.get_by_test_id("stats")).to_contain_text("Transparent cut-out · PNG")
        expect(page.get_by_test_id("stats")).to_contain_text("1344 × 768")
        cutout = _download(page, tmp_path / "matting.png")
        assert cutout.name.endswith(".png")
        alpha = _cutout_checks(cutout, (1344, 768))
        truth = np.asarray(PIL_Image.open(corpus / MATTING_MASK).convert("L"))
        iou = _iou(alpha, truth)
        assert iou >= IOU_FLOOR, f"IoU {iou:.3f} against the ground truth"
        timings["matting IoU"] = iou
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / "privpix-remove-bg-desktop.png"), full_page=True)

        # ---- an EXIF-rotated photo: upright ------------------------------------------------------
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / ROTATED))
        rotated_row = file_row(page, ROTATED)
        wait_until_done(rotated_row, TIMEOUT)
        rotated_row.get_by_role("button", name=ROTATED, exact=True).click()
        _cutout_checks(_download(page, tmp_path / "rotated.png"), (480, 640))

        # ---- a colour behind the subject: opaque, shown at once, made without running the model again --
        page.get_by_role("radio", name="White", exact=True).check()
        expect(page.get_by_test_id("bg-preview")).to_have_attribute("data-background", "colour")
        expect(rotated_row).to_have_attribute("data-status", re.compile(r"^(waiting|working)$"), timeout=10_000)
        wait_until_done(rotated_row, TIMEOUT)
        expect(page.get_by_test_id("stats")).to_have_attribute("data-reused", "true")
        expect(page.get_by_test_id("stats")).to_have_attribute("data-inferences", "0")
        with PIL_Image.open(_download(page, tmp_path / "on-white.png")) as im:
            assert (im.format, im.mode, im.size) == ("PNG", "RGB", (480, 640))
            white = (np.asarray(im) == 255).all(axis=-1).mean()
        assert 0.05 < white < 0.95, f"{white:.0%} white"
        command = copy_cli_command(page)
        assert command == f"privpix remove-bg {ROTATED} -o no-background --background '#ffffff'", command

        # ---- the service worker serves the model offline -------------------------------------------
        answer = page.evaluate(
            f"""async () => {{
              const r = await fetch('models/{fast.file}');
              return [r.status, (await r.arrayBuffer()).byteLength];
            }}"""
        )
        assert answer == [200, fast.size], answer

        # ---- reload offline: the tool still works, its model from Cache Storage ---------------------
        requests.phase = "reload offline"
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text("Remove background", timeout=60_000)
        expect(page.get_by_test_id("model-ready")).to_be_visible(timeout=30_000)
        start = time.monotonic()
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / MATTING))
        wait_until_done(file_row(page, Path(MATTING).name), TIMEOUT)
        timings["after reload"] = time.monotonic() - start
        again = _cutout_checks(_download(page, tmp_path / "again.png"), (1344, 768))
        assert _iou(again, alpha) > 0.999, "a different mask after the reload"
    finally:
        context.close()
        print("timings:", {k: f"{v:.2f}" for k, v in timings.items()})

    assert not errors, errors
    assert_network_stayed_private(requests, origin, [Path(MATTING).name, ROTATED])
    # The model came as its chunk list and its chunks (src/privpix/models/site.py), each once.
    chunks = [
        str(r["url"]) for r in requests if re.search(rf"models/{re.escape(fast.file)}\.\d\d$", str(r["url"])) and not r["sw"]
    ]
    assert len(chunks) == len(set(chunks)) == -(-fast.size // CHUNK_SIZE), chunks
    assert any(str(r["url"]).endswith(f"models/{fast.file}.json") for r in requests), "the chunk list was not fetched"

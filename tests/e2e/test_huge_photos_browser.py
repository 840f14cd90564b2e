"""Phone photos over the pixel budget in the web app, in real Chromium at a phone's and a laptop's size.

A 108 MP grid HEIC (as a Samsung writes it: 512×512 tiles, turned a quarter by irot) converted with
"Longest side at most" set: decoded one row of tiles at a time (web/src/engine/imaging/heic-grid.ts),
the result upright with the quadrants where they belong. Without a downscale it is refused saying
what would make it work; a huge HEIC that is not a grid is refused saying why. A 108 MP PNG stored
sideways is compressed the same way (web/src/engine/imaging/png-rows.ts). The network sees only the
app's own files.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from ..huge_files import QUADRANTS, grid_heic, irot, quadrant_png, srgb_icc
from ..test_huge_photos import single_picture_claiming
from .common import RequestLog, assert_network_stayed_private, file_row, wait_until_done, watch_errors

SHOTS = Path("/tmp")
TIMEOUT = 300_000  # ms: 18 rows of tiles through libheif's wasm on a loaded 2-core machine

pytestmark = pytest.mark.browser


def _set_number(page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True)
    toggle = page.get_by_test_id("settings").locator("button[aria-expanded=false]")
    if toggle.count():  # a phone: the settings are folded under "Settings"
        toggle.click()
    field.fill(value)
    field.press("Enter")
    field.blur()


@pytest.fixture(scope="module")
def huge_heics(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("huge")
    grid = work / "samsung-108mp.heic"
    grid.write_bytes(grid_heic(12000, 9000, irot(1), icc=srgb_icc()))
    single = work / "one-picture-108mp.heic"
    single.write_bytes(single_picture_claiming(12000, 9000))
    return grid, single


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)])
def test_a_108_mp_heic_is_converted_with_a_downscale(
    browser, server: str, huge_heics: tuple[Path, Path], tmp_path: Path, width: int, height: int
) -> None:
    grid, single = huge_heics
    origin = server.rstrip("/")
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page, console_errors=True)
    try:
        page.goto(server + "#/convert")
        expect(page.get_by_role("heading", level=1)).to_have_text("Convert")
        # no downscale: refused, saying what would make it work
        page.get_by_label("Choose images", exact=True).set_input_files(str(grid))
        row = file_row(page, grid.name)
        expect(row).to_have_attribute("data-status", "failed", timeout=TIMEOUT)
        page.screenshot(path=str(SHOTS / f"privpix-huge-heic-refused-{width}x{height}.png"), full_page=True)
        viewer = page.get_by_test_id("viewer")
        expect(viewer).to_contain_text("9000×12000 is 108.0 megapixels")
        expect(viewer).to_contain_text("with --max-dimension it is decoded at a reduced size")

        _set_number(page, "Longest side at most (px)", "2000")
        page.get_by_label("Choose images", exact=True).set_input_files([str(grid), str(single)])
        refused = page.get_by_test_id("file-row").nth(2)
        expect(refused).to_have_attribute("data-status", "failed", timeout=TIMEOUT)
        refused.get_by_role("button", name=single.name, exact=True).click()
        expect(viewer).to_contain_text("not a grid of tiles, so it cannot be decoded in parts")
        done = page.get_by_test_id("file-row").nth(1)
        wait_until_done(done, TIMEOUT)
        done.get_by_role("button", name=grid.name, exact=True).click()
        expect(viewer.get_by_test_id("output-format")).to_contain_text("1500 × 2000")
        expect(viewer.locator(".note-left")).to_have_count(0, timeout=60_000)
        expect(viewer).to_contain_text("9000 × 12000")  # the original's own size, though shown reduced
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(SHOTS / f"privpix-huge-heic-{width}x{height}.png"), full_page=True)

        with page.expect_download() as info:
            viewer.get_by_test_id("viewer-download").click()
        out = tmp_path / info.value.suggested_filename
        info.value.save_as(out)
        assert out.name == "samsung-108mp-converted.jpg"
        with Image.open(io.BytesIO(out.read_bytes())) as im:
            assert im.size == (1500, 2000)
            pixels = np.asarray(im.convert("RGB")).astype(int)
        # irot 1 (a quarter turn anticlockwise) brings the top-right (green) quadrant to the top left
        corners = [pixels[100, 100], pixels[100, -100], pixels[-100, 100], pixels[-100, -100]]
        for got, want in zip(corners, [QUADRANTS[1], QUADRANTS[3], QUADRANTS[0], QUADRANTS[2]], strict=True):
            assert np.abs(got - np.array(want)).max() <= 8, (got, want)
    finally:
        context.close()
    assert not errors, errors
    assert_network_stayed_private(requests, origin, [grid.name, single.name])


def test_a_108_mp_png_is_compressed_with_a_downscale(browser, server: str, tmp_path: Path) -> None:
    """A PNG over the budget, stored sideways (eXIf Orientation 6), read a band of rows at a time."""
    photo = tmp_path / "scan-108mp.png"
    photo.write_bytes(quadrant_png(12000, 9000, orientation=6))
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page, console_errors=True)
    try:
        page.goto(server + "#/compress")
        _set_number(page, "Longest side at most (px)", "2000")
        page.get_by_label("Choose images", exact=True).set_input_files(str(photo))
        row = file_row(page, photo.name)
        wait_until_done(row, TIMEOUT)
        viewer = page.get_by_test_id("viewer")
        expect(viewer.get_by_test_id("output-format")).to_contain_text("1500 × 2000")
        with page.expect_download() as info:
            viewer.get_by_test_id("viewer-download").click()
        with Image.open(io.BytesIO(Path(info.value.path()).read_bytes())) as im:
            assert im.size == (1500, 2000)
            pixels = np.asarray(im.convert("RGB")).astype(int)
        # a quarter turn clockwise brings the bottom-left (blue) quadrant to the top left
        corners = [pixels[100, 100], pixels[100, -100], pixels[-100, 100], pixels[-100, -100]]
        for got, want in zip(corners, [QUADRANTS[2], QUADRANTS[0], QUADRANTS[3], QUADRANTS[1]], strict=True):
            assert np.abs(got - np.array(want)).max() <= 2, (got, want)
    finally:
        context.close()
    assert not errors, errors
    assert_network_stayed_private(requests, server.rstrip("/"), [photo.name])

"""What Compress and Convert hand over in real Chromium, at a phone's size and a laptop's: an animation
stays animated (every frame) or its row says "first frame only" in the warning colour, with no size
comparison; a re-encode that would be larger hands over the original picture with its metadata removed,
and the row says so; a target size that cannot be met at a usable quality is met by downscaling, and
the row shows the new dimensions. The downloads are checked against the Python engine, and the network
must have seen nothing but the app's own files.

Screenshots go to the temporary directory (``privpix-encode-outcomes-<width>.png``).
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import pytest
from PIL import Image as PIL_Image
from playwright.sync_api import expect

import privpix

from .common import RequestLog, assert_network_stayed_private, file_row, wait_until_done, watch_errors

GIF = "pillow_iss634.gif"  # 42 frames
SMALL_JPEG = "exifsamples_DSCN0010.jpg"  # 161.7 kB, GPS; at -q 95 a re-encode is not smaller
SHOTS = Path(tempfile.gettempdir())
ENCODE_TIMEOUT = 180_000
VIEWPORTS = [(390, 844), (1366, 768)]

pytestmark = pytest.mark.browser


def _warning_colour(page) -> str:
    return str(page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--warn').trim()"))


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def assert_warned(row, sentence: str, colour: str) -> None:
    """The row says ``sentence`` instead of "Done", in the warning colour."""
    status = row.get_by_test_id("row-status")
    expect(status).to_have_class(re.compile("status-warn"))
    expect(status).to_contain_text(sentence)
    assert status.evaluate("el => getComputedStyle(el).color") == colour


def _open_settings(page) -> None:
    """On a phone the settings are folded under a "Settings" button: unfold them. First wait for the
    tool to render its settings (a button on a phone, a heading on a laptop): right after navigation
    neither exists yet, and a count of 0 would be read as "nothing to unfold"."""
    toggle = page.get_by_role("button", name="Settings", exact=True)
    expect(toggle.or_(page.get_by_role("heading", name="Settings", exact=True)).first).to_be_visible()
    if toggle.count() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


def _set_number(page, label: str, value: str) -> None:
    _open_settings(page)
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Enter")
    field.blur()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def test_animation_and_never_larger(browser, server: str, corpus: Path, tmp_path: Path, width: int, height: int) -> None:  # noqa: F811
    origin = server.rstrip("/")
    context = browser.new_context(accept_downloads=True, viewport={"width": width, "height": height})
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(server + "#/compress")
        expect(page.get_by_role("heading", level=1)).to_have_text("Compress")
        warn = _rgb(_warning_colour(page))

        # ---- an animated GIF stays animated (larger at -q 95, and the row says so); a JPEG that -q 95 would
        # make larger is kept as it was
        _set_number(page, "Quality, exact value", "95")
        page.get_by_label("Choose images", exact=True).set_input_files([str(corpus / GIF), str(corpus / SMALL_JPEG)])
        gif_row, jpeg_row = file_row(page, GIF), file_row(page, SMALL_JPEG)
        wait_until_done(gif_row, ENCODE_TIMEOUT)
        wait_until_done(jpeg_row, ENCODE_TIMEOUT)
        expect(gif_row).to_contain_text("WEBP 245 × 245 · 42 frames")
        assert_warned(gif_row, "The result is larger than the original (277.5 kB → ", warn)  # -q 95 on a GIF: said
        with page.expect_download() as info:
            gif_row.get_by_role("link", name="Download").click()
        with PIL_Image.open(io.BytesIO(Path(info.value.path()).read_bytes())) as im:
            assert im.format == "WEBP" and im.n_frames == 42

        assert_warned(jpeg_row, "Already smaller than this setting — kept the original picture, metadata removed.", warn)
        with page.expect_download() as info:
            jpeg_row.get_by_role("link", name="Download").click()
        kept = Path(info.value.path()).read_bytes()
        original = (corpus / SMALL_JPEG).read_bytes()
        assert kept == privpix.strip(original).data and len(kept) < len(original)
        page.screenshot(path=str(SHOTS / f"privpix-encode-outcomes-{width}-compress.png"), full_page=True)

        # ---- Convert to JPEG cannot hold the animation: first frame only, no size comparison ------------
        page.get_by_role("navigation", name="Tools").get_by_role("link", name="Convert").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Convert")
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / GIF))
        row = file_row(page, GIF)
        wait_until_done(row, ENCODE_TIMEOUT)
        assert_warned(row, "Animated GIF: first frame only (JPEG cannot hold an animation).", warn)
        expect(row).not_to_contain_text("smaller")
        expect(page.get_by_test_id("saved")).to_have_text("not comparable: first frame only")
        page.screenshot(path=str(SHOTS / f"privpix-encode-outcomes-{width}-convert.png"), full_page=True)
    finally:
        context.close()
    assert not errors, errors
    assert_network_stayed_private(requests, origin, [GIF, SMALL_JPEG])


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def test_target_size_downscales_and_shows_the_new_dimensions(browser, server: str, corpus: Path, width: int, height: int) -> None:  # noqa: F811
    """A 5 MP camera JPEG with a 40 kB target: below the quality floor, so it is downscaled by the least
    amount that fits, and the row says to what size, in the warning colour."""
    name = "mei_Sony_DSC-T5.jpg"  # 2592 × 1944
    origin = server.rstrip("/")
    context = browser.new_context(accept_downloads=True, viewport={"width": width, "height": height})
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(server + "#/compress")
        _open_settings(page)
        target = page.get_by_label("Target size", exact=True)
        target.fill("40KB")
        target.press("Enter")
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / name))
        row = file_row(page, name)
        wait_until_done(row, ENCODE_TIMEOUT)
        shown = row.get_by_test_id("row-status").inner_text()
        assert_warned(row, "to reach 40.0 kB: below quality", _rgb(_warning_colour(page)))
        expect(page.get_by_test_id("warnings")).to_contain_text("to reach 40.0 kB: below quality")
        with page.expect_download() as info:
            row.get_by_role("link", name="Download").click()
        data = Path(info.value.path()).read_bytes()
        assert len(data) <= 40_000
        with PIL_Image.open(io.BytesIO(data)) as im:
            assert f"Downscaled to {im.width}×{im.height}" in shown and f"JPEG {im.width} × {im.height}" in shown
            assert im.width < 2592
        page.screenshot(path=str(SHOTS / f"privpix-encode-outcomes-{width}-target.png"), full_page=True)
    finally:
        context.close()
    assert not errors, errors
    assert_network_stayed_private(requests, origin, [name])


def test_108_and_200_megapixel_phone_photos_are_compressed_with_a_downscale(browser, server: str, tmp_path: Path) -> None:  # noqa: F811
    """Decoded at a reduced DCT scale, never at full size; without a downscale it is refused with the way out."""
    from tests.test_huge_photos import SIZES, huge_jpeg

    big = tmp_path / "20261207_120000.jpg"
    big.write_bytes(huge_jpeg(*SIZES["200mp"]))
    big108 = tmp_path / "20261207_120500.jpg"
    big108.write_bytes(huge_jpeg(*SIZES["108mp"]))
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    errors = watch_errors(page)
    page.on("crash", lambda _: errors.append("the tab crashed"))
    try:
        page.goto(server + "#/compress")
        page.get_by_label("Choose images", exact=True).set_input_files(str(big))
        row = file_row(page, big.name)
        expect(row).to_have_attribute("data-status", "failed", timeout=ENCODE_TIMEOUT)
        expect(page.locator("main")).to_contain_text("with --max-dimension it is decoded at a reduced size")
        row.get_by_role("button", name=f"Remove {big.name} from the list").click()
        _set_number(page, "Longest side at most (px)", "4000")
        page.get_by_label("Choose images", exact=True).set_input_files(str(big))
        wait_until_done(file_row(page, big.name), ENCODE_TIMEOUT)
        expect(file_row(page, big.name)).to_contain_text("JPEG 4000 × 3000")
        # 108 MP is less than twice 4000 px: decoded at 1/2 all the same, to stay within the budget
        page.get_by_label("Choose images", exact=True).set_input_files(str(big108))
        wait_until_done(file_row(page, big108.name), ENCODE_TIMEOUT)
        expect(file_row(page, big108.name)).to_contain_text("JPEG 4000 × 3000")
    finally:
        context.close()
    assert not errors, errors

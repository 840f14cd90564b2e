"""Compress and Convert in real Chromium, against the built site served by ``privpix serve``.

One browser session does what a person does: open the app, wait until it works offline, go offline,
convert an iPhone HEIC to JPEG and compress a 13 MP phone JPEG through the UI, compare original and
result (drag the divider, zoom), change a setting and see the file encoded again, cancel a running job,
download each result and all of them as a ZIP, and copy the command line. The downloads must decode,
be upright, carry no GPS; the copied command must run with the Python CLI and give the same format and
dimensions. The network must have seen nothing but the app's own files.

The site is built by the README's test command (``npm ci && npm run build`` in web/) before pytest.
"""

from __future__ import annotations

import io
import re
import shlex
import subprocess
import time
import zipfile
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image as PIL_Image
from playwright.sync_api import expect

from ..conftest import ROOT, exiftool_json
from ..test_huge_photos import single_picture_claiming
from .common import (
    RequestLog,
    assert_network_stayed_private,
    copy_cli_command,
    file_row,
    new_app_context,
    open_tool_until_offline,
    wait_until_done,
    watch_errors,
)

pillow_heif.register_heif_opener()

HEIC = "pillowheif_pug.heic"  # iPhone 13 Pro, 4032 x 3024, orientation 1, GPS in EXIF
HEIC_2 = "mei_IMG_1034.heic"  # iPhone 8, 4032 x 3024, GPS
BIG_JPEG = "mei_Oppo_R7_Plus.jpg"  # 3120 x 4160 (13 MP), GPS in EXIF
SMALL_JPEG = "exifsamples_DSCN0010.jpg"  # 640 x 480, GPS in EXIF
ROTATED = "exifsamples_landscape_6.jpg"  # stored 450 x 600, EXIF orientation 6: upright 600 x 450
PRIVPIX = ROOT / ".venv" / "bin" / "privpix"
SHOTS = Path("/tmp")
ENCODE_TIMEOUT = 180_000  # ms: a 12-13 MP decode + encode on a slow 2-core machine, codecs loading first

pytestmark = pytest.mark.browser

# ---- helpers ----------------------------------------------------------------------------------------


def _upright_size(path: Path) -> tuple[int, int]:
    """Width and height as a viewer shows the file (EXIF orientation applied)."""
    from PIL import ImageOps

    with PIL_Image.open(path) as im:
        return ImageOps.exif_transpose(im).size


def _decode(path: Path) -> tuple[str, tuple[int, int]]:
    with PIL_Image.open(path) as im:
        im.load()
        return str(im.format), im.size


def _no_gps(paths: list[Path]) -> None:
    tags = exiftool_json(paths)
    for path in paths:
        gps = sorted(k for k in tags[path.name] if "GPS" in k.upper())
        assert not gps, f"{path.name} still carries {gps}"


def _run_cli(command: str, corpus: Path, name: str, work: Path) -> Path:
    """Run the copied command in a fresh directory that holds (a link to) the file it names; return the
    single output it wrote."""
    work.mkdir(parents=True, exist_ok=True)
    (work / name).symlink_to(corpus / name)
    argv = shlex.split(command)
    assert argv[0] == "privpix", command
    assert name in argv, f"the command does not name {name}: {command}"
    out = subprocess.run([str(PRIVPIX), *argv[1:]], cwd=work, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, f"{command}\n{out.stdout}\n{out.stderr}"
    out_dir = work / argv[argv.index("-o") + 1]
    written = [p for p in out_dir.iterdir() if p.is_file()]
    assert len(written) == 1, written
    return written[0]


def _set_number(page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Enter")
    field.blur()


# ---- the session ------------------------------------------------------------------------------------


def test_compress_convert_offline_session(browser, server: str, corpus: Path, tmp_path: Path) -> None:  # noqa: F811
    origin = server.rstrip("/")
    context = new_app_context(browser, origin)
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page)
    timings: dict[str, float] = {}
    try:
        open_tool_until_offline(page, server + "#/convert", "Convert")

        context.set_offline(True)
        requests.phase = "offline"

        # ---- Convert: an iPhone HEIC to JPEG -------------------------------------------------------
        expect(page.get_by_label("Format", exact=True)).to_have_value("jpeg")
        start = time.monotonic()
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / HEIC))
        row = file_row(page, HEIC)
        wait_until_done(row, ENCODE_TIMEOUT)
        timings["convert HEIC -> JPEG (12 MP)"] = time.monotonic() - start
        viewer = page.get_by_test_id("viewer")
        expect(viewer.get_by_test_id("saved")).to_have_text(
            re.compile(r"^(\d+% (smaller|larger)|<1% (smaller|larger)|the same size)$")
        )
        expect(viewer.get_by_test_id("stats")).to_contain_text(re.compile(r"Original\s*[\d.]+ (MB|kB)"))
        expect(viewer.get_by_test_id("output-format")).to_contain_text("JPEG")
        expect(viewer.get_by_test_id("output-format")).to_contain_text("4032 × 3024")
        expect(viewer).to_contain_text("GPS")  # what metadata was removed
        # Screen readers hear it.
        expect(page.locator("[role=status][aria-live=polite]").last).to_contain_text(f"{HEIC} is ready")
        # The original shows (decoded in a worker: Chromium cannot show HEIC itself).
        expect(viewer.locator(".note-left")).to_have_count(0, timeout=60_000)

        with page.expect_download() as info:
            viewer.get_by_test_id("viewer-download").click()
        converted = tmp_path / info.value.suggested_filename
        info.value.save_as(converted)
        assert converted.name == "pillowheif_pug-converted.jpg"  # the CLI's name, never the original's
        assert _decode(converted) == ("JPEG", _upright_size(corpus / HEIC))

        # The compare view: drag the divider with the mouse, then the keyboard.
        divider = page.get_by_test_id("compare-divider")
        expect(divider).to_have_attribute("aria-valuenow", "50")
        box = divider.bounding_box()
        assert box
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(cx, cy)
        page.mouse.down()
        page.mouse.move(cx - 150, cy, steps=8)
        page.mouse.up()
        moved = int(divider.get_attribute("aria-valuenow") or "50")
        assert moved < 40, f"the divider did not follow the mouse: {moved}"
        divider.focus()
        page.keyboard.press("ArrowRight")
        expect(divider).to_have_attribute("aria-valuenow", str(moved + 1))
        page.keyboard.press("End")
        expect(divider).to_have_attribute("aria-valuenow", "100")
        page.keyboard.press("Home")
        expect(divider).to_have_attribute("aria-valuenow", "0")
        page.keyboard.press("Shift+ArrowRight")
        expect(divider).to_have_attribute("aria-valuenow", "10")
        # Zoom: 100% and back to fit; the wheel zooms both sides together (one transform).
        zoom = page.get_by_test_id("zoom-level")
        fit_text = zoom.inner_text()
        page.get_by_role("button", name="100%", exact=True).click()
        expect(zoom).to_have_text("100%")
        page.get_by_role("button", name="Fit", exact=True).click()
        expect(zoom).to_have_text(fit_text)
        stage = page.get_by_test_id("compare-stage")
        sbox = stage.bounding_box()
        assert sbox
        page.mouse.move(sbox["x"] + sbox["width"] / 3, sbox["y"] + sbox["height"] / 2)
        page.mouse.wheel(0, -400)
        expect(zoom).not_to_have_text(fit_text)
        transforms = page.locator(".compare .content").evaluate_all("els => els.map(e => getComputedStyle(e).transform)")
        assert len(transforms) == 2 and transforms[0] == transforms[1] != "none", transforms

        # Copy the command line; the Python CLI makes the same thing.
        command = copy_cli_command(page)
        assert command.startswith(f"privpix convert {HEIC} -o converted --to jpeg"), command
        native = _run_cli(command, corpus, HEIC, tmp_path / "cli-convert")
        assert converted.name == f"{native.stem}-converted{native.suffix}"  # -o DIR keeps the name; a download is tagged
        assert _decode(native) == _decode(converted)

        # Cancel a running job: the second HEIC to AVIF (slow), cancelled while it runs.
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / HEIC_2))
        second = file_row(page, HEIC_2)
        second.get_by_role("button", name=HEIC_2, exact=True).click()
        page.get_by_label("Format", exact=True).select_option("avif")
        expect(second).to_have_attribute("data-status", "working", timeout=30_000)
        expect(page.get_by_role("progressbar", name=f"Progress of {HEIC_2}")).to_be_visible()
        expect(page.get_by_role("progressbar", name="Overall progress")).to_be_visible()
        second.get_by_role("button", name="Cancel").click()
        expect(second).to_have_attribute("data-status", "cancelled")
        expect(second).to_contain_text("Cancelled")
        expect(page.get_by_role("progressbar", name="Overall progress")).to_have_count(0)
        expect(page.get_by_test_id("progress")).to_contain_text("1 of 2 ready · 1 cancelled")
        # The first file was not touched by the second's settings.
        expect(row).to_have_attribute("data-status", "done")
        page.wait_for_timeout(1500)  # a cancelled job must not come back
        expect(second).to_have_attribute("data-status", "cancelled")
        second.get_by_role("button", name=f"Remove {HEIC_2} from the list").click()
        expect(page.get_by_test_id("file-row")).to_have_count(1)

        # ---- Compress: a 13 MP phone JPEG -----------------------------------------------------------
        page.get_by_role("navigation", name="Tools").get_by_role("link", name="Compress").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Compress")
        _set_number(page, "Quality, exact value", "60")
        expect(page.get_by_test_id("cli-command")).to_contain_text("-q 60")
        start = time.monotonic()
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / BIG_JPEG))
        row = file_row(page, BIG_JPEG)
        wait_until_done(row, ENCODE_TIMEOUT)
        timings["compress JPEG q60 (13 MP)"] = time.monotonic() - start
        viewer = page.get_by_test_id("viewer")
        expect(viewer.get_by_test_id("output-format")).to_contain_text("JPEG q60 · 3120 × 4160")
        expect(viewer.get_by_test_id("saved")).to_have_text(re.compile(r"^\d+% smaller$"))
        expect(row).to_contain_text(re.compile(r"[\d.]+ MB → [\d.]+ (kB|MB) · \d+% smaller"))

        # Changing a setting encodes the file again and updates the view.
        start = time.monotonic()
        _set_number(page, "Longest side at most (px)", "1600")
        expect(row).not_to_have_attribute("data-status", "done", timeout=5_000)
        wait_until_done(row, ENCODE_TIMEOUT)
        timings["re-encode at 1600 px"] = time.monotonic() - start
        expect(viewer.get_by_test_id("output-format")).to_contain_text("1200 × 1600")

        with page.expect_download() as info:
            row.get_by_role("link", name="Download").click()
        compressed = tmp_path / info.value.suggested_filename
        info.value.save_as(compressed)
        assert compressed.name == BIG_JPEG.replace(".jpg", "-compressed.jpg")
        assert _decode(compressed) == ("JPEG", (1200, 1600))
        assert compressed.stat().st_size < (corpus / BIG_JPEG).stat().st_size

        command = copy_cli_command(page)
        assert command == f"privpix compress {BIG_JPEG} -o compressed -q 60 --max-dimension 1600", command
        native = _run_cli(command, corpus, BIG_JPEG, tmp_path / "cli-compress")
        assert _decode(native) == _decode(compressed)

        # A second file starts with the last settings; a target size it cannot meet even downscaled says so.
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / SMALL_JPEG))
        small = file_row(page, SMALL_JPEG)
        wait_until_done(small, ENCODE_TIMEOUT)
        expect(page.get_by_role("button", name="Apply to all 2 files")).to_be_disabled()  # same settings
        small.get_by_role("button", name=SMALL_JPEG, exact=True).click()
        expect(page.get_by_test_id("settings-for")).to_contain_text(SMALL_JPEG)
        target = page.get_by_label("Target size", exact=True)
        target.fill("100")  # bytes: not even 16 px fit (a 1 KB target is met by downscaling)
        target.press("Enter")
        expect(page.get_by_label("Quality", exact=True)).to_be_disabled()  # the search picks it
        expect(small).to_have_attribute("data-status", "done", timeout=ENCODE_TIMEOUT)
        expect(small).to_contain_text("target not met", timeout=ENCODE_TIMEOUT)
        expect(page.get_by_test_id("warnings")).to_contain_text("could not reach 100 bytes: even 16×12 at quality")
        target.fill("")
        target.press("Enter")
        _set_number(page, "Quality, exact value", "50")
        wait_until_done(small, ENCODE_TIMEOUT)
        expect(page.get_by_test_id("output-format")).to_contain_text("JPEG q50 · 640 × 480")

        # Apply to all: the first file is encoded again with the second's settings.
        page.get_by_role("button", name="Apply to all 2 files").click()
        expect(row).not_to_have_attribute("data-status", "done", timeout=5_000)
        wait_until_done(row, ENCODE_TIMEOUT)
        expect(page.get_by_role("button", name="Apply to all 2 files")).to_be_disabled()
        expect(page.get_by_test_id("cli-command")).to_have_text(
            f"privpix compress {BIG_JPEG} {SMALL_JPEG} -o compressed -q 50 --max-dimension 1600"
        )
        row.get_by_role("button", name=BIG_JPEG, exact=True).click()
        expect(page.get_by_test_id("output-format")).to_contain_text("JPEG q50 · 1200 × 1600")

        # Cancelling a change undoes it: the file keeps its result and the settings it was made with.
        # (Lossless PNG of 1200 x 1600 takes over a second: long enough to cancel on a fast machine.)
        page.get_by_label("Format", exact=True).select_option("png")
        expect(row).to_have_attribute("data-status", "working", timeout=10_000)
        page.get_by_test_id("viewer").get_by_role("button", name="Cancel").click()
        expect(row).to_have_attribute("data-status", "done")
        expect(page.get_by_label("Format", exact=True)).to_have_value("keep")
        expect(page.get_by_test_id("output-format")).to_contain_text("JPEG q50 · 1200 × 1600")

        # Download all: one ZIP with both results under their download names.
        with page.expect_download() as info:
            page.get_by_role("button", name="Download all", exact=True).click()
        with zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())) as archive:
            assert sorted(archive.namelist()) == sorted(n.replace(".jpg", "-compressed.jpg") for n in [BIG_JPEG, SMALL_JPEG])
            for name in archive.namelist():
                with PIL_Image.open(io.BytesIO(archive.read(name))) as im:
                    assert im.format == "JPEG"
            compressed.write_bytes(archive.read(BIG_JPEG.replace(".jpg", "-compressed.jpg")))
        assert _decode(compressed) == ("JPEG", (1200, 1600))

        _no_gps([converted, compressed])

        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / "privpix-compress-desktop.png"), full_page=True)
    finally:
        context.close()
        print("timings:", {k: f"{v:.1f} s" for k, v in timings.items()})

    assert not errors, errors
    assert_network_stayed_private(requests, origin, [HEIC, HEIC_2, BIG_JPEG, SMALL_JPEG])


def test_phone_dark_keyboard(browser, server: str, corpus: Path) -> None:  # noqa: F811
    """On a phone in dark mode: no sideways scrolling with a result on screen; the divider and the zoom
    buttons are reachable with Tab, focus is visible, and the divider moves with the arrow keys."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark", has_touch=True)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(server + "#/compress")
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / SMALL_JPEG))
        wait_until_done(page.get_by_test_id("file-row"), ENCODE_TIMEOUT)
        expect(page.get_by_test_id("viewer").locator(".note-left")).to_have_count(0, timeout=30_000)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        divider = page.get_by_test_id("compare-divider")
        for _ in range(40):
            page.keyboard.press("Tab")
            if divider.evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail("the divider cannot be reached with Tab")
        outline = page.locator(".divider-handle").evaluate("el => getComputedStyle(el).outlineStyle")
        assert outline == "solid", "no visible focus on the divider"
        page.keyboard.press("ArrowLeft")
        expect(divider).to_have_attribute("aria-valuenow", "49")
        page.keyboard.press("Tab")  # the zoom buttons come next
        assert page.evaluate("document.activeElement.closest('.zoom-bar') !== null")
        page.keyboard.press("Enter")  # zoom out
        expect(page.get_by_test_id("zoom-level")).not_to_have_text("100%")
        page.screenshot(path=str(SHOTS / "privpix-compress-phone-dark.png"), full_page=True)
    finally:
        context.close()
    assert not errors, errors


def test_orientation_is_applied_once(browser, server: str, corpus: Path) -> None:  # noqa: F811
    """A JPEG with EXIF orientation 6 comes out upright (600 x 450), as the Python CLI makes it, and
    the original is shown upright too."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(server + "#/convert")
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / ROTATED))
        wait_until_done(page.get_by_test_id("file-row"), ENCODE_TIMEOUT)
        upright = _upright_size(corpus / ROTATED)
        expect(page.get_by_test_id("output-format")).to_contain_text(f"{upright[0]} × {upright[1]}")
        expect(page.get_by_test_id("viewer")).to_contain_text(f"JPEG · 137.6 kB · {upright[0]} × {upright[1]}")
    finally:
        context.close()


def test_big_photos(browser, server: str, tmp_path: Path) -> None:  # noqa: F811
    """A 50 MP photo is compressed without taking the tab down; one beyond the pixel budget that cannot
    be decoded reduced is refused with the engine's clear message, and the page goes on working."""
    from PIL import ImageDraw

    big = tmp_path / "fifty-megapixels.jpg"
    im = PIL_Image.new("RGB", (8660, 5780), (40, 90, 140))
    draw = ImageDraw.Draw(im)
    for i in range(0, 8660, 173):
        draw.line([(i, 0), (8660 - i, 5780)], fill=(200, 120 + i % 100, 60), width=9)
    im.save(big, quality=85)
    del im, draw
    huge = tmp_path / "too-many-pixels.heic"
    huge.write_bytes(single_picture_claiming(11000, 10000))  # 110 MP in one coded picture: cannot be reduced

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("crash", lambda _: errors.append("the tab crashed"))
    try:
        page.goto(server + "#/compress")
        _set_number(page, "Longest side at most (px)", "2400")
        start = time.monotonic()
        page.get_by_label("Choose images", exact=True).set_input_files([str(big), str(huge)])
        refused = file_row(page, huge.name)
        expect(refused).to_have_attribute("data-status", "failed", timeout=ENCODE_TIMEOUT)
        expect(refused).to_contain_text("megapixels")
        expect(refused).to_contain_text("not a grid of tiles, so it cannot be decoded in parts")
        wait_until_done(file_row(page, big.name), ENCODE_TIMEOUT)
        print(f"50 MP compress to 2400 px: {time.monotonic() - start:.1f} s")
        expect(page.get_by_test_id("output-format")).to_contain_text(re.compile(r"2400 × 160[12]"))
        assert page.evaluate("1 + 1") == 2
        expect(page.get_by_test_id("progress")).to_contain_text("1 of 2 ready · 1 failed")

        # Cancel all: two more 50 MP encodes, stopped while the first runs; the finished one stays.
        page.get_by_label("Choose images", exact=True).set_input_files([str(big), str(big)])
        expect(page.get_by_role("progressbar", name="Overall progress")).to_be_visible()
        expect(page.get_by_test_id("file-row").nth(2)).to_have_attribute("data-status", "working", timeout=30_000)
        page.get_by_role("button", name="Cancel all").click()
        expect(page.get_by_test_id("progress")).to_have_text("1 of 4 ready · 1 failed · 2 cancelled")
        expect(page.get_by_role("progressbar", name="Overall progress")).to_have_count(0)
        page.wait_for_timeout(1500)
        expect(page.get_by_test_id("progress")).to_have_text("1 of 4 ready · 1 failed · 2 cancelled")
    finally:
        context.close()
    assert not errors, errors

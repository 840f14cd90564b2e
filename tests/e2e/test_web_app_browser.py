"""The web app as a person uses it on a phone (390×844, touch) and a laptop (1366×768), in real Chromium
against the built site (issue 12):

- right after a photo is chosen, dropped anywhere on the page, or pasted, its result (or its row) is on
  screen, on every tool; on a phone the settings are folded under "Settings" and the hints speak of
  fingers, not keys;
- the erase editor (photo, tools, Erase) fits the screen with nothing to scroll, and stays where it was
  after an erase; it can be used with the keyboard alone (a box moved with the arrow keys), announced;
- a file that is not a picture fails at once in one sentence (the technical text behind "Details"),
  shown once, with no "Try again"; Remove background says in the row what it needs before its model is
  here and offers the download there, and offline says the model must come first;
- the update bar can be dismissed, covers nothing, and never reloads over a batch without asking;
- results can be shared (Web Share API) beside Download, under the CLI's names;
- axe-core finds nothing serious or critical on any tool at either size, nor in the erase editor.

The site is built by the README's test command before pytest.
"""

from __future__ import annotations

import base64
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from privpix.server import make_server

from .common import SITE, RequestLog, assert_network_stayed_private, axe_violations, file_row, wait_until_saved, watch_errors

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
SIZES = {"phone": PHONE, "laptop": LAPTOP}
HEIC = "pillowheif_pug.heic"
JPEG = "exifsamples_DSCN0010.jpg"
ROCKET = "skimage_rocket.jpg"  # 640 × 427
NOT_A_PICTURE = "broken_text_file.jpg"  # a text file named .jpg
KEYWORDS = "mei_Nokia_Lumia_800.jpg"  # the same keywords in IPTC and in XMP
ANIMATED = "pillow_iss634.gif"  # an animated GIF: compressing it warns
TIMEOUT = 180_000


# ---- helpers ----------------------------------------------------------------------------------------


def _context(browser: Any, size: str, **extra: Any) -> Any:
    return browser.new_context(**SIZES[size], accept_downloads=True, **extra)


def _open(page: Any, server: str, tool: str, heading: str) -> None:
    page.goto(f"{server}#/{tool}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def _wait_on_screen(page: Any, selector: str, what: str) -> None:
    """Wait until the first element matching ``selector`` has its top on screen with at least 120 px (or
    all of it, when smaller) visible below it, without the test scrolling."""
    try:
        page.wait_for_function(
            """sel => {
              const el = document.querySelector(sel);
              if (!el) return false;
              const r = el.getBoundingClientRect();
              return r.top >= 0 && r.top + Math.min(r.height, 120) <= innerHeight;
            }""",
            arg=selector,
            timeout=10_000,
        )
    except Exception as e:
        box = page.evaluate("sel => document.querySelector(sel)?.getBoundingClientRect().top ?? null", selector)
        raise AssertionError(f"{what} is not on screen after intake (its top is at {box} px)") from e


def _first_reveal(page: Any) -> str:
    """The selector of the element a new file brings on screen: the first marked with data-reveal."""
    key = page.locator("[data-reveal]").first.get_attribute("data-reveal")
    return f'[data-reveal="{key}"]'


def _file_in_page(page: Any, path: Path, event: str) -> None:
    """Hand ``path`` to the page as a person's drop (on the footer, far from the drop zone) or a paste."""
    data = base64.b64encode(path.read_bytes()).decode()
    page.evaluate(
        """async ([b64, name, event]) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const dt = new DataTransfer();
          dt.items.add(new File([bytes], name, { type: 'image/jpeg' }));
          const target = document.querySelector('footer');
          if (event === 'drop') {
            target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
            await new Promise((r) => requestAnimationFrame(r));
            window.__overlay = !!document.querySelector('[data-testid=drop-overlay]');
            target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
          } else if (event === 'paste') {
            target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
          }
        }""",
        [data, path.name, event],
    )


def _settings_folded(page: Any, size: str) -> None:
    toggle = page.get_by_role("button", name="Settings", exact=True)
    if size == "phone":
        expect(toggle).to_have_attribute("aria-expanded", "false")
    else:
        expect(toggle).to_have_count(0)
        expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()


def _no_keyboard_hints_on_touch(page: Any, size: str) -> None:
    if size == "phone":
        assert not page.locator("main kbd:visible").count(), page.locator("main kbd:visible").all_inner_texts()
        expect(page.locator("main")).not_to_contain_text("Ctrl")


# ---- 1. the result on screen right after intake, on every tool ----------------------------------------


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_result_on_screen_after_intake(browser: Any, server: str, corpus: Path, size: str) -> None:
    context = _context(browser, size)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        # Metadata: chosen with the file picker. The card of the photo is on screen (it was 1456 px down).
        _open(page, server, "strip", "Metadata")
        _no_keyboard_hints_on_touch(page, size)
        if size == "phone":
            header = page.locator("header.top").bounding_box()["height"]
            assert header <= 100, f"the phone header takes {header:.0f} px"
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / HEIC))
        _wait_on_screen(page, _first_reveal(page), "the Metadata result")
        _settings_folded(page, size)

        # Compress: dropped on the page's footer, far from the drop zone.
        _open(page, server, "compress", "Compress")
        page.evaluate("window.scrollTo(0, 0)")
        _file_in_page(page, corpus / JPEG, "drop")
        assert page.evaluate("window.__overlay") is True, "no 'drop here' overlay while files are dragged over the page"
        expect(file_row(page, JPEG)).to_have_count(1)
        _wait_on_screen(page, _first_reveal(page), "the Compress result")
        _settings_folded(page, size)
        _no_keyboard_hints_on_touch(page, size)

        # The size, the change and the encode state sit beside the quality slider (on a phone: at the
        # top of the screen while the settings are open).
        expect(file_row(page, JPEG)).to_have_attribute("data-status", "done", timeout=TIMEOUT)
        if size == "phone":
            page.get_by_role("button", name="Settings", exact=True).click()
        slider = page.get_by_role("slider", name="Quality")
        slider.scroll_into_view_if_needed()
        readout = page.get_by_test_id("readout-size")
        expect(readout).to_be_in_viewport()
        expect(page.get_by_test_id("readout-change")).to_have_text(re.compile(r"\d+% smaller"))
        expect(slider).to_be_in_viewport()
        slider.focus()
        page.keyboard.press("ArrowLeft")
        expect(page.get_by_test_id("readout-state")).to_have_text(re.compile(r"Waiting for your changes|Encoding|Starting"))
        expect(page.get_by_test_id("readout-state")).to_be_in_viewport()

        # Convert: pasted.
        _open(page, server, "convert", "Convert")
        page.evaluate("window.scrollTo(0, 0)")
        _file_in_page(page, corpus / JPEG, "paste")
        expect(file_row(page, JPEG)).to_have_count(1)
        _wait_on_screen(page, _first_reveal(page), "the Convert result")

        # Remove background, before its model is here: the photo's row and viewer say what it needs.
        _open(page, server, "remove-bg", "Remove background")
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / JPEG))
        _wait_on_screen(page, _first_reveal(page), "the Remove background result")

        # Erase: the editor is the screen, nothing to scroll.
        _open(page, server, "erase", "Erase objects")
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / ROCKET))
        editor = page.get_by_test_id("editor")
        expect(editor).to_have_attribute("data-status", "ready", timeout=60_000)
        _editor_fits(page)
        _no_keyboard_hints_on_touch(page, size)
        expect(page.get_by_test_id("advanced-settings")).not_to_have_attribute("open", "")

        # After an erase the view stays where it was.
        stage = page.get_by_test_id("erase-stage").bounding_box()
        page.mouse.move(stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] * 0.35)
        page.mouse.down()
        page.mouse.move(stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] * 0.6, steps=5)
        page.mouse.up()
        before = page.evaluate("[scrollY, document.querySelector('[data-testid=editor]').getBoundingClientRect().top]")
        page.get_by_role("button", name="Erase", exact=True).click()
        expect(editor).to_have_attribute("data-status", "ready", timeout=TIMEOUT)
        expect(page.get_by_test_id("erase-note")).to_contain_text("Erased")
        after = page.evaluate("[scrollY, document.querySelector('[data-testid=editor]').getBoundingClientRect().top]")
        assert after == before, f"the view moved after Erase: {before} -> {after}"
        _editor_fits(page)
    finally:
        context.close()
    assert not errors, errors


def _editor_fits(page: Any) -> None:
    """Photo, tools and the Erase button all inside the viewport, the photo taking most of it."""
    fit = page.evaluate(
        """() => {
          const box = (el) => el.getBoundingClientRect();
          const editor = box(document.querySelector('[data-testid=editor]'));
          const stage = box(document.querySelector('[data-testid=erase-stage]'));
          const erase = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Erase');
          return { top: editor.top, bottom: editor.bottom, vh: innerHeight, stage: stage.height, erase: box(erase).bottom };
        }"""
    )
    assert fit["top"] >= 0 and fit["bottom"] <= fit["vh"], f"the editor does not fit the screen: {fit}"
    assert fit["erase"] <= fit["vh"], f"the Erase button is below the screen: {fit}"
    assert fit["stage"] >= 0.45 * fit["vh"], f"the photo has too little room: {fit}"


# ---- 2. keyboard only: erase with a box ------------------------------------------------------------------


def test_keyboard_only_erase(browser: Any, server: str, corpus: Path) -> None:
    context = _context(browser, "laptop")
    page = context.new_page()
    errors = watch_errors(page)

    def tab_to(predicate: str, what: str) -> None:
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate(predicate):
                return
        raise AssertionError(f"{what} cannot be reached with Tab")

    try:
        _open(page, server, "erase", "Erase objects")
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / ROCKET))  # the file dialog
        expect(page.get_by_test_id("editor")).to_have_attribute("data-status", "ready", timeout=60_000)
        page.evaluate("document.activeElement?.blur()")

        tab_to("document.activeElement?.getAttribute('title')?.startsWith('Rectangle')", "the Rectangle tool")
        page.keyboard.press("Enter")
        expect(page.get_by_role("button", name="Rectangle")).to_have_attribute("aria-pressed", "true")
        tab_to("document.activeElement?.dataset.testid === 'erase-stage'", "the photo")
        expect(page.get_by_test_id("key-box")).to_be_visible()
        live = page.locator("[role=status][aria-live=polite]").last
        expect(live).to_contain_text("Box 160 by 107 pixels")  # a quarter of 640 × 427, in the middle
        for key in ["ArrowRight", "ArrowRight", "ArrowUp", "Shift+ArrowLeft", "Shift+ArrowDown"]:
            page.keyboard.press(key)
        # Steps of 16 px (4 × 1% of the short side): right, right, up, narrower, taller.
        expect(live).to_contain_text("Box 144 by 123 pixels, 272 from the left, 144 from the top.")
        page.keyboard.press("Enter")
        expect(live).to_contain_text("Added to the mask")
        expect(page.get_by_test_id("cli-command")).to_have_text(f"privpix erase {ROCKET} --box 272,144,144,123")
        page.keyboard.press("Control+Enter")
        expect(page.get_by_test_id("editor")).to_have_attribute("data-status", "ready", timeout=TIMEOUT)
        expect(page.get_by_test_id("erase-note")).to_contain_text("Erased")

        # Download with the keyboard too: the CLI's name. Then opening another photo asks nothing.
        tab_to("document.activeElement?.dataset.testid === 'erase-download'", "Download")
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        assert info.value.suggested_filename == "skimage_rocket-erased.jpg"
        assert axe_violations(page) == []
    finally:
        context.close()
    assert not errors, errors


def test_erase_asks_in_the_page_before_dropping_erases(browser: Any, server: str, corpus: Path) -> None:
    """Opening another photo over erases not downloaded asks in an in-page dialog (no native confirm());
    once they are downloaded it asks nothing."""
    context = _context(browser, "phone")
    page = context.new_page()
    page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError(f"a native dialog: {d.message}")))
    try:
        _open(page, server, "erase", "Erase objects")
        chooser = page.get_by_label("Choose images", exact=True)
        chooser.set_input_files(str(corpus / ROCKET))
        expect(page.get_by_test_id("editor")).to_have_attribute("data-status", "ready", timeout=60_000)
        page.get_by_role("button", name="Rectangle").click()
        page.get_by_test_id("erase-stage").focus()
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Erase", exact=True).click()
        expect(page.get_by_test_id("erase-note")).to_contain_text("Erased", timeout=TIMEOUT)
        # The checkerboard shows only behind transparency: not behind this JPEG.
        assert "checkerboard" not in (page.get_by_test_id("erase-stage").get_attribute("class") or "")

        opener = page.get_by_label("Open another photo")
        opener.set_input_files(str(corpus / JPEG))
        dialog = page.get_by_test_id("dialog")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("are not kept")
        dialog.get_by_role("button", name="Keep editing").click()
        expect(page.get_by_role("heading", name=ROCKET)).to_be_visible()

        with page.expect_download():
            page.get_by_test_id("erase-download").click()
        opener.set_input_files(str(corpus / JPEG))
        expect(page.get_by_role("heading", name=JPEG)).to_be_visible(timeout=60_000)
        expect(dialog).not_to_be_visible()
    finally:
        context.close()


# ---- 3. problems: one sentence, once; the model's row -------------------------------------------------


def test_problems_are_one_sentence_and_the_model_row_offers_the_download(browser: Any, server: str, corpus: Path) -> None:
    context = _context(browser, "laptop")
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        # Compress: a text file named .jpg fails at once, one sentence shown once, no "Try again".
        _open(page, server, "compress", "Compress")
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / NOT_A_PICTURE))
        row = file_row(page, NOT_A_PICTURE)
        expect(row).to_have_attribute("data-status", "failed", timeout=60_000)
        sentence = "This is not a picture privpix can open"
        expect(page.locator("main").get_by_text(re.compile(sentence))).to_have_count(1)
        expect(page.get_by_role("button", name="Try again")).to_have_count(0)
        details = page.get_by_test_id("problem").get_by_text("Details", exact=True)
        details.click()
        expect(page.get_by_test_id("problem")).to_contain_text("not an image privpix can read")

        # A result with a warning says so in its row, in the warning colour, instead of "Done" (an animation
        # written as JPEG keeps its first frame only).
        page.get_by_label("Format", exact=True).select_option("jpeg")
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / ANIMATED))
        gif = file_row(page, ANIMATED)
        expect(gif).to_have_attribute("data-status", "done", timeout=TIMEOUT)
        status = gif.get_by_test_id("row-status")
        expect(status).to_contain_text("Animated GIF: first frame only (JPEG cannot hold an animation).")
        expect(status).not_to_contain_text("Done")
        warn = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--warn').trim()")
        colour = status.evaluate("el => getComputedStyle(el).color")
        probe = page.evaluate(
            """w => { const e = document.createElement('i'); e.style.color = w; document.body.append(e);
                      const c = getComputedStyle(e).color; e.remove(); return c; }""",
            warn,
        )
        assert colour == probe, (colour, warn)

        # Remove background before its model: the row says what it needs and offers the download (size
        # once, one unit); no busy progress bar. The text file fails at once, model or not.
        _open(page, server, "remove-bg", "Remove background")
        page.get_by_label("Choose images", exact=True).set_input_files([str(corpus / JPEG), str(corpus / NOT_A_PICTURE)])
        photo = file_row(page, JPEG)
        expect(photo.get_by_test_id("model-needed")).to_have_text("Needs the model, downloaded once.")
        expect(photo.get_by_role("button", name="Download the model (44 MB)")).to_be_visible()
        expect(photo.locator("progress")).to_have_count(0)
        expect(file_row(page, NOT_A_PICTURE)).to_have_attribute("data-status", "failed", timeout=30_000)
        expect(file_row(page, NOT_A_PICTURE)).to_contain_text(sentence)

        # Offline, no model cached: the row says so in words, not "Failed to fetch".
        context.set_offline(True)
        photo.get_by_role("button", name=re.compile(r"^Download the model")).click()
        expect(photo.get_by_test_id("model-needed")).to_have_text(
            "The model is not on this device yet — connect to the internet once to download it.", timeout=30_000
        )
        expect(page.get_by_text("Failed to fetch")).to_have_count(0)
        expect(photo.get_by_role("button", name="Try again")).to_be_visible()
    finally:
        context.close()
    assert not errors, errors
    assert_network_stayed_private(requests, server.rstrip("/"), [JPEG, NOT_A_PICTURE])


def test_keywords_once_and_heic_thumbnail(browser: Any, server: str, corpus: Path) -> None:
    """The same keywords in IPTC and XMP are listed once; a HEIC row has a thumbnail, as an AVIF has.
    (Files handed over by the share target and "open with": tests/e2e/test_static_host_browser.py.)"""
    context = _context(browser, "laptop")
    page = context.new_page()
    try:
        _open(page, server, "strip", "Metadata")
        page.get_by_label("Choose images", exact=True).set_input_files([str(corpus / KEYWORDS), str(corpus / HEIC)])
        card = page.locator("li.file").filter(has=page.get_by_role("heading", name=KEYWORDS, exact=True))
        expect(card).to_have_attribute("data-status", "done", timeout=60_000)
        people = card.locator(".summary-line").filter(has_text="People:").inner_text()
        assert people.count("Keywords") == 1, people
        heic = page.locator("li.file").filter(has=page.get_by_role("heading", name=HEIC, exact=True))
        expect(heic.get_by_test_id("thumbnail")).to_be_attached(timeout=60_000)
        assert heic.get_by_test_id("thumbnail").evaluate("c => c.width > 0 && c.height > 0")
    finally:
        context.close()


# ---- 4. share, beside Download -------------------------------------------------------------------------


def test_share_beside_download(browser: Any, server: str, corpus: Path) -> None:
    """Where the browser can share files (a phone), each result has Share beside Download; it hands the
    file over under its download name. The share sheet is the browser's: stood in for here."""
    context = _context(browser, "phone")
    context.add_init_script(
        """navigator.canShare = (data) => !!data && Array.isArray(data.files) && data.files.length > 0;
           navigator.share = async (data) => { window.__shared = data.files.map((f) => [f.name, f.size, f.type]); };"""
    )
    page = context.new_page()
    try:
        _open(page, server, "compress", "Compress")
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / JPEG))
        row = file_row(page, JPEG)
        expect(row).to_have_attribute("data-status", "done", timeout=TIMEOUT)
        row.get_by_role("button", name="Share").click()
        page.wait_for_function("window.__shared !== undefined")
        name, size, kind = page.evaluate("window.__shared[0]")
        assert (name, kind) == ("exifsamples_DSCN0010-compressed.jpg", "image/jpeg") and size > 0
    finally:
        context.close()


# ---- 5. the update bar -------------------------------------------------------------------------------


@pytest.fixture
def own_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A copy of the built site on a server of its own, so a test can publish a new version of it."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root, ignore=shutil.ignore_patterns("models"))
    server = make_server("127.0.0.1", 0, root=root, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()


def test_update_bar_keeps_the_batch(browser: Any, own_site: tuple[str, Path], corpus: Path) -> None:
    url, root = own_site
    context = _context(browser, "laptop")
    page = context.new_page()
    try:
        _open(page, url, "compress", "Compress")
        wait_until_saved(page, "compress", timeout=60_000)  # the service worker controls the page
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / JPEG))
        expect(file_row(page, JPEG)).to_have_attribute("data-status", "done", timeout=TIMEOUT)

        # A new version is published; the page finds it.
        sw = root / "sw.js"
        sw.write_text(sw.read_text() + "\n// a new version\n")
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        bar = page.get_by_test_id("update-bar")
        expect(bar).to_be_visible(timeout=60_000)
        # It sits in the page's flow: it covers no control.
        assert bar.evaluate("el => getComputedStyle(el).position") == "static"
        assert not bar.evaluate(
            """el => { const r = el.getBoundingClientRect();
                       return [...document.querySelectorAll('button, a, input, select')].some((c) => {
                         if (el.contains(c)) return false;
                         const b = c.getBoundingClientRect();
                         return b.width && b.height && b.left < r.right && b.right > r.left && b.top < r.bottom && b.bottom > r.top;
                       }); }"""
        ), "the update bar overlaps a control"

        # Update with a result on the page: it asks, and "Not now" keeps everything.
        bar.get_by_role("button", name="Update", exact=True).click()
        dialog = page.get_by_test_id("dialog")
        expect(dialog).to_contain_text("the one file on it would be lost")
        dialog.get_by_role("button", name="Not now").click()
        expect(file_row(page, JPEG)).to_have_attribute("data-status", "done")

        # "Update when my list is empty": nothing happens until the list is cleared, then it reloads.
        bar.get_by_role("button", name="Update", exact=True).click()
        dialog.get_by_role("button", name="Update when my list is empty").click()
        expect(bar).to_contain_text("once your list is empty")
        time.sleep(1.0)
        expect(file_row(page, JPEG)).to_have_attribute("data-status", "done")
        with page.expect_navigation(timeout=60_000):
            page.get_by_role("button", name="Clear list").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Compress")
        expect(page.get_by_test_id("update-bar")).to_have_count(0, timeout=30_000)

        # "Later" dismisses it.
        sw.write_text(sw.read_text() + "\n// and another\n")
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        expect(bar).to_be_visible(timeout=60_000)
        bar.get_by_role("button", name="Later").click()
        expect(bar).to_have_count(0)
    finally:
        context.close()


# ---- 6. axe-core at both sizes, every tool, the erase editor --------------------------------------------


@pytest.mark.parametrize("size", ["phone", "laptop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_clean(browser: Any, server: str, corpus: Path, size: str, scheme: str) -> None:
    context = _context(browser, size, color_scheme=scheme)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    try:
        for tool, heading, name in (
            ("strip", "Metadata", HEIC),
            ("compress", "Compress", JPEG),
            ("convert", "Convert", JPEG),
            ("remove-bg", "Remove background", JPEG),
        ):
            _open(page, server, tool, heading)
            found[f"{tool} empty"] = axe_violations(page)
            page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / name))
            page.locator("[data-reveal]").first.wait_for()
            if tool in ("compress", "convert"):
                expect(file_row(page, name)).to_have_attribute("data-status", "done", timeout=TIMEOUT)
            if size == "phone":
                page.get_by_role("button", name="Settings", exact=True).click()
            found[f"{tool} with a file"] = axe_violations(page)
        _open(page, server, "erase", "Erase objects")
        page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / ROCKET))
        expect(page.get_by_test_id("editor")).to_have_attribute("data-status", "ready", timeout=60_000)
        found["erase editor"] = axe_violations(page)
    finally:
        context.close()
    bad = {k: v for k, v in found.items() if v}
    assert not bad, bad

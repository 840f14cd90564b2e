"""The metadata tool in real Chromium, against the built site served by ``privpix serve`` (and, in
test_static_host_browser.py, by nginx with the configuration ``privpix build-site`` writes).

One browser session does what a person does: open the app, wait until it says it works offline, go
offline, add photos (one of them broken), read what they give away, download each stripped file and
all of them as a ZIP. The downloads must be byte-identical to the CLI's output, and the network must
have seen nothing but the app's own files: every request on the page's origin, GET/HEAD only, no body,
no file name in any URL. The privacy panel must list every request the browser made.

The site is built by the README's test command (``npm ci && npm run build`` in web/) before pytest;
this module builds nothing unless ``src/privpix/site/index.html`` is missing.
"""

from __future__ import annotations

import gzip
import io
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ..conftest import ROOT
from .common import RequestLog, assert_network_stayed_private, wait_until_saved, watch_errors

GOOD = ["pillowheif_pug.heic", "exifsamples_DSCN0010.jpg", "mei_HTC_Desire.webp"]
BROKEN = "broken_text_file.jpg"
SCREENSHOT = Path("/tmp/privpix-metadata.png")
FIRST_LOAD_BUDGET = 200 * 1024  # gzip bytes of JS+CSS the page loads before a tool is used

pytestmark = pytest.mark.browser


# ---- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cli_outputs(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What ``privpix strip FILE -o DIR`` writes for each good file, with the default options."""
    out = tmp_path_factory.mktemp("cli-stripped")
    for name in GOOD:
        subprocess.run(
            [sys.executable, "-m", "privpix", "strip", str(corpus / name), "-o", str(out)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return {name: (out / name).read_bytes() for name in GOOD}


# ---- helpers ----------------------------------------------------------------------------------------


def _stripped(name: str) -> str:
    """The name the CLI gives a stripped copy beside its input: IMG_1.heic -> IMG_1-stripped.heic."""
    stem, dot, ext = name.rpartition(".")
    return f"{stem}-stripped{dot}{ext}"


def _card(page, name: str):
    return page.locator("li.file").filter(has=page.get_by_role("heading", name=name, exact=True))


def _panel_urls(page) -> set[str]:
    return {t for t in page.locator("#privacy td.url code").evaluate_all("els => els.map(e => e.title)")}


# ---- the session -----------------------------------------------------------------------------------


def test_strip_offline_session(browser, server: str, corpus: Path, cli_outputs: dict[str, bytes], site: Path) -> None:
    strip_session(browser, server, corpus, cli_outputs, site)


def strip_session(browser, url: str, corpus: Path, cli_outputs: dict[str, bytes], site: Path) -> None:
    """The whole session against the app at ``url`` (whatever serves it) whose files are ``site``."""
    origin = "/".join(url.split("/", 3)[:3])
    base_path = urlsplit(url).path
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(url)

        # The promise is visible; the page carries the policy as a <meta> too (minus frame-ancestors).
        expect(page.get_by_text("Your photos never leave this device")).to_be_visible()
        header_csp = urllib.request.urlopen(url).headers["Content-Security-Policy"]
        expected_meta = "; ".join(
            d.strip() for d in header_csp.split(";") if d.strip() and not d.strip().startswith("frame-ancestors")
        )
        meta = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
        assert meta == expected_meta
        assert page.evaluate("crossOriginIsolated") is True

        # After one visit the tool works offline, and says so (the other tools are saved when opened).
        wait_until_saved(page, "strip")
        expect(page.get_by_test_id("offline-status")).to_have_attribute("data-ready-tools", "strip")
        expect(page.get_by_test_id("offline-status")).to_contain_text("Offline: 1 of 6 tools")
        assert page.evaluate("navigator.serviceWorker.controller !== null")

        # First load: the JS+CSS the page itself loaded before any tool was used, gzip-compressed.
        first = {
            urlsplit(str(r["url"])).path
            for r in requests
            if not r["sw"] and r["type"] in ("script", "stylesheet") and str(r["url"]).startswith(origin)
        }
        gz = sum(len(gzip.compress((site / p[len(base_path) :]).read_bytes(), 6)) for p in first)
        assert first and gz < FIRST_LOAD_BUDGET, f"first load {gz} gzip bytes: {sorted(first)}"

        # Offline from here on.
        context.set_offline(True)
        requests.phase = "offline"
        page.get_by_label("Choose images", exact=True).set_input_files([str(corpus / n) for n in [*GOOD, BROKEN]])

        # The broken file fails on its own, in one sentence (the engine's text behind "Details"); the others go on.
        broken = _card(page, BROKEN)
        expect(broken).to_have_attribute("data-status", "failed", timeout=30_000)
        expect(broken.get_by_test_id("problem")).to_contain_text("This is not a picture privpix can open")
        broken.get_by_text("Details", exact=True).click()
        expect(broken.get_by_test_id("problem")).to_contain_text("not an image privpix can read")
        expect(broken.get_by_role("link", name="Download")).to_have_count(0)

        for name in GOOD:
            expect(_card(page, name)).to_have_attribute("data-status", "done", timeout=30_000)
        # Screen readers hear when files finish or fail.
        expect(page.locator("[role=status][aria-live=polite]").last).to_contain_text(re.compile(r"is ready|could not be read"))

        dscn = _card(page, "exifsamples_DSCN0010.jpg")
        expect(dscn).to_contain_text("43.46745° N")
        expect(dscn).to_contain_text("Location:")
        expect(dscn.get_by_text("Removed", exact=True)).to_be_visible()
        expect(page.get_by_test_id("progress")).to_contain_text("3 of 4 ready")

        # Each download is the CLI's output, byte for byte, under the CLI's name (never the original's).
        for name in GOOD:
            with page.expect_download() as info:
                _card(page, name).get_by_role("link", name="Download", exact=True).click()
            download = info.value
            assert download.suggested_filename == _stripped(name)
            assert Path(download.path()).read_bytes() == cli_outputs[name], f"{name}: web and CLI outputs differ"

        # Download all: one ZIP with the three files, same bytes.
        with page.expect_download() as info:
            page.get_by_role("button", name="Download all", exact=True).click()
        with zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())) as archive:
            assert sorted(archive.namelist()) == sorted(map(_stripped, GOOD))
            for name in GOOD:
                assert archive.read(_stripped(name)) == cli_outputs[name]
            assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())

        # The CLI command reflects the options; changing one strips again.
        expect(page.get_by_test_id("cli-command")).to_contain_text("privpix strip")
        page.get_by_label("Keep colour profile").uncheck()
        expect(page.get_by_test_id("cli-command")).to_contain_text("--no-keep-icc")
        for name in GOOD:
            expect(_card(page, name)).to_have_attribute("data-status", "done", timeout=30_000)
        page.get_by_label("Keep colour profile").check()
        expect(page.get_by_test_id("cli-command")).not_to_contain_text("--no-keep-icc")

        # The privacy panel: a count, and every request the browser saw is listed.
        page.get_by_text(re.compile(r"^Show all \d+ requests$")).click()
        summary = page.get_by_test_id("net-summary")
        expect(summary).to_have_text(re.compile(r"^\d+ requests, all to this origin, none with a body\.$"))
        seen = {str(r["url"]) for r in requests if not str(r["url"]).startswith(("blob:", "data:"))}
        deadline = time.monotonic() + 10
        while not seen <= _panel_urls(page) and time.monotonic() < deadline:
            time.sleep(0.25)
        assert seen <= _panel_urls(page), f"not in the privacy panel: {sorted(seen - _panel_urls(page))}"
        count = int(summary.inner_text().split()[0])
        assert count == page.locator("#privacy tbody tr").count() >= len(seen)

        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    finally:
        context.close()

    # What the network saw over the whole session (pages, workers and the service worker).
    assert not errors, errors
    assert_network_stayed_private(requests, origin, [*GOOD, BROKEN])
    # Nothing but blob: downloads and previews happened while offline: the service worker served the rest.
    assert {str(r["url"]).split(":")[0] for r in requests if r["phase"] == "offline"} <= {"http", "blob", "data"}


def test_keyboard_and_accessibility(browser, server: str) -> None:
    """The file input is reachable by keyboard and named "Choose images"; the tools are a navigation;
    announcements go to a live region."""
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    try:
        page.goto(server)
        expect(page).to_have_url(re.compile(r"#/strip$"))
        nav = page.get_by_role("navigation", name="Tools")
        expect(nav.get_by_role("link", name="Metadata")).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("heading", level=1)).to_have_text("Metadata")
        chooser = page.get_by_label("Choose images", exact=True)
        expect(chooser).to_have_attribute("type", "file")
        for _ in range(12):
            page.keyboard.press("Tab")
            if chooser.evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail("the file input cannot be reached with Tab")
        assert page.locator("[aria-live=polite]").count() >= 1
        # No horizontal scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_earlier_tool_paths_still_open_their_tools(browser, server: str) -> None:
    """Bookmarks of the paths the tools had before they were named by their ids (#/metadata,
    #/remove-background) open the same tools, and the address bar then shows the tool's own path;
    a link followed inside the page (a hash change) is treated the same way."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    errors = watch_errors(page)
    try:
        for earlier, path, heading in (
            ("metadata", "strip", "Metadata"),
            ("remove-background", "remove-bg", "Remove background"),
        ):
            page.goto(f"{server}#/{earlier}")
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            expect(page).to_have_url(re.compile(rf"#/{path}$"))
            nav = page.get_by_role("navigation", name="Tools")
            expect(nav.get_by_role("link", name=heading)).to_have_attribute("aria-current", "page")
            page.evaluate("location.hash = '#/erase'")
            expect(page.get_by_role("heading", level=1)).to_have_text("Erase objects")
            page.evaluate(f"location.hash = '#/{earlier}'")
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            expect(page).to_have_url(re.compile(rf"#/{path}$"))
    finally:
        context.close()
    assert not errors, errors


def test_bytes_hidden_after_the_scan_data_are_dropped(browser, server: str, corpus: Path, tmp_path: Path) -> None:
    """A corpus photo with text hidden after its scan data: the browser's stripped copy lacks it, is
    the CLI's output byte for byte, and the card lists what was removed."""
    from ..formats.test_jpeg_scan import hide_after_scans

    mark = b"PRIVPIX-HIDDEN-BROWSER"
    name = "hidden_after_scan.jpg"
    photo = tmp_path / name
    photo.write_bytes(hide_after_scans((corpus / "exifsamples_DSCN0010.jpg").read_bytes(), mark))
    subprocess.run([sys.executable, "-m", "privpix", "strip", str(photo), "-o", str(tmp_path / "cli")], cwd=ROOT, check=True)
    cli = (tmp_path / "cli" / name).read_bytes()
    assert mark not in cli
    origin = "/".join(server.split("/", 3)[:3])
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(server)
        page.get_by_label("Choose images", exact=True).set_input_files([str(photo)])
        card = _card(page, name)
        expect(card).to_have_attribute("data-status", "done", timeout=30_000)
        expect(card).to_contain_text("Data after the scan data")
        with page.expect_download() as info:
            card.get_by_role("link", name="Download", exact=True).click()
        assert Path(info.value.path()).read_bytes() == cli
    finally:
        context.close()
    assert not errors, errors
    assert_network_stayed_private(requests, origin, [name])

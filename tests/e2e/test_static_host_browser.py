"""The app as people host it and hand it photos, in real Chromium.

- What ``privpix build-site`` writes, served by Debian's nginx with the generated snippet (the server
  block the Dockerfile installs, on loopback): the whole offline + privacy session of the strip
  tool passes as it does with ``privpix serve``, and nginx sent every text and WebAssembly file
  compressed. At a sub-path, "Make every tool available offline" saves every tool and the model (its
  chunks, checked), after which every tool opens and works with the network off.
- A host that sends none of the site's headers (GitHub Pages, a plain file server): the first visit
  works without cross-origin isolation (no threads); once the service worker controls the page it
  adds the headers, and the next visit is isolated (Erase, which needs SharedArrayBuffer, opens).
- Sharing photos to privpix (Web Share Target): the browser POSTs them to the share target, the
  service worker takes them on the same origin and the tool's intake gets them as if picked. The
  privacy panel lists that POST as the hand-off it is; no other request has a body, and the server
  never receives a POST. "Open with" (window.launchQueue) delivers files the same way.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..static_host import NginxSite, serve_without_headers
from .common import (
    RequestLog,
    assert_network_stayed_private,
    file_row,
    new_app_context,
    wait_until_done,
    wait_until_saved,
    watch_errors,
)
from .conftest import SUB_PATH
from .test_strip_browser import cli_outputs, strip_session  # noqa: F401 (cli_outputs: a fixture)

JPEG = "exifsamples_DSCN0010.jpg"  # 640 x 480, GPS
HEIC = "pillowheif_arrow.heic"
ROCKET = "skimage_rocket.jpg"
COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".wasm", ".json", ".svg", ".webmanifest")
TOOLS = {
    "strip": "Metadata",
    "compress": "Compress",
    "convert": "Convert",
    "remove-bg": "Remove background",
    "erase": "Erase objects",
}

pytestmark = pytest.mark.browser


def _origin(url: str) -> str:
    return "/".join(url.split("/", 3)[:3])


def test_offline_and_privacy_session_behind_nginx(
    browser,
    nginx_root: NginxSite,
    built_site: Path,
    corpus: Path,
    cli_outputs: dict[str, bytes],  # noqa: F811
) -> None:
    strip_session(browser, nginx_root.url, corpus, cli_outputs, built_site / "site")
    sent = nginx_root.sent()
    assert sent and {s.method for s in sent} <= {"GET", "HEAD"}
    texts = [s for s in sent if s.status == 200 and s.accepts_gzip and s.path.endswith(COMPRESSIBLE) and s.bytes > 1024]
    assert texts, sent
    plain = [s.path for s in texts if s.encoding != "gzip"]
    assert not plain, f"sent uncompressed: {plain}"


def test_every_tool_offline_at_a_sub_path(browser, nginx_sub_path: NginxSite, corpus: Path, tmp_path: Path) -> None:
    from privpix.models import registry

    url = nginx_sub_path.url
    assert url.endswith(SUB_PATH)
    origin = _origin(url)
    context = new_app_context(browser, origin)
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(url + "#/strip")
        wait_until_saved(page, "strip")
        status = page.get_by_test_id("offline-status")
        expect(status).to_contain_text("Offline: 1 of 5 tools")
        status.get_by_role("button").click()
        panel = page.locator("#offline-panel")
        for tool, label in TOOLS.items():
            expect(panel.locator(f'li[data-tool="{tool}"]')).to_contain_text(label)
        expect(panel.locator('li[data-tool="strip"]')).to_have_attribute("data-ready", "true")
        expect(panel.locator('li[data-tool="remove-bg"]')).to_contain_text(re.compile(r"\d MB \+ model 44\.30 MB"))
        panel.get_by_role("button", name=re.compile(r"^Make every tool available offline \([\d.]+ MB\)$")).click()
        expect(status).to_have_attribute("data-ready-tools", " ".join(TOOLS), timeout=300_000)
        expect(status.get_by_role("button")).to_have_text("Works offline")
        fast = registry.get("fast")
        chunk_urls = {str(r["url"]) for r in requests if f"models/{fast.file}." in str(r["url"])}
        assert f"{url}models/{fast.file}.json" in chunk_urls and f"{url}models/{fast.file}.00" in chunk_urls

        context.set_offline(True)
        requests.phase = "offline"
        for tool, heading in TOOLS.items():
            page.goto(f"{url}#/{tool}")
            page.reload()
            expect(page.get_by_role("heading", level=1)).to_have_text(heading, timeout=30_000)
            expect(page.get_by_test_id("offline-status")).to_have_attribute("data-ready-tools", " ".join(TOOLS), timeout=30_000)
            if tool == "compress":
                page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / HEIC))
                wait_until_done(file_row(page, HEIC), 180_000)
            elif tool == "remove-bg":
                expect(page.get_by_test_id("model-ready")).to_be_visible(timeout=30_000)
            elif tool == "erase":
                page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / ROCKET))
                expect(page.get_by_test_id("editor")).to_have_attribute("data-status", "ready", timeout=60_000)
        assert page.evaluate("crossOriginIsolated") is True
    finally:
        context.close()
    assert not errors, errors
    assert_network_stayed_private(requests, origin, [HEIC, ROCKET])
    assert {s.method for s in nginx_sub_path.sent()} <= {"GET", "HEAD"}


def _share(context, url: str, files: list[Path]):  # type: ignore[no-untyped-def]
    """What Android's share sheet makes the browser do: a multipart POST of the files to the app's
    share target (from a blank page here, so no page of the app, and no CSP, is involved)."""
    sharer = context.new_page()
    sharer.set_content(
        f'<form method="post" enctype="multipart/form-data" action="{url}share-target"><input type="file" name="photos" multiple></form>'
    )
    sharer.set_input_files("input", [str(f) for f in files])
    with sharer.expect_navigation():
        sharer.evaluate("document.forms[0].submit()")
    return sharer


def test_share_target_hands_photos_to_the_tool(browser, nginx_sub_path: NginxSite, corpus: Path) -> None:
    url = nginx_sub_path.url
    origin = _origin(url)
    before = len(nginx_sub_path.sent())
    context = new_app_context(browser, origin)
    requests = RequestLog(context)
    page = context.new_page()
    try:
        page.goto(url)
        wait_until_saved(page, "strip")  # installed: the service worker now answers the share

        shared = _share(context, url, [corpus / JPEG, corpus / HEIC])
        errors = watch_errors(shared)
        expect(shared).to_have_url(re.compile(r"/tools/privpix/#/strip$"))  # the default tool, no query left
        for name in (JPEG, HEIC):
            card = shared.locator("li.file").filter(has=shared.get_by_role("heading", name=name, exact=True))
            expect(card).to_have_attribute("data-status", "done", timeout=60_000)
        notice = shared.get_by_test_id("handoff")
        expect(notice).to_contain_text("2 photos shared with privpix, now in Metadata")
        # The privacy panel: the hand-off, for what it is; nothing else with a body.
        summary = shared.get_by_test_id("net-summary")
        expect(summary).to_have_text(
            re.compile(
                r"^\d+ requests, all to this origin, none with a body, one share hand-off from another app on this device\.$"
            )
        )
        row = shared.locator('#privacy tr[data-handoff="share"]')
        expect(row).to_have_count(1)
        expect(row).to_contain_text("POST")
        expect(row).to_contain_text("another app on this device (shared 2 photos with privpix)")
        expect(row).to_contain_text("service worker, on this device (not sent anywhere)")

        # Send them to another tool instead: they arrive there as if picked, and that choice is kept.
        notice.get_by_role("button", name="Compress", exact=True).click()
        expect(shared).to_have_url(re.compile(r"#/compress$"))
        wait_until_done(file_row(shared, JPEG), 120_000)
        again = _share(context, url, [corpus / JPEG])
        expect(again).to_have_url(re.compile(r"#/compress$"))
        wait_until_done(file_row(again, JPEG), 120_000)
        expect(again.get_by_test_id("handoff")).to_contain_text("One photo shared with privpix, now in Compress")
        assert not errors, errors
    finally:
        context.close()
    posts = [r for r in requests if r["method"] not in ("GET", "HEAD")]
    assert [(r["method"], r["url"]) for r in posts] == [("POST", f"{url}share-target")] * 2
    assert_network_stayed_private([r for r in requests if r not in posts], origin, [JPEG, HEIC])
    assert {s.method for s in nginx_sub_path.sent()[before:]} <= {"GET", "HEAD"}, "a share reached the server"


def test_open_with_hands_files_to_the_tool(browser, server: str, corpus: Path) -> None:
    """Desktop "Open with privpix": the browser puts file handles in window.launchQueue (stubbed here:
    only an installed app gets a real one) and they go to the intake."""
    context = new_app_context(browser, server.rstrip("/"))
    context.add_init_script(
        "Object.defineProperty(window, 'launchQueue', { configurable: true,"
        " value: { setConsumer(consumer) { window.__launch = consumer; } } });"
    )
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(server)
        expect(page.get_by_role("heading", level=1)).to_have_text("Metadata")
        data = base64.b64encode((corpus / JPEG).read_bytes()).decode()
        page.evaluate(
            """([name, data]) => {
              const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
              const file = new File([bytes], name, { type: 'image/jpeg' });
              window.__launch({ files: [{ kind: 'file', getFile: async () => file }] });
            }""",
            [JPEG, data],
        )
        card = page.locator("li.file").filter(has=page.get_by_role("heading", name=JPEG, exact=True))
        expect(card).to_have_attribute("data-status", "done", timeout=60_000)
        expect(page.get_by_test_id("handoff")).to_contain_text("One photo opened with privpix, now in Metadata")
    finally:
        context.close()
    assert not errors, errors


def test_a_host_without_headers(browser, built_site: Path, corpus: Path) -> None:
    with serve_without_headers(built_site / "site") as url:
        context = new_app_context(browser, url.rstrip("/"))
        page = context.new_page()
        errors = watch_errors(page)
        try:
            page.goto(url + "#/erase")
            wait_until_saved(page, "erase")
            # First visit: no isolation, so no SharedArrayBuffer, no threads; Erase says what to do.
            assert page.evaluate("crossOriginIsolated") is False
            page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / ROCKET))
            expect(page.get_by_test_id("problem")).to_contain_text("Erase needs this page reloaded once")
            # Then the service worker serves the page, with the headers the host did not send.
            page.reload()
            expect(page.get_by_role("heading", level=1)).to_have_text("Erase objects")
            assert page.evaluate("crossOriginIsolated") is True
            headers = page.evaluate("fetch('./').then((r) => Object.fromEntries(r.headers))")
            assert headers["cross-origin-embedder-policy"] == "require-corp"
            assert headers["content-security-policy"].startswith("default-src 'self'")
            page.get_by_label("Choose images", exact=True).set_input_files(str(corpus / ROCKET))
            expect(page.get_by_test_id("editor")).to_have_attribute("data-status", "ready", timeout=60_000)
        finally:
            context.close()
        assert not errors, errors


def test_the_app_is_installable(browser, server: str, site: Path) -> None:
    """Chromium's own manifest parser and installability check, and the icons it names."""
    from PIL import Image

    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(server)
        wait_until_saved(page, "strip")
        cdp = context.new_cdp_session(page)
        answer = cdp.send("Page.getAppManifest")
        installability = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        theme = page.locator('meta[name="theme-color"]').evaluate_all("els => els.map((e) => [e.media, e.content])")
        touch = page.locator('link[rel="apple-touch-icon"]').get_attribute("href")
    finally:
        context.close()
    assert answer["errors"] == []
    parsed = answer["manifest"]
    assert parsed["shareTarget"]["action"] == f"{server}share-target" and parsed["shareTarget"]["method"] == "kPost"
    assert parsed["launchHandler"]["clientMode"] == "kNavigateExisting"
    assert {e["errorId"] for e in installability} <= {"in-incognito"}  # a test browser's private profile
    raw = json.loads(answer["data"])
    assert raw["share_target"]["params"]["files"][0]["name"] == "photos"
    assert "image/heic" in raw["file_handlers"][0]["accept"]
    icons = {(i["src"], i["sizes"], i.get("purpose", "any")) for i in raw["icons"]}
    assert {
        ("icon-192.png", "192x192", "any"),
        ("icon-512.png", "512x512", "any"),
        ("icon-maskable-512.png", "512x512", "maskable"),
    } <= icons
    assert sorted(theme) == [["(prefers-color-scheme: dark)", "#171c1b"], ["(prefers-color-scheme: light)", "#ffffff"]]
    assert touch == "./apple-touch-icon.png"
    for name, size, full_bleed in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
    ]:
        with Image.open(site / name) as im:
            assert im.size == (size, size), name
            corner = im.convert("RGBA").getpixel((0, 0))
        # Maskable and Apple icons fill the square (a launcher cuts its own shape); the others have round corners.
        assert (corner[3] == 255) == full_bleed, (name, corner)

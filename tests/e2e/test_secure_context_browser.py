"""A phone on the same network, simulated in real Chromium: the app opened from an address that is not
this device — ``phone-lan.privpix.test``, which a host-resolver rule of this test's browser maps to
127.0.0.1, so every packet stays on loopback.

- Over plain http the page is not a secure context: the app says so at the top, what still works
  and how to fix it (``privpix serve --https``); the Metadata tool still inspects a photo; no
  service worker is registered; every request stays on the page's origin, GET only, no body.
- Over ``privpix serve --https`` (its certificate made for this test in a temporary config
  directory) the page is a secure context and cross-origin isolated. While the browser does not
  trust the certificate (clicked through: ``ignore_https_errors``) Chrome refuses the service
  worker, and the app says exactly that and how to trust privpix's authority; once the browser
  trusts it (``--ignore-certificate-errors-spki-list``, as a phone that installed the authority)
  there is no notice and the app works offline.

Screenshots of the notice at 390×844 and 1366×768 go to /tmp/privpix-insecure-*.png.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ..chromium import ARGS, EXECUTABLE
from ..conftest import ROOT
from .common import RequestLog, assert_network_stayed_private, wait_until_saved, watch_errors

pytestmark = pytest.mark.browser

LAN_NAME = "phone-lan.privpix.test"
PHOTO = "exifsamples_DSCN0010.jpg"
HEADING = "This address is not secure, so part of privpix is switched off"


@pytest.fixture(scope="module")
def lan_browser(browser: Any) -> Iterator[Any]:
    """A second Chromium from the session's Playwright whose resolver maps LAN_NAME to loopback."""
    other = browser.browser_type.launch(
        executable_path=EXECUTABLE, args=[*ARGS, f"--host-resolver-rules=MAP {LAN_NAME} 127.0.0.1"]
    )
    yield other
    other.close()


@pytest.fixture(scope="module")
def https_server(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """``privpix serve --https`` on a free port, with its certificate in a temporary config directory."""
    config = tmp_path_factory.mktemp("config")
    log = (tmp_path_factory.mktemp("serve-https") / "serve.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "privpix", "serve", "--https", "--port", "0", "--no-open"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**os.environ, "XDG_CONFIG_HOME": str(config)},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"https://127\.0\.0\.1:(\d+)/", line)
        assert match, f"{line!r} {log.read()}"
        yield int(match.group(1)), config / "privpix" / "tls" / "server.pem"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_plain_http_from_another_address_says_what_works(lan_browser: Any, server: str, corpus: Path) -> None:
    origin = f"http://{LAN_NAME}:{urlsplit(server).port}"
    context = lan_browser.new_context(viewport={"width": 390, "height": 844})
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(f"{origin}/#/strip")
        assert page.evaluate("window.isSecureContext") is False
        notice = page.get_by_role("region", name=HEADING)
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(origin)
        page.screenshot(path="/tmp/privpix-insecure-390.png")
        notice.get_by_text("What works, what does not, and how to fix it").click()
        expect(notice.get_by_role("heading", name="Works", exact=True)).to_be_visible()
        expect(notice).to_contain_text("Remove background (its model cannot be kept on this device)")
        expect(notice).to_contain_text("Working offline and installing the app")
        expect(notice).to_contain_text("privpix serve --https --host 0.0.0.0")
        page.screenshot(path="/tmp/privpix-insecure-390-open.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 768})
        page.screenshot(path="/tmp/privpix-insecure-1366.png")

        # What still works, works: the Metadata tool reads the photo's location.
        page.get_by_label("Choose images", exact=True).set_input_files([str(corpus / PHOTO)])
        expect(page.get_by_text("GPS position").first).to_be_visible(timeout=30_000)
        assert page.evaluate("'serviceWorker' in navigator") is False
        expect(page.get_by_text("Works offline", exact=True)).to_have_count(0)
    finally:
        context.close()
    assert not errors, errors
    assert_network_stayed_private(requests, origin, [PHOTO])


@pytest.fixture(scope="module")
def trusting_browser(browser: Any, https_server: tuple[int, Path]) -> Iterator[Any]:
    """Like ``lan_browser``, but trusting the server's certificate as a phone that installed privpix's
    authority would: its public key is on Chromium's allow list."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.load_pem_x509_certificate(https_server[1].read_bytes())
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pin = base64.b64encode(hashlib.sha256(spki).digest()).decode()
    args = [*ARGS, f"--host-resolver-rules=MAP {LAN_NAME} 127.0.0.1", f"--ignore-certificate-errors-spki-list={pin}"]
    other = browser.browser_type.launch(executable_path=EXECUTABLE, args=args)
    yield other
    other.close()


def test_https_with_an_untrusted_certificate_says_how_to_trust_it(lan_browser: Any, https_server: tuple[int, Path]) -> None:
    origin = f"https://{LAN_NAME}:{https_server[0]}"
    context = lan_browser.new_context(viewport={"width": 390, "height": 844}, ignore_https_errors=True)
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(f"{origin}/#/strip")
        assert page.evaluate("window.isSecureContext") is True
        assert page.evaluate("crossOriginIsolated") is True
        expect(page.get_by_role("region", name=HEADING)).to_have_count(0)
        notice = page.get_by_role("region", name="This device does not trust this address's certificate yet")
        expect(notice).to_be_visible(timeout=30_000)
        notice.get_by_text("How to trust it").click()
        link = notice.get_by_role("link", name="privpix-local-ca.crt")
        with page.expect_download() as download:
            link.click()
        saved = Path(download.value.path()).read_text()
        assert saved == (https_server[1].parent / "privpix-local-ca.crt").read_text()
        page.screenshot(path="/tmp/privpix-untrusted-390.png", full_page=True)
    finally:
        context.close()
    assert not errors, errors
    assert_network_stayed_private(requests, origin, [])


def test_https_with_a_trusted_certificate_works_offline(trusting_browser: Any, https_server: tuple[int, Path]) -> None:
    origin = f"https://{LAN_NAME}:{https_server[0]}"
    context = trusting_browser.new_context(viewport={"width": 1366, "height": 768})
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(f"{origin}/#/strip")
        assert page.evaluate("window.isSecureContext") is True
        assert page.evaluate("crossOriginIsolated") is True
        wait_until_saved(page, "strip", timeout=60_000)  # the service worker runs: the opened tool is kept offline
        expect(page.get_by_role("region", name=HEADING)).to_have_count(0)
        expect(page.locator("[data-untrusted-certificate]")).to_have_count(0)
    finally:
        context.close()
    assert not errors, errors
    assert_network_stayed_private(requests, origin, [])

"""Helpers shared by the end-to-end tests."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import expect

from ..conftest import ROOT

SITE = ROOT / "src" / "privpix" / "site"


def name_parts(names: list[str]) -> list[str]:
    """Pieces of the corpus file names that no URL may contain: the names, their stems, and every
    part of a stem at least 4 characters long that is not a generic word."""
    generic = {"text", "file", "jpeg"}
    parts: set[str] = set()
    for name in names:
        stem = name.rsplit(".", 1)[0]
        parts |= {name.lower(), stem.lower()}
        parts |= {p.lower() for p in re.split(r"[_.\-\s]+", stem) if len(p) >= 4 and p.lower() not in generic}
    return sorted(parts)


def new_app_context(browser: Any, origin: str) -> Any:
    """A desktop-sized browser context that accepts downloads and may read and write the clipboard on
    the app's ``origin``: what a whole session through a tool needs to save its results and to check
    the copied command line."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    return context


class RequestLog(list[dict[str, Any]]):
    """Every request a browser context makes (pages, workers and the service worker), each with its URL,
    method, body, resource type, whether the service worker made it, and the ``phase`` of the session
    it came in. The test sets ``phase`` as it goes ("load", "offline", ...). Exists because every
    session test checks afterwards what the network saw: see ``assert_network_stayed_private``."""

    def __init__(self, context: Any, phase: str = "load") -> None:
        super().__init__()
        self.phase = phase
        context.on("request", self._add)

    def _add(self, request: Any) -> None:
        self.append(
            {
                "url": request.url,
                "method": request.method,
                "body": request.post_data_buffer,
                "type": request.resource_type,
                "sw": request.service_worker is not None,
                "phase": self.phase,
            }
        )


def watch_errors(page: Any, *, console_errors: bool = False) -> list[str]:
    """The list a page's uncaught exceptions and Content Security Policy violations (an inline script or
    style, a foreign origin: they show up as console messages) are added to; with ``console_errors``
    also every console error and a crash of the tab. Tests assert it is empty at their end."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    if console_errors:
        page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text or m.type == "error" else None)
        page.on("crash", lambda _: errors.append("the tab crashed"))
    else:
        page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    return errors


def wait_until_saved(page: Any, tool: str, timeout: int = 30_000) -> None:
    """Wait until the header says the service worker holds every file of ``tool`` (a route: "erase"),
    which it saves when the tool is first opened. (``data-ready-tools`` also needs a tool's model.)"""
    status = page.get_by_test_id("offline-status")
    expect(status).to_have_attribute("data-saved-tools", re.compile(rf"(^| ){re.escape(tool)}( |$)"), timeout=timeout)


def open_tool_until_offline(page: Any, url: str, heading: str, timeout: int = 30_000) -> None:
    """Open a tool at ``url`` (``…#/<tool>``) and wait until it is cross-origin isolated and its files
    are saved for offline use: how each offline session starts, before the test takes the network away."""
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    wait_until_saved(page, urlsplit(url).fragment.strip("/"), timeout)
    assert page.evaluate("crossOriginIsolated") is True


def file_row(page: Any, name: str) -> Any:
    """The row of the file called ``name`` in a tool's list (each row's first button names its file):
    how the tests find one file among several."""
    return page.get_by_test_id("file-row").filter(has=page.get_by_role("button", name=name, exact=True))


def wait_until_done(row: Any, timeout: int) -> None:
    """Wait up to ``timeout`` ms until a file's row is finished; fail at once (with the page's reason)
    if it failed or was cancelled, rather than waiting the whole timeout for a "done" that cannot come."""
    expect(row).to_have_attribute("data-status", re.compile(r"^(done|failed|cancelled)$"), timeout=timeout)
    status = row.get_attribute("data-status")
    assert status == "done", f"{status}: {row.inner_text()}"


def copy_cli_command(page: Any) -> str:
    """Press "Copy CLI command" and return what reached the clipboard, after checking that it is the
    command the page shows. Each tool's session runs the copied command with the Python CLI."""
    shown = page.get_by_test_id("cli-command").inner_text().strip()
    page.get_by_role("button", name="Copy CLI command").click()
    expect(page.get_by_text("Copied to the clipboard.")).to_be_visible()
    copied = str(page.evaluate("navigator.clipboard.readText()")).strip()
    assert copied == shown, (copied, shown)
    return copied


def assert_network_stayed_private(requests: list[dict[str, Any]], origin: str, names: list[str]) -> None:
    """The privacy promise every tool makes, checked on what a session's network saw: some requests,
    all to the app's ``origin`` (or blob:/data:), GET or HEAD only, none with a body, and no URL with
    a piece of the ``names`` of the files the session opened."""
    assert requests, "no requests recorded"
    for r in requests:
        url = str(r["url"])
        assert url.startswith(origin + "/") or url.startswith(("blob:", "data:")), f"request to another origin: {url}"
        assert r["method"] in ("GET", "HEAD"), f"{r['method']} {url}"
        assert not r["body"], f"request with a body: {url}"
    parts = name_parts(names)
    for r in requests:
        url = str(r["url"]).lower()
        leaked = [p for p in parts if p in url]
        assert not leaked, f"{r['url']} contains {leaked}"


AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core (web/node_modules, a dev dependency) on the page as it is and return its violations
    of the given impacts, one line each: the accessibility check every screen of the app must pass.
    The script is evaluated through the DevTools protocol, so the page's CSP needs no exception."""
    if not AXE.is_file():
        raise AssertionError("web/node_modules/axe-core is missing: run `npm ci` in web/")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    found = page.evaluate(
        """async (impacts) => {
          const r = await axe.run(document, { resultTypes: ['violations'] });
          return r.violations.filter(v => impacts.includes(v.impact))
            .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).slice(0, 4).join(', ')})`);
        }""",
        list(impacts),
    )
    return [str(v) for v in found]

"""What the app makes the browser download on first visit, before a tool is used: every request
Chromium makes while loading the built site (served by ``privpix serve``'s handler), with JS and CSS
sizes as served and gzip-compressed (what a static host would transfer).

    .venv/bin/python bench/first_load.py

Target (issue 2): < 200 KB of compressed JS+CSS before a tool is used.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _browser import chromium, serve  # noqa: E402
from _common import table  # noqa: E402

from privpix.server import site_dir  # noqa: E402


def main() -> None:
    root = site_dir()
    rows = []
    total_js_css = total_gz = total_all = 0
    with serve(root, []) as base, chromium() as browser:
        page = browser.new_page()
        seen: list[str] = []
        page.on("requestfinished", lambda r: seen.append(r.url))
        page.goto(base, wait_until="networkidle")
        page.wait_for_timeout(1500)  # let the service worker finish precaching
        page_requests = list(dict.fromkeys(seen))
    for url in page_requests:
        path = urlsplit(url).path
        local = root / (path.lstrip("/") or "index.html")
        if not local.is_file():
            continue
        raw = local.read_bytes()
        gz = len(gzip.compress(raw, compresslevel=6))
        kind = Path(path).suffix or "/"
        total_all += len(raw)
        if kind in (".js", ".css") and not path.endswith("sw.js"):
            total_js_css += len(raw)
            total_gz += gz
        rows.append([path, kind, f"{len(raw) / 1024:.1f}", f"{gz / 1024:.1f}"])
    print(table(["requested by the page", "kind", "KiB as served", "KiB gzip"], rows))
    print(
        f"\nJS+CSS on first load (page only; service worker and its precache not counted): "
        f"{total_js_css / 1024:.1f} KiB, {total_gz / 1024:.1f} KiB gzip (target < 200 KB)"
    )


if __name__ == "__main__":
    main()

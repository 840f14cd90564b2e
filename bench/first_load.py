"""What a first visit transfers, and what each tool adds when it is first used.

    .venv/bin/python bench/first_load.py [--site DIR] [--no-nginx]

1. First visit: every request Chromium makes while it opens the built site and its service worker
   saves what it saves up front, until the header shows the offline state. Each file counted as
   stored and gzip-compressed at level 6 (what a host that compresses sends for text and
   WebAssembly; other files go as they are). Totals, and the page's own JS+CSS before a tool is used
   (target, issue 2: < 200 KB gzip). Served by ``privpix serve``'s handler.
2. The same visit through nginx with what ``privpix build-site`` writes (its snippet, gzip_static
   with the precompressed files): the bytes nginx actually sent, from its access log.
3. What the service worker saves up front (the shell) and per tool on its first use, stored and
   gzip, from the build's list (sw.js).

``--site`` measures another built site for part 1 (e.g. an older build, for a before/after
comparison); parts 2 and 3 need the current build.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _browser import chromium, serve  # noqa: E402
from _common import ROOT, table  # noqa: E402

from privpix.server import site_dir  # noqa: E402

COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".wasm", ".json", ".svg", ".webmanifest"}
SETTLED = "() => { const b = document.querySelector('[data-offline]'); return b && b.dataset.offline === 'ready'; }"


def gzip_size(path: Path) -> int:
    raw = path.read_bytes()
    return len(gzip.compress(raw, compresslevel=6)) if path.suffix in COMPRESSIBLE else len(raw)


def first_visit(browser: object, base: str) -> list[tuple[str, bool]]:
    """(path, made by the service worker) of every request of a first visit, in order."""
    context = browser.new_context()  # type: ignore[attr-defined]
    seen: list[tuple[str, bool]] = []
    context.on("requestfinished", lambda r: seen.append((r.url, r.service_worker is not None)))
    page = context.new_page()
    page.goto(base, wait_until="networkidle")
    page.wait_for_function(SETTLED, timeout=120_000)
    page.wait_for_timeout(1500)
    context.close()
    return [(unquote(urlsplit(url).path), sw) for url, sw in seen if url.startswith(base)]


def part1(root: Path) -> None:
    rows = []
    raw_total = gz_total = js_css_raw = js_css_gz = 0
    with serve(root, []) as base, chromium() as browser:
        visit = first_visit(browser, base)
    for path, by_sw in visit:
        local = root / (path.lstrip("/") or "index.html")
        if local.is_dir():
            local = local / "index.html"
        if not local.is_file():
            continue
        raw, gz = local.stat().st_size, gzip_size(local)
        raw_total += raw
        gz_total += gz
        if not by_sw and local.suffix in (".js", ".css") and local.name != "sw.js":
            js_css_raw += raw
            js_css_gz += gz
        rows.append([path, "service worker" if by_sw else "page", f"{raw / 1024:.1f}", f"{gz / 1024:.1f}"])
    print(table(["path", "requested by", "KiB stored", "KiB gzip"], rows))
    print(f"\nfirst visit ({root}): {len(rows)} requests, {raw_total / 1e6:.2f} MB stored, {gz_total / 1e6:.2f} MB gzip")
    print(f"page JS+CSS before a tool is used: {js_css_raw / 1024:.1f} KiB, {js_css_gz / 1024:.1f} KiB gzip (target < 200 KB)")
    largest = max((p.stat().st_size, p) for p in root.rglob("*") if p.is_file())
    print(f"largest file of the site: {largest[1].relative_to(root)} ({largest[0] / 2**20:.1f} MiB)")


def part2() -> None:
    from privpix.static_site import build_site
    from tests.static_host import serve_with_nginx

    with tempfile.TemporaryDirectory(prefix="privpix-first-load-") as tmp:
        built = Path(tmp) / "out"
        report = build_site(built, with_models=False)
        with serve_with_nginx(built) as site, chromium() as browser:
            first_visit(browser, site.url)
            sent = site.sent()
    total = sum(s.bytes for s in sent)
    gz = sum(1 for s in sent if s.encoding == "gzip")
    print(
        f"\nfirst visit through nginx + build-site's snippet: {len(sent)} responses, {total / 1e6:.3f} MB sent "
        f"({gz} gzip-encoded); largest site file {report.largest[0]} ({report.largest[1] / 2**20:.1f} MiB)"
    )


def part3(root: Path) -> None:
    entries = [json.loads(m) for m in re.findall(r'\{"bytes":[^{}]*\}', (root / "sw.js").read_text())]
    if not entries:
        print("\n(no per-tool list in sw.js: a build before tools were saved on first use)")
        return
    sizes: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    union = [0, 0, 0]
    for e in entries:
        path = root / e["url"]
        raw, gz = path.stat().st_size, gzip_size(path)
        groups = e.get("tools") or ["(shell, up front)"]
        for g in groups:
            sizes[g][0] += 1
            sizes[g][1] += raw
            sizes[g][2] += gz
        if e.get("tools"):
            union = [union[0] + 1, union[1] + raw, union[2] + gz]
    rows = [[g, str(n), f"{raw / 1e6:.2f}", f"{gz / 1e6:.2f}"] for g, (n, raw, gz) in sorted(sizes.items())]
    rows.append(["every tool (shared files once)", str(union[0]), f"{union[1] / 1e6:.2f}", f"{union[2] / 1e6:.2f}"])
    print("\nwhat the service worker saves (models not included: remove background downloads one on request)")
    print(table(["saved", "files", "MB stored", "MB gzip"], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=None, help="a built site directory for part 1 (default: the package's)")
    parser.add_argument("--no-nginx", action="store_true", help="skip part 2 (it needs Debian's nginx)")
    args = parser.parse_args()
    root = (args.site or site_dir()).resolve()
    part1(root)
    if args.site is None:
        if not args.no_nginx:
            part2()
        part3(root)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()

"""How long a new background takes in the Remove background screen, on a 12 MP iPhone HEIC, in the
built app in Debian's Chromium: the time until the new background shows (the page composes it from the
photo's cut-out: target ≤ 150 ms on 2 cores) and the time until its file is ready to download (the
worker composes and encodes it from the kept cut-out, with no model run). The first run (decode, model,
refinement, encode) is what every switch cost before the cut-out was kept.

    .venv/bin/python bench/remove_bg_switch.py              # 3 rounds of 5 switches
    .venv/bin/python bench/remove_bg_switch.py --rounds 1 --photo matting/syn_woman_dancing.jpg

Reads the built site (src/privpix/site, with its models: scripts/setup). The machine is shared:
compare the ratios, and run it more than once.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import threading
import time

from _browser import chromium
from _common import CORPUS, ROOT, table

from privpix.server import make_server

SITE = ROOT / "src" / "privpix" / "site"
#: (what the person chooses, what the preview then shows)
SWITCHES = [
    ("White", "colour"),
    ("Black", "colour"),
    ("Blurred photo", "blur"),
    ("Transparent", "none"),
    ("Passport blue", "colour"),
]
TIMEOUT = 600_000

SHOW = """async ([name, kind]) => {
  const input = [...document.querySelectorAll('input[type=radio][name=bg]')]
    .find((i) => i.closest('label').title === name);
  const t0 = performance.now();
  input.click();
  // The frame after the next one has painted whatever the click changed.
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const shown = document.querySelector('[data-testid=bg-preview]')?.dataset.background;
  return [performance.now() - t0, shown === kind];
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photo", default="pillowheif_pug.heic", help="a corpus file (default: a 12 MP iPhone HEIC)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not (SITE / "models").is_dir():
        print("the site is not built with its models: scripts/setup, then cd web && npm run build", file=sys.stderr)
        return 1
    server = make_server("127.0.0.1", 0, root=SITE, quiet=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/#/remove-bg"
    shown: dict[str, list[float]] = {name: [] for name, _ in SWITCHES}
    ready: dict[str, list[float]] = {name: [] for name, _ in SWITCHES}
    try:
        with chromium() as browser:
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            page = context.new_page()
            page.set_default_timeout(TIMEOUT)
            page.goto(url)
            panel = page.get_by_test_id("model-panel")
            panel.get_by_role("button", name=re.compile(r"^Download the model")).click()
            panel.wait_for(state="detached")
            start = time.monotonic()
            page.get_by_label("Choose images", exact=True).set_input_files(str(CORPUS / args.photo))
            row = page.get_by_test_id("file-row").first
            page.wait_for_function("() => document.querySelector('[data-testid=file-row]')?.dataset.status === 'done'")
            first = time.monotonic() - start
            stages = " ".join((page.get_by_test_id("stages").text_content() or "").split())
            made = " · ".join(page.get_by_test_id("stats").locator("dd").all_inner_texts())
            page.get_by_test_id("bg-preview").wait_for()
            for _ in range(args.rounds):
                for name, kind in SWITCHES:
                    t0 = time.monotonic()
                    ms, ok = page.evaluate(SHOW, [name, kind])
                    if not ok:
                        raise AssertionError(f"{name}: the preview does not show {kind}")
                    page.wait_for_function("() => document.querySelector('[data-testid=file-row]')?.dataset.status === 'done'")
                    ready[name].append(time.monotonic() - t0)
                    shown[name].append(ms)
                    inferences = page.get_by_test_id("stats").get_attribute("data-inferences")
                    if inferences != "0":
                        raise AssertionError(f"{name}: the model ran again ({inferences} runs)")
            assert row.get_attribute("data-status") == "done"
            context.close()
    finally:
        server.shutdown()
        server.server_close()

    print(f"{args.photo}: {made}")
    print(f"first run (decode, model, refinement, encode — what every switch cost before): {first:.2f} s")
    print(f"  in the worker: {stages}")
    rows = [
        [
            name,
            f"{statistics.median(shown[name]):.0f} ms",
            f"{max(shown[name]):.0f} ms",
            f"{statistics.median(ready[name]):.2f} s",
            "0",
        ]
        for name, _ in SWITCHES
    ]
    print(table(["background", "shown (median)", "shown (max)", "file ready (median)", "model runs"], rows))
    print(f"{args.rounds} round(s); 'shown': click to the second frame after it;")
    print("'file ready': click to the file ready to download, the 400 ms pause after a change included.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

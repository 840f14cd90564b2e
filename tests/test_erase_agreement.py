"""Erase objects: the browser engine and the Python engine give the same bytes (issue 5).

The browser engine (web/src/engine/tools/erase, TypeScript in a Web Worker in real Chromium, its kernels
split across 2 threads over SharedArrayBuffers as in the app) runs in the benchmark page
web/bench/erase.html, built by a module fixture and served cross-origin isolated by
``privpix.server.make_server``, as the app is. For every shared case of ``tests/erase_cases.py`` it
gets the case's PNG photo and PNG mask (white = erase) and the case's options, and goes through the
same steps as ``privpix.tools.erase.erase``: decode both, mask = grey >= 128, automatic grow and
feather, crop, fill, composite. Its upright RGB result before encoding must equal
``erase_cases.python_fill`` byte for byte (docs/erase.md: the algorithm is specified down to integer
arithmetic, the RNG and the float64 vote sums' order; any split of the work gives the same bytes).

Where ``erase_cases.EXPECTED`` pins a case's result (SHA-256), the browser's bytes must match that too. One case also runs on a single thread:
the split must not change a byte.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from .conftest import BenchPages
from .erase_cases import CASES, EXPECTED, EraseCase, python_fill

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(bench_pages: BenchPages, chromium: Any) -> Iterator[Any]:
    for case in CASES:
        bench_pages.add(f"{case.name}.png", case.image_png())
        bench_pages.add(f"{case.name}-mask.png", case.mask_png())
    pg = bench_pages.open(chromium, "erase.html")
    pg.base = bench_pages.url  # type: ignore[attr-defined]
    yield pg
    pg.context.close()


def browser_fill(page: Any, case: EraseCase, threads: int) -> tuple[bytes, dict[str, Any]]:
    o = case.options()
    reply = page.evaluate(
        "(r) => window.benchErase(r)",
        {
            "op": "pixels",
            "photo": f"{page.base}files/{case.name}.png",
            "mask": f"{page.base}files/{case.name}-mask.png",
            "threads": threads,
            "options": {"grow": o.grow, "feather": o.feather, "seed": o.seed},
        },
    )
    assert reply.get("ok"), f"browser engine failed on {case.name}: {reply.get('error')}"
    return base64.b64decode(reply["rgb"]), reply


def _describe(ts: bytes, py: bytes, shape: tuple[int, int]) -> str:
    a = np.frombuffer(ts, np.uint8).reshape(*shape, 3)
    b = np.frombuffer(py, np.uint8).reshape(*shape, 3)
    diff = (a != b).any(axis=2)
    ys, xs = np.nonzero(diff)
    return (
        f"{int(diff.sum())} pixels differ (max |diff| {int(np.abs(a.astype(int) - b).max())}), "
        f"in x {xs.min()}-{xs.max()}, y {ys.min()}-{ys.max()}"
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_browser_fill_equals_python(page: Any, case: EraseCase) -> None:
    ts, reply = browser_fill(page, case, threads=2)
    py = python_fill(case)
    h, w = case.image().shape[:2]
    assert (reply["width"], reply["height"]) == (w, h)
    print(
        f"{case.name}: {w}x{h}, grow {reply['grow']}, feather {reply['feather']}, region {reply['region']}, browser {reply['ms']:.0f} ms"
    )
    assert len(ts) == len(py) == w * h * 3
    assert ts == py, f"{case.name}: browser and Python fills differ: {_describe(ts, py, (h, w))}"
    if case.name in EXPECTED:  # and both equal the pinned digest
        assert hashlib.sha256(ts).hexdigest() == EXPECTED[case.name][1]


def test_one_thread_equals_two(page: Any) -> None:
    case = next(c for c in CASES if c.name == "large")  # the largest: many blocks per kernel
    one, _ = browser_fill(page, case, threads=1)
    two, _ = browser_fill(page, case, threads=2)
    assert one == two

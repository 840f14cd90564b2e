"""The XMP reader: linear work on crafted packets (both engines), and safe numeric references."""

from __future__ import annotations

from pathlib import Path

import pytest

from privpix.formats import xmp
from tests.conftest import WEB
from tests.hostile import XMP_UNITS, xmp_packet


class CountingText(str):
    """A packet that counts the characters its ``find`` searches examine."""

    scanned = 0

    def find(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        begin = max(0, start or 0)
        found = super().find(sub, begin)
        CountingText.scanned += (len(self) if found < 0 else found + len(sub)) - begin
        return found


def python_work(packet: str) -> int:
    CountingText.scanned = 0
    xmp.findings(CountingText(packet), "XMP", 0, 0)
    return CountingText.scanned


def ts_work(packets: list[str], tmp_path: Path) -> list[int]:
    import json
    import subprocess

    files = []
    for i, packet in enumerate(packets):
        files.append(tmp_path / f"{i}.xmp")
        files[-1].write_text(packet, encoding="utf-8")
    tsx = WEB / "node_modules" / ".bin" / "tsx"
    out = subprocess.run([str(tsx), "scripts/xmp-scan.ts", "count", *map(str, files)], cwd=WEB, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


SIZES = (10_000, 40_000)
# Every search of one property examines the packet at most a few times over; about 35 properties are
# looked up (most are absent and skipped without a search).
PER_CHARACTER = 40


def _check_linear(kind: str, work: list[int]) -> None:
    small, large = work
    assert small >= SIZES[0] // 2, f"{kind}: the scan went around the counted search ({small})"
    assert large <= PER_CHARACTER * SIZES[1], f"{kind}: {large} characters examined for {SIZES[1]}"
    assert large <= 4.5 * small, f"{kind}: 4x the packet took {large / small:.1f}x the work"


@pytest.mark.parametrize("kind", list(XMP_UNITS))
def test_python_reads_a_crafted_packet_in_linear_work(kind: str) -> None:
    _check_linear(kind, [python_work(xmp_packet(kind, n)) for n in SIZES])


def test_typescript_reads_crafted_packets_in_linear_work(tmp_path: Path) -> None:
    packets = [xmp_packet(kind, n) for kind in XMP_UNITS for n in SIZES]
    work = ts_work(packets, tmp_path)
    for i, kind in enumerate(XMP_UNITS):
        _check_linear(kind, work[2 * i : 2 * i + 2])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("&#65;&#x42;", "AB"),
        ("&#1114111;", "\U0010ffff"),
        ("&#1114112;", "&#1114112;"),  # beyond Unicode
        ("&#xD800;", "&#xD800;"),  # a surrogate is no character
        ("&#0;", "&#0;"),
        ("&#" + "9" * 5000 + ";", "&#" + "9" * 5000 + ";"),  # once an exception from int()
        ("&#x0000000041;", "A"),
        ("&bogus;", "&bogus;"),
    ],
)
def test_numeric_references_outside_unicode_stay_as_written(text: str, value: str) -> None:
    assert xmp.property_values(f"<dc:title>{text}</dc:title>", "dc:title") == [value]

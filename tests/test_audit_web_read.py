"""The web audit's sparse read (web/src/tools/audit/read.ts) against the whole file: the audit of what
it reads, and the audit's metadata-only walk (a JPEG's stops at its first scan), are the audit from
``inspect``'s full walk of the whole file, for every corpus file; and for the JPEG and HEIC photos it
reads a fraction of the bytes (what makes a folder audit faster than copying the folder)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .conftest import WEB
from .corpus import CORPUS


def _check(paths: list[Path]) -> list[dict[str, object]]:
    tsx = WEB / "node_modules" / ".bin" / "tsx"
    out = subprocess.run(
        [str(tsx), "scripts/audit-read-check.ts", *map(str, paths)], cwd=WEB, capture_output=True, text=True, check=True
    )
    return list(json.loads(out.stdout)["files"])


def test_sparse_read_audits_like_the_whole_file() -> None:
    paths = sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name != "manifest.json" and not p.name.endswith(".md"))
    results = _check(paths)
    assert len(results) == len(paths)
    differ = [r["path"] for r in results if not r["same"]]
    assert not differ, f"sparse audit differs from the whole file's: {differ}"
    differ = [r["path"] for r in results if not r["head_same"]]
    assert not differ, f"the metadata-only walk differs from the full walk: {differ}"
    # Never more than the file (a fallback to the whole file reads the head twice at most).
    for r in results:
        assert int(r["bytes_read"]) <= int(r["size"]) + 2 * 128 * 1024, r  # type: ignore[call-overload]
    # The large phone and camera photos are read sparsely, and only a small part of them.
    big = [r for r in results if str(r["path"]).lower().endswith((".jpg", ".heic")) and int(r["size"]) > 1_000_000]  # type: ignore[call-overload]
    assert len(big) >= 4, big
    for r in big:
        assert r["sparse"], r
        assert int(r["bytes_read"]) < 0.4 * int(r["size"]), r  # type: ignore[call-overload]
    # A JPEG is read to its first scan and the end of its image, not through the tail.
    jpegs = [r for r in big if str(r["path"]).lower().endswith(".jpg") and "Sony_DSC-T5" not in str(r["path"])]
    for r in jpegs:
        assert int(r["bytes_read"]) < 128 * 1024 + 64, r  # type: ignore[call-overload]


def test_a_jpeg_whose_segments_outgrow_the_head_is_read_to_its_picture_data(tmp_path: Path) -> None:
    """A JPEG whose APP segments end after the first 128 KiB (a large XMP or ICC profile) is still
    read up to its picture data, sparsely, and its audit is the whole file's; one whose data after
    the picture is longer than the tail read is read whole, with the same audit."""
    src = (CORPUS / "mei_Sony_DSC-T5.jpg").read_bytes()
    assert src[:2] == b"\xff\xd8"
    # Three 60 KB COM segments right after SOI push every later segment past the head.
    padding = b"".join(b"\xff\xfe" + (60_002).to_bytes(2, "big") + bytes(60_000) for _ in range(3))
    padded = tmp_path / "padded.jpg"
    padded.write_bytes(src[:2] + padding + src[2:])
    trailer = tmp_path / "trailer.jpg"
    trailer.write_bytes(src + bytes(400_000))
    first, second = _check([padded, trailer])
    assert first["same"] and first["sparse"], first
    assert int(first["bytes_read"]) < 0.5 * int(first["size"]), first  # type: ignore[call-overload]
    assert second["same"], second

"""The web audit's sparse read (web/src/tools/audit/read.ts) against the whole file: the audit of what
it reads, and the audit's metadata-only walk (a JPEG's stops at its first scan), are the audit from
``inspect``'s full walk of the whole file, for every corpus file, read on its own (named as a File
or not) and read with every other file through one grouped Blob read (blob-batch.ts, the way the
audit's worker reads); and for the JPEG and HEIC photos it reads a fraction of the bytes (what makes
a folder audit faster than copying the folder)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .conftest import WEB
from .corpus import CORPUS


def _run(paths: list[Path], change: tuple[Path, ...] = ()) -> dict[str, Any]:
    tsx = WEB / "node_modules" / ".bin" / "tsx"
    changed = [arg for path in change for arg in ("--change", str(path))]
    out = subprocess.run(
        [str(tsx), "scripts/audit-read-check.ts", *changed, *map(str, paths)], cwd=WEB, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def _check(paths: list[Path]) -> list[dict[str, Any]]:
    return list(_run(paths)["files"])


def test_sparse_read_audits_like_the_whole_file() -> None:
    paths = sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name != "manifest.json" and not p.name.endswith(".md"))
    results = _check(paths)
    assert len(results) == len(paths)
    for how in ("same", "unnamed_same", "grouped_same"):
        differ = [r["path"] for r in results if not r[how]]
        assert not differ, f"sparse audit ({how}) differs from the whole file's: {differ}"
    differ = [r["path"] for r in results if not r["head_same"]]
    assert not differ, f"the metadata-only walk differs from the full walk: {differ}"
    # Never more than the file (a fallback to the whole file reads the head twice at most).
    for r in results:
        assert int(r["bytes_read"]) <= int(r["size"]) + 2 * 128 * 1024, r
    # The large phone and camera photos are read sparsely, and only a small part of them.
    big = [r for r in results if str(r["path"]).lower().endswith((".jpg", ".heic")) and int(r["size"]) > 1_000_000]
    assert len(big) >= 4, big
    for r in big:
        assert r["sparse"], r
        assert int(r["bytes_read"]) < 0.4 * int(r["size"]), r
    # A JPEG is read to its first scan and the end of its image, not through the tail: in the corpus's
    # photos the first scan starts within the first read (64 KiB).
    jpegs = [r for r in big if str(r["path"]).lower().endswith(".jpg") and "Sony_DSC-T5" not in str(r["path"])]
    for r in jpegs:
        assert int(r["bytes_read"]) == 64 * 1024 + 2, r


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
    assert int(first["bytes_read"]) < 0.5 * int(first["size"]), first
    assert second["same"], second


def test_grouped_reads_cut_apart_files_of_every_shape(tmp_path: Path) -> None:
    """One grouped read serves files of every shape at once: an empty file, files shorter than the
    first read, a JPEG whose segments outgrow it, HEIC (head and tail), PNG, TIFF and WebP (read whole)
    and the large photos; each is cut from the group's bytes and audited as the whole file is, and the
    group needs a few reads for all of them, not one or two per file."""
    names = [
        "mei_IMG_1034.heic", "pillowheif_pug.heic", "mei_Nikon_D60.jpg", "mei_Sony_DSC-T5.jpg",
        "exifsamples_iphone6_hdr_NO.jpg", "skimage_rocket.jpg", "broken_text_file.jpg",
    ]  # fmt: skip
    paths = [CORPUS / n for n in names]
    paths += sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in (".png", ".tif", ".tiff", ".webp"))[:6]
    assert {p.suffix.lower() for p in paths} >= {".png", ".webp"}, paths
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    short = tmp_path / "short.jpg"
    short.write_bytes((CORPUS / "mei_Nikon_D60.jpg").read_bytes()[:300])
    src = (CORPUS / "mei_Sony_DSC-T5.jpg").read_bytes()
    padded = tmp_path / "padded.jpg"
    padded.write_bytes(src[:2] + b"".join(b"\xff\xfe" + (60_002).to_bytes(2, "big") + bytes(60_000) for _ in range(3)) + src[2:])
    paths += [empty, short, padded]
    out = _run(paths)
    results = out["files"]
    assert [r["path"] for r in results] == [str(p) for p in paths]
    differ = [r["path"] for r in results if not r["grouped_same"] or r["grouped_error"]]
    assert not differ, f"grouped audit differs from the whole file's: {differ}"
    # Rounds, not files: the heads in one read, then the tails and the longer heads, then what those ask.
    assert out["grouped_reads"] <= 6, out["grouped_reads"]


def test_a_file_changed_after_it_was_picked_fails_alone(tmp_path: Path) -> None:
    """A file changed on disk after it was picked cannot be read (the browser refuses, as Node does),
    and it would fail every file read with it in one Blob: the group is read again part by part, so
    only that file's read fails and the others are audited as their whole files are."""
    paths = []
    for name in ("mei_Nikon_D60.jpg", "mei_IMG_1034.heic", "skimage_rocket.jpg"):
        shutil.copyfile(CORPUS / name, tmp_path / name)
        paths.append(tmp_path / name)
    out = _run(paths, change=(paths[1],))
    by_name = {Path(r["path"]).name: r for r in out["files"]}
    assert "NotReadableError" in str(by_name["mei_IMG_1034.heic"]["grouped_error"]), by_name
    for name in ("mei_Nikon_D60.jpg", "skimage_rocket.jpg"):
        assert by_name[name]["grouped_same"] and by_name[name]["grouped_error"] is None, by_name[name]

"""The CLI audit's sparse read (tools/audit/read.py, the mirror of web/src/tools/audit/read.ts)
against the whole file: the audit of what it reads is the audit from ``inspect``'s full walk of the
whole file, for every corpus file, and a camera or phone photo is read only around its picture."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from privpix.tools.audit import audit_photo
from privpix.tools.audit.read import HEAD, TAIL, audit_file, read_for_audit
from privpix.tools.inspect import inspect

from .corpus import CORPUS


def _corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name != "manifest.json" and not p.name.endswith(".md"))


def test_the_sparse_read_audits_like_the_whole_file() -> None:
    differ = []
    for path in _corpus_files():
        photo, bytes_read = audit_file(path, path.name)
        if photo != audit_photo(path.read_bytes(), path.name, walk=inspect):
            differ.append(path.name)
        assert bytes_read <= path.stat().st_size + HEAD + TAIL, path.name
    assert differ == []


def test_camera_and_phone_photos_are_read_around_their_picture() -> None:
    big = [p for p in _corpus_files() if p.suffix.lower() in (".jpg", ".heic") and p.stat().st_size > 1_000_000]
    assert len(big) >= 6
    for path in big:
        read = read_for_audit(path)
        assert read.sparse and len(read.data) == path.stat().st_size, path.name
        # the tail too for HEIF, and for the JPEG with data after its image (read twice: its last two bytes)
        limit = HEAD + TAIL + 2 if path.suffix.lower() == ".heic" or "Sony_DSC-T5" in path.name else HEAD + 2
        assert read.bytes_read <= limit, (path.name, read.bytes_read)


def test_a_jpeg_whose_segments_outgrow_the_head_is_read_to_its_picture_data(tmp_path: Path) -> None:
    src = (CORPUS / "mei_Sony_DSC-H9.jpg").read_bytes()
    padding = b"".join(b"\xff\xfe" + (60_002).to_bytes(2, "big") + bytes(60_000) for _ in range(3))
    padded = tmp_path / "padded.jpg"
    padded.write_bytes(src[:2] + padding + src[2:])
    read = read_for_audit(padded)
    assert read.sparse and read.bytes_read <= 2 * HEAD + 2
    photo, _ = audit_file(padded, "padded.jpg")
    assert photo == audit_photo(padded.read_bytes(), "padded.jpg", walk=inspect)
    assert photo.gps is not None or photo.identity


def test_a_file_cut_short_is_read_whole_and_found_damaged(tmp_path: Path) -> None:
    src = (CORPUS / "mei_Nikon_D60.jpg").read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(src[: len(src) // 2])
    photo, bytes_read = audit_file(cut, "cut.jpg")
    assert photo.damaged and photo == audit_photo(cut.read_bytes(), "cut.jpg", walk=inspect)
    assert bytes_read > len(src) // 2  # the sparse read, then the whole file


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "photo.jpg"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        read_for_audit(fifo)

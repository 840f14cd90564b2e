"""Output planning and atomic writes shared by every tool's command line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from privpix.files import collect, plan, write_atomic


def test_new_file_mode_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.jpg", b"data")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.jpg").stat().st_mode) == 0o640
    assert (tmp_path / "a.jpg").read_bytes() == b"data"


def test_mode_from_copies_the_original_mode_exactly(tmp_path: Path) -> None:
    original = tmp_path / "orig.jpg"
    original.write_bytes(b"old")
    original.chmod(0o604)
    write_atomic(original, b"new", mode_from=original, durable=True)
    assert original.read_bytes() == b"new"
    assert stat.S_IMODE(original.stat().st_mode) == 0o604


def test_a_stale_temporary_file_does_not_block_the_write(tmp_path: Path) -> None:
    stale = tmp_path / f".a.jpg.{os.getpid()}.privpix-tmp"
    stale.write_bytes(b"left by a crash")
    write_atomic(tmp_path / "a.jpg", b"data")
    assert (tmp_path / "a.jpg").read_bytes() == b"data"
    assert sorted(p.name for p in tmp_path.iterdir()) == [stale.name, "a.jpg"]


def test_a_failed_write_leaves_no_temporary_file_and_no_output(tmp_path: Path) -> None:
    target = tmp_path / "a.jpg"
    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_plan_names_and_refusals(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    for rel in ("a.jpg", "sub/b.heic"):
        (tmp_path / "in" / rel).write_bytes(b"x")
    files, problems = collect([tmp_path / "in"], recursive=True)
    assert problems == []
    beside, _ = plan(files, None, in_place=False, tag="stripped")
    assert [j.output.name for j in beside] == ["a-stripped.jpg", "b-stripped.heic"]
    into, _ = plan(files, tmp_path / "out", in_place=False, tag="compressed", suffix=".webp")
    assert [j.output.relative_to(tmp_path / "out").as_posix() for j in into] == ["a.webp", "sub/b.webp"]
    jobs, refused = plan(files, tmp_path / "in", in_place=False, tag="stripped")
    assert [j.source.name for j in jobs] == [] and len(refused) == 2

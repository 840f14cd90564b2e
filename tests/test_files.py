"""Input collection, output planning and atomic writes shared by every tool's command line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from privpix import atomic
from privpix.atomic import HardLinkedError, clean_stale, write_atomic
from privpix.files import OutputRules, Source, collect, is_own_output, plan, read_input
from privpix.terminal import printable

# ---- atomic writes -------------------------------------------------------------------------------------


def test_new_file_mode_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.jpg", b"data")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.jpg").stat().st_mode) == 0o640
    assert (tmp_path / "a.jpg").read_bytes() == b"data"


def test_replacing_keeps_mode_mtime_and_extended_attributes(tmp_path: Path) -> None:
    original = tmp_path / "orig.jpg"
    original.write_bytes(b"old")
    original.chmod(0o604)
    os.setxattr(original, "user.privpix.test", b"kept")
    os.utime(original, ns=(1_600_000_000_000_000_000, 1_500_000_000_123_456_789))
    write_atomic(original, b"new", in_place=True)
    st = original.stat()
    assert original.read_bytes() == b"new"
    assert stat.S_IMODE(st.st_mode) == 0o604
    assert st.st_mtime_ns == 1_500_000_000_123_456_789
    assert os.getxattr(original, "user.privpix.test") == b"kept"
    write_atomic(original, b"newer", in_place=True, keep_mtime=False)
    assert original.stat().st_mtime_ns != 1_500_000_000_123_456_789


def test_no_clobber_refuses_an_existing_name_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(b"someone's photo")
    with pytest.raises(FileExistsError):
        write_atomic(tmp_path / "a.jpg", b"result", overwrite=False)
    assert (tmp_path / "a.jpg").read_bytes() == b"someone's photo"
    assert [p.name for p in tmp_path.iterdir()] == ["a.jpg"]
    write_atomic(tmp_path / "b.jpg", b"result", overwrite=False)
    assert (tmp_path / "b.jpg").read_bytes() == b"result"


def test_a_failed_write_leaves_no_temporary_file_and_no_output(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_atomic(tmp_path / "a.jpg", object())  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_temporary_names_are_short_so_the_longest_names_work(tmp_path: Path) -> None:
    name = "é" * 125 + ".jpg"  # 254 bytes: the temporary name must not be derived from it
    assert len(os.fsencode(name)) == 254
    write_atomic(tmp_path / name, b"data")
    assert (tmp_path / name).read_bytes() == b"data"


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporary_files_of_killed_runs_are_removed_on_the_next_write(tmp_path: Path) -> None:
    host = atomic._HOST
    stale = tmp_path / f".privpix-{host}-{_dead_pid():x}-0badf00d.tmp"
    alive = tmp_path / f".privpix-{host}-{os.getppid():x}-0badf00d.tmp"  # a live process: still writing
    foreign = tmp_path / ".privpix-zzzz-1-0badf00d.tmp"  # another host's: removed only when a day old
    old = tmp_path / ".privpix-yyyy-1-0badf00d.tmp"
    for path in (stale, alive, foreign, old):
        path.write_bytes(b"x" * 1000)
    os.utime(old, (0, 0))
    unrelated = tmp_path / ".privpix-notes.tmp"
    unrelated.write_bytes(b"not ours")
    write_atomic(tmp_path / "a.jpg", b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, foreign.name, unrelated.name, "a.jpg"])
    assert clean_stale(tmp_path) == []  # once per directory per process


# ---- inputs -------------------------------------------------------------------------------------------


def test_fifos_and_devices_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "x.jpg"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file \\(a FIFO\\)"):
        read_input(fifo)  # would block forever if it were opened for a blocking read
    with pytest.raises(OSError, match="a character device"):
        read_input(Path("/dev/zero"))
    found = collect([fifo, Path("/dev/zero"), tmp_path], recursive=False)
    assert found.sources == []
    assert [reason for _, reason in found.problems] == [
        "not a regular file (a FIFO)",
        "not a regular file (a character device)",
        "not a regular file (a FIFO)",  # the walk reports it too
    ]


def test_walks_skip_hidden_files_and_own_outputs_and_report_them(tmp_path: Path) -> None:
    for name in ("a.jpg", "a-stripped.jpg", "a-stripped-2.jpg", ".b.jpg", "c-compressed.jpg", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    found = collect([tmp_path], recursive=False, tag="stripped")
    assert [s.path.name for s in found.sources] == ["a.jpg", "c-compressed.jpg"]
    assert any("skipped 2 earlier outputs of this tool" in note for _, note in found.notes)
    assert is_own_output("IMG_1-stripped.HEIC", "stripped") and not is_own_output("stripped.jpg", "stripped")


def test_the_same_file_named_twice_is_processed_once(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(b"x")
    (tmp_path / "link.jpg").symlink_to("a.jpg")
    found = collect([tmp_path / "a.jpg", tmp_path / "link.jpg", tmp_path], recursive=False)
    assert [s.path.name for s in found.sources] == ["a.jpg"]
    assert len(found.notes) == 3 and all("processed once" in n for _, n in found.notes)  # link, and both again in the walk


# ---- output planning -----------------------------------------------------------------------------------


def _sources(root: Path, *names: str, top: Path | None = None) -> list[Source]:
    out = []
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        out.append(Source(path, top))
    return out


def test_directories_keep_their_names_and_loose_files_are_numbered(tmp_path: Path) -> None:
    col = tmp_path / "col"
    from_dirs = _sources(col, "a/x.jpg", top=col / "a") + _sources(col, "b/x.jpg", top=col / "b")
    jobs = plan(from_dirs, OutputRules("stripped", tmp_path / "out")).jobs
    assert [j.output.relative_to(tmp_path).as_posix() for j in jobs if j.output] == ["out/a/x.jpg", "out/b/x.jpg"]
    loose = plan([Source(s.path) for s in from_dirs], OutputRules("stripped", tmp_path / "out"))
    assert [j.output.name for j in loose.jobs if j.output] == ["x.jpg", "x-2.jpg"]
    assert loose.notes == [
        (from_dirs[1].path, f"another input also becomes {tmp_path / 'out' / 'x.jpg'}; writing {tmp_path / 'out' / 'x-2.jpg'}")
    ]


def test_names_are_compared_case_insensitively(tmp_path: Path) -> None:
    heic, jpg = _sources(tmp_path, "IMG_0001.HEIC", "IMG_0001.JPG")
    webp = plan([heic, jpg], OutputRules("converted"), lambda p: (".webp",))
    assert [j.output.name for j in webp.jobs if j.output] == ["IMG_0001-converted.webp", "IMG_0001-converted-2.webp"]
    # IMG_0001.HEIC -> IMG_0001.jpg in its own folder would replace IMG_0001.JPG on an SD card or a Mac
    into_same = plan([heic], OutputRules("converted", tmp_path), lambda p: (".jpg",))
    assert into_same.jobs == []
    assert into_same.refused == [
        (heic.path, f"{tmp_path / 'IMG_0001.JPG'} already exists (--overwrite replaces it, --skip-existing skips this input)")
    ]


def test_existing_outputs_are_refused_skipped_or_replaced(tmp_path: Path) -> None:
    (source,) = _sources(tmp_path, "a.jpg")
    (tmp_path / "a-stripped.jpg").write_bytes(b"earlier")
    refused = plan([source], OutputRules("stripped"))
    assert refused.jobs == [] and "already exists" in refused.refused[0][1]
    skipped = plan([source], OutputRules("stripped", skip_existing=True))
    assert skipped.jobs == [] and skipped.skipped == [(source.path, f"{tmp_path / 'a-stripped.jpg'} exists")]
    replaced = plan([source], OutputRules("stripped", overwrite=True))
    assert [(j.output, j.overwrite) for j in replaced.jobs] == [(tmp_path / "a-stripped.jpg", True)]


def test_an_output_never_lands_on_an_input(tmp_path: Path) -> None:
    a, b = _sources(tmp_path, "a.jpg", "b.heic")
    same = plan([a], OutputRules("stripped", tmp_path, overwrite=True))
    assert same.jobs == [] and "would overwrite the input" in same.refused[0][1]
    # b.heic -> b.jpg is free; but with a.jpg converted too, b's name must not be a's
    (tmp_path / "b.jpg").write_bytes(b"x")
    other = plan([Source(tmp_path / "b.jpg"), b], OutputRules("converted", tmp_path / "out"), lambda p: (".jpg",))
    assert [j.output.name for j in other.jobs if j.output] == ["b.jpg", "b-2.jpg"]


def test_reserved_alternative_names_for_a_format_decided_by_content(tmp_path: Path) -> None:
    heic, png = _sources(tmp_path, "x.heic", "x.png")
    jobs = plan(
        [heic, png],
        OutputRules("compressed", tmp_path / "out"),
        lambda p: (".jpg", ".png") if p.suffix == ".heic" else (p.suffix,),
    ).jobs
    assert [(j.output.name, [a.name for a in j.alternatives]) for j in jobs if j.output] == [
        ("x.jpg", ["x.png"]),
        ("x-2.png", []),
    ]


def test_names_too_long_for_the_file_system_are_shortened_keeping_tag_and_ending(tmp_path: Path) -> None:
    stem = "ü" * 120  # 240 bytes
    (source,) = _sources(tmp_path, stem + ".jpg")
    (job,) = plan([source], OutputRules("stripped")).jobs
    assert job.output is not None and len(os.fsencode(job.output.name)) <= 255
    assert job.output.name.endswith("-stripped.jpg") and job.output.name.startswith("ü" * 100)


def test_in_place_writes_through_symlinks_and_refuses_hard_links(tmp_path: Path) -> None:
    (real,) = _sources(tmp_path, "real.jpg")
    (tmp_path / "link.jpg").symlink_to("real.jpg")
    os.link(tmp_path / "real.jpg", tmp_path / "second.jpg")
    hard = plan([Source(tmp_path / "real.jpg")], OutputRules("stripped", in_place=True))
    assert hard.jobs == [] and "2 hard links" in hard.refused[0][1]
    (tmp_path / "second.jpg").unlink()
    (job,) = plan([Source(tmp_path / "link.jpg")], OutputRules("stripped", in_place=True)).jobs
    assert job.output == real.path.resolve() and job.in_place


def test_printable_escapes_what_could_act_on_a_terminal() -> None:
    assert printable("GPS\x1b[2J\x1b[H ok") == "GPS\\x1b[2J\\x1b[H ok"
    assert printable("a\nb\tc\rd\x9b") == "a\\nb\\tc\\rd\\x9b"
    assert printable("abc\u202eevil") == "abc\\u202eevil"
    assert printable(Path(os.fsdecode(b"bad\xffname.jpg"))) == "bad\\xffname.jpg"
    assert printable("Zoë 東京 ©") == "Zoë 東京 ©"


def test_linked_directories_are_not_followed_out_of_the_tree(tmp_path: Path) -> None:
    top = tmp_path / "photos"
    (top / "sub").mkdir(parents=True)
    (top / "sub" / "a.jpg").write_bytes(b"x")
    (tmp_path / "private.jpg").write_bytes(b"x")  # outside the folder named
    (top / "up").symlink_to("..")  # a loop through the parent
    (top / "broken.jpg").symlink_to("missing.jpg")
    found = collect([top], recursive=True)
    assert [s.path.relative_to(top).as_posix() for s in found.sources] == ["sub/a.jpg"]
    assert (top / "up", "a linked directory: not followed (name it to include it)") in found.notes
    assert found.problems == [(top / "broken.jpg", "no such file or directory")]


def test_the_output_directory_is_not_walked(tmp_path: Path) -> None:
    (tmp_path / "clean").mkdir()
    (tmp_path / "a.jpg").write_bytes(b"x")
    (tmp_path / "clean" / "a.jpg").write_bytes(b"earlier result")
    inside = collect([tmp_path], recursive=True, exclude=tmp_path / "clean")
    assert [s.path.name for s in inside.sources] == ["a.jpg"] and inside.sources[0].path.parent == tmp_path
    same = collect([tmp_path], recursive=False, exclude=tmp_path)  # -o is the folder walked: it is walked
    assert [s.path.name for s in same.sources] == ["a.jpg"]


def test_in_place_writes_follow_links_and_refuse_hard_links_for_library_users_too(tmp_path: Path) -> None:
    real = tmp_path / "real.jpg"
    real.write_bytes(b"original")
    (tmp_path / "link.jpg").symlink_to("real.jpg")
    assert write_atomic(tmp_path / "link.jpg", b"stripped", in_place=True) == real
    assert (tmp_path / "link.jpg").is_symlink() and real.read_bytes() == b"stripped"
    os.link(real, tmp_path / "other-name.jpg")
    with pytest.raises(HardLinkedError, match="2 hard links"):
        write_atomic(real, b"again", in_place=True)
    assert real.read_bytes() == b"stripped" and sorted(p.name for p in tmp_path.iterdir()) == [
        "link.jpg",
        "other-name.jpg",
        "real.jpg",
    ]


def test_importing_privpix_loads_no_tool_until_one_is_used() -> None:
    code = (
        "import sys, privpix\n"
        "print(sorted(m for m in sys.modules if m.startswith('privpix.')))\n"
        "print(privpix.strip.__module__, privpix.StripOptions.__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, second = done.stdout.splitlines()
    assert first == "[]"
    assert second == "privpix.tools.strip StripOptions"


def test_read_input_reads_every_byte_of_small_large_and_empty_files(tmp_path: Path) -> None:
    """read_input reads with os.read (one call of the size fstat saw, then to the end): every byte,
    whatever the size, and an empty file is empty."""
    for size in (0, 1, 65_536, 3 * 1024 * 1024 + 7):
        path = tmp_path / f"{size}.bin"
        content = os.urandom(size)
        path.write_bytes(content)
        assert read_input(path) == content

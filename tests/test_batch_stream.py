"""A batch streams its files: walked twice (a survey that counts, then the run) instead of listed,
planned one at a time, handed to the workers as they need them, reported without keeping a report
of each. The streamed paths must give what the listed ones gave: the same files in the same order,
each once, and the same guarantees for outputs (docs/cli.md)."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from privpix.batch import AHEAD_PER_WORKER, Outcome, run
from privpix.files import Job, Selection, collect
from tests.command_line import cli, cli_with_stderr_on_a_terminal
from tests.test_cli_batch import fails_on_odd

GPS_JPEG = "exifsamples_DSCN0010.jpg"


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_a_walk_gives_the_files_in_the_order_of_their_path_parts(tmp_path: Path) -> None:
    """The walk used to list the whole tree and sort it by path parts; it now walks each directory
    by name, a sub-directory's files where its name falls, and must give the same order."""
    names = ["a.jpg", "a/x.jpg", "a/c/z.jpg", "a/b.jpg", "a b/y.jpg", "B.jpg", "é.jpg", "a-/q.jpg", "b/a.jpg", "a0.jpg"]
    _touch(tmp_path, *names)
    listed = sorted((p for p in tmp_path.rglob("*.jpg")), key=lambda p: p.parts)
    walked = [s.path for s in Selection((tmp_path,), recursive=True).walk()]
    assert walked == listed
    assert [s.index for s in Selection((tmp_path,), recursive=True).walk()] == list(range(len(names)))
    survey = Selection((tmp_path,), recursive=True).survey()
    assert (survey.files, survey.size, survey.remember_all) == (len(names), len(names), False)


def test_a_file_reached_twice_is_processed_once_when_only_links_are_remembered(tmp_path: Path) -> None:
    """One directory named: only a file with several hard links, or reached through a symbolic link,
    can be reached twice, so the run remembers only those; a symbolic link anywhere in the walk makes
    the survey ask for every file to be remembered (its target may come first)."""
    _touch(tmp_path, "b.jpg", "z.jpg")
    os.link(tmp_path / "b.jpg", tmp_path / "h.jpg")
    selection = Selection((tmp_path,), recursive=False)
    assert not selection.survey().remember_all
    notes: list[tuple[Path, str]] = []
    walked = [s.path.name for s in selection.walk(note=lambda p, m: notes.append((p, m)), remember_all=False)]
    assert walked == ["b.jpg", "z.jpg"]
    assert notes == [(tmp_path / "h.jpg", f"same file as {tmp_path / 'b.jpg'}: processed once")]
    (tmp_path / "a.jpg").write_bytes(b"y")
    (tmp_path / "link.jpg").symlink_to("a.jpg")  # after its target in the walk
    survey = selection.survey()
    assert survey.remember_all and survey.files == 3
    walked = [s.path.name for s in selection.walk(remember_all=survey.remember_all)]
    assert walked == ["a.jpg", "b.jpg", "z.jpg"]
    assert walked == [s.path.name for s in collect([tmp_path], recursive=False).sources]


def test_strip_never_walks_the_output_directory_it_creates_inside_the_tree(corpus: Path, tmp_path: Path) -> None:
    """photos/0/a.jpg is stripped into photos/sub/clean/ before the walk reaches photos/sub: the output
    directory did not exist when the run began (nor when the walk entered photos/0), and must still be
    left out when the walk gets there."""
    photos = tmp_path / "photos"
    for folder in ("0", "sub"):
        (photos / folder).mkdir(parents=True)
    shutil.copyfile(corpus / GPS_JPEG, photos / "0" / "a.jpg")
    shutil.copyfile(corpus / GPS_JPEG, photos / "sub" / "b.jpg")
    out = photos / "sub" / "clean"
    proc = cli("strip", "-r", "-j", "1", photos, "-o", out, "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [f["path"] for f in doc["files"]] == [str(photos / "0" / "a.jpg"), str(photos / "sub" / "b.jpg")]
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["photos/0/a.jpg", "photos/sub/b.jpg"]


def test_an_output_never_takes_the_name_of_an_input_named_later(corpus: Path, tmp_path: Path) -> None:
    """a.jpg is planned before a-stripped.jpg is reached: its output must still not be a-stripped.jpg,
    which the survey's names of all inputs tell the planner."""
    for name in ("a.jpg", "a-stripped.jpg"):
        shutil.copyfile(corpus / GPS_JPEG, tmp_path / name)
    original = (tmp_path / "a-stripped.jpg").read_bytes()
    proc = cli("strip", "-j", "1", tmp_path / "a.jpg", tmp_path / "a-stripped.jpg", "--jsonl")
    assert proc.returncode == 0, proc.stderr
    files = [json.loads(line) for line in proc.stdout.splitlines()][:2]
    assert [(Path(f["path"]).name, Path(f["output"]).name) for f in files] == [
        ("a.jpg", "a-stripped-2.jpg"),
        ("a-stripped.jpg", "a-stripped-stripped.jpg"),
    ]
    assert files[0]["notes"] == [
        f"another input also becomes {tmp_path / 'a-stripped.jpg'}; writing {tmp_path / 'a-stripped-2.jpg'}"
    ]
    assert (tmp_path / "a-stripped.jpg").read_bytes() == original


def test_refused_skipped_and_missing_inputs_keep_their_place_in_json(corpus: Path, tmp_path: Path) -> None:
    """Problems are reported as the walk reaches them; --json still lists the files in input order,
    paths that were never input files first."""
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        shutil.copyfile(corpus / GPS_JPEG, tmp_path / name)
    (tmp_path / "b-stripped.jpg").write_bytes(b"mine")
    (tmp_path / "c-stripped.jpg").write_bytes(b"mine")
    missing = tmp_path / "missing.jpg"
    args = ("strip", "-j", "1", tmp_path / "c.jpg", missing, tmp_path / "a.jpg", tmp_path / "b.jpg", "--json")
    doc = json.loads(cli(*args).stdout)
    assert [(Path(f["path"]).name, f["status"]) for f in doc["files"]] == [
        ("missing.jpg", "error"),
        ("c.jpg", "error"),
        ("a.jpg", "ok"),
        ("b.jpg", "error"),
    ]
    doc = json.loads(cli(*args[:-1], "--skip-existing", "--json").stdout)  # a-stripped.jpg exists now
    assert [(Path(f["path"]).name, f["status"]) for f in doc["files"]] == [
        ("missing.jpg", "error"),
        ("c.jpg", "skipped"),
        ("a.jpg", "skipped"),
        ("b.jpg", "skipped"),
    ]
    assert doc["summary"] == {"ok": 0, "error": 1, "skipped": 3, "damaged": 0, "target_missed": 0, "interrupted": False}


def test_a_pool_takes_jobs_from_a_stream_as_it_needs_them() -> None:
    """10,000 jobs streamed to two workers: when the first outcome arrives, only the tasks handed out
    ahead have been taken from the stream, not the whole list."""
    taken = 0
    at_first: list[int] = []

    def jobs() -> Iterator[Job]:
        nonlocal taken
        for i in range(10_000):
            taken += 1
            yield Job(Path(str(i)), None, index=i)

    def emit(outcome: Outcome) -> None:
        if not at_first:
            at_first.append(taken)
        seen.append(outcome.job.index)

    seen: list[int] = []
    run(jobs(), fails_on_odd, None, emit, total=10_000, workers=2, chunk=8)
    assert sorted(seen) == list(range(10_000))
    ahead = 2 * AHEAD_PER_WORKER * 8  # two workers' tasks of 8 files handed out ahead
    assert at_first[0] <= 2 * ahead  # and at most as many again, replacing tasks that finished together


def test_the_progress_bar_counts_every_input_to_the_survey_s_total(corpus: Path, tmp_path: Path) -> None:
    """The bar's total comes from the survey before any file is planned, and an input refused on the
    way (its output exists) counts towards it like a processed one: the bar ends full."""
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        shutil.copyfile(corpus / GPS_JPEG, tmp_path / name)
    (tmp_path / "b-stripped.jpg").write_bytes(b"mine")
    proc, seen = cli_with_stderr_on_a_terminal("strip", "-r", "-j", "1", tmp_path)
    assert proc.returncode == 1  # b.jpg refused
    counts = re.findall(rb"(\d+)/(\d+)", seen)
    assert counts and {total for _, total in counts} == {b"3"}
    assert (b"3", b"3") in counts

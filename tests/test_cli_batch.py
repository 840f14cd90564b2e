"""The batch conventions every command shares (docs/cli.md): no output lands on an unrelated file or
on another output, nothing existing is replaced unless asked, in-place follows links, every
unreadable thing is a per-file error, hostile names and metadata cannot act on the terminal, and
Unix pipelines work. Each test reproduces a reported defect."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

import privpix
from privpix.batch import Outcome, run
from privpix.files import Job
from tests.command_line import cli, cli_binary, cli_without_privileges

GPS_JPEG = "exifsamples_DSCN0010.jpg"  # 640×480, GPS
OTHER_JPEG = "mei_Apple_iPhone_4.jpg"
HEIC = "pillowheif_xiaomi.heic"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stripped(corpus: Path, name: str) -> bytes:
    return privpix.strip((corpus / name).read_bytes()).data


@pytest.fixture
def col(corpus: Path, tmp_path: Path) -> Path:
    """Two camera folders with a photo of the same name in each (DCIM/100APPLE, 101APPLE)."""
    root = tmp_path / "col"
    for sub, name in (("a", GPS_JPEG), ("b", OTHER_JPEG)):
        (root / sub).mkdir(parents=True)
        shutil.copyfile(corpus / name, root / sub / "x.jpg")
    return root


# ---- 1, 2: unrelated originals and colliding outputs ---------------------------------------------------


def test_an_unrelated_original_is_never_overwritten(corpus: Path, tmp_path: Path) -> None:
    ph = tmp_path / "ph"
    ph.mkdir()
    shutil.copyfile(corpus / HEIC, ph / "IMG_1.heic")
    shutil.copyfile(corpus / OTHER_JPEG, ph / "IMG_1.jpg")  # someone else's photo with the output's name
    shutil.copyfile(corpus / HEIC, ph / "IMG_0001.HEIC")
    shutil.copyfile(corpus / OTHER_JPEG, ph / "IMG_0001.JPG")  # the same, differing only in case (SD card, Mac)
    before = {p.name: digest(p) for p in ph.iterdir()}
    proc = cli("convert", ph / "IMG_1.heic", ph / "IMG_0001.HEIC", "--max-dimension", "64", "-o", ph)
    assert proc.returncode == 1
    assert f"privpix: {ph / 'IMG_1.heic'}: {ph / 'IMG_1.jpg'} already exists" in proc.stderr
    assert f"privpix: {ph / 'IMG_0001.HEIC'}: {ph / 'IMG_0001.JPG'} already exists" in proc.stderr
    assert {p.name: digest(p) for p in ph.iterdir()} == before


def test_loose_files_with_one_name_get_numbered_outputs(col: Path, tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "out"
    proc = cli("strip", col / "a" / "x.jpg", col / "b" / "x.jpg", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert (out / "x.jpg").read_bytes() == stripped(corpus, GPS_JPEG)
    assert (out / "x-2.jpg").read_bytes() == stripped(corpus, OTHER_JPEG)
    assert f"privpix: {col / 'b' / 'x.jpg'}: another input also becomes {out / 'x.jpg'}; writing {out / 'x-2.jpg'}" in proc.stderr


def test_directories_keep_their_structure_under_out(col: Path, tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "out"
    proc = cli("strip", col / "a", col / "b", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["a/x.jpg", "b/x.jpg"]
    assert (out / "b" / "x.jpg").read_bytes() == stripped(corpus, OTHER_JPEG)


def test_convert_of_heic_and_jpeg_with_one_stem_writes_two_files(corpus: Path, tmp_path: Path) -> None:
    shutil.copyfile(corpus / HEIC, tmp_path / "IMG_0001.HEIC")
    shutil.copyfile(corpus / GPS_JPEG, tmp_path / "IMG_0001.JPG")
    proc = cli("convert", "--to", "webp", "--max-dimension", "64", tmp_path / "IMG_0001.HEIC", tmp_path / "IMG_0001.JPG")
    assert proc.returncode == 0, proc.stderr
    first, second = tmp_path / "IMG_0001-converted.webp", tmp_path / "IMG_0001-converted-2.webp"
    assert Image.open(first).size == (64, 48) and Image.open(second).size == (64, 48)
    assert first.read_bytes() != second.read_bytes()


# ---- 3: existing outputs, resuming, re-running -----------------------------------------------------------


def test_existing_outputs_are_refused_per_file_and_the_batch_goes_on(col: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "x.jpg").write_bytes(b"an earlier result someone edited")
    proc = cli("strip", col / "a", col / "b", "-o", out)
    assert proc.returncode == 1
    assert f"privpix: {col / 'a' / 'x.jpg'}: {out / 'a' / 'x.jpg'} already exists (--overwrite replaces it" in proc.stderr
    assert (out / "a" / "x.jpg").read_bytes() == b"an earlier result someone edited"
    assert (out / "b" / "x.jpg").is_file()
    resumed = cli("strip", col / "a", col / "b", "-o", out, "--skip-existing", "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert [f["status"] for f in json.loads(resumed.stdout)["files"]] == ["skipped", "skipped"]
    replaced = cli("strip", col / "a", "-o", out, "--overwrite")
    assert replaced.returncode == 0 and (out / "a" / "x.jpg").read_bytes()[:2] == b"\xff\xd8"
    assert cli("strip", col, "-o", out, "--overwrite", "--skip-existing").returncode == 2


def test_rerunning_a_folder_command_skips_its_own_outputs(col: Path) -> None:
    first = cli("strip", col / "a")
    assert first.returncode == 0, first.stderr
    again = cli("strip", col / "a", "--skip-existing")
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in (col / "a").iterdir()) == ["x-stripped.jpg", "x.jpg"]  # no x-stripped-stripped.jpg
    assert f"privpix: {col / 'a'}: skipped 1 earlier output of this tool (*-stripped.*)" in again.stderr


# ---- 6: in place, links, attributes, leftovers ----------------------------------------------------------


def test_in_place_through_a_symlink_strips_the_real_photo_and_keeps_its_attributes(corpus: Path, tmp_path: Path) -> None:
    real = tmp_path / "library" / "real.jpg"
    real.parent.mkdir()
    shutil.copyfile(corpus / GPS_JPEG, real)
    real.chmod(0o640)
    os.setxattr(real, "user.rating", b"5")
    if os.geteuid() == 0:
        os.chown(real, 1234, 2345)  # someone else's photo, stripped by root: it stays theirs
    owner = (real.stat().st_uid, real.stat().st_gid)
    os.utime(real, ns=(1_000_000_000_000_000_000, 1_234_567_890_123_456_789))
    link = tmp_path / "link.jpg"
    link.symlink_to(real)
    proc = cli("strip", "--in-place", link)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and link.resolve() == real
    assert real.read_bytes() == stripped(corpus, GPS_JPEG)  # the photo the person meant
    assert not any(f.category == "location" for f in privpix.inspect(real.read_bytes()).findings)
    st = real.stat()
    assert (stat.S_IMODE(st.st_mode), st.st_mtime_ns, os.getxattr(real, "user.rating")) == (
        0o640,
        1_234_567_890_123_456_789,
        b"5",
    )
    assert (st.st_uid, st.st_gid) == owner
    assert proc.stdout.startswith(f"{link} (in place, through the link: {real})")


def test_in_place_on_a_hard_link_is_refused_and_nothing_is_claimed(corpus: Path, tmp_path: Path) -> None:
    a = tmp_path / "a.jpg"
    shutil.copyfile(corpus / GPS_JPEG, a)
    os.link(a, tmp_path / "b.jpg")
    proc = cli("strip", "--in-place", a)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "has 2 hard links" in proc.stderr and "-o DIR" in proc.stderr
    assert a.read_bytes() == (corpus / GPS_JPEG).read_bytes()


def test_no_mtime_keeping_when_asked(corpus: Path, tmp_path: Path) -> None:
    a = tmp_path / "a.jpg"
    shutil.copyfile(corpus / GPS_JPEG, a)
    os.utime(a, (0, 0))
    assert cli("strip", "--in-place", "--no-keep-mtime", a).returncode == 0
    assert a.stat().st_mtime > 1e9


def test_temporary_files_left_by_a_killed_run_are_removed_by_the_next(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    from privpix import atomic

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = out / f".privpix-{atomic._HOST}-{dead.pid:x}-12345678.tmp"
    leftover.write_bytes(b"\0" * 100_000)
    proc = cli("strip", corpus / GPS_JPEG, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [GPS_JPEG]


# ---- 7: unreadable folders and files --------------------------------------------------------------------


def test_unreadable_folders_and_files_are_per_item_errors(corpus: Path, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    for sub in ("ok", "locked"):
        (photos / sub).mkdir(parents=True)
        shutil.copyfile(corpus / GPS_JPEG, photos / sub / "p.jpg")
    shutil.copyfile(corpus / GPS_JPEG, photos / "unreadable.jpg")
    (photos / "locked").chmod(0)
    (photos / "unreadable.jpg").chmod(0)
    try:
        walk = cli_without_privileges("strip", "-r", photos, "-o", tmp_path / "out", "--json")
        named = cli_without_privileges("strip", photos / "unreadable.jpg", photos / "ok" / "p.jpg", "-o", tmp_path / "o2")
        shown = cli_without_privileges("inspect", photos / "unreadable.jpg", photos / "ok" / "p.jpg")
    finally:
        (photos / "locked").chmod(0o755)
    assert walk.returncode == 1
    assert f"privpix: {photos / 'locked'}: cannot read this directory: permission denied" in walk.stderr
    assert f"privpix: {photos / 'unreadable.jpg'}: permission denied" in walk.stderr
    statuses = {Path(f["path"]).name: f["status"] for f in json.loads(walk.stdout)["files"]}
    assert statuses == {"locked": "error", "unreadable.jpg": "error", "p.jpg": "ok"}
    assert (tmp_path / "out" / "photos" / "ok" / "p.jpg").is_file()
    assert named.returncode == 1 and (tmp_path / "o2" / "p.jpg").is_file()  # not a usage error: the batch went on
    assert shown.returncode == 1 and "GPS position" in shown.stdout


def test_an_output_directory_that_is_a_file_or_the_input_folder_is_refused(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "out").write_bytes(b"not a folder")
    shutil.copyfile(corpus / GPS_JPEG, tmp_path / "a.jpg")
    proc = cli("strip", "a.jpg", "-o", "out", cwd=tmp_path)
    assert proc.returncode == 2 and "out is a file; -o names a directory" in proc.stderr
    assert (tmp_path / "out").read_bytes() == b"not a folder"
    same = cli("strip", ".", "-o", ".", cwd=tmp_path)
    assert same.returncode == 1 and "privpix: a.jpg: the output would overwrite the input" in same.stderr
    assert (tmp_path / "a.jpg").read_bytes() == (corpus / GPS_JPEG).read_bytes()


def test_os_errors_read_the_same_in_every_command(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jpg"
    for args in (
        ["inspect"],
        ["strip"],
        ["compress"],
        ["convert"],
        ["erase", "--box", "1,1,2,2"],
        ["remove-bg", "--offline"],
    ):
        proc = cli(*args, missing)
        assert proc.returncode == 1, args
        assert proc.stderr.strip() == f"privpix: {missing}: no such file or directory", (args, proc.stderr)


# ---- 8: hostile metadata, names and special files -------------------------------------------------------


def test_inspect_escapes_terminal_control_sequences_in_metadata(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", "\x1b[2J\x1b[Hnothing to see\nLocation: none\x07")
    Image.new("RGB", (8, 8)).save(tmp_path / "evil.png", pnginfo=info)
    proc = cli("inspect", tmp_path / "evil.png")
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "\\x1b[2J\\x1b[Hnothing to see\\nLocation: none\\x07" in proc.stdout
    raw = json.loads(cli("inspect", "--json", tmp_path / "evil.png").stdout)  # JSON keeps the exact text
    assert any(f["value"].startswith("\x1b[2J") for f in raw["files"][0]["result"]["findings"])


def test_fifos_and_devices_are_refused_not_read_forever(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jpg")
    started = time.monotonic()
    proc = cli("strip", tmp_path / "pipe.jpg", "/dev/zero", "-o", tmp_path / "out")
    assert time.monotonic() - started < 30
    assert proc.returncode == 1
    assert f"privpix: {tmp_path / 'pipe.jpg'}: not a regular file (a FIFO)" in proc.stderr
    assert "privpix: /dev/zero: not a regular file (a character device)" in proc.stderr
    assert cli("inspect", "/dev/zero").returncode == 1


def test_file_names_that_are_not_utf8_work(corpus: Path, tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/caf\xe9\x1b[2J.jpg"  # Latin-1 bytes and an escape sequence
    shutil.copyfile(corpus / GPS_JPEG, name)
    env_run = subprocess.run(
        [sys.executable, "-m", "privpix", "strip", os.fsdecode(name), "--json"],
        capture_output=True,
        env={**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8"},
    )
    assert env_run.returncode == 0, env_run.stderr
    entry = json.loads(env_run.stdout)["files"][0]
    assert os.fsencode(entry["output"]) == os.fsencode(tmp_path) + b"/caf\xe9\x1b[2J-stripped.jpg"
    human = cli_binary("strip", os.fsdecode(name), "--overwrite")
    assert human.returncode == 0 and b"\x1b" not in human.stdout and b"caf\\xe9\\x1b[2J.jpg" in human.stdout


def test_names_of_240_bytes_and_more_work(corpus: Path, tmp_path: Path) -> None:
    long = tmp_path / ("p" * 246 + ".jpg")
    shutil.copyfile(corpus / GPS_JPEG, long)
    assert cli("strip", "--in-place", long).returncode == 0
    beside = cli("strip", long, "--json")
    assert beside.returncode == 0, beside.stderr
    output = Path(json.loads(beside.stdout)["files"][0]["output"])
    assert output.name == "p" * 242 + "-stripped.jpg" and output.is_file()  # 255 bytes, the most a name can have


# ---- 12: pipes, lists of names, quiet and verbose, help -------------------------------------------------


def test_stdin_to_stdout(corpus: Path, tmp_path: Path) -> None:
    data = (corpus / GPS_JPEG).read_bytes()
    proc = cli_binary("strip", "-", stdin=data)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == privpix.strip(data).data
    assert b"-> standard output" in proc.stderr  # the report line goes to stderr, the image to stdout
    out_dash = cli_binary("strip", corpus / GPS_JPEG, "-o", "-")
    assert out_dash.stdout == privpix.strip(data).data
    shown = cli_binary("inspect", "-", stdin=data)
    assert shown.returncode == 0 and b"GPS position" in shown.stdout
    converted = cli_binary("convert", "-", "--to", "png", "--max-dimension", "32", stdin=data)
    assert converted.returncode == 0 and Image.open(io.BytesIO(converted.stdout)).size == (32, 24)
    assert cli_binary("strip", "-", corpus / GPS_JPEG, stdin=data).returncode == 2
    assert cli_binary("strip", corpus / GPS_JPEG, corpus / OTHER_JPEG, "-o", "-").returncode == 2
    assert cli_binary("strip", "-", "-o", tmp_path, stdin=data).returncode == 2
    assert cli_binary("strip", "-", "--in-place", stdin=data).returncode == 2


def test_files_from_lines_and_nul_separated(col: Path, tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(f"{col / 'a' / 'x.jpg'}\n{col / 'b' / 'x.jpg'}\n")
    proc = cli("strip", "--files-from", listing, "-o", tmp_path / "o1")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "o1").iterdir()) == ["x-2.jpg", "x.jpg"]
    names = os.fsencode(col / "a" / "x.jpg") + b"\0" + os.fsencode(col / "b" / "x.jpg") + b"\0"
    piped = cli_binary("strip", "--files-from", "-", "-0", "-o", tmp_path / "o2", stdin=names)
    assert piped.returncode == 0, piped.stderr
    assert sorted(p.name for p in (tmp_path / "o2").iterdir()) == ["x-2.jpg", "x.jpg"]


def test_quiet_and_verbose(col: Path, tmp_path: Path) -> None:
    quiet = cli("strip", "-q", col / "a", "-o", tmp_path / "q")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    loud = cli("strip", "-v", col / "a", "-o", tmp_path / "v")
    assert "removed Location: GPS position = 43.46745° N, 11.88513° E" in loud.stdout
    encode_quiet = cli("compress", "--quiet", "-q", "50", col / "a", "-o", tmp_path / "c")  # -q stays --quality there
    assert encode_quiet.returncode == 0 and encode_quiet.stdout == ""


def test_every_command_has_examples_in_its_help_and_completion_works() -> None:
    for command in ("inspect", "strip", "compress", "convert", "remove-bg", "erase", "serve", "build-site"):
        proc = cli(command, "--help")
        assert proc.returncode == 0 and "Examples:" in proc.stdout and f"privpix {command}" in proc.stdout, command
    completion = subprocess.run(
        [sys.executable, "-m", "privpix"],
        env={**os.environ, "_PRIVPIX_COMPLETE": "complete_bash", "COMP_WORDS": "privpix st", "COMP_CWORD": "1"},
        capture_output=True,
        text=True,
    )
    assert "strip" in completion.stdout.split()
    assert "--install-completion" in cli("--help").stdout


def test_inspect_takes_directories_and_recursion(col: Path) -> None:
    flat = cli("inspect", col)
    assert flat.returncode == 1 and "no image files in this directory (use -r to descend)" in flat.stderr
    deep = json.loads(cli("inspect", "-r", col, "--json").stdout)
    assert [Path(f["path"]).relative_to(col).as_posix() for f in deep["files"]] == ["a/x.jpg", "b/x.jpg"]


def test_erase_takes_several_files_with_boxes_or_a_mask_per_file(corpus: Path, tmp_path: Path) -> None:
    shots, masks = tmp_path / "shots", tmp_path / "masks"
    shots.mkdir()
    masks.mkdir()
    for name in ("one", "two"):
        Image.open(corpus / GPS_JPEG).resize((96, 72)).save(shots / f"{name}.jpg", quality=90)
    Image.new("L", (96, 72), 0).save(masks / "one.png")
    Image.new("L", (96, 72), 0).save(masks / "two.png")
    mask = Image.new("L", (96, 72), 0)
    mask.paste(255, (10, 10, 30, 30))
    mask.save(masks / "one.png")
    mask.save(masks / "two.png")
    boxes = cli("erase", shots / "one.jpg", shots / "two.jpg", "--box", "10,10,20,20", "-o", tmp_path / "boxed", "--json")
    assert boxes.returncode == 0, boxes.stderr
    assert [f["status"] for f in json.loads(boxes.stdout)["files"]] == ["ok", "ok"]
    per_file = cli("erase", shots, "--mask", str(masks / "{stem}.png"), "-o", tmp_path / "masked")
    assert per_file.returncode == 0, per_file.stderr
    assert sorted(p.name for p in (tmp_path / "masked" / "shots").iterdir()) == ["one.jpg", "two.jpg"]
    (masks / "two.png").unlink()
    missing = cli("erase", shots, "--mask", str(masks / "{stem}.png"), "-o", tmp_path / "again")
    assert missing.returncode == 1
    assert f"privpix: {shots / 'two.jpg'}: mask {masks / 'two.png'}: no such file or directory" in missing.stderr


# ---- 13: streaming output, schema, interrupts -----------------------------------------------------------


def test_json_and_jsonl_have_a_schema_version_and_stable_keys(col: Path, tmp_path: Path) -> None:
    doc = json.loads(cli("strip", col, "-r", "-o", tmp_path / "a", "--json").stdout)
    assert doc["schema_version"] == 1 and doc["tool"] == "strip"
    assert doc["summary"] == {"ok": 2, "error": 0, "skipped": 0, "damaged": 0, "target_missed": 0, "interrupted": False}
    keys = {f["key"] for f in doc["files"][0]["result"]["removed"]}
    assert {"gps_position", "date_taken", "camera_model"} <= keys
    lines = [json.loads(line) for line in cli("strip", col, "-r", "-o", tmp_path / "b", "--jsonl").stdout.splitlines()]
    assert [line["type"] for line in lines] == ["file", "file", "summary"]
    assert all(line["schema_version"] == 1 for line in lines)
    assert {line["path"] for line in lines[:2]} == {str(col / "a" / "x.jpg"), str(col / "b" / "x.jpg")}
    assert cli("strip", col, "--json", "--jsonl").returncode == 2


def interrupted_run(tmp_path: Path, signum: int, *args: str | Path) -> tuple[int, list[dict[str, object]], str]:
    """Run ``privpix ARGS --jsonl``, send ``signum`` once the first file is reported, and return
    the exit status, the JSON lines and stderr."""
    stdout, stderr = tmp_path / "stdout.jsonl", tmp_path / "stderr.txt"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "privpix", *map(str, args), "--jsonl"], stdout=out, stderr=err)
        deadline = time.monotonic() + 60
        while b"\n" not in stdout.read_bytes() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signum)
        proc.wait(timeout=120)
    return proc.returncode, [json.loads(line) for line in stdout.read_text().splitlines()], stderr.read_text()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_reports_what_was_finished_and_leaves_no_temporary_file(corpus: Path, tmp_path: Path, jobs: str) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for k in range(300):
        shutil.copyfile(corpus / GPS_JPEG, inputs / f"{k:03d}.jpg")
    out = tmp_path / "out"
    code, lines, err = interrupted_run(tmp_path, signal.SIGINT, "strip", inputs, "-o", out, "-j", jobs)
    assert code == 130, err
    assert lines[-1]["type"] == "summary" and lines[-1]["interrupted"] is True
    reported = sorted(line["output"] for line in lines if line["type"] == "file" and line["ok"])
    written = sorted(str(p) for p in out.rglob("*") if p.is_file())
    assert reported == written and 0 < len(written) < 300
    assert all(Path(p).read_bytes() == stripped(corpus, GPS_JPEG) for p in written)
    assert "interrupted" in err


def test_sigterm_is_reported_like_ctrl_c(corpus: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for k in range(200):
        shutil.copyfile(corpus / GPS_JPEG, inputs / f"{k:03d}.jpg")
    code, lines, _ = interrupted_run(tmp_path, signal.SIGTERM, "strip", inputs, "-o", tmp_path / "out", "-j", "1")
    assert code == 143
    written = sorted(p.name for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert len([line for line in lines if line["type"] == "file"]) == len(written)
    assert not any(name.startswith(".privpix-") for name in written)


def waits_for_the_first_report(job: Job, marker: str) -> Outcome:
    """A job (run in a pool worker) that finishes only once the caller has received file 0's outcome."""
    if job.source.name != "0":
        deadline = time.monotonic() + 20
        while not os.path.exists(marker):
            if time.monotonic() > deadline:
                return Outcome(job, None, "file 0 was not reported while the others ran")
            time.sleep(0.002)
    return Outcome(job, {}, None)


def test_a_pool_hands_over_each_file_as_it_finishes(tmp_path: Path) -> None:
    """With -j the progress bar moved in chunks of files (0/880 for 115 s): outcomes must reach the
    caller one by one. Here every job but the first waits until the first one has been reported."""
    marker = tmp_path / "first-reported"
    seen: list[Outcome] = []

    def emit(outcome: Outcome) -> None:
        seen.append(outcome)
        marker.touch()

    run([Job(Path(str(i)), None) for i in range(40)], waits_for_the_first_report, str(marker), emit, workers=2)
    assert len(seen) == 40 and [o.error for o in seen if not o.ok] == []
    assert seen[0].job.source.name == "0"


def fails_on_odd(job: Job, _: None) -> Outcome:
    """A job (run in a pool worker) that fails for odd-numbered files and raises on file 13."""
    n = int(job.source.name)
    if n == 13:
        raise RuntimeError("a bug")
    return Outcome(job, None, "odd") if n % 2 else Outcome(job, {"n": n, "worker": os.getpid()}, None)


def test_a_pool_sends_fast_files_in_chunks_and_each_still_fails_alone() -> None:
    """The fast tools hand a pool several files a task (one message each way instead of one a file):
    every file is still reported once, in the order of its task, and a failing file fails alone."""
    seen: list[Outcome] = []
    run([Job(Path(str(i)), None) for i in range(200)], fails_on_odd, None, seen.append, workers=2, chunk=8)
    assert sorted(int(o.job.source.name) for o in seen) == list(range(200))
    for outcome in seen:
        n = int(outcome.job.source.name)
        if n == 13:
            assert outcome.error == "internal error: RuntimeError: a bug"
        else:
            assert outcome.error == ("odd" if n % 2 else None)
    tasks = [[int(o.job.source.name) for o in seen[i : i + 8]] for i in range(0, 200, 8)]
    assert all(task == list(range(task[0], task[0] + 8)) and task[0] % 8 == 0 for task in tasks)
    workers = {o.report["worker"] for o in seen if o.report}
    assert os.getpid() not in workers and 1 <= len(workers) <= 2


def test_auto_job_count_starts_a_pool_only_for_work_that_repays_it() -> None:
    """-j 0 ran the corpus (44 files, 26 MB) on a pool, slower than in one process: the fast tools
    weigh the batch by files and bytes; the slow ones go by their file count; -j N is as given."""
    from privpix.batch import POOL_FROM_SECONDS, default_workers, serial_seconds, workers_for

    corpus_once = [Job(Path(f"{i}.jpg"), None, size=600_000) for i in range(44)]
    corpus_27 = corpus_once * 27
    thumbnails = [Job(Path(f"{i}.jpg"), None, size=20_000) for i in range(100)]
    assert serial_seconds(corpus_once) < POOL_FROM_SECONDS <= serial_seconds(corpus_27)
    assert workers_for(corpus_once, 0) == workers_for(thumbnails, 0) == 1
    assert workers_for(corpus_27, 0) == default_workers()
    assert workers_for(corpus_once[:2], 0, parallel_from=2) == default_workers()
    assert workers_for(corpus_27, 1) == 1 and workers_for(corpus_once, 3) == 3


def test_listed_files_carry_their_size_to_the_jobs(tmp_path: Path) -> None:
    from privpix.files import OutputRules, collect, plan

    (tmp_path / "a.jpg").write_bytes(b"x" * 1234)
    found = collect([tmp_path], recursive=False, tag="stripped")
    assert [s.size for s in found.sources] == [1234]
    assert [j.size for j in plan(found.sources, OutputRules("stripped", tmp_path / "out")).jobs] == [1234]
    assert [j.size for j in plan(found.sources, OutputRules("stripped", in_place=True)).jobs] == [1234]

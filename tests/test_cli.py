"""The command line conventions every tool follows, shown on ``strip`` and ``inspect``."""

from __future__ import annotations

import json
import shutil
import stat
import sys
from pathlib import Path

import pytest

import privpix
from privpix.options import StripOptions
from tests.command_line import cli, cli_with_stderr_on_a_terminal

GPS_JPEG = "exifsamples_DSCN0010.jpg"
ICC_JPEG = "mei_Apple_iPhone_4.jpg"


@pytest.fixture
def photos(corpus: Path, tmp_path: Path) -> Path:
    """A writable folder of corpus photos, with a sub-folder, a hidden file and a non-image."""
    folder = tmp_path / "photos"
    (folder / "trip").mkdir(parents=True)
    shutil.copyfile(corpus / GPS_JPEG, folder / GPS_JPEG)
    shutil.copyfile(corpus / ICC_JPEG, folder / "trip" / ICC_JPEG)
    shutil.copyfile(corpus / "mei_Samsung_GT-I9000.jpg", folder / ".hidden.jpg")
    (folder / "notes.txt").write_text("not an image")
    return folder


def test_out_dir_gets_same_names_and_library_bytes(photos: Path, tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "new" / "dir"
    proc = cli("strip", photos / GPS_JPEG, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert (out / GPS_JPEG).read_bytes() == privpix.strip((corpus / GPS_JPEG).read_bytes()).data
    assert proc.stdout.startswith(f"{photos / GPS_JPEG} -> {out / GPS_JPEG}")
    assert "removed: location, device, time" in proc.stdout
    assert (photos / GPS_JPEG).read_bytes() == (corpus / GPS_JPEG).read_bytes()


def test_without_out_dir_the_result_goes_beside_the_input(photos: Path) -> None:
    proc = cli("strip", photos / GPS_JPEG)
    assert proc.returncode == 0, proc.stderr
    assert (photos / "exifsamples_DSCN0010-stripped.jpg").is_file()


def test_output_onto_the_input_is_refused(photos: Path, corpus: Path) -> None:
    proc = cli("strip", photos / GPS_JPEG, "-o", photos)
    assert proc.returncode == 1
    assert "would overwrite the input" in proc.stderr
    assert (photos / GPS_JPEG).read_bytes() == (corpus / GPS_JPEG).read_bytes()


def test_in_place_replaces_atomically_and_keeps_the_mode(photos: Path, corpus: Path) -> None:
    target = photos / GPS_JPEG
    target.chmod(0o640)
    proc = cli("strip", target, "--in-place")
    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes() == privpix.strip((corpus / GPS_JPEG).read_bytes()).data
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in photos.iterdir() if p.is_file()) == [".hidden.jpg", GPS_JPEG, "notes.txt"]


def test_in_place_and_out_conflict(photos: Path, tmp_path: Path) -> None:
    proc = cli("strip", photos / GPS_JPEG, "--in-place", "-o", tmp_path / "x")
    assert proc.returncode == 2
    assert "cannot be combined" in proc.stderr


def test_directory_walk_skips_hidden_and_non_images_and_needs_r_to_descend(photos: Path, tmp_path: Path) -> None:
    flat = cli("strip", photos, "-o", tmp_path / "flat", "--json")
    assert flat.returncode == 0, flat.stderr
    assert [Path(f["path"]).name for f in json.loads(flat.stdout)["files"]] == [GPS_JPEG]
    deep = cli("strip", photos, "-r", "-o", tmp_path / "deep")
    assert deep.returncode == 0, deep.stderr
    assert (tmp_path / "deep" / "photos" / GPS_JPEG).is_file()  # the folder named is kept, as cp -r does
    assert (tmp_path / "deep" / "photos" / "trip" / ICC_JPEG).is_file()
    assert not (tmp_path / "deep" / "photos" / ".hidden.jpg").exists()


def test_missing_file_is_reported_and_others_continue(photos: Path, tmp_path: Path) -> None:
    proc = cli("strip", photos / "nope.jpg", photos / GPS_JPEG, "-o", tmp_path / "o")
    assert proc.returncode == 1
    assert f"privpix: {photos / 'nope.jpg'}: no such file or directory" in proc.stderr
    assert (tmp_path / "o" / GPS_JPEG).is_file()


def test_json_document_shape(photos: Path, tmp_path: Path) -> None:
    proc = cli("strip", photos / GPS_JPEG, "-o", tmp_path, "--json")
    doc = json.loads(proc.stdout)
    (entry,) = doc["files"]
    assert entry["ok"] is True and entry["error"] is None
    assert entry["output"] == str(tmp_path / GPS_JPEG)
    result = entry["result"]
    assert result["format"] == "jpeg"
    assert result["bytes_after"] == (tmp_path / GPS_JPEG).stat().st_size < result["bytes_before"]
    removed = {(f["category"], f["label"]) for f in result["removed"]}
    assert ("location", "GPS position") in removed and ("device", "Camera model") in removed
    assert [f["label"] for f in result["kept"] if f["category"] == "kept"] == ["Orientation"]


def test_keep_groups_and_icc_flags(photos: Path, tmp_path: Path) -> None:
    proc = cli("strip", photos / GPS_JPEG, "-o", tmp_path / "a", "--keep", "location,rights", "--json")
    assert proc.returncode == 0, proc.stderr
    kept = privpix.inspect((tmp_path / "a" / GPS_JPEG).read_bytes())
    assert [f.value for f in kept.findings if f.label == "GPS position"] == ["43.46745° N, 11.88513° E"]
    assert not any(f.category == "device" for f in kept.findings)
    proc = cli("strip", photos / "trip" / ICC_JPEG, "-o", tmp_path / "b", "--no-keep-icc")
    assert proc.returncode == 0
    assert not any(f.label == "ICC profile" for f in privpix.inspect((tmp_path / "b" / ICC_JPEG).read_bytes()).findings)


def test_unknown_keep_group_is_a_usage_error(photos: Path) -> None:
    proc = cli("strip", photos / GPS_JPEG, "--keep", "everything")
    assert proc.returncode == 2
    assert "unknown keep group" in proc.stderr


def test_library_keep_groups_match_cli(corpus: Path) -> None:
    data = (corpus / GPS_JPEG).read_bytes()
    camera = privpix.strip(data, StripOptions(keep=frozenset({"camera", "time"})))
    labels = {f.label for f in privpix.inspect(camera.data).findings}
    assert {"Camera make", "Camera model", "Taken", "Orientation"} <= labels
    assert not labels & {"GPS position", "Software", "MakerNotes", "EXIF thumbnail"}


def test_inspect_human_and_json(corpus: Path) -> None:
    human = cli("inspect", corpus / GPS_JPEG)
    assert human.returncode == 0
    for text in (
        "Location",
        "GPS position",
        "43.46745° N, 11.88513° E",
        "NIKON",
        "COOLPIX P6000",
        "Taken",
        "2008-10-22 16:28:39",
        "Kept by a strip",
    ):
        assert text in human.stdout
    doc = json.loads(cli("inspect", "--json", corpus / GPS_JPEG).stdout)
    (entry,) = doc["files"]
    gps = next(f for f in entry["result"]["findings"] if f["label"] == "GPS position")
    assert gps["category"] == "location"
    assert gps["data"]["latitude"] == pytest.approx(43.4674483333333)
    assert gps["data"]["longitude"] == pytest.approx(11.8851266666639)
    assert entry["result"]["width"] == 640 and entry["result"]["height"] == 480


def test_progress_bar_on_a_terminal(photos: Path, tmp_path: Path) -> None:
    """With stderr on a terminal and several files, a progress bar is drawn there (not on stdout)."""
    files = [photos / GPS_JPEG, photos / "trip" / ICC_JPEG]
    proc, seen = cli_with_stderr_on_a_terminal("strip", *files, "-o", tmp_path)
    assert proc.returncode == 0
    assert b"Stripping" in seen
    assert "Stripping" not in proc.stdout


def test_version_and_module_entry_point() -> None:
    proc = cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"privpix {privpix.__version__}"
    assert shutil.which("privpix") or Path(sys.executable).with_name("privpix").exists()

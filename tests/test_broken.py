"""Broken inputs get a clear error naming the file and the problem; no output appears and the input
is untouched, in the library and on the command line. Damaged ones (cut short after the picture
began) are stripped as far as they can be read and said to be damaged: refusing them would leave
the GPS in what may be the person's only copy."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import privpix

from .conftest import corpus_entries, corpus_ids

EXPECTED = {
    "broken_zero_bytes.jpg": "empty file (0 bytes)",
    "broken_text_file.jpg": "not an image privpix can read",
}
DAMAGED = ("broken_truncated.jpg", "broken_truncated.heic")
BROKEN = [e for e in corpus_entries(broken=True) if e["file"] in EXPECTED]


def test_every_broken_file_has_an_expectation() -> None:
    assert {e["file"] for e in corpus_entries(broken=True)} == set(EXPECTED) | set(DAMAGED)


@pytest.mark.parametrize("entry", BROKEN, ids=corpus_ids(BROKEN))
def test_library_raises_a_specific_error(entry: dict, corpus: Path) -> None:
    data = (corpus / entry["file"]).read_bytes()
    for fn in (privpix.strip, privpix.inspect):
        with pytest.raises(privpix.FormatError) as err:
            fn(data)
        assert EXPECTED[entry["file"]] in str(err.value)


def test_text_file_error_shows_what_it_is(corpus: Path) -> None:
    with pytest.raises(privpix.FormatError) as err:
        privpix.strip((corpus / "broken_text_file.jpg").read_bytes())
    assert 'text "This is not a JPEG' in str(err.value)


@pytest.mark.parametrize("entry", BROKEN, ids=corpus_ids(BROKEN))
def test_cli_names_the_file_writes_nothing_and_leaves_the_input(entry: dict, corpus: Path, tmp_path: Path) -> None:
    src = tmp_path / "in" / entry["file"]
    src.parent.mkdir()
    shutil.copyfile(corpus / entry["file"], src)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "privpix", "strip", str(src), "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"privpix: {src}: ")
    assert EXPECTED[entry["file"]] in proc.stderr
    assert not out.exists() or not any(out.iterdir())
    assert sorted(p.name for p in src.parent.iterdir()) == [entry["file"]]
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest


def test_one_broken_file_does_not_stop_the_batch(corpus: Path, tmp_path: Path) -> None:
    files = [corpus / "broken_text_file.jpg", corpus / "exifsamples_DSCN0010.jpg"]
    proc = subprocess.run(
        [sys.executable, "-m", "privpix", "strip", *map(str, files), "-o", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert [f["ok"] for f in doc["files"]] == [False, True]
    assert (tmp_path / "exifsamples_DSCN0010.jpg").is_file()
    assert not (tmp_path / "broken_text_file.jpg").exists()


# ---- damaged: cut short after the picture began -----------------------------------------------------------


@pytest.mark.parametrize("name", DAMAGED)
def test_a_damaged_file_is_stripped_as_far_as_it_goes_and_said_to_be_damaged(name: str, corpus: Path, tmp_path: Path) -> None:
    from tests.conftest import exiftool_json

    data = (corpus / name).read_bytes()
    report = privpix.inspect(data)
    assert report.damaged and any(w.startswith("damaged: ") and "truncated" in w for w in report.warnings)
    assert report.findings  # its metadata is read, not refused
    result = privpix.strip(data)
    assert result.damaged and result.warnings == report.warnings
    assert result.to_json()["damaged"] is True
    assert {"location", "device", "time"} & {f.category for f in result.removed}
    path = tmp_path / name
    path.write_bytes(result.data)
    tags = exiftool_json([path])[name]
    private = [k for k in tags if k.split(":", 1)[0] in ("GPS", "ExifIFD", "IFD1", "XMP-exif", "MakerNotes", "Apple")]
    assert private == [] and not any(k.endswith((":Make", ":Model", ":DateTimeOriginal")) for k in tags)
    assert privpix.strip(result.data).data == result.data and not privpix.strip(result.data).damaged  # whole now


@pytest.mark.parametrize("name", DAMAGED)
def test_the_cli_writes_a_damaged_file_warns_and_exits_3(name: str, corpus: Path, tmp_path: Path) -> None:
    src = tmp_path / "in" / name
    src.parent.mkdir()
    shutil.copyfile(corpus / name, src)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "privpix", "strip", str(src), "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.startswith(f"privpix: {src}: warning: damaged: ")
    assert (out / name).is_file() and hashlib.sha256(src.read_bytes()).hexdigest() == digest


def test_a_damaged_file_among_failures_exits_1(corpus: Path, tmp_path: Path) -> None:
    files = [corpus / "broken_truncated.jpg", corpus / "broken_text_file.jpg"]
    proc = subprocess.run([sys.executable, "-m", "privpix", "strip", *map(str, files), "-o", str(tmp_path)], capture_output=True)
    assert proc.returncode == 1


@pytest.mark.parametrize("name", DAMAGED)
def test_tools_that_need_the_pixels_refuse_a_damaged_file(name: str, corpus: Path) -> None:
    """A decoder would fill in the missing part (libheif: green tiles); compress says why it stops."""
    with pytest.raises(privpix.FormatError, match="truncated: .* the picture is incomplete"):
        privpix.compress((corpus / name).read_bytes())

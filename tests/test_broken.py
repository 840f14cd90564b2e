"""Broken inputs get a clear error naming the file and the problem; no output appears and the input
is untouched, in the library and on the command line."""

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

BROKEN = corpus_entries(broken=True)
EXPECTED = {
    "broken_zero_bytes.jpg": "empty file (0 bytes)",
    "broken_text_file.jpg": "not an image privpix can read",
    "broken_truncated.jpg": "truncated",
    "broken_truncated.heic": "truncated",
}


def test_every_broken_file_has_an_expectation() -> None:
    assert {e["file"] for e in BROKEN} == set(EXPECTED)


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
    files = [corpus / "broken_truncated.jpg", corpus / "exifsamples_DSCN0010.jpg"]
    proc = subprocess.run(
        [sys.executable, "-m", "privpix", "strip", *map(str, files), "-o", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert [f["ok"] for f in doc["files"]] == [False, True]
    assert (tmp_path / "exifsamples_DSCN0010.jpg").is_file()
    assert not (tmp_path / "broken_truncated.jpg").exists()

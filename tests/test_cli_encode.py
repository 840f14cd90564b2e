"""``privpix compress`` and ``privpix convert`` follow the command-line conventions ``strip`` set:
-o DIR, ``<stem>-<tool><ext>`` beside the input (the ending following the format written), --json,
exit codes, progress on a terminal, -j, and the input never changes."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

import privpix
from privpix.options import CompressOptions, ConvertOptions
from tests.command_line import cli, cli_with_stderr_on_a_terminal
from tests.test_compress_convert import COMPRESS_CONVERT_REPORT_KEYS

JPEG = "exifsamples_DSCN0010.jpg"  # 640×480, GPS
HEIC = "pillowheif_xiaomi.heic"  # 2592×1944, GPS
PNG = "rembg_car-1.out.png"  # transparent
BROKEN = "broken_truncated.jpg"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def photos(corpus: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    (folder / "sub").mkdir(parents=True)
    shutil.copyfile(corpus / JPEG, folder / JPEG)
    shutil.copyfile(corpus / HEIC, folder / "IMG_0001.HEIC")
    shutil.copyfile(corpus / PNG, folder / "sub" / PNG)
    Image.new("RGB", (24, 16), (200, 30, 90)).save(folder / "sub" / "icon.bmp")
    return folder


def test_compress_beside_the_input_follows_the_written_format(photos: Path) -> None:
    before = {p: digest(p) for p in photos.rglob("*") if p.is_file()}
    proc = cli("compress", photos / JPEG, photos / "IMG_0001.HEIC", "--max-dimension", "400")
    assert proc.returncode == 0, proc.stderr
    jpeg_out = photos / "exifsamples_DSCN0010-compressed.jpg"
    heic_out = photos / "IMG_0001-compressed.jpg"  # HEIC becomes JPEG, and its name says so
    assert Image.open(jpeg_out).size == (400, 300) and Image.open(heic_out).format == "JPEG"
    assert proc.stdout.splitlines()[1].startswith(f"{photos / 'IMG_0001.HEIC'} -> {heic_out}  HEIC ")
    assert "removed: location, device, time" in proc.stdout
    assert all(digest(p) == h for p, h in before.items())  # inputs untouched


def test_out_dir_mirrors_names_with_the_new_extension_and_library_bytes(photos: Path, tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "out"
    proc = cli("convert", photos, "-r", "--to", "webp", "-q", "70", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "photos/IMG_0001.webp",
        "photos/exifsamples_DSCN0010.webp",
        "photos/sub/icon.webp",
        "photos/sub/rembg_car-1.out.webp",
    ]
    library = privpix.convert((corpus / JPEG).read_bytes(), ConvertOptions(to="webp", quality=70))
    assert (out / "photos" / "exifsamples_DSCN0010.webp").read_bytes() == library.data


def test_json_document_shape(photos: Path, tmp_path: Path) -> None:
    proc = cli("compress", photos / JPEG, "--target-size", "30KB", "-o", tmp_path, "--json")
    assert proc.returncode == 0, proc.stderr
    (entry,) = json.loads(proc.stdout)["files"]
    assert set(entry) == {"path", "output", "status", "ok", "error", "notes", "result"}
    assert entry["ok"] is True and entry["output"] == str(tmp_path / JPEG)
    result = entry["result"]
    assert set(result) == set(COMPRESS_CONVERT_REPORT_KEYS)
    assert result["target_size"] == 30_000 and result["target_met"] is True
    assert result["bytes_after"] == (tmp_path / JPEG).stat().st_size <= 30_000
    assert ("location", "GPS position") in {(f["category"], f["label"]) for f in result["removed"]}


def test_broken_file_fails_alone_with_a_clear_reason_and_no_output(photos: Path, corpus: Path, tmp_path: Path) -> None:
    shutil.copyfile(corpus / BROKEN, photos / BROKEN)
    out = tmp_path / "out"
    proc = cli("convert", photos / BROKEN, photos / JPEG, "--to", "png", "--max-dimension", "64", "-o", out, "--json")
    assert proc.returncode == 1
    assert f"privpix: {photos / BROKEN}: JPEG: at byte" in proc.stderr and "truncated" in proc.stderr
    files = json.loads(proc.stdout)["files"]
    assert [(f["ok"], f["output"]) for f in files] == [(False, None), (True, str(out / "exifsamples_DSCN0010.png"))]
    assert sorted(p.name for p in out.iterdir()) == ["exifsamples_DSCN0010.png"]


@pytest.mark.parametrize(
    "args",
    [
        ["convert", "--to", "gif"],
        ["compress", "--target-size", "lots"],
        ["compress", "-q", "0"],
        ["compress", "--background", "white"],
        ["compress", "--format", "bmp"],
    ],
)
def test_usage_errors_exit_2(photos: Path, args: list[str]) -> None:
    proc = cli(*args, photos / JPEG)
    assert proc.returncode == 2, proc.stderr
    assert not list(photos.glob("*-co*"))


def test_a_target_met_by_downscaling_succeeds_and_an_unmet_one_exits_4(photos: Path, tmp_path: Path) -> None:
    proc = cli("compress", photos / JPEG, "--target-size", "1KB", "-o", tmp_path / "small")
    assert proc.returncode == 0, proc.stderr
    assert f"privpix: {photos / JPEG}: warning: downscaled to " in proc.stderr and "to reach 1.0 kB" in proc.stderr
    assert (tmp_path / "small" / JPEG).stat().st_size <= 1000
    proc = cli("compress", photos / JPEG, "--target-size", "100", "-o", tmp_path / "tiny", "--json")
    assert proc.returncode == 4, proc.stderr
    assert json.loads(proc.stdout)["summary"]["target_missed"] == 1
    assert "warning: could not reach 100 bytes: even 16×12 at quality" in proc.stderr
    assert (tmp_path / "tiny" / JPEG).is_file()  # the smallest result is still written


def test_in_place_only_when_the_format_stays(photos: Path) -> None:
    heic = photos / "IMG_0001.HEIC"
    before = heic.read_bytes()
    proc = cli("compress", "--in-place", heic, photos / JPEG, "--max-dimension", "200")
    assert proc.returncode == 1
    assert "--in-place keeps the file name, but this HEIC becomes JPEG" in proc.stderr
    assert heic.read_bytes() == before
    assert Image.open(photos / JPEG).size == (200, 150)  # the JPEG was replaced


def test_jobs_give_the_same_bytes(photos: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert cli("compress", photos, "-r", "--max-dimension", "300", "-j", "1", "-o", one).returncode == 0
    assert cli("compress", photos, "-r", "--max-dimension", "300", "-j", "2", "-o", two).returncode == 0
    names = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert [n.as_posix() for n in names] == [
        "photos/IMG_0001.jpg",
        "photos/exifsamples_DSCN0010.jpg",
        "photos/sub/icon.png",
        "photos/sub/rembg_car-1.out.png",
    ]
    assert all((one / n).read_bytes() == (two / n).read_bytes() for n in names)


def test_progress_bar_on_a_terminal(photos: Path, tmp_path: Path) -> None:
    proc, seen = cli_with_stderr_on_a_terminal(
        "convert", photos / JPEG, photos / "sub" / PNG, "--to", "avif", "--max-dimension", "64", "-o", tmp_path
    )
    assert proc.returncode == 0
    assert b"Converting" in seen and "Converting" not in proc.stdout


def test_library_and_cli_agree_on_compress_defaults(corpus: Path, tmp_path: Path) -> None:
    proc = cli("compress", corpus / PNG, "--palette", "-q", "60", "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    library = privpix.compress((corpus / PNG).read_bytes(), CompressOptions(palette=True, quality=60))
    assert (tmp_path / PNG).read_bytes() == library.data
    assert Image.open(io.BytesIO(library.data)).mode == "P"


def test_compress_never_hands_over_a_bigger_file(photos: Path, tmp_path: Path) -> None:
    proc = cli("compress", photos / JPEG, "-q", "95", "-o", tmp_path / "kept")
    assert proc.returncode == 0, proc.stderr
    assert "kept the original picture, metadata removed" in proc.stderr
    assert ", 640×480, the original picture" in proc.stdout  # not "lossless": nothing was re-encoded
    written = (tmp_path / "kept" / JPEG).read_bytes()
    assert written == privpix.strip((photos / JPEG).read_bytes()).data
    proc = cli("compress", photos / JPEG, "-q", "95", "--allow-larger", "-o", tmp_path / "larger", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["files"][0]["result"]
    assert result["original_kept"] is False and result["quality"] == 95
    assert (tmp_path / "larger" / JPEG).stat().st_size > len(written)

"""``privpix audit``: the per-photo lines and the report for all photos, --json and --jsonl (streamed),
the self-contained --html report, --strip with --blur-location, and the usage errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import privpix
from tests.command_line import cli, cli_with_stderr_on_a_terminal

LOCATED = ("exifsamples_DSCN0010.jpg", "derived_DSCN0012_gps_xmp_only.jpg", "mei_Apple_iPhone_4.jpg")
SERIAL = "immich_denali.webp"


def usage_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The text of a usage error, unwrapped from the box the command line draws around it."""
    assert proc.returncode == 2, proc.stderr
    return " ".join(re.sub("[│╭╮╰╯─]", " ", proc.stderr).split())


@pytest.fixture
def library(corpus: Path, tmp_path: Path) -> Path:
    """A folder of photos: three located (two near Arezzo, one in Rome), one with a serial number and a
    name in a sub-folder, one with nothing."""
    folder = tmp_path / "library"
    (folder / "2017").mkdir(parents=True)
    for name in LOCATED:
        shutil.copyfile(corpus / name, folder / name)
    shutil.copyfile(corpus / SERIAL, folder / "2017" / SERIAL)
    shutil.copyfile(corpus / "skimage_astronaut.png", folder / "astronaut.png")
    return folder


def test_lines_show_each_photo_then_what_they_give_away_together(library: Path) -> None:
    proc = cli("audit", "-r", library)
    assert proc.returncode == 0, proc.stderr
    assert f"{library / LOCATED[0]}: high risk: GPS position: 43.46745° N, 11.88513° E" in proc.stdout
    assert f"{library / 'astronaut.png'}: nothing found" in proc.stdout
    assert "Audit of 5 photos: 3 high risk, 1 medium" in proc.stdout
    assert "3 of 5 photos carry a GPS position, in 2 places." in proc.stdout
    assert re.search(r"1\. 2 photos near Arezzo, Italy \(2008-10-22, 1 day\)", proc.stdout)
    assert "1 serial number: body 1070700342; 1 photo carries it." in proc.stdout


def test_json_carries_every_photo_and_the_report(library: Path) -> None:
    proc = cli("audit", "-r", library, "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["tool"] == "audit" and doc["summary"]["ok"] == 5
    audit = doc["audit"]
    assert audit["schema_version"] == 1 and audit["with_gps"] == 3
    arezzo = audit["places"][0]
    assert (arezzo["town"], arezzo["country"], arezzo["photos"]) == ("Arezzo", "Italy", 2)
    # Place.photo_indices point into the files list, whatever order the files finished in.
    assert sorted(Path(doc["files"][i]["path"]).name for i in arezzo["photo_indices"]) == sorted(LOCATED[:2])
    photo = next(f["result"] for f in doc["files"] if f["path"].endswith(SERIAL))
    assert {"kind": "serial", "key": "body_serial_number", "label": "Body serial number", "value": "1070700342"} in photo[
        "identity"
    ]


def test_jsonl_streams_one_object_per_photo_then_the_report_then_the_summary(library: Path) -> None:
    proc = cli("audit", "-r", library, "--jsonl")
    assert proc.returncode == 0, proc.stderr
    objects = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["type"] for o in objects] == ["file"] * 5 + ["audit", "summary"]
    assert objects[5]["places"][0]["label"] == "near Arezzo, Italy"


def test_html_report_is_one_self_contained_page_with_the_map(library: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    proc = cli("audit", "-r", library, "--html", report, "-q")
    assert proc.returncode == 0, proc.stderr
    page = report.read_text()
    assert page.count("<svg") == 3  # the overview and one zoomed map per place
    assert "<path d=" in page and "Italy" in page and "near Arezzo, Italy" in page and "1070700342" in page
    # Nothing to fetch: no src or href but in-page references, and no URL other than SVG's namespaces.
    assert re.findall(r"""\b(?:src|href)=["']([^"'#][^"']*)""", page) == []
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "already exists (--overwrite replaces it)" in usage_error(cli("audit", "-r", library, "--html", report))
    nowhere = tmp_path / "missing" / "report.html"
    assert "is not a directory" in usage_error(cli("audit", "-r", library, "--html", nowhere))


def test_strip_with_blurred_location_writes_clean_copies(library: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    proc = cli("audit", "-r", library, "--strip", "-o", out, "--blur-location", "-q")
    assert proc.returncode == 0, proc.stderr
    copies = out / "library"  # -o DIR keeps the folder named, as strip does
    written = privpix.inspect((copies / LOCATED[0]).read_bytes())
    assert [f.value for f in written.findings if f.key == "gps_position"] == ["43.50000° N, 11.90000° E"]
    assert not [
        f for f in privpix.inspect((copies / "2017" / SERIAL).read_bytes()).findings if f.category in ("device", "people")
    ]
    assert (library / LOCATED[0]).read_bytes() != (copies / LOCATED[0]).read_bytes()  # the original is untouched


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["-o", "out"], "-o applies to the stripped copies: add --strip"),
        (["--in-place"], "--in-place applies to the stripped copies: add --strip"),
        (["--blur-location"], "--blur-location applies to the stripped copies: add --strip"),
    ],
)
def test_writing_flags_need_strip(library: Path, flags: list[str], message: str) -> None:
    assert message in usage_error(cli("audit", library, *flags))


def test_a_progress_bar_is_drawn_on_a_terminal(library: Path) -> None:
    proc, seen = cli_with_stderr_on_a_terminal("audit", "-r", library)
    assert proc.returncode == 0
    assert b"Auditing" in seen


def test_thumbnail_check_is_asked_for(library: Path) -> None:
    proc = cli("audit", library / LOCATED[0], "--thumbnails", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    (thumb,) = [h for h in doc["files"][0]["result"]["hidden"] if h["key"] == "exif_thumbnail"]
    assert thumb["differs"] is False and doc["audit"]["thumbnails_differ"] == 0
    plain = json.loads(cli("audit", library / LOCATED[0], "--json").stdout)
    assert "differs" not in plain["files"][0]["result"]["hidden"][0]


@pytest.mark.browser
def test_html_report_sorts_and_filters_offline_in_chromium(library: Path, tmp_path: Path, chromium: object) -> None:
    """The page works from a file:// address with the network refused: the filters hide photos
    without a serial number or outside "has GPS", the risk column sorts, and no request is made."""
    report = tmp_path / "report.html"
    assert cli("audit", "-r", library, "--html", report, "-q").returncode == 0
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, offline=True)  # type: ignore[attr-defined]
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    rows = page.locator("#photos tbody tr")
    assert rows.count() == 5
    assert rows.first.get_attribute("data-risk") == "high"
    page.get_by_label("Has a serial number").check()
    assert page.locator("#shown").inner_text() == "1"
    assert page.locator("#photos tbody tr:not([hidden])").first.get_attribute("data-file").endswith(SERIAL)
    page.get_by_label("Has a serial number").uncheck()
    page.get_by_label("Has GPS").check()
    assert page.locator("#shown").inner_text() == "3"
    page.get_by_role("button", name="Risk").click()  # descending: nothing found first
    assert rows.first.get_attribute("data-risk") == "none"
    assert page.locator("svg.privpix-map").first.is_visible()
    assert requests == [report.as_uri()]
    context.close()

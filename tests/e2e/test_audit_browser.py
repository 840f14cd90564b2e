"""The audit tool (#/audit) in real Chromium, against the built site served by ``privpix serve``.

A folder on disk, as a person's would be: camera and phone photos of the corpus (a serial number, a
photographer's name, GPS positions, thumbnails, a depth map), six photos taken on different evenings
at one place near Siena (written with ExifTool: a synthetic "home"), a text file and a broken photo.
The session picks the folder through the folder input (as `<input webkitdirectory>` hands it over),
offline once the tool is saved, and checks what the page says against ExifTool: the count and the
progress, a place named from the offline gazetteer, the likely home said plainly, the serial number
and the name, the hidden pictures, each filter's count; the map zooms to a place by mouse and by
keyboard; "Clean all" saves a ZIP whose photos ExifTool finds clean, under the CLI's names. Every
request is the app's own (GET/HEAD, no body, no file name in a URL); axe-core finds nothing at phone
and laptop sizes, light and dark, and the screenshots are written to /tmp.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ..conftest import exiftool_json
from .common import RequestLog, assert_network_stayed_private, axe_violations, wait_until_saved, watch_errors

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp")
TIMEOUT = 60_000

CAMERA = ["mei_Issue_649_canon.avif", "exifsamples_32-lens_data.jpeg", "exifsamples_DSCN0010.jpg"]
PHONE = ["mei_IMG_1034.heic", "pillowheif_pug.heic"]
BROKEN = "broken_text_file.jpg"
# Near Siena, Italy (43.3188 N, 11.3308 E): within 100 m of each other, on five different evenings.
HOME = [
    ("43.31880", "11.33080", "2024:05:01 21:10:00"),
    ("43.31890", "11.33095", "2024:05:03 22:40:00"),
    ("43.31875", "11.33070", "2024:05:07 20:05:00"),
    ("43.31885", "11.33085", "2024:05:09 23:30:00"),
    ("43.31882", "11.33090", "2024:05:12 06:30:00"),
    ("43.31879", "11.33082", "2024:05:15 19:45:00"),
]
NAME_TAGS = ("IFD0:Artist", "IFD0:Copyright", "XMP-dc:Creator", "XMP-dc:Rights", "ExifIFD:OwnerName", "IPTC:By-line")


def _cleaned(folder: Path, photo: Path) -> str:
    """Where ``privpix audit -r FOLDER --strip -o privpix-audit-cleaned`` writes ``photo``'s copy."""
    return f"privpix-audit-cleaned/{folder.name}/{photo.relative_to(folder).as_posix()}"


def _clean_zip(page: Any, button: str, tmp: Path) -> dict[str, dict[str, Any]]:
    """Press ``button``, unpack the ZIP it saves into ``tmp``; ExifTool's reading of each photo in it,
    keyed by its path in the ZIP."""
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile(button)).click()
    assert info.value.suggested_filename == "privpix-audit-cleaned.zip"
    with zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())) as archive:
        names = archive.namelist()
        assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
        archive.extractall(tmp)
    found = exiftool_json([tmp / n for n in names])
    return {n: found[Path(n).name] for n in names}


@pytest.fixture(scope="module")
def folder(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the person picks."""
    root = tmp_path_factory.mktemp("audit") / "Photos"
    for sub, names in (("camera", CAMERA), ("phone", PHONE)):
        (root / sub).mkdir(parents=True)
        for name in names:
            shutil.copyfile(corpus / name, root / sub / name)
    (root / "home").mkdir()
    for i, (lat, lon, when) in enumerate(HOME, 1):
        subprocess.run(
            [
                "exiftool", "-q", "-o", str(root / "home" / f"evening-{i}.jpg"),
                f"-GPSLatitude={lat}", "-GPSLatitudeRef=N", f"-GPSLongitude={lon}", "-GPSLongitudeRef=E",
                f"-DateTimeOriginal={when}", str(corpus / "skimage_rocket.jpg"),
            ],
            check=True,
        )  # fmt: skip
    shutil.copyfile(corpus / BROKEN, root / BROKEN)
    (root / "notes.txt").write_text("not a photo\n")
    return root


def _photos(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".txt")


def _has(tags: dict[str, Any], names: tuple[str, ...]) -> bool:
    return any(str(tags.get(n, "")).strip() for n in names)


def _context(browser: Any, size: str, scheme: str) -> Any:
    viewport = {"width": 390, "height": 844} if size == "phone" else {"width": 1366, "height": 768}
    return browser.new_context(accept_downloads=True, viewport=viewport, color_scheme=scheme)


def _pick(page: Any, folder: Path) -> None:
    page.locator("#audit-folder").set_input_files(str(folder))
    expect(page.get_by_test_id("audit-progress")).to_have_attribute("data-phase", "done", timeout=TIMEOUT)


def _filter_count(page: Any, label: str) -> int:
    """Check only the filter ``label``, return how many photos the list then shows."""
    filters = page.get_by_role("group", name="Show only photos that")
    for box in filters.get_by_role("checkbox").all():
        box.uncheck()
    filters.get_by_label(label, exact=True).check()
    text = page.get_by_test_id("photo-count").inner_text()
    shown = int(re.match(r"^([\d,]+) photo", text).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert page.get_by_test_id("photo-row").count() == shown, text
    filters.get_by_label(label, exact=True).uncheck()
    return shown


def test_audit_session(browser: Any, server: str, folder: Path, tmp_path: Path) -> None:
    origin = "/".join(server.split("/", 3)[:3])
    photos = _photos(folder)
    readable = [p for p in photos if p.name != BROKEN]
    tags = exiftool_json(readable)
    with_gps = {n for n, t in tags.items() if any(k.endswith(":GPSLatitude") for k in t)}
    with_serial = {n for n, t in tags.items() if _has(t, tuple(k for k in t if k.endswith("SerialNumber")))}  # maker notes too
    with_name = {n for n, t in tags.items() if _has(t, NAME_TAGS)}
    serial = str(tags["mei_Issue_649_canon.avif"]["ExifIFD:SerialNumber"])
    artist = str(tags["exifsamples_32-lens_data.jpeg"]["IFD0:Artist"])
    assert len(with_gps) == 9 and with_serial and with_name, (with_gps, with_serial, with_name)

    context = _context(browser, "laptop", "light")
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page, console_errors=True)
    try:
        page.goto(server + "#/audit")
        expect(page.get_by_role("heading", level=1)).to_have_text("Audit")
        expect(page.get_by_role("navigation", name="Tools").get_by_role("link", name="Audit")).to_have_attribute(
            "aria-current", "page"
        )
        # The tool's files (its worker, the gazetteer and the outlines) are saved when it is opened:
        # the audit itself runs offline.
        wait_until_saved(page, "audit")
        context.set_offline(True)
        requests.phase = "offline"

        page.locator("#audit-folder").set_input_files(str(folder))
        progress = page.get_by_test_id("audit-progress")
        expect(progress.get_by_role("progressbar")).to_be_visible()
        expect(progress).to_have_attribute("data-phase", "done", timeout=TIMEOUT)
        count = page.get_by_test_id("audit-count")
        expect(count).to_contain_text(f"{len(photos)} of {len(photos)} photos read")
        expect(count).to_contain_text(f"{len(with_gps)} with a GPS position")
        expect(count).to_contain_text("1 other file passed over")

        # People first: the likely home, said plainly, and a place named from the offline gazetteer.
        summary = page.get_by_test_id("audit-summary")
        expect(summary).to_contain_text(re.compile(r"6 photos, taken on \d+ different evenings, show a place near Siena, Italy"))
        expect(summary).to_contain_text("probably where you live")
        expect(summary).to_contain_text("1 file could not be read")
        places = page.get_by_test_id("audit-places")
        home = places.get_by_test_id("place").filter(has_text="likely home")
        expect(home).to_have_count(1)
        expect(home).to_contain_text("near Siena, Italy")
        expect(home).to_contain_text("6 photos")
        expect(places).to_contain_text("near Arezzo, Italy")  # exifsamples_DSCN0010.jpg

        # Identity: the serial number and the photographer's name ExifTool reads.
        identity = page.get_by_test_id("audit-identity")
        expect(identity).to_contain_text(serial)
        expect(identity).to_contain_text(artist)
        # Hidden pictures: thumbnails, and the depth map of the pug.
        hidden = page.get_by_test_id("audit-hidden")
        expect(hidden).to_contain_text(re.compile(r"thumbnail", re.I))
        expect(hidden).to_contain_text(re.compile(r"depth", re.I))

        # The map: "Show on map" zooms to the place; a dot is a button the keyboard reaches.
        world_view = page.get_by_test_id("audit-map").get_attribute("data-view")
        home.get_by_role("button", name=re.compile("^Show on map")).click()
        expect(page.get_by_test_id("audit-map")).not_to_have_attribute("data-view", world_view or "")
        view_width = lambda: float(str(page.get_by_test_id("audit-map").get_attribute("data-view")).split()[2])  # noqa: E731
        assert view_width() <= 30, f"not zoomed to the place: {view_width()} map units (0.1°) across"
        expect(page.locator("svg .photo")).to_have_count(6)  # each photo of the place, at its position
        for _ in range(5):  # closer, to the photos one by one (a few hundred metres across)
            page.get_by_role("button", name="Zoom in").click()
        assert view_width() < 1, view_width()
        marker = page.get_by_role("button", name=re.compile(r"Arezzo, Italy: 1 photo"))
        marker.focus()
        page.keyboard.press("Enter")
        expect(marker).to_have_attribute("aria-pressed", "true")
        page.get_by_test_id("audit-map").focus()
        before = page.get_by_test_id("audit-map").get_attribute("data-view")
        page.keyboard.press("-")
        expect(page.get_by_test_id("audit-map")).not_to_have_attribute("data-view", before or "")

        # Every photo with its risk, highest first; each filter's count is ExifTool's.
        rows = page.get_by_test_id("photo-row")
        expect(rows).to_have_count(len(photos))
        assert rows.first.get_attribute("data-risk") == "high"
        assert _filter_count(page, "Has GPS") == len(with_gps)
        assert _filter_count(page, "Near home") == len(HOME)
        assert _filter_count(page, "Has serial number") == len(with_serial)
        assert _filter_count(page, "Has a name") == len(with_name)
        assert not axe_violations(page)
        page.screenshot(path=str(SHOTS / "privpix-audit-laptop.png"), full_page=True)

        # Clean all: one ZIP of the readable photos laid out as the CLI's -o writes them, clean by ExifTool.
        cleaned = _clean_zip(page, r"^Clean all", tmp_path / "all")
        expect(page.get_by_test_id("clean-saved")).to_contain_text(f"{len(readable)} cleaned photos")
        assert sorted(cleaned) == sorted(_cleaned(folder, p) for p in readable)
        for name, t in cleaned.items():
            # The colour profile is kept (the Metadata tool's default): its own header fields are not the photo's.
            left = [
                k
                for k in t
                if not k.startswith("ICC")
                and re.search(r"GPS|SerialNumber|Artist|Copyright|Creator|OwnerName|ThumbnailImage|By-line", k)
            ]
            assert not left, f"{name} still has {left}"

        # "Keep location but blur it" (the Metadata tool's option) on the photos near home, chosen by the filter:
        # their copies hold the town (0.1°), not the house.
        page.get_by_label("Location, blurred to ~10 km").check()
        filters = page.get_by_role("group", name="Show only photos that")
        filters.get_by_label("Near home", exact=True).check()
        page.get_by_role("checkbox", name=re.compile(r"^Choose all")).check()
        blurred = _clean_zip(page, r"^Clean the 6 chosen", tmp_path / "blurred")
        assert sorted(blurred) == sorted(_cleaned(folder, p) for p in readable if p.parent.name == "home")
        for name, t in blurred.items():
            assert str(t["GPS:GPSLatitude"]).startswith("43 deg 18' 0.00\""), (name, t["GPS:GPSLatitude"])
            assert str(t["GPS:GPSLongitude"]).startswith("11 deg 18' 0.00\""), (name, t["GPS:GPSLongitude"])
            assert "GPS:GPSAltitude" not in t
    finally:
        context.close()

    assert not errors, errors
    assert_network_stayed_private(requests, origin, [p.name for p in photos] + ["Photos", "notes.txt"])
    assert {str(r["url"]).split(":")[0] for r in requests if r["phase"] == "offline"} <= {"http", "blob", "data"}


@pytest.mark.parametrize(("size", "scheme"), [("phone", "dark"), ("phone", "light"), ("laptop", "dark")])
def test_audit_screens(browser: Any, server: str, folder: Path, size: str, scheme: str) -> None:
    """The report at phone size (one column, nothing wider than the screen) and in the dark scheme:
    axe-core finds nothing, before and after a folder, and the map's controls work by touch size."""
    context = _context(browser, size, scheme)
    page = context.new_page()
    errors = watch_errors(page, console_errors=True)
    try:
        page.goto(server + "#/audit")
        expect(page.get_by_role("heading", level=1)).to_have_text("Audit")
        assert axe_violations(page) == []
        _pick(page, folder)
        expect(page.get_by_test_id("audit-summary")).to_contain_text("probably where you live")
        if size == "phone":
            page.get_by_role("button", name="Settings", exact=True).click()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "wider than the phone"
        page.get_by_role("button", name="Zoom in").click()
        assert axe_violations(page) == []
        page.screenshot(path=str(SHOTS / f"privpix-audit-{size}-{scheme}.png"), full_page=True)
    finally:
        context.close()
    assert not errors, errors


DROP = """async (files) => {
  const data = new DataTransfer();
  for (const [name, b64] of files) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    data.items.add(new File([bytes], name, { type: 'image/jpeg' }));
  }
  const fire = (type) => document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  fire('dragenter');
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const overlay = !!document.querySelector('[data-testid=drop-overlay]');
  fire('dragover');
  fire('drop');
  return overlay;
}"""


def test_photos_dropped_on_the_page_are_audited(browser: Any, server: str, corpus: Path) -> None:
    """Many photos dropped anywhere on the page (no folder) are audited as a folder would be."""
    import base64

    names = ["exifsamples_DSCN0010.jpg", "mei_Nikon_D60.jpg"]
    context = _context(browser, "laptop", "light")
    page = context.new_page()
    errors = watch_errors(page, console_errors=True)
    try:
        page.goto(server + "#/audit")
        expect(page.get_by_role("heading", level=1)).to_have_text("Audit")
        payload = [[n, base64.b64encode((corpus / n).read_bytes()).decode()] for n in names]
        page.wait_for_timeout(300)  # the drop listeners are set once the screen is mounted
        assert page.evaluate(DROP, payload) is True, "no overlay while files were dragged over the page"
        expect(page.get_by_test_id("audit-progress")).to_have_attribute("data-phase", "done", timeout=TIMEOUT)
        expect(page.get_by_test_id("audit-count")).to_contain_text("2 of 2 photos read")
        expect(page.get_by_test_id("photo-row")).to_have_count(2)
        expect(page.get_by_test_id("drop-overlay")).to_have_count(0)
    finally:
        context.close()
    assert not errors, errors

"""The audit's opt-in thumbnail check (#/audit, "Compare each photo with its thumbnail") in real Chromium.

A folder holds a camera photo as it came (its EXIF thumbnail shows the same picture), the same photo
cropped to its left half with the camera's EXIF (and so its old thumbnail) kept, and a photo without a
thumbnail. With the option on, the page says one photo's thumbnail shows another picture, that photo
gives the reason and is at risk, and the other photos do not — as the Python engine's
``audit_photo(..., thumbnails=True)`` judges them. With the option off (the default) nothing is
compared; turned on after a folder was read, it offers to read the folder again. At phone and laptop
sizes; every request is the app's own (GET/HEAD, no body); screenshots are written to /tmp.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from privpix.tools.audit import audit_photo
from privpix.tools.audit.thumbnail import DIFFERS_REASON

from .common import RequestLog, assert_network_stayed_private, axe_violations, watch_errors

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp")
TIMEOUT = 60_000
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}


@pytest.fixture(scope="module")
def folder(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("audit-thumbnails") / "Edited"
    root.mkdir()
    source = (corpus / "exifsamples_DSCN0010.jpg").read_bytes()
    image = Image.open(io.BytesIO(source))
    exif = image.info["exif"]  # with the camera's thumbnail of the whole picture
    cropped = io.BytesIO()
    image.crop((0, 0, image.width // 2, image.height)).save(cropped, "JPEG", quality=90, exif=exif)
    (root / "cropped.jpg").write_bytes(cropped.getvalue())
    (root / "as-taken.jpg").write_bytes(source)
    (root / "launch.jpg").write_bytes((corpus / "skimage_rocket.jpg").read_bytes())
    return root


def _row(page: Any, name: str) -> Any:
    return page.get_by_test_id("photo-row").filter(has_text=name)


def _read(page: Any, folder: Path) -> None:
    page.locator("#audit-folder").set_input_files(str(folder))
    expect(page.get_by_test_id("audit-progress")).to_have_attribute("data-phase", "done", timeout=TIMEOUT)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_thumbnail_check_finds_the_crop(browser: Any, server: str, folder: Path, size: str) -> None:
    origin = "/".join(server.split("/", 3)[:3])
    judged = {p.name: audit_photo(p.read_bytes(), p.name, thumbnails=True) for p in sorted(folder.iterdir())}
    differs = {name for name, photo in judged.items() if any(h.differs for h in photo.hidden)}
    assert differs == {"cropped.jpg"}, differs  # the Python engine's verdict, which the page must match

    context = browser.new_context(viewport=SIZES[size])
    requests = RequestLog(context)
    page = context.new_page()
    errors = watch_errors(page, console_errors=True)
    try:
        page.goto(server + "#/audit")
        expect(page.get_by_role("heading", level=1)).to_have_text("Audit")
        option = page.get_by_role("checkbox", name="Compare each photo with its thumbnail")
        expect(option).not_to_be_checked()  # off by default: the audit reads metadata only

        # Off: nothing compared, nothing said about thumbnails differing.
        _read(page, folder)
        expect(page.get_by_test_id("thumbnails-differ")).to_have_count(0)
        expect(_row(page, "cropped.jpg")).not_to_contain_text(DIFFERS_REASON)

        # Turned on after the folder was read: the page offers to read it again, and then compares.
        option.check()
        page.get_by_role("button", name="Read the photos again with the comparison").click()
        expect(page.get_by_test_id("audit-progress")).to_have_attribute("data-phase", "done", timeout=TIMEOUT)
        verdict = page.get_by_test_id("thumbnails-differ")
        expect(verdict).to_have_text(
            "1 photo carries an EXIF thumbnail that shows another picture: it may show what was cropped or edited out."
        )
        expect(page.get_by_test_id("audit-summary")).to_contain_text("EXIF thumbnail that shows another picture")
        for name, photo in judged.items():
            row = _row(page, name)
            if name in differs:
                expect(row).to_contain_text(DIFFERS_REASON)
            else:
                expect(row).not_to_contain_text(DIFFERS_REASON)
            expect(row).to_have_attribute("data-risk", photo.risk)
        expect(page.get_by_role("button", name="Read the photos again with the comparison")).to_have_count(0)
        assert axe_violations(page) == []
        if size == "phone":
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "wider than the phone"
        page.screenshot(path=str(SHOTS / f"privpix-audit-thumbnails-{size}.png"), full_page=True)
    finally:
        context.close()
    assert not errors, errors
    assert_network_stayed_private(requests, origin, [p.name for p in folder.iterdir()] + [folder.name])


def test_untouched_photos_keep_their_thumbnails(browser: Any, server: str, corpus: Path, folder: Path, tmp_path: Path) -> None:
    """Every corpus photo with an EXIF thumbnail (camera and phone files as they came, HEIC included)
    is judged as the Python engine judges it: none differs; the cropped photo still does."""
    from tests.conftest import corpus_entries

    root = tmp_path / "Library"
    root.mkdir()
    (root / "cropped.jpg").write_bytes((folder / "cropped.jpg").read_bytes())
    for entry in corpus_entries():
        data = (corpus / entry["file"]).read_bytes()
        if any(h.key == "exif_thumbnail" for h in audit_photo(data, entry["file"]).hidden):
            (root / Path(entry["file"]).name).write_bytes(data)
    judged = {p.name: audit_photo(p.read_bytes(), p.name, thumbnails=True) for p in root.iterdir()}
    assert len(judged) >= 10, sorted(judged)
    assert {n for n, p in judged.items() if any(h.differs for h in p.hidden)} == {"cropped.jpg"}

    context = browser.new_context(viewport=SIZES["laptop"])
    page = context.new_page()
    errors = watch_errors(page, console_errors=True)
    try:
        page.goto(server + "#/audit")
        page.get_by_role("checkbox", name="Compare each photo with its thumbnail").check()
        _read(page, root)
        expect(page.get_by_test_id("thumbnails-differ")).to_contain_text("1 photo carries an EXIF thumbnail")
        for name, photo in judged.items():
            row = _row(page, name)
            if name == "cropped.jpg":
                expect(row).to_contain_text(DIFFERS_REASON)
            else:
                expect(row).not_to_contain_text(DIFFERS_REASON)
            expect(row).to_have_attribute("data-risk", photo.risk)
    finally:
        context.close()
    assert not errors, errors

"""The audit's reading of many photos, on synthetic positions and times with known answers: clustering
within a few hundred metres, town names from the offline gazetteer, "likely home / work", identity
grouping, risk levels; and the report does not depend on the order photos arrive in."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from privpix.tools.audit import AuditSummary, load_gazetteer
from privpix.tools.audit.geo import distance_m, nearest_town
from privpix.tools.audit.places import Positions, cluster
from privpix.tools.audit.types import GpsFix, IdentityItem, PhotoAudit

from .conftest import run_ts_engine

SIENA = (43.318, 11.331)
LYON = (45.748, 4.847)
BERGEN_NO = (60.393, 5.324)
METRE = 1 / 111_195  # degrees of latitude per metre


def photo(
    name: str, where: tuple[float, float] | None, taken: str | None, identity: list[IdentityItem] | None = None
) -> PhotoAudit:
    gps = GpsFix(where[0], where[1], None) if where else None
    risk = "high" if gps else "medium" if identity else "low" if taken else "none"
    return PhotoAudit(name, 1000, "JPEG", None, False, gps, taken, identity or [], [], risk, [])  # type: ignore[arg-type]


def near(place: tuple[float, float], north_m: float, east_m: float = 0) -> tuple[float, float]:
    return place[0] + north_m * METRE, place[1] + east_m * METRE / 0.728  # cos(43.3°) ≈ 0.728


def test_distance_is_right_to_a_metre_at_city_scale() -> None:
    # One minute of latitude is one nautical mile (1852 m); the equirectangular error is far below a metre.
    assert distance_m(43.0, 11.0, 43.0 + 1 / 60, 11.0) == pytest.approx(1853.2, abs=1.0)
    assert distance_m(0.0, 179.999, 0.0, -179.999) == pytest.approx(222.4, abs=0.5)  # across the antimeridian


def test_nearest_town_names_known_places() -> None:
    gazetteer = load_gazetteer()
    for (lat, lon), town, country in ((SIENA, "Siena", "Italy"), (LYON, "Lyon", "France"), (BERGEN_NO, "Bergen", "Norway")):
        found = nearest_town(gazetteer, lat + 0.001, lon + 0.001)
        assert found is not None and (found.name, found.country) == (town, country)
        assert found.distance_m < 200
    assert nearest_town(gazetteer, -60.0, -140.0) is None  # the Southern Ocean: no town within ~900 km


def test_positions_within_a_few_hundred_metres_form_one_cluster() -> None:
    points = Positions()
    for i, north in enumerate((0, 80, 150, 210)):
        points.add(i, *near(SIENA, north), None)
    for i, north in enumerate((0, 50)):
        points.add(10 + i, *near(SIENA, 2000 + north), None)
    points.add(20, *LYON, None)
    groups = sorted(sorted(points.index[p] for p in g) for g in cluster(points))
    assert groups == [[0, 1, 2, 3], [10, 11], [20]]


def _home_and_work() -> list[PhotoAudit]:
    """14 evenings at a house near Siena (two photos some evenings, one after midnight), 5 working days
    at an office 3 km away, one holiday in Lyon, and photos without a position."""
    photos = []
    for day in range(1, 15):
        photos.append(photo(f"home-{day}.jpg", near(SIENA, day * 5, day * 3), f"2024-03-{day:02d} 21:30:00"))
    photos += [photo(f"home-late-{d}.jpg", near(SIENA, 10), f"2024-03-{d:02d} 01:15:00") for d in (3, 5)]
    photos += [photo(f"home-extra-{d}.jpg", near(SIENA, 20), f"2024-03-{d:02d} 22:00:00") for d in (1, 2, 4, 6, 7)]
    # 2024-03-04 is a Monday: five weekdays at the office, 10:00–16:00
    photos += [photo(f"work-{d}.jpg", near(SIENA, 3000, 500), f"2024-03-{d:02d} {10 + d % 6:02d}:00:00") for d in (4, 5, 6, 7, 8)]
    photos.append(photo("holiday.jpg", LYON, "2024-04-01 15:00:00"))
    photos.append(photo("no-gps.jpg", None, "2024-04-02 15:00:00"))
    return photos


def test_home_work_and_places_are_found_and_said_plainly() -> None:
    summary = AuditSummary(load_gazetteer())
    for p in _home_and_work():
        summary.add(p)
    report = summary.report()
    home, work, lyon = report.places
    assert (home.photos, home.nights, home.likely, home.town, home.country) == (21, 14, "home", "Siena", "Italy")
    assert (
        home.statement
        == "21 photos, taken on 14 different evenings, show a place near Siena, Italy: this is probably where you live."
    )
    assert home.radius_m < 300
    assert (work.photos, work.work_days, work.nights, work.likely) == (5, 5, 0, "work")
    assert work.statement is not None and work.statement.endswith("this is probably where you work.")
    assert (lyon.photos, lyon.likely, lyon.label) == (1, None, "near Lyon, France")
    assert report.with_gps == 27 and report.photos == 28
    assert report.headlines[:2] == [home.statement, work.statement]
    assert (home.first, home.last) == ("2024-03-01 21:30:00", "2024-03-14 21:30:00")


def test_daytime_photos_at_one_place_on_one_day_are_not_called_home() -> None:
    summary = AuditSummary(load_gazetteer())
    for i in range(30):
        summary.add(photo(f"trip-{i}.jpg", near(LYON, i), f"2024-05-04 {8 + i % 10:02d}:00:00"))  # a Saturday
    (place,) = summary.report().places
    assert (place.photos, place.days, place.likely, place.statement) == (30, 1, None, None)


def test_identity_values_are_grouped_across_fields_and_photos() -> None:
    artist = IdentityItem("name", "artist", "Artist", "Ada Lovelace")
    rights = IdentityItem("name", "copyright", "Copyright", "Ada Lovelace")
    body = IdentityItem("serial", "body_serial_number", "Body serial number", "2031887")
    lens = IdentityItem("serial", "lens_serial_number", "Lens serial number", "LX-55")
    summary = AuditSummary(load_gazetteer())
    summary.add(photo("a.jpg", None, None, [rights, artist, body]))
    summary.add(photo("b.jpg", None, None, [body, lens]))
    summary.add(photo("c.jpg", None, None, [body]))
    names, serials = summary.report().identity
    assert names.summary == "1 name: Ada Lovelace; 1 photo carries it."
    assert [(v.key, v.photos) for v in names.values] == [("artist", 1)]
    assert serials.summary == "2 serial numbers: body 2031887, lens LX-55; 3 photos carry one of them."


def test_the_report_does_not_depend_on_the_order_photos_arrive_in() -> None:
    photos = _home_and_work()
    expected = AuditSummary(load_gazetteer())
    for i, p in enumerate(photos):
        expected.add(p, i)
    shuffled = list(enumerate(photos))
    random.Random(7).shuffle(shuffled)
    actual = AuditSummary(load_gazetteer())
    for i, p in shuffled:
        actual.add(p, i)
    assert actual.report().to_json() == expected.report().to_json()


def test_both_engines_read_the_synthetic_library_alike(tmp_path: Path) -> None:
    """The TypeScript summary gives the same report (home, work, statements) for the same records."""
    photos = _home_and_work()
    records = tmp_path / "records.json"
    records.write_text(json.dumps([[i, p.to_json()] for i, p in enumerate(photos)]))
    expected = AuditSummary(load_gazetteer())
    for i, p in enumerate(photos):
        expected.add(p, i)
    report = expected.report().to_json()
    assert [p["likely"] for p in report["places"]] == ["home", "work", None]
    assert run_ts_engine("summarise", str(records))["report"] == report


def _cropped_and_edited(corpus: Path, tmp_path: Path) -> tuple[bytes, bytes, bytes]:
    """DSCN0010 re-encoded three ways, its EXIF (with the camera's thumbnail) kept each time: as it
    is, cropped to its left half, and with a black box painted over its left half."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    source = (corpus / "exifsamples_DSCN0010.jpg").read_bytes()
    image = Image.open(BytesIO(source))
    exif = image.info["exif"]

    def encode(picture: Image.Image) -> bytes:
        out = BytesIO()
        picture.save(out, "JPEG", quality=90, exif=exif)
        return out.getvalue()

    edited = image.copy()
    ImageDraw.Draw(edited).rectangle((0, 0, image.width // 2, image.height), fill=(0, 0, 0))
    return encode(image), encode(image.crop((0, 0, image.width // 2, image.height))), encode(edited)


def test_the_thumbnail_check_finds_crops_and_edits_the_thumbnail_did_not_follow(corpus: Path, tmp_path: Path) -> None:
    from privpix.tools.audit import audit_photo

    same, cropped, edited = _cropped_and_edited(corpus, tmp_path)
    verdicts = {}
    for name, data in (("same", same), ("cropped", cropped), ("edited", edited)):
        photo = audit_photo(data, name, thumbnails=True)
        (thumb,) = [h for h in photo.hidden if h.key == "exif_thumbnail"]
        verdicts[name] = thumb.differs
        assert audit_photo(data, name).hidden[0].differs is None  # off by default: nothing decoded
    assert verdicts == {"same": False, "cropped": True, "edited": True}
    photo = audit_photo(cropped, "cropped.jpg", thumbnails=True)
    assert photo.reasons[1] == "EXIF thumbnail differs from the picture: it may show what was cropped or edited out"
    summary = AuditSummary(load_gazetteer())
    summary.add(photo)
    assert summary.report().thumbnails_differ == 1


def test_the_html_rows_list_every_photo_by_risk_then_input_order_whatever_order_they_arrive_in() -> None:
    """The --html report keeps each photo as columns (a risk-and-flags byte, shared reasons tuples);
    its table lists the highest risk first, then the input order, as the list of row objects did."""
    from privpix.tools.audit.html import PhotoRows

    photos = _home_and_work()
    photos += [photo("named.jpg", None, None, [IdentityItem("name", "artist", "Artist", "Ada")])]
    arrivals = list(enumerate(photos))
    random.Random(3).shuffle(arrivals)
    rows = PhotoRows()
    for i, p in arrivals:
        rows.add(i, p.to_json())
    listed = list(rows.by_risk())
    expected = sorted(range(len(photos)), key=lambda i: (("high", "medium", "low", "none").index(photos[i].risk), i))
    assert [r.index for r in listed] == expected
    by_index = {r.index: r for r in listed}
    assert (by_index[0].name, by_index[0].risk, by_index[0].gps, by_index[0].named) == ("home-1.jpg", "high", True, False)
    named = by_index[len(photos) - 1]
    assert (named.risk, named.gps, named.named, named.serial) == ("medium", False, True, False)
    assert by_index[1].reasons is by_index[2].reasons  # one tuple for the photos with the same reasons


def test_positions_give_back_the_times_they_were_given() -> None:
    """The summary packs each located photo's time into a number; places show it as it was written."""
    summary = AuditSummary(load_gazetteer())
    for i, taken in enumerate(("1999-12-31 23:59:59", "2000-01-01 00:00:00", None, "2024-02-29 12:30:05")):
        summary.add(photo(f"{i}.jpg", near(LYON, i), taken))
    (place,) = summary.report().places
    assert (place.first, place.last, place.days) == ("1999-12-31 23:59:59", "2024-02-29 12:30:05", 3)

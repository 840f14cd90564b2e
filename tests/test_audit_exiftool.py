"""ExifTool as the judge of the audit: on every corpus file, each GPS position, serial number, owner
name, unique id and embedded picture that ExifTool reports is found by the audit. Serial numbers in
maker notes are compared by value (binary ones byte for byte); other maker-note values, which privpix
does not decode, must at least be flagged as a maker-notes block that can hold them."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest

from privpix.tools.audit import audit_photo
from privpix.tools.audit.types import PhotoAudit

from .conftest import corpus_entries, exiftool_json

STANDARD_GROUPS = re.compile(r"^(IFD0|IFD1|ExifIFD|GPS|XMP-.*|IPTC|PNG|Composite|MPF0|JFIF|Photoshop)$")
"""Groups privpix decodes; any other group holding a serial, name or picture is a maker's private block
(Canon, Nikon, Olympus, Nintendo; Nikon's PreviewIFD lives inside its maker notes)."""
NAME_TAGS = {
    "Artist",
    "Copyright",
    "OwnerName",
    "Creator",
    "By-line",
    "Author",
    "XPAuthor",
    "Rights",
    "CopyrightNotice",
    "CameraOwnerName",
}
SERIAL_TAG = re.compile(r"SerialNumber$")
UNIQUE_TAGS = {"ImageUniqueID", "DocumentID", "OriginalDocumentID"}
# ExifTool's embedded-picture tags, and the audit's hidden-picture keys that answer each.
PICTURE_TAGS: dict[str, set[str]] = {
    "ThumbnailImage": {"exif_thumbnail", "thumbnail", "jfif_thumbnail", "jfif_extension_thumbnail", "windows_thumbnail"},
    "PreviewImage": {"jpeg_preview", "reduced_resolution_image", "subifd_image", "secondary_image"},
    "PhotoshopThumbnail": {"photoshop_thumbnail"},
    "HDRGainMapVersion": {"hdr_gain_map"},
}
MPF_IMAGE = re.compile(r"^MPImage\d+$")


def _split(key: str) -> tuple[str, str]:
    group, _, tag = key.partition(":")
    return group, tag


def _texts(value: Any) -> list[str]:
    """The value's non-empty texts, runs of white space read as one space (as XMP defines them)."""
    values = value if isinstance(value, list) else [value]
    return [" ".join(str(v).split()) for v in values if str(v).strip()]


def _misses(judge: dict[str, Any], photo: PhotoAudit) -> list[str]:
    ident = {(i.kind, " ".join(i.value.split())) for i in photo.identity}
    has_notes = any(i.kind == "maker_notes" for i in photo.identity)
    hidden = {h.key for h in photo.hidden}
    misses = []
    lat, lon = judge.get("Composite:GPSLatitude"), judge.get("Composite:GPSLongitude")
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
        if photo.gps is None or abs(photo.gps.latitude - lat) > 1e-6 or abs(photo.gps.longitude - lon) > 1e-6:
            misses.append(f"GPS {lat}, {lon}")
    for key, value in judge.items():
        group, tag = _split(key)
        if group.startswith("ICC") or group == "System":
            continue
        standard = bool(STANDARD_GROUPS.match(group))
        wanted = (
            "name" if tag in NAME_TAGS else "serial" if SERIAL_TAG.search(tag) else "unique_id" if tag in UNIQUE_TAGS else None
        )
        if wanted == "serial" and not standard:
            continue  # compared by value in test_every_maker_note_serial_number_is_found
        if wanted is not None:
            for text in _texts(value):
                if not standard:
                    if not has_notes:
                        misses.append(f"{key} (maker notes) {text}")
                elif (wanted, text) not in ident:
                    misses.append(f"{key} {text}")
        if tag in PICTURE_TAGS and not hidden & PICTURE_TAGS[tag] and not (not standard and has_notes):
            misses.append(f"{key} (picture)")
        if MPF_IMAGE.match(tag) and "mpf_images" not in hidden:
            misses.append(f"{key} (MPF image)")
    return misses


def test_everything_exiftool_reports_is_found(corpus: Path) -> None:
    entries = corpus_entries() + [e for e in corpus_entries(broken=True) if "broken_truncated" in e["cases"]]
    paths = [corpus / e["file"] for e in entries]
    judged = exiftool_json(paths, "-n")
    misses = {}
    checked = {"gps": 0, "serial": 0, "name": 0, "picture": 0}
    for path in paths:
        judge = judged[path.name]
        photo = audit_photo(path.read_bytes(), path.name)
        found = _misses(judge, photo)
        if found:
            misses[path.name] = found
        checked["gps"] += "Composite:GPSLatitude" in judge
        checked["serial"] += any(SERIAL_TAG.search(_split(k)[1]) for k in judge)
        checked["name"] += any(_split(k)[1] in NAME_TAGS and _texts(v) for k, v in judge.items())
        checked["picture"] += any(_split(k)[1] in PICTURE_TAGS or MPF_IMAGE.match(_split(k)[1]) for k in judge)
    assert misses == {}
    # The judge had something to judge: located, serial-numbered, named photos and embedded pictures.
    assert checked["gps"] >= 12 and checked["serial"] >= 5 and checked["name"] >= 2 and checked["picture"] >= 15, checked


def _judged_serial(value: Any) -> str:
    """An ExifTool ``-b`` value as privpix shows it: text as is, binary (base64 in JSON) as hexadecimal."""
    text = str(value)
    return base64.b64decode(text[7:]).hex() if text.startswith("base64:") else " ".join(text.split())


def test_every_maker_note_serial_number_is_found(corpus: Path) -> None:
    entries = corpus_entries() + [e for e in corpus_entries(broken=True) if "broken_truncated" in e["cases"]]
    paths = [corpus / e["file"] for e in entries]
    judged = exiftool_json(paths, "-b", "-n", "-*SerialNumber")
    wanted: dict[str, set[str]] = {}
    for path in paths:
        for key, value in judged[path.name].items():
            group, tag = _split(key)
            if SERIAL_TAG.search(tag) and not STANDARD_GROUPS.match(group):
                wanted.setdefault(path.name, set()).add(_judged_serial(value))
    found = {
        name: {i.value for i in audit_photo((corpus / name).read_bytes(), name).identity if i.kind == "serial"} for name in wanted
    }
    assert {name: values - found[name] for name, values in wanted.items() if values - found[name]} == {}
    # Canon (internal and lens), Nikon (two bodies), Olympus (binary) and Nintendo notes were judged
    assert sum(len(v) for v in wanted.values()) >= 6 and len(wanted) >= 5, wanted


@pytest.mark.parametrize("name", ["mei_Issue_649_canon.avif", "immich_denali.webp", "derived_parrot_16bit_gray.png"])
def test_standard_serial_numbers_are_read_not_just_flagged(corpus: Path, name: str) -> None:
    photo = audit_photo((corpus / name).read_bytes(), name)
    assert any(i.kind == "serial" for i in photo.identity)
    assert photo.risk == "high" if photo.gps else photo.risk == "medium"

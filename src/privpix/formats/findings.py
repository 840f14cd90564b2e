"""Findings: what a file carries, as data.

One vocabulary for both engines (``web/src/engine/formats/findings.ts`` mirrors this file). The CLI
and the web app render findings for people; ``--json`` dumps them as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# (key, heading) in the order people read them.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("location", "Location"),
    ("device", "Device"),
    ("time", "Time"),
    ("people", "People and rights"),
    ("embedded", "Embedded images"),
    ("blocks", "Other blocks"),
    ("kept", "Kept by a strip"),
)

# Stable identifiers for JSON readers, one per label (labels are for people and may be reworded;
# keys are not). A label missing here gets its lower-cased words joined by "_" (``finding_key``).
FINDING_KEYS: dict[str, str] = {
    "Accessibility text": "accessibility_text",
    "Accessory serial number": "accessory_serial_number",
    "Alpha channel": "alpha_channel",
    "Application extension": "application_extension",
    "Artist": "artist",
    "Author": "author",
    "Author (Windows)": "author_windows",
    "Auxiliary image": "auxiliary_image",
    "Binary XML metadata": "binary_xml_metadata",
    "Body serial number": "body_serial_number",
    "C2PA / JUMBF": "c2pa",
    "Camera make": "camera_make",
    "Camera model": "camera_model",
    "Camera owner": "camera_owner",
    "Caption": "caption",
    "Caption writer": "caption_writer",
    "City": "city",
    "Comment": "comment",
    "Comment (Windows)": "comment_windows",
    "Contact": "contact",
    "Copyright": "copyright",
    "Country": "country",
    "Creator": "creator",
    "Creator contact": "creator_contact",
    "Creator's job title": "creator_job_title",
    "Credit": "credit",
    "Created": "date_created",
    "Digitized": "date_digitized",
    "Digitized (date)": "date_digitized_date",
    "Metadata modified": "date_metadata_modified",
    "Modified": "date_modified",
    "Taken": "date_taken",
    "Taken (date)": "date_taken_date",
    "Taken (time)": "date_taken_time",
    "Depth map": "depth_map",
    "Description": "description",
    "Description property": "description_property",
    "Disclaimer": "disclaimer",
    "Document ID": "document_id",
    "Document name": "document_name",
    "EXIF": "exif",
    "Exif IFD": "exif_ifd",
    "EXIF thumbnail": "exif_thumbnail",
    "Extended XMP": "extended_xmp",
    "GeoTIFF georeferencing": "geotiff",
    "Altitude": "gps_altitude",
    "GPS block": "gps_block",
    "GPS position": "gps_position",
    "GPS time (UTC)": "gps_time",
    "HDR gain map": "hdr_gain_map",
    "Host computer": "host_computer",
    "ICC profile": "icc_profile",
    "Image unique ID": "image_unique_id",
    "Internal serial number": "internal_serial_number",
    "IPTC": "iptc",
    "Item groups": "item_groups",
    "Item protection": "item_protection",
    "JFIF extension thumbnail": "jfif_extension_thumbnail",
    "JFIF thumbnail": "jfif_thumbnail",
    "Embedded JPEG preview": "jpeg_preview",
    "Keywords": "keywords",
    "Keywords (Windows)": "keywords_windows",
    "Lens make": "lens_make",
    "Lens": "lens_model",
    "Lens serial number": "lens_serial_number",
    "MakerNotes": "maker_notes",
    "MPF images": "mpf_images",
    "Orientation": "orientation",
    "Original document ID": "original_document_id",
    "Other chunk": "other_chunk",
    "Other image": "other_image",
    "Padding": "padding",
    "Page name": "page_name",
    "Photoshop IRB": "photoshop_irb",
    "Photoshop thumbnail": "photoshop_thumbnail",
    "Portrait matte": "portrait_matte",
    "Raw profile": "raw_profile",
    "Reduced-resolution image": "reduced_resolution_image",
    "Rights owner": "rights_owner",
    "Software": "software",
    "Source": "source",
    "Source device": "source_device",
    "State/province": "state_province",
    "SubIFD image": "subifd_image",
    "Subject (Windows)": "subject_windows",
    "Sublocation": "sublocation",
    "TAI clock information": "tai_clock",
    "TAI timestamp": "tai_timestamp",
    "Text": "text",
    "Thumbnail": "thumbnail",
    "TIFF metadata tags": "tiff_metadata_tags",
    "Time zone": "time_zone",
    "Time zone (digitized)": "time_zone_digitized",
    "Time zone (modified)": "time_zone_modified",
    "Title": "title",
    "Title (Windows)": "title_windows",
    "Data after the end of the image": "trailing_data",
    "Unknown box": "unknown_box",
    "User comment": "user_comment",
    "Vendor block": "vendor_block",
    "Warning": "warning",
    "Windows thumbnail": "windows_thumbnail",
    "XML metadata": "xml_metadata",
    "XMP": "xmp",
}


def finding_key(label: str) -> str:
    """The stable key of a finding labelled ``label`` (e.g. "Taken" -> "date_taken")."""
    known = FINDING_KEYS.get(label)
    if known is not None:
        return known
    return "_".join(re.findall(r"[a-z0-9]+", label.lower())) or "unnamed"


@dataclass(frozen=True)
class Finding:
    """One thing a file carries: ``value`` of ``label``, found in ``block`` at ``offset``."""

    category: str
    label: str
    value: str
    block: str
    offset: int
    length: int
    data: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return finding_key(self.label)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "category": self.category,
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "block": self.block,
            "offset": self.offset,
            "length": self.length,
        }
        if self.data is not None:
            out["data"] = self.data
        return out


@dataclass
class Inspection:
    """Everything ``inspect`` learns about one file."""

    format: str
    mime: str
    width: int | None
    height: int | None
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    damaged: bool = False  # the file was cut short: what is there was read (a warning says where)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "mime": self.mime,
            "width": self.width,
            "height": self.height,
            "findings": [f.to_json() for f in self.findings],
            "warnings": list(self.warnings),
            "damaged": self.damaged,
        }

    def by_category(self, category: str) -> list[Finding]:
        return [f for f in self.findings if f.category == category]


def removed_findings(before: list[Finding], after: list[Finding]) -> list[Finding]:
    """What ``before`` reported that ``after`` no longer does (same category, label and value): the
    "removed" list of every tool's report."""
    remaining = {(f.category, f.label, f.value) for f in after}
    return [f for f in before if (f.category, f.label, f.value) not in remaining]


def format_bytes(n: int) -> str:
    """Sizes for people ("812 bytes", "4.5 kB", "1.96 MB"), in integer arithmetic so that both
    engines round the same way."""
    if n < 1000:
        return f"{n} byte" + ("" if n == 1 else "s")
    if n < 1_000_000:
        tenths = (n + 50) // 100
        return f"{tenths // 10}.{tenths % 10} kB"
    hundredths = (n + 5_000) // 10_000
    return f"{hundredths // 100}.{hundredths % 100:02d} MB"


def format_fixed(x: float, digits: int) -> str:
    """``x`` with ``digits`` decimals, rounding half away from zero identically in both engines
    (Python's format and JavaScript's toFixed break ties differently)."""
    negative = x < 0
    scaled = int(abs(x) * 10**digits + 0.5)
    whole, frac = divmod(scaled, 10**digits)
    text = f"{whole}.{frac:0{digits}d}" if digits else f"{whole}"
    return "-" + text if negative and scaled else text


_SPACE = " \t\n\r\x0b\x0c\x00"


def trim(text: str) -> str:
    """Strip ASCII whitespace and NULs only: ``str.strip`` and JavaScript's ``trim`` disagree about
    Unicode spaces, and both engines must produce the same values."""
    return text.strip(_SPACE)


def plural(n: int, noun: str) -> str:
    """ "1 tag", "2 tags"."""
    return f"{n} {noun}" + ("" if n == 1 else "s")

"""IPTC-IIM records and the Photoshop image resource blocks (IRB, "8BIM") that usually carry them.

Strip removes both whole; inspect reads creator, copyright, captions, keywords, dates and places.
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Finding, format_bytes, trim

# (record, dataset) -> (category, label)
DATASETS: dict[tuple[int, int], tuple[str, str]] = {
    (2, 90): ("location", "City"),
    (2, 92): ("location", "Sublocation"),
    (2, 95): ("location", "State/province"),
    (2, 101): ("location", "Country"),
    (2, 55): ("time", "Taken (date)"),
    (2, 60): ("time", "Taken (time)"),
    (2, 62): ("time", "Digitized (date)"),
    (2, 80): ("people", "Creator"),
    (2, 85): ("people", "Creator's job title"),
    (2, 116): ("people", "Copyright"),
    (2, 110): ("people", "Credit"),
    (2, 115): ("people", "Source"),
    (2, 5): ("people", "Title"),
    (2, 120): ("people", "Caption"),
    (2, 122): ("people", "Caption writer"),
    (2, 25): ("people", "Keywords"),
    (2, 118): ("people", "Contact"),
}

IRB_NAMES = {
    0x0404: "IPTC",
    0x040C: "thumbnail",
    0x0409: "thumbnail",
    0x040F: "ICC profile",
    0x0422: "EXIF",
    0x0423: "EXIF",
    0x0424: "XMP",
    0x0425: "IPTC digest",
}
IRB_IPTC = 0x0404
IRB_THUMBNAILS = (0x0409, 0x040C)


@dataclass(frozen=True)
class Resource:
    id: int
    offset: int  # of the resource data, within the IRB block
    length: int


def parse_iim(data: bytes) -> list[tuple[int, int, bytes]]:
    """(record, dataset, value) triples; stops quietly at the first malformed record."""
    out: list[tuple[int, int, bytes]] = []
    pos = 0
    while pos + 5 <= len(data) and data[pos] == 0x1C:
        record, dataset = data[pos + 1], data[pos + 2]
        size = (data[pos + 3] << 8) | data[pos + 4]
        pos += 5
        if size & 0x8000:  # extended dataset: the low bits give the length of the length
            n = size & 0x7FFF
            if n > 4 or pos + n > len(data):
                break
            size = int.from_bytes(data[pos : pos + n], "big")
            pos += n
        if pos + size > len(data):
            break
        out.append((record, dataset, data[pos : pos + size]))
        pos += size
    return out


def _charset_is_utf8(records: list[tuple[int, int, bytes]]) -> bool:
    return any(r == 1 and d == 90 and v == b"\x1b%G" for r, d, v in records)


def iim_findings(data: bytes, block: str, offset: int, length: int) -> list[Finding]:
    records = parse_iim(data)
    utf8 = _charset_is_utf8(records)
    values: dict[tuple[int, int], list[str]] = {}
    for record, dataset, raw in records:
        if (record, dataset) not in DATASETS:
            continue
        value = trim(raw.decode("utf-8", "replace") if utf8 else raw.decode("latin-1"))
        if value:
            values.setdefault((record, dataset), []).append(value)
    out: list[Finding] = []
    for key, (category, label) in DATASETS.items():
        if key in values:
            out.append(Finding(category, label, ", ".join(values[key]), block, offset, length))
    return out


def parse_irb(data: bytes) -> list[Resource]:
    """Photoshop image resources ("8BIM" blocks); stops quietly at the first malformed one."""
    out: list[Resource] = []
    pos = 0
    while pos + 12 <= len(data) and data[pos : pos + 4] in (b"8BIM", b"PHUT", b"DCSR", b"AgHg", b"MeSa"):
        rid = (data[pos + 4] << 8) | data[pos + 5]
        name_len = data[pos + 6]
        pos += 6 + ((name_len + 2) & ~1)  # Pascal string padded to even length
        if pos + 4 > len(data):
            break
        size = int.from_bytes(data[pos : pos + 4], "big")
        pos += 4
        if pos + size > len(data):
            break
        out.append(Resource(rid, pos, size))
        pos += size + (size & 1)
    return out


def irb_findings(data: bytes, block: str, offset: int, length: int) -> list[Finding]:
    """Findings for a Photoshop IRB block (the payload after "Photoshop 3.0\\0")."""
    out: list[Finding] = []
    resources = parse_irb(data)
    for res in resources:
        if res.id == IRB_IPTC:
            out.extend(iim_findings(data[res.offset : res.offset + res.length], block, offset, length))
    for res in resources:
        if res.id in IRB_THUMBNAILS:
            out.append(Finding("embedded", "Photoshop thumbnail", f"JPEG, {format_bytes(res.length)}", block, offset, length))
    names = sorted({IRB_NAMES.get(r.id, "other") for r in resources})
    out.append(
        Finding(
            "blocks",
            "Photoshop IRB",
            f"{len(resources)} resources ({', '.join(names)}), {format_bytes(length)}",
            block,
            offset,
            length,
        )
    )
    return out

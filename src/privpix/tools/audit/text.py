"""The audit report for people on a terminal, from the report's JSON (``privpix audit`` without --json)."""

from __future__ import annotations

from typing import Any

from ...formats.findings import plural


def place_dates(place: dict[str, Any]) -> str:
    """ "2008-10-22, 1 day" or "2008-10-22 to 2008-11-02, 5 days": the days, which is what people compare."""
    first, last = place["first"], place["last"]
    if first is None:
        return "no dates"
    days = plural(place["days"], "day")
    return f"{first[:10]}, {days}" if first[:10] == last[:10] else f"{first[:10]} to {last[:10]}, {days}"


def report_lines(report: dict[str, Any]) -> list[str]:
    """The summary printed after the per-photo lines: headlines, places, identities, hidden pictures."""
    risk = report["risk"]
    unreadable = f" ({report['unreadable']} unreadable)" if report["unreadable"] else ""
    lines = [
        "",
        f"Audit of {report['photos']} photos{unreadable}: {risk['high']} high risk, {risk['medium']} medium, "
        f"{risk['low']} low, {risk['none']} with nothing found.",
    ]
    repeated = {g["summary"] for g in report["identity"]}  # shown under Identity below
    lines += [f"  {h}" for h in report["headlines"] if h not in repeated]
    if report["places"]:
        lines.append("Places:")
        for p in report["places"]:
            likely = f" [likely {p['likely']}]" if p["likely"] else ""
            photos = f"{p['photos']} photo{'s' if p['photos'] != 1 else ''}"
            lines.append(f"  {p['id']:>3}. {photos} {p['label']} ({place_dates(p)}){likely}")
    if report["identity"]:
        lines.append("Identity:")
        lines += [f"  {g['summary']}" for g in report["identity"]]
    if report["hidden"]:
        lines.append("Hidden pictures:")
        lines += [f"  {h['label']}: {h['photos']} photo{'s' if h['photos'] != 1 else ''}" for h in report["hidden"]]
        if report["thumbnails_differ"]:
            n = report["thumbnails_differ"]
            lines.append(
                f"  {n} EXIF thumbnail{'s show' if n != 1 else ' shows'} another picture than the photo (cropped or edited since)"
            )
    return lines


def photo_line(path: str, output: str | None, photo: dict[str, Any]) -> str:
    """One photo as it finishes: its risk and the most serious reasons."""
    reasons = photo["reasons"]
    said = "; ".join(reasons[:2]) + (f" (+{len(reasons) - 2} more)" if len(reasons) > 2 else "")
    text = f"{path}: {photo['risk']} risk: {said}" if reasons else f"{path}: nothing found"
    return f"{text} -> {output}" if output else text

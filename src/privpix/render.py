"""Reports rendered for people on a terminal, from the same dictionaries ``--json`` prints.

Callers pass every line through ``terminal.printable``; ``print_inspection`` does it itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .files import STDIO
from .formats.findings import CATEGORIES, format_bytes
from .terminal import printable

_HEADINGS = dict(CATEGORIES)


def print_inspection(path: Path, report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape

    def safe(text: object) -> str:
        return escape(printable(text))

    console = Console(highlight=False, soft_wrap=True)
    dims = f", {report['width']}×{report['height']}" if report.get("width") and report.get("height") else ""
    name = "standard input" if path == STDIO else path
    console.print(f"[bold]{safe(name)}[/bold] — {safe(report['format']).upper()}{dims}, {format_bytes(report['bytes'])}")
    findings = report["findings"]
    if not findings:
        console.print("  [green]No metadata found.[/green]")
    width = max((len(printable(f["label"])) for f in findings), default=0)
    for key, heading in CATEGORIES:
        items = [f for f in findings if f["category"] == key]
        if not items:
            continue
        style = "green" if key == "kept" else "yellow" if key in ("location", "people") else "cyan"
        console.print(f"  [{style}]{heading}[/{style}]")
        for f in items:
            console.print(f"    {safe(printable(f['label']).ljust(width))}  {safe(f['value'])}  [dim]({safe(f['block'])})[/dim]")
    for warning in report["warnings"]:
        console.print(f"  [red]warning:[/red] {safe(warning)}")
    console.print()


def _target(source: Path, output: Path | None) -> str:
    """``-> OUT``, ``(in place)``, or for --in-place through a link ``(in place, through the link: TARGET)``
    (the planner writes an in-place result to the input's real path, and refuses any other output there)."""
    if output == STDIO:
        return "-> standard output"
    if output is None or output == source:
        return "(in place)"
    if os.path.realpath(source) == str(output):
        return "(in place)" if os.path.abspath(source) == str(output) else f"(in place, through the link: {output})"
    return f"-> {output}"


def _removed_groups(report: dict[str, Any], *, with_kept: bool) -> list[str]:
    removed = report.get("removed", [])
    return [
        _HEADINGS[key].lower()
        for key, _ in CATEGORIES
        if (with_kept or key != "kept") and any(f["category"] == key for f in removed)
    ]


def strip_line(source: Path, output: Path | None, report: dict[str, Any]) -> str:
    """``photo.jpg -> out/photo.jpg  1.96 MB -> 1.94 MB  removed: location, device, time``"""
    before, after = report.get("bytes_before", 0), report.get("bytes_after", 0)
    groups = _removed_groups(report, with_kept=True)
    what = "removed: " + ", ".join(groups) if groups else "nothing to remove"
    return f"{source} {_target(source, output)}  {format_bytes(before)} -> {format_bytes(after)}  {what}"


def encode_line(source: Path, output: Path | None, report: dict[str, Any]) -> str:
    """``IMG_1.heic -> IMG_1-compressed.jpg  HEIC 1.30 MB -> JPEG 298.6 kB (-77%), 4032×3024, q55  removed: …``"""
    before, after = report.get("bytes_before", 0), report.get("bytes_after", 0)
    change = f"{round((after - before) * 100 / before):+d}%" if before else ""
    if report.get("original_kept"):
        quality = ", the original picture"
    else:
        quality = f", q{report['quality']}" if report.get("quality") is not None else ", lossless"
    groups = _removed_groups(report, with_kept=False)
    what = "  removed: " + ", ".join(groups) if groups else ""
    return (
        f"{source} {_target(source, output)}  {str(report.get('source_format', '')).upper()} "
        f"{format_bytes(before)} -> {str(report.get('format', '')).upper()} {format_bytes(after)} ({change}), "
        f"{report.get('width')}×{report.get('height')}{quality}{what}"
    )


def remove_bg_line(source: Path, output: Path | None, report: dict[str, Any]) -> str:
    """``IMG_1.heic -> IMG_1-nobg.png  4032×3024 cut-out, PNG 1.78 MB (fast model, 4.1 s)``"""
    what = {"cutout": "cut-out", "composite": f"on {report.get('background')} background", "mask": "mask"}[report["output"]]
    seconds = sum(report.get("seconds", {}).values())
    return (
        f"{source} {_target(source, output)}  {report['width']}×{report['height']} {what}, "
        f"{str(report['format']).upper()} {format_bytes(report['bytes_after'])} ({report['model']} model, {seconds:.1f} s)"
    )


def erase_line(source: Path, output: Path | None, report: dict[str, Any]) -> str:
    """``photo.jpg -> photo-erased.jpg  erased 2400 px: 72×52 region at 94,94 (grow 4, feather 2), JPEG q90 48.4 kB, 1.1 s``"""
    box = report["region"]
    quality = f" q{report['quality']}" if report.get("quality") is not None else ""
    return (
        f"{source} {_target(source, output)}  erased {report['masked_pixels']} px: {box['width']}×{box['height']} "
        f"region at {box['x']},{box['y']} (grow {report['grow']}, feather {report['feather']}), "
        f"{str(report['format']).upper()}{quality} {format_bytes(report['bytes_after'])}, "
        f"{report['seconds'].get('fill', 0):.1f} s"
    )


def removed_details(report: dict[str, Any]) -> list[str]:
    """``-v``: each removed finding, ``removed Location: GPS position = 43.46745° N, 11.88513° E``."""
    return [f"removed {_HEADINGS[f['category']]}: {f['label']} = {f['value']}" for f in report.get("removed", [])]

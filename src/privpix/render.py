"""Findings and results rendered for people on a terminal (``--json`` bypasses this)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .formats.findings import CATEGORIES, Inspection, format_bytes


def _dims(result: Inspection) -> str:
    return f", {result.width}×{result.height}" if result.width and result.height else ""


def print_inspection(path: Path, result: Inspection) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True)
    size = path.stat().st_size
    console.print(f"[bold]{escape(str(path))}[/bold] — {result.format.upper()}{_dims(result)}, {format_bytes(size)}")
    if not result.findings:
        console.print("  [green]No metadata found.[/green]")
    width = max((len(f.label) for f in result.findings), default=0)
    for key, heading in CATEGORIES:
        items = result.by_category(key)
        if not items:
            continue
        style = "green" if key == "kept" else "yellow" if key in ("location", "people") else "cyan"
        console.print(f"  [{style}]{heading}[/{style}]")
        for f in items:
            console.print(f"    {escape(f.label.ljust(width))}  {escape(f.value)}  [dim]({escape(f.block)})[/dim]")
    for warning in result.warnings:
        console.print(f"  [red]warning:[/red] {escape(warning)}")
    console.print()


def strip_line(source: Path, output: Path, report: dict[str, Any]) -> str:
    """``photo.jpg -> out/photo.jpg  1.96 MB -> 1.94 MB  removed: location, device, time``"""
    before, after = report.get("bytes_before", 0), report.get("bytes_after", 0)
    headings = dict(CATEGORIES)
    removed = report.get("removed", [])
    groups = [headings[key].lower() for key, _ in CATEGORIES if any(f["category"] == key for f in removed)]
    what = "removed: " + ", ".join(groups) if groups else "nothing to remove"
    arrow = "->" if source != output else "(in place)"
    target = "" if source == output else f" {output}"
    return f"{source} {arrow}{target}  {format_bytes(before)} -> {format_bytes(after)}  {what}"


def encode_line(source: Path, output: Path, report: dict[str, Any]) -> str:
    """``IMG_1.heic -> IMG_1-compressed.jpg  HEIC 1.30 MB -> JPEG 298.6 kB (-77%), 4032×3024, q55  removed: …``"""
    before, after = report.get("bytes_before", 0), report.get("bytes_after", 0)
    change = f"{round((after - before) * 100 / before):+d}%" if before else ""
    quality = f", q{report['quality']}" if report.get("quality") is not None else ", lossless"
    headings = dict(CATEGORIES)
    removed = report.get("removed", [])
    groups = [headings[key].lower() for key, _ in CATEGORIES if key != "kept" and any(f["category"] == key for f in removed)]
    what = "  removed: " + ", ".join(groups) if groups else ""
    arrow = "->" if source != output else "(in place)"
    target = "" if source == output else f" {output}"
    return (
        f"{source} {arrow}{target}  {str(report.get('source_format', '')).upper()} {format_bytes(before)} -> "
        f"{str(report.get('format', '')).upper()} {format_bytes(after)} ({change}), "
        f"{report.get('width')}×{report.get('height')}{quality}{what}"
    )

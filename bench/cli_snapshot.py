"""Behaviour snapshot of the command line: every command on the corpus, its output and its files.

    .venv/bin/python bench/cli_snapshot.py OUT [--only NAME]   # run every case into the directory OUT
    .venv/bin/python bench/cli_snapshot.py --diff A B          # compare two snapshots; exit 1 if they differ

Run it before and after a change that must not change behaviour (a restructuring, a rename), then
``--diff`` (which names, and does not count, an output that holds the same lines in another order:
a batch prints each file as it finishes). Each case runs ``python -m privpix ...`` (the interpreter running this script, so the
checkout it is installed from) with the outputs written under ``OUT/files/<case>/``, and records the
exit status, stdout and stderr (paths made relative: ``<corpus>``, ``<out>``, ``<repo>``; timings
replaced by ``<t>``) and the sha256 of every file written. ``OUT/snapshot.json`` holds it all.

What runs: inspect and strip (default, ``--keep`` groups, ``--no-keep-icc``) on every corpus file,
broken ones included, and strip over the corpus directory (``-r``); audit (``--json``, ``--jsonl``, for
people, ``--thumbnails``, ``--strip --blur-location``, and ``-r`` over the directory with ``--html``);
compress on every file; compress ``--target-size`` and convert to JPEG, WebP,
AVIF, PNG and PNG ``--palette`` on a mixed subset (every input format, orientation, CMYK, 16-bit
grey, alpha, animation, a broken file); remove-bg (transparent, colour, blur, WebP, mask only) and
erase (``--box``, with ``--seed``, ``--keep-metadata``, ``--mask``) on a few small photos; models.
Human-readable output is recorded for one case of each command, JSON for the rest. About three
minutes on a quiet 2-core machine. Models are never downloaded (PRIVPIX_OFFLINE=1).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS, ROOT, corpus_files, table  # noqa: E402

MATTING = CORPUS / "matting"

# Every input format and the awkward cases, for the tools that are too slow to run on everything.
MIXED = [
    "exifsamples_DSCN0010.jpg",  # JPEG with GPS and camera EXIF
    "exifsamples_landscape_6.jpg",  # EXIF orientation 6
    "sharp_Channel_digital_image_CMYK_color.jpg",  # CMYK
    "pillow_iptc.jpg",  # IPTC
    "pillowheif_xiaomi.heic",  # HEIC, 5 MP
    "immich_8bit-sRGB.avif",  # AVIF
    "derived_parrot_16bit_gray.png",  # 16-bit grey PNG
    "skimage_astronaut.png",  # RGB PNG
    "mei_Alpha_Lossy_1.webp",  # WebP with alpha
    "pillow_iss634.gif",  # animated GIF
    "mei_olympus_fe190.tif",  # TIFF
    "broken_truncated.jpg",  # an error, reported against its file
]
# Small photos for the model and the fill: a JPEG, a rotated JPEG, a WebP with alpha, a PNG.
PHOTOS = ["skimage_rocket.jpg", "exifsamples_landscape_6.jpg", "mei_Alpha_Lossy_1.webp", "skimage_chelsea.png"]


@dataclass
class Case:
    name: str
    args: list[str]  # after "privpix"; the output option is added from `out`
    files: list[Path]
    out: str | None = "-o"  # the option that names the output directory, or None
    # ``{out}`` in ``args`` stands for the case's output directory (a report file written into it)
    timed: bool = False  # its human-readable lines carry timings


def every_file() -> list[Path]:
    return corpus_files(include_broken=True) + sorted(p for p in MATTING.iterdir() if p.suffix != ".json")


def cases() -> list[Case]:
    everything = every_file()
    mixed = [CORPUS / n for n in MIXED]
    photos = [CORPUS / n for n in PHOTOS]
    out: list[Case] = [
        Case("inspect", ["inspect", "--json"], everything, out=None),
        Case("inspect.text", ["inspect"], everything, out=None),
        Case("strip", ["strip", "--json"], everything),
        Case("strip.text", ["strip"], everything),
        Case("strip-keep-camera-time", ["strip", "--json", "--keep", "camera,time"], everything),
        Case("strip-keep-location-rights", ["strip", "--json", "--keep", "location", "--keep", "rights"], everything),
        Case("strip-no-keep-icc", ["strip", "--json", "--no-keep-icc"], everything),
        Case("compress", ["compress", "--json"], everything),
        Case("compress.text", ["compress"], mixed),
        Case("compress-target-size", ["compress", "--json", "--target-size", "150KB"], mixed),
        Case("compress-max-dimension-keep-metadata", ["compress", "--json", "--max-dimension", "400", "--keep-metadata"], mixed),
        Case("convert-jpeg", ["convert", "--json", "--to", "jpeg"], mixed),
        Case("convert-jpeg.text", ["convert", "--to", "jpeg"], mixed),
        Case("convert-webp", ["convert", "--json", "--to", "webp"], mixed),
        Case("convert-avif", ["convert", "--json", "--to", "avif"], mixed),
        Case("convert-png", ["convert", "--json", "--to", "png"], mixed),
        Case("convert-png-palette", ["convert", "--json", "--to", "png", "--palette"], mixed),
        Case("remove-bg", ["remove-bg", "--json"], photos),
        Case("remove-bg.text", ["remove-bg"], photos[:1], timed=True),
        Case("remove-bg-colour", ["remove-bg", "--json", "--background", "#3366cc"], photos),
        Case("remove-bg-mask-only", ["remove-bg", "--json", "--mask-only"], photos),
        Case("remove-bg-blur-webp", ["remove-bg", "--json", "--background", "blur", "--format", "webp"], photos[:2]),
        Case("audit", ["audit", "--json"], everything, out=None),
        Case("audit.text", ["audit"], everything, out=None),
        Case("audit-jsonl", ["audit", "--jsonl"], everything, out=None),
        Case("audit-dir-html", ["audit", "-r", "--html", "{out}/report.html"], [CORPUS], out=None),
        Case("audit-thumbnails", ["audit", "--json", "--thumbnails"], everything, out=None),
        Case("audit-strip-blur", ["audit", "--json", "--strip", "--blur-location"], everything),
        Case("strip-dir", ["strip", "--json", "-r"], [CORPUS]),
        Case("models", ["models", "--json"], [], out=None),
        Case("models.text", ["models"], [], out=None),
    ]
    for photo in photos:
        out.append(Case(f"erase-box/{photo.name}", ["erase", "--json", "--box", "40,60,80,50"], [photo]))
    out += [
        Case("erase-box.text", ["erase", "--box", "40,60,80,50"], photos[:1], timed=True),
        Case("erase-boxes-seed", ["erase", "--json", "--box", "10,10,30,30", "--box", "200,150,60,90", "--seed=7"], photos[:1]),
        Case("erase-keep-metadata", ["erase", "--json", "--box", "40,60,80,50", "--keep-metadata"], [CORPUS / MIXED[0]]),
        Case("erase-mask", ["erase", "--json", "--mask", str(MATTING / "pm_lemur.mask.png")], [MATTING / "pm_lemur.png"]),
    ]
    return out


# ---- running ------------------------------------------------------------------------------------------------------


def normalise(text: str, out_dir: Path, timed: bool) -> str:
    tags = [(str(out_dir), "<out>"), (str(CORPUS), "<corpus>"), (str(ROOT), "<repo>")]
    for path, tag in sorted(tags, key=lambda t: -len(t[0])):  # the longest first: <out> may lie in <repo>
        text = text.replace(path, tag)
    lines, in_seconds = [], False
    for line in text.split("\n"):  # JSON: the values of every "seconds": {...} block are timings
        if in_seconds:
            if re.match(r"\s*\}", line):
                in_seconds = False
            else:
                line = re.sub(r": [0-9.e+-]+(,?)$", r": <t>\1", line)
        elif re.match(r'\s*"seconds": \{$', line):
            in_seconds = True
        lines.append(line)
    text = "\n".join(lines)
    return re.sub(r"\b\d+\.\d s\b", "<t> s", text) if timed else text


def digests(directory: Path) -> dict[str, str]:
    if not directory.is_dir():
        return {}
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def run_case(case: Case, root: Path) -> dict[str, object]:
    out_dir = root / "files" / case.name
    argv = [a.replace("{out}", str(out_dir)) for a in case.args]
    if case.out or argv != case.args:
        out_dir.mkdir(parents=True, exist_ok=True)
    if case.out:
        argv += [case.out, str(out_dir)]
    argv += [str(f) for f in case.files]
    env = {**os.environ, "PRIVPIX_OFFLINE": "1", "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run([sys.executable, "-m", "privpix", *argv], capture_output=True, text=True, env=env, cwd=root)
    return {
        "argv": normalise(" ".join(argv), out_dir, False),
        "exit": done.returncode,
        "stdout": normalise(done.stdout, out_dir, case.timed),
        "stderr": normalise(done.stderr, out_dir, case.timed),
        "files": digests(out_dir),
    }


def snapshot(root: Path, only: str | None) -> None:
    root = root.resolve()
    if (root / "snapshot.json").exists():
        sys.exit(f"{root}: a snapshot is there already; give a new directory")
    root.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {}
    rows = []
    for case in cases():
        if only and only not in case.name:
            continue
        start = time.perf_counter()
        result = run_case(case, root)
        seconds = time.perf_counter() - start
        results[case.name] = result
        rows.append([case.name, str(len(case.files)), str(len(result["files"])), str(result["exit"]), f"{seconds:.1f}"])  # type: ignore[arg-type]
        print(f"{case.name}: exit {result['exit']}, {len(result['files'])} files, {seconds:.1f} s", file=sys.stderr)  # type: ignore[arg-type]
    (root / "snapshot.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(table(["case", "inputs", "outputs", "exit", "seconds"], rows))
    print(f"\n{len(rows)} cases; {sum(float(r[4]) for r in rows):.0f} s; snapshot in {root / 'snapshot.json'}")


# ---- comparing ----------------------------------------------------------------------------------------------------


def differences(a: dict[str, dict], b: dict[str, dict]) -> tuple[list[str], list[str]]:
    """The differences between two snapshots, and the outputs that hold the same lines in another
    order: a batch over several workers prints each file as it finishes (privpix/batch.py waits for
    the first job done), so the order of its lines is not behaviour."""
    out, reordered = [], []
    for name in sorted(a.keys() | b.keys()):
        if name not in a or name not in b:
            out.append(f"{name}: only in {'B' if name not in a else 'A'}")
            continue
        x, y = a[name], b[name]
        for key in ("argv", "exit"):
            if x[key] != y[key]:
                out.append(f"{name}: {key} {x[key]!r} -> {y[key]!r}")
        for key in ("stdout", "stderr"):
            if x[key] != y[key] and sorted(x[key].splitlines()) == sorted(y[key].splitlines()):
                reordered.append(f"{name} {key}")
            elif x[key] != y[key]:
                lines = difflib.unified_diff(x[key].splitlines(), y[key].splitlines(), f"A {name}", f"B {name}", lineterm="", n=2)
                out.append(f"{name}: {key} differs\n" + "\n".join(lines))
        for file in sorted(x["files"].keys() | y["files"].keys()):
            before, after = x["files"].get(file), y["files"].get(file)
            if before != after:
                what = "only in A" if after is None else "only in B" if before is None else "differs"
                out.append(f"{name}: {file} {what}")
    return out, reordered


def diff(a: Path, b: Path) -> int:
    first, second = (json.loads((p / "snapshot.json").read_text()) for p in (a, b))
    found, reordered = differences(first, second)
    for line in found:
        print(line)
    if reordered:
        print(f"the same lines in another order (files finish in any order): {', '.join(reordered)}")
    files = sum(len(c["files"]) for c in first.values())
    if found:
        print(f"\n{len(found)} differences between {a} (A) and {b} (B)")
        return 1
    print(f"identical: {len(first)} cases, {files} output files, every stdout, stderr and exit status")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, metavar="DIR", help="OUT to take a snapshot; A B with --diff")
    parser.add_argument("--diff", action="store_true", help="compare the snapshots in A and B")
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    if args.diff:
        if len(args.paths) != 2:
            parser.error("--diff takes two snapshot directories")
        return diff(*args.paths)
    if len(args.paths) != 1:
        parser.error("give one directory to write the snapshot into")
    snapshot(args.paths[0], args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())

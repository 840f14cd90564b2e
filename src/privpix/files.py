"""Files for the command line: which inputs a batch covers, where each output goes, and how it is
written (atomically, never over the input unless asked).

Every tool's CLI face uses these, so output naming and ``--in-place`` behave the same everywhere.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Directory walks pick files by name; their content is still sniffed, never trusted.
IMAGE_SUFFIXES = frozenset(".jpg .jpeg .jpe .jfif .mpo .png .apng .webp .gif .heic .heif .hif .avif .tif .tiff".split())
# Compress and convert also decode Windows bitmaps (which have no metadata for strip to remove).
DECODABLE_SUFFIXES = IMAGE_SUFFIXES | {".bmp", ".dib"}


@dataclass(frozen=True)
class Job:
    source: Path
    output: Path


def collect(
    paths: list[Path], recursive: bool, suffixes: frozenset[str] = IMAGE_SUFFIXES
) -> tuple[list[tuple[Path, Path]], list[tuple[Path, str]]]:
    """Expand the command-line paths into (file, root) pairs; ``root`` is what ``-o DIR`` mirrors
    relative paths against; a directory contributes the files whose names end in ``suffixes``.
    Returns the files and the paths that could not be used, with why."""
    files: list[tuple[Path, Path]] = []
    problems: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            walker = path.rglob("*") if recursive else path.glob("*")
            found = sorted(
                p
                for p in walker
                if p.is_file()
                and p.suffix.lower() in suffixes
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                problems.append((path, "no image files in this directory" + ("" if recursive else " (use -r to descend)")))
            files.extend((p, path) for p in found)
        elif path.is_file():
            files.append((path, path.parent))
        elif path.exists():
            problems.append((path, "not a regular file"))
        else:
            problems.append((path, "no such file or directory"))
    return files, problems


def plan(
    files: list[tuple[Path, Path]],
    out_dir: Path | None,
    in_place: bool,
    tag: str,
    suffix: str | None = None,
) -> tuple[list[Job], list[tuple[Path, str]]]:
    """Where each output goes.

    - ``--in-place``: the input itself (replaced atomically).
    - ``-o DIR``: ``DIR/<same relative path>`` (with ``suffix`` if the tool changes the format).
    - otherwise: beside the input as ``<stem>-<tag><suffix>``.
    An output that would land on its own input without ``--in-place`` is refused.
    """
    jobs: list[Job] = []
    problems: list[tuple[Path, str]] = []
    for source, root in files:
        ext = suffix if suffix is not None else source.suffix
        if in_place:
            output = source
        elif out_dir is not None:
            rel = source.relative_to(root) if source.is_relative_to(root) else Path(source.name)
            output = out_dir / rel.with_suffix(ext)
        else:
            output = source.with_name(f"{source.stem}-{tag}{ext}")
        if not in_place and _same_file(output, source):
            problems.append((source, "the output would overwrite the input; choose another -o DIR or pass --in-place"))
            continue
        jobs.append(Job(source, output))
    return jobs, problems


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def write_atomic(path: Path, data: bytes, mode_from: Path | None = None, *, durable: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory, then rename, so no one
    ever sees a half-written file. ``durable`` (used when replacing an original) also fsyncs before
    the rename, so a crash cannot leave a damaged original either. The new file gets the mode of
    ``mode_from`` (the original, for --in-place) or the usual 0666 less the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = os.stat(mode_from).st_mode & 0o7777 if mode_from is not None else 0o666
    tmp = path.with_name(f".{path.name}.{os.getpid()}.privpix-tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:  # left behind by a crashed run with our pid: take a random name instead
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".privpix-tmp", dir=path.parent)
        tmp = Path(name)
        os.chmod(tmp, mode & ~_umask())
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode_from is not None:
            os.chmod(tmp, mode)  # exactly the original's mode, whatever the umask
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

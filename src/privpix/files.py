"""Which files a batch covers and where each result goes (the rules are written out in docs/cli.md).

Inputs: files and directories named on the command line (``-r`` descends), names read from
``--files-from``, or ``-`` for standard input. Every path that cannot be used becomes a per-item
problem (missing, unreadable directory, not a regular file); nothing is skipped silently.

Outputs are planned for the whole batch before anything runs, so that no two inputs map to one
output and nothing existing is replaced unless asked:

- ``-o DIR`` mirrors the directories named on the command line (``-o out`` + ``col/a`` gives
  ``out/a/...``, as ``cp -r`` and ``rsync`` do); loose files go straight into DIR;
- without ``-o``, ``<stem>-<tag><ext>`` goes beside the input;
- names are compared case-insensitively (SD cards and macOS: ``IMG_1.jpg`` is ``IMG_1.JPG``);
- two inputs that would still get one name: the later one gets ``<stem>-2<ext>`` (``-3`` …), with a note;
- an output that exists is refused (``--overwrite`` replaces it, ``--skip-existing`` skips the input);
  an output that is an input of the batch is always refused;
- ``--in-place`` writes through a symbolic link to the file it names, and refuses a file with
  several hard links (replacing one name would leave the photo unchanged under the others).
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Error

# Directory walks pick files by name; their content is still sniffed, never trusted.
IMAGE_SUFFIXES = frozenset(".jpg .jpeg .jpe .jfif .mpo .png .apng .webp .gif .heic .heif .hif .avif .tif .tiff".split())
# Compress and convert also decode Windows bitmaps (which have no metadata for strip to remove).
DECODABLE_SUFFIXES = IMAGE_SUFFIXES | {".bmp", ".dib"}

STDIO = Path("-")  # standard input as an input, standard output as an output


class NotRegularFileError(Error, OSError):
    """A FIFO, device, socket or directory where a file's bytes were expected: refused, never read
    (a FIFO could block forever, /dev/zero never ends)."""


def describe(err: OSError) -> str:
    """One wording for operating-system errors across commands: ``permission denied``, ``no such
    file or directory``, ``file name too long``."""
    text = err.strerror or str(err) or type(err).__name__
    return text[:1].lower() + text[1:]


def kind_of(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """A descriptor on a regular file and its status. Opened without blocking and checked on the open
    descriptor, so a FIFO or device is refused even if it replaced the file after it was listed."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise NotRegularFileError(0, f"not a regular file ({kind_of(st.st_mode)})", str(path))
    return fd, st


def open_input(path: Path) -> io.BufferedReader:
    """A regular file, opened for reading (``_open_regular``): for reading parts of it."""
    fd, _ = _open_regular(path)
    return os.fdopen(fd, "rb")


def read_input(path: Path) -> bytes:
    """The bytes of a regular file (``_open_regular``). Read with one call of the size the check saw,
    then to the end (the file may have grown): a batch reads thousands of files, and a buffered file
    object would add four system calls to each."""
    fd, st = _open_regular(path)
    try:
        data = os.read(fd, st.st_size + 1)
        more = []
        while chunk := os.read(fd, 1 << 20):
            more.append(chunk)
        return data + b"".join(more) if more else data
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Source:
    """An input file: ``path`` as named or found; ``top`` is the directory named on the command line
    it was found under (None when the file itself was named); ``size`` its bytes when listed."""

    path: Path
    top: Path | None = None
    size: int = 0


@dataclass
class Inputs:
    sources: list[Source] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)
    notes: list[tuple[Path, str]] = field(default_factory=list)


def is_own_output(name: str, tag: str) -> bool:
    """Whether ``name`` looks like this tool's output (``a-stripped.jpg``, ``a-stripped-2.jpg``)."""
    stem = name.rsplit(".", 1)[0]
    return re.search(rf"-{re.escape(tag)}(-\d+)?$", stem) is not None


def collect(
    paths: Iterable[Path],
    recursive: bool,
    suffixes: frozenset[str] = IMAGE_SUFFIXES,
    *,
    tag: str | None = None,
    exclude: Path | None = None,
) -> Inputs:
    """Expand command-line paths into input files. A directory contributes the files whose names end
    in ``suffixes`` (hidden ones and, when ``tag`` is given, this tool's own earlier outputs are left
    out); ``exclude`` (the output directory) is never descended into. The same file named twice (or
    reached twice) is processed once."""
    found = Inputs()
    seen: dict[tuple[int, int], Path] = {}
    excluded = _identity(exclude) if exclude is not None else None

    def add(path: Path, st: os.stat_result, top: Path | None) -> None:
        ident = (st.st_dev, st.st_ino)
        if ident in seen:
            found.notes.append((path, f"same file as {seen[ident]}: processed once"))
            return
        seen[ident] = path
        found.sources.append(Source(path, top, st.st_size))

    for path in paths:
        try:
            st = os.stat(path)
        except OSError as err:
            found.problems.append((path, describe(err)))
            continue
        if stat.S_ISREG(st.st_mode):
            add(path, st, None)
        elif not stat.S_ISDIR(st.st_mode):
            found.problems.append((path, f"not a regular file ({kind_of(st.st_mode)})"))
        else:
            images = own = 0
            problems_before = len(found.problems)
            for item in _walk(path, recursive, excluded, found.problems, found.notes):
                if item.name.startswith(".") or item.suffix.lower() not in suffixes:
                    continue
                if tag is not None and is_own_output(item.name, tag):
                    own += 1
                    continue
                images += 1
                try:
                    st = os.stat(item)
                except OSError as err:
                    found.problems.append((item, describe(err)))
                    continue
                if not stat.S_ISREG(st.st_mode):
                    found.problems.append((item, f"not a regular file ({kind_of(st.st_mode)})"))
                    continue
                add(item, st, path)
            if own:
                found.notes.append((path, f"skipped {own} earlier output{'s' if own > 1 else ''} of this tool (*-{tag}.*)"))
            if images == own == 0 and len(found.problems) == problems_before:
                found.problems.append((path, "no image files in this directory" + ("" if recursive else " (use -r to descend)")))
    return found


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _walk(
    top: Path, recursive: bool, exclude: tuple[int, int] | None, problems: list[tuple[Path, str]], notes: list[tuple[Path, str]]
) -> list[Path]:
    """Files under ``top`` in name order; every directory that cannot be read is a problem (unlike
    ``Path.rglob``, which skips it silently). Linked directories are not followed (as ``find`` and
    ``cp -r`` do: a link to a parent would walk out of the tree, or forever); each is noted."""
    files: list[Path] = []
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            st = os.stat(directory)
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            problems.append((directory, f"cannot read this directory: {describe(err)}"))
            continue
        if directory != top and (st.st_dev, st.st_ino) == exclude:
            continue  # the output directory inside an input directory
        subdirs = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                files.append(directory / entry.name)
            elif recursive and not entry.name.startswith("."):
                if entry.is_symlink():
                    notes.append((directory / entry.name, "a linked directory: not followed (name it to include it)"))
                else:
                    subdirs.append(directory / entry.name)
        stack.extend(reversed(subdirs))
    return sorted(files, key=lambda p: p.parts)


def read_names(source: Path, nul: bool) -> list[Path]:
    """``--files-from``: one name a line (or NUL-separated with ``-0``), ``-`` for standard input.
    Names are bytes, so any name works whatever the locale."""
    import sys

    data = sys.stdin.buffer.read() if source == STDIO else read_input(source)
    parts = data.split(b"\0") if nul else data.splitlines()
    # a listed "-" is a file of that name, not standard input
    return [Path(os.path.abspath(name) if name == "-" else name) for name in map(os.fsdecode, parts) if name]


# ---- output planning -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One input and where its result goes. ``output`` is None for a tool that writes nothing
    (inspect) and ``STDIO`` for standard output; ``alternatives`` are other names reserved for the
    result when its format is decided by its content (a HEIC becomes .jpg, or .png with alpha);
    ``data`` holds standard input's bytes; ``size`` is the input's size when listed (what the batch
    weighs to choose its job count)."""

    source: Path
    output: Path | None
    alternatives: tuple[Path, ...] = ()
    in_place: bool = False
    overwrite: bool = False
    keep_mtime: bool = True
    data: bytes | None = None
    size: int = 0


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    notes: list[tuple[Path, str]] = field(default_factory=list)


@dataclass(frozen=True)
class OutputRules:
    """How a batch names and writes its outputs (the command-line flags)."""

    tag: str
    out: Path | None = None  # -o DIR, or STDIO for -o -
    in_place: bool = False
    overwrite: bool = False
    skip_existing: bool = False
    keep_mtime: bool = True
    out_file: bool = False  # -o names the output file itself (erase with one input)


def _key(path: Path) -> str:
    return os.path.normpath(os.path.abspath(path)).casefold()


class _Listing:
    """Names present on disk per directory, case-folded (read once per directory)."""

    def __init__(self) -> None:
        self._dirs: dict[str, dict[str, str]] = {}

    def existing(self, path: Path) -> Path | None:
        directory = os.path.abspath(path.parent)
        if directory not in self._dirs:
            try:
                self._dirs[directory] = {name.casefold(): name for name in os.listdir(directory)}
            except OSError:
                self._dirs[directory] = {}
        name = self._dirs[directory].get(path.name.casefold())
        return path.with_name(name) if name is not None else None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


NAME_MAX = 255  # bytes in one file name on every common file system


def _output_name(source: Source, rules: OutputRules, suffix: str, n: int) -> Path:
    """The ``n``-th choice of output name for ``source`` with ending ``suffix``: ``<stem>[-<tag>][-n]<suffix>``.
    A stem too long for the file system is shortened (the tag, number and ending are kept)."""
    path = source.path
    if rules.out_file and rules.out is not None:
        return rules.out
    tail = (f"-{rules.tag}" if rules.out is None else "") + (f"-{n}" if n > 1 else "") + suffix
    if rules.out is None:
        directory = path.parent
    elif source.top is None:
        directory = rules.out
    else:
        top_name = source.top.name if source.top.name not in ("", ".", "..") else ""
        directory = rules.out / top_name / path.relative_to(source.top).parent
    stem = os.fsencode(path.stem)
    room = NAME_MAX - len(os.fsencode(tail))
    return directory / (os.fsdecode(_cut(stem, room)) + tail)


def _cut(raw: bytes, room: int) -> bytes:
    """``raw`` shortened to at most ``room`` bytes, never in the middle of a UTF-8 character."""
    if len(raw) <= room:
        return raw
    for end in range(room, max(room - 4, 0), -1):
        try:
            raw[:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return raw[:end]
    return raw[:room]  # not UTF-8 to begin with: bytes are bytes


def plan(
    sources: list[Source],
    rules: OutputRules,
    suffixes_for: Callable[[Path], tuple[str, ...]] | None = None,
) -> Plan:
    """Where each output goes (see the module docstring). ``suffixes_for(source)`` gives the
    possible endings of its output, the expected one first (default: the input's own)."""
    result = Plan()
    taken = {_key(s.path) for s in sources}  # an output never takes an input's name
    listing = _Listing()
    for source in sources:
        path = source.path
        if rules.in_place:
            job, problem = _in_place_job(path, rules)
            if job is None:
                result.refused.append((path, problem))
            else:
                result.jobs.append(job)
            continue
        if rules.out == STDIO:
            result.jobs.append(Job(path, STDIO, size=source.size))
            continue
        suffixes = suffixes_for(path) if suffixes_for is not None else (path.suffix,)
        base = [_output_name(source, rules, s, 1) for s in suffixes]
        if any(_key(p) == _key(path) or _same_file(p, path) for p in base):
            result.refused.append((path, "the output would overwrite the input; choose another -o or pass --in-place"))
            continue
        names, n = base, 1
        while any(_key(p) in taken for p in names) and not rules.out_file:
            n += 1
            names = [_output_name(source, rules, s, n) for s in suffixes]
        if n > 1:
            result.notes.append((path, f"another input also becomes {base[0]}; writing {names[0]}"))
        taken.update(_key(p) for p in names)
        existing = next((e for e in map(listing.existing, names) if e is not None), None)
        if existing is not None and not rules.overwrite:
            if rules.skip_existing:
                result.skipped.append((path, f"{existing} exists"))
            else:
                reason = f"{existing} already exists (--overwrite replaces it, --skip-existing skips this input)"
                result.refused.append((path, reason))
            continue
        result.jobs.append(Job(path, names[0], tuple(names[1:]), overwrite=rules.overwrite, size=source.size))
    return result


def _in_place_job(path: Path, rules: OutputRules) -> tuple[Job | None, str]:
    """Replace the file ``path`` names: through a symbolic link to its target; a file with other hard
    links is refused, since a new file would leave the old content under the other names."""
    target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
    except OSError as err:
        return None, describe(err)
    if st.st_nlink > 1:
        return None, (
            f"--in-place refused: this file has {st.st_nlink} hard links, and replacing it would leave the "
            "original (metadata included) under the other names; write a copy with -o DIR instead"
        )
    return Job(path, target, in_place=True, overwrite=True, keep_mtime=rules.keep_mtime, size=st.st_size), ""

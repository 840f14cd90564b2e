"""Which files a batch covers and where each result goes (the rules are written out in docs/cli.md).

Inputs: files and directories named on the command line (``-r`` descends), names read from
``--files-from``, or ``-`` for standard input. Every path that cannot be used becomes a per-item
problem (missing, unreadable directory, not a regular file); nothing is skipped silently.

Inputs are walked, not listed (``Selection``): a first walk counts them, the run walks again and
takes each as its turn comes, so that a batch of 100,000 files holds no list of them. Each output
is planned as its input's turn comes (``Planner``), from the names of all inputs and of the outputs
planned so far, so that no two inputs map to one output and nothing existing is replaced unless
asked:

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
from collections.abc import Callable, Iterable, Iterator
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
    it was found under (None when the file itself was named); ``size`` its bytes when listed;
    ``index`` its place in the batch's input order."""

    path: Path
    top: Path | None = None
    size: int = 0
    index: int = 0


@dataclass
class Inputs:
    sources: list[Source] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)
    notes: list[tuple[Path, str]] = field(default_factory=list)


def is_own_output(name: str, tag: str) -> bool:
    """Whether ``name`` looks like this tool's output (``a-stripped.jpg``, ``a-stripped-2.jpg``)."""
    stem = name.rsplit(".", 1)[0]
    return re.search(rf"-{re.escape(tag)}(-\d+)?$", stem) is not None


Tell = Callable[[Path, str], None]  # a problem or a note about a path, as it is found


def _ignore(path: Path, message: str) -> None:
    pass


@dataclass(frozen=True)
class Selection:
    """The inputs a batch names: command-line paths (``-r`` descends), the file endings a directory
    walk picks, and what the walk leaves out (this tool's earlier outputs, by ``tag``; ``exclude``,
    the output directory). ``walk`` lists them one at a time, in the same order every time, without
    holding the list: a batch over 100,000 files walks twice (``survey``, then the run) rather than
    keep 100,000 names."""

    paths: tuple[Path, ...]
    recursive: bool
    suffixes: frozenset[str] = IMAGE_SUFFIXES
    tag: str | None = None
    exclude: Path | None = None

    def walk(self, problem: Tell = _ignore, note: Tell = _ignore, *, remember_all: bool = True) -> Iterator[Source]:
        """The input files in order, each reached once; what cannot be used is told to ``problem`` and
        what a person should know to ``note`` as the walk reaches it. The same file reached twice (named
        twice, through a link, or in two directories named) is processed once: to know that, a file's
        identity is remembered when it can be reached again, which without ``remember_all`` means
        only a file with several hard links or reached through a symbolic link (``survey`` says
        whether the walk holds any link)."""
        seen: dict[tuple[int, int], Path] = {}
        index = 0
        for path, st, top, again in self._files(problem, note):
            ident = (st.st_dev, st.st_ino)
            earlier = seen.get(ident)
            if earlier is not None:
                note(path, f"same file as {earlier}: processed once")
                continue
            if remember_all or again or st.st_nlink > 1:
                seen[ident] = path
            yield Source(path, top, st.st_size, index)
            index += 1

    def survey(self, keys: bool = False) -> Survey:
        """A first walk that tells nothing and keeps counts (see ``Survey``), remembering files as the
        run without ``remember_all`` does."""
        files = size = 0
        names: set[str] = set()
        seen: set[tuple[int, int]] = set()
        linked: dict[tuple[int, int], int] = {}  # files reached through a link, and their size
        for path, st, _, again in self._files(_ignore, _ignore):
            ident = (st.st_dev, st.st_ino)
            if ident in seen:
                continue
            if len(self.paths) > 1 or again or st.st_nlink > 1:
                seen.add(ident)
            if again:
                linked[ident] = st.st_size
            files += 1
            size += st.st_size
            if keys:
                names.add(_key(path))
        if linked and len(self.paths) == 1:
            # A file reached directly before a link to it was counted twice; one more walk finds
            # those (it remembers only the linked files).
            direct_first: set[tuple[int, int]] = set()
            reached: set[tuple[int, int]] = set()
            for _, st, _, again in self._files(_ignore, _ignore):
                ident = (st.st_dev, st.st_ino)
                if ident in linked and ident not in reached:
                    reached.add(ident)
                    if not again and st.st_nlink == 1:
                        direct_first.add(ident)
            files -= len(direct_first)
            size -= sum(linked[ident] for ident in direct_first)
        return Survey(files, size, remember_all=len(self.paths) > 1 or bool(linked), keys=names)

    def _files(self, problem: Tell, note: Tell) -> Iterator[tuple[Path, os.stat_result, Path | None, bool]]:
        """(path, status, top, whether it may be reached again) of each regular file, in order: a file
        named on the command line, or reached through a symbolic link, may be."""
        exclude = _Identity(self.exclude)
        for path in self.paths:
            try:
                st = os.stat(path)
            except OSError as err:
                problem(path, describe(err))
                continue
            if stat.S_ISREG(st.st_mode):
                yield path, st, None, True  # named: it may be named again, or lie in a directory named
            elif not stat.S_ISDIR(st.st_mode):
                problem(path, f"not a regular file ({kind_of(st.st_mode)})")
            else:
                yield from self._directory(path, exclude, problem, note)

    def _directory(
        self, top: Path, exclude: _Identity, problem: Tell, note: Tell
    ) -> Iterator[tuple[Path, os.stat_result, Path, bool]]:
        images = own = problems = 0

        def counted(path: Path, message: str) -> None:
            nonlocal problems
            problems += 1
            problem(path, message)

        for item, again in _walk(top, self.recursive, exclude, counted, note):
            if item.name.startswith(".") or item.suffix.lower() not in self.suffixes:
                continue
            if self.tag is not None and is_own_output(item.name, self.tag):
                own += 1
                continue
            images += 1
            try:
                st = os.stat(item)
            except OSError as err:
                counted(item, describe(err))
                continue
            if not stat.S_ISREG(st.st_mode):
                counted(item, f"not a regular file ({kind_of(st.st_mode)})")
                continue
            yield item, st, top, again
        if own:
            note(top, f"skipped {own} earlier output{'s' if own > 1 else ''} of this tool (*-{self.tag}.*)")
        if images == own == 0 and problems == 0:
            problem(top, "no image files in this directory" + ("" if self.recursive else " (use -r to descend)"))


@dataclass(frozen=True)
class Survey:
    """What a first walk tells before any file is processed: how many files and bytes (the progress
    bar's total and the choice of workers), whether the run must remember every file's identity to
    process a file reached twice once (several paths named, or a symbolic link in the walk), and,
    when asked, the normalised names of all inputs (an output never takes an input's name)."""

    files: int
    size: int
    remember_all: bool = True
    keys: set[str] = field(default_factory=set)


def collect(
    paths: Iterable[Path],
    recursive: bool,
    suffixes: frozenset[str] = IMAGE_SUFFIXES,
    *,
    tag: str | None = None,
    exclude: Path | None = None,
) -> Inputs:
    """Every input file at once (``Selection.walk`` into lists): for the tools that need the whole
    list before they start, and for tests."""
    found = Inputs()
    selection = Selection(tuple(paths), recursive, suffixes, tag, exclude)
    found.sources = list(selection.walk(lambda p, m: found.problems.append((p, m)), lambda p, m: found.notes.append((p, m))))
    return found


class _Identity:
    """The output directory's identity, looked up again until it exists (a run that streams its
    inputs may create it inside a directory it has yet to walk)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.ident: tuple[int, int] | None = None

    def matches(self, st: os.stat_result) -> bool:
        if self.path is None:
            return False
        if self.ident is None:
            try:
                found = os.stat(self.path)
            except OSError:
                return False
            self.ident = (found.st_dev, found.st_ino)
        return (st.st_dev, st.st_ino) == self.ident


def _walk(top: Path, recursive: bool, exclude: _Identity, problem: Tell, note: Tell) -> Iterator[tuple[Path, bool]]:
    """Files under ``top`` in the order of their path's parts (each directory by name, a
    sub-directory's files where its name falls), each with whether it is a symbolic link; every
    directory that cannot be read is a problem (unlike ``Path.rglob``, which skips it silently).
    Linked directories are not followed (as ``find`` and ``cp -r`` do: a link to a parent would walk
    out of the tree, or forever); each is noted. While a directory is walked its names are held in
    one string (a folder of 100,000 photos costs their names' characters, not 100,000 objects)."""
    special: dict[str, tuple[bool, bool]] = {}  # (is a directory, is a symbolic link) of the names not plain files
    try:
        with os.scandir(top) as it:
            names = []
            for entry in it:
                names.append(entry.name)
                is_dir, linked = _is_dir(entry), entry.is_symlink()
                if is_dir or linked:
                    special[entry.name] = (is_dir, linked)
    except OSError as err:
        problem(top, f"cannot read this directory: {describe(err)}")
        return
    names.sort()
    joined = "\0".join(names)  # a file name never holds NUL
    del names
    start = 0
    while start < len(joined):
        end = joined.find("\0", start)
        end = len(joined) if end < 0 else end
        name = joined[start:end]
        start = end + 1
        is_dir, linked = special.get(name, (False, False))
        path = top / name
        if not is_dir:
            yield path, linked
        elif recursive and not name.startswith("."):
            if linked:
                note(path, "a linked directory: not followed (name it to include it)")
                continue
            try:
                if exclude.matches(os.stat(path)):
                    continue  # the output directory inside an input directory
            except OSError:
                pass  # reading it says why
            yield from _walk(path, recursive, exclude, problem, note)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


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
    ``data`` holds standard input's bytes; ``size`` is the input's size when listed; ``index`` its
    place in the batch's input order (the order of ``--json``'s files)."""

    source: Path
    output: Path | None
    alternatives: tuple[Path, ...] = ()
    in_place: bool = False
    overwrite: bool = False
    keep_mtime: bool = True
    data: bytes | None = None
    size: int = 0
    index: int = 0


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
    """Names present on disk per directory, case-folded: read once per directory, and only the last
    few directories kept (a batch plans its files directory by directory)."""

    KEPT = 8

    def __init__(self) -> None:
        self._dirs: dict[str, dict[str, str]] = {}

    def existing(self, path: Path) -> Path | None:
        directory = os.path.abspath(path.parent)
        names = self._dirs.pop(directory, None)
        if names is None:
            try:
                names = {name.casefold(): name for name in os.listdir(directory)}
            except OSError:
                names = {}
            if len(self._dirs) >= self.KEPT:
                del self._dirs[next(iter(self._dirs))]
        self._dirs[directory] = names  # the most recent last
        name = names.get(path.name.casefold())
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


@dataclass(frozen=True)
class Placed:
    """One input's place in the plan: its job, or why it was refused or skipped; and a note."""

    job: Job | None = None
    refused: str | None = None
    skipped: str | None = None
    note: str | None = None


class Planner:
    """Where each output goes (see the module docstring), one input at a time in the input order.
    ``taken`` holds the normalised names (``_key``) of all the batch's inputs (``Selection.survey``),
    which no output may take; the planner adds each output's names to it as it plans it, and holds
    nothing else. ``suffixes_for(source)`` gives the possible endings of an output, the expected one
    first (default: the input's own)."""

    def __init__(
        self, rules: OutputRules, suffixes_for: Callable[[Path], tuple[str, ...]] | None = None, taken: set[str] | None = None
    ) -> None:
        self.rules = rules
        self.suffixes_for = suffixes_for
        self.taken = taken if taken is not None else set()
        self.listing = _Listing()

    def place(self, source: Source) -> Placed:
        path, rules = source.path, self.rules
        if rules.in_place:
            job, problem = _in_place_job(source, rules)
            return Placed(job) if job is not None else Placed(refused=problem)
        if rules.out == STDIO:
            return Placed(Job(path, STDIO, size=source.size, index=source.index))
        suffixes = self.suffixes_for(path) if self.suffixes_for is not None else (path.suffix,)
        base = [_output_name(source, rules, s, 1) for s in suffixes]
        if any(_key(p) == _key(path) or _same_file(p, path) for p in base):
            return Placed(refused="the output would overwrite the input; choose another -o or pass --in-place")
        names, n = base, 1
        while any(_key(p) in self.taken for p in names) and not rules.out_file:
            n += 1
            names = [_output_name(source, rules, s, n) for s in suffixes]
        note = f"another input also becomes {base[0]}; writing {names[0]}" if n > 1 else None
        self.taken.update(_key(p) for p in names)
        existing = next((e for e in map(self.listing.existing, names) if e is not None), None)
        if existing is not None and not rules.overwrite:
            if rules.skip_existing:
                return Placed(skipped=f"{existing} exists", note=note)
            reason = f"{existing} already exists (--overwrite replaces it, --skip-existing skips this input)"
            return Placed(refused=reason, note=note)
        job = Job(path, names[0], tuple(names[1:]), overwrite=rules.overwrite, size=source.size, index=source.index)
        return Placed(job, note=note)


def plan(
    sources: list[Source],
    rules: OutputRules,
    suffixes_for: Callable[[Path], tuple[str, ...]] | None = None,
) -> Plan:
    """Every input's place at once (``Planner`` into lists)."""
    result = Plan()
    planner = Planner(rules, suffixes_for, {_key(s.path) for s in sources})
    for source in sources:
        placed = planner.place(source)
        if placed.note is not None:
            result.notes.append((source.path, placed.note))
        if placed.job is not None:
            result.jobs.append(placed.job)
        elif placed.skipped is not None:
            result.skipped.append((source.path, placed.skipped))
        elif placed.refused is not None:
            result.refused.append((source.path, placed.refused))
    return result


def _in_place_job(source: Source, rules: OutputRules) -> tuple[Job | None, str]:
    """Replace the file ``source`` names: through a symbolic link to its target; a file with other hard
    links is refused, since a new file would leave the old content under the other names."""
    path = source.path
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
    job = Job(path, target, in_place=True, overwrite=True, keep_mtime=rules.keep_mtime, size=st.st_size, index=source.index)
    return job, ""

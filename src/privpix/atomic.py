"""Atomic file writes: a reader sees the old file or the whole new one, never half of either.

Used by the command line and by the library's ``*_file`` helpers. The new bytes go to a hidden
temporary file in the target's directory, which is then renamed over (or linked to) the target.

Temporary names are short (``.privpix-<host>-<pid>-<random>.tmp``, under 40 bytes) so that a
target name of up to the file system's limit (255 bytes) still works. A run killed with SIGKILL
cannot remove its temporary file; the next write into that directory removes the ones whose
process is gone (same host) or that are a day old (another host sharing the directory).
"""

from __future__ import annotations

import errno
import os
import stat
import time
import zlib
from pathlib import Path

from .errors import Error

_PREFIX = ".privpix-"
_SUFFIX = ".tmp"
_HOST = format(zlib.crc32(os.uname().nodename.encode()) & 0xFFFF, "04x") if hasattr(os, "uname") else "0000"
_FOREIGN_STALE_AFTER = 24 * 3600  # seconds; a temp file from another host older than this is abandoned
_cleaned: set[str] = set()


class HardLinkedError(Error, OSError):
    """An in-place replacement refused: the file has other names (hard links), which would keep the
    original content."""


def write_atomic(
    path: Path,
    data: bytes,
    *,
    in_place: bool = False,
    keep_mtime: bool = True,
    durable: bool = False,
    overwrite: bool = True,
) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path written.

    - ``in_place``: ``path`` is an original being replaced by its processed self. A symbolic link
      is followed: the file it names is replaced, the link stays. A file with several hard links is
      refused (``HardLinkedError``): a new file would leave the original under the other names. The
      new file gets the original's mode exactly, its owner and group and extended attributes where
      this process may set them, and (``keep_mtime``) its modification time, as ``exiftool -P``
      does; it is fsynced before the rename, so a crash leaves the old or the new file.
    - ``durable``: fsync before the rename for a new file too.
    - ``overwrite=False``: raise ``FileExistsError`` if ``path`` exists, even if it appeared after the
      caller checked (the temporary file is hard-linked to ``path``, which fails on an existing name;
      on file systems without hard links, an existence check just before the rename).
    """
    original = None
    if in_place:
        path = Path(os.path.realpath(path))
        original = os.stat(path)
        if original.st_nlink > 1:
            raise HardLinkedError(
                errno.EMLINK,
                f"it has {original.st_nlink} hard links, and replacing it would leave the original "
                "(metadata included) under the other names",
                str(path),
            )
    directory = path.parent
    if os.path.abspath(directory) not in _cleaned:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # a file where the directory should be
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(directory)) from None
        clean_stale(directory)
    mode = stat.S_IMODE(original.st_mode) if original is not None else 0o666
    tmp = directory / f"{_PREFIX}{_HOST}-{os.getpid():x}-{os.urandom(4).hex()}{_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable or in_place:
                handle.flush()
                os.fsync(handle.fileno())
        if original is not None:
            _copy_attributes(path, tmp, original, keep_mtime)
        if overwrite or in_place:
            os.replace(tmp, path)
        else:
            _create(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _create(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the name ``path`` only if no file has that name."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
    except OSError:  # no hard links here (FAT, exFAT, some network file systems)
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def _copy_attributes(source: Path, target: Path, st: os.stat_result, keep_mtime: bool) -> None:
    os.chmod(target, stat.S_IMODE(st.st_mode))  # exactly the original's, whatever the umask
    try:
        os.chown(target, st.st_uid, st.st_gid)
    except OSError:
        pass  # not ours to give away (only root may); the file stays ours with the original's mode
    if hasattr(os, "listxattr"):
        try:
            names = os.listxattr(source)
        except OSError:
            names = []
        for name in names:
            try:
                os.setxattr(target, name, os.getxattr(source, name))
            except OSError:
                pass  # e.g. security.* needs privileges, or the file system takes no such attribute
    if keep_mtime:
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


def clean_stale(directory: Path) -> list[Path]:
    """Remove privpix temporary files left in ``directory`` by runs that were killed (once per
    directory per process). Returns what was removed."""
    key = os.path.abspath(directory)
    if key in _cleaned:
        return []
    _cleaned.add(key)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not (entry.name.startswith(_PREFIX) and entry.name.endswith(_SUFFIX)):
            continue
        parts = entry.name[len(_PREFIX) : -len(_SUFFIX)].split("-")
        if len(parts) != 3:
            continue
        host, pid_hex, _ = parts
        try:
            if host == _HOST:
                stale = not _alive(int(pid_hex, 16))
            else:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > _FOREIGN_STALE_AFTER
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except (OSError, ValueError):
            continue
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True

"""Where each JPEG scan's entropy-coded data really ends (docs/strip.md, "After a scan").

A decoder reads a scan's Huffman codes until it has every block of every MCU; bytes after that and
before the next marker are never read, so a file can carry anything there. Finding that end means
walking the codes. The walker is one WebAssembly module shared with the TypeScript engine
(``jpeg_scan.wasm``, built from web/wasm/jpeg-scan.ts, which documents what it walks and its memory
protocol); this module runs it through wasmtime, imported and compiled on the first JPEG walked,
once per process, with one instance per thread. web/src/engine/formats/jpeg-scan.ts is the same
host for the browser.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import wasmtime

WASM = Path(__file__).with_name("jpeg_scan.wasm")


class SegmentLike(Protocol):
    """What the walk needs of ``jpeg.Segment`` (an SOS segment's ``end`` is past its scan data)."""

    @property
    def marker(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def payload_start(self) -> int: ...
    @property
    def payload_end(self) -> int: ...


@dataclass
class ScanWalk:
    """Per SOS segment (by its start offset), the byte ranges of its entropy-coded data a decoder
    reads, restart markers included, when the walk found bytes it does not; ``hidden`` lists those
    bytes as (offset, length). ``unchecked`` says why the scans could not be walked (then nothing
    is dropped)."""

    kept: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    hidden: list[tuple[int, int]] = field(default_factory=list)
    unchecked: str | None = None


class _Instance:
    """The walker instantiated in a store of its own (a store serves one thread at a time)."""

    def __init__(self, engine: wasmtime.Engine, module: wasmtime.Module) -> None:
        import wasmtime

        self.store = wasmtime.Store(engine)
        exports = wasmtime.Instance(self.store, module, []).exports(self.store)
        self.memory: wasmtime.Memory = exports["memory"]  # type: ignore[assignment]
        self.prepare: wasmtime.Func = exports["prepare"]  # type: ignore[assignment]
        self.walk: wasmtime.Func = exports["walk"]  # type: ignore[assignment]
        self.output: wasmtime.Func = exports["output"]  # type: ignore[assignment]

    def address(self, offset: int) -> int:
        """The host address of ``offset`` in the module's memory (valid until the memory grows)."""
        base = ctypes.cast(self.memory.data_ptr(self.store), ctypes.c_void_p).value
        assert base is not None
        return base + offset

    def run(self, data: bytes, table: bytes) -> tuple[int, int]:
        """Copy the segment table and the file in, walk; the result word and the output's address."""
        count = len(table) // 20
        at = self.prepare(self.store, len(data), count)
        if not at:
            return -1, 0
        ctypes.memmove(self.address(at), table, len(table))
        ctypes.memmove(self.address(at + len(table)), data, len(data))
        result = self.walk(self.store, len(data), count)
        return result, self.address(self.output(self.store))


class _Walker:
    """The compiled module (once per process: a forked worker compiles its own) and an instance per thread."""

    _lock = threading.Lock()
    _pid = -1
    _engine: wasmtime.Engine
    _module: wasmtime.Module
    _local = threading.local()

    @classmethod
    def instance(cls) -> _Instance:
        pid = os.getpid()
        with cls._lock:
            if cls._pid != pid:
                import wasmtime

                config = wasmtime.Config()
                config.parallel_compilation = False  # no compiler threads: safe in forked workers
                cls._engine = wasmtime.Engine(config)
                cls._module = wasmtime.Module(cls._engine, WASM.read_bytes())
                cls._pid = pid
        local = cls._local
        if getattr(local, "pid", None) != pid:
            local.instance = _Instance(cls._engine, cls._module)
            local.pid = pid
        instance: _Instance = local.instance
        return instance


def _table(segments: Sequence[SegmentLike]) -> bytes:
    words = array("I")
    for seg in segments:
        words.extend((seg.marker, seg.start, seg.end, seg.payload_start, seg.payload_end))
    if sys.byteorder == "big":  # WebAssembly memory is little-endian
        words.byteswap()
    return words.tobytes()


def walk(data: bytes, segments: Sequence[SegmentLike]) -> ScanWalk:
    """Walk every scan of a parsed JPEG (``jpeg.parse``'s segments, in file order)."""
    walker = _Walker.instance()
    import wasmtime  # loaded by now

    try:
        result, address = walker.run(bytes(data), _table(segments))
    except wasmtime.Trap as trap:  # a fault of the walker's own: keep every scan rather than fail the file
        return ScanWalk(unchecked=f"the scan walker stopped: {trap.message}")
    if result < 0:
        why = ctypes.string_at(address, -result).decode("ascii") if address else "the image is too large to check"
        return ScanWalk(unchecked=why)
    words = array("I", ctypes.string_at(address, 4 * result))
    if sys.byteorder == "big":
        words.byteswap()
    out = ScanWalk()
    i = 0
    while i < len(words):
        start, n = words[i], words[i + 1]
        out.kept[start] = [(words[j], words[j + 1]) for j in range(i + 2, i + 2 + 2 * n, 2)]
        i += 2 + 2 * n
        hidden = words[i]
        out.hidden.extend((words[j], words[j + 1]) for j in range(i + 1, i + 1 + 2 * hidden, 2))
        i += 1 + 2 * hidden
    return out

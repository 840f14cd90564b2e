"""Where each JPEG scan's entropy-coded data really ends (docs/strip.md, "After a scan").

A decoder reads a scan's Huffman codes until it has every block of every MCU; bytes after that and
before the next marker are never read, so a file can carry anything there. Finding that end means
walking the codes: this module does it without keeping coefficients or running an IDCT. It knows
baseline and extended sequential scans (SOF0, SOF1) and progressive ones (SOF2: DC first and
refinement, AC first and refinement, the last keeping each coefficient's "already nonzero" history
as one bit mask per block), restart intervals, interleaved and single-component scans, and a height
given by DNL. Arithmetic coding, lossless and hierarchical frames, and anything that does not decode
cleanly are reported as unchecked (``ScanWalk.unchecked``) and their scans are left whole.

Speed (a strip walks every JPEG): the scan is unstuffed at C speed (``bytes.replace``), then read
through the 32-bit big-endian word starting at each byte, so peeking 16 bits at any bit position is
one array lookup; each Huffman table becomes a 65,536-entry list indexed by those 16 bits that
gives the code's length plus its extra bits in one number, so a sequential AC code costs a lookup
and two additions. TypeScript mirrors it in web/src/engine/formats/jpeg-scan.ts.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

SOF0, SOF1, SOF2, DHT, DRI, DNL, SOS = 0xC0, 0xC1, 0xC2, 0xC4, 0xDD, 0xDC, 0xDA
HUFFMAN_FRAMES = frozenset((SOF0, SOF1, SOF2))
OTHER_FRAMES = frozenset((0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF))

# A lookup entry for bits no code starts: adding it to the read position moves it past the end of
# any buffer, so the next read fails (IndexError) and the walk reports undecodable data.
_BAD = 1 << 40
_ADVANCE = 48  # a sequential AC entry: bits read | coefficient positions advanced << _ADVANCE
_PAD = 8192  # zero bytes after a restart interval: more than one MCU can read (10 blocks of 64 codes)
_RESTART = re.compile(rb"\xff[\xd0-\xd7]")


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


class _Unwalkable(Exception):
    """The scan cannot be walked; the message says why (for the inspect warning)."""


@dataclass
class ScanWalk:
    """Per SOS segment (by its start offset), the byte ranges of its entropy-coded data a decoder
    reads, restart markers included, when the walk found bytes it does not; ``hidden`` lists those
    bytes as (offset, length). ``unchecked`` says why the scans could not be walked (then nothing
    is dropped)."""

    kept: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    hidden: list[tuple[int, int]] = field(default_factory=list)
    unchecked: str | None = None


@dataclass
class _Component:
    h: int
    v: int
    blocks_x: int  # blocks in a single-component scan, without MCU padding
    blocks_y: int
    history: list[int]  # per block: a bit per zigzag position already nonzero (progressive AC)


@dataclass
class _Frame:
    progressive: bool
    width: int
    height: int
    h_max: int
    v_max: int
    components: dict[int, _Component]


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


# ---- Huffman tables ---------------------------------------------------------------------------------


def _codes(counts: bytes, symbols: bytes) -> list[tuple[int, int, int]]:
    """(code, length, symbol) of a DHT table, canonical order (T.81 Annex C)."""
    out = []
    code = k = 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            out.append((code, length, symbols[k]))
            code += 1
            k += 1
        if code > (1 << length):
            raise _Unwalkable("a Huffman table has more codes than its lengths allow")
        code <<= 1
    return out


def _lookup(codes: list[tuple[int, int, int]], value: Callable[[int, int], int]) -> list[int]:
    """65,536 entries indexed by the next 16 bits: ``value(length, symbol)`` for the code they start with."""
    table = [_BAD] * 65536
    for code, length, symbol in codes:
        start = code << (16 - length)
        n = 1 << (16 - length)
        table[start : start + n] = [value(length, symbol)] * n
    return table


@dataclass
class _Table:
    dc: list[int]  # total bits: code length + the difference's size
    ac: list[int]  # sequential: total bits | positions advanced << _ADVANCE (64 for end of block)
    progressive: list[int]  # code length | run/size symbol << 5


def _table(codes: list[tuple[int, int, int]]) -> _Table:
    def ac(length: int, rs: int) -> int:
        run, size = rs >> 4, rs & 15
        if size:
            return (length + size) | (run + 1) << _ADVANCE
        return length | (16 if run == 15 else 64) << _ADVANCE

    return _Table(
        dc=_lookup(codes, lambda length, s: length + s if s <= 15 else _BAD),
        ac=_lookup(codes, ac),
        progressive=_lookup(codes, lambda length, rs: length | rs << 5),
    )


# ---- the frame, the tables and the scans in file order -------------------------------------------------


def _frame(marker: int, payload: bytes, height: int) -> _Frame:
    if len(payload) < 6 or len(payload) < 6 + 3 * payload[5]:
        raise _Unwalkable("the frame header is too short")
    width = (payload[3] << 8) | payload[4]
    n = payload[5]
    sampling = [(payload[6 + 3 * i], payload[7 + 3 * i] >> 4, payload[7 + 3 * i] & 15) for i in range(n)]
    if not n or width == 0 or height == 0 or any(not (1 <= h <= 4 and 1 <= v <= 4) for _, h, v in sampling):
        raise _Unwalkable("the frame header has no size or an invalid sampling factor")
    h_max, v_max = max(h for _, h, _ in sampling), max(v for _, _, v in sampling)
    components = {}
    for ident, h, v in sampling:
        bx = _ceil_div(_ceil_div(width * h, h_max), 8)
        by = _ceil_div(_ceil_div(height * v, v_max), 8)
        components[ident] = _Component(h, v, bx, by, [0] * (bx * by) if marker == SOF2 else [])
    return _Frame(marker == SOF2, width, height, h_max, v_max, components)


def _dnl_height(data: bytes, segments: Sequence[SegmentLike], after: int) -> int:
    for seg in segments[after:]:
        if seg.marker == DNL and seg.payload_end - seg.payload_start >= 2:
            return (data[seg.payload_start] << 8) | data[seg.payload_start + 1]
    raise _Unwalkable("the frame has no height and no DNL segment gives one")


def walk(data: bytes, segments: Sequence[SegmentLike]) -> ScanWalk:
    """Walk every scan of a parsed JPEG (``jpeg.parse``'s segments, in file order)."""
    result = ScanWalk()
    try:
        _walk_all(data, segments, result)
    except _Unwalkable as why:
        return ScanWalk(unchecked=str(why))
    except IndexError:  # defensive: every header read above is bounds-checked
        return ScanWalk(unchecked="a header of the image data is malformed")
    return result


def _walk_all(data: bytes, segments: Sequence[SegmentLike], result: ScanWalk) -> None:
    frame: _Frame | None = None
    tables: dict[tuple[int, int], _Table] = {}
    interval = 0
    for index, seg in enumerate(segments):
        m = seg.marker
        payload = data[seg.payload_start : seg.payload_end]
        if m in OTHER_FRAMES:
            raise _Unwalkable(f"frame type ff {m:02x} (arithmetic, lossless or hierarchical coding) is not walked")
        if m in HUFFMAN_FRAMES:
            if frame is not None:
                raise _Unwalkable("the image has more than one frame header")
            height = (payload[1] << 8) | payload[2] if len(payload) >= 3 else 0
            frame = _frame(m, payload, height or _dnl_height(data, segments, index))
        elif m == DHT:
            _read_tables(payload, tables)
        elif m == DRI:
            if len(payload) < 2:
                raise _Unwalkable("a restart interval segment is too short")
            interval = (payload[0] << 8) | payload[1]
        elif m == SOS:
            if frame is None:
                raise _Unwalkable("a scan comes before the frame header")
            kept = _walk_scan(data, seg.payload_end, seg.end, _scan_header(payload, frame, tables), interval)
            if kept is not None:
                result.kept[seg.start] = kept
                edges = [seg.payload_end] + [x for r in kept for x in r] + [seg.end]
                gaps = zip(edges[::2], edges[1::2])  # fill bytes (0xff) alone are dropped, not reported
                result.hidden.extend((a, b - a) for a, b in gaps if data[a:b].strip(b"\xff"))


def _read_tables(payload: bytes, tables: dict[tuple[int, int], _Table]) -> None:
    pos = 0
    while pos < len(payload):
        if pos + 17 > len(payload):
            raise _Unwalkable("a Huffman table is cut short")
        kind, counts = payload[pos], payload[pos + 1 : pos + 17]
        total = sum(counts)
        symbols = payload[pos + 17 : pos + 17 + total]
        if len(symbols) < total or kind >> 4 > 1 or kind & 15 > 3:
            raise _Unwalkable("a Huffman table is cut short or has an invalid class or number")
        tables[(kind >> 4, kind & 15)] = _table(_codes(counts, symbols))
        pos += 17 + total


# ---- one scan ---------------------------------------------------------------------------------------


@dataclass
class _Scan:
    progressive: bool
    components: list[_Component]
    dc: list[_Table | None]
    ac: list[_Table | None]
    ss: int
    se: int
    ah: int
    mcus: int
    blocks: list[int]  # per block of an MCU: its component's index in ``components``


def _scan_header(payload: bytes, frame: _Frame, tables: dict[tuple[int, int], _Table]) -> _Scan:
    n = payload[0] if payload else 0
    if not 1 <= n <= 4 or len(payload) < 4 + 2 * n:
        raise _Unwalkable("a scan header is malformed")
    comps, dcs, acs = [], [], []
    for i in range(n):
        comp = frame.components.get(payload[1 + 2 * i])
        if comp is None:
            raise _Unwalkable("a scan names a component the frame does not have")
        comps.append(comp)
        dcs.append(tables.get((0, payload[2 + 2 * i] >> 4)))
        acs.append(tables.get((1, payload[2 + 2 * i] & 15)))
    ss, se, ah = payload[1 + 2 * n], payload[2 + 2 * n], payload[3 + 2 * n] >> 4
    if frame.progressive:
        if ss > se or se > 63 or (ss == 0 and se != 0) or (ss > 0 and n != 1):
            raise _Unwalkable("a progressive scan has an invalid spectral band")
    elif ss != 0 or se != 63 or ah != 0:
        raise _Unwalkable("a sequential scan has an invalid spectral band")
    if n == 1:
        c = comps[0]
        return _Scan(frame.progressive, comps, dcs, acs, ss, se, ah, c.blocks_x * c.blocks_y, [0])
    blocks = [i for i, c in enumerate(comps) for _ in range(c.h * c.v)]
    if len(blocks) > 10:
        raise _Unwalkable("an MCU has more than 10 blocks")
    mcus = _ceil_div(frame.width, 8 * frame.h_max) * _ceil_div(frame.height, 8 * frame.v_max)
    return _Scan(frame.progressive, comps, dcs, acs, ss, se, ah, mcus, blocks)


def _intervals(data: bytes, start: int, end: int, count: int) -> list[tuple[int, int, int]]:
    """(data start, data end, marker end) of each restart interval; the last one has no marker, and
    ends at the first restart marker after it if there is one (decoders skip what follows)."""
    out: list[tuple[int, int, int]] = []
    pos = start
    expected = 0
    for found in _RESTART.finditer(data, start, end):
        if len(out) == count - 1:
            end = found.start()
            break
        if data[found.start() + 1] != 0xD0 + expected:
            raise _Unwalkable("restart markers are out of sequence")
        out.append((pos, found.start(), found.end()))
        pos = found.end()
        expected = (expected + 1) & 7
    if len(out) != count - 1:
        raise _Unwalkable("a scan has fewer restart markers than its restart interval needs")
    out.append((pos, end, end))
    return out


def _walk_scan(data: bytes, start: int, end: int, scan: _Scan, interval: int) -> list[tuple[int, int]] | None:
    """The byte ranges of the scan's entropy-coded data at ``start:end`` a decoder reads, or None
    when it reads every byte."""
    per = interval if interval else scan.mcus
    count = _ceil_div(scan.mcus, per)
    kept: list[tuple[int, int]] = []
    for n, (a, b, marker_end) in enumerate(_intervals(data, start, end, count)):
        read = _walk_interval(data, a, b, scan, min(per, scan.mcus - n * per), n * per)
        kept.append((a, read))
        if marker_end > b:
            kept.append((b, marker_end))
    merged: list[tuple[int, int]] = []
    for a, b in kept:
        if merged and merged[-1][1] == a:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return None if merged == [(start, end)] else merged


def _words(buf: bytes) -> array:  # type: ignore[type-arg]
    """The big-endian 32-bit word starting at every byte of ``buf`` (the last three padded)."""
    n = len(buf)
    buf += bytes(3 + (-n & 3))
    out = array("I", bytes(4 * n))
    for q in range(4):
        phase = array("I")
        phase.frombytes(buf[q : q + 4 * len(range(q, n, 4))])
        out[q::4] = phase
    if sys.byteorder == "little":
        out.byteswap()
    return out


def _walk_interval(data: bytes, start: int, end: int, scan: _Scan, mcus: int, first_mcu: int) -> int:
    """Offset just past the last byte a decoder reads of the interval's data at ``start:end``."""
    raw = data[start:end]
    body = raw.rstrip(b"\xff")  # fill bytes before the marker
    if b"\xff\xff" in body:
        raise _Unwalkable("fill bytes inside entropy-coded data")
    buf = body.replace(b"\xff\x00", b"\xff")
    if buf.count(b"\xff") != body.count(b"\xff\x00"):
        raise _Unwalkable("a 0xff byte in entropy-coded data is not followed by 0x00")
    words = _words(buf + bytes(_PAD))
    limit = len(buf) * 8
    try:
        if not scan.progressive:
            bits = _sequential(words, scan, mcus, limit)
        elif scan.ss == 0:
            bits = _dc_refine(scan, mcus, limit) if scan.ah else _dc_first(words, scan, mcus, limit)
        elif scan.ah:
            bits = _ac_refine(words, scan, mcus, first_mcu, limit)
        else:
            bits = _ac_first(words, scan, mcus, first_mcu, limit)
    except IndexError:  # a read past the padding: an invalid code moved the position (_BAD)
        raise _Unwalkable(_INVALID_CODE) from None
    if bits < 0:  # the data ran out first: a decoder reads it all, then pads with zero bits
        return end
    used = _ceil_div(bits, 8)
    return start + used + buf.count(b"\xff", 0, used)  # each 0xff read is followed by its stuffed 0x00


def _need(table: _Table | None) -> _Table:
    if table is None:
        raise _Unwalkable("a scan uses a Huffman table that was never defined")
    return table


# Each walker returns the bits read, or -1 when the data ran out before the last MCU; ``limit`` is
# the interval's length in bits. ``W[i]`` is the 32-bit word at byte i, so the 16 bits at
# bit position p are (W[p >> 3] >> (16 - (p & 7))) & 0xFFFF.


def _sequential(W: array, scan: _Scan, mcus: int, limit: int) -> int:  # type: ignore[type-arg]
    blocks = [(_need(scan.dc[i]).dc, _need(scan.ac[i]).ac) for i in scan.blocks]
    p = 0
    for _ in range(mcus):
        for dc, ac in blocks:
            p += dc[(W[p >> 3] >> (16 - (p & 7))) & 0xFFFF]
            k = 1
            while k < 64:  # the hottest loop: (1 << _ADVANCE) - 1 and _ADVANCE written as literals
                e = ac[(W[p >> 3] >> (16 - (p & 7))) & 0xFFFF]
                p += e & 0xFFFFFFFFFFFF
                k += e >> 48
        if p > limit:
            return _ran_out(p)
    return p


def _ran_out(p: int) -> int:
    """-1: the data ran out before the last MCU (or the walk read an invalid code)."""
    if p >= _BAD:
        raise _Unwalkable(_INVALID_CODE)
    return -1


_INVALID_CODE = "the entropy-coded data holds a code no Huffman table has"


def _dc_first(W: array, scan: _Scan, mcus: int, limit: int) -> int:  # type: ignore[type-arg]
    blocks = [_need(scan.dc[i]).dc for i in scan.blocks]
    p = 0
    for _ in range(mcus):
        for dc in blocks:
            p += dc[(W[p >> 3] >> (16 - (p & 7))) & 0xFFFF]
        if p > limit:
            return _ran_out(p)
    return p


def _dc_refine(scan: _Scan, mcus: int, limit: int) -> int:
    p = mcus * len(scan.blocks)  # one bit per block
    return p if p <= limit else -1


def _ac_first(W: array, scan: _Scan, mcus: int, first_mcu: int, limit: int) -> int:  # type: ignore[type-arg]
    table = _need(scan.ac[0]).progressive
    history = scan.components[0].history
    ss, se = scan.ss, scan.se
    p = 0
    eobrun = 0
    for b in range(first_mcu, first_mcu + mcus):
        if eobrun:
            eobrun -= 1
            continue
        k = ss
        nonzero = history[b]
        while k <= se:
            e = table[(W[p >> 3] >> (16 - (p & 7))) & 0xFFFF]
            p += e & 31
            if e >= _BAD:
                return _ran_out(e)
            run, size = (e >> 9) & 15, (e >> 5) & 15
            if size:
                k += run
                nonzero |= 1 << min(k, 63)
                p += size
                k += 1
            elif run == 15:
                k += 16
            else:
                eobrun = (1 << run) - 1
                if run:
                    eobrun += (W[p >> 3] >> (32 - (p & 7) - run)) & ((1 << run) - 1)
                    p += run
                break
        history[b] = nonzero
        if p > limit:
            return _ran_out(p)
    return p


def _ac_refine(W: array, scan: _Scan, mcus: int, first_mcu: int, limit: int) -> int:  # type: ignore[type-arg]
    """T.81 G.1.2.3 as libjpeg decodes it: every coefficient of the band already nonzero gets one
    correction bit when the decoder passes it; values are never needed, only how many bits."""
    table = _need(scan.ac[0]).progressive
    history = scan.components[0].history
    ss, se = scan.ss, scan.se
    band = ((1 << (se + 1)) - 1) ^ ((1 << ss) - 1)
    p = 0
    eobrun = 0
    for b in range(first_mcu, first_mcu + mcus):
        nonzero = history[b]
        k = ss
        if not eobrun:
            while k <= se:
                e = table[(W[p >> 3] >> (16 - (p & 7))) & 0xFFFF]
                p += e & 31
                if e >= _BAD:
                    return _ran_out(e)
                run, size = (e >> 9) & 15, (e >> 5) & 15
                if size:
                    p += 1  # the new coefficient's sign (its size is 1)
                elif run != 15:
                    eobrun = 1 << run
                    if run:
                        eobrun += (W[p >> 3] >> (32 - (p & 7) - run)) & ((1 << run) - 1)
                        p += run
                    break
                # pass the already-nonzero coefficients (a correction bit each) and ``run`` zero
                # ones, stopping at the next zero one: the target
                zeros = ~nonzero & band & ~((1 << k) - 1)
                for _ in range(run):
                    zeros &= zeros - 1
                target = (zeros & -zeros).bit_length() - 1 if zeros else se + 1
                p += (nonzero & ((1 << target) - (1 << k))).bit_count()
                k = target
                if size:
                    nonzero |= 1 << min(k, 63)
                k += 1
            history[b] = nonzero
        if eobrun:
            if k <= se:
                p += (nonzero & band & ~((1 << k) - 1)).bit_count()
            eobrun -= 1
        if p > limit:
            return _ran_out(p)
    return p

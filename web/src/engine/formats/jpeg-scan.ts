/**
 * Where each JPEG scan's entropy-coded data really ends — mirrors src/privpix/formats/jpeg_scan.py
 * (docs/strip.md, "After a scan").
 *
 * A decoder reads a scan's Huffman codes until it has every block of every MCU; bytes after that and
 * before the next marker are never read, so a file can carry anything there. The walk follows the
 * codes without keeping coefficients: baseline and extended sequential scans (SOF0, SOF1),
 * progressive ones (SOF2: DC first and refinement, AC first and refinement, the last with each
 * coefficient's "already nonzero" history), restart intervals, interleaved and single-component
 * scans, a height given by DNL. Anything else (arithmetic, lossless, hierarchical, undecodable data)
 * is reported as unchecked and its scans are left whole.
 *
 * Speed: the scan is unstuffed once into a Uint8Array; every Huffman table becomes a 65,536-entry
 * Int32Array indexed by the next 16 bits, read inline from a 24-bit window (no call per code or bit).
 */

import type { Bytes } from './binary';

const SOF0 = 0xc0, SOF1 = 0xc1, SOF2 = 0xc2, DHT = 0xc4, DRI = 0xdd, DNL = 0xdc, SOS = 0xda;
const OTHER_FRAMES = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const PAD = 8192; // zero bytes after a restart interval: more than one MCU can read (10 blocks of 64 codes)
const INVALID_CODE = 'the entropy-coded data holds a code no Huffman table has';

/** What the walk needs of jpeg.ts's Segment (an SOS segment's `end` is past its scan data). */
export interface SegmentLike {
  marker: number;
  start: number;
  end: number;
  payloadStart: number;
  payloadEnd: number;
}

/**
 * Per SOS segment (by its start offset), the byte ranges of its entropy-coded data a decoder reads,
 * restart markers included, when the walk found bytes it does not; `hidden` lists those bytes as
 * [offset, length]. `unchecked` says why the scans could not be walked (then nothing is dropped).
 */
export interface ScanWalk {
  kept: Map<number, [number, number][]>;
  hidden: [number, number][];
  unchecked: string | null;
}

class Unwalkable extends Error {}

interface Component {
  h: number;
  v: number;
  blocksX: number; // blocks in a single-component scan, without MCU padding
  blocksY: number;
  history: Uint32Array; // per block two words: a bit per zigzag position already nonzero (progressive AC)
}

interface Frame {
  progressive: boolean;
  width: number;
  height: number;
  hMax: number;
  vMax: number;
  components: Map<number, Component>;
}

interface Table {
  dc: Int32Array; // total bits: code length + the difference's size; -1 where no code starts
  ac: Int32Array; // sequential: total bits | positions advanced << 8 (64 for end of block); -1: no code
  progressive: Int32Array; // code length | run/size symbol << 5; -1: no code
}

const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);

// ---- Huffman tables -------------------------------------------------------------------------------

/** 65,536 entries indexed by the next 16 bits: `value(length, symbol)` for the code they start with. */
function lookup(counts: Bytes, symbols: Bytes, value: (length: number, symbol: number) => number): Int32Array {
  const table = new Int32Array(65536).fill(-1);
  let code = 0, k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < counts[length - 1]!; i++) {
      const start = code << (16 - length);
      table.fill(value(length, symbols[k]!), start, start + (1 << (16 - length)));
      code += 1;
      k += 1;
    }
    if (code > 1 << length) throw new Unwalkable('a Huffman table has more codes than its lengths allow');
    code <<= 1;
  }
  return table;
}

function makeTable(counts: Bytes, symbols: Bytes): Table {
  return {
    dc: lookup(counts, symbols, (length, s) => (s <= 15 ? length + s : -1)),
    ac: lookup(counts, symbols, (length, rs) => {
      const run = rs >> 4, size = rs & 15;
      if (size) return (length + size) | ((run + 1) << 8);
      return length | ((run === 15 ? 16 : 64) << 8);
    }),
    progressive: lookup(counts, symbols, (length, rs) => length | (rs << 5)),
  };
}

// ---- the frame, the tables and the scans in file order ----------------------------------------------

function readFrame(marker: number, payload: Bytes, height: number): Frame {
  if (payload.length < 6 || payload.length < 6 + 3 * payload[5]!) throw new Unwalkable('the frame header is too short');
  const width = (payload[3]! << 8) | payload[4]!;
  const n = payload[5]!;
  const sampling: [number, number, number][] = [];
  for (let i = 0; i < n; i++) sampling.push([payload[6 + 3 * i]!, payload[7 + 3 * i]! >> 4, payload[7 + 3 * i]! & 15]);
  if (!n || width === 0 || height === 0 || sampling.some(([, h, v]) => !(h >= 1 && h <= 4 && v >= 1 && v <= 4))) {
    throw new Unwalkable('the frame header has no size or an invalid sampling factor');
  }
  const hMax = Math.max(...sampling.map(([, h]) => h));
  const vMax = Math.max(...sampling.map(([, , v]) => v));
  const components = new Map<number, Component>();
  for (const [ident, h, v] of sampling) {
    const blocksX = ceilDiv(ceilDiv(width * h, hMax), 8);
    const blocksY = ceilDiv(ceilDiv(height * v, vMax), 8);
    components.set(ident, { h, v, blocksX, blocksY, history: new Uint32Array(marker === SOF2 ? 2 * blocksX * blocksY : 0) });
  }
  return { progressive: marker === SOF2, width, height, hMax, vMax, components };
}

function dnlHeight(data: Bytes, segments: readonly SegmentLike[], after: number): number {
  for (const seg of segments.slice(after)) {
    if (seg.marker === DNL && seg.payloadEnd - seg.payloadStart >= 2) return (data[seg.payloadStart]! << 8) | data[seg.payloadStart + 1]!;
  }
  throw new Unwalkable('the frame has no height and no DNL segment gives one');
}

/** Walk every scan of a parsed JPEG (jpeg.ts `parse`'s segments, in file order). */
export function walk(data: Bytes, segments: readonly SegmentLike[]): ScanWalk {
  const result: ScanWalk = { kept: new Map(), hidden: [], unchecked: null };
  try {
    walkAll(data, segments, result);
  } catch (err) {
    if (err instanceof Unwalkable) return { kept: new Map(), hidden: [], unchecked: err.message };
    throw err;
  }
  return result;
}

function walkAll(data: Bytes, segments: readonly SegmentLike[], result: ScanWalk): void {
  let frame: Frame | null = null;
  const tables = new Map<number, Table>(); // class << 4 | number
  let interval = 0;
  for (let index = 0; index < segments.length; index++) {
    const seg = segments[index]!;
    const m = seg.marker;
    const payload = data.subarray(seg.payloadStart, seg.payloadEnd);
    if (OTHER_FRAMES.has(m)) {
      throw new Unwalkable(`frame type ff ${m.toString(16)} (arithmetic, lossless or hierarchical coding) is not walked`);
    }
    if (m === SOF0 || m === SOF1 || m === SOF2) {
      if (frame !== null) throw new Unwalkable('the image has more than one frame header');
      const height = payload.length >= 3 ? (payload[1]! << 8) | payload[2]! : 0;
      frame = readFrame(m, payload, height || dnlHeight(data, segments, index));
    } else if (m === DHT) {
      readTables(payload, tables);
    } else if (m === DRI) {
      if (payload.length < 2) throw new Unwalkable('a restart interval segment is too short');
      interval = (payload[0]! << 8) | payload[1]!;
    } else if (m === SOS) {
      if (frame === null) throw new Unwalkable('a scan comes before the frame header');
      const kept = walkScan(data, seg.payloadEnd, seg.end, scanHeader(payload, frame, tables), interval);
      if (kept !== null) {
        result.kept.set(seg.start, kept);
        const edges = [seg.payloadEnd, ...kept.flat(), seg.end];
        for (let i = 0; i < edges.length; i += 2) { // fill bytes (0xff) alone are dropped, not reported
          const gap = data.subarray(edges[i]!, edges[i + 1]!);
          if (gap.some((byte) => byte !== 0xff)) result.hidden.push([edges[i]!, gap.length]);
        }
      }
    }
  }
}

function readTables(payload: Bytes, tables: Map<number, Table>): void {
  let pos = 0;
  while (pos < payload.length) {
    if (pos + 17 > payload.length) throw new Unwalkable('a Huffman table is cut short');
    const kind = payload[pos]!;
    const counts = payload.subarray(pos + 1, pos + 17);
    const total = counts.reduce((a, b) => a + b, 0);
    const symbols = payload.subarray(pos + 17, pos + 17 + total);
    if (symbols.length < total || kind >> 4 > 1 || (kind & 15) > 3) {
      throw new Unwalkable('a Huffman table is cut short or has an invalid class or number');
    }
    tables.set(kind, makeTable(counts, symbols));
    pos += 17 + total;
  }
}

// ---- one scan ------------------------------------------------------------------------------------

interface Scan {
  progressive: boolean;
  components: Component[];
  dc: (Table | undefined)[];
  ac: (Table | undefined)[];
  ss: number;
  se: number;
  ah: number;
  mcus: number;
  blocks: number[]; // per block of an MCU: its component's index in `components`
}

function scanHeader(payload: Bytes, frame: Frame, tables: Map<number, Table>): Scan {
  const n = payload.length ? payload[0]! : 0;
  if (!(n >= 1 && n <= 4) || payload.length < 4 + 2 * n) throw new Unwalkable('a scan header is malformed');
  const components: Component[] = [], dc: (Table | undefined)[] = [], ac: (Table | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    const comp = frame.components.get(payload[1 + 2 * i]!);
    if (comp === undefined) throw new Unwalkable('a scan names a component the frame does not have');
    components.push(comp);
    dc.push(tables.get(payload[2 + 2 * i]! >> 4));
    ac.push(tables.get(0x10 | (payload[2 + 2 * i]! & 15)));
  }
  const ss = payload[1 + 2 * n]!, se = payload[2 + 2 * n]!, ah = payload[3 + 2 * n]! >> 4;
  if (frame.progressive) {
    if (ss > se || se > 63 || (ss === 0 && se !== 0) || (ss > 0 && n !== 1)) throw new Unwalkable('a progressive scan has an invalid spectral band');
  } else if (ss !== 0 || se !== 63 || ah !== 0) {
    throw new Unwalkable('a sequential scan has an invalid spectral band');
  }
  const base = { progressive: frame.progressive, components, dc, ac, ss, se, ah };
  if (n === 1) return { ...base, mcus: components[0]!.blocksX * components[0]!.blocksY, blocks: [0] };
  const blocks: number[] = [];
  components.forEach((c, i) => {
    for (let j = 0; j < c.h * c.v; j++) blocks.push(i);
  });
  if (blocks.length > 10) throw new Unwalkable('an MCU has more than 10 blocks');
  return { ...base, mcus: ceilDiv(frame.width, 8 * frame.hMax) * ceilDiv(frame.height, 8 * frame.vMax), blocks };
}

const isRestart = (data: Bytes, i: number): boolean => data[i] === 0xff && data[i + 1]! >= 0xd0 && data[i + 1]! <= 0xd7;

/**
 * [data start, data end, marker end] of each restart interval; the last one has no marker, and ends
 * at the first restart marker after it if there is one (decoders skip what follows).
 */
function intervals(data: Bytes, start: number, end: number, count: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  let pos = start;
  let expected = 0;
  for (let i = data.indexOf(0xff, start); i >= 0 && i + 1 < end; i = data.indexOf(0xff, i + 1)) {
    if (!isRestart(data, i)) continue;
    if (out.length === count - 1) {
      end = i;
      break;
    }
    if (data[i + 1] !== 0xd0 + expected) throw new Unwalkable('restart markers are out of sequence');
    out.push([pos, i, i + 2]);
    pos = i + 2;
    expected = (expected + 1) & 7;
    i += 1;
  }
  if (out.length !== count - 1) throw new Unwalkable('a scan has fewer restart markers than its restart interval needs');
  out.push([pos, end, end]);
  return out;
}

/** The byte ranges of the scan's entropy-coded data at `start:end` a decoder reads, or null when it reads every byte. */
function walkScan(data: Bytes, start: number, end: number, scan: Scan, interval: number): [number, number][] | null {
  const per = interval || scan.mcus;
  const count = ceilDiv(scan.mcus, per);
  const kept: [number, number][] = [];
  intervals(data, start, end, count).forEach(([a, b, markerEnd], n) => {
    kept.push([a, walkInterval(data, a, b, scan, Math.min(per, scan.mcus - n * per), n * per)]);
    if (markerEnd > b) kept.push([b, markerEnd]);
  });
  const merged: [number, number][] = [];
  for (const [a, b] of kept) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last[1] === a) last[1] = b;
    else merged.push([a, b]);
  }
  return merged.length === 1 && merged[0]![0] === start && merged[0]![1] === end ? null : merged;
}

/** Offset just past the last byte a decoder reads of the interval's data at `start:end`. */
function walkInterval(data: Bytes, start: number, end: number, scan: Scan, mcus: number, firstMcu: number): number {
  let bodyEnd = end;
  while (bodyEnd > start && data[bodyEnd - 1] === 0xff) bodyEnd -= 1; // fill bytes before the marker
  for (let i = data.indexOf(0xff, start); i >= 0 && i + 1 < bodyEnd; i = data.indexOf(0xff, i + 1)) {
    if (data[i + 1] === 0xff) throw new Unwalkable('fill bytes inside entropy-coded data');
  }
  const buf = new Uint8Array(bodyEnd - start + PAD);
  const original: number[] = []; // offset in the interval of each 0xff kept in `buf`
  let n = 0;
  for (let i = start; i < bodyEnd; i++) {
    const byte = data[i]!;
    buf[n++] = byte;
    if (byte === 0xff) {
      if (data[i + 1] !== 0x00) throw new Unwalkable('a 0xff byte in entropy-coded data is not followed by 0x00');
      original.push(n);
      i += 1;
    }
  }
  const limit = n * 8;
  let bits: number;
  if (!scan.progressive) bits = sequential(buf, scan, mcus, limit);
  else if (scan.ss === 0) bits = scan.ah ? (mcus * scan.blocks.length <= limit ? mcus * scan.blocks.length : -1) : dcFirst(buf, scan, mcus, limit);
  else if (scan.ah) bits = acRefine(buf, scan, mcus, firstMcu, limit);
  else bits = acFirst(buf, scan, mcus, firstMcu, limit);
  if (bits < 0) return end; // the data ran out first: a decoder reads it all, then pads with zero bits
  const used = ceilDiv(bits, 8);
  let stuffed = 0;
  while (stuffed < original.length && original[stuffed]! <= used) stuffed += 1; // each 0xff read is followed by its stuffed 0x00
  return start + used + stuffed;
}

function need(table: Table | undefined): Table {
  if (table === undefined) throw new Unwalkable('a scan uses a Huffman table that was never defined');
  return table;
}

// Each walker returns the bits read, or -1 when the data ran out before the last MCU; `limit` is the
// interval's length in bits. The 16 bits at bit position p come from the 24-bit window at byte p >>> 3.
// A read position past `limit + PAD * 8` means an invalid code (reads past the buffer give 0).

function sequential(buf: Bytes, scan: Scan, mcus: number, limit: number): number {
  const dcs = scan.blocks.map((i) => need(scan.dc[i]).dc);
  const acs = scan.blocks.map((i) => need(scan.ac[i]).ac);
  const nb = dcs.length;
  let p = 0;
  for (let m = 0; m < mcus; m++) {
    for (let j = 0; j < nb; j++) {
      let i = p >>> 3;
      let e = dcs[j]![(((buf[i]! << 16) | (buf[i + 1]! << 8) | buf[i + 2]!) >>> (8 - (p & 7))) & 0xffff]!;
      if (e < 0) throw new Unwalkable(INVALID_CODE);
      p += e;
      const ac = acs[j]!;
      for (let k = 1; k < 64; k += e >>> 8) {
        i = p >>> 3;
        e = ac[(((buf[i]! << 16) | (buf[i + 1]! << 8) | buf[i + 2]!) >>> (8 - (p & 7))) & 0xffff]!;
        if (e < 0) throw new Unwalkable(INVALID_CODE);
        p += e & 0xff;
      }
    }
    if (p > limit) return -1;
  }
  return p;
}

function dcFirst(buf: Bytes, scan: Scan, mcus: number, limit: number): number {
  const dcs = scan.blocks.map((i) => need(scan.dc[i]).dc);
  let p = 0;
  for (let m = 0; m < mcus; m++) {
    for (const dc of dcs) {
      const i = p >>> 3;
      const e = dc[(((buf[i]! << 16) | (buf[i + 1]! << 8) | buf[i + 2]!) >>> (8 - (p & 7))) & 0xffff]!;
      if (e < 0) throw new Unwalkable(INVALID_CODE);
      p += e;
    }
    if (p > limit) return -1;
  }
  return p;
}

/** The `run` bits at bit position p (run <= 14). */
function bitsAt(buf: Bytes, p: number, run: number): number {
  const i = p >>> 3;
  return ((((buf[i]! << 16) | (buf[i + 1]! << 8) | buf[i + 2]!) >>> (24 - (p & 7) - run)) & ((1 << run) - 1));
}

const isNonzero = (h: Uint32Array, b: number, k: number): boolean => ((h[2 * b + (k >> 5)]! >>> (k & 31)) & 1) === 1;
const setNonzero = (h: Uint32Array, b: number, k: number): void => {
  h[2 * b + (k >> 5)]! |= 1 << (k & 31);
};

function acFirst(buf: Bytes, scan: Scan, mcus: number, firstMcu: number, limit: number): number {
  const table = need(scan.ac[0]).progressive;
  const history = scan.components[0]!.history;
  const { ss, se } = scan;
  let p = 0, eobrun = 0;
  for (let b = firstMcu; b < firstMcu + mcus; b++) {
    if (eobrun) {
      eobrun -= 1;
      continue;
    }
    for (let k = ss; k <= se; ) {
      const i = p >>> 3;
      const e = table[(((buf[i]! << 16) | (buf[i + 1]! << 8) | buf[i + 2]!) >>> (8 - (p & 7))) & 0xffff]!;
      if (e < 0) throw new Unwalkable(INVALID_CODE);
      p += e & 31;
      const run = (e >> 9) & 15, size = (e >> 5) & 15;
      if (size) {
        k += run;
        setNonzero(history, b, Math.min(k, 63));
        p += size;
        k += 1;
      } else if (run === 15) {
        k += 16;
      } else {
        eobrun = (1 << run) - 1;
        if (run) {
          eobrun += bitsAt(buf, p, run);
          p += run;
        }
        break;
      }
    }
    if (p > limit) return -1;
  }
  return p;
}

/**
 * T.81 G.1.2.3 as libjpeg decodes it: every coefficient of the band already nonzero gets one
 * correction bit when the decoder passes it; values are never needed, only how many bits.
 */
function acRefine(buf: Bytes, scan: Scan, mcus: number, firstMcu: number, limit: number): number {
  const table = need(scan.ac[0]).progressive;
  const history = scan.components[0]!.history;
  const { ss, se } = scan;
  let p = 0, eobrun = 0;
  for (let b = firstMcu; b < firstMcu + mcus; b++) {
    let k = ss;
    if (!eobrun) {
      for (; k <= se; k++) {
        const i = p >>> 3;
        const e = table[(((buf[i]! << 16) | (buf[i + 1]! << 8) | buf[i + 2]!) >>> (8 - (p & 7))) & 0xffff]!;
        if (e < 0) throw new Unwalkable(INVALID_CODE);
        p += e & 31;
        let run = (e >> 9) & 15;
        const size = (e >> 5) & 15;
        if (size) {
          p += 1; // the new coefficient's sign (its size is 1)
        } else if (run !== 15) {
          eobrun = 1 << run;
          if (run) {
            eobrun += bitsAt(buf, p, run);
            p += run;
          }
          break;
        }
        // pass the already-nonzero coefficients (a correction bit each) and `run` zero ones,
        // stopping at the next zero one: the target
        for (; k <= se; k++) {
          if (isNonzero(history, b, k)) p += 1;
          else if (--run < 0) break;
        }
        if (size) setNonzero(history, b, Math.min(k, 63));
      }
    }
    if (eobrun) {
      for (; k <= se; k++) if (isNonzero(history, b, k)) p += 1;
      eobrun -= 1;
    }
    if (p > limit) return -1;
  }
  return p;
}

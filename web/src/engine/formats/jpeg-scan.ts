/**
 * Where each JPEG scan's entropy-coded data really ends — mirrors src/privpix/formats/jpeg_scan.py
 * (docs/strip.md, "After a scan").
 *
 * A decoder reads a scan's Huffman codes until it has every block of every MCU; bytes after that and
 * before the next marker are never read, so a file can carry anything there. Finding that end means
 * walking the codes. The walker is one WebAssembly module shared with the Python engine, built from
 * web/wasm/jpeg-scan.ts (which documents what it walks and its memory protocol); its bytes come with
 * the app's JavaScript (generated/jpeg-scan-wasm.ts), so it is compiled synchronously on the first
 * JPEG walked, once per worker (or Node process).
 */

import { JPEG_SCAN_WASM } from '../../generated/jpeg-scan-wasm';
import type { Bytes } from './binary';

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

interface Walker {
  memory: WebAssembly.Memory;
  prepare(length: number, count: number): number;
  walk(length: number, count: number): number;
  output(): number;
}

let walker: Walker | null = null;

function instance(): Walker {
  if (walker === null) {
    const bytes = Uint8Array.from(atob(JPEG_SCAN_WASM), (c) => c.charCodeAt(0));
    walker = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as Walker;
  }
  return walker;
}

const unchecked = (why: string): ScanWalk => ({ kept: new Map(), hidden: [], unchecked: why });

/** Walk every scan of a parsed JPEG (jpeg.ts `parse`'s segments, in file order). */
export function walk(data: Bytes, segments: readonly SegmentLike[]): ScanWalk {
  const w = instance();
  const at = w.prepare(data.length, segments.length);
  if (!at) return unchecked('the image is too large to check');
  const table = new DataView(w.memory.buffer, at, 20 * segments.length); // WebAssembly memory is little-endian
  segments.forEach((seg, i) => {
    [seg.marker, seg.start, seg.end, seg.payloadStart, seg.payloadEnd].forEach((value, j) => table.setUint32(20 * i + 4 * j, value, true));
  });
  new Uint8Array(w.memory.buffer).set(data, at + 20 * segments.length);
  let result: number;
  try {
    result = w.walk(data.length, segments.length);
  } catch (err) {
    // a fault of the walker's own: keep every scan rather than fail the file
    if (err instanceof WebAssembly.RuntimeError) return unchecked(`the scan walker stopped: ${err.message}`);
    throw err;
  }
  const out = w.output();
  if (result < 0) return unchecked(new TextDecoder().decode(new Uint8Array(w.memory.buffer, out, -result)));
  const words = new DataView(w.memory.buffer, out, 4 * result); // the memory may have grown: a new buffer
  const word = (i: number): number => words.getUint32(4 * i, true);
  const walked: ScanWalk = { kept: new Map(), hidden: [], unchecked: null };
  for (let i = 0; i < result; ) {
    const ranges: [number, number][] = [];
    for (let j = 0; j < word(i + 1); j++) ranges.push([word(i + 2 + 2 * j), word(i + 3 + 2 * j)]);
    walked.kept.set(word(i), ranges);
    i += 2 + 2 * ranges.length;
    const hidden = word(i);
    for (let j = 0; j < hidden; j++) walked.hidden.push([word(i + 1 + 2 * j), word(i + 2 + 2 * j)]);
    i += 1 + 2 * hidden;
  }
  return walked;
}

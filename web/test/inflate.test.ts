/**
 * formats/inflate.ts decodes DEFLATE with exactly zlib's acceptance rules (the Python engine uses
 * zlib itself), so both engines read the same compressed PNG text and refuse the same damaged
 * streams. The judge here is zlib too: Node's, on valid streams, truncated ones and thousands of
 * corrupted ones — inflateRaw gives zlib's bytes where zlib reaches the end of the stream, and null
 * wherever zlib fails or stops short.
 */

import { constants, deflateRawSync, deflateSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflate, inflateRaw } from '../src/engine/formats/inflate';

const LIMIT = 1 << 20;

/** Both null, or the same bytes (compared fast: the streams inflate to tens of kilobytes). */
const same = (a: Uint8Array | null, b: Uint8Array | null): boolean => (a === null || b === null ? a === b : Buffer.compare(a, b) === 0);

/** zlib's verdict: the content when the stream ends within `limit` bytes of output, else null. */
function zlibInflateRaw(data: Uint8Array, limit = LIMIT): Uint8Array | null {
  try {
    return new Uint8Array(inflateRawSync(data, { maxOutputLength: limit, finishFlush: constants.Z_FINISH }));
  } catch {
    return null;
  }
}

function text(n: number, seed: number): Uint8Array {
  const words = ['GPS', 'Latitude', '43.3188', 'Siena', 'Canon', 'EOS', 'serial', '2031', ' ', '\n'];
  let s = seed;
  let out = '';
  while (out.length < n) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out += words[s % words.length];
  }
  return new TextEncoder().encode(out.slice(0, n));
}

const STREAMS: [string, Uint8Array][] = [
  ['empty', deflateRawSync(new Uint8Array(0))],
  ['stored blocks', deflateRawSync(text(70_000, 1), { level: 0 })],
  ['fixed Huffman', deflateRawSync(new TextEncoder().encode('privpix'), { strategy: constants.Z_FIXED })],
  ['dynamic Huffman', deflateRawSync(text(50_000, 2), { level: 9 })],
  ['long matches (run-length)', deflateRawSync(new Uint8Array(100_000).fill(7), { strategy: constants.Z_RLE })],
  ['random bytes', deflateRawSync(Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24))],
];

describe('valid streams', () => {
  for (const [name, stream] of STREAMS) {
    it(`${name}: zlib's bytes`, () => {
      expect(same(inflateRaw(stream, LIMIT), zlibInflateRaw(stream))).toBe(true);
    });
  }

  it('ignores what follows the final block', () => {
    const stream = STREAMS[3]![1];
    const trailing = new Uint8Array([...stream, 1, 2, 3]);
    expect(same(inflateRaw(trailing, LIMIT), zlibInflateRaw(stream))).toBe(true);
  });

  it('refuses output past the limit, and gives it at the limit exactly', () => {
    const stream = deflateRawSync(text(1000, 3));
    expect(inflateRaw(stream, 1000)?.length).toBe(1000);
    expect(inflateRaw(stream, 999)).toBeNull();
  });
});

describe('damaged streams: null exactly where zlib fails or stops short', () => {
  it('every truncation', () => {
    const stream = STREAMS[3]![1];
    for (let n = 0; n < stream.length; n += 7) {
      expect(same(inflateRaw(stream.subarray(0, n), LIMIT), zlibInflateRaw(stream.subarray(0, n))), `cut at ${n}`).toBe(true);
    }
  });

  it('thousands of single-byte corruptions', () => {
    let disagreements = 0;
    let refused = 0;
    for (const [, stream] of STREAMS.slice(2)) {
      for (let trial = 0; trial < 600; trial++) {
        const bad = stream.slice();
        const at = (trial * 7919) % bad.length;
        bad[at] = bad[at]! ^ (1 + (trial % 255));
        const ours = inflateRaw(bad, LIMIT);
        const theirs = zlibInflateRaw(bad);
        if (theirs === null) refused++;
        if (!same(ours, theirs)) disagreements++;
      }
    }
    expect(refused).toBeGreaterThan(100); // the corruptions did reach the checks
    expect(disagreements).toBe(0);
  });

  it("zlib's refusals, one by one", () => {
    const cases: [string, number[]][] = [
      ['block type 3', [0b111]],
      ['stored length not matching its complement', [0b001, 0x05, 0x00, 0x00, 0x00]],
      ['distance before the start of the output', [0x63, 0x00, 0x42, 0x00]],
      ['more than 286 literal/length codes', [0x05, 0xe0, 0xff, 0xff]],
    ];
    for (const [name, bytes] of cases) {
      const data = Uint8Array.from(bytes);
      expect(zlibInflateRaw(data), `${name}: zlib`).toBeNull();
      expect(inflateRaw(data, LIMIT), name).toBeNull();
    }
  });
});

describe('zlib streams (PNG text and profiles)', () => {
  it('reads a zlib stream and refuses bad headers and preset dictionaries', () => {
    const stream = new Uint8Array(deflateSync(text(3000, 4)));
    expect(same(inflate(stream, LIMIT), text(3000, 4))).toBe(true);
    expect(inflate(Uint8Array.of(0x78), LIMIT)).toBeNull(); // too short
    expect(inflate(Uint8Array.from([0x79, ...stream.subarray(1)]), LIMIT)).toBeNull(); // header check fails
    expect(inflate(Uint8Array.from([0x78, 0xbb, ...stream.subarray(2)]), LIMIT)).toBeNull(); // FDICT set
  });
});

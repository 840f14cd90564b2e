/**
 * formats/jpeg-scan.ts runs the shared WebAssembly walker (what it finds is held to the Python
 * engine by tests/conformance/test_jpeg_synthetic.py). What only this host does: a fault of the
 * walker's own must not fail the file, and the instance goes on walking afterwards.
 */

import { describe, expect, it } from 'vitest';
import { walk } from '../src/engine/formats/jpeg-scan';

describe('the JPEG scan walker host', () => {
  it('keeps every scan when the walker traps, then walks the next file', () => {
    // a segment table no parse makes: a frame header far outside the module's memory
    const bogus = { marker: 0xc0, start: 2, end: 19, payloadStart: 0x7fff0000, payloadEnd: 0x7fff0011 };
    const faulted = walk(new Uint8Array(64), [bogus]);
    expect(faulted.kept.size).toBe(0);
    expect(faulted.unchecked).toMatch(/^the scan walker stopped/);
    const empty = walk(new Uint8Array(4), []);
    expect(empty).toEqual({ kept: new Map(), hidden: [], unchecked: null });
  });
});

/**
 * engine/codecs/progressive.ts re-codes sequential JPEG bands as one progressive JPEG without
 * touching a coefficient, and writes every JPEG the web app produces. The judge: the same decoder
 * (libjpeg-turbo, as MozJPEG builds it) gives the same pixels for the input and for the output.
 *
 * Inputs: Pillow's baseline JPEGs (fixtures/make_progressive.py: 4:2:0, 4:2:2, 4:4:4 and grey, whole
 * and partial MCUs, one band or two bands cut at an MCU row) and MozJPEG's own sequential output,
 * one band and two (the engine's path, codecs/jpeg.ts).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinToProgressive } from '../src/engine/codecs/progressive';
import { decode, encode } from './codecs';

interface Case {
  name: string;
  bands: string[];
  width: number;
  height: number;
  sampling: '420' | '422' | '444' | 'grey';
  cut?: number;
}

const FIXTURES = join(import.meta.dirname, 'fixtures', 'progressive');
const CASES: Case[] = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8'));
const read = (file: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, file)));

type Pixels = { data: Uint8ClampedArray; width: number; height: number };

/** Rows [y0, y1) of `p`. */
const rows = (p: Pixels, y0: number, y1: number): Uint8ClampedArray => p.data.subarray(y0 * p.width * 4, y1 * p.width * 4);

/** The SOF marker of a JPEG (0xc0 baseline, 0xc2 progressive). */
function frameMarker(jpeg: Uint8Array): number {
  for (let i = 2; i + 3 < jpeg.length; ) {
    const marker = jpeg[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) return marker;
    i += 2 + ((jpeg[i + 2]! << 8) | jpeg[i + 3]!);
  }
  return -1;
}

/**
 * The two-band join against the two bands decoded alone: the same pixels, except that with vertical
 * chroma subsampling (4:2:0) the decoder's chroma interpolation reaches one pixel row across the cut,
 * where a band decoded alone repeats its own edge. Those two rows may differ, by a little.
 */
function expectStacked(joined: Pixels, top: Pixels, bottom: Pixels, cut: number, verticalChroma: boolean): void {
  const seam = verticalChroma ? 1 : 0;
  expect(rows(joined, 0, cut - seam)).toEqual(rows(top, 0, cut - seam));
  expect(rows(joined, cut + seam, joined.height)).toEqual(rows(bottom, seam, bottom.height));
  const near = [...rows(joined, cut - seam, cut + seam)].map((v, i) => Math.abs(v - [...rows(top, cut - seam, cut), ...rows(bottom, 0, seam)][i]!));
  expect(Math.max(0, ...near)).toBeLessThanOrEqual(24);
}

describe('Pillow baseline JPEGs joined into progressive ones', () => {
  it('has the cases the fixtures promise', () => {
    expect(CASES.filter((c) => c.bands.length === 1).length).toBeGreaterThanOrEqual(30);
    expect(CASES.filter((c) => c.bands.length === 2).length).toBe(8);
    expect(new Set(CASES.map((c) => c.sampling))).toEqual(new Set(['420', '422', '444', 'grey']));
  });

  for (const c of CASES) {
    it(`${c.name}: same pixels`, async () => {
      const bands = c.bands.map(read);
      const joined = joinToProgressive(bands, c.width, c.height);
      expect(frameMarker(joined)).toBe(0xc2);
      const out = await decode(joined);
      expect([out.width, out.height]).toEqual([c.width, c.height]);
      if (bands.length === 1) {
        expect(out.data).toEqual((await decode(bands[0]!)).data);
      } else {
        expectStacked(out, await decode(bands[0]!), await decode(bands[1]!), c.cut!, c.sampling === '420');
      }
    });
  }
});

describe("MozJPEG's sequential output (the engine's own path)", () => {
  const noise = (width: number, height: number, seed: number): Uint8ClampedArray<ArrayBuffer> => {
    const px = new Uint8ClampedArray(width * height * 4);
    let s = seed;
    for (let i = 0; i < px.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      px[i] = i % 4 === 3 ? 255 : ((i >> 2) % width) * 2 + (s >>> 26);
    }
    return px;
  };

  for (const [width, height, quality] of [
    [1, 1, 75],
    [13, 29, 50],
    [200, 150, 75],
    [333, 97, 92],
  ] as const) {
    it(`${width}×${height} q${quality}, one band`, async () => {
      const seq = await encode(noise(width, height, width), width, height, { quality, progressive: false });
      const joined = joinToProgressive([seq], width, height);
      expect((await decode(joined)).data).toEqual((await decode(seq)).data);
    });
  }

  it('two bands cut at an MCU row, as the engine splits a large photo', async () => {
    const [width, height, cut] = [240, 100, 48];
    const px = noise(width, height, 7);
    const top = await encode(px.subarray(0, cut * width * 4), width, cut, { quality: 80, progressive: false });
    const bottom = await encode(px.slice(cut * width * 4), width, height - cut, { quality: 80, progressive: false });
    const joined = await decode(joinToProgressive([top, bottom], width, height));
    expectStacked(joined, await decode(top), await decode(bottom), cut, true);
  });

  it('refuses bands that were not encoded alike', async () => {
    const px = noise(64, 32, 3);
    const a = await encode(px.subarray(0, 16 * 64 * 4), 64, 16, { quality: 80, progressive: false });
    const b = await encode(px.slice(16 * 64 * 4), 64, 16, { quality: 40, progressive: false });
    expect(() => joinToProgressive([a, b], 64, 32)).toThrow('JPEG bands do not match');
  });

  it('refuses a progressive input (the caller then falls back to MozJPEG)', async () => {
    const prog = await encode(noise(32, 32, 5), 32, 32, { quality: 80, progressive: true });
    expect(() => joinToProgressive([prog], 32, 32)).toThrow();
  });
});

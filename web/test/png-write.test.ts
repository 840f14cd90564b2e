/**
 * codecs/png-write.ts, the browser engine's one PNG writer: remove-bg's outputs (encodePngFast), the
 * colour conversion's PNG with a profile, and the erase mask for the command line (encodePngRows).
 * Judged by the engine's own PNG reader (formats/png.ts: chunk layout and CRCs) and by inflating the
 * pixel data independently (Node's zlib) and undoing the filters.
 */

import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePngFast, encodePngRows, type PngMode } from '../src/engine/codecs/png-write';
import { pngWithProfile } from '../src/engine/imaging/colour';
import { maskPng } from '../src/engine/tools/erase/mask';
import * as png from '../src/engine/formats/png';

interface Decoded {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  chunks: string[];
  rows: Uint8Array[];
}

/** The file's chunks (checked by the engine's reader), its header and its unfiltered rows. */
function read(file: Uint8Array): Decoded {
  expect(png.sniff(file)).toBe(true);
  const layout = png.parse(file);
  expect(png.readMetadata(file).warnings).toEqual([]); // every CRC right, nothing after IEND
  const body = (type: string): Uint8Array => {
    const c = layout.chunks.find((x) => x.type === type)!;
    return file.subarray(c.dataStart, c.dataStart + c.length);
  };
  const ihdr = new DataView(body('IHDR').slice().buffer);
  const [width, height, bitDepth, colourType] = [ihdr.getUint32(0), ihdr.getUint32(4), ihdr.getUint8(8), ihdr.getUint8(9)];
  const channels = { 0: 1, 2: 3, 6: 4 }[colourType as 0 | 2 | 6];
  const stride = Math.ceil((width * channels * bitDepth) / 8);
  const bpp = Math.max(1, (channels * bitDepth) / 8);
  const raw = new Uint8Array(inflateSync(Buffer.concat(layout.chunks.filter((c) => c.type === 'IDAT').map((c) => file.subarray(c.dataStart, c.dataStart + c.length)))));
  const rows: Uint8Array[] = [];
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.slice(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= bpp ? row[x - bpp]! : 0;
      if (filter === 1) row[x] = (row[x]! + left) & 255;
      else if (filter === 2) row[x] = (row[x]! + prev[x]!) & 255;
      else expect(filter).toBe(0);
    }
    rows.push(row);
    prev = row;
  }
  return { width, height, bitDepth, colourType, chunks: [...layout.chunks.map((c) => c.type), layout.iend?.type ?? 'no IEND'], rows };
}

function rgba(width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  return Uint8ClampedArray.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? (i * 7) & 255 : (i * 13) ^ (i >> 5)));
}

describe('encodePngFast (remove-bg)', () => {
  for (const [mode, colourType] of [
    ['rgba', 6],
    ['rgb', 2],
    ['grey', 0],
  ] as [PngMode, number][]) {
    it(`${mode}: the pixels, in bands`, async () => {
      const [width, height] = [1500, 260]; // bands of ~233 rows at 4 bytes a pixel: two of them
      const px = rgba(width, height);
      const out = read(await encodePngFast(px, width, height, mode));
      expect([out.width, out.height, out.bitDepth, out.colourType]).toEqual([width, height, 8, colourType]);
      expect(out.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
      const channels = { rgba: [0, 1, 2, 3], rgb: [0, 1, 2], grey: [0] }[mode];
      for (const y of [0, 1, 233, 259]) {
        const expected = Uint8Array.from({ length: width * channels.length }, (_, i) => px[(y * width + Math.floor(i / channels.length)) * 4 + channels[i % channels.length]!]!);
        expect(out.rows[y]).toEqual(expected);
      }
    });
  }

  it('stops when asked', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(encodePngFast(rgba(10, 10), 10, 10, 'rgba', controller.signal)).rejects.toThrow();
  });
});

describe('encodePngRows (the throwaway PNG with a profile, the erase mask)', () => {
  it('pngWithProfile: RGBA as stored, the profile in iCCP before the pixels', () => {
    const icc = Uint8Array.from({ length: 600 }, (_, i) => i & 255);
    const px = rgba(9, 4);
    const file = pngWithProfile({ data: px, width: 9, height: 4 }, icc);
    const out = read(file);
    expect(out.chunks).toEqual(['IHDR', 'iCCP', 'IDAT', 'IEND']);
    expect(png.iccProfile(file)).toEqual(icc);
    expect(out.rows[3]).toEqual(Uint8Array.from(px.subarray(27 * 4, 36 * 4)));
  });

  it('maskPng: 1-bit grey, white where painted', () => {
    const out = read(maskPng([{ kind: 'rect', x: 2, y: 1, w: 3, h: 2 }], 10, 4));
    expect([out.width, out.height, out.bitDepth, out.colourType]).toEqual([10, 4, 1, 0]);
    expect([...out.rows[0]!]).toEqual([0, 0]);
    expect([...out.rows[1]!]).toEqual([0b00111000, 0]);
  });

  it('writes any level the caller asks for as the same pixels', () => {
    const rows = Uint8Array.from({ length: 4 * 7 }, (_, i) => (i % 7 === 0 ? 0 : i));
    const a = read(encodePngRows(rows, 6, 4, 'grey', 8, 0));
    const b = read(encodePngRows(rows, 6, 4, 'grey', 8, 9));
    expect(a.rows).toEqual(b.rows);
  });
});

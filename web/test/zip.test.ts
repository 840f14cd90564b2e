/**
 * app/download/zip.ts lays out "Download all" as a stored ZIP whose file bytes are the result Blobs
 * themselves. Judged by fflate's unzip (an independent reader) and by the PKWARE layout itself:
 * local headers, central directory, end record, UTF-8 names, CRC-32, sizes, offsets and dates.
 */

import { crc32 as nodeCrc32 } from 'node:zlib';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zipLayout } from '../src/app/download/zip';
import { crc32 } from '../src/engine/formats/binary';

const FILES = [
  { name: 'IMG_0001-stripped.jpg', bytes: Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) & 255) },
  { name: 'été/Straße 東京.png', bytes: new TextEncoder().encode('not really a PNG') },
  { name: 'empty.webp', bytes: new Uint8Array(0) },
];

async function archive(now: Date): Promise<Uint8Array> {
  const files = FILES.map((f) => ({ name: f.name, blob: new Blob([f.bytes]) }));
  const { headers, end } = await zipLayout(files, now);
  const parts: Uint8Array[] = [];
  headers.forEach((h, i) => parts.push(h, FILES[i]!.bytes));
  parts.push(end);
  return new Uint8Array(await new Blob(parts as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

describe('the ZIP of "Download all"', () => {
  it('is read back whole by an independent unzip', async () => {
    const unzipped = unzipSync(await archive(new Date(2026, 11, 7, 17, 2, 44)));
    expect(Object.keys(unzipped)).toEqual(FILES.map((f) => f.name));
    for (const f of FILES) expect(unzipped[f.name]).toEqual(f.bytes);
  });

  it('has the PKWARE layout: headers, CRC-32, sizes, UTF-8 flag, offsets, date', async () => {
    const zip = await archive(new Date(2026, 11, 7, 17, 2, 44));
    const dv = new DataView(zip.buffer);
    const endAt = zip.length - 22;
    expect(dv.getUint32(endAt, true)).toBe(0x06054b50);
    expect(dv.getUint16(endAt + 10, true)).toBe(FILES.length);
    let central = dv.getUint32(endAt + 16, true);
    expect(central + dv.getUint32(endAt + 12, true)).toBe(endAt);
    let local = 0;
    for (const f of FILES) {
      const name = new TextEncoder().encode(f.name);
      expect(dv.getUint32(central, true)).toBe(0x02014b50);
      expect(dv.getUint32(central + 42, true)).toBe(local); // where its local header starts
      expect(dv.getUint32(local, true)).toBe(0x04034b50);
      for (const [at, base] of [
        [14, local],
        [16, central],
      ] as const) {
        expect(dv.getUint32(base + at, true)).toBe(nodeCrc32(f.bytes)); // CRC-32
        expect(dv.getUint32(base + at + 4, true)).toBe(f.bytes.length); // compressed size (stored)
        expect(dv.getUint32(base + at + 8, true)).toBe(f.bytes.length);
      }
      expect(dv.getUint16(local + 6, true)).toBe(0x0800); // UTF-8 names
      expect(dv.getUint16(local + 8, true)).toBe(0); // stored
      expect(dv.getUint16(local + 10, true)).toBe((17 << 11) | (2 << 5) | (44 >> 1)); // 17:02:44
      expect(dv.getUint16(local + 12, true)).toBe(((2026 - 1980) << 9) | (12 << 5) | 7); // 2026-12-07
      expect(zip.subarray(local + 30, local + 30 + name.length)).toEqual(name);
      local += 30 + name.length + f.bytes.length;
      central += 46 + name.length;
    }
    expect(local).toBe(dv.getUint32(endAt + 16, true)); // the central directory follows the last file
  });

  it('dates before 1980 are written as 1980 (the earliest a ZIP can say)', async () => {
    const zip = await archive(new Date(1975, 0, 1));
    expect(new DataView(zip.buffer).getUint16(12, true) >> 9).toBe(0);
  });
});

describe('CRC-32 (one table for PNG chunks and ZIP entries)', () => {
  it("is zlib's, whole or a piece at a time", () => {
    const data = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 2654435761) >>> 24);
    expect(crc32(data)).toBe(nodeCrc32(data));
    expect(crc32(new Uint8Array(0))).toBe(0);
    let crc = 0;
    for (let at = 0; at < data.length; at += 4096) crc = crc32(data.subarray(at, at + 4096), crc);
    expect(crc).toBe(nodeCrc32(data));
  });
});

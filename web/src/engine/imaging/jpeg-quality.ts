/**
 * The quality a JPEG was saved at, estimated from its luminance quantisation table (mirrors
 * src/privpix/imaging/jpeg_quality.py, whose docstring gives the rule: the IJG quality whose scaling of
 * the T.81 Annex K table has the same mean step as the file's table 0).
 */

import type { Bytes } from '../formats/binary';
import { parse } from '../formats/jpeg';

const SOS = 0xda;
const DQT = 0xdb;

/** T.81 Annex K.1, in zig-zag order (the order of a DQT segment). */
// prettier-ignore
export const STANDARD_LUMINANCE: readonly number[] = [
  16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40,
  26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
  56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87,
  95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
];

/** The 64 steps of quantisation table 0 defined before the first scan, in zig-zag order. */
export function luminanceTable(data: Bytes): number[] | null {
  for (const seg of parse(data).segments) {
    if (seg.marker === SOS) return null;
    if (seg.marker !== DQT) continue;
    let pos = seg.payloadStart;
    while (pos < seg.payloadEnd) {
      const precision = data[pos]! >> 4;
      const id = data[pos]! & 0x0f;
      const size = precision ? 128 : 64;
      if (pos + 1 + size > seg.payloadEnd) return null;
      if (id === 0) {
        const table: number[] = [];
        for (let i = 0; i < 64; i++) table.push(precision ? (data[pos + 1 + 2 * i]! << 8) | data[pos + 2 + 2 * i]! : data[pos + 1 + i]!);
        return table;
      }
      pos += 1 + size;
    }
  }
  return null;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** The IJG quality (1-100) whose luminance table has the same mean step as this file's; null without a table. */
export function estimate(data: Bytes): number | null {
  const table = luminanceTable(data);
  if (table === null || !table.some((v) => v !== 0)) return null;
  const scale = (100 * sum(table)) / sum(STANDARD_LUMINANCE);
  const quality = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
  return Math.max(1, Math.min(100, Math.round(quality)));
}

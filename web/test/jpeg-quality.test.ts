/**
 * imaging/jpeg-quality.ts estimates the quality each corpus JPEG was saved at exactly as Python's
 * imaging/jpeg_quality.py does: fixtures/jpeg-quality.json holds Python's estimates (tests/test_erase.py
 * checks Python against the same file).
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimate } from '../src/engine/imaging/jpeg-quality';

const CORPUS = new URL('../../tests/data/corpus/', import.meta.url);
const EXPECTED = JSON.parse(readFileSync(new URL('./fixtures/jpeg-quality.json', import.meta.url), 'utf8')) as Record<string, number | null>;

describe('the JPEG quality estimate', () => {
  it.each(Object.entries(EXPECTED))('%s: as Python estimates it', (name, quality) => {
    expect(estimate(new Uint8Array(readFileSync(new URL(name, CORPUS))))).toBe(quality);
  });

  it('finds no table in a file that is not a JPEG with tables', () => {
    expect(estimate(Uint8Array.of(0xff, 0xd8, 0xff, 0xd9))).toBeNull();
  });
});

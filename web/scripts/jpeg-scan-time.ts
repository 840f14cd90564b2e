/**
 * How long the TypeScript engine takes to walk a JPEG's scans (formats/jpeg-scan.ts), for
 * bench/jpeg_scan_walk.py.
 *
 *   tsx scripts/jpeg-scan-time.ts FILE...   milliseconds per file (the fastest of 3 walks)
 *
 * Prints one JSON array with a number per file.
 */

import { readFileSync } from 'node:fs';
import { parse, scans } from '../src/engine/formats/jpeg';

const times = process.argv.slice(2).map((path) => {
  const data = new Uint8Array(readFileSync(path));
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const copy = data.slice(); // a new array: the walk is remembered per array
    parse(copy);
    const start = performance.now();
    scans(copy);
    best = Math.min(best, performance.now() - start);
  }
  return best;
});
process.stdout.write(JSON.stringify(times) + '\n');

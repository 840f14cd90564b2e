/**
 * How long the TypeScript engine takes to walk a JPEG's scans (formats/jpeg-scan.ts, running the
 * shared WebAssembly walker), for bench/jpeg_scan_walk.py.
 *
 *   tsx scripts/jpeg-scan-time.ts REPEATS FILE...   milliseconds per file (the fastest of REPEATS walks)
 *
 * Prints one JSON array with a number per file.
 */

import { readFileSync } from 'node:fs';
import { parse, scans } from '../src/engine/formats/jpeg';

const [repeats, ...files] = process.argv.slice(2);
const times = files.map((path) => {
  const data = new Uint8Array(readFileSync(path));
  scans(data.slice()); // the module compiled, the memory grown
  let best = Infinity;
  for (let i = 0; i < Number(repeats); i++) {
    const copy = data.slice(); // a new array: the walk is remembered per array
    parse(copy);
    const start = performance.now();
    scans(copy);
    best = Math.min(best, performance.now() - start);
  }
  return best;
});
process.stdout.write(JSON.stringify(times) + '\n');

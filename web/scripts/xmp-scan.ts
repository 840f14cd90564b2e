/**
 * How much work the XMP reader does on packets, for tests/formats/test_xmp.py and bench/hostile_files.py.
 *
 *   tsx scripts/xmp-scan.ts count FILE...   characters scanned by String.prototype.indexOf per packet
 *   tsx scripts/xmp-scan.ts time FILE...    milliseconds per packet (median of 3)
 *
 * Each FILE holds one packet (UTF-8). Prints one JSON array with a number per file.
 */

import { readFileSync } from 'node:fs';
import { findings } from '../src/engine/formats/xmp';

function count(packet: string): number {
  const original = String.prototype.indexOf;
  let scanned = 0;
  String.prototype.indexOf = function (this: string, needle: string, from?: number): number {
    const start = Math.max(0, from ?? 0);
    const found = original.call(this, needle, start);
    scanned += (found < 0 ? this.length : found + needle.length) - start;
    return found;
  };
  try {
    findings(packet, 'XMP', 0, 0);
  } finally {
    String.prototype.indexOf = original;
  }
  return scanned;
}

function time(packet: string): number {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    findings(packet, 'XMP', 0, 0);
    runs.push(performance.now() - start);
  }
  return runs.sort((a, b) => a - b)[1]!;
}

const [mode, ...files] = process.argv.slice(2);
if (mode !== 'count' && mode !== 'time') {
  process.stderr.write('usage: xmp-scan.ts count|time FILE...\n');
  process.exitCode = 2;
} else {
  const measure = mode === 'count' ? count : time;
  process.stdout.write(JSON.stringify(files.map((f) => measure(readFileSync(f, 'utf8')))) + '\n');
}

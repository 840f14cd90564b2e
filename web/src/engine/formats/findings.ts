/**
 * Findings: what a file carries, as data (mirrors src/privpix/formats/findings.py).
 *
 * One vocabulary for both engines. The web app renders findings for people; the conformance test
 * checks that both engines report the same ones for every corpus file.
 */

export type Category = 'location' | 'device' | 'time' | 'people' | 'embedded' | 'blocks' | 'kept';

/** [key, heading] in the order people read them. */
export const CATEGORIES: ReadonlyArray<readonly [Category, string]> = [
  ['location', 'Location'],
  ['device', 'Device'],
  ['time', 'Time'],
  ['people', 'People and rights'],
  ['embedded', 'Embedded images'],
  ['blocks', 'Other blocks'],
  ['kept', 'Kept by a strip'],
];

/** One thing a file carries: `value` of `label`, found in `block` at `offset`. */
export interface Finding {
  category: Category;
  label: string;
  value: string;
  block: string;
  offset: number;
  length: number;
  data?: Record<string, number | null>;
}

export function finding(
  category: Category,
  label: string,
  value: string,
  block: string,
  offset: number,
  length: number,
  data?: Record<string, number | null>,
): Finding {
  const f: Finding = { category, label, value, block, offset, length };
  if (data !== undefined) f.data = data;
  return f;
}

/** Everything `inspect` learns about one file. */
export interface Inspection {
  format: string;
  mime: string;
  width: number | null;
  height: number | null;
  findings: Finding[];
  warnings: string[];
  /** The file was cut short: what is there was read (a warning says where). */
  damaged: boolean;
}

/** What `before` reported that `after` no longer does (same category, label and value): the
 *  "removed" list of every tool's report (findings.py's removed_findings). */
export function removedFindings(before: Finding[], after: Finding[]): Finding[] {
  const key = (f: Finding): string => JSON.stringify([f.category, f.label, f.value]);
  const remaining = new Set(after.map(key));
  return before.filter((f) => !remaining.has(key(f)));
}

/** Sizes for people ("812 bytes", "4.5 kB", "1.96 MB"), in integer arithmetic like the Python engine. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} byte${n === 1 ? '' : 's'}`;
  if (n < 1_000_000) {
    const tenths = Math.floor((n + 50) / 100);
    return `${Math.floor(tenths / 10)}.${tenths % 10} kB`;
  }
  const hundredths = Math.floor((n + 5_000) / 10_000);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')} MB`;
}

/** `x` with `digits` decimals, rounding half away from zero exactly as the Python engine does. */
export function formatFixed(x: number, digits: number): string {
  const negative = x < 0;
  const scale = 10 ** digits;
  const scaled = Math.floor(Math.abs(x) * scale + 0.5);
  const whole = Math.floor(scaled / scale);
  const frac = scaled % scale;
  const text = digits ? `${whole}.${String(frac).padStart(digits, '0')}` : `${whole}`;
  return negative && scaled ? `-${text}` : text;
}

/** Strip ASCII whitespace and NULs only, like the Python engine's `trim`. */
export function trim(text: string): string {
  return text.replace(/^[ \t\n\r\v\f\0]+|[ \t\n\r\v\f\0]+$/g, '');
}

/** "1 tag", "2 tags". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

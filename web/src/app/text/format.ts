/** Numbers for people, shared by the tools' screens (sizes as the engines write them in their reports). */

/** "812 bytes", "4.5 kB", "1.96 MB" (decimal units, as the CLI prints them). */
export { formatBytes } from '../../engine/formats/findings';

/** How much smaller (or larger) `after` is than `before`: "73% smaller", "12% larger", "the same size". */
export function savedText(before: number, after: number): string {
  if (before <= 0) return '';
  const pct = ((before - after) / before) * 100;
  if (Math.abs(pct) < 0.5) return after === before ? 'the same size' : pct > 0 ? '<1% smaller' : '<1% larger';
  return pct > 0 ? `${Math.round(pct)}% smaller` : `${Math.round(-pct)}% larger`;
}

/** "4032 × 3024" */
export function dimensions(width: number, height: number): string {
  return `${width} × ${height}`;
}

/** Several things in one phrase: "one file", "3 files". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n === 1 ? 'one' : n} ${n === 1 ? noun : plural}`;
}

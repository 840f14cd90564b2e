/** The report's words and numbers for people. */
import type { Place, RiskLevel } from './protocol';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2021-05-12 18:03:11" → "12 May 2021" (the camera's own clock: no time zone is assumed). */
export function day(taken: string): string {
  const [y, m, d] = [taken.slice(0, 4), Number(taken.slice(5, 7)), Number(taken.slice(8, 10))];
  return `${d} ${MONTHS[m - 1] ?? '?'} ${y}`;
}

/** "12 May 2021 – 3 Jun 2023", one day when both ends fall on it, "" when no photo had a time. */
export function dateRange(first: string | null, last: string | null): string {
  if (!first || !last) return '';
  const [a, b] = [day(first), day(last)];
  return a === b ? a : `${a} – ${b}`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

export const RISK_LABEL: Record<RiskLevel, string> = { high: 'High', medium: 'Medium', low: 'Low', none: 'None' };

/** One line under a place's name: "23 photos · 14 days · 12 May 2021 – 3 Jun 2023". */
export function placeLine(p: Place): string {
  return [count(p.photos, 'photo'), p.days ? count(p.days, 'day') : '', dateRange(p.first, p.last)].filter(Boolean).join(' · ');
}

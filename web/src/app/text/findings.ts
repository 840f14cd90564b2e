/** Findings (the engines' metadata vocabulary) as short phrases for people; shared by the tools. */

export interface LabelledFinding {
  label: string;
}

/** "GPS position, Altitude, Camera make (2×)" */
export function labelList(findings: readonly LabelledFinding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.label, (counts.get(f.label) ?? 0) + 1);
  return [...counts].map(([label, n]) => (n > 1 ? `${label} (${n}×)` : label)).join(', ');
}

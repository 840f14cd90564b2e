/** Findings as a person reads them: a few summary lines, then everything grouped by category. */
import type { Finding } from './protocol';

export interface SummaryLine {
  label: string;
  text: string;
}

const value = (findings: Finding[], label: string): string | undefined =>
  findings.find((f) => f.label === label)?.value;

function cameraName(make: string | undefined, model: string | undefined): string {
  if (!make) return model ?? '';
  if (!model) return make;
  const brand = make.split(/\s+/)[0]!.toLowerCase();
  return model.toLowerCase().startsWith(brand) ? model : `${make} ${model}`;
}

/** "Location: 43.46745° N, 11.88513° E", "Camera: NIKON COOLPIX P6000, serial …", "Taken: …", … */
export function summarise(findings: Finding[]): SummaryLine[] {
  const lines: SummaryLine[] = [];
  const location = value(findings, 'GPS position') ?? value(findings, 'GPS block');
  if (location) lines.push({ label: 'Location', text: location });

  const camera = [cameraName(value(findings, 'Camera make'), value(findings, 'Camera model'))];
  const serial = value(findings, 'Body serial number');
  if (serial) camera.push(`serial ${serial}`);
  const lens = value(findings, 'Lens');
  if (lens) camera.push(`lens ${lens}`);
  const cameraText = camera.filter(Boolean).join(', ');
  if (cameraText) lines.push({ label: 'Camera', text: cameraText });

  const taken = value(findings, 'Taken') ?? value(findings, 'Digitized');
  if (taken) {
    const zone = value(findings, 'Time zone');
    lines.push({ label: 'Taken', text: zone ? `${taken} (${zone})` : taken });
  } else {
    const modified = value(findings, 'Modified');
    if (modified) lines.push({ label: 'Modified', text: modified });
  }

  // The same words in two places (IPTC and XMP keywords, EXIF and XMP artist) are one line.
  const names = [...new Set(findings.filter((f) => f.category === 'people').map((f) => `${f.label} ${f.value}`))];
  if (names.length) lines.push({ label: 'People', text: names.join('; ') });

  const hidden = [
    ...new Set(findings.filter((f) => f.category === 'embedded' || f.category === 'blocks').map((f) => f.label)),
  ];
  if (hidden.length) lines.push({ label: 'Also', text: hidden.join(', ') });
  return lines;
}

export interface FindingGroup {
  key: string;
  heading: string;
  findings: Finding[];
}

/** Findings grouped under the engine's category headings (`categories`: [key, heading] in reading
 * order, as the worker reports them), categories the list does not name last. */
export function groupFindings(findings: Finding[], categories: readonly (readonly [string, string])[]): FindingGroup[] {
  const known: FindingGroup[] = categories.map(([key, heading]) => ({
    key,
    heading,
    findings: findings.filter((f) => f.category === key),
  }));
  const keys = new Set<string>(categories.map(([key]) => key));
  const other = findings.filter((f) => !keys.has(f.category));
  if (other.length) known.push({ key: 'other', heading: 'Other', findings: other });
  return known.filter((g) => g.findings.length > 0);
}

export { labelList } from '../../app/text/findings';

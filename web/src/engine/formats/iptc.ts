/**
 * IPTC-IIM records and the Photoshop image resource blocks (IRB, "8BIM") that usually carry them
 * (mirrors src/privpix/formats/iptc.py). Strip removes both whole; inspect reads creator, copyright,
 * captions, keywords, dates and places.
 */

import { type Bytes, latin1, readU32, utf8 } from './binary';
import { type Category, type Finding, finding, formatBytes, trim } from './findings';

/** [record, dataset, category, label] */
export const DATASETS: ReadonlyArray<readonly [number, number, Category, string]> = [
  [2, 90, 'location', 'City'],
  [2, 92, 'location', 'Sublocation'],
  [2, 95, 'location', 'State/province'],
  [2, 101, 'location', 'Country'],
  [2, 55, 'time', 'Taken (date)'],
  [2, 60, 'time', 'Taken (time)'],
  [2, 62, 'time', 'Digitized (date)'],
  [2, 80, 'people', 'Creator'],
  [2, 85, 'people', "Creator's job title"],
  [2, 116, 'people', 'Copyright'],
  [2, 110, 'people', 'Credit'],
  [2, 115, 'people', 'Source'],
  [2, 5, 'people', 'Title'],
  [2, 120, 'people', 'Caption'],
  [2, 122, 'people', 'Caption writer'],
  [2, 25, 'people', 'Keywords'],
  [2, 118, 'people', 'Contact'],
];

export const IRB_NAMES: Record<number, string> = {
  0x0404: 'IPTC',
  0x040c: 'thumbnail',
  0x0409: 'thumbnail',
  0x040f: 'ICC profile',
  0x0422: 'EXIF',
  0x0423: 'EXIF',
  0x0424: 'XMP',
  0x0425: 'IPTC digest',
};
export const IRB_IPTC = 0x0404;
export const IRB_THUMBNAILS = [0x0409, 0x040c];

export interface Resource {
  id: number;
  offset: number;
  length: number;
}

/** [record, dataset, value] triples; stops quietly at the first malformed record. */
export function parseIim(data: Bytes): [number, number, Bytes][] {
  const out: [number, number, Bytes][] = [];
  let pos = 0;
  while (pos + 5 <= data.length && data[pos] === 0x1c) {
    const record = data[pos + 1]!;
    const dataset = data[pos + 2]!;
    let size = (data[pos + 3]! << 8) | data[pos + 4]!;
    pos += 5;
    if (size & 0x8000) {
      const n = size & 0x7fff;
      if (n > 4 || pos + n > data.length) break;
      size = 0;
      for (let i = 0; i < n; i++) size = size * 256 + data[pos + i]!;
      pos += n;
    }
    if (pos + size > data.length) break;
    out.push([record, dataset, data.subarray(pos, pos + size)]);
    pos += size;
  }
  return out;
}

function charsetIsUtf8(records: [number, number, Bytes][]): boolean {
  return records.some(([r, d, v]) => r === 1 && d === 90 && v.length === 3 && v[0] === 0x1b && v[1] === 0x25 && v[2] === 0x47);
}

export function iimFindings(data: Bytes, block: string, offset: number, length: number): Finding[] {
  const records = parseIim(data);
  const isUtf8 = charsetIsUtf8(records);
  const values = new Map<string, string[]>();
  for (const [record, dataset, raw] of records) {
    if (!DATASETS.some(([r, d]) => r === record && d === dataset)) continue;
    const value = trim(isUtf8 ? utf8(raw) : latin1(raw));
    if (!value) continue;
    const key = `${record}:${dataset}`;
    const list = values.get(key) ?? [];
    list.push(value);
    values.set(key, list);
  }
  const out: Finding[] = [];
  for (const [record, dataset, category, label] of DATASETS) {
    const list = values.get(`${record}:${dataset}`);
    if (list) out.push(finding(category, label, list.join(', '), block, offset, length));
  }
  return out;
}

const IRB_SIGNATURES = ['8BIM', 'PHUT', 'DCSR', 'AgHg', 'MeSa'];

/** Photoshop image resources ("8BIM" blocks); stops quietly at the first malformed one. */
export function parseIrb(data: Bytes): Resource[] {
  const out: Resource[] = [];
  let pos = 0;
  while (pos + 12 <= data.length && IRB_SIGNATURES.includes(latin1(data.subarray(pos, pos + 4)))) {
    const id = (data[pos + 4]! << 8) | data[pos + 5]!;
    const nameLen = data[pos + 6]!;
    pos += 6 + ((nameLen + 2) & ~1);
    if (pos + 4 > data.length) break;
    const size = readU32(data, pos, false);
    pos += 4;
    if (pos + size > data.length) break;
    out.push({ id, offset: pos, length: size });
    pos += size + (size & 1);
  }
  return out;
}

/** Findings for a Photoshop IRB block (the payload after "Photoshop 3.0\0"). */
export function irbFindings(data: Bytes, block: string, offset: number, length: number): Finding[] {
  const out: Finding[] = [];
  const resources = parseIrb(data);
  for (const res of resources) {
    if (res.id === IRB_IPTC) out.push(...iimFindings(data.subarray(res.offset, res.offset + res.length), block, offset, length));
  }
  for (const res of resources) {
    if (IRB_THUMBNAILS.includes(res.id)) {
      out.push(finding('embedded', 'Photoshop thumbnail', `JPEG, ${formatBytes(res.length)}`, block, offset, length));
    }
  }
  const names = [...new Set(resources.map((r) => IRB_NAMES[r.id] ?? 'other'))].sort();
  out.push(
    finding('blocks', 'Photoshop IRB', `${resources.length} resources (${names.join(', ')}), ${formatBytes(length)}`, block, offset, length),
  );
  return out;
}

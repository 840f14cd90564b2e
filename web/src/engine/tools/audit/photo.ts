/**
 * One photo's audit: what it gives away, from the container walk that `inspect` does (mirrors
 * src/privpix/tools/audit/photo.py). Only metadata is read; no pixel is decoded.
 */

import type { Bytes } from '../../formats/binary';
import { FormatError } from '../../formats/errors';
import type { Finding, Inspection } from '../../formats/findings';
import * as jpeg from '../../formats/jpeg';
import { containerFor } from '../../formats/sniff';
import type { GpsFix, HiddenPicture, IdentityItem, IdentityKind, PhotoAudit, RiskLevel } from './types';

/** Finding keys by identity kind (the camera model is assembled separately, see `device`). */
const IDENTITY_KEYS: ReadonlyArray<readonly [IdentityKind, readonly string[]]> = [
  ['name', ['artist', 'author', 'author_windows', 'camera_owner', 'copyright', 'creator', 'creator_contact', 'rights_owner', 'caption_writer', 'credit', 'contact']],
  ['serial', ['body_serial_number', 'lens_serial_number', 'internal_serial_number', 'accessory_serial_number']],
  ['unique_id', ['image_unique_id', 'document_id', 'original_document_id']],
  ['software', ['software', 'host_computer']],
  ['maker_notes', ['maker_notes']],
];
const KIND_OF_KEY: ReadonlyMap<string, IdentityKind> = new Map(
  IDENTITY_KEYS.flatMap(([kind, keys]) => keys.map((key) => [key, kind] as const)),
);
const RISK_OF_KIND: Readonly<Record<IdentityKind, RiskLevel>> = {
  name: 'medium',
  serial: 'medium',
  unique_id: 'medium',
  software: 'low',
  device: 'low',
  maker_notes: 'low',
};
/** Place names written as text (a city, a country): not a position, but a place all the same. */
const PLACE_NAME_KEYS = new Set(['city', 'state_province', 'country', 'sublocation']);
/** Where the time a photo was taken comes from, best first. */
const TAKEN_KEYS = ['date_taken', 'date_created', 'date_digitized'];
const TAKEN_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})/;

/** `value` if it reads as a real date and time ("YYYY-MM-DD HH:MM:SS"), cut to that; else null. */
export function takenTime(value: string): string | null {
  const m = TAKEN_RE.exec(value);
  if (!m) return null;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (Number(m[1]) < 1900 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  return m[0];
}

function gpsFix(findings: Finding[]): GpsFix | null {
  const position = findings.find((f) => f.key === 'gps_position' && f.data);
  if (!position?.data) return null;
  const latitude = position.data['latitude'];
  const longitude = position.data['longitude'];
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return null;
  const altitude = findings.find((f) => f.key === 'gps_altitude' && typeof f.data?.['metres'] === 'number');
  return { latitude, longitude, altitude: (altitude?.data?.['metres'] as number | undefined) ?? null };
}

function taken(findings: Finding[]): string | null {
  for (const key of TAKEN_KEYS) {
    for (const f of findings) {
      if (f.key !== key) continue;
      const time = takenTime(f.value);
      if (time) return time;
    }
  }
  return null;
}

/** "Apple iPhone 6" from make "Apple" and model "iPhone 6"; the model alone when it already starts with
 *  the make's first word ("NIKON CORPORATION" + "NIKON D60" is "NIKON D60"). */
function device(findings: Finding[]): IdentityItem | null {
  const make = findings.find((f) => f.key === 'camera_make')?.value ?? '';
  const model = findings.find((f) => f.key === 'camera_model')?.value ?? '';
  if (!make && !model) return null;
  const brand = make.split(' ')[0]!.toLowerCase();
  const value = !make ? model : !model ? make : model.toLowerCase().startsWith(brand) ? model : `${make} ${model}`;
  return { kind: 'device', key: 'camera', label: 'Camera', value };
}

function identity(findings: Finding[]): IdentityItem[] {
  const items: IdentityItem[] = [];
  const seen = new Set<string>();
  const camera = device(findings);
  if (camera) items.push(camera);
  for (const f of findings) {
    const kind = KIND_OF_KEY.get(f.key);
    if (kind === undefined || !f.value) continue;
    const id = `${f.key}\u0000${f.value}`;
    if (seen.has(id)) continue;
    seen.add(id);
    items.push({ kind, key: f.key, label: f.label, value: f.value });
  }
  return items;
}

function hidden(findings: Finding[]): HiddenPicture[] {
  return findings.filter((f) => f.category === 'embedded').map((f) => ({ key: f.key, label: f.label, value: f.value }));
}

function assess(inspection: Inspection, gps: GpsFix | null, time: string | null, ids: IdentityItem[], pictures: HiddenPicture[]): [RiskLevel, string[]] {
  const byLevel: Record<RiskLevel, string[]> = { high: [], medium: [], low: [], none: [] };
  const position = inspection.findings.find((f) => f.key === 'gps_position');
  if (gps && position) byLevel.high.push(`GPS position: ${position.value}`);
  for (const f of inspection.findings) {
    if (PLACE_NAME_KEYS.has(f.key) && f.value) byLevel.medium.push(`${f.label}: ${f.value}`);
  }
  for (const item of ids) byLevel[RISK_OF_KIND[item.kind]].push(`${item.label}: ${item.value}`);
  if (time) byLevel.low.push(`Taken: ${time}`);
  for (const p of pictures) byLevel.low.push(`${p.label}: ${p.value}`);
  const level: RiskLevel = byLevel.high.length ? 'high' : byLevel.medium.length ? 'medium' : byLevel.low.length ? 'low' : 'none';
  return [level, [...byLevel.high, ...byLevel.medium, ...byLevel.low]];
}

/** The audit of an inspection already made (what `auditPhoto` does after reading the file). */
export function auditInspection(inspection: Inspection, name: string, size: number): PhotoAudit {
  const findings = inspection.findings;
  const gps = gpsFix(findings);
  const time = taken(findings);
  const ids = identity(findings);
  const pictures = hidden(findings);
  const [risk, reasons] = assess(inspection, gps, time, ids, pictures);
  return {
    name,
    size,
    format: inspection.format,
    error: null,
    damaged: inspection.damaged,
    gps,
    taken: time,
    identity: ids,
    hidden: pictures,
    risk,
    reasons,
  };
}

/**
 * What `inspect` finds, as far as an audit uses it, read without the picture data: a JPEG's walk
 * stops at its first scan (jpeg.readMetadataHead); the other containers' walks never read picture
 * data. So a sparse read (src/tools/audit/read.ts: the head and the few bytes the walk names, the
 * rest left zero) audits like the whole file (docs/audit.md).
 */
export function inspectMetadata(data: Bytes): Inspection {
  const container = containerFor(data);
  return container === jpeg ? jpeg.readMetadataHead(data) : container.readMetadata(data);
}

/**
 * What one file gives away. A file that is not an image privpix reads gets `error` (and no risk).
 * `walk` reads the metadata: `inspect` walks the whole file (the conformance tests compare the two).
 */
export function auditPhoto(data: Bytes, name: string, walk: (data: Bytes) => Inspection = inspectMetadata): PhotoAudit {
  let inspection: Inspection;
  try {
    inspection = walk(data);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    return {
      name,
      size: data.length,
      format: null,
      error: err.message,
      damaged: false,
      gps: null,
      taken: null,
      identity: [],
      hidden: [],
      risk: 'none',
      reasons: [],
    };
  }
  return auditInspection(inspection, name, data.length);
}

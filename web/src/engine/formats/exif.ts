/**
 * EXIF: the TIFF-structured block that JPEG (APP1), PNG (eXIf), WebP (EXIF), HEIC/AVIF (Exif item)
 * and TIFF itself carry (mirrors src/privpix/formats/exif.py).
 *
 * Three jobs: parse the IFDs tolerantly (a broken tag is skipped with a warning, never a crash), turn
 * the tags people care about into findings, and build the small EXIF a strip keeps (Orientation, plus
 * any groups the user asked to keep) in the source's byte order so kept values are copied verbatim.
 */

import { type Bytes, ByteWriter, packU16, packU32, readI32, readU16, readU32, untilNul, utf16, utf8 } from './binary';
import { FormatError } from './errors';
import { type Finding, finding, formatBytes, formatFixed, plural, trim } from './findings';
import * as makernotes from './makernotes';

export const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };
export const TYPE_SHORT = 3;
export const TYPE_LONG = 4;

export const TAG_ORIENTATION = 0x0112;
export const TAG_EXIF_IFD = 0x8769;
export const TAG_GPS_IFD = 0x8825;
export const TAG_INTEROP_IFD = 0xa005;
export const TAG_MAKERNOTE = 0x927c;
export const TAG_THUMB_OFFSET = 0x0201;
export const TAG_THUMB_LENGTH = 0x0202;
export const TAG_MAKE = 0x010f;
export const TAG_MODEL = 0x0110;

export type IfdName = 'ifd0' | 'exif' | 'gps';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** What each keep-group carries over, per IFD. Serial numbers and owner names are in no group. */
export const KEEP_GROUPS: Record<string, Record<IfdName, readonly number[]>> = {
  camera: {
    ifd0: [0x010f, 0x0110],
    exif: [
      0x829a, 0x829d, 0x8822, 0x8827, 0x8830, 0x8832, 0x9201, 0x9202, 0x9203, 0x9204,
      0x9205, 0x9207, 0x9208, 0x9209, 0x920a, 0xa402, 0xa403, 0xa404, 0xa405, 0xa406,
      0xa432, 0xa433, 0xa434,
    ],
    gps: [],
  },
  time: { ifd0: [0x0132], exif: [0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9290, 0x9291, 0x9292], gps: [] },
  rights: { ifd0: [0x013b, 0x8298], exif: [], gps: [] },
  location: { ifd0: [], exif: [], gps: range(0x0000, 0x0020) },
  // The position only (version, N/S, latitude, E/W, longitude), rounded by `blurredGps`.
  'blurred-location': { ifd0: [], exif: [], gps: [0x0000, 0x0001, 0x0002, 0x0003, 0x0004] },
};
export const KEEP_GROUP_NAMES = Object.keys(KEEP_GROUPS);
/** Every group with the exact position: what "keep all metadata" keeps (blurred-location is the
 * alternative to location, not an addition to it). */
export const KEEP_EVERYTHING = KEEP_GROUP_NAMES.filter((name) => name !== 'blurred-location');
/** "blurred-location" rounds latitude and longitude to 1/10 degree: about 11 km, the town but not the house. */
export const BLUR_STEPS_PER_DEGREE = 10;
const TYPE_RATIONAL = 5;
const TAG_GPS_LATITUDE = 0x0002;
const TAG_GPS_LONGITUDE = 0x0004;
/** An Exif IFD is only valid with ExifVersion, FlashpixVersion and ColorSpace; kept when present. */
export const EXIF_IFD_REQUIRED = [0x9000, 0xa000, 0xa001];

/** One IFD entry; `raw` holds the value bytes in the block's byte order. */
export interface Entry {
  tag: number;
  type: number;
  count: number;
  raw: Bytes;
  valueOffset: number;
}

export interface Ifd {
  offset: number;
  entries: Map<number, Entry>;
  nextOffset: number;
}

export class Exif {
  ifd0: Ifd | null = null;
  exif: Ifd | null = null;
  gps: Ifd | null = null;
  interop: Ifd | null = null;
  ifd1: Ifd | null = null;
  warnings: string[] = [];
  /** The bytes the entries' offsets count from (the block, or a TIFF file): maker notes point into it. */
  data: Bytes = new Uint8Array(0);

  constructor(readonly little: boolean) {}

  get orientation(): number | null {
    const entry = this.ifd0?.entries.get(TAG_ORIENTATION);
    const values = entry ? uints(entry, this.little) : [];
    const v = values[0];
    return v !== undefined && v >= 1 && v <= 8 ? v : null;
  }

  /** [offset, length] of the IFD1 JPEG thumbnail, relative to the TIFF header. */
  thumbnail(): [number, number] | null {
    if (!this.ifd1) return null;
    const off = this.ifd1.entries.get(TAG_THUMB_OFFSET);
    const size = this.ifd1.entries.get(TAG_THUMB_LENGTH);
    if (!off || !size) return null;
    const o = uints(off, this.little)[0];
    const n = uints(size, this.little)[0];
    return o !== undefined && n !== undefined && n > 0 ? [o, n] : null;
  }
}

function hexBytes(data: Bytes): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** True for little-endian ("II*\0"), false for big-endian ("MM\0*"). */
export function byteOrder(tiff: Bytes, fmt = 'EXIF', base = 0): boolean {
  const h = tiff.subarray(0, 4);
  if (h.length === 4 && h[0] === 0x49 && h[1] === 0x49 && h[2] === 0x2a && h[3] === 0) return true;
  if (h.length === 4 && h[0] === 0x4d && h[1] === 0x4d && h[2] === 0 && h[3] === 0x2a) return false;
  throw new FormatError(fmt, base, "expected a TIFF header 'II*\\0' or 'MM\\0*'", hexBytes(h) || 'end of data');
}

/** Parse one IFD at `offset` (relative to the TIFF header at `base` in the file). */
export const READ_FACTOR = 4;

/**
 * How many bytes of IFD tables and out-of-line values one parse may read: READ_FACTOR times the size
 * of the block (mirrors exif.py). A well-formed file is read about once; a crafted one can point
 * thousands of entries, or IFDs, at the same megabytes and make a parse copy them thousands of times.
 */
export class ReadBudget {
  private left: number;
  constructor(size: number) {
    this.left = READ_FACTOR * size;
  }

  take(n: number, fmt: string, offset: number): void {
    this.left -= n;
    if (this.left < 0) {
      throw new FormatError(fmt, offset,
        `expected directories and values that do not overlap, but reading them takes more than ${READ_FACTOR} times the size of the block`);
    }
  }
}

/**
 * Parse one IFD at `offset` (relative to the TIFF header at `base` in the file), counting what it
 * reads against `budget` (one per parse; a fresh one when not given).
 */
export function readIfd(
  tiff: Bytes, offset: number, little: boolean, fmt: string, warnings: string[], base = 0, budget: ReadBudget = new ReadBudget(tiff.length),
): Ifd {
  if (offset < 8 || offset + 2 > tiff.length) {
    throw new FormatError(fmt, base + offset, 'expected an IFD inside the block', `offset ${offset} of ${tiff.length}`);
  }
  const count = readU16(tiff, offset, little);
  const end = offset + 2 + 12 * count;
  if (end > tiff.length) {
    throw new FormatError(fmt, base + offset, `expected an IFD of ${count} entries`, 'the block ends first');
  }
  budget.take(end - offset, fmt, base + offset);
  const ifd: Ifd = { offset, entries: new Map(), nextOffset: 0 };
  for (let i = 0; i < count; i++) {
    const pos = offset + 2 + 12 * i;
    const tag = readU16(tiff, pos, little);
    const type = readU16(tiff, pos + 2, little);
    const n = readU32(tiff, pos + 4, little);
    const size = TYPE_SIZES[type];
    if (size === undefined) {
      warnings.push(`${fmt} tag 0x${hex4(tag)} has unknown type ${type}; skipped`);
      continue;
    }
    const total = size * n;
    let valueOffset: number;
    if (total <= 4) {
      valueOffset = pos + 8;
    } else {
      valueOffset = readU32(tiff, pos + 8, little);
      if (valueOffset + total > tiff.length) {
        warnings.push(`${fmt} tag 0x${hex4(tag)} points outside the block; skipped`);
        continue;
      }
      budget.take(total, fmt, base + valueOffset);
    }
    ifd.entries.set(tag, { tag, type, count: n, raw: tiff.slice(valueOffset, valueOffset + total), valueOffset });
  }
  if (end + 4 <= tiff.length) ifd.nextOffset = readU32(tiff, end, little);
  return ifd;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** Parse an EXIF block (TIFF header onwards). Broken sub-IFDs become warnings. */
export function parse(tiff: Bytes, fmt = 'EXIF', base = 0): Exif {
  const little = byteOrder(tiff, fmt, base);
  if (tiff.length < 8) throw new FormatError(fmt, base, 'expected an 8-byte TIFF header', `${tiff.length} bytes`);
  const exif = new Exif(little);
  exif.data = tiff;
  const budget = new ReadBudget(tiff.length);
  const ifd0 = readIfd(tiff, readU32(tiff, 4, little), little, fmt, exif.warnings, base, budget);
  exif.ifd0 = ifd0;
  const seen = new Set([ifd0.offset]);

  const sub = (ifd: Ifd | null, tag: number, name: string): Ifd | null => {
    const entry = ifd?.entries.get(tag);
    if (entry === undefined) return null;
    const first = uints(entry, little)[0];
    if (first === undefined || seen.has(first)) {
      exif.warnings.push(`${fmt} ${name} pointer is invalid; ignored`);
      return null;
    }
    seen.add(first);
    try {
      return readIfd(tiff, first, little, fmt, exif.warnings, base, budget);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      exif.warnings.push(`${name}: ${err.expected}; ignored`);
      return null;
    }
  };

  exif.exif = sub(exif.ifd0, TAG_EXIF_IFD, 'Exif IFD');
  exif.gps = sub(exif.ifd0, TAG_GPS_IFD, 'GPS IFD');
  exif.interop = sub(exif.exif, TAG_INTEROP_IFD, 'Interoperability IFD');
  const nxt = ifd0.nextOffset;
  if (nxt && !seen.has(nxt)) {
    try {
      exif.ifd1 = readIfd(tiff, nxt, little, fmt, exif.warnings, base, budget);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      exif.warnings.push(`IFD1: ${err.expected}; ignored`);
    }
  }
  return exif;
}

// ---- value decoding ---------------------------------------------------------------------------------

export function uints(entry: Entry, little: boolean): number[] {
  const out: number[] = [];
  if (entry.type === 1 || entry.type === 7) return Array.from(entry.raw);
  if (entry.type === 3) {
    for (let i = 0; i < entry.count; i++) out.push(readU16(entry.raw, 2 * i, little));
  } else if (entry.type === 4 || entry.type === 13) {
    for (let i = 0; i < entry.count; i++) out.push(readU32(entry.raw, 4 * i, little));
  }
  return out;
}

/** Rationals as floats; a zero denominator gives null. */
export function rationals(entry: Entry, little: boolean): (number | null)[] {
  if (entry.type !== 5 && entry.type !== 10) return [];
  const read = entry.type === 5 ? readU32 : readI32;
  const out: (number | null)[] = [];
  for (let i = 0; i < entry.count; i++) {
    const num = read(entry.raw, 8 * i, little);
    const den = read(entry.raw, 8 * i + 4, little);
    out.push(den ? num / den : null);
  }
  return out;
}

/** An ASCII (or, in practice, UTF-8) string value, cut at the first NUL and trimmed. */
export function text(entry: Entry): string {
  return trim(utf8(untilNul(entry.raw)));
}

/** UserComment: an 8-byte character-code header, then the text. */
export function userComment(entry: Entry): string {
  const head = entry.raw.subarray(0, 8);
  const body = entry.raw.subarray(8);
  const isUnicode = head.length >= 7 && String.fromCharCode(...head.subarray(0, 7)) === 'UNICODE';
  const raw = isUnicode ? utf16(body, body[0] !== 0) : utf8(body);
  return trim(raw.replaceAll('\x00', ''));
}

/** Windows XP* tags: UTF-16LE in a BYTE array. */
export function xpText(entry: Entry): string {
  return trim(utf16(entry.raw, true).replaceAll('\x00', ''));
}

/** "2008:10:22 16:29:49" -> "2008-10-22 16:29:49"; anything else unchanged. */
export function exifDate(value: string): string {
  if (value.length >= 10 && value[4] === ':' && value[7] === ':') {
    return `${value.slice(0, 4)}-${value.slice(5, 7)}-${value.slice(8)}`;
  }
  return value;
}

// ---- findings ---------------------------------------------------------------------------------------

type Decoder = 'text' | 'date' | 'xp' | 'comment';
type TagRow = readonly [number, Finding['category'], string, Decoder];

const TEXT_TAGS: Record<'ifd0' | 'exif', readonly TagRow[]> = {
  ifd0: [
    [0x010f, 'device', 'Camera make', 'text'],
    [0x0110, 'device', 'Camera model', 'text'],
    [0x0131, 'device', 'Software', 'text'],
    [0x013c, 'device', 'Host computer', 'text'],
    [0xc62f, 'device', 'Body serial number', 'text'],
    [0x0132, 'time', 'Modified', 'date'],
    [0x010e, 'people', 'Description', 'text'],
    [0x010d, 'people', 'Document name', 'text'],
    [0x011d, 'people', 'Page name', 'text'],
    [0x013b, 'people', 'Artist', 'text'],
    [0x8298, 'people', 'Copyright', 'text'],
    [0x9c9b, 'people', 'Title (Windows)', 'xp'],
    [0x9c9c, 'people', 'Comment (Windows)', 'xp'],
    [0x9c9d, 'people', 'Author (Windows)', 'xp'],
    [0x9c9e, 'people', 'Keywords (Windows)', 'xp'],
    [0x9c9f, 'people', 'Subject (Windows)', 'xp'],
  ],
  exif: [
    [0xa431, 'device', 'Body serial number', 'text'],
    [0xa433, 'device', 'Lens make', 'text'],
    [0xa434, 'device', 'Lens', 'text'],
    [0xa435, 'device', 'Lens serial number', 'text'],
    [0xa420, 'device', 'Image unique ID', 'text'],
    [0x9003, 'time', 'Taken', 'date'],
    [0x9004, 'time', 'Digitized', 'date'],
    [0x9011, 'time', 'Time zone', 'text'],
    [0x9010, 'time', 'Time zone (modified)', 'text'],
    [0x9012, 'time', 'Time zone (digitized)', 'text'],
    [0xa430, 'people', 'Camera owner', 'text'],
    [0x9286, 'people', 'User comment', 'comment'],
  ],
};

function decode(entry: Entry, how: Decoder): string {
  if (how === 'xp') return xpText(entry);
  if (how === 'comment') return userComment(entry);
  const value = text(entry);
  return how === 'date' ? exifDate(value) : value;
}

function dms(entry: Entry | undefined, little: boolean): number | null {
  if (entry === undefined) return null;
  const parts = rationals(entry, little);
  const [d, m, s] = parts;
  if (parts.length < 3 || d == null || m == null || s == null) return null;
  return d + m / 60 + s / 3600;
}

function ref(entry: Entry | undefined): string {
  return entry !== undefined ? text(entry).slice(0, 1).toUpperCase() : '';
}

export function formatPosition(lat: number, lon: number): string {
  const ns = lat < 0 ? 'S' : 'N';
  const ew = lon < 0 ? 'W' : 'E';
  return `${formatFixed(Math.abs(lat), 5)}° ${ns}, ${formatFixed(Math.abs(lon), 5)}° ${ew}`;
}

function gpsFindings(exif: Exif, block: string, offset: number, length: number): Finding[] {
  const gps = exif.gps;
  if (gps === null) return [];
  const out: Finding[] = [];
  const g = gps.entries;
  let lat = dms(g.get(0x0002), exif.little);
  let lon = dms(g.get(0x0004), exif.little);
  if (lat !== null && lon !== null) {
    if (ref(g.get(0x0001)) === 'S') lat = -lat;
    if (ref(g.get(0x0003)) === 'W') lon = -lon;
    out.push(finding('location', 'GPS position', formatPosition(lat, lon), block, offset, length, { latitude: lat, longitude: lon }));
  }
  const altEntry = g.get(0x0006);
  const alt = altEntry ? rationals(altEntry, exif.little) : [];
  const first = alt[0];
  if (first != null) {
    const refEntry = g.get(0x0005);
    const below = refEntry !== undefined && uints(refEntry, exif.little)[0] === 1;
    const metres = below ? -first : first;
    out.push(
      finding('location', 'Altitude', `${formatFixed(Math.abs(metres), 1)} m ${metres < 0 ? 'below' : 'above'} sea level`,
        block, offset, length, { metres }),
    );
  }
  if (out.length === 0) out.push(finding('location', 'GPS block', `${g.size} GPS tags, no coordinates`, block, offset, length));
  const stamp = g.get(0x0007);
  const date = g.get(0x001d);
  if (date !== undefined) {
    let when = exifDate(text(date));
    const parts = stamp ? rationals(stamp, exif.little) : [];
    const [h, m, s] = parts;
    if (parts.length >= 3 && h != null && m != null && s != null) {
      const two = (v: number) => String(Math.trunc(v)).padStart(2, '0');
      when += ` ${two(h)}:${two(m)}:${two(s)}`;
    }
    out.push(finding('time', 'GPS time (UTC)', when, block, offset, length));
  }
  return out;
}

/** The serial numbers the maker notes hold (block "<block> MakerNotes"), then the notes themselves. */
function makernoteFindings(exif: Exif, note: Entry, block: string, offset: number, length: number): Finding[] {
  const makeEntry = exif.ifd0?.entries.get(TAG_MAKE);
  const modelEntry = exif.ifd0?.entries.get(TAG_MODEL);
  const make = makeEntry ? text(makeEntry) : '';
  const model = modelEntry ? text(modelEntry) : '';
  const out = makernotes.serials(exif.data, note, exif.little, make, model)
    .map((serial) => finding('device', serial.label, serial.value, `${block} MakerNotes`, offset, length));
  const value = `${makernotes.vendor(note.raw, make)}, ${formatBytes(note.raw.length)} of vendor data (can hold serial numbers)`;
  out.push(finding('blocks', 'MakerNotes', value, block, offset, length));
  return out;
}

/**
 * Findings for an EXIF block that lives at `offset`/`length` in the file. `orientation` false leaves
 * out the kept Orientation (HEIF readers ignore EXIF orientation; irot/imir rule).
 */
export function findings(exif: Exif, block: string, offset: number, length: number, orientation = true): Finding[] {
  const out: Finding[] = [...gpsFindings(exif, block, offset, length)];
  for (const name of ['ifd0', 'exif'] as const) {
    const ifd = name === 'ifd0' ? exif.ifd0 : exif.exif;
    if (ifd === null) continue;
    for (const [tag, category, label, how] of TEXT_TAGS[name]) {
      const entry = ifd.entries.get(tag);
      if (entry === undefined) continue;
      const value = decode(entry, how);
      if (value) out.push(finding(category, label, value, block, offset, length));
    }
  }
  const note = exif.exif?.entries.get(TAG_MAKERNOTE);
  if (note !== undefined) out.push(...makernoteFindings(exif, note, block, offset, length));
  const thumb = exif.thumbnail();
  if (thumb !== null) out.push(finding('embedded', 'EXIF thumbnail', `JPEG, ${formatBytes(thumb[1])}`, block, offset, length));
  const value = exif.orientation;
  if (orientation && value !== null) {
    out.push(finding('kept', 'Orientation', ORIENTATION_NAMES[value]!, block, offset, length, { orientation: value }));
  }
  return out;
}

/**
 * Everything an EXIF block (`block` at `offset`/`length` in the file) says, then the block itself;
 * an unreadable block becomes a warning and an "unreadable" finding.
 */
export function blockFindings(
  tiff: Bytes,
  block: string,
  offset: number,
  length: number,
  warnings: string[],
  base = 0,
  orientation = true,
): Finding[] {
  let info: Exif;
  try {
    info = parse(tiff, 'EXIF', base);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    warnings.push(`${block} at byte ${offset}: the EXIF block is unreadable (${err.expected})`);
    return [finding('blocks', 'EXIF', `${formatBytes(length)}, unreadable`, block, offset, length)];
  }
  warnings.push(...info.warnings);
  const out = findings(info, block, offset, length, orientation);
  let tags = 0;
  for (const ifd of [info.ifd0, info.exif, info.gps, info.interop, info.ifd1]) if (ifd) tags += ifd.entries.size;
  out.push(finding('blocks', 'EXIF', `${formatBytes(length)}, ${plural(tags, 'tag')}`, block, offset, length));
  return out;
}

export const ORIENTATION_NAMES: Record<number, string> = {
  1: 'upright (1)',
  2: 'mirrored (2)',
  3: 'rotated 180° (3)',
  4: 'mirrored vertically (4)',
  5: 'mirrored and rotated 90° counter-clockwise (5)',
  6: 'rotated 90° clockwise (6)',
  7: 'mirrored and rotated 90° clockwise (7)',
  8: 'rotated 90° counter-clockwise (8)',
};

// ---- building the EXIF a strip keeps ----------------------------------------------------------------

export type KeptTags = Record<IfdName, Set<number>>;

/** The tags to carry over per IFD for the user's keep-groups. */
export function keptTags(keep: Iterable<string>, orientation: boolean): KeptTags {
  const groups = [...keep].sort();
  if (groups.includes('location') && groups.includes('blurred-location')) {
    throw new Error('keep either location or blurred-location, not both');
  }
  const out: KeptTags = { ifd0: new Set(), exif: new Set(), gps: new Set() };
  if (orientation) out.ifd0.add(TAG_ORIENTATION);
  for (const group of groups) {
    const spec = KEEP_GROUPS[group];
    if (!spec) throw new Error(`unknown keep group: ${group}`);
    for (const ifdName of ['ifd0', 'exif', 'gps'] as const) for (const tag of spec[ifdName]) out[ifdName].add(tag);
  }
  if (out.exif.size) for (const tag of EXIF_IFD_REQUIRED) out.exif.add(tag);
  return out;
}

/** `degrees` (≥ 0) rounded to 1/BLUR_STEPS_PER_DEGREE, as three RATIONALs: degrees, minutes, 0 seconds. */
function blurredDegrees(degrees: number, little: boolean): Bytes {
  const steps = Math.floor(degrees * BLUR_STEPS_PER_DEGREE + 0.5);
  const whole = Math.floor(steps / BLUR_STEPS_PER_DEGREE);
  const part = steps % BLUR_STEPS_PER_DEGREE;
  const out = new ByteWriter();
  for (const n of [whole, 1, Math.floor((part * 60) / BLUR_STEPS_PER_DEGREE), 1, 0, 1]) out.push(packU32(n, little));
  return out.bytes();
}

/** The GPS IFD with its position rounded to about 11 km ("blurred-location"); null when it has no
 *  readable position (then no position is kept at all). */
export function blurredGps(info: Exif): Ifd | null {
  const gps = info.gps;
  if (gps === null) return null;
  const lat = dms(gps.entries.get(TAG_GPS_LATITUDE), info.little);
  const lon = dms(gps.entries.get(TAG_GPS_LONGITUDE), info.little);
  if (lat === null || lon === null || !(lat >= 0 && lat <= 90 && lon >= 0 && lon <= 180)) return null;
  const entries = new Map(gps.entries);
  for (const [tag, value] of [[TAG_GPS_LATITUDE, lat], [TAG_GPS_LONGITUDE, lon]] as const) {
    entries.set(tag, { tag, type: TYPE_RATIONAL, count: 3, raw: blurredDegrees(value, info.little), valueOffset: 0 });
  }
  return { offset: gps.offset, entries, nextOffset: gps.nextOffset };
}

/**
 * The EXIF a strip writes in place of `tiff`: Orientation (when `orientation` and the source has one)
 * plus the user's keep-groups, the position rounded for "blurred-location". Null when nothing is left
 * or the block is unreadable.
 */
export function keptBlock(tiff: Bytes, keep: Iterable<string>, orientation = true): Bytes | null {
  let info: Exif;
  try {
    info = parse(tiff, 'EXIF');
  } catch (err) {
    if (err instanceof FormatError) return null;
    throw err;
  }
  const groups = [...keep];
  const tags = keptTags(groups, orientation && info.orientation !== null);
  if (groups.includes('blurred-location')) info.gps = blurredGps(info);
  return build(info, tags);
}

/** Bytes an IFD takes when written by `writeIfd`: table plus out-of-line values. */
export function ifdSize(entries: readonly Entry[]): number {
  let values = 0;
  for (const x of entries) if (x.raw.length > 4) values += x.raw.length + (x.raw.length & 1);
  return 2 + 12 * entries.length + 4 + values;
}

/**
 * Append an IFD at `out.length`: entry count, the entries in the given order, the next-IFD offset,
 * then the values longer than 4 bytes in entry order, each padded to even length. Values of up to
 * 4 bytes sit in the entry, left-aligned and zero-padded (as exif.py's `write_ifd`).
 */
export function writeIfd(out: ByteWriter, entries: readonly Entry[], nextOffset: number, little: boolean): void {
  const dataAt = out.length + 2 + 12 * entries.length + 4;
  const table = new ByteWriter().push(packU16(entries.length, little));
  const values = new ByteWriter();
  for (const entry of entries) {
    const raw = entry.raw;
    table.push(packU16(entry.tag, little), packU16(entry.type, little), packU32(entry.count, little));
    if (raw.length <= 4) {
      const cell = new Uint8Array(4);
      cell.set(raw);
      table.push(cell);
    } else {
      table.push(packU32(dataAt + values.length, little));
      values.push(raw);
      if (raw.length & 1) values.push(new Uint8Array(1));
    }
  }
  table.push(packU32(nextOffset, little));
  out.push(table.bytes(), values.bytes());
}

/**
 * A fresh TIFF-structured EXIF holding only `tags` (per IFD), in the source byte order. Layout
 * identical to exif.py's `build`: header; IFD0 (`writeIfd`); then the Exif IFD; then the GPS IFD.
 * Entries sorted by tag, no IFD1. Returns null when nothing is left to keep.
 */
export function build(exif: Exif, tags: KeptTags): Bytes | null {
  const little = exif.little;
  const skip = new Set([TAG_EXIF_IFD, TAG_GPS_IFD, TAG_INTEROP_IFD]);
  const pick = (ifd: Ifd | null, wanted: Set<number>): Entry[] =>
    ifd === null
      ? []
      : [...ifd.entries.keys()]
          .sort((a, b) => a - b)
          .filter((t) => wanted.has(t) && !skip.has(t))
          .map((t) => ifd.entries.get(t)!);

  const ifd0 = pick(exif.ifd0, tags.ifd0);
  const subExif = pick(exif.exif, tags.exif);
  const subGps = pick(exif.gps, tags.gps);
  if (!ifd0.length && !subExif.length && !subGps.length) return null;
  const exifAt = 8 + ifdSize(ifd0) + 12 * (Number(subExif.length > 0) + Number(subGps.length > 0));
  const gpsAt = exifAt + (subExif.length ? ifdSize(subExif) : 0);
  if (subExif.length) ifd0.push({ tag: TAG_EXIF_IFD, type: TYPE_LONG, count: 1, raw: packU32(exifAt, little), valueOffset: 0 });
  if (subGps.length) ifd0.push({ tag: TAG_GPS_IFD, type: TYPE_LONG, count: 1, raw: packU32(gpsAt, little), valueOffset: 0 });
  ifd0.sort((a, b) => a.tag - b.tag);

  const out = new ByteWriter();
  out.push(little ? Uint8Array.of(0x49, 0x49, 0x2a, 0) : Uint8Array.of(0x4d, 0x4d, 0, 0x2a), packU32(8, little));
  writeIfd(out, ifd0, 0, little);
  if (subExif.length) writeIfd(out, subExif, 0, little);
  if (subGps.length) writeIfd(out, subGps, 0, little);
  return out.bytes();
}

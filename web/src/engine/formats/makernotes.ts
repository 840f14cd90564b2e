/**
 * Maker notes: the camera maker's private block inside the Exif IFD (tag 0x927C), read only for the
 * serial numbers it holds (mirrors src/privpix/formats/makernotes.py).
 *
 * Each maker lays its notes out differently: a header (or none), an IFD, a byte order of its own or the
 * EXIF block's, and value offsets counted from the EXIF block's TIFF header or from the notes
 * themselves. `layout` below tells them apart; the tag ids come from the makers' tag tables as ExifTool
 * documents them (docs/strip.md, "Maker notes"). Everything here is bounded by the block and never
 * throws: a maker note that does not read as its maker's layout gives no serial numbers, not an error.
 */

import { ascii, type Bytes, latin1, readU16, readU32, startsWith, untilNul } from './binary';
import { FormatError } from './errors';
// exif imports this module too: its names are only used when a function here is called
import { type Entry, ReadBudget, readIfd, uints } from './exif';
import { trim } from './findings';

export const BODY = 'Body serial number';
export const LENS = 'Lens serial number';
export const INTERNAL = 'Internal serial number';
export const ACCESSORY = 'Accessory serial number';

/** An IFD with more entries than this is not a maker-notes IFD (the largest real ones have ~200). */
export const MAX_ENTRIES = 1000;
/** A serial number is a few dozen bytes; a longer value is cut here before it is shown. */
export const MAX_SERIAL_BYTES = 64;

const VENDOR_PREFIXES: readonly (readonly [string, string])[] = [
  ['Nikon', 'Nikon'],
  ['OLYMPUS', 'Olympus'],
  ['OLYMP', 'Olympus'],
  ['OM SYSTEM', 'OM System'],
  ['Apple iOS', 'Apple'],
  ['FUJIFILM', 'Fujifilm'],
  ['Panasonic', 'Panasonic'],
  ['SONY', 'Sony'],
  ['PENTAX', 'Pentax'],
  ['AOC', 'Pentax'],
  ['SAMSUNG', 'Samsung'],
  ['LEICA', 'Leica'],
  ['Ricoh', 'Ricoh'],
  ['RICOH', 'Ricoh'],
  ['SIGMA', 'Sigma'],
];

// ASCII-only case mapping: Unicode case rules differ between Python and JavaScript
const asciiUpper = (s: string): string => s.replace(/[a-z]/g, (c) => c.toUpperCase());
const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const starts = (raw: Bytes, prefix: string, at = 0): boolean => startsWith(raw, ascii(prefix), at);

/** Whose maker notes these are: from the notes' own header, else from the camera make. */
export function vendor(raw: Bytes, make: string): string {
  for (const [prefix, name] of VENDOR_PREFIXES) if (starts(raw, prefix)) return name;
  if (!make) return 'vendor';
  const word = make.split(' ')[0]!;
  return asciiUpper(word.slice(0, 1)) + asciiLower(word.slice(1));
}

/** One serial number found in maker notes: `label` is BODY, LENS, INTERNAL or ACCESSORY. */
export interface Serial {
  label: string;
  value: string;
}

interface Layout {
  /** Key into `TAGS`. */
  maker: string;
  /** The bytes the notes' offsets count from (the EXIF block, or the notes themselves). */
  view: Bytes;
  /** Where the notes' IFD starts in `view`. */
  ifdAt: number;
  /** The notes' byte order, or null when it must be told from the IFD's entry count. */
  little: boolean | null;
}

// ---- value decoders: (entry, little, model) -> [label, value] pairs ---------------------------------

type Decoder = (entry: Entry, little: boolean, model: string) => [string, string][];

function hex(raw: Bytes): string {
  return Array.from(raw, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Bytes as hexadecimal, or "" when they are all zero (a slot the camera left empty). */
function hexUnlessZero(raw: Bytes): string {
  return raw.some((b) => b !== 0) ? hex(raw) : '';
}

/**
 * A serial stored as text: up to the first NUL, without trailing padding (0xFF, spaces); bytes that
 * are not printable ASCII are shown as hexadecimal (a garbled or binary value is still one).
 */
function printable(raw: Bytes): string {
  let cut = untilNul(raw.subarray(0, MAX_SERIAL_BYTES));
  let end = cut.length;
  while (end > 0 && (cut[end - 1] === 0xff || cut[end - 1] === 0x20 || cut[end - 1] === 0x09)) end--;
  cut = cut.subarray(0, end);
  return cut.every((b) => b >= 0x20 && b < 0x7f) ? trim(latin1(cut)) : hex(cut);
}

const textAs = (label: string): Decoder => (entry) => [[label, printable(entry.raw)]];

const canonBody: Decoder = (entry, little, model) => {
  const n = uints(entry, little)[0];
  if ((entry.type !== 3 && entry.type !== 4) || !n) return [];
  // How Canon prints it on the camera, by model family (ExifTool's Canon tag 0x000C)
  if (/EOS D30\b/.test(model)) return [[BODY, `${(n >>> 16).toString(16).padStart(4, '0')}${String(n & 0xffff).padStart(5, '0')}`]];
  if (model.includes('EOS-1D')) return [[BODY, String(n).padStart(6, '0')]];
  return [[BODY, String(n).padStart(10, '0')]];
};

// The EOS 5D keeps it as a string 9 bytes into a small record
const canonInternal: Decoder = (entry, _little, model) => [[INTERNAL, printable(model.includes('EOS 5D') ? entry.raw.subarray(9) : entry.raw)]];

const canonLens: Decoder = (entry) => (entry.raw.length >= 5 ? [[LENS, hexUnlessZero(entry.raw.subarray(0, 5))]] : []);

const sonyBody: Decoder = (entry) => {
  let value = printable(entry.raw);
  if (/^\d{8}$/.test(value)) {
    // stored as four digit pairs in reverse order
    value = String(Number(value.slice(6, 8) + value.slice(4, 6) + value.slice(2, 4) + value.slice(0, 2))).padStart(8, '0');
  }
  return [[BODY, value]];
};

const ricoh: Decoder = (entry) => {
  const raw = entry.raw.subarray(0, 16);
  const asText = latin1(raw);
  return /^[-\w ]+$/.test(asText) ? [[BODY, trim(asText)]] : [[INTERNAL, hexUnlessZero(raw)]];
};

const nintendo: Decoder = (entry) => {
  const serial = entry.raw.length >= 0x1c ? hexUnlessZero(entry.raw.subarray(0x18, 0x1c)) : '';
  return serial ? [[INTERNAL, `0x${serial}`]] : [];
};

/** Olympus keeps body, lens and accessory serials in an Equipment IFD (a pointer, or the IFD inline). */
const OLYMPUS_EQUIPMENT = 0x2010;

const TAGS: Record<string, ReadonlyMap<number, Decoder>> = {
  canon: new Map([[0x000c, canonBody], [0x0096, canonInternal], [0x4019, canonLens]]),
  nikon: new Map([[0x001d, textAs(BODY)], [0x00a0, textAs(BODY)]]),
  olympus: new Map([[0x0404, textAs(BODY)], [0x101a, textAs(BODY)]]),
  'olympus-equipment': new Map([
    [0x0101, textAs(BODY)],
    [0x0102, textAs(INTERNAL)],
    [0x0202, textAs(LENS)],
    [0x0302, textAs(ACCESSORY)], // teleconverter
    [0x1003, textAs(ACCESSORY)], // flash
  ]),
  panasonic: new Map([[0x0025, textAs(INTERNAL)], [0x0052, textAs(LENS)], [0x0054, textAs(ACCESSORY)]]),
  fujifilm: new Map([[0x0010, textAs(INTERNAL)]]),
  sony: new Map([[0x2031, sonyBody]]),
  pentax: new Map([[0x0229, textAs(BODY)]]),
  ricoh: new Map([[0x0005, ricoh]]),
  samsung: new Map([[0xa002, textAs(BODY)], [0xa005, textAs(LENS)]]),
  nintendo: new Map([[0x1101, nintendo]]),
};

// ---- layouts ------------------------------------------------------------------------------------

function order(raw: Bytes, at: number): boolean | null {
  return starts(raw, 'II', at) ? true : starts(raw, 'MM', at) ? false : null;
}

/**
 * Samsung's EXIF-style notes open with a MakerNoteVersion entry holding "0100"; anything else is
 * another of its formats (or not Samsung's at all).
 */
function samsungOrder(raw: Bytes): boolean | null {
  if (raw[1] === 0 && startsWith(raw, Uint8Array.of(1, 0, 7, 0, 4, 0, 0, 0, 0x30, 0x31, 0x30, 0x30), 2)) return true;
  if (raw[0] === 0 && startsWith(raw, Uint8Array.of(0, 1, 0, 7, 0, 0, 0, 4, 0x30, 0x31, 0x30, 0x30), 2)) return false;
  return null;
}

/** How the notes are laid out, from their header and the camera make (as ExifTool tells them apart). */
function layout(tiff: Bytes, note: Entry, make: string): Layout | null {
  const raw = note.raw;
  const at = note.valueOffset;
  const maker = asciiUpper(make);
  if (starts(raw, 'Nikon\x00\x02')) {
    // a TIFF header of its own 10 bytes in
    const inner = raw.subarray(10);
    const little = order(inner, 0);
    if (little === null || inner.length < 8) return null;
    return { maker: 'nikon', view: inner, ifdAt: readU32(inner, 4, little), little };
  }
  if (starts(raw, 'Nikon')) return null; // type 1 (early Coolpix): no serial number
  if (starts(raw, 'OLYMP\x00') || starts(raw, 'EPSON\x00')) return { maker: 'olympus', view: tiff, ifdAt: at + 8, little: null };
  if (starts(raw, 'OLYMPUS\x00')) return { maker: 'olympus', view: raw, ifdAt: 12, little: order(raw, 8) };
  if (starts(raw, 'OM SYSTEM\x00')) return { maker: 'olympus', view: raw, ifdAt: 16, little: order(raw, 12) };
  if ((starts(raw, 'FUJIFILM') || starts(raw, 'GENERALE')) && raw.length >= 12) {
    return { maker: 'fujifilm', view: raw, ifdAt: readU32(raw, 8, true), little: true };
  }
  if (starts(raw, 'Panasonic')) return { maker: 'panasonic', view: tiff, ifdAt: at + 12, little: null };
  if (starts(raw, 'SONY DSC ') || starts(raw, 'SONY CAM ') || starts(raw, 'SONY MOBILE')) {
    return { maker: 'sony', view: tiff, ifdAt: at + 12, little: null };
  }
  if (starts(raw, 'AOC\x00')) return { maker: 'pentax', view: tiff, ifdAt: at + 6, little: order(raw, 4) };
  if (starts(raw, 'PENTAX \x00')) return { maker: 'pentax', view: raw, ifdAt: 10, little: order(raw, 8) };
  if (starts(raw, 'RICOH\x00') && order(raw, 6) !== null) {
    // Ricoh GR III and later: Pentax's format
    return { maker: 'pentax', view: raw, ifdAt: 8, little: order(raw, 6) };
  }
  if ((maker.startsWith('RICOH') || maker.startsWith('PENTAX RICOH')) && asciiUpper(latin1(raw.subarray(0, 5))) === 'RICOH') {
    return { maker: 'ricoh', view: tiff, ifdAt: at + 8, little: null };
  }
  if (maker.startsWith('CANON')) return { maker: 'canon', view: tiff, ifdAt: at, little: null };
  if (maker.startsWith('NIKON')) return { maker: 'nikon', view: tiff, ifdAt: at, little: null }; // headerless (older Coolpix)
  if (maker.startsWith('SONY') && !starts(raw, 'SONY') && !starts(raw, '\x01\x00')) {
    return { maker: 'sony', view: tiff, ifdAt: at, little: null }; // headerless (ARW, SR2)
  }
  if (maker === 'SAMSUNG' && samsungOrder(raw) !== null) return { maker: 'samsung', view: tiff, ifdAt: at, little: samsungOrder(raw) };
  if (make === 'Nintendo') return { maker: 'nintendo', view: tiff, ifdAt: at, little: null };
  return null;
}

function entryCount(view: Bytes, at: number, little: boolean): number {
  return at >= 0 && at <= view.length - 2 ? readU16(view, at, little) : 0;
}

/**
 * The byte order in which the IFD at `at` has a plausible entry count: read the wrong way round, a
 * count of n becomes n × 256, so the smaller of the two plausible counts wins.
 */
function guessOrder(view: Bytes, at: number, parent: boolean): boolean | null {
  let best: [number, boolean] | null = null;
  for (const little of [parent, !parent]) {
    const n = entryCount(view, at, little);
    if (n > 0 && n <= MAX_ENTRIES && at + 2 + 12 * n <= view.length && (best === null || n < best[0])) best = [n, little];
  }
  return best === null ? null : best[1];
}

function read(view: Bytes, at: number, little: boolean | null, parent: boolean): [Map<number, Entry>, boolean] | null {
  const o = little ?? guessOrder(view, at, parent);
  if (o === null) return null;
  const n = entryCount(view, at, o);
  if (n <= 0 || n > MAX_ENTRIES) return null;
  try {
    return [readIfd(view, at, o, 'MakerNotes', [], 0, new ReadBudget(view.length)).entries, o];
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    return null;
  }
}

function decodeAll(table: ReadonlyMap<number, Decoder>, entries: Map<number, Entry>, little: boolean, model: string): Serial[] {
  const out: Serial[] = [];
  for (const [tag, decode] of table) {
    const entry = entries.get(tag);
    if (entry === undefined) continue;
    for (const [label, value] of decode(entry, little, model)) if (value) out.push({ label, value });
  }
  return out;
}

function olympusEquipment(view: Bytes, entries: Map<number, Entry>, little: boolean, model: string): Serial[] {
  const entry = entries.get(OLYMPUS_EQUIPMENT);
  if (entry === undefined) return [];
  const pointer = (entry.type === 4 || entry.type === 13) && entry.count === 1 ? uints(entry, little) : [];
  const sub = read(view, pointer[0] ?? entry.valueOffset, null, little);
  return sub ? decodeAll(TAGS['olympus-equipment']!, sub[0], sub[1], model) : [];
}

/**
 * The serial numbers in maker notes `note` of the EXIF block `tiff` (byte order `little`) of a
 * camera `make`/`model`; [] when the notes' layout is not one read here.
 */
export function serials(tiff: Bytes, note: Entry, little: boolean, make: string, model: string): Serial[] {
  const found = layout(tiff, note, make);
  if (found === null) return [];
  const table = read(found.view, found.ifdAt, found.little, little);
  if (table === null) return [];
  const [entries, o] = table;
  const out = decodeAll(TAGS[found.maker]!, entries, o, model);
  if (found.maker === 'olympus') out.push(...olympusEquipment(found.view, entries, o, model));
  const unique: Serial[] = [];
  for (const s of out) if (!unique.some((u) => u.label === s.label && u.value === s.value)) unique.push(s);
  return unique;
}

/**
 * PNG (and APNG) — mirrors src/privpix/formats/png.py.
 *
 * An 8-byte signature, then chunks until IEND; anything after IEND is not part of the picture
 * (aCropalypse leftovers, appended archives). Chunk layout: 4-byte big-endian data length, 4-byte type
 * (ASCII letters), data, 4-byte CRC-32 of type + data. A type whose first letter is uppercase is
 * *critical* (the decoder must understand it); lowercase is *ancillary* (safe to ignore).
 *
 * A strip is an allowlist: the signature; every kept chunk of its defined size, once where the spec
 * allows one, copied verbatim (CRC as found); the first eXIf and iCCP rewritten in place; a canonical
 * empty IEND. An unknown critical chunk makes strip throw UnsupportedError. docs/strip.md has the table.
 */

import {
  type Bytes,
  ascii,
  ascii4,
  concat,
  crc32,
  latin1,
  need,
  packU32,
  preview,
  readU32,
  startsWith,
  u32be,
  utf8,
} from './binary';
import { FormatError, TruncatedError, UnsupportedError, damagedWarning } from './errors';
import { inflate as inflateZlib } from './inflate';
import * as exifMod from './exif';
import { type Category, type Finding, type Inspection, finding, formatBytes, trim } from './findings';
import { findings as iccFindings, neutralise } from './icc';
import * as iptc from './iptc';
import { parseOnce } from './memo';
import type { StripOptions } from './policy';
import * as xmp from './xmp';

export const NAME = 'png';
export const MIME = 'image/png';
const FMT = 'PNG';

export const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const IEND_CHUNK = Uint8Array.of(0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82);
const MAX_LENGTH = 0x7fffffff;
export const INFLATE_LIMIT = 16_000_000;

/**
 * Chunks a strip keeps: the image, what renders it (colour, transparency, density) and APNG
 * animation; each only in its defined size, once where the PNG spec allows one (`keptFault`). sPLT
 * and hIST (palette suggestions, a name of free text among them) are not needed to render.
 */
const KEEP = new Set([
  'IHDR', 'PLTE', 'IDAT', 'gAMA', 'cHRM', 'sRGB', 'cICP', 'mDCV', 'cLLI',
  'sBIT', 'bKGD', 'tRNS', 'pHYs', 'acTL', 'fcTL', 'fdAT',
]);
/**
 * The data size of each kept chunk: fixed, or per colour type (0 grey, 2 RGB, 3 palette, 4 grey +
 * alpha, 6 RGBA); a colour type missing from a table is one where the chunk is not allowed.
 */
const SIZES = new Map<string, number | Record<number, number>>([
  ['gAMA', 4], ['cHRM', 32], ['sRGB', 1], ['cICP', 4], ['mDCV', 24], ['cLLI', 8], ['pHYs', 9], ['acTL', 8], ['fcTL', 26],
  ['sBIT', { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 }],
  ['bKGD', { 0: 2, 4: 2, 2: 6, 6: 6, 3: 1 }],
  ['tRNS', { 0: 2, 2: 6 }], // palette images: up to one byte per palette entry
]);
const REPEATABLE = new Set(['IDAT', 'fcTL', 'fdAT']);

const XMP_KEYWORD = 'XML:com.adobe.xmp';
const RAW_PROFILE = 'Raw profile type ';
const EXIF_PREFIX = ascii('Exif\x00\x00');
const XMP_APP1_ID = ascii('http://ns.adobe.com/xap/1.0/\x00');
const TEXT_PREVIEW_LIMIT = 200;

// keyword -> [category, label]. Keywords are case-sensitive (PNG spec). A Map, so that keywords
// such as "constructor" are not found on an object's prototype.
const TEXT_KEYWORDS = new Map<string, readonly [Category, string]>([
  ['Title', ['people', 'Title']],
  ['Author', ['people', 'Author']],
  ['Description', ['people', 'Description']],
  ['Copyright', ['people', 'Copyright']],
  ['Disclaimer', ['people', 'Disclaimer']],
  ['Source', ['device', 'Source device']],
  ['Software', ['device', 'Software']],
  ['Creation Time', ['time', 'Created']],
  ['Comment', ['blocks', 'Comment']],
  ['Warning', ['blocks', 'Warning']],
]);

/** A chunk; `type` is its four ASCII letters (parse refuses anything else) as a string. */
export interface Chunk {
  type: string;
  start: number; // offset of the length field
  length: number; // data length
  dataStart: number; // start + 8
  end: number; // just past the CRC
}

function chunkAt(type: string, start: number, length: number): Chunk {
  return { type, start, length, dataStart: start + 8, end: start + 12 + length };
}

function chunkBody(chunk: Chunk, data: Bytes): Bytes {
  return data.subarray(chunk.start + 8, chunk.start + 8 + chunk.length);
}

function chunkCrc(chunk: Chunk, data: Bytes): number {
  return u32be(data, chunk.start + 8 + chunk.length, FMT, 'a chunk CRC');
}

export interface Layout {
  chunks: Chunk[]; // IHDR .. the chunk before IEND
  iend: Chunk | null; // null when the file was cut short
  partial: Chunk | null; // image data (IDAT/fdAT) cut short: `length` is what is there
  damaged: string | null; // why the file is incomplete
}

const IMAGE_DATA = new Set(['IDAT', 'fdAT']);

export function sniff(data: Bytes): boolean {
  return startsWith(data, SIGNATURE);
}

function isLetters(kind: Bytes): boolean {
  return kind.length === 4 && kind.every((b) => (b >= 65 && b <= 90) || (b >= 97 && b <= 122));
}

export function isCritical(kind: string): boolean {
  const b = kind.charCodeAt(0);
  return b >= 65 && b <= 90;
}

/**
 * The file's chunks. A file cut short after its image data began is read up to the cut (an IDAT or
 * fdAT chunk that was cut keeping the bytes that are there) and marked damaged; cut before, refused.
 */
export const parse = parseOnce(function parse(data: Bytes): Layout {
  if (!sniff(data)) throw new FormatError(FMT, 0, 'expected the PNG signature 89 50 4e 47 0d 0a 1a 0a', preview(data, 0));
  const chunks: Chunk[] = [];
  try {
    return walk(data, chunks);
  } catch (err) {
    if (!(err instanceof TruncatedError)) throw err;
    const pos = chunks.length ? chunks[chunks.length - 1]!.end : 8;
    const kind = latin1(data.subarray(pos + 4, pos + 8));
    const there = pos + 8 <= data.length ? Math.min(data.length - pos - 8, readU32(data, pos, false)) : 0; // never the CRC's bytes
    const partial = IMAGE_DATA.has(kind) && there > 0 ? chunkAt(kind, pos, there) : null;
    if (!chunks.length || !(partial || chunks.some((c) => IMAGE_DATA.has(c.type)))) throw err;
    return { chunks, iend: null, partial, damaged: err.message };
  }
});

function walk(data: Bytes, chunks: Chunk[]): Layout {
  let pos = 8;
  for (;;) {
    if (pos + 8 > data.length) {
      throw new TruncatedError(FMT, pos, 'truncated: expected another chunk header (the file ends before the IEND chunk)');
    }
    const length = u32be(data, pos, FMT, 'a chunk length');
    const kind = data.subarray(pos + 4, pos + 8);
    if (!isLetters(kind)) {
      throw new FormatError(FMT, pos + 4, 'expected a chunk type of four ASCII letters', preview(data, pos + 4, 4));
    }
    if (length > MAX_LENGTH) {
      throw new FormatError(FMT, pos, `expected a chunk length below 2^31 for chunk ${ascii4(data, pos + 4)}`, String(length));
    }
    need(data, pos + 8, length + 4, FMT, `the data and CRC of chunk ${ascii4(data, pos + 4)}`);
    const chunk = chunkAt(latin1(kind), pos, length);
    if (!chunks.length) {
      if (chunk.type !== 'IHDR') throw new FormatError(FMT, pos, 'expected the IHDR chunk first', ascii4(data, pos + 4));
      if (length !== 13) throw new FormatError(FMT, pos, 'expected an IHDR chunk of 13 bytes', `${length} bytes`);
    }
    if (chunk.type === 'IEND') return { chunks, iend: chunk, partial: null, damaged: null };
    chunks.push(chunk);
    pos = chunk.end;
  }
}

// ---- the photo's own EXIF and ICC --------------------------------------------------------------------

/** An eXIf chunk's TIFF block (some writers put "Exif\\0\\0" before it, which the spec does not). */
function exifTiff(body: Bytes): Bytes {
  return startsWith(body, EXIF_PREFIX) ? body.subarray(6) : body;
}

/** The first eXIf chunk's TIFF block (later ones are ignored by viewers and dropped by a strip). */
export function exifBlock(data: Bytes): Bytes | null {
  const chunk = parse(data).chunks.find((c) => c.type === 'eXIf');
  return chunk ? exifTiff(chunkBody(chunk, data)) : null;
}

/** [profile name, zlib stream] of an iCCP chunk, or null if it is malformed (no NUL, method not 0). */
function iccpParts(body: Bytes): [Bytes, Bytes] | null {
  const nul = body.indexOf(0);
  if (nul < 0 || body[nul + 1] !== 0) return null;
  return [body.subarray(0, nul), body.subarray(nul + 2)];
}

/** The first iCCP chunk's profile, inflated; null if there is none or it is unreadable. */
export function iccProfile(data: Bytes): Bytes | null {
  const chunk = parse(data).chunks.find((c) => c.type === 'iCCP');
  const parts = chunk ? iccpParts(chunkBody(chunk, data)) : null;
  return parts ? inflate(parts[1]) : null;
}

// ---- what a strip keeps ----------------------------------------------------------------------------

/** Why a chunk of a kept kind is not kept (null when it is); see png.py `_kept_fault`. */
function keptFault(chunk: Chunk, ctype: number, palette: number, seen: Set<string>): string | null {
  const kind = chunk.type, n = chunk.length;
  const repeat = seen.has(kind) && !REPEATABLE.has(kind);
  seen.add(kind);
  if (repeat) return `a second ${kind} chunk`;
  if (kind === 'PLTE') return ctype === 3 ? null : 'a palette in an image without one';
  if (kind === 'tRNS' && ctype === 3) return n > 0 && n <= palette ? null : `${n} transparency entries for ${palette} colours`;
  if (kind === 'fdAT') return n >= 4 ? null : `${n} bytes (at least 4 expected)`;
  const size = SIZES.get(kind);
  const expected = typeof size === 'object' ? size[ctype] : size;
  if (size !== undefined && expected === undefined) return `not allowed for colour type ${ctype}`;
  if (expected !== undefined && n !== expected) return `${n} bytes (${expected} expected)`;
  return null;
}

/** Chunk start -> why that chunk of a kept kind is dropped. */
function keptFaults(layout: Layout, data: Bytes): Map<number, string> {
  const ctype = data[layout.chunks[0]!.dataStart + 9]!;
  const plte = layout.chunks.find((c) => c.type === 'PLTE');
  const palette = plte ? Math.floor(plte.length / 3) : 0;
  const seen = new Set<string>();
  const faults = new Map<number, string>();
  for (const chunk of layout.chunks.slice(1)) {
    if (!KEEP.has(chunk.type)) continue;
    const fault = keptFault(chunk, ctype, palette, seen);
    if (fault !== null) faults.set(chunk.start, fault);
  }
  return faults;
}

function adler32(data: Bytes): number {
  let a = 1, b = 0;
  for (let i = 0; i < data.length; i += 5552) {
    for (const byte of data.subarray(i, i + 5552)) {
      a += byte;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Deflate length codes 257..285: [first length, extra bits]. */
const LENGTH_BASES: readonly (readonly [number, number])[] = [
  [3, 0], [4, 0], [5, 0], [6, 0], [7, 0], [8, 0], [9, 0], [10, 0], [11, 1], [13, 1], [15, 1], [17, 1],
  [19, 2], [23, 2], [27, 2], [31, 2], [35, 3], [43, 3], [51, 3], [59, 3], [67, 4], [83, 4], [99, 4],
  [115, 4], [131, 5], [163, 5], [195, 5], [227, 5], [258, 0],
];

/** Deflate's bit order: values least-significant bit first, Huffman codes most-significant first. */
class Bits {
  readonly out: number[] = [];
  private acc = 0;
  n = 0;

  put(value: number, count: number): void {
    this.acc |= value << this.n;
    this.n += count;
    while (this.n >= 8) {
      this.out.push(this.acc & 0xff);
      this.acc >>>= 8;
      this.n -= 8;
    }
  }

  code(code: number, count: number): void {
    let reversed = 0;
    for (let i = 0; i < count; i++) reversed |= ((code >> i) & 1) << (count - 1 - i);
    this.put(reversed, count);
  }

  /** A literal/length symbol in the fixed Huffman code. */
  symbol(sym: number): void {
    if (sym < 144) this.code(0x30 + sym, 8);
    else if (sym < 256) this.code(0x190 + sym - 144, 9);
    else if (sym < 280) this.code(sym - 256, 7);
    else this.code(0xc0 + sym - 280, 8);
  }

  /** A copy of the previous byte, `length` (3-258) times: a match at distance 1. */
  run(length: number): void {
    let code = 0;
    while (code + 1 < LENGTH_BASES.length && LENGTH_BASES[code + 1]![0] <= length) code++;
    const [base, extra] = LENGTH_BASES[code]!;
    this.symbol(257 + code);
    this.put(length - base, extra);
    this.code(0, 5); // distance code 0: distance 1, no extra bits
  }
}

/**
 * `payload` as a zlib stream of one fixed-Huffman block whose only matches repeat the previous byte
 * (mirrors png.py `run_length_zlib`): the same bits from both engines, where compressors differ.
 */
export function runLengthZlib(payload: Bytes): Bytes {
  const bits = new Bits();
  bits.put(1, 1); // the final block
  bits.put(1, 2); // fixed Huffman codes
  let i = 0;
  while (i < payload.length) {
    const byte = payload[i]!;
    let run = 1;
    while (i + run < payload.length && payload[i + run] === byte && run < 259) run++;
    bits.symbol(byte);
    if (run >= 4) bits.run(run - 1);
    else for (let k = 1; k < run; k++) bits.symbol(byte);
    i += run;
  }
  bits.symbol(256); // end of block
  bits.put(0, (8 - (bits.n % 8)) % 8);
  return concat([Uint8Array.of(0x78, 0x01), Uint8Array.from(bits.out), packU32(adler32(payload))]);
}

const ICC_NAME = ascii('ICC profile');

/** The first iCCP chunk rewritten: a neutral name, the neutralised profile, compressed by `runLengthZlib`. */
function keptIcc(data: Bytes): Bytes | null {
  const profile = iccProfile(data);
  const neutral = profile ? neutralise(profile) : null;
  return neutral === null ? null : makeChunk('iCCP', concat([ICC_NAME, Uint8Array.of(0, 0), runLengthZlib(neutral)]));
}

// ---- zlib and text helpers (inspect only) -----------------------------------------------------------

/** A zlib stream's content, or null if it is damaged or inflates past `limit` (formats/inflate.ts). */
export function inflate(stream: Bytes, limit = INFLATE_LIMIT): Bytes | null {
  return inflateZlib(stream, limit);
}

/** `bytes.partition(b"\x00")`: [before the first NUL, after it]; [whole, empty] without a NUL. */
function partitionNul(data: Bytes): [Bytes, Bytes] {
  const nul = data.indexOf(0);
  return nul < 0 ? [data, data.subarray(data.length)] : [data.subarray(0, nul), data.subarray(nul + 1)];
}

/** Python's `bytes.split()` with no argument: runs of ASCII whitespace separate, none kept empty. */
function splitWhitespace(data: Bytes): Bytes[] {
  const isSpace = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d);
  const out: Bytes[] = [];
  let i = 0;
  while (i < data.length) {
    while (i < data.length && isSpace(data[i]!)) i += 1;
    const start = i;
    while (i < data.length && !isSpace(data[i]!)) i += 1;
    if (i > start) out.push(data.subarray(start, i));
  }
  return out;
}

const hexValue = (b: number): number =>
  b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1;

/**
 * The bytes of an ImageMagick "Raw profile type" text, or null if it does not have that shape.
 *
 * The text is "\n" NAME "\n" LENGTH "\n" HEX... where NAME may contain spaces, LENGTH is decimal
 * (space-padded) and HEX is the payload in hex digits broken into lines. Rule: skip the first byte,
 * skip up to and including the next "\n" (the name line); split the rest on ASCII whitespace (space
 * \t \n \r \x0b \x0c); the first token is LENGTH (ASCII digits only), the others joined are the hex
 * digits (an even number, 0-9a-fA-F only); the payload must have at least LENGTH bytes and is cut to
 * LENGTH.
 */
export function rawProfile(text: Bytes): Bytes | null {
  const newline = text.indexOf(0x0a, 1);
  if (newline < 0) return null;
  const tokens = splitWhitespace(text.subarray(newline + 1));
  // bytes.isdigit() is ASCII-only (unlike str.isdigit()); tokens are never empty
  if (!tokens.length || !tokens[0]!.every((b) => b >= 0x30 && b <= 0x39)) return null;
  // exact below 2^53; a longer number exceeds any payload length either way
  const size = Number(latin1(tokens[0]!));
  const digits = concat(tokens.slice(1));
  if (digits.length % 2 || digits.some((b) => hexValue(b) < 0)) return null;
  const payload = new Uint8Array(digits.length / 2);
  for (let i = 0; i < payload.length; i++) payload[i] = (hexValue(digits[2 * i]!) << 4) | hexValue(digits[2 * i + 1]!);
  if (payload.length < size) return null;
  return payload.subarray(0, size);
}

function isTiffHeader(data: Bytes): boolean {
  return (
    data.length >= 4 &&
    ((data[0] === 0x49 && data[1] === 0x49 && data[2] === 0x2a && data[3] === 0) ||
      (data[0] === 0x4d && data[1] === 0x4d && data[2] === 0 && data[3] === 0x2a))
  );
}

function rawProfileFindings(name: string, text: Bytes, block: string, off: number, size: number, warnings: string[]): Finding[] {
  const payload = rawProfile(text);
  const kind = name.toLowerCase();
  if (payload === null) {
    warnings.push(`${block} at byte ${off} is not a readable raw profile`);
    return [finding('blocks', 'Raw profile', `${name}, unreadable`, block, off, size)];
  }
  if (kind === 'exif' || kind === 'app1') {
    const tiff = startsWith(payload, EXIF_PREFIX) ? payload.subarray(6) : payload;
    if (isTiffHeader(tiff)) return exifMod.blockFindings(tiff, block, off, size, warnings, off);
    if (startsWith(payload, XMP_APP1_ID)) {
      const packet = xmp.decodePacket(payload.subarray(XMP_APP1_ID.length));
      return [...xmp.findings(packet, block, off, size), xmp.blockFinding(block, off, size)];
    }
  } else if (kind === 'iptc' || kind === '8bim') {
    if (startsWith(payload, ascii('8BIM'))) return iptc.irbFindings(payload, block, off, size);
    if (payload[0] === 0x1c) {
      const found = iptc.iimFindings(payload, block, off, size);
      return [...found, finding('blocks', 'IPTC', `${formatBytes(size)} of IPTC data`, block, off, size)];
    }
  } else if (kind === 'xmp') {
    const packet = xmp.decodePacket(payload);
    return [...xmp.findings(packet, block, off, size), xmp.blockFinding(block, off, size)];
  }
  return [finding('blocks', 'Raw profile', `${name}, ${formatBytes(payload.length)}`, block, off, size)];
}

function textFindings(
  keyword: string,
  text: Bytes,
  decodeLatin1: boolean,
  block: string,
  off: number,
  size: number,
  warnings: string[],
): Finding[] {
  if (keyword === XMP_KEYWORD) {
    const packet = xmp.decodePacket(text);
    return [...xmp.findings(packet, block, off, size), xmp.blockFinding(block, off, size)];
  }
  if (keyword.startsWith(RAW_PROFILE)) {
    return rawProfileFindings(keyword.slice(RAW_PROFILE.length), text, block, off, size, warnings);
  }
  let value = trim(decodeLatin1 ? latin1(text) : utf8(text));
  const known = TEXT_KEYWORDS.get(keyword);
  if (known !== undefined) return [finding(known[0], known[1], value || '(empty)', block, off, size)];
  if (text.length > TEXT_PREVIEW_LIMIT) value = `${formatBytes(text.length)} of text`;
  return [finding('blocks', 'Text', `${keyword}: ${value || '(empty)'}`, block, off, size)];
}

function unreadableText(kind: string, keyword: string, block: string, off: number, size: number, warnings: string[]): Finding {
  warnings.push(`${kind} chunk at byte ${off} (${keyword}): the compressed text is unreadable`);
  return finding('blocks', 'Text', `${keyword}: compressed text, unreadable (${formatBytes(size)})`, block, off, size);
}

/** `bytes.split(b"\x00", 2)`: at most three fields. */
function splitNul2(data: Bytes): Bytes[] {
  const first = data.indexOf(0);
  if (first < 0) return [data];
  const second = data.indexOf(0, first + 1);
  if (second < 0) return [data.subarray(0, first), data.subarray(first + 1)];
  return [data.subarray(0, first), data.subarray(first + 1, second), data.subarray(second + 1)];
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * What inflating may still produce in one inspect: INFLATE_LIMIT bytes for all compressed chunks
 * together, so a thousand small chunks that each inflate a thousandfold cannot add up.
 */
class InflateBudget {
  private left = INFLATE_LIMIT;

  inflate(stream: Bytes): Bytes | null {
    const out = inflate(stream, this.left);
    if (out !== null) this.left -= out.length;
    return out;
  }
}

function chunkFindings(chunk: Chunk, data: Bytes, warnings: string[], budget: InflateBudget): Finding[] {
  const kind = chunk.type, off = chunk.start, size = chunk.end - chunk.start;
  const body = chunkBody(chunk, data);
  if (kind === 'tEXt') {
    const [rawKey, text] = partitionNul(body);
    const keyword = latin1(rawKey);
    return textFindings(keyword, text, true, `tEXt ${keyword}`, off, size, warnings);
  }
  if (kind === 'zTXt') {
    const [rawKey, rest] = partitionNul(body);
    const keyword = latin1(rawKey);
    const block = `zTXt ${keyword}`;
    const text = rest.length && rest[0] === 0 ? budget.inflate(rest.subarray(1)) : null;
    if (text === null) return [unreadableText('zTXt', keyword, block, off, size, warnings)];
    return textFindings(keyword, text, true, block, off, size, warnings);
  }
  if (kind === 'iTXt') {
    const [rawKey, rest] = partitionNul(body);
    const keyword = latin1(rawKey);
    const block = `iTXt ${keyword}`;
    // compression flag, compression method, language tag \0, translated keyword \0, text
    const fields = splitNul2(rest.subarray(2));
    if (rest.length < 2 || fields.length < 3) {
      warnings.push(`iTXt chunk at byte ${off} (${keyword}) is malformed`);
      return [finding('blocks', 'Text', `${keyword}: malformed (${formatBytes(size)})`, block, off, size)];
    }
    if (rest[0] === 0) return textFindings(keyword, fields[2]!, false, block, off, size, warnings);
    const text = rest[1] === 0 ? budget.inflate(fields[2]!) : null;
    if (text === null) return [unreadableText('iTXt', keyword, block, off, size, warnings)];
    return textFindings(keyword, text, false, block, off, size, warnings);
  }
  if (kind === 'eXIf') {
    const tiff = exifTiff(body);
    return exifMod.blockFindings(tiff, 'eXIf', off, size, warnings, chunk.dataStart + (body.length - tiff.length));
  }
  if (kind === 'iCCP') {
    const parts = iccpParts(body);
    const profile = parts ? budget.inflate(parts[1]) : null;
    if (profile === null) {
      warnings.push(`iCCP chunk at byte ${off}: the compressed ICC profile is unreadable`);
      return [finding('kept', 'ICC profile', 'unreadable', 'iCCP', off, size)];
    }
    return iccFindings(profile, 'iCCP', off, size);
  }
  if (kind === 'tIME') {
    if (body.length !== 7) {
      warnings.push(`tIME chunk at byte ${off} has ${body.length} bytes instead of 7`);
      return [finding('time', 'Modified', 'malformed', 'tIME', off, size)];
    }
    const year = (body[0]! << 8) | body[1]!;
    const stamp = `${String(year).padStart(4, '0')}-${two(body[2]!)}-${two(body[3]!)} ${two(body[4]!)}:${two(body[5]!)}:${two(body[6]!)}`;
    return [finding('time', 'Modified', stamp, 'tIME', off, size)];
  }
  if (kind === 'caBX') {
    return [finding('blocks', 'C2PA / JUMBF', `content-credentials manifest, ${formatBytes(size)}`, 'caBX', off, size)];
  }
  if (KEEP.has(kind) || kind === 'IEND') return [];
  if (isCritical(kind)) {
    warnings.push(`unknown critical chunk ${kind} at byte ${off}: a strip will refuse this file`);
    return [finding('blocks', 'Other chunk', `${kind} (critical, unknown), ${formatBytes(size)}`, kind, off, size)];
  }
  return [finding('blocks', 'Other chunk', `${kind}, ${formatBytes(size)}`, kind, off, size)];
}

export function readMetadata(data: Bytes): Inspection {
  const layout = parse(data);
  const ihdr = layout.chunks[0]!;
  const width = u32be(data, ihdr.dataStart, FMT, 'the IHDR width');
  const height = u32be(data, ihdr.dataStart + 4, FMT, 'the IHDR height');
  const out: Finding[] = [];
  const warnings: string[] = [];
  const budget = new InflateBudget();
  const faults = keptFaults(layout, data);
  for (const chunk of [...layout.chunks, ...(layout.iend ? [layout.iend] : [])]) {
    if (crc32(data.subarray(chunk.start + 4, chunk.end - 4)) !== chunkCrc(chunk, data)) {
      warnings.push(`chunk ${chunk.type} at byte ${chunk.start} has a bad CRC`);
    }
    const fault = faults.get(chunk.start);
    if (fault !== undefined) out.push(finding('blocks', 'Other chunk', `${chunk.type}: ${fault}`, chunk.type, chunk.start, chunk.end - chunk.start));
    out.push(...chunkFindings(chunk, data, warnings, budget));
  }
  if (layout.damaged !== null) warnings.push(damagedWarning(layout.damaged));
  const end = layout.iend ? layout.iend.end : data.length;
  const trailing = data.length - end;
  if (trailing > 0) {
    out.push(finding('blocks', 'Data after the end of the image', formatBytes(trailing), 'trailer', end, trailing));
  }
  return { format: NAME, mime: MIME, width, height, findings: out, warnings, damaged: layout.damaged !== null };
}

// ---- strip ------------------------------------------------------------------------------------------

export function makeChunk(kind: string, body: Bytes): Bytes {
  const typeAndBody = concat([ascii(kind), body]);
  return concat([packU32(body.length), typeAndBody, packU32(crc32(typeAndBody))]);
}

function keptExif(chunk: Chunk, data: Bytes, options: StripOptions): Bytes | null {
  const block = exifMod.keptBlock(exifTiff(chunkBody(chunk, data)), options.keep);
  return block === null ? null : makeChunk('eXIf', block);
}

export function strip(data: Bytes, options: StripOptions): Bytes {
  const layout = parse(data);
  const faults = keptFaults(layout, data);
  const out: Bytes[] = [SIGNATURE];
  let exifDone = false;
  let iccDone = false;
  for (const chunk of layout.chunks) {
    const kind = chunk.type;
    if (kind === 'eXIf') {
      if (!exifDone) {
        exifDone = true;
        const kept = keptExif(chunk, data, options);
        if (kept !== null) out.push(kept);
      }
    } else if (kind === 'iCCP') {
      if (options.keep_icc && !iccDone) {
        iccDone = true;
        const kept = keptIcc(data);
        if (kept !== null) out.push(kept);
      }
    } else if (KEEP.has(kind)) {
      if (!faults.has(chunk.start)) out.push(data.subarray(chunk.start, chunk.end));
    } else if (isCritical(kind)) {
      throw new UnsupportedError(
        FMT,
        chunk.start,
        `unknown critical chunk ${kind}: the image may depend on it, so privpix will neither drop it nor copy it`,
      );
    }
  }
  if (layout.partial !== null) out.push(makeChunk(layout.partial.type, chunkBody(layout.partial, data))); // the image data that is there
  out.push(IEND_CHUNK);
  return concat(out);
}

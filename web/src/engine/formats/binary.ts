/**
 * Bounds-checked integer reads shared by the container parsers (mirrors binary.py), plus the few
 * byte helpers Python gets from `bytes` for free: slicing, searching, joining, Latin-1/UTF-8 text.
 */

import { FormatError, TruncatedError } from './errors';

export type Bytes = Uint8Array;

/** Throw a TruncatedError (a FormatError) unless `size` bytes exist at `offset`. */
export function need(data: Bytes, offset: number, size: number, fmt: string, what: string): void {
  if (offset < 0 || size < 0 || offset + size > data.length) {
    throw new TruncatedError(fmt, offset, `expected ${what} (${size} bytes), but the file ends at byte ${data.length}`);
  }
}

export function u8(data: Bytes, offset: number, fmt: string, what: string): number {
  need(data, offset, 1, fmt, what);
  return data[offset]!;
}

export function u16be(data: Bytes, offset: number, fmt: string, what: string): number {
  need(data, offset, 2, fmt, what);
  return (data[offset]! << 8) | data[offset + 1]!;
}

export function u32be(data: Bytes, offset: number, fmt: string, what: string): number {
  need(data, offset, 4, fmt, what);
  return readU32(data, offset, false);
}

export function u64be(data: Bytes, offset: number, fmt: string, what: string): number {
  need(data, offset, 8, fmt, what);
  const hi = readU32(data, offset, false);
  const lo = readU32(data, offset + 4, false);
  if (hi >= 0x200000) throw new FormatError(fmt, offset, `expected ${what} below 2^53`, `${hi} * 2^32`);
  return hi * 0x100000000 + lo;
}

export function u16le(data: Bytes, offset: number, fmt: string, what: string): number {
  need(data, offset, 2, fmt, what);
  return data[offset]! | (data[offset + 1]! << 8);
}

export function u32le(data: Bytes, offset: number, fmt: string, what: string): number {
  need(data, offset, 4, fmt, what);
  return readU32(data, offset, true);
}

/** Unchecked reads for code that has already bounds-checked (the EXIF parser, mostly). */
export function readU16(data: Bytes, offset: number, little: boolean): number {
  return little ? data[offset]! | (data[offset + 1]! << 8) : (data[offset]! << 8) | data[offset + 1]!;
}

export function readU32(data: Bytes, offset: number, little: boolean): number {
  const a = data[offset]!, b = data[offset + 1]!, c = data[offset + 2]!, d = data[offset + 3]!;
  return little ? ((d << 24) | (c << 16) | (b << 8) | a) >>> 0 : ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

export function readI32(data: Bytes, offset: number, little: boolean): number {
  return readU32(data, offset, little) | 0;
}

export function packU16(value: number, little = false): Bytes {
  return little ? Uint8Array.of(value & 0xff, (value >>> 8) & 0xff) : Uint8Array.of((value >>> 8) & 0xff, value & 0xff);
}

export function packU32(value: number, little = false): Bytes {
  const be = [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  return Uint8Array.from(little ? be.reverse() : be);
}

export function packU64be(value: number): Bytes {
  const hi = Math.floor(value / 0x100000000);
  return concat([packU32(hi), packU32(value >>> 0)]);
}

export function concat(parts: readonly Bytes[]): Bytes {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Growable byte buffer: the `bytearray` of the TypeScript engine. */
export class ByteWriter {
  private parts: Bytes[] = [];
  length = 0;

  push(...chunks: Bytes[]): this {
    for (const chunk of chunks) {
      this.parts.push(chunk);
      this.length += chunk.length;
    }
    return this;
  }

  bytes(): Bytes {
    return concat(this.parts);
  }
}

export function ascii(text: string): Bytes {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export function startsWith(data: Bytes, prefix: Bytes, at = 0): boolean {
  if (at + prefix.length > data.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[at + i] !== prefix[i]) return false;
  return true;
}

export function equalBytes(a: Bytes, b: Bytes): boolean {
  return a.length === b.length && startsWith(a, b);
}

/** `data.find(needle, from)`; -1 when absent. */
export function indexOf(data: Bytes, needle: Bytes, from = 0): number {
  if (needle.length === 0) return from;
  const first = needle[0]!;
  let i = data.indexOf(first, from);
  while (i >= 0 && i + needle.length <= data.length) {
    if (startsWith(data, needle, i)) return i;
    i = data.indexOf(first, i + 1);
  }
  return -1;
}

/** Bytes up to (not including) the first NUL. */
export function untilNul(data: Bytes): Bytes {
  const end = data.indexOf(0);
  return end < 0 ? data : data.subarray(0, end);
}

/** ISO-8859-1, as Python's "latin-1" (the WHATWG "latin1" label means windows-1252, so not that). */
export function latin1(data: Bytes): string {
  let out = '';
  for (let i = 0; i < data.length; i += 8192) out += String.fromCharCode(...data.subarray(i, i + 8192));
  return out;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const utf16le = new TextDecoder('utf-16le', { fatal: false, ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { fatal: false, ignoreBOM: true });

/** UTF-8 with U+FFFD for bad sequences, as Python's `decode("utf-8", "replace")`. */
export function utf8(data: Bytes): string {
  return utf8Decoder.decode(data);
}

export function utf16(data: Bytes, little: boolean): string {
  return (little ? utf16le : utf16be).decode(data.subarray(0, data.length & ~1)) + (data.length & 1 ? '\ufffd' : '');
}

/** A four-character code (box type, chunk type) as text; non-printable bytes as escapes. */
export function ascii4(data: Bytes, offset: number): string {
  let out = '';
  for (const b of data.subarray(offset, offset + 4)) {
    out += b >= 32 && b < 127 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** A short hex rendering of bytes for error messages ("ff d8 ff e1"). */
export function preview(data: Bytes, offset: number, length = 8): string {
  const chunk = data.subarray(offset, offset + length);
  return chunk.length ? Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ') : 'end of file';
}

// ---- CRC-32 ---------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 (ISO 3309, the one PNG, zlib and ZIP use), as Python's `zlib.crc32(data, crc)`: unsigned;
 * `crc` continues an earlier value, so a stream is checked a piece at a time.
 */
export function crc32(data: Bytes, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

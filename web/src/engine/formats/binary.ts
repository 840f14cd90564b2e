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

// ---- CRC-32 and raw DEFLATE (PNG chunks; pure additions for png.ts) ------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, the one PNG and zlib use), as Python's `zlib.crc32(data)`: unsigned. */
export function crc32(data: Bytes): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, `body`, and the CRC of type and body. */
export function pngChunk(type: string, body: Bytes): Bytes {
  const out = new Uint8Array(12 + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  dv.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

/** Thrown inside `inflateRaw` only: the stream is damaged, cut short or too large. */
class InflateStop extends Error {}

/** A canonical Huffman code as counts per length and symbols sorted by (length, symbol), as in puff.c. */
interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
}

/**
 * The code for `lengths`, or null where zlib's inflate_table refuses it: over-subscribed, or
 * incomplete unless it is a single code of length 1 (`single`, for literal/length and distance
 * codes; the code-length code must be complete). No code at all is accepted (zlib fails only when a
 * symbol is then decoded), except for the code-length code (`single` false), whose empty code can
 * only lead to a stream zlib rejects (all lengths zero, so no end-of-block code).
 */
function huffman(lengths: ArrayLike<number>, single: boolean): Huffman | null {
  const count = new Uint16Array(16);
  for (let s = 0; s < lengths.length; s++) count[lengths[s]!]! += 1;
  let max = 15;
  while (max >= 1 && count[max] === 0) max -= 1;
  count[0] = 0;
  if (max === 0 && !single) return null;
  let left = 1;
  for (let len = 1; len <= 15; len++) {
    left = (left << 1) - count[len]!;
    if (left < 0) return null; // over-subscribed
  }
  if (left > 0 && max !== 0 && (!single || max !== 1)) return null; // incomplete
  const offs = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offs[len + 1] = offs[len]! + count[len]!;
  const symbol = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) if (lengths[s]) symbol[offs[lengths[s]!]!++] = s;
  return { count, symbol };
}

/**
 * Raw DEFLATE (RFC 1951) with exactly zlib's acceptance rules, as the Python engine's
 * `zlib.decompressobj(-15).decompress(stream, limit + 1)` followed by "eof reached and at most
 * `limit` bytes": the content of a stream that reaches the end of its final block (bytes after it are
 * ignored), or null if the input ends first, the output would exceed `limit` bytes, or zlib 1.2.x
 * would raise an error — block type 3; a stored block whose length complement is wrong; more than
 * 286 literal/length or 30 distance codes; an over-subscribed or incomplete code-length code; a
 * repeat code with no previous length or running past the declared lengths; no end-of-block code;
 * an over-subscribed, or incomplete (except a single code of length 1), literal/length or distance
 * code; literal/length symbols 286-287, distance symbols 30-31 or a code outside an incomplete
 * code; a distance reaching back before the first byte of output.
 *
 * fflate's inflate skips several of these checks (and treats a cut stream differently), so it would
 * read damaged PNG text the Python engine reports as unreadable; this small decoder follows zlib.
 */
export function inflateRaw(data: Bytes, limit: number): Bytes | null {
  let pos = 0;
  let bitBuf = 0;
  let bitCnt = 0;
  let out = new Uint8Array(Math.min(limit + 1, Math.max(1024, data.length * 4)));
  let outLen = 0;

  const bits = (n: number): number => {
    while (bitCnt < n) {
      if (pos >= data.length) throw new InflateStop();
      bitBuf |= data[pos++]! << bitCnt;
      bitCnt += 8;
    }
    const value = bitBuf & ((1 << n) - 1);
    bitBuf >>>= n;
    bitCnt -= n;
    return value;
  };
  const decode = (h: Huffman): number => {
    let code = 0, first = 0, index = 0;
    for (let len = 1; len <= 15; len++) {
      code |= bits(1);
      const count = h.count[len]!;
      if (code - count < first) return h.symbol[index + (code - first)]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new InflateStop(); // a code outside an incomplete (or empty) code
  };
  const room = (n: number): void => {
    if (outLen + n > limit) throw new InflateStop();
    if (outLen + n > out.length) {
      const bigger = new Uint8Array(Math.min(limit + 1, Math.max(out.length * 2, outLen + n)));
      bigger.set(out.subarray(0, outLen));
      out = bigger;
    }
  };
  const codes = (lencode: Huffman, distcode: Huffman): void => {
    for (;;) {
      const sym = decode(lencode);
      if (sym < 256) {
        room(1);
        out[outLen++] = sym;
      } else if (sym === 256) {
        return;
      } else {
        const li = sym - 257;
        if (li >= 29) throw new InflateStop(); // 286, 287
        const len = LEN_BASE[li]! + bits(LEN_EXTRA[li]!);
        const dsym = decode(distcode);
        if (dsym >= 30) throw new InflateStop(); // 30, 31
        const dist = DIST_BASE[dsym]! + bits(DIST_EXTRA[dsym]!);
        if (dist > outLen) throw new InflateStop(); // too far back
        room(len);
        for (let i = 0; i < len; i++, outLen++) out[outLen] = out[outLen - dist]!;
      }
    }
  };

  try {
    let last = 0;
    while (!last) {
      last = bits(1);
      const type = bits(2);
      if (type === 0) {
        bitBuf = 0;
        bitCnt = 0;
        if (pos + 4 > data.length) throw new InflateStop();
        const len = data[pos]! | (data[pos + 1]! << 8);
        const nlen = data[pos + 2]! | (data[pos + 3]! << 8);
        pos += 4;
        if (len !== (~nlen & 0xffff)) throw new InflateStop();
        if (pos + len > data.length) throw new InflateStop();
        room(len);
        out.set(data.subarray(pos, pos + len), outLen);
        outLen += len;
        pos += len;
      } else if (type === 1) {
        codes(FIXED_LEN, FIXED_DIST);
      } else if (type === 2) {
        const nlen = bits(5) + 257;
        const ndist = bits(5) + 1;
        const ncode = bits(4) + 4;
        if (nlen > 286 || ndist > 30) throw new InflateStop();
        const clens = new Uint8Array(19);
        for (let i = 0; i < ncode; i++) clens[CL_ORDER[i]!] = bits(3);
        const clcode = huffman(clens, false);
        if (clcode === null) throw new InflateStop();
        const lengths = new Uint8Array(nlen + ndist);
        let index = 0;
        while (index < nlen + ndist) {
          const sym = decode(clcode);
          if (sym < 16) {
            lengths[index++] = sym;
            continue;
          }
          let len = 0;
          let copy: number;
          if (sym === 16) {
            if (index === 0) throw new InflateStop();
            len = lengths[index - 1]!;
            copy = 3 + bits(2);
          } else if (sym === 17) {
            copy = 3 + bits(3);
          } else {
            copy = 11 + bits(7);
          }
          if (index + copy > nlen + ndist) throw new InflateStop();
          lengths.fill(len, index, index + copy);
          index += copy;
        }
        if (lengths[256] === 0) throw new InflateStop();
        const lencode = huffman(lengths.subarray(0, nlen), true);
        const distcode = huffman(lengths.subarray(nlen), true);
        if (lencode === null || distcode === null) throw new InflateStop();
        codes(lencode, distcode);
      } else {
        throw new InflateStop(); // block type 3
      }
    }
  } catch (err) {
    if (err instanceof InflateStop) return null;
    throw err;
  }
  return out.slice(0, outLen);
}

// The fixed codes of RFC 1951 3.2.6 (symbols 286 and 287 are refused when decoded).
const FIXED_LEN = huffman(
  Array.from({ length: 288 }, (_, s) => (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8)),
  true,
)!;
// 32 distance codes of 5 bits, so the code is complete; symbols 30 and 31 are refused when decoded.
const FIXED_DIST = huffman(new Array<number>(32).fill(5), true)!;

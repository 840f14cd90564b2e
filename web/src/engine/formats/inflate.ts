/**
 * Raw DEFLATE (RFC 1951) and zlib streams, decoded with exactly zlib's acceptance rules, so that both
 * engines read the same compressed PNG text and profiles (and refuse the same damaged ones). Python
 * uses zlib itself; fflate's inflate skips several of zlib's checks (and treats a cut stream
 * differently), so it would read damaged PNG text the Python engine reports as unreadable.
 */

import type { Bytes } from './binary';

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
 * Raw DEFLATE with exactly zlib's acceptance rules, as the Python engine's
 * `zlib.decompressobj(-15).decompress(stream, limit + 1)` followed by "eof reached and at most
 * `limit` bytes": the content of a stream that reaches the end of its final block (bytes after it are
 * ignored), or null if the input ends first, the output would exceed `limit` bytes, or zlib 1.2.x
 * would raise an error — block type 3; a stored block whose length complement is wrong; more than
 * 286 literal/length or 30 distance codes; an over-subscribed or incomplete code-length code; a
 * repeat code with no previous length or running past the declared lengths; no end-of-block code;
 * an over-subscribed, or incomplete (except a single code of length 1), literal/length or distance
 * code; literal/length symbols 286-287, distance symbols 30-31 or a code outside an incomplete
 * code; a distance reaching back before the first byte of output.
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

/**
 * A zlib stream's content (RFC 1950: a valid deflate header, no preset dictionary), or null if it is
 * damaged or inflates past `limit` bytes. The Adler-32 at the end is not checked: the Python engine
 * (formats/png.py `inflate`) inflates the raw stream after the header and does not check it either.
 */
export function inflate(stream: Bytes, limit: number): Bytes | null {
  if (stream.length < 2) return null;
  const cmf = stream[0]!, flg = stream[1]!;
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || (cmf * 256 + flg) % 31 !== 0 || flg & 0x20) return null;
  return inflateRaw(stream.subarray(2), limit);
}

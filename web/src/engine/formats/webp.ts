/**
 * WebP — mirrors src/privpix/formats/webp.py, whose docstring specifies the output layout (and
 * docs/strip.md what a strip does to each chunk).
 *
 * A RIFF container: "RIFF", a 4-byte little-endian size (bytes that follow it), "WEBP", then chunks:
 * a 4-byte FourCC, a 4-byte little-endian payload size, the payload and, when the size is odd, one
 * padding byte (not counted in the size). Bytes after the end the RIFF size gives are not part of
 * the file. The simple formats hold one image chunk ("VP8 " or "VP8L"); the extended format starts
 * with "VP8X", whose flags byte a strip fixes (ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04, animation
 * 0x02; 0xC1 reserved).
 */

import { type Bytes, ascii, ascii4, concat, latin1, need, packU32, preview, readU32, startsWith, u16le, u32le } from './binary';
import { FormatError, TruncatedError, damagedWarning } from './errors';
import * as exifMod from './exif';
import { type Finding, type Inspection, finding, formatBytes } from './findings';
import { findings as iccFindings, neutralise } from './icc';
import { parseOnce } from './memo';
import type { StripOptions } from './policy';
import * as xmp from './xmp';

export const NAME = 'webp';
export const MIME = 'image/webp';
const FMT = 'WebP';

const FLAG_ICC = 0x20;
const FLAG_ALPHA = 0x10;
const FLAG_EXIF = 0x08;
const FLAG_ANIMATION = 0x02;

// FourCCs as Latin-1 strings (one character per byte, so comparisons are byte comparisons).
const VP8 = 'VP8 ', VP8L = 'VP8L', VP8X = 'VP8X';
const ICCP = 'ICCP', ANIM = 'ANIM', ANMF = 'ANMF', ALPH = 'ALPH', EXIF = 'EXIF';
const XMP_CHUNKS = new Set(['XMP ', 'XMP\x00']);
const KEEP = new Set([ANIM, ANMF, ALPH, VP8, VP8L]);
const EXIF_PREFIX = ascii('Exif\x00\x00');

export interface Chunk {
  fourcc: string; // the four bytes as Latin-1
  start: number; // offset of the FourCC
  size: number; // payload size as stored
  end: number; // past the padding byte (or the RIFF end, if the final padding byte is missing)
  payloadStart: number; // start + 8
}

function chunkPayload(chunk: Chunk, data: Bytes): Bytes {
  return data.subarray(chunk.start + 8, chunk.start + 8 + chunk.size);
}

export interface Layout {
  chunks: Chunk[];
  riffEnd: number; // the end of the file when it was cut short
  warnings: string[];
  extended: boolean; // chunks[0].fourcc === VP8X
  damaged: boolean;
}

export function sniff(data: Bytes): boolean {
  return startsWith(data, ascii('RIFF')) && startsWith(data, ascii('WEBP'), 8);
}

const IMAGE_CHUNKS = new Set([VP8, VP8L, ANMF, ALPH]);

/**
 * The file's chunks. A file cut short (its RIFF size runs past its end) after its image data began
 * is read up to the cut (an image chunk that was cut keeping the bytes that are there) and marked
 * damaged; cut before, it is refused.
 */
export const parse = parseOnce(function parse(data: Bytes): Layout {
  if (!sniff(data)) throw new FormatError(FMT, 0, "expected a RIFF header 'RIFF' .... 'WEBP'", preview(data, 0, 12));
  const riffSize = u32le(data, 4, FMT, 'the RIFF size');
  let riffEnd = 8 + riffSize;
  if (riffSize < 4) throw new FormatError(FMT, 4, 'expected a RIFF size of at least 4', String(riffSize));
  let cut: TruncatedError | null = null;
  if (riffEnd > data.length) {
    cut = new TruncatedError(FMT, 4, `truncated: the RIFF size says the file has ${riffEnd} bytes, but it ends at byte ${data.length}`);
    riffEnd = data.length;
  }
  const chunks: Chunk[] = [];
  const warnings: string[] = [];
  let pos = 12;
  while (pos < riffEnd) {
    if (pos + 8 > riffEnd) {
      if (cut) break;
      throw new FormatError(FMT, pos, `expected an 8-byte chunk header, but the RIFF data ends at byte ${riffEnd}`);
    }
    const size = u32le(data, pos + 4, FMT, 'a chunk size');
    if (pos + 8 + size > riffEnd) {
      const fourcc = latin1(data.subarray(pos, pos + 4));
      if (cut && IMAGE_CHUNKS.has(fourcc) && riffEnd > pos + 8) { // what there is of it
        chunks.push({ fourcc, start: pos, size: riffEnd - pos - 8, end: riffEnd, payloadStart: pos + 8 });
      }
      if (cut) break;
      throw new FormatError(FMT, pos, `expected ${size} bytes of chunk ${ascii4(data, pos)}, but the RIFF data ends at byte ${riffEnd}`);
    }
    let end = pos + 8 + size + (size & 1);
    if (end > riffEnd) {
      warnings.push(`chunk ${ascii4(data, pos)} at byte ${pos} lacks its padding byte`);
      end = riffEnd;
    }
    chunks.push({ fourcc: latin1(data.subarray(pos, pos + 4)), start: pos, size, end, payloadStart: pos + 8 });
    pos = end;
  }
  const first = chunks[0];
  if (first === undefined) {
    throw new FormatError(FMT, 12, 'expected an image chunk (VP8, VP8L or VP8X), but the RIFF data is empty');
  }
  if (first.fourcc !== VP8 && first.fourcc !== VP8L && first.fourcc !== VP8X) {
    throw new FormatError(FMT, 12, 'expected the first chunk to be VP8, VP8L or VP8X', ascii4(data, 12));
  }
  if (first.fourcc === VP8X && first.size < 10) {
    throw new FormatError(FMT, 12, 'expected a VP8X chunk of 10 bytes', `${first.size} bytes`);
  }
  if (cut !== null) {
    if (!chunks.some((c) => IMAGE_CHUNKS.has(c.fourcc))) throw cut;
    warnings.push(damagedWarning(cut.message));
  }
  return { chunks, riffEnd, warnings, extended: first.fourcc === VP8X, damaged: cut !== null };
});

// ---- the photo's own EXIF and ICC --------------------------------------------------------------------

/** The payload of the first `fourcc` chunk of an extended file (the simple formats carry none). */
function extendedPayload(data: Bytes, fourcc: string): Bytes | null {
  const layout = parse(data);
  if (!layout.extended) return null;
  const chunk = layout.chunks.slice(1).find((c) => c.fourcc === fourcc);
  return chunk ? chunkPayload(chunk, data) : null;
}

/** The first EXIF chunk's TIFF block. */
export function exifBlock(data: Bytes): Bytes | null {
  const payload = extendedPayload(data, EXIF);
  return payload ? exifTiff(payload)[0] : null;
}

/** The first ICCP chunk's profile. */
export function iccProfile(data: Bytes): Bytes | null {
  return extendedPayload(data, ICCP);
}

// ---- inspect ----------------------------------------------------------------------------------------

function u24le(data: Bytes, offset: number): number {
  return data[offset]! | (data[offset + 1]! << 8) | (data[offset + 2]! << 16);
}

function dimensions(layout: Layout, data: Bytes): [number, number] {
  const first = layout.chunks[0]!;
  const p = first.payloadStart;
  if (first.fourcc === VP8X) return [u24le(data, p + 4) + 1, u24le(data, p + 7) + 1];
  if (first.fourcc === VP8) {
    need(data, p, 10, FMT, 'a VP8 frame header');
    if (data[p + 3] !== 0x9d || data[p + 4] !== 0x01 || data[p + 5] !== 0x2a) {
      throw new FormatError(FMT, p + 3, 'expected the VP8 start code 9d 01 2a', preview(data, p + 3, 3));
    }
    return [u16le(data, p + 6, FMT, 'the VP8 width') & 0x3fff, u16le(data, p + 8, FMT, 'the VP8 height') & 0x3fff];
  }
  need(data, p, 5, FMT, 'a VP8L header');
  if (data[p] !== 0x2f) throw new FormatError(FMT, p, 'expected the VP8L signature 2f', preview(data, p, 1));
  const bits = u32le(data, p + 1, FMT, 'the VP8L size');
  return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
}

/** The TIFF block of an EXIF chunk payload and how many prefix bytes were skipped. */
function exifTiff(payload: Bytes): [Bytes, number] {
  if (startsWith(payload, EXIF_PREFIX)) return [payload.subarray(6), 6];
  return [payload, 0];
}

export function readMetadata(data: Bytes): Inspection {
  const layout = parse(data);
  const [width, height] = dimensions(layout, data);
  const out: Finding[] = [];
  const warnings = [...layout.warnings];
  const extended = layout.extended;
  for (const [index, chunk] of layout.chunks.entries()) {
    const kind = chunk.fourcc;
    const off = chunk.start, size = chunk.end - chunk.start;
    const block = ascii4(data, chunk.start);
    const payload = chunkPayload(chunk, data);
    if (index === 0) continue;
    if (!extended) {
      out.push(finding('blocks', 'Other chunk', `${block} after the image, ${formatBytes(size)}`, block, off, size));
    } else if (kind === EXIF) {
      const [tiff, skipped] = exifTiff(payload);
      out.push(...exifMod.blockFindings(tiff, block, off, size, warnings, chunk.payloadStart + skipped));
    } else if (XMP_CHUNKS.has(kind)) {
      const packet = xmp.decodePacket(payload);
      out.push(...xmp.findings(packet, block, off, size));
      out.push(xmp.blockFinding(block, off, size));
    } else if (kind === ICCP) {
      out.push(...iccFindings(payload, block, off, size));
    } else if (!KEEP.has(kind)) {
      out.push(finding('blocks', 'Other chunk', `${block}, ${formatBytes(size)}`, block, off, size));
    }
  }
  const trailing = data.length - layout.riffEnd;
  if (trailing > 0) {
    out.push(finding('blocks', 'Data after the end of the image', formatBytes(trailing), 'trailer', layout.riffEnd, trailing));
  }
  return { format: NAME, mime: MIME, width, height, findings: out, warnings, damaged: layout.damaged };
}

// ---- strip ------------------------------------------------------------------------------------------

export function makeChunk(fourcc: string, payload: Bytes): Bytes {
  return concat([ascii(fourcc), packU32(payload.length, true), payload, payload.length & 1 ? new Uint8Array(1) : new Uint8Array(0)]);
}

function keptExif(payload: Bytes, options: StripOptions): Bytes | null {
  const [tiff] = exifTiff(payload);
  return exifMod.keptBlock(tiff, options.keep);
}

/** ALPH with the two reserved bits of its header byte cleared. */
function alph(payload: Bytes): Bytes {
  if (!payload.length) return new Uint8Array(0);
  const out = payload.slice();
  out[0] = out[0]! & 0x3f;
  return makeChunk(ALPH, out);
}

/**
 * An ANMF frame rewritten: its 16-byte header (reserved flag bits cleared), then only the
 * ALPH/VP8/VP8L chunks it holds, each in canonical form; empty when it holds no image chunk.
 */
function frame(payload: Bytes): Bytes {
  if (payload.length < 16) return new Uint8Array(0);
  const body: Bytes[] = [];
  let hasImage = false;
  let pos = 16;
  while (pos + 8 <= payload.length) {
    const kind = latin1(payload.subarray(pos, pos + 4));
    const size = readU32(payload, pos + 4, true);
    if (pos + 8 + size > payload.length) break;
    const inner = payload.subarray(pos + 8, pos + 8 + size);
    if (kind === ALPH) body.push(alph(inner));
    else if (kind === VP8 || kind === VP8L) {
      body.push(makeChunk(kind, inner));
      hasImage = true;
    }
    pos += 8 + size + (size & 1);
  }
  if (!hasImage) return new Uint8Array(0);
  const head = payload.slice(0, 16);
  head[15] = head[15]! & 0x03;
  return makeChunk(ANMF, concat([head, ...body]));
}

export function strip(data: Bytes, options: StripOptions): Bytes {
  const layout = parse(data);
  const first = layout.chunks[0]!;
  let body: Bytes[];
  if (!layout.extended) {
    body = [makeChunk(first.fourcc, chunkPayload(first, data))];
  } else {
    body = [];
    let flags = 0;
    let vp8xIndex = -1;
    const seen = new Set<string>();
    for (const [index, chunk] of layout.chunks.entries()) {
      const kind = chunk.fourcc;
      const payload = chunkPayload(chunk, data);
      const once = !seen.has(kind);
      seen.add(kind);
      if (index === 0) {
        vp8xIndex = body.length;
        body.push(new Uint8Array(0)); // written once the flags are known
      } else if (kind === EXIF && once) {
        const block = keptExif(payload, options);
        if (block !== null) {
          flags |= FLAG_EXIF;
          body.push(makeChunk(EXIF, block));
        }
      } else if (kind === ICCP && once && options.keep_icc) {
        const neutral = neutralise(payload);
        if (neutral !== null) {
          flags |= FLAG_ICC;
          body.push(makeChunk(ICCP, neutral));
        }
      } else if (kind === ANIM && once && payload.length >= 6) {
        body.push(makeChunk(ANIM, payload.subarray(0, 6))); // background colour, loop count
      } else if (kind === ANMF) {
        body.push(frame(payload));
      } else if (kind === ALPH) {
        body.push(alph(payload));
      } else if (kind === VP8 || kind === VP8L) {
        body.push(makeChunk(kind, payload));
      }
    }
    const vp8x = chunkPayload(first, data).slice(0, 10); // a copy: the input is never modified
    vp8x[0] = (vp8x[0]! & (FLAG_ALPHA | FLAG_ANIMATION)) | flags;
    vp8x.fill(0, 1, 4); // reserved
    body[vp8xIndex] = makeChunk(VP8X, vp8x);
  }
  const chunks = concat(body);
  return concat([ascii('RIFF'), packU32(4 + chunks.length, true), ascii('WEBP'), chunks]);
}

/**
 * GIF (87a/89a, still or animated) — mirrors src/privpix/formats/gif.py; docs/strip.md specifies
 * what a strip does to each block.
 *
 * A 6-byte header, a 7-byte logical screen descriptor, an optional global colour table, then blocks
 * (images 0x2c, extensions 0x21) until the trailer byte 0x3b; anything after the trailer is not part
 * of the picture. Data sub-blocks are a size byte (1-255) and that many bytes, ended by a zero size
 * byte. A strip copies the header and global colour table, then the images (reserved bits cleared)
 * with their graphic control blocks, one loop block and one ICC block (with `keep_icc`), each
 * rewritten canonical, then the trailer; plain text and everything else goes.
 */

import { type Bytes, ascii, concat, equalBytes, latin1, need, preview, startsWith, u16le, u8, utf8 } from './binary';
import { FormatError, TruncatedError, damagedWarning } from './errors';
import { type Finding, type Inspection, finding, formatBytes, trim } from './findings';
import { findings as iccFindings, neutralise } from './icc';
import { parseOnce } from './memo';
import type { StripOptions } from './policy';
import * as xmp from './xmp';

export const NAME = 'gif';
export const MIME = 'image/gif';
const FMT = 'GIF';

const IMAGE = 0x2c, EXTENSION = 0x21, TRAILER = 0x3b;
const GRAPHIC_CONTROL = 0xf9, COMMENT = 0xfe, PLAIN_TEXT = 0x01, APPLICATION = 0xff;

const LOOPING_APPS = [ascii('NETSCAPE2.0'), ascii('ANIMEXTS1.0')];
const ICC_APP = ascii('ICCRGBG1012');
const RESERVED_IMAGE_BITS = 0x18; // bits 3-4 of an image descriptor's packed byte
const XMP_APP = ascii('XMP DataXMP');
// 258 bytes: 0x01, then 0xff down to 0x00, then 0x00
export const XMP_MAGIC_TRAILER = concat([Uint8Array.of(1), Uint8Array.from({ length: 256 }, (_, i) => 255 - i), Uint8Array.of(0)]);

export interface Block {
  introducer: number; // 0x2c or 0x21
  label: number; // extension label; -1 for images
  start: number;
  bodyStart: number; // first sub-block size byte
  end: number; // just past the zero terminator
}

export interface Layout {
  screenEnd: number; // end of the logical screen descriptor and global colour table
  blocks: Block[];
  trailerEnd: number; // just past the trailer byte (the end of the file when it was cut short)
  partial: Block | null; // an image cut short: `end` is past its last whole sub-block
  damaged: string | null; // why the file is incomplete
}

/** An image's data sub-blocks end with the file: `block` holds the whole ones. */
class CutImage extends TruncatedError {
  constructor(err: FormatError, readonly block: Block) {
    super(err.format, err.offset, err.expected, err.found);
  }
}

/** Where the whole sub-blocks from `pos` end, in a file cut inside them. */
function wholeSubBlocks(data: Bytes, pos: number): number {
  while (pos < data.length && data[pos] && pos + 1 + data[pos]! <= data.length) pos += 1 + data[pos]!;
  return pos;
}

export function sniff(data: Bytes): boolean {
  return startsWith(data, ascii('GIF87a')) || startsWith(data, ascii('GIF89a'));
}

function tableSize(packed: number): number {
  return packed & 0x80 ? 3 << ((packed & 7) + 1) : 0;
}

function skipSubBlocks(data: Bytes, pos: number): number {
  for (;;) {
    const size = u8(data, pos, FMT, "a sub-block size (the file ends before the block's zero terminator)");
    pos += 1;
    if (size === 0) return pos;
    need(data, pos, size, FMT, 'a data sub-block');
    pos += size;
  }
}

/**
 * The file's blocks. A file cut short after its first image began is read up to the cut (an image
 * that was cut keeping its whole sub-blocks) and marked damaged; cut before, it is refused.
 */
export const parse = parseOnce(function parse(data: Bytes): Layout {
  const blocks: Block[] = [];
  try {
    return walk(data, blocks);
  } catch (err) {
    if (!(err instanceof TruncatedError)) throw err;
    const partial = err instanceof CutImage ? err.block : null;
    if (!partial && !blocks.some((b) => b.introducer === IMAGE)) throw err;
    return { screenEnd: 13 + tableSize(data[10]!), blocks, trailerEnd: data.length, partial, damaged: err.message };
  }
});

function walk(data: Bytes, blocks: Block[]): Layout {
  if (!sniff(data)) throw new FormatError(FMT, 0, "expected a GIF header 'GIF87a' or 'GIF89a'", preview(data, 0, 6));
  need(data, 6, 7, FMT, 'the logical screen descriptor');
  let table = tableSize(data[10]!);
  need(data, 13, table, FMT, 'the global colour table');
  let pos = 13 + table;
  const screenEnd = pos;
  for (;;) {
    if (pos >= data.length) {
      throw new TruncatedError(FMT, pos, 'truncated: expected another block or the trailer 0x3b, but the file ends');
    }
    const intro = data[pos]!;
    if (intro === TRAILER) return { screenEnd, blocks, trailerEnd: pos + 1, partial: null, damaged: null };
    let end: number;
    if (intro === IMAGE) {
      need(data, pos + 1, 9, FMT, 'an image descriptor');
      table = tableSize(data[pos + 9]!);
      need(data, pos + 10, table + 1, FMT, 'the local colour table and LZW code size');
      const body = pos + 10 + table + 1;
      try {
        end = skipSubBlocks(data, body);
      } catch (err) {
        if (!(err instanceof TruncatedError)) throw err;
        throw new CutImage(err, { introducer: IMAGE, label: -1, start: pos, bodyStart: body, end: wholeSubBlocks(data, body) });
      }
      blocks.push({ introducer: IMAGE, label: -1, start: pos, bodyStart: body, end });
    } else if (intro === EXTENSION) {
      const label = u8(data, pos + 1, FMT, 'an extension label');
      end = skipSubBlocks(data, pos + 2);
      blocks.push({ introducer: EXTENSION, label, start: pos, bodyStart: pos + 2, end });
    } else {
      throw new FormatError(FMT, pos, 'expected a block: image 0x2c, extension 0x21 or trailer 0x3b', preview(data, pos, 1));
    }
    pos = end;
  }
}

/** The 11-byte identifier + authentication code of an application extension, or empty. */
function appId(block: Block, data: Bytes): Bytes {
  const p = block.bodyStart;
  if (data[p] !== 11) return new Uint8Array(0);
  return data.subarray(p + 1, p + 12);
}

function subBlockData(data: Bytes, pos: number, end: number): Bytes {
  const parts: Bytes[] = [];
  while (pos < end) {
    const size = data[pos]!;
    if (size === 0) break;
    parts.push(data.subarray(pos + 1, pos + 1 + size));
    pos += 1 + size;
  }
  return concat(parts);
}

function printable(raw: Bytes): string {
  return Array.from(raw, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
}

const isLoopingApp = (ident: Bytes): boolean => LOOPING_APPS.some((app) => equalBytes(ident, app));
const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

// ---- the photo's own EXIF and ICC --------------------------------------------------------------------

/** GIF has no EXIF. */
export function exifBlock(_data: Bytes): Bytes | null {
  return null;
}

/** The first ICCRGBG1012 application extension's profile (its sub-blocks joined). */
export function iccProfile(data: Bytes): Bytes | null {
  for (const block of parse(data).blocks) {
    if (block.introducer === EXTENSION && block.label === APPLICATION && equalBytes(appId(block, data), ICC_APP)) {
      return subBlockData(data, block.bodyStart + 12, block.end);
    }
  }
  return null;
}

// ---- inspect ----------------------------------------------------------------------------------------

export function readMetadata(data: Bytes): Inspection {
  const layout = parse(data);
  const width = u16le(data, 6, FMT, 'the screen width');
  const height = u16le(data, 8, FMT, 'the screen height');
  const out: Finding[] = [];
  for (const block of layout.blocks) {
    if (block.introducer !== EXTENSION || block.label === GRAPHIC_CONTROL) continue;
    const off = block.start, size = block.end - block.start;
    if (block.label === PLAIN_TEXT) { // a 12-byte grid header, then the text
      const text = trim(latin1(subBlockData(data, block.bodyStart + 1 + data[block.bodyStart]!, block.end)));
      out.push(finding('blocks', 'Plain text', text || '(empty)', 'Plain text extension', off, size));
      continue;
    }
    if (block.label === COMMENT) {
      const raw = subBlockData(data, block.bodyStart, block.end);
      const text = trim(utf8(raw));
      out.push(finding('blocks', 'Comment', text || '(empty)', 'Comment extension', off, size));
      continue;
    }
    if (block.label !== APPLICATION) {
      out.push(
        finding('blocks', 'Unknown extension', `label 0x${hex2(block.label)}, ${formatBytes(size)}`,
          `Extension 0x${hex2(block.label)}`, off, size),
      );
      continue;
    }
    const ident = appId(block, data);
    if (isLoopingApp(ident)) continue;
    const name = ident.length ? `Application ${printable(ident)}` : 'Application';
    if (equalBytes(ident, XMP_APP)) {
      let raw = data.subarray(block.bodyStart + 12, block.end);
      if (raw.length >= XMP_MAGIC_TRAILER.length && startsWith(raw, XMP_MAGIC_TRAILER, raw.length - XMP_MAGIC_TRAILER.length)) {
        raw = raw.subarray(0, raw.length - XMP_MAGIC_TRAILER.length);
      }
      const packet = xmp.decodePacket(raw);
      out.push(...xmp.findings(packet, name, off, size));
      out.push(xmp.blockFinding(name, off, size));
    } else if (equalBytes(ident, ICC_APP)) {
      const profile = subBlockData(data, block.bodyStart + 12, block.end);
      out.push(...iccFindings(profile, name, off, size));
    } else {
      out.push(
        finding('blocks', 'Application extension', `${printable(ident) || 'unnamed'}, ${formatBytes(size)}`, name, off, size),
      );
    }
  }
  const trailing = data.length - layout.trailerEnd;
  if (trailing > 0) {
    out.push(finding('blocks', 'Data after the end of the image', formatBytes(trailing), 'trailer', layout.trailerEnd, trailing));
  }
  const warnings = layout.damaged === null ? [] : [damagedWarning(layout.damaged)];
  return { format: NAME, mime: MIME, width, height, findings: out, warnings, damaged: layout.damaged !== null };
}

// ---- strip ------------------------------------------------------------------------------------------

/** `payload` as data sub-blocks of at most 255 bytes, then the zero terminator. */
function subBlocks(payload: Bytes): Bytes {
  const parts: Bytes[] = [];
  for (let i = 0; i < payload.length; i += 255) {
    const part = payload.subarray(i, i + 255);
    parts.push(Uint8Array.of(part.length), part);
  }
  parts.push(Uint8Array.of(0));
  return concat(parts);
}

function firstSubBlock(data: Bytes, pos: number): Bytes {
  return data.subarray(pos + 1, pos + 1 + data[pos]!);
}

/** The canonical 4-byte graphic control block; its reserved bits cleared (null if too short). */
function graphicControl(block: Block, data: Bytes): Bytes | null {
  const first = firstSubBlock(data, block.bodyStart);
  if (first.length < 4) return null;
  return concat([Uint8Array.of(EXTENSION, GRAPHIC_CONTROL, 4, first[0]! & 0x1f), first.subarray(1, 4), Uint8Array.of(0)]);
}

/** The canonical loop block: "NETSCAPE2.0", one sub-block (1, loop count); null without one. */
function looping(block: Block, data: Bytes): Bytes | null {
  const first = firstSubBlock(data, block.bodyStart + 12);
  if (first.length < 3 || first[0] !== 1) return null;
  return concat([Uint8Array.of(EXTENSION, APPLICATION, 11), LOOPING_APPS[0]!, Uint8Array.of(3, 1), first.subarray(1, 3), Uint8Array.of(0)]);
}

function icc(block: Block, data: Bytes): Bytes | null {
  const neutral = neutralise(subBlockData(data, block.bodyStart + 12, block.end));
  return neutral === null ? null : concat([Uint8Array.of(EXTENSION, APPLICATION, 11), ICC_APP, subBlocks(neutral)]);
}

/** An image block verbatim but for the descriptor's two reserved bits, cleared. */
function image(block: Block, data: Bytes): Bytes {
  const out = data.slice(block.start, block.end);
  out[9] = out[9]! & ~RESERVED_IMAGE_BITS;
  return out;
}

export function strip(data: Bytes, options: StripOptions): Bytes {
  const layout = parse(data);
  const out: Bytes[] = [data.subarray(0, layout.screenEnd)];
  let control: Bytes | null = null; // the graphic control block waiting for the image it applies to
  let loopDone = false;
  let iccDone = false;
  for (const block of layout.blocks) {
    if (block.introducer === IMAGE) {
      if (control) out.push(control);
      out.push(image(block, data));
      control = null;
    } else if (block.label === GRAPHIC_CONTROL) {
      control = graphicControl(block, data); // a later one replaces an earlier one, as in decoders
    } else if (block.label === PLAIN_TEXT) {
      control = null; // text no decoder draws goes, and the control block that was meant for it
    } else if (block.label === APPLICATION && isLoopingApp(appId(block, data)) && !loopDone) {
      loopDone = true;
      const kept = looping(block, data);
      if (kept) out.push(kept);
    } else if (block.label === APPLICATION && equalBytes(appId(block, data), ICC_APP) && options.keep_icc && !iccDone) {
      iccDone = true;
      const kept = icc(block, data);
      if (kept) out.push(kept);
    }
  }
  if (layout.partial !== null) { // the image data that is there, ended as a whole image
    if (control) out.push(control);
    out.push(image(layout.partial, data), Uint8Array.of(0));
  }
  out.push(Uint8Array.of(TRAILER));
  return concat(out);
}

/**
 * JPEG (JFIF/EXIF, baseline or progressive, CMYK, MPO) — mirrors src/privpix/formats/jpeg.py.
 *
 * A chain of marker segments, entropy-coded scans, and an end-of-image marker after which anything
 * (MPF secondary images, vendor previews, aCropalypse leftovers) is not part of the picture. A strip
 * copies the segments a decoder needs byte for byte, writes JFIF, Adobe APP14 and the ICC chunks in
 * canonical form, replaces the EXIF block by a minimal one (orientation and any groups the user keeps),
 * drops the rest and refuses markers no common decoder reads (docs/strip.md has the table).
 */

import { type Bytes, ascii, concat, need, packU16, preview, readU32, readU16, startsWith, u16be, utf8 } from './binary';
import { FormatError, TruncatedError, UnsupportedError, damagedWarning } from './errors';
import * as exifMod from './exif';
import { type Finding, type Inspection, finding, formatBytes, trim } from './findings';
import { findings as iccFindings, neutralise } from './icc';
import * as iptc from './iptc';
import { type ScanWalk, walk as walkScans } from './jpeg-scan';
import { parseOnce } from './memo';
import type { StripOptions } from './policy';
import * as xmp from './xmp';

export const NAME = 'jpeg';
export const MIME = 'image/jpeg';
const FMT = 'JPEG';

const EOI = 0xd9, SOS = 0xda, COM = 0xfe, DHT = 0xc4, DQT = 0xdb, DRI = 0xdd, DNL = 0xdc, DAC = 0xcc, TEM = 0x01;
const APP0 = 0xe0, APP1 = 0xe1, APP2 = 0xe2, APP11 = 0xeb, APP13 = 0xed, APP14 = 0xee, APP15 = 0xef;
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

const EXIF_ID = ascii('Exif\x00');
const XMP_ID = ascii('http://ns.adobe.com/xap/1.0/\x00');
const XMP_EXT_ID = ascii('http://ns.adobe.com/xmp/extension/\x00');
const ICC_ID = ascii('ICC_PROFILE\x00');
const MPF_ID = ascii('MPF\x00');
const JFIF_ID = ascii('JFIF\x00');
const JFXX_ID = ascii('JFXX\x00');
const ADOBE_ID = ascii('Adobe');
const IRB_ID = ascii('Photoshop 3.0\x00');

/** A marker segment from its 0xFF to its end; an SOS segment includes the scan data after it. */
export interface Segment {
  marker: number;
  start: number;
  end: number;
  payloadStart: number;
  payloadEnd: number;
}

export interface Layout {
  segments: Segment[];
  eoiEnd: number; // just past the EOI marker (the end of the file when it was cut short)
  warnings: string[];
  damaged: string | null; // why the file is incomplete: it ends inside or after the image data
}

/**
 * Segments a decoder needs that a strip copies verbatim (besides SOFn and scan data); any marker not
 * named here or handled by `pieces` is one no common decoder reads.
 */
const KEPT_MARKERS = new Set([DHT, DQT, DRI, DAC, SOS]);

const isStandalone = (m: number): boolean => m === 0x01 || (m >= 0xd0 && m <= 0xd7);
const scanGoesOn = (m: number): boolean => m === 0x00 || (m >= 0xd0 && m <= 0xd7); // codes after 0xff that do not end scan data

export function sniff(data: Bytes): boolean {
  return data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff;
}

/**
 * Offset of the 0xff that starts the first marker after entropy-coded data at `pos`. In scan data
 * 0xff is followed by 0x00 (a stuffed byte), a restart marker d0-d7 or another 0xff (fill).
 */
function scanEnd(data: Bytes, pos: number): number {
  let j = data.indexOf(0xff, pos);
  while (j >= 0 && j + 1 < data.length) {
    const nxt = data[j + 1]!;
    if ((nxt >= 0x01 && nxt <= 0xcf) || (nxt >= 0xd8 && nxt <= 0xfe)) return j;
    j = data.indexOf(0xff, j + 1);
  }
  throw new TruncatedError(FMT, pos, 'truncated: the image data ends without an end-of-image marker (the file was cut short)');
}

/**
 * The file's segments. A file cut short after its image data began is read up to the cut (the scan
 * that was cut running to the end of the file) and marked damaged; cut before, it is refused.
 */
export const parse = parseOnce(function parse(data: Bytes): Layout {
  if (!sniff(data)) throw new FormatError(FMT, 0, 'expected a JPEG start-of-image marker ff d8 ff', preview(data, 0));
  const segments: Segment[] = [];
  const warnings: string[] = [];
  try {
    return walk(data, segments, warnings);
  } catch (err) {
    if (!(err instanceof TruncatedError) || !segments.some((seg) => seg.marker === SOS)) throw err;
    return { segments, eoiEnd: data.length, warnings: [...warnings, damagedWarning(err.message)], damaged: err.message };
  }
});

function walk(data: Bytes, segments: Segment[], warnings: string[]): Layout {
  let pos = 2;
  const n = data.length;
  for (;;) {
    if (pos >= n) throw new TruncatedError(FMT, pos, 'truncated: expected another marker, but the file ends');
    if (data[pos] !== 0xff) {
      const nxt = data.indexOf(0xff, pos);
      if (nxt < 0) throw new FormatError(FMT, pos, 'expected a marker (0xff)', preview(data, pos));
      warnings.push(`${nxt - pos} stray bytes before the marker at byte ${nxt} were dropped`);
      pos = nxt;
    }
    while (pos + 1 < n && data[pos + 1] === 0xff) pos += 1;
    if (pos + 1 >= n) throw new TruncatedError(FMT, pos, 'truncated: expected a marker code, but the file ends');
    const marker = data[pos + 1]!;
    const start = pos;
    if (marker === EOI) return { segments, eoiEnd: pos + 2, warnings, damaged: null };
    if (isStandalone(marker) || marker === 0x00) {
      segments.push({ marker, start, end: pos + 2, payloadStart: pos + 2, payloadEnd: pos + 2 });
      pos += 2;
      continue;
    }
    const hex = marker.toString(16).padStart(2, '0');
    const length = u16be(data, pos + 2, FMT, `the length of marker ff ${hex}`);
    if (length < 2) throw new FormatError(FMT, pos + 2, `expected a segment length of at least 2 for marker ff ${hex}`, String(length));
    const end = pos + 2 + length;
    need(data, pos + 4, length - 2, FMT, `the payload of marker ff ${hex}`);
    let segEnd: number;
    try {
      segEnd = marker === SOS ? scanEnd(data, end) : end;
    } catch (err) {
      segments.push({ marker, start, end: n, payloadStart: pos + 4, payloadEnd: end }); // the scan, as far as it goes
      throw err;
    }
    segments.push({ marker, start, end: segEnd, payloadStart: pos + 4, payloadEnd: end });
    pos = segEnd;
  }
}

const payloadOf = (seg: Segment, data: Bytes): Bytes => data.subarray(seg.payloadStart, seg.payloadEnd);

/** What a decoder reads of each scan: the bytes after that are dropped by a strip. */
export const scans = parseOnce((data: Bytes): ScanWalk => walkScans(data, parse(data).segments));

// ---- the photo's own EXIF and ICC --------------------------------------------------------------------

/** The first APP1 "Exif" segment's TIFF block: the one viewers apply and a strip rebuilds. */
export function exifBlock(data: Bytes): Bytes | null {
  for (const seg of parse(data).segments) {
    if (seg.marker === APP1 && startsWith(head(seg, data, 5), EXIF_ID)) return data.subarray(seg.payloadStart + 6, seg.payloadEnd);
  }
  return null;
}

/** [sequence number, bytes] of every APP2 ICC_PROFILE chunk, in file order. */
function iccChunks(data: Bytes, layout: Layout): [number, Bytes][] {
  return layout.segments
    .filter((seg) => seg.marker === APP2 && seg.payloadEnd - seg.payloadStart >= 14 && startsWith(data, ICC_ID, seg.payloadStart))
    .map((seg) => [data[seg.payloadStart + 12]!, data.subarray(seg.payloadStart + 14, seg.payloadEnd)]);
}

/** The ICC profile: the APP2 chunks joined in sequence-number order (stable for equal numbers). */
export function iccProfile(data: Bytes): Bytes | null {
  const chunks = iccChunks(data, parse(data));
  if (!chunks.length) return null;
  return concat(chunks.sort((a, b) => a[0] - b[0]).map(([, part]) => part));
}

// ---- inspect ----------------------------------------------------------------------------------------

function appName(seg: Segment, data: Bytes): string {
  const payload = data.subarray(seg.payloadStart, Math.min(seg.payloadEnd, seg.payloadStart + 40));
  const nul = payload.indexOf(0);
  const ident = (nul < 0 ? payload : payload.subarray(0, nul)).subarray(0, 32);
  const label = Array.from(ident, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
  return `APP${seg.marker - APP0}` + (label ? ` ${label}` : '');
}

/** [size, offset] of every image an MPF index lists; the first image (offset 0) is this one. */
function mpfEntries(payload: Bytes): [number, number][] {
  let info: exifMod.Exif;
  try {
    info = exifMod.parse(payload.subarray(4), 'MPF');
  } catch (err) {
    if (err instanceof FormatError) return [];
    throw err;
  }
  const entry = info.ifd0?.entries.get(0xb002);
  if (entry === undefined) return [];
  // each MP entry is 16 bytes: attribute, size, offset, two dependent-image numbers
  const raw = entry.raw;
  const out: [number, number][] = [];
  for (let i = 0; i + 15 < raw.length; i += 16) out.push([readU32(raw, i + 4, info.little), readU32(raw, i + 8, info.little)]);
  return out;
}

/** [count, bytes] of the secondary images an MPF index lists. */
function mpfImages(payload: Bytes): [number, number] {
  const extra = mpfEntries(payload).filter(([, offset]) => offset !== 0);
  return [extra.length, extra.reduce((sum, [size]) => sum + size, 0)];
}

// ---- the metadata-only walk (the audit) ---------------------------------------------------------------

/**
 * The segments before the first scan and the offset where its data starts, read plainly: null when
 * the file is not laid out so (stray bytes, an end marker before any scan, a segment that overruns
 * `data`), which only the full walk can tell about.
 */
function segmentsToScan(data: Bytes): [Segment[], number] | null {
  const n = data.length;
  const segments: Segment[] = [];
  let pos = 2;
  while (pos + 4 <= n) {
    const marker = data[pos + 1]!;
    if (data[pos] !== 0xff || marker === EOI) return null;
    if (marker === 0xff) {
      pos += 1; // a fill byte
      continue;
    }
    if (isStandalone(marker) || marker === 0x00) {
      segments.push({ marker, start: pos, end: pos + 2, payloadStart: pos + 2, payloadEnd: pos + 2 });
      pos += 2;
      continue;
    }
    const length = (data[pos + 2]! << 8) | data[pos + 3]!;
    const end = pos + 2 + length;
    if (length < 2 || end > n) return null;
    segments.push({ marker, start: pos, end, payloadStart: pos + 4, payloadEnd: end });
    if (marker === SOS) return [segments, end];
    pos = end;
  }
  return null;
}

/**
 * Where the image may end (just past its ff d9), without reading its scans: at the end of the file
 * (`size` bytes), or, when other images follow it (an MPO, an iPhone's gain map), at the end of the
 * first image as its MPF index gives it. `head` is the file from its start to at least its first
 * scan; null when it does not reach that far. A reader that reads a JPEG sparsely reads the two
 * bytes before each (`layoutToScan` checks them).
 */
export function imageEndCandidates(head: Bytes, size: number): number[] | null {
  const found = segmentsToScan(head);
  return found === null ? null : endCandidates(head, found[0], found[1], size);
}

function endCandidates(head: Bytes, segments: Segment[], scanStart: number, size: number): number[] {
  const candidates = [size];
  for (const seg of segments) {
    if (seg.marker !== APP2 || !startsWith(payloadOf(seg, head), MPF_ID)) continue;
    for (const [c, offset] of mpfEntries(payloadOf(seg, head))) if (offset === 0 && scanStart + 2 <= c && c < size) candidates.push(c);
  }
  return candidates.sort((a, b) => a - b);
}

/**
 * The layout as `parse` finds it, read without the picture data: the segments up to the first scan,
 * and the image's end: the first of `imageEndCandidates` that is an ff d9 (a scan cannot hold ff d9,
 * it would end the scan). Everything a photo's metadata holds lies before the first scan (APPn, COM,
 * the frame header), so the entropy-coded data, most of the file, is never read (docs/audit.md).
 * Null when the head is not laid out plainly or no candidate is an ff d9 (data after the image, a
 * file cut short): then only the full walk can say what the file holds.
 */
function layoutToScan(data: Bytes): Layout | null {
  const found = segmentsToScan(data);
  if (found === null) return null;
  const [segments, scanStart] = found;
  const end = endCandidates(data, segments, scanStart, data.length).find((c) => c >= scanStart + 2 && data[c - 2] === 0xff && data[c - 1] === EOI);
  if (end === undefined) return null;
  segments[segments.length - 1] = { ...segments[segments.length - 1]!, end: end - 2 };
  return { segments, eoiEnd: end, warnings: [], damaged: null };
}

/**
 * `readMetadata` without reading the picture data when the file's layout allows (`layoutToScan`); the
 * full walk otherwise. What the audit reads: it never walks the scans (jpeg-scan.ts), so bytes hidden
 * after them are inspect's and strip's to find.
 */
export function readMetadataHead(data: Bytes): Inspection {
  return inspection(data, layoutToScan(data) ?? parse(data), false);
}

export function readMetadata(data: Bytes): Inspection {
  return inspection(data, parse(data), true);
}

function inspection(data: Bytes, layout: Layout, walkScans: boolean): Inspection {
  let width: number | null = null;
  let height: number | null = null;
  const out: Finding[] = [];
  const iccChunks: [number, Bytes][] = [];
  const iccSpan: number[] = [];
  const extXmp: [number, Bytes][] = [];
  const extSpan: number[] = [];
  const warnings = [...layout.warnings];
  for (const seg of layout.segments) {
    const m = seg.marker;
    const payload = payloadOf(seg, data);
    const off = seg.start;
    const size = seg.end - seg.start;
    if (SOF_MARKERS.has(m) && width === null && payload.length >= 5) {
      height = readU16(payload, 1, false);
      width = readU16(payload, 3, false);
    } else if (m === APP0 && startsWith(payload, JFIF_ID) && payload.length >= 14 && payload[12]! * payload[13]!) {
      out.push(finding('embedded', 'JFIF thumbnail', `${payload[12]}×${payload[13]} pixels`, 'APP0 JFIF', off, size));
    } else if (m === APP0 && startsWith(payload, JFXX_ID)) {
      out.push(finding('embedded', 'JFIF extension thumbnail', formatBytes(size), 'APP0 JFXX', off, size));
    } else if (m === APP1 && startsWith(payload, EXIF_ID)) {
      out.push(...exifMod.blockFindings(payload.subarray(6), 'APP1 EXIF', off, size, warnings, seg.payloadStart + 6));
    } else if (m === APP1 && startsWith(payload, XMP_ID)) {
      const packet = xmp.decodePacket(payload.subarray(XMP_ID.length));
      out.push(...xmp.findings(packet, 'APP1 XMP', off, size));
      out.push(xmp.blockFinding('APP1 XMP', off, size));
    } else if (m === APP1 && startsWith(payload, XMP_EXT_ID)) {
      const body = payload.subarray(XMP_EXT_ID.length);
      if (body.length >= 40) extXmp.push([readU32(body, 36, false), body.subarray(40)]);
      extSpan.push(off, size);
    } else if (m === APP2 && startsWith(payload, ICC_ID) && payload.length >= 14) {
      iccChunks.push([payload[12]!, payload.subarray(14)]);
      iccSpan.push(off, size);
    } else if (m === APP2 && startsWith(payload, MPF_ID)) {
      const [count, total] = mpfImages(payload);
      const value = count
        ? `${count} more image${count !== 1 ? 's' : ''} after this one (${formatBytes(total)})`
        : 'multi-picture index';
      out.push(finding('embedded', 'MPF images', value, 'APP2 MPF', off, size));
    } else if (m === APP13 && startsWith(payload, IRB_ID)) {
      out.push(...iptc.irbFindings(payload.subarray(IRB_ID.length), 'APP13 Photoshop', off, size));
    } else if (m === APP11 && payload[0] === 0x4a && payload[1] === 0x50) {
      out.push(finding('blocks', 'C2PA / JUMBF', `content-credentials manifest, ${formatBytes(size)}`, 'APP11 JUMBF', off, size));
    } else if (m === COM) {
      let end = payload.length;
      while (end > 0 && payload[end - 1] === 0) end -= 1;
      const comment = trim(utf8(payload.subarray(0, end)));
      out.push(finding('blocks', 'Comment', comment || '(empty)', 'COM', off, size));
    } else if (
      m >= APP0 && m <= APP15 &&
      !(m === APP14 && startsWith(payload, ADOBE_ID)) &&
      !(m === APP0 && startsWith(payload, JFIF_ID))
    ) {
      const name = appName(seg, data);
      out.push(finding('blocks', 'Vendor block', `${name}, ${formatBytes(size)}`, name, off, size));
    }
  }
  if (extXmp.length) {
    extXmp.sort((a, b) => a[0] - b[0]);
    const packet = xmp.decodePacket(concat(extXmp.map(([, part]) => part)));
    const total = sumOdd(extSpan);
    out.push(...xmp.findings(packet, 'APP1 Extended XMP', extSpan[0]!, total));
    out.push(finding('blocks', 'Extended XMP', `${extXmp.length} parts, ${formatBytes(total)}`, 'APP1 Extended XMP', extSpan[0]!, total));
  }
  if (iccChunks.length) {
    iccChunks.sort((a, b) => a[0] - b[0]);
    const profile = concat(iccChunks.map(([, part]) => part));
    out.push(...iccFindings(profile, 'APP2 ICC_PROFILE', iccSpan[0]!, sumOdd(iccSpan)));
  }
  const walked: ScanWalk = walkScans ? scans(data) : { kept: new Map(), hidden: [], unchecked: null };
  if (walked.hidden.length) {
    const total = sumOdd(walked.hidden.flat());
    out.push(finding('blocks', 'Data after the scan data', `${formatBytes(total)} no decoder reads`, 'scan', walked.hidden[0]![0], total));
  }
  if (walked.unchecked !== null) {
    warnings.push(`the bytes after the image data could not be checked (${walked.unchecked}), so a strip keeps them`);
  }
  const trailing = data.length - layout.eoiEnd;
  if (trailing > 0) {
    out.push(finding('blocks', 'Data after the end of the image', formatBytes(trailing), 'trailer', layout.eoiEnd, trailing));
  }
  return { format: NAME, mime: MIME, width, height, findings: out, warnings, damaged: layout.damaged !== null };
}

/** Sum of the lengths in a flat [offset, length, offset, length, …] list. */
function sumOdd(spans: number[]): number {
  let total = 0;
  for (let i = 1; i < spans.length; i += 2) total += spans[i]!;
  return total;
}

// ---- strip ------------------------------------------------------------------------------------------

/**
 * Up to `n` bytes from the start of the segment's payload: its own bytes only, never those of
 * whatever follows a segment too short to hold an identifier.
 */
function head(seg: Segment, data: Bytes, n: number): Bytes {
  return data.subarray(seg.payloadStart, Math.min(seg.payloadEnd, seg.payloadStart + n));
}

function segment(marker: number, payload: Bytes): Bytes {
  return concat([Uint8Array.of(0xff, marker), packU16(payload.length + 2), payload]);
}

function keptExif(seg: Segment, data: Bytes, options: StripOptions): Bytes[] {
  const block = exifMod.keptBlock(data.subarray(seg.payloadStart + 6, seg.payloadEnd), options.keep);
  if (block === null || EXIF_ID.length + 1 + block.length + 2 > 0xffff) return [];
  return [segment(APP1, concat([EXIF_ID, Uint8Array.of(0), block]))];
}

/** JFIF's 14 bytes (identifier, version, units, densities) with no thumbnail; a shorter one goes. */
function canonicalJfif(payload: Bytes): Bytes[] {
  return payload.length >= 14 ? [segment(APP0, concat([payload.subarray(0, 12), Uint8Array.of(0, 0)]))] : [];
}

/** Adobe's APP14 as decoders read it: version 100, no flags, the colour transform; a shorter one goes. */
function canonicalAdobe(payload: Bytes): Bytes[] {
  return payload.length >= 12 ? [segment(APP14, concat([ADOBE_ID, Uint8Array.of(0, 0x64, 0, 0, 0, 0), payload.subarray(11, 12)]))] : [];
}

const ICC_CHUNK = 65519; // profile bytes per APP2 segment: 65535 - 2 (length) - 14 (identifier, numbers)

/** The profile, neutralised (icc.neutralise), in as few APP2 chunks as fit, numbered 1..n. */
function canonicalIcc(data: Bytes): Bytes[] {
  const profile = iccProfile(data);
  const neutral = profile ? neutralise(profile) : null;
  if (neutral === null) return [];
  const parts: Bytes[] = [];
  for (let i = 0; i < neutral.length; i += ICC_CHUNK) parts.push(neutral.subarray(i, i + ICC_CHUNK));
  if (parts.length > 255) return [];
  return parts.map((part, k) => segment(APP2, concat([ICC_ID, Uint8Array.of(k + 1, parts.length), part])));
}

/** What a strip has already written: each of these blocks is kept once, at its first place. */
interface StripState {
  exif: boolean;
  jfif: boolean;
  icc: boolean;
  adobe: boolean;
  frameHeight: number; // from the first SOF, for DNL
}

/** The segments written in place of `seg`; null to copy it verbatim (scan data included). */
function pieces(seg: Segment, data: Bytes, options: StripOptions, state: StripState): Bytes[] | null {
  const m = seg.marker;
  if (SOF_MARKERS.has(m) && state.frameHeight < 0 && seg.payloadEnd - seg.payloadStart >= 3) {
    state.frameHeight = (data[seg.payloadStart + 1]! << 8) | data[seg.payloadStart + 2]!;
  }
  if (SOF_MARKERS.has(m) || KEPT_MARKERS.has(m) || scanGoesOn(m)) return null;
  const h = head(seg, data, 14);
  const once = (key: 'exif' | 'jfif' | 'icc' | 'adobe'): boolean => {
    const first = !state[key];
    state[key] = true;
    return first;
  };
  if (m === APP1 && startsWith(h, EXIF_ID)) return once('exif') ? keptExif(seg, data, options) : [];
  if (m === APP0 && startsWith(h, JFIF_ID)) return once('jfif') ? canonicalJfif(payloadOf(seg, data)) : [];
  if (m === APP2 && startsWith(h, ICC_ID) && h.length === 14) return once('icc') && options.keep_icc ? canonicalIcc(data) : [];
  if (m === APP14 && startsWith(h, ADOBE_ID)) return once('adobe') ? canonicalAdobe(payloadOf(seg, data)) : [];
  if (m === DNL) return state.frameHeight === 0 ? [segment(DNL, payloadOf(seg, data).subarray(0, 2))] : [];
  if ((m >= APP0 && m <= APP15) || m === COM || m === TEM) return [];
  throw new UnsupportedError(FMT, seg.start,
    `marker ff ${m.toString(16).padStart(2, '0')} is one no common decoder reads (hierarchical, JPEG extension or reserved): ` +
      'privpix will neither drop it nor copy it');
}

export function strip(data: Bytes, options: StripOptions): Bytes {
  const layout = parse(data);
  const out: Bytes[] = [Uint8Array.of(0xff, 0xd8)];
  const segments: Segment[] = []; // the output's own layout, to prime the parse memo with
  let pos = 2;
  const state: StripState = { exif: false, jfif: false, icc: false, adobe: false, frameHeight: -1 };
  const walked = scans(data);
  for (const seg of layout.segments) {
    const kept = walked.kept.get(seg.start);
    if (kept !== undefined) { // a scan with bytes no decoder reads: the header and what is read
      const ranges: [number, number][] = [[seg.start, seg.payloadEnd], ...kept];
      const size = ranges.reduce((total, [a, b]) => total + b - a, 0);
      const shift = pos - seg.start;
      segments.push({ marker: SOS, start: pos, end: pos + size, payloadStart: seg.payloadStart + shift, payloadEnd: seg.payloadEnd + shift });
      for (const [a, b] of ranges) out.push(data.subarray(a, b));
      pos += size;
      continue;
    }
    const rebuilt = pieces(seg, data, options, state);
    if (rebuilt !== null) { // whole new segments: payload after the length, to the end
      for (const piece of rebuilt) {
        segments.push({ marker: piece[1]!, start: pos, end: pos + piece.length, payloadStart: pos + 4, payloadEnd: pos + piece.length });
        out.push(piece);
        pos += piece.length;
      }
      continue;
    }
    const size = seg.end - seg.start;
    const last = segments[segments.length - 1];
    if (scanGoesOn(seg.marker) && last !== undefined && last.marker === SOS) {
      if (walked.unchecked === null) continue; // after the scan's last code (jpeg-scan.ts): never read
      // ff 00 or a restart marker that now follows scan data is part of that scan to a reader
      last.end = pos + size;
    } else { // copied verbatim, scan data included: the same shape, moved
      const shift = pos - seg.start;
      segments.push({ marker: seg.marker, start: pos, end: pos + size, payloadStart: seg.payloadStart + shift, payloadEnd: seg.payloadEnd + shift });
    }
    out.push(data.subarray(seg.start, seg.end));
    pos += size;
  }
  out.push(Uint8Array.of(0xff, 0xd9));
  const result = concat(out);
  parse.prime(result, { segments, eoiEnd: pos + 2, warnings: [], damaged: null });
  scans.prime(result, { kept: new Map(), hidden: [], unchecked: walked.unchecked });
  return result;
}

/**
 * HEIF / HEIC / AVIF — mirrors src/privpix/formats/isobmff.py, whose docstring specifies the policy
 * (what is kept and removed), the reading rules and what inspect reports in which order; the exact
 * output byte layout both engines write is in docs/strip.md, "HEIF strip layout".
 *
 * An ISO base media file (ISO/IEC 14496-12) holding still images as *items* (ISO/IEC 23008-12). The
 * picture is the primary item (`pitm`): a coded image (`hvc1`, `av01`) or a derived image (`grid`,
 * `iden`, `iovl`) whose inputs are other items (`dimg` references). Each item's bytes are found
 * through `iloc` (in the file, usually inside `mdat`, or inside `idat`); its properties live once in
 * `ipco` and are bound to items by `ipma`. EXIF and XMP are items too, linked to the image by `cdsc`
 * references; thumbnails are images with a `thmb` reference; depth maps, portrait mattes and HDR gain
 * maps are auxiliary images (`auxl` + an `auxC` property naming the kind).
 *
 * A strip never decodes: it keeps the primary item and everything it needs to render, and rebuilds
 * the container around exactly those bytes. Orientation stays in `irot`/`imir`.
 *
 * Numbers: Python's integers are unbounded, JavaScript's are exact only up to 2^53. The 64-bit fields
 * (a box's 64-bit size, iloc offsets and lengths of 8 bytes, crtt/mdft times) are read as BigInt, so
 * every error message and date names the same value as the Python engine. A value beyond 2^53 can
 * only come from a corrupt field and is otherwise carried as an approximate `number`; it reaches the
 * output only where Python never bounds-checks it: what inspect says about a removed item stored in
 * another file or built by construction method 2 (its offset, length and size), where the JSON
 * numbers of a finding cannot be exact (tests/conformance/test_isobmff_synthetic.py, "huge_unchecked").
 */

import { type Bytes, ByteWriter, ascii, ascii4, concat, latin1, need, packU64be, preview, readU32, u32be, utf8 } from './binary';
import { FormatError, UnsupportedError, damagedWarning } from './errors';
import * as exifMod from './exif';
import { type Category, type Finding, type Inspection, finding, formatBytes } from './findings';
import { findings as iccFindings, neutralise } from './icc';
import { parseOnce } from './memo';
import type { StripOptions } from './policy';
import * as xmp from './xmp';

export const NAME = 'heic';
export const MIME = 'image/heic';

const HEIC_BRANDS: ReadonlySet<string> = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const AVIF_BRANDS: ReadonlySet<string> = new Set(['avif', 'avis', 'avio']);
const HEIF_BRANDS: ReadonlySet<string> = new Set(['mif1', 'mif2', 'msf1', ...HEIC_BRANDS, ...AVIF_BRANDS]);

const IMAGE_TYPES: ReadonlySet<string> = new Set(
  ['hvc1', 'av01', 'grid', 'iden', 'iovl', 'tmap', 'jpeg', 'avc1', 'vvc1', 'unci', 'j2k1', 'hvt1', 'lhv1'],
);
const ALPHA_URNS: ReadonlySet<string> = new Set(
  ['urn:mpeg:mpegB:cicp:systems:auxiliary:alpha', 'urn:mpeg:hevc:2015:auxid:1', 'urn:mpeg:avc:2015:auxid:1'],
);
const DEPTH_URNS: ReadonlySet<string> = new Set(
  ['urn:mpeg:mpegB:cicp:systems:auxiliary:depth', 'urn:mpeg:hevc:2015:auxid:2', 'urn:mpeg:avc:2015:auxid:2'],
);
// Properties that describe the photo rather than render it: never copied.
const METADATA_PROPERTIES: ReadonlyMap<string, readonly [Category, string]> = new Map([
  ['udes', ['people', 'Description property']],
  ['crtt', ['time', 'Created']],
  ['mdft', ['time', 'Modified']],
  ['altt', ['people', 'Accessibility text']],
  ['taic', ['blocks', 'TAI clock information']],
  ['itai', ['time', 'TAI timestamp']],
]);
const ICC_COLR_TYPES: ReadonlySet<string> = new Set(['prof', 'rICC']);
/**
 * Properties that decode and render an image (codec configurations, size, colour, orientation,
 * cropping, alpha and HDR information, layers): the only ones a strip keeps. An unknown one goes,
 * or, if an item marks it essential, the file is refused.
 */
const RENDERING_PROPERTIES: ReadonlySet<string> = new Set([
  'hvcC', 'av1C', 'avcC', 'vvcC', 'lhvC', 'jpgC', 'j2kH', 'uncC', 'cmpd', 'cpal', 'cloc', 'ispe', 'pixi', 'colr',
  'irot', 'imir', 'clap', 'pasp', 'auxC', 'clli', 'mdcv', 'cclv', 'amve', 'lsel', 'a1op', 'a1lx', 'iscl', 'rloc',
  'oinf', 'tols', 'rref',
]);
/** Payload sizes of the fixed-size ones (besides irot, imir, ispe, pixi and colr, handled by kind). */
const FIXED_SIZE_PROPERTIES: ReadonlyMap<string, number> = new Map([['pasp', 8], ['clap', 32], ['clli', 4], ['mdcv', 24]]);
const KNOWN_BRANDS: ReadonlySet<string> = new Set([
  ...HEIF_BRANDS, 'miaf', 'MiHE', 'MiHA', 'MiHB', 'MiPr', 'MiCm', 'MiAC', 'MA1A', 'MA1B', 'iso8', 'tmap', 'unif', 'jpeg',
  'avci', 'vvic',
]);
const XMP_MIME = 'application/rdf+xml';
const DROPPED_BOX_LABELS: ReadonlyMap<string, string> = new Map([
  ['free', 'Padding'],
  ['skip', 'Padding'],
  ['xml ', 'XML metadata'],
  ['bxml', 'Binary XML metadata'],
  ['grpl', 'Item groups'],
  ['ipro', 'Item protection'],
]);
// meta children that are understood (anything else is reported and dropped)
const META_CHILDREN: ReadonlySet<string> = new Set(['hdlr', 'dinf', 'pitm', 'iinf', 'iref', 'iprp', 'idat', 'iloc']);
const MAX_U32 = 0xffffffff;
/**
 * A well-formed file stores each item once and names each input once; reading more than this many
 * times over (the file, the references) means items overlap on purpose, and the file is refused.
 */
const OVERLAP_FACTOR = 4;
const overlapText = (what: string): string =>
  `expected items that do not overlap, but reading the ${what} takes more than ${OVERLAP_FACTOR} times the size of the file`;
/** Largest integer a `number` holds exactly (2^53 - 1). */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// ---- boxes ------------------------------------------------------------------------------------------

export interface Box {
  type: string;
  start: number;
  end: number;
  payload: number; // offset of the first byte after the (possibly 64-bit) header
  /** The exact end when a 64-bit size puts it beyond 2^53 (`end` is then approximate); only errors name it. */
  bigEnd?: bigint;
}

function boxSize(box: Box): number {
  return box.end - box.start;
}

/** A box's end as Python prints it (exact even for a corrupt 64-bit size). */
function endText(box: Box): string {
  return String(box.bigEnd ?? box.end);
}

/** A four-character code, one character per byte (latin-1), so it writes back unchanged. */
function fourcc(data: Bytes, pos: number): string {
  return latin1(data.subarray(pos, pos + 4));
}

/** A four-character code for people: non-printable bytes as escapes. */
function show(kind: string): string {
  return ascii4(ascii(kind), 0);
}

function plausibleType(data: Bytes, pos: number): boolean {
  for (const b of data.subarray(pos, pos + 4)) if (b < 32 || b >= 127) return false;
  return true;
}

/** An unsigned 64-bit big-endian integer, exactly (binary.ts's `u64be` stops at 2^53). */
function u64(data: Bytes, offset: number, fmt: string, what: string): bigint {
  need(data, offset, 8, fmt, what);
  return (BigInt(readU32(data, offset, false)) << 32n) | BigInt(readU32(data, offset + 4, false));
}

/** A FormatError at an offset that may lie beyond 2^53 (a corrupt 64-bit field), named exactly. */
function errorAt(fmt: string, at: bigint, expected: string): FormatError {
  const err = new FormatError(fmt, Number(at), expected);
  if (at > MAX_SAFE) err.message = `${fmt}: at byte ${at}: ${expected}`;
  return err;
}

/** The box starting at `pos` inside `[.., end)`; throws FormatError if it does not fit. */
function boxAt(data: Bytes, pos: number, end: number, fmt: string, parent: string, top: boolean): Box {
  need(data, pos, 8, fmt, `a box header inside ${parent}`);
  if (pos + 8 > end) throw new FormatError(fmt, pos, `expected a box header inside ${parent}, but ${parent} ends at byte ${end}`);
  let size = u32be(data, pos, fmt, 'a box size');
  const kind = fourcc(data, pos + 4);
  const shown = show(kind);
  let header = 8;
  let bigEnd: bigint | undefined;
  if (size === 1) {
    if (pos + 16 > end) {
      throw new FormatError(fmt, pos, `expected a 64-bit size for the '${shown}' box inside ${parent}, but ${parent} ends at byte ${end}`);
    }
    const big = u64(data, pos + 8, fmt, `the 64-bit size of the '${shown}' box`);
    header = 16;
    if (big < 16n) throw new FormatError(fmt, pos, `the '${shown}' box has a 64-bit size of ${big}, smaller than its 16-byte header`);
    size = Number(big);
    if (BigInt(pos) + big > MAX_SAFE) bigEnd = BigInt(pos) + big;
  } else if (size === 0) {
    if (!top) throw new FormatError(fmt, pos, `the '${shown}' box inside ${parent} has size 0 (only allowed for the last top-level box)`);
    size = end - pos;
  } else if (size < 8) {
    throw new FormatError(fmt, pos, `the '${shown}' box has size ${size}, smaller than its 8-byte header`);
  }
  const box: Box = { type: kind, start: pos, end: pos + size, payload: pos + header };
  if (bigEnd !== undefined) box.bigEnd = bigEnd;
  return box;
}

function children(data: Bytes, start: number, end: number, fmt: string, parent: string): Box[] {
  const out: Box[] = [];
  let pos = start;
  while (pos < end) {
    const box = boxAt(data, pos, end, fmt, parent, false);
    if (box.end > end) {
      throw new FormatError(
        fmt, box.start,
        `the '${show(box.type)}' box (bytes ${box.start}–${endText(box)}) runs past the end of ${parent} (byte ${end})`,
      );
    }
    out.push(box);
    pos = box.end;
  }
  return out;
}

/** [version, flags, offset of the body] of a full box. */
function full(data: Bytes, box: Box, fmt: string): [number, number, number] {
  if (box.payload + 4 > box.end) {
    throw new FormatError(fmt, box.start, `expected a version and flags in the '${show(box.type)}' box (${boxSize(box)} bytes)`);
  }
  const word = u32be(data, box.payload, fmt, `the version of the '${show(box.type)}' box`);
  return [word >>> 24, word & 0xffffff, box.payload + 4];
}

/** Bounds-checked reads inside one box: a short box is a FormatError naming the box. */
class Cursor {
  constructor(
    readonly data: Bytes,
    public pos: number,
    readonly end: number,
    readonly fmt: string,
    readonly box: string,
  ) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new FormatError(this.fmt, this.pos, `expected ${what} (${n} bytes) in the ${this.box} box, but the box ends at byte ${this.end}`);
    }
  }

  /** An unsigned big-endian integer of `n` <= 4 bytes (see `big` for 8). */
  uint(n: number, what: string): number {
    if (n === 0) return 0;
    this.need(n, what);
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 256 + this.data[this.pos + i]!;
    this.pos += n;
    return value;
  }

  /** `uint` for fields of any size (iloc's 8-byte offsets, times), exactly. */
  big(n: number, what: string): bigint {
    if (n === 0) return 0n;
    this.need(n, what);
    let value = 0n;
    for (let i = 0; i < n; i++) value = (value << 8n) | BigInt(this.data[this.pos + i]!);
    this.pos += n;
    return value;
  }

  fourcc(what: string): string {
    this.need(4, what);
    const value = fourcc(this.data, this.pos);
    this.pos += 4;
    return value;
  }

  /** A NUL-terminated UTF-8 string (or the rest of the box when the NUL is missing). */
  cstring(): string {
    const rel = this.data.subarray(this.pos, this.end).indexOf(0);
    const nul = rel < 0 ? -1 : this.pos + rel;
    const stop = nul < 0 ? this.end : nul;
    const value = utf8(this.data.subarray(this.pos, stop));
    this.pos = nul < 0 ? this.end : nul + 1;
    return value;
  }
}

// ---- the parsed file --------------------------------------------------------------------------------

export interface Item {
  id: number;
  type: string; // "" for infe versions 0/1
  box: Box;
  version: number;
  flags: number;
  protection: number;
  contentType: string;
  contentEncoding: string;
  tail: Bytes; // source bytes after the item name (mime/uri fields)
}

function newItem(id: number, type: string, box: Box, version: number, flags: number, protection: number): Item {
  return { id, type, box, version, flags, protection, contentType: '', contentEncoding: '', tail: new Uint8Array(0) };
}

export interface Location {
  id: number;
  method: number;
  dref: number;
  extents: [number, number][]; // (offset, length): absolute for method 0, inside idat for 1
  /** The extents exactly, when one of them reaches beyond 2^53 (a corrupt 8-byte field); else null. */
  exact: [bigint, bigint][] | null;
}

function locLength(loc: Location): number {
  let total = 0;
  for (const [, n] of loc.extents) total += n;
  return total;
}

/** Extent `k` of `loc` as exact integers. */
function exactExtent(loc: Location, k: number): [bigint, bigint] {
  if (loc.exact !== null) return loc.exact[k]!;
  const [off, length] = loc.extents[k]!;
  return [BigInt(off), BigInt(length)];
}

export interface Heif {
  fmt: string; // "HEIC" or "AVIF", for messages
  kind: string; // inspection format: "heic" or "avif"
  mime: string;
  ftyp: Box;
  meta: Box;
  handler: string;
  primary: number;
  items: Map<number, Item>; // iinf order
  refs: [string, number, number[]][]; // (type, from, to), source order
  properties: Box[]; // ipco children; index i + 1
  assoc: Map<number, [number, boolean][]>; // item -> [(property index, essential)], ipma order
  locations: Map<number, Location>; // iloc order
  idat: Box | null;
  hasDinf: boolean;
  drefSelf: boolean[]; // per dref entry: does it point into this file?
  dropped: Box[]; // top-level and meta-level boxes a strip drops
  trailing: number; // offset where trailing data starts, or -1
  /** "type from" -> to, concatenated in source order: a reference lookup costs no walk over 'iref'. */
  targets: Map<string, number[]>;
  damaged: string | null; // why the file is incomplete (its item data clipped to the file)
}

function brands(data: Bytes, ftyp: Box): string[] {
  const out = [fourcc(data, ftyp.payload)];
  for (let pos = ftyp.payload + 8; pos < ftyp.end - 3; pos += 4) out.push(fourcc(data, pos));
  return out;
}

/** [format, mime] from the major brand, then the compatible brands. */
function kindOf(brandList: string[]): [string, string] {
  const major = brandList[0]!;
  if (AVIF_BRANDS.has(major)) return ['avif', 'image/avif'];
  if (HEIC_BRANDS.has(major)) return ['heic', 'image/heic'];
  const compatible = brandList.slice(1);
  if (compatible.some((b) => AVIF_BRANDS.has(b))) return ['avif', 'image/avif'];
  if (compatible.some((b) => HEIC_BRANDS.has(b))) return ['heic', 'image/heic'];
  return ['heic', 'image/heif'];
}

export function sniff(data: Bytes): boolean {
  if (data.length < 16 || fourcc(data, 4) !== 'ftyp') return false;
  const size = readU32(data, 0, false);
  if (size < 16 || size > data.length) return false;
  for (let pos = 8; pos < size - 3; pos += 4) if (pos !== 12 && HEIF_BRANDS.has(fourcc(data, pos))) return true;
  return false;
}

/** Top-level boxes, and the offset of trailing data (-1 if none). */
function topLevel(data: Bytes, fmt: string): [Box[], number] {
  const boxes: Box[] = [];
  let pos = 0;
  const n = data.length;
  let seenMeta = false;
  while (pos < n) {
    if (seenMeta) {
      const left = n - pos;
      const size = left >= 4 ? readU32(data, pos, false) : 0;
      if (left < 8 || !plausibleType(data, pos + 4) || (size >= 2 && size <= 7) || (
        size === 1 && (left < 16 || (readU32(data, pos + 8, false) === 0 && readU32(data, pos + 12, false) < 16))
      )) {
        return [boxes, pos];
      }
    }
    const box = boxAt(data, pos, n, fmt, 'the file', true);
    if (box.end > n && box.type !== 'mdat') {
      if (seenMeta) return [boxes, pos]; // leftover bytes that happen to look like a box header
      throw new FormatError(
        fmt, box.start,
        `truncated: the '${show(box.type)}' box (bytes ${box.start}–${endText(box)}) runs past the end of the file (${n} bytes)`,
      );
    }
    boxes.push(box);
    seenMeta = seenMeta || box.type === 'meta';
    pos = box.end;
  }
  return [boxes, -1];
}

export const parse = parseOnce(function parse(data: Bytes): Heif {
  if (!sniff(data)) throw new FormatError('HEIF', 0, "expected an 'ftyp' box with a HEIF or AVIF brand", preview(data, 0, 12));
  const ftyp = boxAt(data, 0, data.length, 'HEIF', 'the file', true);
  const [kind, mime] = kindOf(brands(data, ftyp));
  const fmt = kind === 'avif' ? 'AVIF' : 'HEIC';
  const [boxes, trailing] = topLevel(data, fmt);
  const metas = boxes.filter((b) => b.type === 'meta');
  const moov = boxes.find((b) => b.type === 'moov');
  if (moov !== undefined) {
    throw new UnsupportedError(fmt, moov.start, "this is an image sequence (a 'moov' box with tracks); privpix strips still images only");
  }
  if (!metas.length) throw new FormatError(fmt, -1, "expected a 'meta' box (the item index), but there is none");
  if (metas.length > 1) throw new FormatError(fmt, metas[1]!.start, "expected one top-level 'meta' box", 'a second one');
  const meta = metas[0]!;
  const dropped = boxes.slice(1).filter((b) => b.type !== 'meta' && b.type !== 'mdat');

  const [, , body] = full(data, meta, fmt);
  const metaChildren = children(data, body, meta.end, fmt, "the 'meta' box");
  const byType = new Map<string, Box[]>();
  for (const child of metaChildren) {
    let list = byType.get(child.type);
    if (list === undefined) byType.set(child.type, (list = []));
    list.push(child);
    if (!META_CHILDREN.has(child.type)) dropped.push(child);
  }

  const one = (kind4: string, required = true): Box | null => {
    const found = byType.get(kind4) ?? [];
    if (found.length > 1) throw new FormatError(fmt, found[1]!.start, `expected at most one '${kind4}' box in 'meta'`, 'two');
    if (!found.length && required) throw new FormatError(fmt, meta.start, `expected a '${kind4}' box in the 'meta' box, but there is none`);
    return found[0] ?? null;
  };

  const hdlr = one('hdlr')!;
  const handler = new Cursor(data, full(data, hdlr, fmt)[2] + 4, hdlr.end, fmt, "'hdlr'").fourcc('a handler type');
  if (handler !== 'pict') throw new UnsupportedError(fmt, hdlr.start, "expected the 'pict' handler of an image file", `'${show(handler)}'`);

  const pitm = one('pitm')!;
  const [v, , p] = full(data, pitm, fmt);
  const primary = new Cursor(data, p, pitm.end, fmt, "'pitm'").uint(v === 0 ? 2 : 4, 'the primary item ID');

  const items = readIinf(data, one('iinf')!, fmt);
  if (!items.has(primary)) throw new FormatError(fmt, pitm.start, `the primary item ${primary} is not listed in 'iinf'`);
  const refs = readIref(data, byType.get('iref') ?? [], fmt);
  const [properties, assoc] = readIprp(data, one('iprp', false), fmt);
  const idat = one('idat', false);
  const dref = readDinf(data, one('dinf', false), fmt);
  const iloc = one('iloc', false);
  const locations = iloc ? readIloc(data, iloc, idat, fmt) : new Map<number, Location>();
  const heif: Heif = {
    fmt, kind, mime, ftyp, meta, handler, primary, items, refs, properties, assoc, locations, idat,
    hasDinf: byType.has('dinf'), drefSelf: dref, dropped: [...dropped].sort((a, b) => a.start - b.start), trailing,
    targets: new Map(),
    damaged: null,
  };
  for (const [kind, source, to] of refs) {
    const key = `${kind} ${source}`;
    const list = heif.targets.get(key);
    if (list) list.push(...to);
    else heif.targets.set(key, [...to]);
  }
  heif.damaged = cutShort(data, heif, boxes);
  checkExtents(data, heif);
  return heif;
});

function readIinf(data: Bytes, iinf: Box, fmt: string): Map<number, Item> {
  const [v, , p] = full(data, iinf, fmt);
  new Cursor(data, p, iinf.end, fmt, "'iinf'").uint(v === 0 ? 2 : 4, 'the item count');
  const items = new Map<number, Item>();
  for (const infe of children(data, p + (v === 0 ? 2 : 4), iinf.end, fmt, "the 'iinf' box")) {
    if (infe.type !== 'infe') continue;
    const [iv, flags, q] = full(data, infe, fmt);
    const cur = new Cursor(data, q, infe.end, fmt, `'infe' at byte ${infe.start}`);
    if (iv > 3) throw new UnsupportedError(fmt, infe.start, `'infe' version ${iv} is not defined`);
    const itemId = cur.uint(iv === 3 ? 4 : 2, 'an item ID');
    const protection = cur.uint(2, 'a protection index');
    let item: Item;
    if (iv >= 2) {
      item = newItem(itemId, cur.fourcc('an item type'), infe, iv, flags, protection);
      cur.cstring(); // item name
      item.tail = data.subarray(cur.pos, infe.end);
      if (item.type === 'mime') {
        item.contentType = cur.cstring();
        item.contentEncoding = cur.pos < cur.end ? cur.cstring() : '';
      }
    } else {
      item = newItem(itemId, '', infe, iv, flags, protection);
      cur.cstring();
      item.contentType = cur.pos < cur.end ? cur.cstring() : '';
      item.contentEncoding = cur.pos < cur.end ? cur.cstring() : '';
    }
    if (items.has(itemId)) throw new FormatError(fmt, infe.start, `item ${itemId} is listed twice in 'iinf'`);
    items.set(itemId, item);
  }
  return items;
}

function readIref(data: Bytes, boxes: Box[], fmt: string): [string, number, number[]][] {
  const refs: [string, number, number[]][] = [];
  for (const iref of boxes) {
    const [v, , p] = full(data, iref, fmt);
    const width = v === 0 ? 2 : 4;
    for (const child of children(data, p, iref.end, fmt, "the 'iref' box")) {
      const cur = new Cursor(data, child.payload, child.end, fmt, `'iref' '${show(child.type)}'`);
      const source = cur.uint(width, 'a from-item ID');
      const count = cur.uint(2, 'a reference count');
      const to: number[] = [];
      for (let i = 0; i < count; i++) to.push(cur.uint(width, 'a to-item ID'));
      refs.push([child.type, source, to]);
    }
  }
  return refs;
}

function readIprp(data: Bytes, iprp: Box | null, fmt: string): [Box[], Map<number, [number, boolean][]>] {
  const assoc = new Map<number, [number, boolean][]>();
  if (iprp === null) return [[], assoc];
  const kids = children(data, iprp.payload, iprp.end, fmt, "the 'iprp' box");
  const ipco = kids.filter((k) => k.type === 'ipco');
  const properties = ipco.length ? children(data, ipco[0]!.payload, ipco[0]!.end, fmt, "the 'ipco' box") : [];
  for (const ipma of kids.filter((k) => k.type === 'ipma')) {
    const [v, flags, p] = full(data, ipma, fmt);
    const cur = new Cursor(data, p, ipma.end, fmt, "'ipma'");
    const count = cur.uint(4, 'the entry count');
    for (let i = 0; i < count; i++) {
      const itemId = cur.uint(v === 0 ? 2 : 4, 'an item ID');
      let entries = assoc.get(itemId);
      if (entries === undefined) assoc.set(itemId, (entries = []));
      const associations = cur.uint(1, 'an association count');
      for (let j = 0; j < associations; j++) {
        let index: number, essential: boolean;
        if (flags & 1) {
          const raw = cur.uint(2, 'a property association');
          index = raw & 0x7fff;
          essential = raw >> 15 !== 0;
        } else {
          const raw = cur.uint(1, 'a property association');
          index = raw & 0x7f;
          essential = raw >> 7 !== 0;
        }
        if (index > properties.length) {
          throw new FormatError(fmt, cur.pos, `item ${itemId} uses property ${index}, but 'ipco' has only ${properties.length}`);
        }
        entries.push([index, essential]);
      }
    }
  }
  return [properties, assoc];
}

/** For each dref entry (1-based index - 1): is it this file? */
function readDinf(data: Bytes, dinf: Box | null, fmt: string): boolean[] {
  const out: boolean[] = [];
  if (dinf === null) return out;
  for (const dref of children(data, dinf.payload, dinf.end, fmt, "the 'dinf' box")) {
    if (dref.type !== 'dref') continue;
    const [, , p] = full(data, dref, fmt);
    for (const entry of children(data, p + 4, dref.end, fmt, "the 'dref' box")) {
      const [, flags] = full(data, entry, fmt);
      out.push((entry.type === 'url ' || entry.type === 'urn ') && (flags & 1) !== 0);
    }
  }
  return out;
}

function readIloc(data: Bytes, iloc: Box, idat: Box | null, fmt: string): Map<number, Location> {
  const [v, , p] = full(data, iloc, fmt);
  if (v > 2) throw new UnsupportedError(fmt, iloc.start, `'iloc' version ${v} is not defined (expected 0, 1 or 2)`);
  const cur = new Cursor(data, p, iloc.end, fmt, "'iloc'");
  let sizes = cur.uint(1, 'the offset and length sizes');
  const offsetSize = sizes >> 4, lengthSize = sizes & 15;
  sizes = cur.uint(1, 'the base offset and index sizes');
  const baseSize = sizes >> 4, indexSize = v >= 1 ? sizes & 15 : 0;
  const fields = [['offset', offsetSize], ['length', lengthSize], ['base offset', baseSize], ['index', indexSize]] as const;
  for (const [name, size] of fields) {
    if (size !== 0 && size !== 4 && size !== 8) throw new FormatError(fmt, iloc.start, `expected an iloc ${name} size of 0, 4 or 8`, String(size));
  }
  const locations = new Map<number, Location>();
  const idatLen = idat ? idat.end - idat.payload : 0;
  const count = cur.uint(v === 2 ? 4 : 2, 'the item count');
  for (let i = 0; i < count; i++) {
    const itemId = cur.uint(v === 2 ? 4 : 2, 'an item ID');
    const method = v >= 1 ? cur.uint(2, 'a construction method') & 15 : 0;
    const dref = cur.uint(2, 'a data reference index');
    const base = cur.big(baseSize, 'a base offset');
    const extents: [number, number][] = [];
    const exact: [bigint, bigint][] = [];
    let huge = false;
    const extentCount = cur.uint(2, 'an extent count');
    for (let k = 0; k < extentCount; k++) {
      cur.big(indexSize, 'an extent index');
      const offset = base + cur.big(offsetSize, 'an extent offset');
      let length = cur.big(lengthSize, 'an extent length');
      if (length === 0n && (method === 0 || method === 1)) { // "the whole resource"
        const rest = BigInt(method === 0 ? data.length : idatLen) - offset;
        length = rest > 0n ? rest : 0n;
      }
      extents.push([Number(offset), Number(length)]);
      exact.push([offset, length]);
      huge ||= offset + length > MAX_SAFE;
    }
    if (locations.has(itemId)) throw new FormatError(fmt, iloc.start, `item ${itemId} is listed twice in 'iloc'`);
    locations.set(itemId, { id: itemId, method, dref, extents, exact: huge ? exact : null });
  }
  return locations;
}

/**
 * Why the file is incomplete when its item data runs past its end (it was cut short after the 'meta'
 * box), with every extent clipped to the bytes that are there; null when it is whole.
 */
function cutShort(data: Bytes, heif: Heif, boxes: Box[]): string | null {
  const n = data.length;
  let reason: FormatError | null = null;
  for (const loc of heif.locations.values()) {
    if (loc.method !== 0 || !selfContained(heif, loc)) continue;
    for (const [k, [off, length]] of loc.extents.entries()) {
      if (off + length > n && reason === null) {
        const [o, l] = exactExtent(loc, k);
        reason = errorAt(heif.fmt, o, `truncated: item ${loc.id}'s data (bytes ${o}–${o + l}) lies beyond the end of the file (${n} bytes)`);
      }
    }
    loc.extents = loc.extents.map(([off, length]) => [off, Math.max(0, Math.min(length, n - off))]);
    if (loc.exact !== null) loc.exact = loc.exact.map(([off], k) => [off, BigInt(loc.extents[k]![1])]);
  }
  for (const box of boxes) {
    if (box.end > n && reason === null) {
      reason = new FormatError(heif.fmt, box.start,
        `truncated: the '${show(box.type)}' box (bytes ${box.start}–${endText(box)}) runs past the end of the file (${n} bytes)`);
    }
  }
  return reason === null ? null : reason.message;
}

function checkExtents(data: Bytes, heif: Heif): void {
  const n = data.length;
  const idatLen = heif.idat ? heif.idat.end - heif.idat.payload : 0;
  for (const loc of heif.locations.values()) {
    if (loc.method === 1) {
      if (heif.idat === null && loc.extents.length) {
        throw new FormatError(heif.fmt, heif.meta.start, `item ${loc.id}'s data is in an 'idat' box, but there is none`);
      }
      for (const [k, [off, length]] of loc.extents.entries()) {
        if (off + length > idatLen) {
          const [o, l] = exactExtent(loc, k);
          throw errorAt(
            heif.fmt, heif.idat ? BigInt(heif.idat.payload) + o : -1n,
            `item ${loc.id}'s data (bytes ${o}–${o + l} of 'idat') lies beyond the end of the 'idat' box (${idatLen} bytes)`,
          );
        }
      }
    }
  }
  for (const loc of heif.locations.values()) {
    const [store, where] = loc.method === 0 ? [n, 'file'] : [idatLen, "'idat' box"];
    const length = locLength(loc);
    if (inFile(heif, loc) && length > store) { // extents that repeat bytes: a copy per extent
      throw new FormatError(heif.fmt, itemOffset(heif, loc),
        `item ${loc.id}'s extents add up to ${length} bytes, more than the ${where} holds (${store} bytes)`);
    }
  }
}

function selfContained(heif: Heif, loc: Location): boolean {
  if (loc.dref === 0) return true;
  return loc.dref <= heif.drefSelf.length && heif.drefSelf[loc.dref - 1]!;
}

/** Whether an item's bytes are in this file (not in another file, not constructed). */
function inFile(heif: Heif, loc: Location | undefined): loc is Location {
  return loc !== undefined && (loc.method === 0 || loc.method === 1) && selfContained(heif, loc);
}

export function itemBytes(data: Bytes, heif: Heif, loc: Location): Bytes {
  if (loc.method === 1) {
    const base = heif.idat!.payload;
    return concat(loc.extents.map(([off, length]) => data.subarray(base + off, base + off + length)));
  }
  return concat(loc.extents.map(([off, length]) => data.subarray(off, off + length)));
}

/** Absolute file offset of an item's first byte (-1 when it has none). */
function itemOffset(heif: Heif, loc: Location | undefined): number {
  if (loc === undefined || !loc.extents.length) return -1;
  const off = loc.extents[0]![0];
  if (loc.method === 1 && heif.idat !== null) return heif.idat.payload + off;
  return off;
}

// ---- relations --------------------------------------------------------------------------------------

function targets(heif: Heif, refType: string, source: number): number[] {
  return heif.targets.get(`${refType} ${source}`) ?? [];
}

function property(heif: Heif, itemId: number, kind: string): Box | null {
  for (const [index] of heif.assoc.get(itemId) ?? []) {
    if (index && heif.properties[index - 1]!.type === kind) return heif.properties[index - 1]!;
  }
  return null;
}

function auxType(data: Bytes, heif: Heif, itemId: number): string {
  const box = property(heif, itemId, 'auxC');
  if (box === null) return '';
  const [, , p] = full(data, box, heif.fmt);
  return new Cursor(data, p, box.end, heif.fmt, "'auxC'").cstring();
}

function auxLabel(urn: string): string {
  if (ALPHA_URNS.has(urn)) return 'Alpha channel';
  if (DEPTH_URNS.has(urn) || urn.toLowerCase().includes('depth')) return 'Depth map';
  if (urn.toLowerCase().includes('matte')) return 'Portrait matte';
  if (urn.toLowerCase().includes('gainmap')) return 'HDR gain map';
  return 'Auxiliary image';
}

function ispe(data: Bytes, heif: Heif, itemId: number): [number, number] | null {
  const box = property(heif, itemId, 'ispe');
  if (box === null) return null;
  const [, , p] = full(data, box, heif.fmt);
  const cur = new Cursor(data, p, box.end, heif.fmt, "'ispe'");
  const width = cur.uint(4, 'the image width');
  return [width, cur.uint(4, 'the image height')];
}

/**
 * `roots` and every item reachable from them through `dimg`. A reference to an item that 'iinf' does
 * not list is an error when `strict` (a kept image needs it), else skipped.
 */
/**
 * `roots` and every item reachable from them through `dimg`, stopping at `known` items. A reference
 * to an item that 'iinf' does not list is an error when `strict` (a kept image needs it), else skipped.
 */
function closure(heif: Heif, roots: number[], strict = true, known: Set<number> | null = null): Set<number> {
  const out = new Set<number>();
  const stack = [...roots];
  while (stack.length) {
    const itemId = stack.pop()!;
    if (out.has(itemId) || known?.has(itemId)) continue;
    if (!heif.items.has(itemId)) {
      if (!strict) continue;
      throw new FormatError(heif.fmt, heif.meta.start, `a 'dimg' reference names item ${itemId}, which 'iinf' does not list`);
    }
    out.add(itemId);
    for (const t of targets(heif, 'dimg', itemId)) stack.push(t);
  }
  return out;
}

/**
 * The primary, its inputs (recursively) and its alpha planes with theirs: each item and each
 * reference is looked at once, however long a chain of alpha planes a file declares.
 */
export function neededItems(data: Bytes, heif: Heif): Set<number> {
  const describedBy = new Map<number, number[]>(); // item -> sources of the 'auxl' references naming it
  for (const [kind, source, to] of heif.refs) {
    if (kind !== 'auxl') continue;
    for (const target of to) {
      const list = describedBy.get(target);
      if (list) list.push(source);
      else describedBy.set(target, [source]);
    }
  }
  const kept = closure(heif, [heif.primary]);
  const queue = [...kept];
  while (queue.length) {
    for (const source of describedBy.get(queue.pop()!) ?? []) {
      if (!kept.has(source) && heif.items.has(source) && ALPHA_URNS.has(auxType(data, heif, source))) {
        const added = closure(heif, [source], true, kept);
        for (const itemId of added) {
          kept.add(itemId);
          queue.push(itemId);
        }
      }
    }
  }
  return kept;
}

// ---- the photo's own EXIF and ICC --------------------------------------------------------------------

/**
 * The primary image's Exif item: the first `Exif` item (`iinf` order) with a `cdsc` reference to
 * the primary, else the first `Exif` item with a location.
 */
export function sourceExif(heif: Heif): Item | null {
  const exifs = [...heif.items.values()].filter((i) => i.type === 'Exif' && heif.locations.has(i.id));
  for (const item of exifs) {
    if (targets(heif, 'cdsc', item.id).includes(heif.primary)) return item;
  }
  return exifs.length ? exifs[0]! : null;
}

function sourceExifTiff(data: Bytes, heif: Heif): Bytes | null {
  const item = sourceExif(heif);
  const loc = item ? heif.locations.get(item.id) : undefined;
  if (loc === undefined || !inFile(heif, loc)) return null;
  return exifTiff(itemBytes(data, heif, loc));
}

/** The primary's Exif item's TIFF block (see `sourceExif`). HEIF readers ignore its Orientation. */
export function exifBlock(data: Bytes): Bytes | null {
  return sourceExifTiff(data, parse(data));
}

export function iccProfile(data: Bytes): Bytes | null {
  const box = iccBox(data, parse(data));
  return box ? data.subarray(box.payload + 4, box.end) : null;
}

// ---- inspect ----------------------------------------------------------------------------------------

/** The TIFF block of an Exif item: after a 4-byte offset and that many prefix bytes. */
function exifTiff(payload: Bytes): Bytes | null {
  if (payload.length < 4) return null;
  const skip = 4 + readU32(payload, 0, false);
  return skip < payload.length ? payload.subarray(skip) : null;
}

const ORIENTATION_TEXT: Record<number, string> = {
  0: 'upright',
  90: 'rotated 90° counter-clockwise',
  180: 'rotated 180°',
  270: 'rotated 90° clockwise',
};

function orientation(data: Bytes, heif: Heif): Finding | null {
  const irot = property(heif, heif.primary, 'irot');
  const imir = property(heif, heif.primary, 'imir');
  if (irot === null && imir === null) return null;
  const angle = irot !== null && irot.payload < irot.end ? (data[irot.payload]! & 3) * 90 : 0;
  const axis = imir !== null && imir.payload < imir.end ? data[imir.payload]! & 1 : null;
  let text = ORIENTATION_TEXT[angle]!;
  if (axis !== null) text += axis === 0 ? ', mirrored left–right' : ', mirrored top–bottom';
  const where = (irot ?? imir)!;
  let block = irot !== null ? 'irot' : 'imir';
  if (irot !== null && imir !== null) block = 'irot + imir';
  // "imir" is null without a mirror, as in the Python engine's JSON
  return finding('kept', 'Orientation', text, block, where.start, boxSize(where), { irot: angle, imir: axis });
}

/** The primary's ICC `colr` box; a grid without one takes its first input's (as libheif does). */
function iccBox(data: Bytes, heif: Heif): Box | null {
  let itemId: number | null = heif.primary;
  const seen = new Set<number>();
  while (itemId !== null && !seen.has(itemId)) {
    seen.add(itemId);
    for (const [index] of heif.assoc.get(itemId) ?? []) {
      const box = index ? heif.properties[index - 1]! : null;
      if (box !== null && box.type === 'colr' && ICC_COLR_TYPES.has(latin1(data.subarray(box.payload, box.payload + 4)))) return box;
    }
    const inputs = targets(heif, 'dimg', itemId);
    itemId = inputs.length ? inputs[0]! : null;
  }
  return null;
}

function icc(data: Bytes, heif: Heif): Finding[] {
  const box = iccBox(data, heif);
  return box === null ? [] : iccFindings(data.subarray(box.payload + 4, box.end), 'colr', box.start, boxSize(box));
}

const EPOCH_1904_MS = Date.UTC(1904, 0, 1);
/** Seconds from 1904-01-01 to 10000-01-01: Python's datetime stops at year 9999 (OverflowError). */
const MAX_SECONDS = BigInt((Date.UTC(10000, 0, 1) - EPOCH_1904_MS) / 1000);

/** crtt/mdft: microseconds since 1904-01-01 00:00 UTC. */
function timeProperty(data: Bytes, box: Box, fmt: string): string {
  const [, , p] = full(data, box, fmt);
  const micros = new Cursor(data, p, box.end, fmt, `'${show(box.type)}'`).big(8, 'a time');
  const seconds = micros / 1_000_000n;
  if (seconds >= MAX_SECONDS) return `${micros} µs after 1904`;
  const when = new Date(EPOCH_1904_MS + Number(seconds) * 1000);
  const two = (v: number): string => String(v).padStart(2, '0');
  return `${String(when.getUTCFullYear()).padStart(4, '0')}-${two(when.getUTCMonth() + 1)}-${two(when.getUTCDate())} ` +
    `${two(when.getUTCHours())}:${two(when.getUTCMinutes())}:${two(when.getUTCSeconds())} UTC`;
}

function propertyFinding(data: Bytes, heif: Heif, box: Box): Finding {
  const [category, label] = METADATA_PROPERTIES.get(box.type)!;
  let value: string;
  if (box.type === 'crtt' || box.type === 'mdft') {
    value = timeProperty(data, box, heif.fmt);
  } else if (box.type === 'udes' || box.type === 'altt') {
    const [, , p] = full(data, box, heif.fmt);
    const cur = new Cursor(data, p, box.end, heif.fmt, `'${show(box.type)}'`);
    const parts: string[] = [];
    for (let i = 0; i < (box.type === 'udes' ? 4 : 2); i++) if (cur.pos < cur.end) parts.push(cur.cstring());
    // udes: lang, name, description, tags; altt: text, lang
    const shown = box.type === 'udes' ? parts.slice(1) : parts.slice(0, 1);
    value = shown.filter((part) => part).join(' / ') || '(empty)';
  } else {
    value = formatBytes(boxSize(box));
  }
  return finding(category, label, value, `${show(box.type)} property`, box.start, boxSize(box));
}

/** One finding for a removed image and its removed inputs (`parts`). */
function removedImage(data: Bytes, heif: Heif, item: Item, parts: Set<number>, tmapInputs: Set<number>): Finding {
  const size = ispe(data, heif, item.id);
  let total = 0;
  for (const i of parts) {
    const loc = heif.locations.get(i);
    if (loc !== undefined && inFile(heif, loc)) total += locLength(loc);
  }
  let label: string;
  if (targets(heif, 'thmb', item.id).length) label = 'Thumbnail';
  else if (targets(heif, 'auxl', item.id).length) label = auxLabel(auxType(data, heif, item.id));
  else if (item.type === 'tmap' || tmapInputs.has(item.id)) label = 'HDR gain map';
  else label = 'Other image';
  const dims = size ? `${size[0]}×${size[1]} pixels, ` : '';
  const value = `${dims}${formatBytes(total)}`;
  const loc = heif.locations.get(item.id);
  const offset = inFile(heif, loc) ? itemOffset(heif, loc) : -1;
  return finding('embedded', label, value, `${show(item.type)} item ${item.id}`, offset, total);
}

/** Python's `str.strip()`: its whitespace is not JavaScript's `trim` (U+001C-U+001F, U+0085; no U+FEFF). */
function pyStrip(text: string): string {
  return text.replace(/^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');
}

export function readMetadata(data: Bytes): Inspection {
  const heif = parse(data);
  const kept = neededItems(data, heif);
  const out: Finding[] = [];
  const warnings: string[] = [];
  const tmapInputs = new Set<number>();
  for (const i of heif.items.values()) if (i.type === 'tmap') for (const t of targets(heif, 'dimg', i.id)) tmapInputs.add(t);
  const removedImages = new Set<number>();
  for (const i of heif.items.values()) if (IMAGE_TYPES.has(i.type) && !kept.has(i.id)) removedImages.add(i.id);
  const inputsOfRemoved = new Set<number>();
  for (const r of removedImages) for (const t of targets(heif, 'dimg', r)) inputsOfRemoved.add(t);
  // What a crafted file can make inspect do, bounded: removed images sharing one big set of inputs
  // (each image's inputs are walked) and metadata items pointing at the same bytes (each is read).
  let walkBudget = OVERLAP_FACTOR * (heif.items.size + heif.refs.reduce((n, [, , to]) => n + to.length, 0)) + 64;
  let readBudget = OVERLAP_FACTOR * data.length;
  for (const item of heif.items.values()) {
    if (kept.has(item.id)) continue;
    const loc = heif.locations.get(item.id);
    const readable = inFile(heif, loc);
    // an item stored elsewhere (another file, construction method 2) has no place in this file
    const off = readable ? itemOffset(heif, loc) : -1;
    const length = loc !== undefined && readable ? locLength(loc) : 0;
    let payload: Bytes = new Uint8Array(0);
    if (loc !== undefined && readable && (item.type === 'Exif' || item.type === 'mime' || item.contentType)) {
      readBudget -= length;
      if (readBudget < 0) throw new FormatError(heif.fmt, off, overlapText("metadata items' data"));
      payload = itemBytes(data, heif, loc);
    }
    if (item.type === 'Exif') {
      const block = `Exif item ${item.id}`;
      const tiff = exifTiff(payload);
      if (tiff === null) {
        warnings.push(`${block} at byte ${off}: the EXIF block is unreadable (no TIFF header)`);
        out.push(finding('blocks', 'EXIF', `${formatBytes(length)}, unreadable`, block, off, length));
        continue;
      }
      // HEIF readers ignore EXIF Orientation; the kept orientation is irot/imir (reported below).
      out.push(...exifMod.blockFindings(tiff, block, off, length, warnings, off + payload.length - tiff.length, false));
    } else if (item.type === 'mime' || (item.type === '' && item.contentType)) {
      const ctype = pyStrip(item.contentType.split(';')[0]!).toLowerCase();
      if (ctype === XMP_MIME && !item.contentEncoding) {
        const block = `XMP item ${item.id}`;
        out.push(...xmp.findings(xmp.decodePacket(payload), block, off, length));
        out.push(xmp.blockFinding(block, off, length));
      } else {
        const enc = item.contentEncoding ? `, ${item.contentEncoding}` : '';
        out.push(finding('blocks', 'Metadata item', `${item.contentType || 'unknown type'}${enc}, ${formatBytes(length)}`,
          `mime item ${item.id}`, off, length));
      }
    } else if (removedImages.has(item.id)) {
      if (!inputsOfRemoved.has(item.id)) {
        const parts = closure(heif, [item.id], false, kept);
        walkBudget -= parts.size;
        if (walkBudget < 0) throw new FormatError(heif.fmt, heif.meta.start, overlapText("images' inputs"));
        out.push(removedImage(data, heif, item, parts, tmapInputs));
      }
    } else {
      out.push(finding('blocks', 'Item', `'${show(item.type)}' item, ${formatBytes(length)}`, `${show(item.type)} item ${item.id}`, off, length));
    }
  }
  const seen = new Set<number>();
  for (const itemId of heif.items.keys()) {
    if (!kept.has(itemId)) continue;
    for (const [index] of heif.assoc.get(itemId) ?? []) {
      if (index && !seen.has(index) && METADATA_PROPERTIES.has(heif.properties[index - 1]!.type)) {
        seen.add(index);
        out.push(propertyFinding(data, heif, heif.properties[index - 1]!));
      }
    }
  }
  const turn = orientation(data, heif);
  if (turn !== null) out.push(turn);
  out.push(...icc(data, heif));
  for (const box of heif.dropped) {
    const block = `${show(box.type)} box`;
    if (box.type === 'xml ') { // an XML box in 'meta' (full box): XMP as often as not
      const [, , p] = full(data, box, heif.fmt);
      out.push(...xmp.findings(xmp.decodePacket(data.subarray(p, box.end)), block, box.start, boxSize(box)));
    }
    let label: string, value: string;
    if (box.type === 'uuid') {
      const uuid = Array.from(data.subarray(box.payload, box.payload + 16), (b) => b.toString(16).padStart(2, '0')).join('');
      label = 'Vendor block';
      value = `uuid ${uuid}, ${formatBytes(boxSize(box))}`;
    } else {
      label = DROPPED_BOX_LABELS.get(box.type) ?? 'Unknown box';
      value = `'${show(box.type)}' box, ${formatBytes(boxSize(box))}`;
    }
    out.push(finding('blocks', label, value, block, box.start, boxSize(box)));
  }
  if (heif.trailing >= 0) {
    const left = data.length - heif.trailing;
    out.push(finding('blocks', 'Data after the end of the image', formatBytes(left), 'trailer', heif.trailing, left));
  }
  let width: number | null = null;
  let height: number | null = null;
  const size = ispe(data, heif, heif.primary);
  if (size !== null) {
    [width, height] = size;
    const irot = property(heif, heif.primary, 'irot');
    if (irot !== null && irot.payload < irot.end && data[irot.payload]! & 1) [width, height] = [height, width];
  }
  if (heif.damaged !== null) warnings.push(damagedWarning(heif.damaged));
  return { format: heif.kind, mime: heif.mime, width, height, findings: out, warnings, damaged: heif.damaged !== null };
}

// ---- strip ------------------------------------------------------------------------------------------

function box(kind: string, payload: Bytes): Bytes {
  if (8 + payload.length <= MAX_U32) return concat([uint(8 + payload.length, 4), ascii(kind), payload]);
  return concat([uint(1, 4), ascii(kind), packU64be(16 + payload.length), payload]);
}

function fullBox(kind: string, version: number, flags: number, payload: Bytes): Bytes {
  return box(kind, concat([uint(version * 0x1000000 + flags, 4), payload]));
}

/** `value` as `size` big-endian bytes; throws, like Python's `int.to_bytes`, when it does not fit. */
function uint(value: number, size: number): Bytes {
  const out = new Uint8Array(size);
  let rest = value;
  for (let i = size - 1; i >= 0; i--) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  if (rest !== 0 || value < 0) throw new RangeError(`int too big to convert: ${value} in ${size} bytes`);
  return out;
}

function infe(item: Item, itemType: string): Bytes {
  const big = item.id > 0xffff;
  const parts = [uint(item.id, big ? 4 : 2), uint(0, 2), ascii(itemType), Uint8Array.of(0)];
  if ((itemType === 'mime' || itemType === 'uri ') && itemType === item.type) parts.push(item.tail);
  return fullBox('infe', big ? 3 : 2, item.flags, concat(parts));
}

/** [item ID, payload] of the Exif item that keeps the user's keep-groups, or null. */
function keptExif(data: Bytes, heif: Heif, options: StripOptions): [number, Bytes] | null {
  if (!options.keep.length) return null;
  const item = sourceExif(heif);
  const tiff = sourceExifTiff(data, heif);
  if (item === null || tiff === null) return null;
  const block = exifMod.keptBlock(tiff, options.keep, false);
  if (block === null) return null;
  return [item.id, concat([new Uint8Array(4), block])];
}

function checkKeepable(heif: Heif, kept: Set<number>): void {
  for (const itemId of [...kept].sort((a, b) => a - b)) {
    const item = heif.items.get(itemId)!;
    const where = item.box.start;
    if (item.version < 2) {
      throw new UnsupportedError(heif.fmt, where, `item ${itemId} has an old-style 'infe' (version ${item.version}) without an item type`);
    }
    if (item.protection) throw new UnsupportedError(heif.fmt, where, `item ${itemId} is protected (encrypted); privpix cannot rewrite it`);
    const loc = heif.locations.get(itemId);
    if (loc === undefined) {
      if (item.type !== 'iden') throw new FormatError(heif.fmt, where, `item ${itemId} ('${show(item.type)}') has no location in 'iloc'`);
      continue;
    }
    if (loc.method !== 0 && loc.method !== 1) {
      throw new UnsupportedError(heif.fmt, where, `item ${itemId} is built from other items (iloc construction method ${loc.method})`);
    }
    if (!selfContained(heif, loc)) {
      throw new UnsupportedError(heif.fmt, where, `item ${itemId}'s data lives in another file (data reference ${loc.dref})`);
    }
  }
}

/**
 * The property box a strip writes for `box`, or null when it goes: metadata properties, unknown ones
 * (an essential one is refused by the caller), ICC colour without keep_icc. Kept properties of a
 * fixed size are cut to it (their reserved bits cleared); an ICC profile is neutralised; the others
 * are copied as they are.
 */
function propertyBytes(data: Bytes, b: Box, options: StripOptions): Bytes | null {
  const kind = b.type;
  const payload = data.subarray(b.payload, b.end);
  if (!RENDERING_PROPERTIES.has(kind)) return null;
  const colrType = latin1(payload.subarray(0, 4));
  if (kind === 'colr' && ICC_COLR_TYPES.has(colrType)) {
    const neutral = options.keep_icc ? neutralise(payload.subarray(4)) : null;
    return neutral === null ? null : box(kind, concat([payload.subarray(0, 4), neutral]));
  }
  if (kind === 'colr' && colrType === 'nclx') return payload.length >= 11 ? box(kind, payload.subarray(0, 11)) : null;
  if (kind === 'irot' || kind === 'imir') return payload.length ? box(kind, Uint8Array.of(payload[0]! & (kind === 'irot' ? 3 : 1))) : null;
  if (kind === 'ispe') return payload.length >= 12 ? box(kind, concat([payload.subarray(0, 1), new Uint8Array(3), payload.subarray(4, 12)])) : null;
  if (kind === 'pixi' && payload.length >= 5) {
    return box(kind, concat([payload.subarray(0, 1), new Uint8Array(3), payload.subarray(4, 5 + payload[4]!)]));
  }
  const size = FIXED_SIZE_PROPERTIES.get(kind);
  if (size !== undefined) return payload.length >= size ? box(kind, payload.subarray(0, size)) : null;
  return data.subarray(b.start, b.end);
}

/** The file type box: its major brand, minor version 0, and only the compatible brands privpix knows. */
function canonicalFtyp(data: Bytes, ftyp: Box): Bytes {
  const all = brands(data, ftyp);
  const compatible = [...new Set(all.slice(1).filter((b) => KNOWN_BRANDS.has(b)))];
  return box('ftyp', concat([ascii(all[0]!), new Uint8Array(4), ...compatible.map(ascii)]));
}

/** A kept item's bytes; a grid's description is cut to its defined size (8 or 12 bytes). */
function itemPayload(data: Bytes, heif: Heif, loc: Location): Bytes {
  const payload = itemBytes(data, heif, loc);
  if (heif.items.get(loc.id)!.type === 'grid' && payload.length >= 2) {
    const size = payload[1]! & 1 ? 12 : 8;
    return payload.length >= size ? payload.subarray(0, size) : payload;
  }
  return payload;
}

/**
 * `iprp`: the properties the kept items use, minus metadata (and ICC unless asked), as propertyBytes
 * writes them, renumbered; an essential property privpix does not know is refused.
 */
function strippedIprp(data: Bytes, heif: Heif, kept: Set<number>, options: StripOptions, bigIds: boolean): Bytes {
  const writtenProperties = new Map<number, Bytes | null>(); // source index -> the box written (null: dropped)
  const keepProperty = (index: number, itemId: number, essential: boolean): boolean => {
    if (index === 0) return false;
    if (!writtenProperties.has(index)) writtenProperties.set(index, propertyBytes(data, heif.properties[index - 1]!, options));
    const box = heif.properties[index - 1]!;
    if (writtenProperties.get(index) === null && essential && !RENDERING_PROPERTIES.has(box.type) && !METADATA_PROPERTIES.has(box.type)) {
      throw new UnsupportedError(heif.fmt, box.start,
        `item ${itemId} needs the property '${show(box.type)}' (marked essential), which privpix does not know: ` +
          'it will neither drop it nor copy it');
    }
    return writtenProperties.get(index) !== null;
  };

  const assoc = new Map<number, [number, boolean][]>();
  for (const [i, entries] of heif.assoc) if (kept.has(i)) assoc.set(i, entries.filter(([x, e]) => keepProperty(x, i, e)));
  const usedSet = new Set<number>();
  for (const entries of assoc.values()) for (const [x] of entries) usedSet.add(x);
  const used = [...usedSet].sort((a, b) => a - b);
  const renumber = new Map(used.map((old, k) => [old, k + 1] as const));
  const wide = used.length > 127;
  const ipmaBody = new ByteWriter();
  let count = 0;
  for (const [itemId, entries] of assoc) {
    if (!entries.length) continue;
    count += 1;
    ipmaBody.push(uint(itemId, bigIds ? 4 : 2), uint(entries.length, 1));
    for (const [index, essential] of entries) {
      if (wide) ipmaBody.push(uint((Number(essential) << 15) | renumber.get(index)!, 2));
      else ipmaBody.push(uint((Number(essential) << 7) | renumber.get(index)!, 1));
    }
  }
  const ipco = concat(used.map((i) => writtenProperties.get(i)!));
  const ipma = fullBox('ipma', bigIds ? 1 : 0, wide ? 1 : 0, concat([uint(count, 4), ipmaBody.bytes()]));
  return box('iprp', concat([box('ipco', ipco), ipma]));
}

/** `iinf`: an `infe` for every item written, the kept EXIF item typed `Exif`. */
function strippedIinf(heif: Heif, written: Set<number>, exifId: number): Bytes {
  const items = [...heif.items.values()].filter((i) => written.has(i.id));
  const infes = concat(items.map((i) => infe(i, i.id === exifId ? 'Exif' : i.type)));
  if (items.length <= 0xffff) return fullBox('iinf', 0, 0, concat([uint(items.length, 2), infes]));
  return fullBox('iinf', 1, 0, concat([uint(items.length, 4), infes]));
}

/** `iref`: the references between kept items, and a `cdsc` from the kept EXIF item to the primary. */
function strippedIref(heif: Heif, kept: Set<number>, exifId: number, bigIds: boolean): Bytes {
  const width = bigIds ? 4 : 2;
  const refs = new ByteWriter();
  for (const [kind, source, targetIds] of heif.refs) {
    if (!kept.has(source)) continue;
    const to = targetIds.filter((t) => kept.has(t));
    if (to.length) refs.push(box(kind, concat([uint(source, width), uint(to.length, 2), ...to.map((t) => uint(t, width))])));
  }
  if (exifId >= 0) refs.push(box('cdsc', concat([uint(exifId, width), uint(1, 2), uint(heif.primary, width)])));
  return refs.length ? fullBox('iref', bigIds ? 1 : 0, 0, refs.bytes()) : new Uint8Array(0);
}

/** Where each written item's data goes: method-1 items into `idat`, the rest into `mdat`. */
interface Placed {
  /** [item, method, offset in its store, length], in iloc order. */
  items: [number, number, number, number][];
  idat: Bytes;
  mdat: Bytes;
}

function placeItemData(data: Bytes, heif: Heif, kept: Set<number>, written: Set<number>, exif: [number, Bytes] | null): Placed {
  let keptBytes = 0;
  for (const i of kept) keptBytes += heif.locations.has(i) ? locLength(heif.locations.get(i)!) : 0;
  if (keptBytes > data.length) {
    throw new UnsupportedError(heif.fmt, -1, "the kept items' data overlap: the stripped file would repeat the same bytes");
  }
  const items: Placed['items'] = [];
  const idat = new ByteWriter();
  const mdat = new ByteWriter();
  for (const loc of heif.locations.values()) {
    if (!written.has(loc.id)) continue;
    const [payload, method] = exif !== null && loc.id === exif[0] ? [exif[1], 0] : [itemPayload(data, heif, loc), loc.method];
    const store = method === 1 ? idat : mdat;
    items.push([loc.id, method, store.length, payload.length]);
    store.push(payload);
  }
  return { items, idat: idat.bytes(), mdat: mdat.bytes() };
}

/** `iloc` with one extent per item (none for an empty one), `mdat` offsets from `mdatStart`. */
function iloc(placed: Placed, version: number, offsetSize: number, lengthSize: number, mdatStart: number): Bytes {
  const body = new ByteWriter().push(Uint8Array.of((offsetSize << 4) | lengthSize, 0));
  body.push(uint(placed.items.length, version === 2 ? 4 : 2));
  for (const [itemId, method, offset, length] of placed.items) {
    body.push(uint(itemId, version === 2 ? 4 : 2));
    if (version >= 1) body.push(uint(method, 2));
    body.push(uint(0, 2));
    if (length === 0) {
      body.push(uint(0, 2));
      continue;
    }
    body.push(uint(1, 2));
    body.push(uint(offset + (method === 0 ? mdatStart : 0), offsetSize));
    body.push(uint(length, lengthSize));
  }
  return fullBox('iloc', version, 0, body.bytes());
}

/**
 * `ftyp`, `meta` (`hdlr`, `dinf`, `pitm`, then `boxes`: iinf, iref, iprp, idat; then `iloc`) and
 * `mdat`. The item offsets in `iloc` depend on the size of `meta`, which holds it: `meta` is built
 * once with zero offsets to measure it, then with the real ones (4 bytes each, or 8 when `mdat`
 * reaches past 4 GiB).
 */
function assemble(data: Bytes, heif: Heif, boxes: Bytes, placed: Placed, bigIds: boolean): Bytes {
  const version = bigIds ? 2 : placed.items.some(([, m]) => m === 1) ? 1 : 0;
  const lengthSize = placed.items.some(([, , , n]) => n > MAX_U32) ? 8 : 4;
  const hdlr = fullBox('hdlr', 0, 0, concat([uint(0, 4), ascii(heif.handler), new Uint8Array(12), Uint8Array.of(0)]));
  const dinf = heif.hasDinf
    ? box('dinf', fullBox('dref', 0, 0, concat([uint(1, 4), fullBox('url ', 0, 1, new Uint8Array(0))])))
    : new Uint8Array(0);
  const pitm = heif.primary <= 0xffff ? fullBox('pitm', 0, 0, uint(heif.primary, 2)) : fullBox('pitm', 1, 0, uint(heif.primary, 4));
  const head = concat([hdlr, dinf, pitm, boxes]);
  const ftyp = canonicalFtyp(data, heif.ftyp);
  const mdatHeader = 8 + placed.mdat.length <= MAX_U32 ? 8 : 16;
  const metaFor = (offsetSize: number): [Bytes, number] => {
    const probe = fullBox('meta', 0, 0, concat([head, iloc(placed, version, offsetSize, lengthSize, 0)]));
    const start = ftyp.length + probe.length + mdatHeader;
    return [fullBox('meta', 0, 0, concat([head, iloc(placed, version, offsetSize, lengthSize, start)])), start];
  };
  let [meta, mdatStart] = metaFor(4);
  if (placed.items.some(([, m, off]) => m === 0 && mdatStart + off > MAX_U32)) [meta, mdatStart] = metaFor(8);
  return concat([ftyp, meta, placed.mdat.length ? box('mdat', placed.mdat) : new Uint8Array(0)]);
}

/**
 * The file rebuilt from the items a picture needs (neededItems), each with the properties that render
 * it; the EXIF item only with what `options.keep` keeps (docs/strip.md, HEIF). Mirrors isobmff.py.
 */
export function strip(data: Bytes, options: StripOptions): Bytes {
  const heif = parse(data);
  const kept = neededItems(data, heif);
  checkKeepable(heif, kept);
  const exif = keptExif(data, heif, options);
  const exifId = exif ? exif[0] : -1;
  const written = new Set(kept);
  if (exif) written.add(exifId);
  let bigIds = heif.primary > 0xffff;
  for (const itemId of written) bigIds ||= itemId > 0xffff;
  const iprp = strippedIprp(data, heif, kept, options, bigIds);
  const placed = placeItemData(data, heif, kept, written, exif);
  const boxes = concat([strippedIinf(heif, written, exifId), strippedIref(heif, kept, exifId, bigIds), iprp]);
  return assemble(data, heif, concat([boxes, placed.idat.length ? box('idat', placed.idat) : new Uint8Array(0)]), placed, bigIds);
}

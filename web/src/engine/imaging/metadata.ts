/**
 * Putting the kept metadata into encoded bytes, for the codecs that cannot take it themselves: the
 * ICC profile (JPEG APP2, PNG iCCP, WebP ICCP, AVIF colr) and, with keep_metadata, the EXIF block
 * (JPEG APP1, PNG eXIf, WebP EXIF, AVIF Exif item) with Orientation set to 1, as the pixels are upright.
 */

import { zlibSync } from 'fflate';
import { concat } from '../formats/binary';
import { makeChunk } from '../formats/png';
import * as exifMod from '../formats/exif';
import { FormatError } from '../formats/errors';
import type { EncodeFormat } from '../options';

const enc = new TextEncoder();

const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const le32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const be32 = (d: Uint8Array, p: number): number => ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;

// Tags a re-encoded image must not carry: they describe the source's pixel layout (sizes, strips,
// thumbnails, with offsets into the source block), plus MakerNote and the Interoperability pointer.
// Same lists as exif.py's REENCODE_DROP.
const REENCODE_DROP: Record<exifMod.IfdName, ReadonlySet<number>> = {
  ifd0: new Set([
    0x00fe, 0x00ff, 0x0100, 0x0101, 0x0102, 0x0103, 0x0106, 0x0107, 0x010a, 0x0111, 0x0115, 0x0116, 0x0117, 0x011c, 0x013d,
    0x0140, 0x0142, 0x0143, 0x0144, 0x0145, 0x014a, 0x0152, 0x0153, 0x0201, 0x0202, 0x0211, 0x0212, 0x02bc, 0x83bb, 0x8649, 0x8773,
  ]),
  exif: new Set([exifMod.TAG_MAKERNOTE, 0xa002, 0xa003, exifMod.TAG_INTEROP_IFD]),
  gps: new Set(),
};

/**
 * The EXIF a re-encoded image carries with keep_metadata (exif.py's reencoded_block): every tag of
 * IFD0, Exif and GPS IFDs but REENCODE_DROP, Orientation (when present) set to 1. Null when the block
 * is unreadable or nothing is left.
 */
export function reencodedBlock(tiff: Uint8Array): Uint8Array | null {
  let info: exifMod.Exif;
  try {
    info = exifMod.parse(tiff, 'EXIF');
  } catch (err) {
    if (err instanceof FormatError) return null;
    throw err;
  }
  if (info.ifd0 && info.ifd0.entries.has(exifMod.TAG_ORIENTATION)) {
    const raw = info.little ? Uint8Array.of(1, 0) : Uint8Array.of(0, 1);
    const entries = new Map(info.ifd0.entries);
    entries.set(exifMod.TAG_ORIENTATION, { tag: exifMod.TAG_ORIENTATION, type: exifMod.TYPE_SHORT, count: 1, raw, valueOffset: 0 });
    info.ifd0 = { ...info.ifd0, entries };
  }
  const pick = (ifd: exifMod.Ifd | null, name: exifMod.IfdName): Set<number> =>
    new Set(ifd ? [...ifd.entries.keys()].filter((t) => !REENCODE_DROP[name].has(t)) : []);
  return exifMod.build(info, { ifd0: pick(info.ifd0, 'ifd0'), exif: pick(info.exif, 'exif'), gps: pick(info.gps, 'gps') });
}

// ---- JPEG ------------------------------------------------------------------------------------------

const ICC_CHUNK = 65519;

function jpegSegment(marker: number, body: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(0xff, marker, ...u16(body.length + 2)), body]);
}

function jpegInsert(out: Uint8Array, icc: Uint8Array | null, exif: Uint8Array | null): Uint8Array {
  let at = 2; // after SOI, and after a JFIF APP0 that starts the file
  if (out[2] === 0xff && out[3] === 0xe0) at = 4 + ((out[4]! << 8) | out[5]!);
  const segments: Uint8Array[] = [];
  if (exif && exif.length + 8 <= 0xffff) segments.push(jpegSegment(0xe1, concat([enc.encode('Exif\0\0'), exif])));
  if (icc) {
    const count = Math.ceil(icc.length / ICC_CHUNK);
    for (let i = 0; i < count; i++) {
      segments.push(jpegSegment(0xe2, concat([enc.encode('ICC_PROFILE\0'), Uint8Array.of(i + 1, count), icc.subarray(i * ICC_CHUNK, (i + 1) * ICC_CHUNK)])));
    }
  }
  return concat([out.subarray(0, at), ...segments, out.subarray(at)]);
}

// ---- PNG -------------------------------------------------------------------------------------------

function pngInsert(out: Uint8Array, icc: Uint8Array | null, exif: Uint8Array | null): Uint8Array {
  const ihdrEnd = 8 + 12 + be32(out, 8);
  const parts: Uint8Array[] = [out.subarray(0, ihdrEnd)];
  if (icc) parts.push(makeChunk('iCCP', concat([enc.encode('ICC Profile'), Uint8Array.of(0, 0), zlibSync(icc, { level: 9 })])));
  // the rest, without colour chunks that would contradict the profile
  let pos = ihdrEnd;
  const rest: Uint8Array[] = [];
  while (pos + 12 <= out.length) {
    const len = be32(out, pos);
    const type = String.fromCharCode(...out.subarray(pos + 4, pos + 8));
    const end = pos + 12 + len;
    if (type === 'IEND' && exif) rest.push(makeChunk('eXIf', exif));
    if (!(icc && (type === 'sRGB' || type === 'iCCP' || type === 'gAMA' || type === 'cHRM'))) rest.push(out.subarray(pos, end));
    pos = end;
  }
  return concat([...parts, ...rest]);
}

// ---- WebP ------------------------------------------------------------------------------------------

function riffChunk(fourcc: string, payload: Uint8Array): Uint8Array {
  const pad = payload.length & 1 ? [0] : [];
  return concat([enc.encode(fourcc), Uint8Array.from(le32(payload.length)), payload, Uint8Array.from(pad)]);
}

function webpInsert(out: Uint8Array, icc: Uint8Array | null, exif: Uint8Array | null, width: number, height: number): Uint8Array {
  const chunks: [string, Uint8Array][] = [];
  for (let pos = 12; pos + 8 <= out.length; ) {
    const fourcc = String.fromCharCode(...out.subarray(pos, pos + 4));
    const size = out[pos + 4]! | (out[pos + 5]! << 8) | (out[pos + 6]! << 16) | (out[pos + 7]! << 24);
    chunks.push([fourcc, out.subarray(pos + 8, pos + 8 + size)]);
    pos += 8 + size + (size & 1);
  }
  const image = chunks.filter(([f]) => f !== 'VP8X' && f !== 'ICCP' && f !== 'EXIF');
  // an animation (codecs/webp-anim.ts) keeps its header's animation and alpha flags: its frames are in ANMF chunks
  const header = chunks.find(([f]) => f === 'VP8X')?.[1];
  const animated = chunks.some(([f]) => f === 'ANIM');
  const alpha =
    (animated && header !== undefined && (header[0]! & 0x10) !== 0) ||
    image.some(([f, p]) => f === 'ALPH' || (f === 'VP8L' && p.length > 4 && ((p[4]! >> 4) & 1) === 1));
  const flags = (icc ? 0x20 : 0) | (alpha ? 0x10 : 0) | (exif ? 0x08 : 0) | (animated ? 0x02 : 0);
  const w = width - 1;
  const h = height - 1;
  const vp8x = Uint8Array.of(flags, 0, 0, 0, w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff);
  const body = concat([
    enc.encode('WEBP'),
    riffChunk('VP8X', vp8x),
    ...(icc ? [riffChunk('ICCP', icc)] : []),
    ...image.map(([f, p]) => riffChunk(f, p)),
    ...(exif ? [riffChunk('EXIF', exif)] : []),
  ]);
  return concat([enc.encode('RIFF'), Uint8Array.from(le32(body.length)), body]);
}

// ---- AVIF (ISOBMFF) ---------------------------------------------------------------------------------

interface RawBox {
  type: string;
  start: number;
  end: number;
  body: number; // first byte after the header
}

function boxes(d: Uint8Array, start: number, end: number): RawBox[] {
  const out: RawBox[] = [];
  for (let pos = start; pos + 8 <= end; ) {
    let size = be32(d, pos);
    let body = pos + 8;
    if (size === 1) {
      size = be32(d, pos + 8) * 2 ** 32 + be32(d, pos + 12);
      body = pos + 16;
    } else if (size === 0) size = end - pos;
    const type = String.fromCharCode(...d.subarray(pos + 4, pos + 8));
    out.push({ type, start: pos, end: pos + size, body });
    pos += size;
  }
  return out;
}

function mkbox(type: string, ...parts: (Uint8Array | number[])[]): Uint8Array {
  const body = concat(parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p))));
  return concat([Uint8Array.from(u32(8 + body.length)), enc.encode(type), body]);
}

function readUint(d: Uint8Array, p: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + d[p + i]!;
  return v;
}

interface IlocItem {
  id: number;
  method: number;
  extents: [number, number][]; // absolute (method 0) or idat-relative offsets
}

function readIloc(d: Uint8Array, b: RawBox): IlocItem[] {
  const version = d[b.body]!;
  let p = b.body + 4;
  const offsetSize = d[p]! >> 4;
  const lengthSize = d[p]! & 15;
  const baseSize = d[p + 1]! >> 4;
  const indexSize = version === 1 || version === 2 ? d[p + 1]! & 15 : 0;
  p += 2;
  const count = version < 2 ? readUint(d, p, 2) : readUint(d, p, 4);
  p += version < 2 ? 2 : 4;
  const items: IlocItem[] = [];
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? readUint(d, p, 2) : readUint(d, p, 4);
    p += version < 2 ? 2 : 4;
    let method = 0;
    if (version === 1 || version === 2) {
      method = readUint(d, p, 2) & 15;
      p += 2;
    }
    p += 2; // data_reference_index
    const base = readUint(d, p, baseSize);
    p += baseSize;
    const n = readUint(d, p, 2);
    p += 2;
    const extents: [number, number][] = [];
    for (let k = 0; k < n; k++) {
      p += indexSize;
      const off = readUint(d, p, offsetSize);
      p += offsetSize;
      const len = readUint(d, p, lengthSize);
      p += lengthSize;
      extents.push([base + off, len]);
    }
    items.push({ id, method, extents });
  }
  return items;
}

function writeIloc(items: IlocItem[]): Uint8Array {
  const body: number[] = [1, 0, 0, 0, 0x44, 0x00, ...u16(items.length)];
  for (const it of items) {
    body.push(...u16(it.id), ...u16(it.method), ...u16(0), ...u16(it.extents.length));
    for (const [off, len] of it.extents) body.push(...u32(off), ...u32(len));
  }
  return mkbox('iloc', body);
}

function avifInsert(out: Uint8Array, icc: Uint8Array | null, exif: Uint8Array | null): Uint8Array {
  const top = boxes(out, 0, out.length);
  const meta = top.find((b) => b.type === 'meta');
  if (!meta) throw new Error('AVIF: no meta box');
  const kids = boxes(out, meta.body + 4, meta.end);
  const pitm = kids.find((b) => b.type === 'pitm')!;
  const primary = out[pitm.body]! === 0 ? readUint(out, pitm.body + 4, 2) : readUint(out, pitm.body + 4, 4);
  const ilocBox = kids.find((b) => b.type === 'iloc')!;
  const iloc = readIloc(out, ilocBox);
  const newKids: Uint8Array[] = [];
  const exifId = Math.max(...iloc.map((i) => i.id)) + 1;
  let sawIref = false;
  for (const k of kids) {
    const raw = out.subarray(k.start, k.end);
    if (k.type === 'iprp' && icc) {
      const [ipco, ...rest] = boxes(out, k.body, k.end);
      if (!ipco || ipco.type !== 'ipco') throw new Error('AVIF: ipco not first in iprp');
      const props = boxes(out, ipco.body, ipco.end);
      const index = props.length + 1;
      const colr = mkbox('colr', enc.encode('prof'), icc);
      const newIpco = mkbox('ipco', out.subarray(ipco.body, ipco.end), colr);
      const parts: Uint8Array[] = [newIpco];
      for (const r of rest) {
        if (r.type !== 'ipma') {
          parts.push(out.subarray(r.start, r.end));
          continue;
        }
        const version = out[r.body]!;
        const flags = out[r.body + 3]!;
        const wide = (flags & 1) === 1;
        let p = r.body + 4;
        const count = readUint(out, p, 4);
        p += 4;
        const body: number[] = [...out.subarray(r.body, r.body + 4), ...u32(count)];
        for (let i = 0; i < count; i++) {
          const idSize = version < 1 ? 2 : 4;
          const id = readUint(out, p, idSize);
          const n = out[p + idSize]!;
          const entrySize = wide ? 2 : 1;
          const entries = [...out.subarray(p + idSize + 1, p + idSize + 1 + n * entrySize)];
          p += idSize + 1 + n * entrySize;
          if (id === primary) {
            if (wide) entries.push((index >> 8) & 0x7f, index & 0xff);
            else if (index < 128) entries.push(index);
            else throw new Error('AVIF: too many properties');
          }
          body.push(...(idSize === 2 ? u16(id) : u32(id)), id === primary ? n + 1 : n, ...entries);
        }
        parts.push(mkbox('ipma', body));
      }
      newKids.push(mkbox('iprp', ...parts));
    } else if (k.type === 'iinf' && exif) {
      const version = out[k.body]!;
      const count = version === 0 ? readUint(out, k.body + 4, 2) : readUint(out, k.body + 4, 4);
      const infes = out.subarray(k.body + 4 + (version === 0 ? 2 : 4), k.end);
      const infe = mkbox('infe', [2, 0, 0, 1], u16(exifId), u16(0), enc.encode('Exif'), [0]);
      newKids.push(mkbox('iinf', [version, 0, 0, 0], version === 0 ? u16(count + 1) : u32(count + 1), infes, infe));
    } else if (k.type === 'iref' && exif) {
      sawIref = true;
      newKids.push(mkbox('iref', out.subarray(k.body, k.end), mkbox('cdsc', u16(exifId), u16(1), u16(primary))));
    } else if (k.type === 'iloc') {
      newKids.push(raw); // rewritten below, once sizes are known
    } else newKids.push(raw);
  }
  if (exif && !sawIref) newKids.push(mkbox('iref', [0, 0, 0, 0], mkbox('cdsc', u16(exifId), u16(1), u16(primary))));
  const exifPayload = exif ? concat([Uint8Array.of(0, 0, 0, 0), exif]) : null;
  // sizes: the new iloc has one more item with exif
  const items = iloc.map((i) => ({ ...i, extents: i.extents.map(([o, l]) => [o, l] as [number, number]) }));
  if (exifPayload) items.push({ id: exifId, method: 0, extents: [[0, exifPayload.length]] });
  const ilocIndex = kids.findIndex((b) => b.type === 'iloc');
  newKids[ilocIndex] = writeIloc(items);
  const metaHeader = out.subarray(meta.body, meta.body + 4);
  const newMetaLength = 12 + newKids.reduce((n, b) => n + b.length, 0);
  const delta = newMetaLength - (meta.end - meta.start);
  for (const it of items) if (it.method === 0 && it.id !== exifId) it.extents = it.extents.map(([o, l]) => [o >= meta.end ? o + delta : o, l]);
  const tailStart = meta.end;
  const exifAt = out.length + delta + 8; // after the moved tail, in a new mdat
  if (exifPayload) items[items.length - 1]!.extents = [[exifAt, exifPayload.length]];
  newKids[ilocIndex] = writeIloc(items);
  const newMeta = mkbox('meta', metaHeader, ...newKids);
  if (newMeta.length !== newMetaLength) throw new Error('AVIF: internal size mismatch');
  return concat([out.subarray(0, meta.start), newMeta, out.subarray(tailStart), ...(exifPayload ? [mkbox('mdat', exifPayload)] : [])]);
}

/** `out` (as the codec wrote it) with `icc` and `exif` (either may be null) inserted. */
export function insertMetadata(out: Uint8Array, format: EncodeFormat, icc: Uint8Array | null, exif: Uint8Array | null, width: number, height: number): Uint8Array {
  if (!icc && !exif) return out;
  switch (format) {
    case 'jpeg':
      return jpegInsert(out, icc, exif);
    case 'png':
      return pngInsert(out, icc, exif);
    case 'webp':
      return webpInsert(out, icc, exif, width, height);
    case 'avif':
      return avifInsert(out, icc, exif);
  }
}

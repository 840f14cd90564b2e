/**
 * HEIC/HEIF decoding in the browser, all of it: libheif (libheif-js, LGPL-3.0, loaded on first use),
 * and the two-core path: an iPhone-style HEIC is a grid of 512×512 HEVC tiles, so the grid is cut
 * into two bands of tile rows, each band is written as a small HEIF file of its own (the same tiles,
 * a smaller grid, no rotation) and decoded by its own libheif, one here and one in the helper worker
 * (helper.ts); `decodeHeicParallel` stacks the bands and applies irot once. Anything that is not a
 * plain grid (a single image, alpha, a crop, a mirror) goes to libheif whole, which applies irot/imir
 * itself. imaging/decode.ts calls `decodeHeicParallel`; the helper worker calls `decodeHeifFiles`.
 */

import { concat } from '../formats/binary';
import { FormatError } from '../formats/errors';
import type { Heif } from '../formats/isobmff';
import { itemBytes, parse } from '../formats/isobmff';
import { type Pixels, type Raster, orient } from '../imaging/raster';
import { helperAvailable, helperCall } from './helper';

export interface HeifRaster {
  data: Pixels; // RGBA
  width: number;
  height: number;
}

interface LibHeifImage {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  display(target: { data: Pixels; width: number; height: number }, done: (result: unknown) => void): void;
  free(): void;
}

interface LibHeif {
  HeifDecoder: new () => { decoder: number | null; decode(data: Uint8Array): LibHeifImage[] };
  heif_context_free(ctx: number): void;
}

let lib: Promise<LibHeif> | null = null;
let heavy = false;

/**
 * libheif is loaded by URL, as a file of its own: every worker that decodes HEIC (each tool's, and the
 * helper) then shares one copy, which the service worker keeps once for every tool that needs it.
 * Bundled into each worker instead, it would be a 2 MB copy per worker build.
 */
async function libheifModule(): Promise<{ default: (options: Record<string, unknown>) => unknown }> {
  const { default: url } = await import('libheif-js/libheif-wasm/libheif-bundle.mjs?url');
  return import(/* @vite-ignore */ new URL(url, import.meta.url).href);
}

function load(): Promise<LibHeif> {
  return (lib ??= libheifModule().then(
    (m: { default: (options: Record<string, unknown>) => unknown }) =>
      new Promise<LibHeif>((ok) => {
        // the runtime may be ready before the factory returns: hand the instance over afterwards
        const instance = m.default({ onRuntimeInitialized: () => queueMicrotask(() => ok(instance as LibHeif)) });
      }),
  ));
}

export async function warm(): Promise<void> {
  await load();
}

/** Decode the primary image of a HEIF file (libheif applies its irot/imir). */
export async function decodeHeif(file: Uint8Array): Promise<HeifRaster> {
  if (heavy) {
    lib = null; // a fresh instance gives the grown wasm heap back
    heavy = false;
  }
  const heif = await load();
  const decoder = new heif.HeifDecoder();
  try {
    const images = decoder.decode(file);
    const image = images.find((i) => i.is_primary()) ?? images[0];
    if (!image) throw new Error('libheif found no image in the file');
    const width = image.get_width();
    const height = image.get_height();
    const data = new Uint8ClampedArray(width * height * 4);
    const ok = await new Promise<unknown>((done) => image.display({ data, width, height }, done));
    for (const i of images) i.free();
    if (!ok) throw new Error('libheif could not decode the image');
    if (width * height > 16_000_000) heavy = true;
    return { data, width, height };
  } finally {
    if (decoder.decoder) heif.heif_context_free(decoder.decoder);
    decoder.decoder = null;
  }
}

export async function decodeHeifFiles(files: Uint8Array[]): Promise<HeifRaster[]> {
  const out: HeifRaster[] = [];
  for (const f of files) out.push(await decodeHeif(f));
  return out;
}

// ---- the grid split -------------------------------------------------------------------------------

const enc = new TextEncoder();

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
function box(type: string, ...parts: (Uint8Array | number[])[]): Uint8Array {
  const body = concat(parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p))));
  return concat([Uint8Array.from(u32(8 + body.length)), enc.encode(type), body]);
}
function fullBox(type: string, version: number, flags: number, ...parts: (Uint8Array | number[])[]): Uint8Array {
  return box(type, [version, (flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff], ...parts);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The property boxes of item `id`, as [type, bytes of the whole box]. */
function propertyBoxes(data: Uint8Array, heif: Heif, id: number): [string, Uint8Array][] {
  return (heif.assoc.get(id) ?? [])
    .filter(([index]) => index > 0 && index <= heif.properties.length)
    .map(([index]) => {
      const b = heif.properties[index - 1]!;
      return [b.type, data.subarray(b.start, b.end)];
    });
}

export interface GridPlan {
  files: Uint8Array[];
  heights: number[];
  width: number;
}

/**
 * When the primary image is a plain HEVC grid (no alpha, no crop), the HEIF files of `bands` bands
 * of tile rows; else null (decode the file as it is).
 */
export function splitGrid(data: Uint8Array, heif: Heif, bands: number): GridPlan | null {
  const primary = heif.items.get(heif.primary);
  if (!primary || primary.type !== 'grid') return null;
  const tiles = heif.refs.find(([type, from]) => type === 'dimg' && from === heif.primary)?.[2];
  if (!tiles || !tiles.length) return null;
  // an alpha plane (an auxiliary image whose auxC names alpha) needs libheif's own compositing
  const aux = heif.refs.filter(([type, , to]) => type === 'auxl' && to.includes(heif.primary)).map(([, from]) => from);
  const alpha = aux.some((id) =>
    propertyBoxes(data, heif, id).some(([type, box]) => type === 'auxC' && new TextDecoder().decode(box).includes(':alpha')),
  );
  if (alpha) return null;
  const gridProps = propertyBoxes(data, heif, heif.primary);
  if (gridProps.some(([type]) => type === 'clap')) return null; // a crop: let libheif do it
  const gridLoc = heif.locations.get(heif.primary);
  if (!gridLoc || (gridLoc.method !== 0 && gridLoc.method !== 1)) return null;
  const desc = itemBytes(data, heif, gridLoc);
  if (desc.length < 8) return null;
  const rows = desc[2]! + 1;
  const cols = desc[3]! + 1;
  const big = (desc[1]! & 1) === 1;
  const outW = big ? (desc[4]! << 24) | (desc[5]! << 16) | (desc[6]! << 8) | desc[7]! : (desc[4]! << 8) | desc[5]!;
  const outH = big ? (desc[8]! << 24) | (desc[9]! << 16) | (desc[10]! << 8) | desc[11]! : (desc[6]! << 8) | desc[7]!;
  if (tiles.length !== rows * cols || rows < bands) return null;
  const tileData: Uint8Array[] = [];
  let tileProps: [string, Uint8Array][] | null = null;
  for (const id of tiles) {
    const item = heif.items.get(id);
    const loc = heif.locations.get(id);
    if (!item || item.type !== 'hvc1' || !loc || (loc.method !== 0 && loc.method !== 1)) return null;
    const props = propertyBoxes(data, heif, id);
    if (tileProps === null) tileProps = props;
    else if (props.length !== tileProps.length || props.some(([, b], i) => !sameBytes(b, tileProps![i]![1]))) return null; // one hvcC for all
    tileData.push(itemBytes(data, heif, loc));
  }
  const hvcC = tileProps!.find(([type]) => type === 'hvcC')?.[1];
  const tileIspe = tileProps!.find(([type]) => type === 'ispe')?.[1];
  if (!hvcC || !tileIspe) return null;
  const tileH = (tileIspe[16]! << 24) | (tileIspe[17]! << 16) | (tileIspe[18]! << 8) | tileIspe[19]!;
  const colr = gridProps.filter(([type]) => type === 'colr').map(([, b]) => b);

  // band boundaries: rows that share the work out evenly. Work per tile row, fitted to libheif's
  // times on the corpus iPhone HEICs: 3/4 by pixels (prediction, filters, colour conversion), 1/4 by
  // coded bytes (entropy decoding)
  const coded = Array.from({ length: rows }, (_, r) => tileData.slice(r * cols, (r + 1) * cols).reduce((n, t) => n + t.length, 0));
  const codedTotal = coded.reduce((a, b) => a + b, 0);
  const rowWork = coded.map((c) => (0.25 * c) / codedTotal + 0.75 / rows); // sums to 1
  const ends: number[] = [];
  for (let band = 1, acc = 0, r = 0; band < bands; band++) {
    const goal = band / bands;
    while (r < rows - (bands - band) && acc + rowWork[r]! / 2 < goal) acc += rowWork[r++]!;
    ends.push(Math.max(r, (ends.at(-1) ?? 0) + 1));
  }
  ends.push(rows);
  const files: Uint8Array[] = [];
  const heights: number[] = [];
  let row = 0;
  for (let band = 0; band < bands; band++) {
    const bandRows = ends[band]! - row;
    const last = band === bands - 1;
    const height = last ? outH - row * tileH : bandRows * tileH;
    files.push(bandFile(bandRows, cols, outW, height, tileData.slice(row * cols, (row + bandRows) * cols), hvcC, tileIspe, colr));
    heights.push(height);
    row += bandRows;
  }
  return { files, heights, width: outW };
}

function bandFile(rows: number, cols: number, width: number, height: number, tiles: Uint8Array[], hvcC: Uint8Array, tileIspe: Uint8Array, colr: Uint8Array[]): Uint8Array {
  const n = tiles.length;
  const gridDesc = Uint8Array.from([0, 1, rows - 1, cols - 1, ...u32(width), ...u32(height)]);
  const ftyp = box('ftyp', enc.encode('heic'), u32(0), enc.encode('mif1heic'));
  const hdlr = fullBox('hdlr', 0, 0, u32(0), enc.encode('pict'), u32(0), u32(0), u32(0), [0]);
  const pitm = fullBox('pitm', 0, 0, u16(1));
  const infes = [fullBox('infe', 2, 0, u16(1), u16(0), enc.encode('grid'), [0])];
  for (let i = 0; i < n; i++) infes.push(fullBox('infe', 2, 1, u16(2 + i), u16(0), enc.encode('hvc1'), [0]));
  const iinf = fullBox('iinf', 0, 0, u16(1 + n), ...infes);
  const refs: number[] = [...u16(1), ...u16(n)];
  for (let i = 0; i < n; i++) refs.push(...u16(2 + i));
  const iref = fullBox('iref', 0, 0, box('dimg', refs));
  const gridIspe = fullBox('ispe', 0, 0, u32(width), u32(height));
  // properties: 1 hvcC, 2 tile ispe, 3 grid ispe, 4.. colr
  const ipco = box('ipco', hvcC, tileIspe, gridIspe, ...colr);
  const ipmaBody: number[] = [...u32(1 + n), ...u16(1), 1 + colr.length, 3];
  colr.forEach((_, i) => ipmaBody.push(0x80 | (4 + i)));
  for (let i = 0; i < n; i++) ipmaBody.push(...u16(2 + i), 2, 0x81, 2);
  const iprp = box('iprp', ipco, fullBox('ipma', 0, 0, ipmaBody));
  const ilocSize = 8 + 4 + 2 + 2 + (1 + n) * (2 + 2 + 2 + 4 + 4);
  const metaSize = 12 + hdlr.length + pitm.length + iinf.length + iref.length + iprp.length + ilocSize;
  let at = ftyp.length + metaSize + 8; // mdat payload
  const ilocHead = [0x44, 0x00, ...u16(1 + n)]; // 4-byte offsets and lengths, no base offset
  const entries: number[] = [];
  [gridDesc, ...tiles].forEach((payload, i) => {
    entries.push(...u16(1 + i), ...u16(0), ...u16(1), ...u32(at), ...u32(payload.length));
    at += payload.length;
  });
  const iloc = fullBox('iloc', 0, 0, ilocHead, entries);
  const meta = fullBox('meta', 0, 0, hdlr, pitm, iinf, iref, iprp, iloc);
  if (meta.length !== metaSize) throw new Error('HEIF band: internal size mismatch');
  const mdat = box('mdat', gridDesc, ...tiles);
  return concat([ftyp, meta, mdat]);
}

// ---- the two-core decode --------------------------------------------------------------------------

function fail(err: unknown): never {
  throw new FormatError('HEIC', -1, `cannot decode the image: ${err instanceof Error ? err.message : String(err)}`);
}

/** Quarter turns anticlockwise from irot, or null when the primary also has a mirror (libheif does it). */
function rotation(data: Uint8Array, heif: Heif): number | null {
  let turns = 0;
  for (const [index] of heif.assoc.get(heif.primary) ?? []) {
    const prop = index > 0 ? heif.properties[index - 1] : undefined;
    if (prop?.type === 'imir') return null;
    if (prop?.type === 'irot' && prop.payload < prop.end) turns = data[prop.payload]! & 3;
  }
  return turns;
}

/** EXIF orientation that undoes nothing but performs `turns` quarter turns anticlockwise. */
const TURNS_TO_ORIENTATION = [1, 8, 3, 6];

export async function decodeHeicParallel(data: Uint8Array, signal?: AbortSignal): Promise<Raster> {
  const heif = parse(data);
  const turns = rotation(data, heif);
  const plan = turns !== null && helperAvailable() ? splitGrid(data, heif, 2) : null;
  if (plan === null) {
    try {
      return await decodeHeif(data);
    } catch (err) {
      fail(err);
    }
  }
  const [mine, theirs] = plan.files as [Uint8Array, Uint8Array];
  let parts: HeifRaster[];
  try {
    const far = helperCall<HeifRaster[]>({ op: 'heif', files: [theirs] }, [], signal);
    const near = decodeHeif(mine);
    const [a, [b]] = await Promise.all([near, far]);
    parts = [a, b!];
  } catch (err) {
    signal?.throwIfAborted();
    console.warn('privpix: two-band HEIC decode failed, decoding on one core', err);
    try {
      return await decodeHeif(data);
    } catch (err2) {
      fail(err2);
    }
  }
  const width = plan.width;
  const height = plan.heights[0]! + plan.heights[1]!;
  for (const [i, p] of parts.entries()) {
    if (p.width !== width || p.height !== plan.heights[i]) fail(new Error('a band decoded to an unexpected size'));
  }
  const out = new Uint8ClampedArray(width * height * 4);
  out.set(parts[0]!.data, 0);
  out.set(parts[1]!.data, parts[0]!.data.length);
  return orient({ data: out, width, height }, TURNS_TO_ORIENTATION[turns!]!);
}

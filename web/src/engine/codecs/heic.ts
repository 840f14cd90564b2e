/**
 * HEIC/HEIF decoding in the browser, all of it: libheif (libheif-js, LGPL-3.0, loaded on first use),
 * and the two-core path: an iPhone-style HEIC is a grid of 512×512 HEVC tiles, so the grid is cut
 * into two bands of tile rows, each band is written as a small HEIF file of its own (the same tiles,
 * a smaller grid, no rotation) and decoded by its own libheif, one here and one in the helper worker
 * (helper.ts); `decodeHeicParallel` stacks the bands and applies irot once. Anything that is not a
 * plain grid (a single image, alpha, a crop, a mirror) goes to libheif whole, which applies irot/imir
 * itself. imaging/decode.ts calls `decodeHeicParallel`; the helper worker calls `decodeHeifFiles`.
 */

import { FormatError } from '../formats/errors';
import type { Heif } from '../formats/isobmff';
import { parse } from '../formats/isobmff';
import { type Grid, gridFile, readGrid } from '../imaging/heic-grid';
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
  let grid: Grid;
  try {
    grid = readGrid(data, heif);
  } catch (err) {
    if (err instanceof FormatError) return null; // not a plain grid: libheif decodes it whole
    throw err;
  }
  const { rows, cols, tileHeight, tiles } = grid;
  if (rows < bands) return null;
  // band boundaries: rows that share the work out evenly. Work per tile row, fitted to libheif's
  // times on the corpus iPhone HEICs: 3/4 by pixels (prediction, filters, colour conversion), 1/4 by
  // coded bytes (entropy decoding)
  const coded = Array.from({ length: rows }, (_, r) => tiles.slice(r * cols, (r + 1) * cols).reduce((n, t) => n + t.length, 0));
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
    const height = last ? grid.height - row * tileHeight : bandRows * tileHeight;
    files.push(gridFile(bandRows, cols, grid.width, height, tiles.slice(row * cols, (row + bandRows) * cols), grid.hvcC, grid.tileIspe, grid.colr));
    heights.push(height);
    row += bandRows;
  }
  return { files, heights, width: grid.width };
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

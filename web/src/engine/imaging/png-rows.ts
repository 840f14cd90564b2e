/**
 * A PNG over the pixel budget, decoded a band of rows at a time and downscaled as it goes (mirrors
 * src/privpix/imaging/png_rows.py, which lets Pillow's decoder unfilter; here the rows are unfiltered
 * in place, which JavaScript does at native speed).
 *
 * The IDAT stream is inflated as a stream (DecompressionStream 'deflate': zlib format), each row is
 * unfiltered against the one above (None, Sub, Up, Average, Paeth, byte by byte as the PNG spec says),
 * turned into RGBA (palette and its tRNS, grey and RGB colour keys, bit depths 1 to 16: 16-bit samples
 * keep their high byte) and fed in bands to a BlockReducer. Memory: the reduced picture, two rows, one
 * band of RGBA rows and the inflater's window.
 *
 * `readHeader` refuses, with the reason, interlaced (Adam7) PNGs, whose rows arrive in seven passes
 * over the whole picture, and animated PNGs.
 */

import { FormatError, UnsupportedError } from '../formats/errors';
import { parse } from '../formats/png';
import type { Raster } from './raster';
import { BlockReducer } from './reduce';

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const BAND_ROWS = 64;

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colour: number;
  palette: Uint8Array | null;
  trns: Uint8Array | null;
  idat: Uint8Array[];
}

function refuse(why: string): UnsupportedError {
  return new UnsupportedError('PNG', -1, `${why}, so it cannot be decoded in parts at a reduced size`);
}

/** The header, palette, tRNS and IDAT bodies of a PNG; UnsupportedError saying why it cannot be read in bands. */
export function readHeader(data: Uint8Array): PngHeader {
  const layout = parse(data);
  const body = (i: number, n: number): Uint8Array => data.subarray(i, i + n);
  const ihdr = body(layout.chunks[0]!.dataStart, 13);
  const dv = new DataView(ihdr.buffer, ihdr.byteOffset, 13);
  const [width, height, depth, colour, interlace] = [dv.getUint32(0), dv.getUint32(4), ihdr[8]!, ihdr[9]!, ihdr[12]!];
  if (interlace) throw refuse('this PNG is interlaced (Adam7)');
  if (layout.chunks.some((c) => c.type === 'acTL')) throw refuse('this PNG is animated');
  if (!(colour in CHANNELS)) throw new FormatError('PNG', layout.chunks[0]!.start, `colour type ${colour} is not a PNG colour type`);
  const find = (type: string): Uint8Array | null => {
    const c = layout.chunks.find((k) => k.type === type);
    return c ? body(c.dataStart, c.length) : null;
  };
  const idat = layout.chunks.filter((c) => c.type === 'IDAT').map((c) => body(c.dataStart, c.length));
  return { width, height, depth, colour, palette: find('PLTE'), trns: find('tRNS'), idat };
}

/** One row's bytes, unfiltered in place; `above` is the unfiltered row above (zeros at the top). */
function unfilter(filter: number, row: Uint8Array, above: Uint8Array, bpp: number): void {
  const n = row.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < n; i++) row[i] = (row[i]! + row[i - bpp]!) & 0xff;
      return;
    case 2:
      for (let i = 0; i < n; i++) row[i] = (row[i]! + above[i]!) & 0xff;
      return;
    case 3:
      for (let i = 0; i < n; i++) row[i] = (row[i]! + (((i >= bpp ? row[i - bpp]! : 0) + above[i]!) >> 1)) & 0xff;
      return;
    case 4:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? row[i - bpp]! : 0;
        const b = above[i]!;
        const c = i >= bpp ? above[i - bpp]! : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        row[i] = (row[i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
      return;
    default:
      throw new FormatError('PNG', -1, `a row has filter type ${filter}, over 4`);
  }
}

/** Writes one unfiltered row as RGBA into `out` at `at`. */
function toRgba(h: PngHeader, row: Uint8Array, out: Uint8ClampedArray, at: number): void {
  const { width, depth, colour, palette, trns } = h;
  const channels = CHANNELS[colour]!;
  const max = (1 << Math.min(depth, 8)) - 1;
  const sample = (x: number, c: number): number => {
    if (depth === 8) return row[x * channels + c]!;
    if (depth === 16) return row[(x * channels + c) * 2]!; // the high byte
    const bit = (x * channels + c) * depth;
    return (row[bit >> 3]! >> (8 - depth - (bit & 7))) & max;
  };
  const key = (x: number, c: number): number => (depth === 16 ? (row[(x * channels + c) * 2]! << 8) | row[(x * channels + c) * 2 + 1]! : sample(x, c));
  const trnsAt = (i: number): number => (trns ? (trns[2 * i]! << 8) | trns[2 * i + 1]! : -1);
  for (let x = 0, o = at; x < width; x++, o += 4) {
    if (colour === 3) {
      const i = sample(x, 0);
      out[o] = palette?.[3 * i] ?? 0;
      out[o + 1] = palette?.[3 * i + 1] ?? 0;
      out[o + 2] = palette?.[3 * i + 2] ?? 0;
      out[o + 3] = trns && i < trns.length ? trns[i]! : 255;
    } else if (colour === 0 || colour === 4) {
      const g = depth < 8 ? Math.round((sample(x, 0) * 255) / max) : sample(x, 0);
      out[o] = out[o + 1] = out[o + 2] = g;
      out[o + 3] = colour === 4 ? sample(x, 1) : trns && key(x, 0) === trnsAt(0) ? 0 : 255;
    } else {
      out[o] = sample(x, 0);
      out[o + 1] = sample(x, 1);
      out[o + 2] = sample(x, 2);
      const keyed = trns && key(x, 0) === trnsAt(0) && key(x, 1) === trnsAt(1) && key(x, 2) === trnsAt(2);
      out[o + 3] = colour === 6 ? sample(x, 3) : keyed ? 0 : 255;
    }
  }
}

/** The picture of a non-interlaced PNG (`readHeader`'s) reduced by whole `factor` [x, y], a band of rows at a time. RGBA. */
export async function decodeReduced(h: PngHeader, factor: [number, number], signal?: AbortSignal): Promise<Raster> {
  const channels = CHANNELS[h.colour]!;
  const rowBytes = Math.ceil((h.width * channels * h.depth) / 8);
  const bpp = Math.max(1, (channels * h.depth) >> 3);
  const reducer = new BlockReducer(h.width, h.height, factor);
  const band = new Uint8ClampedArray(h.width * 4 * BAND_ROWS);
  let above = new Uint8Array(rowBytes);
  let row = new Uint8Array(rowBytes);
  let filled = -1; // bytes of `row` filled; -1: its filter byte is next
  let filter = 0;
  let rows = 0;
  let inBand = 0;

  const stream = new Blob(h.idat as Uint8Array<ArrayBuffer>[]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      for (let i = 0; i < value.length && rows < h.height; ) {
        if (filled < 0) {
          filter = value[i++]!;
          filled = 0;
          continue;
        }
        const take = Math.min(rowBytes - filled, value.length - i);
        row.set(value.subarray(i, i + take), filled);
        filled += take;
        i += take;
        if (filled < rowBytes) continue;
        unfilter(filter, row, above, bpp);
        toRgba(h, row, band, inBand * h.width * 4);
        [above, row] = [row, above];
        filled = -1;
        rows += 1;
        inBand += 1;
        if (inBand === BAND_ROWS || rows === h.height) {
          reducer.feed({ data: band.subarray(0, inBand * h.width * 4) as Uint8ClampedArray<ArrayBuffer>, width: h.width, height: inBand });
          inBand = 0;
        }
      }
    }
  } catch (err) {
    signal?.throwIfAborted();
    if (err instanceof FormatError) throw err;
    throw new FormatError('PNG', -1, `cannot decode the image: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    reader.releaseLock();
  }
  if (rows < h.height) throw new FormatError('PNG', -1, `the image data ends ${h.height - rows} rows short of ${h.height}`);
  return reducer.result();
}

/**
 * The one PNG writer of the browser engine, for the PNGs privpix makes itself (no OxiPNG search: see
 * codecs/png.ts for the Compress tool's optimised PNGs):
 *
 * - `encodePngFast`: remove-bg's outputs. Each row filtered with "Up", deflated by the browser's own
 *   zlib (CompressionStream 'deflate', level 6) in bands, so no filtered copy of the whole image is
 *   held: a 12 MP cut-out takes a fraction of a second, where OxiPNG takes seconds; the files are
 *   10-25 % larger. Colour types: RGBA (cut-outs), RGB (composites: opaque), grey (the mask).
 * - `encodePngRows`: rows the caller has laid out (filter byte 0 and the packed samples), deflated by
 *   fflate at a chosen level; level 0 writes stored blocks (the colour conversion's throwaway PNG,
 *   imaging/colour.ts) and 1-bit masks are small at level 6 (the erase mask for the CLI, erase/mask.ts).
 *
 * Chunks come from formats/png.ts (`makeChunk`, the signature); metadata (an ICC profile) is added
 * by the caller's `chunks` or afterwards by imaging/metadata.ts, as for every encode.
 */

import { zlibSync } from 'fflate';
import { concat } from '../formats/binary';
import { SIGNATURE, makeChunk } from '../formats/png';

/** Colour types privpix writes, and their PNG colour type codes. */
const COLOUR_TYPE = { grey: 0, rgb: 2, rgba: 6 } as const;
export type PngMode = keyof typeof COLOUR_TYPE;
const CHANNELS: Record<PngMode, number> = { grey: 1, rgb: 3, rgba: 4 };

/** A whole PNG: signature, IHDR, `chunks` (ancillary chunks that go before the pixels), IDAT, IEND. */
export function pngFile(width: number, height: number, mode: PngMode, bitDepth: number, zlib: Uint8Array, chunks: [string, Uint8Array][] = []): Uint8Array {
  const ihdr = new Uint8Array(13); // compression, filter method and interlace: 0
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = bitDepth;
  ihdr[9] = COLOUR_TYPE[mode];
  return concat([SIGNATURE, makeChunk('IHDR', ihdr), ...chunks.map(([type, body]) => makeChunk(type, body)), makeChunk('IDAT', zlib), makeChunk('IEND', new Uint8Array(0))]);
}

/** `rows` (each a filter byte, then the row's samples) deflated by fflate at `level` (0: stored), as a PNG. */
export function encodePngRows(rows: Uint8Array, width: number, height: number, mode: PngMode, bitDepth: number, level: 0 | 6 | 9, chunks: [string, Uint8Array][] = []): Uint8Array {
  return pngFile(width, height, mode, bitDepth, zlibSync(rows, { level }), chunks);
}

/** Rows [y0, y1) of RGBA `px` as PNG scanlines of `mode`, each with filter byte 2 ("Up"). */
function upRows(px: Uint8Array | Uint8ClampedArray, W: number, y0: number, y1: number, mode: PngMode): Uint8Array<ArrayBuffer> {
  const stride = W * CHANNELS[mode];
  const out = new Uint8Array((stride + 1) * (y1 - y0));
  // the row above in the output's channels (zeros above the first row)
  let prev = new Uint8Array(stride);
  let cur = new Uint8Array(stride);
  if (y0 > 0) extract(px, W, y0 - 1, mode, prev);
  for (let y = y0; y < y1; y++) {
    extract(px, W, y, mode, cur);
    const o = (y - y0) * (stride + 1);
    out[o] = 2;
    for (let x = 0; x < stride; x++) out[o + 1 + x] = (cur[x]! - prev[x]!) & 255;
    [prev, cur] = [cur, prev];
  }
  return out;
}

function extract(px: Uint8Array | Uint8ClampedArray, W: number, y: number, mode: PngMode, row: Uint8Array): void {
  const s = y * W * 4;
  if (mode === 'rgba') {
    row.set(px.subarray(s, s + W * 4));
  } else if (mode === 'rgb') {
    for (let x = 0, i = s, o = 0; x < W; x++, i += 4) {
      row[o++] = px[i]!;
      row[o++] = px[i + 1]!;
      row[o++] = px[i + 2]!;
    }
  } else {
    for (let x = 0, i = s; x < W; x++, i += 4) row[x] = px[i]!;
  }
}

/** RGBA pixels (`W`×`H`) as an 8-bit PNG of `mode` (for 'grey', the R channel), deflated by the browser. */
export async function encodePngFast(px: Uint8Array | Uint8ClampedArray, W: number, H: number, mode: PngMode, signal?: AbortSignal): Promise<Uint8Array> {
  const stream = new CompressionStream('deflate');
  const writer = stream.writable.getWriter();
  const collected = (async () => {
    const parts: Uint8Array[] = [];
    const reader = stream.readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return parts;
      parts.push(value);
    }
  })();
  const band = Math.max(1, Math.floor((1 << 20) / (W * CHANNELS[mode] + 1)));
  for (let y = 0; y < H; y += band) {
    signal?.throwIfAborted();
    await writer.write(upRows(px, W, y, Math.min(H, y + band), mode));
  }
  await writer.close();
  return pngFile(W, H, mode, 8, concat(await collected));
}

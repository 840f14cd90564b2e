// Browser only: Python writes its PNGs with Pillow (src/privpix/imaging/encode.py).
/**
 * A fast PNG writer for the tool's outputs: each row filtered with "Up", deflated by the browser's own
 * zlib (CompressionStream 'deflate', level 6), in bands so no filtered copy of the whole image is
 * held. A 12 MP cut-out takes a fraction of a second, where OxiPNG (the Compress tool's PNG encoder,
 * which searches filters and compression settings) takes seconds; the files are 10-25 % larger.
 *
 * Colour types: RGBA (cut-outs), RGB (composites: opaque), grey (the mask). 8 bits, no interlace.
 * Metadata (the ICC profile) is added afterwards by imaging/metadata.ts, as for every encode.
 */

import { concat, pngChunk } from '../../formats/binary';

export type PngMode = 'rgba' | 'rgb' | 'grey';

const CHANNELS: Record<PngMode, number> = { rgba: 4, rgb: 3, grey: 1 };
const COLOUR_TYPE: Record<PngMode, number> = { rgba: 6, rgb: 2, grey: 0 };

/** Rows [y0, y1) of RGBA `px` as PNG scanlines of `mode`, each with filter byte 2 ("Up"). */
function scanlines(px: Uint8Array | Uint8ClampedArray, W: number, y0: number, y1: number, mode: PngMode): Uint8Array<ArrayBuffer> {
  const c = CHANNELS[mode];
  const stride = W * c;
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

/** RGBA pixels (`W`×`H`) as a PNG of `mode` (for 'grey', the R channel). */
export async function encodePngFast(px: Uint8Array | Uint8ClampedArray, W: number, H: number, mode: PngMode, signal?: AbortSignal): Promise<Uint8Array> {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, W);
  dv.setUint32(4, H);
  ihdr[8] = 8;
  ihdr[9] = COLOUR_TYPE[mode];
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
    await writer.write(scanlines(px, W, y, Math.min(H, y + band), mode));
  }
  await writer.close();
  const idat = concat(await collected);
  const head = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return concat([head, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0))]);
}

/**
 * Colour (mirrors src/privpix/imaging/colour.py). `keep`: the pixel values as stored plus the source's
 * ICC profile in the output; `srgb`: pixels converted to sRGB, no profile. Native decoders convert as
 * they decode (createImageBitmap's colorSpaceConversion, see decode.ts); pixels decoded in wasm
 * (HEIC, TIFF) are converted here by the browser's own colour management: they are wrapped in an
 * uncompressed PNG that carries the profile, which the browser decodes to sRGB.
 */

import { zlibSync } from 'fflate';
import { concat, pngChunk } from '../formats/binary';
import type { Raster } from './raster';

/** An RGBA PNG of `r` with `icc` in an iCCP chunk, its pixels in stored (uncompressed) deflate blocks. */
export function pngWithProfile(r: Raster, icc: Uint8Array): Uint8Array {
  const { width, height, data } = r;
  const rowBytes = width * 4 + 1;
  const raw = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * width * 4, (y + 1) * width * 4), y * rowBytes + 1);
  // zlib stream of stored blocks (at most 65535 bytes each)
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const z = new Uint8Array(2 + raw.length + 5 * blocks + 4);
  z[0] = 0x78;
  z[1] = 0x01;
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const n = Math.min(65535, raw.length - start);
    z[at] = b === blocks - 1 ? 1 : 0;
    z[at + 1] = n & 0xff;
    z[at + 2] = n >> 8;
    z[at + 3] = ~n & 0xff;
    z[at + 4] = (~n >> 8) & 0xff;
    z.set(raw.subarray(start, start + n), at + 5);
    at += 5 + n;
  }
  let a = 1;
  let s = 0;
  for (let i = 0; i < raw.length; ) {
    const end = Math.min(raw.length, i + 5552);
    for (; i < end; i++) {
      a += raw[i]!;
      s += a;
    }
    a %= 65521;
    s %= 65521;
  }
  new DataView(z.buffer).setUint32(at, ((s << 16) | a) >>> 0);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const iccp = new Uint8Array([...new TextEncoder().encode('ICC Profile'), 0, 0, ...zlibSync(icc)]);
  return concat([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), pngChunk('IHDR', ihdr), pngChunk('iCCP', iccp), pngChunk('IDAT', z), pngChunk('IEND', new Uint8Array(0))]);
}

/** `r` (described by `icc`) converted to sRGB by the browser's colour management. */
export async function toSrgb(r: Raster, icc: Uint8Array): Promise<Raster> {
  const file = pngWithProfile(r, icc);
  const bitmap = await createImageBitmap(new Blob([file as Uint8Array<ArrayBuffer>], { type: 'image/png' }), {
    colorSpaceConversion: 'default',
    premultiplyAlpha: 'none',
  });
  const { readPixels } = await import('./resize');
  return readPixels(bitmap);
}

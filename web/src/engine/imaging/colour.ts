/**
 * Colour (mirrors src/privpix/imaging/colour.py). `keep`: the pixel values as stored plus the source's
 * ICC profile in the output; `srgb`: pixels converted to sRGB, no profile. Native decoders convert as
 * they decode (createImageBitmap's colorSpaceConversion, see decode.ts); pixels decoded in wasm
 * (HEIC, TIFF) are converted here by the browser's own colour management: they are wrapped in an
 * uncompressed PNG that carries the profile, which the browser decodes to sRGB.
 */

import { zlibSync } from 'fflate';
import { encodePngRows } from '../codecs/png-write';
import { concat } from '../formats/binary';
import type { Raster } from './raster';

/** An RGBA PNG of `r` with `icc` in an iCCP chunk, its pixels stored uncompressed (it is decoded at once). */
export function pngWithProfile(r: Raster, icc: Uint8Array): Uint8Array {
  const { width, height, data } = r;
  const rowBytes = width * 4 + 1;
  const rows = new Uint8Array(rowBytes * height); // filter byte 0 (None) per row
  for (let y = 0; y < height; y++) rows.set(data.subarray(y * width * 4, (y + 1) * width * 4), y * rowBytes + 1);
  const iccp = concat([new TextEncoder().encode('ICC Profile'), Uint8Array.of(0, 0), zlibSync(icc)]);
  return encodePngRows(rows, width, height, 'rgba', 8, 0, [['iCCP', iccp]]);
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

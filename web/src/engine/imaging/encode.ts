/**
 * Encode upright RGBA pixels as JPEG, WebP, AVIF or PNG, carrying only the metadata asked for
 * (mirrors src/privpix/imaging/encode.py). Each codec is a lazily loaded module in ../codecs; the
 * metadata goes in afterwards (metadata.ts), as no codec here writes any of its own.
 *
 * - JPEG: MozJPEG's trellis quantisation, written progressive by our own scan coder on two cores
 *   (codecs/jpeg.ts); the same pixels as @jsquash/jpeg's progressive q, fewer bytes, < half the time.
 * - WebP: libwebp, Squoosh's defaults (method 4).
 * - AVIF: libaom through libavif, speed AVIF_SPEED, 4:2:0, threads (chosen in bench/encode_browser.py).
 * - PNG: OxiPNG from the raw pixels; `palette` first quantises to at most 256 colours (image-q).
 *
 * A quality is on the command line's scale: each lossy encoder gets the number that gives the same
 * SSIMULACRA2 as the Python engine's encoder at that quality (quality-map.ts).
 */

import type { EncodeFormat } from '../options';
import { insertMetadata } from './metadata';
import { encoderQuality } from './quality-map';
import type { Raster } from './raster';

/**
 * libaom speed for AVIF (bench/encode_browser.py, 12 MP on 2 cores): speed 9 takes ~2.0 s and needs
 * ~3.4% more bytes than speed 6 (Squoosh's default, 6.5-11 s) for the same SSIMULACRA2; in this build
 * speeds 7 (6.0 s) and 8 (3.0-4.6 s) are slower than 9 and no smaller, so 9 is the only one within 5 s.
 */
export const AVIF_SPEED = 9;

/** Palette size for a palette quality 1-100 (libimagequant's max_quality steers the native engine). */
export function paletteColours(quality: number): number {
  return Math.max(2, Math.min(256, Math.round(256 * (quality / 100) ** 2)));
}

export interface EncodeParams {
  quality: number | null; // null: lossless PNG
  palette: boolean;
  icc: Uint8Array | null;
  exif: Uint8Array | null;
  signal?: AbortSignal;
}

/**
 * `r` as `fmt`. The pixels are not changed (palette quantisation works on a copy), so the same
 * raster can be encoded again at another quality.
 */
export async function encode(r: Raster, fmt: EncodeFormat, p: EncodeParams): Promise<Uint8Array> {
  const { width, height } = r;
  let out: Uint8Array;
  switch (fmt) {
    case 'jpeg': {
      const { encodeJpeg } = await import('../codecs/jpeg');
      out = await encodeJpeg(r.data, width, height, encoderQuality('jpeg', p.quality!), p.signal);
      break;
    }
    case 'webp': {
      const { encodeWebp } = await import('../codecs/webp');
      out = await encodeWebp(r.data, width, height, { quality: encoderQuality('webp', p.quality!) });
      break;
    }
    case 'avif': {
      const { encodeAvif } = await import('../codecs/avif');
      out = await encodeAvif(r.data, width, height, { quality: encoderQuality('avif', p.quality!), speed: AVIF_SPEED, subsample: 1 });
      break;
    }
    case 'png': {
      const { encodePng, quantise } = await import('../codecs/png');
      let pixels = r.data;
      if (p.palette && p.quality !== null) {
        pixels = r.data.slice();
        await quantise(pixels, width, height, paletteColours(p.quality), true);
      }
      out = await encodePng(pixels, width, height);
      break;
    }
  }
  p.signal?.throwIfAborted();
  return insertMetadata(out, fmt, p.icc, p.exif, width, height);
}

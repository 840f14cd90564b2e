/** WebP (@jsquash/webp, libwebp's SIMD build where the browser has SIMD), loaded on first use. */

import type { Pixels } from '../imaging/raster';

import type { EncodeOptions as WebpOptions } from '@jsquash/webp/meta';

export type { WebpOptions };

type Module = typeof import('@jsquash/webp/encode');
let module: Promise<Module> | null = null;
let heavy = false;

export async function encodeWebp(rgba: Pixels, width: number, height: number, options: Partial<WebpOptions>): Promise<Uint8Array> {
  const m = await (module ??= import('@jsquash/webp/encode'));
  if (heavy) {
    await m.init(); // a fresh instance: the grown wasm heap of the last one is given back
    heavy = false;
  }
  const out = await m.default(new ImageData(rgba, width, height), options);
  if (width * height > 24_000_000) heavy = true;
  return new Uint8Array(out);
}

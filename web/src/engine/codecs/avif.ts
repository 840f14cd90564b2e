import type { Pixels } from '../imaging/raster';
/**
 * AVIF (@jsquash/avif: libavif + libaom), loaded on first use; its threaded build when the page is
 * cross-origin isolated (the app is), else the single-threaded one.
 */

import type { EncodeOptions as AvifOptions } from '@jsquash/avif/meta';

export type { AvifOptions };

type Module = typeof import('@jsquash/avif/encode');
let module: Promise<Module> | null = null;

export async function encodeAvif(rgba: Pixels, width: number, height: number, options: Partial<AvifOptions>): Promise<Uint8Array> {
  const m = await (module ??= import('@jsquash/avif/encode'));
  const out = await m.default(new ImageData(rgba, width, height), options as Partial<AvifOptions> & { bitDepth?: 8 });
  return new Uint8Array(out);
}

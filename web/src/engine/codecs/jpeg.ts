import type { Pixels } from '../imaging/raster';
/**
 * MozJPEG (@jsquash/jpeg), loaded on first use. `mozjpeg` is the plain encoder; `encodeJpeg` is what
 * the engine uses: the image is cut into two bands at an MCU boundary, each band is encoded
 * sequentially (MozJPEG's trellis quantisation, no scan search) on its own core, and the two
 * coefficient sets are joined and written as one progressive JPEG by `progressive.ts` — the same
 * pixels as MozJPEG's own progressive mode, in under half the time (bench/encode_browser.py).
 */

import type { EncodeOptions as MozJpegOptions } from '@jsquash/jpeg/meta';
import { helperCall, helperAvailable } from './helper';
import { joinToProgressive } from './progressive';

export type { MozJpegOptions };

type Module = typeof import('@jsquash/jpeg/encode');
let module: Promise<Module> | null = null;
let heavy = false;

const load = (): Promise<Module> => (module ??= import('@jsquash/jpeg/encode'));

/** Give a large wasm heap back: the next call instantiates a fresh module (memory never shrinks). */
const RESET_PIXELS = 24_000_000;

/** MozJPEG exactly as @jsquash/jpeg runs it; `options` over its defaults (Squoosh's). */
export async function mozjpeg(rgba: Pixels, width: number, height: number, options: Partial<MozJpegOptions>): Promise<Uint8Array> {
  const m = await load();
  if (heavy) {
    await m.init();
    heavy = false;
  }
  const out = await m.default(new ImageData(rgba, width, height), options);
  if (width * height > RESET_PIXELS) heavy = true;
  return new Uint8Array(out);
}

/** Band boundary: a multiple of 16 rows (one 4:2:0 MCU row) near the middle. */
function splitRow(height: number): number {
  return Math.floor(height / 32) * 16;
}

/** Smallest image worth splitting: below it the second worker's start-up costs more than it saves. */
const SPLIT_PIXELS = 1_000_000;

/**
 * JPEG at `quality`: MozJPEG's trellis-quantised coefficients written as a progressive JPEG
 * (see the module comment). `signal` aborts between steps.
 */
export async function encodeJpeg(rgba: Pixels, width: number, height: number, quality: number, signal?: AbortSignal): Promise<Uint8Array> {
  const sequential: Partial<MozJpegOptions> = { quality, progressive: false };
  const cut = splitRow(height);
  if (width * height < SPLIT_PIXELS || cut < 16 || !helperAvailable()) {
    const seq = await mozjpeg(rgba, width, height, sequential);
    const prog = joinToProgressive([seq], width, height);
    return prog.length < seq.length ? prog : seq; // small images: the scans' own tables can cost more than they save
  }
  const top = rgba.subarray(0, cut * width * 4);
  const bottom = rgba.slice(cut * width * 4); // transferred to the helper: a copy of the lower band only
  try {
    const far = helperCall<Uint8Array>({ op: 'mozjpeg', rgba: bottom, width, height: height - cut, options: sequential }, [bottom.buffer], signal);
    const near = mozjpeg(top, width, cut, sequential);
    const [a, b] = await Promise.all([near, far]);
    signal?.throwIfAborted();
    return joinToProgressive([a, b], width, height);
  } catch (err) {
    signal?.throwIfAborted();
    // no second worker here (or it failed): MozJPEG's own progressive encoder, as Squoosh runs it
    console.warn('privpix: two-band JPEG failed, encoding on one core', err);
    return mozjpeg(rgba, width, height, { quality });
  }
}

/** Load and instantiate MozJPEG now (the helper does this while the engine decodes). */
export async function warm(): Promise<void> {
  const m = await load();
  await m.init();
}

/**
 * The remove-bg tool (the twin of src/privpix/tools/remove_bg/tool.py): bytes in, bytes out.
 *
 *   decode (sniffed, upright, sRGB) → pipeline.ts (guide, model, refine, foreground, output)
 *   → encode (PNG by default, or WebP) with no metadata
 *
 * The model runs through the `infer` function the caller gives (a Session from session.ts in the
 * app), so this module needs no network and no onnxruntime.
 */

import { decodeUpright } from '../../imaging/decode';
import { insertMetadata } from '../../imaging/metadata';
import { type Raster, hasTransparency } from '../../imaging/raster';
import { type RemoveBgOptions, backgroundKind, hexRgb, validateOptions } from '../../options';
import { openPhoto, written } from '../pipeline';
import type { PhotoResult } from '../result';
import type { ModelInput } from './catalog';
import { type Infer, type Wanted, cutOut } from './pipeline';
import { encodePngFast } from '../../codecs/png-write';

export type { RemoveBgOptions };
export type BgFormat = RemoveBgOptions['format'];

export interface Deps {
  infer: Infer;
  input: ModelInput;
  /** The picture to put behind the subject, when `background` names an image. */
  backgroundImage?: Uint8Array | null;
}

export interface Hooks {
  progress?(fraction: number, stage: string): void;
  signal?: AbortSignal;
}

export interface Stages {
  decode: number;
  prepare: number;
  infer: number;
  refine: number;
  encode: number;
}

/** What removeBg returns (Python's RemoveBgResult, with the browser's own figures for its screen). */
export interface RemoveBgResult extends PhotoResult {
  format: BgFormat;
  model: RemoveBgOptions['model'];
  /** What the result is: a transparent cut-out, a composite, or the mask. */
  output: 'cutout' | 'composite' | 'mask';
  background: 'none' | 'colour' | 'blur' | 'image';
  /** Pixels with 0 < alpha < 255 (the soft edge). */
  soft_pixels: number;
  /** Share of the picture kept (alpha ≥ 128), 0..1; NaN for a composite. */
  foreground: number;
  /** Milliseconds per stage. */
  stages: Stages;
}

export { backgroundKind };

/** WebP output settings: Python's remove_bg/tool.py WEBP (lossy 90, lossless alpha; method 4, where Python's libwebp runs 5). */
export const WEBP = { lossless: 0, quality: 90, alpha_quality: 100, method: 4, exact: 0 } as const;

/** `r` scaled to cover `width`×`height`, centred and cropped (the browser's high-quality scaler). */
async function cover(r: Raster, width: number, height: number): Promise<Uint8ClampedArray> {
  const s = Math.max(width / r.width, height / r.height);
  const sw = Math.min(r.width, Math.max(1, Math.round(width / s)));
  const sh = Math.min(r.height, Math.max(1, Math.round(height / s)));
  const sx = Math.floor((r.width - sw) / 2);
  const sy = Math.floor((r.height - sh) / 2);
  // Transparent parts of the background picture go over white, as in the Python engine.
  const bitmap = await createImageBitmap(new ImageData(r.data, r.width, r.height), sx, sy, sw, sh, {
    resizeWidth: width,
    resizeHeight: height,
    resizeQuality: 'high',
    premultiplyAlpha: 'premultiply',
  });
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = ctx.getImageData(0, 0, width, height).data;
  canvas.width = canvas.height = 0;
  return pixels;
}

export async function removeBg(data: Uint8Array, options: RemoveBgOptions, deps: Deps, hooks: Hooks = {}): Promise<RemoveBgResult> {
  validateOptions('remove_bg', options);
  const { signal } = hooks;
  const progress = (f: number, stage: string): void => hooks.progress?.(f, stage);
  const stages: Stages = { decode: 0, prepare: 0, infer: 0, refine: 0, encode: 0 };
  progress(0, 'reading the photo');
  let t = performance.now();
  const photo = openPhoto(data);
  const { raster, icc, warnings } = await decodeUpright(photo, 'keep', null, signal ? { signal } : {});
  const { width: W, height: H } = raster;
  const transparent = hasTransparency(raster);
  stages.decode = performance.now() - t;
  signal?.throwIfAborted();
  progress(0.1, 'preparing');

  const background = backgroundKind(options.background);
  const kind = options.mask_only ? 'mask' : background;
  let wanted: Wanted;
  if (kind === 'mask') wanted = { kind: 'mask' };
  else if (kind === 'none') wanted = { kind: 'cutout' };
  else if (kind === 'colour') wanted = { kind: 'colour', rgb: hexRgb(options.background) };
  else if (kind === 'blur') wanted = { kind: 'blur' };
  else {
    if (!deps.backgroundImage) throw new RangeError(`no picture was given for the background "${options.background}"`);
    t = performance.now();
    // Its colours as they are when it has the photo's profile, else in sRGB (remove_bg/tool.py).
    const behindPhoto = openPhoto(deps.backgroundImage);
    const probe = await decodeUpright(behindPhoto, 'keep', null, signal ? { signal } : {});
    const same = probe.icc !== null && icc !== null && probe.icc.length === icc.length && probe.icc.every((b, i) => b === icc[i]);
    const behind = same ? probe : await decodeUpright(behindPhoto, 'srgb', null, signal ? { signal } : {});
    wanted = { kind: 'picture', rgba: await cover(behind.raster, W, H) };
    stages.decode += performance.now() - t;
  }

  const { stages: s, soft } = await cutOut(raster, deps.infer, deps.input, {
    output: wanted,
    inputAlpha: transparent,
    ...(signal ? { signal } : {}),
    progress: (f, stage) => progress(0.1 + 0.75 * f, stage),
  });
  stages.prepare = s.prepare;
  stages.infer = s.infer;
  stages.refine = s.refine;
  signal?.throwIfAborted();

  let kept = 0;
  const d = raster.data;
  const channel = kind === 'mask' ? 0 : 3;
  if (kind === 'mask' || kind === 'none') for (let i = channel; i < d.length; i += 4) kept += d[i]! >= 128 ? 1 : 0;

  progress(0.88, 'encoding');
  t = performance.now();
  const fmt = options.format;
  const carry = kind === 'mask' ? null : icc;
  let out: Uint8Array;
  if (fmt === 'png') {
    const mode = kind === 'mask' ? 'grey' : kind === 'none' ? 'rgba' : 'rgb';
    out = insertMetadata(await encodePngFast(raster.data, W, H, mode, signal), 'png', carry, null, W, H);
  } else {
    const { encodeWebp } = await import('../../codecs/webp');
    out = insertMetadata(await encodeWebp(raster.data, W, H, WEBP), 'webp', carry, null, W, H);
  }
  stages.encode = performance.now() - t;
  progress(1, 'done');
  if (kind === 'mask' || kind === 'none') {
    const share = kept / (W * H);
    if (share < 0.005) warnings.push('no subject was found: almost everything was removed');
    else if (share > 0.995) warnings.push('no background was found: almost everything was kept');
  }
  return {
    ...written(photo, out, warnings),
    format: fmt,
    source_format: photo.format,
    width: W,
    height: H,
    model: options.model,
    output: kind === 'mask' ? 'mask' : kind === 'none' ? 'cutout' : 'composite',
    background,
    soft_pixels: soft,
    foreground: kind === 'mask' || kind === 'none' ? kept / (W * H) : NaN,
    stages,
  };
}

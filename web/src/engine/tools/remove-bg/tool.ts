/**
 * The remove-bg tool (the twin of src/privpix/tools/remove_bg/tool.py): bytes in, bytes out.
 *
 *   cutOutPhoto:  openPhoto → decodeUpright (the photo's own colours) → pipeline.ts (guide, model,
 *                 refine, foreground): the transparent cut-out, kept
 *   finishCutout: the output from the cut-out (refine.ts composeCutout: a colour, the blur or a picture
 *                 behind it, or the mask) → encode (PNG by default, or WebP) carrying only the photo's
 *                 ICC profile → written (tools/pipeline.ts)
 *
 * The model runs through the `infer` function the caller gives (a Session from session.ts in the
 * app), so this module needs no network and no onnxruntime.
 */

import { decodeUpright } from '../../imaging/decode';
import { insertMetadata } from '../../imaging/metadata';
import { type Raster, hasTransparency } from '../../imaging/raster';
import { type RemoveBgOptions, backgroundKind, hexRgb, validateOptions } from '../../options';
import { type Photo, openPhoto, written } from '../pipeline';
import type { PhotoResult } from '../result';
import type { ModelInput } from './catalog';
import { BLUR_RADIUS, type Infer, cutOut, radius } from './pipeline';
import { type Output, type RGBPlanes, blurredGrid, composeCutout, planes } from './refine';
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

/**
 * A photo's cut-out, kept so that any output (another background, the mask, another format) is made
 * from it without decoding the photo or running the model again (`finishCutout`): the browser app
 * switches backgrounds this way in one pass over the pixels.
 */
export interface Cutout {
  /** The opened photo: its bytes and findings, what every output's report is compared with. */
  photo: Photo;
  /** Upright W×H straight-alpha RGBA: the transparent cut-out (never changed once made). */
  raster: Raster;
  /** The photo's RGB profile, carried into a cut-out or a composite. */
  icc: Uint8Array | null;
  /** The decoder's warnings about the photo. */
  warnings: string[];
  soft: number;
  /** The guide (RGB at guide resolution) and the alpha on its grid: what a blurred background is made of. */
  guide: Uint8Array;
  alphaGuide: Float32Array;
  gw: number;
  gh: number;
  /** The blurred background on the guide grid, once made. */
  blur: RGBPlanes | null;
  stages: Omit<Stages, 'encode'>;
}

/** Open, decode, the model and the refinement: the photo's cut-out (the expensive part of `removeBg`). */
export async function cutOutPhoto(data: Uint8Array, deps: Omit<Deps, 'backgroundImage'>, hooks: Hooks = {}): Promise<Cutout> {
  const { signal } = hooks;
  const progress = (f: number, stage: string): void => hooks.progress?.(f, stage);
  progress(0, 'reading the photo');
  const t = performance.now();
  const photo = openPhoto(data);
  const { raster, icc, warnings } = await decodeUpright(photo, 'keep', null, signal ? { signal } : {});
  const transparent = hasTransparency(raster);
  const decode = performance.now() - t;
  signal?.throwIfAborted();
  progress(0.1, 'preparing');
  const { stages, prepared, soft, alphaGuide } = await cutOut(raster, deps.infer, deps.input, {
    output: { kind: 'cutout' },
    inputAlpha: transparent,
    ...(signal ? { signal } : {}),
    progress: (f, stage) => progress(0.1 + 0.75 * f, stage),
  });
  return {
    photo,
    raster,
    icc,
    warnings,
    soft,
    guide: prepared.guide,
    alphaGuide: alphaGuide!,
    gw: prepared.gw,
    gh: prepared.gh,
    blur: null,
    stages: { decode, ...stages },
  };
}

/** The blurred background of a cut-out, on its guide grid (made once, then kept with it). */
export function blurredBackground(cut: Cutout): RGBPlanes {
  cut.blur ??= blurredGrid(planes(cut.guide, cut.gw * cut.gh), cut.alphaGuide, cut.gw, cut.gh, radius(BLUR_RADIUS, Math.max(cut.gw, cut.gh)));
  return cut.blur;
}

/** The output `options` ask for, made from a kept cut-out and encoded (`backgroundImage`: the picture behind). */
export async function finishCutout(cut: Cutout, options: RemoveBgOptions, backgroundImage: Uint8Array | null = null, hooks: Hooks = {}): Promise<RemoveBgResult> {
  validateOptions('remove_bg', options);
  const { signal } = hooks;
  const progress = (f: number, stage: string): void => hooks.progress?.(f, stage);
  const { width: W, height: H } = cut.raster;
  const stages: Stages = { ...cut.stages, encode: 0 };
  const icc = cut.icc;
  const background = backgroundKind(options.background);
  const kind = options.mask_only ? 'mask' : background;
  let output: Output;
  if (kind === 'mask') output = { kind: 'mask' };
  else if (kind === 'none') output = { kind: 'cutout' };
  else if (kind === 'colour') output = { kind: 'colour', rgb: hexRgb(options.background) };
  else if (kind === 'blur') output = { kind: 'blur', grid: blurredBackground(cut) };
  else {
    if (!backgroundImage) throw new RangeError(`no picture was given for the background "${options.background}"`);
    const t = performance.now();
    // Its colours as they are when it has the photo's profile, else in sRGB (remove_bg/tool.py).
    const behindPhoto = openPhoto(backgroundImage);
    const probe = await decodeUpright(behindPhoto, 'keep', null, signal ? { signal } : {});
    const same = probe.icc !== null && icc !== null && probe.icc.length === icc.length && probe.icc.every((b, i) => b === icc[i]);
    const behind = same ? probe : await decodeUpright(behindPhoto, 'srgb', null, signal ? { signal } : {});
    output = { kind: 'picture', rgba: await cover(behind.raster, W, H) };
    stages.decode += performance.now() - t;
  }
  signal?.throwIfAborted();
  progress(0.88, 'encoding');
  const t = performance.now();
  // The cut-out itself is written as it is; anything else goes into a buffer of its own.
  const pixels = kind === 'none' ? cut.raster.data : new Uint8ClampedArray(W * H * 4);
  if (kind !== 'none') composeCutout(cut.raster.data, W, H, output, cut.gw, cut.gh, pixels, signal);

  let kept = 0;
  const channel = kind === 'mask' ? 0 : 3;
  if (kind === 'mask' || kind === 'none') for (let i = channel; i < pixels.length; i += 4) kept += pixels[i]! >= 128 ? 1 : 0;

  const fmt = options.format;
  const carry = kind === 'mask' ? null : icc;
  let out: Uint8Array;
  if (fmt === 'png') {
    const mode = kind === 'mask' ? 'grey' : kind === 'none' ? 'rgba' : 'rgb';
    out = insertMetadata(await encodePngFast(pixels, W, H, mode, signal), 'png', carry, null, W, H);
  } else {
    const { encodeWebp } = await import('../../codecs/webp');
    out = insertMetadata(await encodeWebp(pixels, W, H, WEBP), 'webp', carry, null, W, H);
  }
  stages.encode = performance.now() - t;
  progress(1, 'done');
  const warnings = [...cut.warnings];
  if (kind === 'mask' || kind === 'none') {
    const share = kept / (W * H);
    if (share < 0.005) warnings.push('no subject was found: almost everything was removed');
    else if (share > 0.995) warnings.push('no background was found: almost everything was kept');
  }
  return {
    ...written(cut.photo, out, warnings),
    format: fmt,
    source_format: cut.photo.format,
    width: W,
    height: H,
    model: options.model,
    output: kind === 'mask' ? 'mask' : kind === 'none' ? 'cutout' : 'composite',
    background,
    soft_pixels: cut.soft,
    foreground: kind === 'mask' || kind === 'none' ? kept / (W * H) : NaN,
    stages,
  };
}

/** Remove the background of a photo: `cutOutPhoto`, then `finishCutout`. */
export async function removeBg(data: Uint8Array, options: RemoveBgOptions, deps: Deps, hooks: Hooks = {}): Promise<RemoveBgResult> {
  validateOptions('remove_bg', options);
  const cut = await cutOutPhoto(data, deps, hooks);
  return finishCutout(cut, options, deps.backgroundImage ?? null, hooks);
}

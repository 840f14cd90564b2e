/**
 * Background removal on upright RGBA pixels — the same steps as the Python engine
 * (src/privpix/tools/remove_bg/pipeline.py, with geometry.py's sizes; docs/remove-bg.md is the specification both follow):
 *
 *   full image ──triangle──► guide (long side ≤ 1024) ──triangle──► model size (long side 640,
 *   each side padded to a multiple of 64, centred, (v − 128) / 256) ──ISNet──► mask ──un-pad──►
 *   guided filter (RGB guide) at guide resolution ──► coefficients upsampled bilinearly to full
 *   resolution, q = A·I + B, α = clip((q − 0.2) / 0.6) ──► blur-fusion foreground ──► output
 *
 * Two passes read every full-resolution pixel: the resize to the guide, and the fused final pass
 * (refine.ts, `applyFullRes`) that writes the cut-out (or the mask) over the input pixels; a background
 * is then put behind the cut-out in one more pass (`composeCutout`), the pass a kept cut-out repeats for
 * each new background.
 */

import type { Raster } from '../../imaging/raster';
import {
  type Coefficients,
  type Output,
  alphaAtGuide,
  applyFullRes,
  blurredGrid,
  composeCutout,
  foregroundPlanes,
  guidedCoefficients,
  planes,
} from './refine';
import { resizeBilinear, resizeTriangle } from './resample';

/** The pipeline's parameters: Python's defaults (geometry.py, refine.py, foreground.py; docs/remove-bg.md). */
export interface Params {
  /** Model resolution: the long side of the resized image. */
  n: number;
  /** The guide's (and the guided filter's grid's) long side cap. */
  guideMax: number;
  /** Guided-filter radius, a fraction of the guide's long side; and its regulariser. */
  gfRadius: number;
  gfEps: number;
  /** α = clip((q − lo) / (hi − lo), 0, 1). */
  curveLo: number;
  curveHi: number;
  /** Blur-fusion radii, fractions of the guide's long side. */
  fgR1: number;
  fgR2: number;
}

/** The blurred background: three box passes of this fraction of the guide's long side (compose.py). */
export const BLUR_RADIUS = 0.02;

export const PARAMS: Readonly<Params> = {
  n: 640,
  guideMax: 1024,
  gfRadius: 0.0125,
  gfEps: 1e-4,
  curveLo: 0.2,
  curveHi: 0.8,
  fgR1: 0.045,
  fgR2: 0.003,
};

/** A radius in pixels from a fraction of the guide's long side: max(1, floor(fraction · long + 0.5)). */
export function radius(fraction: number, long: number): number {
  return Math.max(1, Math.floor(fraction * long + 0.5));
}

export interface Geom {
  H: number;
  W: number;
  /** Content size at model resolution. */
  h: number;
  w: number;
  /** Padded input size (multiples of `multiple`) and where the content sits in it. */
  Hp: number;
  Wp: number;
  top: number;
  left: number;
}

/** Long side to `n` (small images are upscaled too), each side padded to a multiple, centred. */
export function fit(H: number, W: number, n: number, multiple: number): Geom {
  const s = n / Math.max(H, W);
  const h = Math.max(1, Math.floor(H * s + 0.5));
  const w = Math.max(1, Math.floor(W * s + 0.5));
  const Hp = Math.ceil(h / multiple) * multiple;
  const Wp = Math.ceil(w / multiple) * multiple;
  return { H, W, h, w, Hp, Wp, top: Math.floor((Hp - h) / 2), left: Math.floor((Wp - w) / 2) };
}

/** [height, width] of the guide: the long side capped at `guideMax`, never upscaled. */
export function guideSize(H: number, W: number, guideMax: number): [number, number] {
  const s = Math.min(1, guideMax / Math.max(H, W));
  return [Math.max(1, Math.floor(H * s + 0.5)), Math.max(1, Math.floor(W * s + 0.5))];
}

export interface Normalise {
  mean: number;
  std: number;
  multiple: number;
}

/** The model input: NCHW float32 [1, 3, Hp, Wp], 0 (grey 128) around the content. */
export function modelInput(rgb: Uint8Array, g: Geom, norm: Normalise): Float32Array {
  const { h, w, Hp, Wp, top, left } = g;
  const x = new Float32Array(3 * Hp * Wp);
  const plane = Hp * Wp;
  const { mean, std } = norm;
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < w; i++) {
      const s = (y * w + i) * 3;
      const d = (top + y) * Wp + left + i;
      x[d] = (rgb[s]! - mean) / std;
      x[plane + d] = (rgb[s + 1]! - mean) / std;
      x[2 * plane + d] = (rgb[s + 2]! - mean) / std;
    }
  }
  return x;
}

/** Crop the content out of the padded mask. */
export function unpad(m: Float32Array, g: Geom): Float32Array {
  const out = new Float32Array(g.h * g.w);
  for (let y = 0; y < g.h; y++) out.set(m.subarray((g.top + y) * g.Wp + g.left, (g.top + y) * g.Wp + g.left + g.w), y * g.w);
  return out;
}

export type Infer = (input: Float32Array, h: number, w: number) => Promise<Float32Array>;

export interface Stages {
  /** Milliseconds: guide + model input; inference; guided filter + foreground + the full-resolution pass. */
  prepare: number;
  infer: number;
  refine: number;
}

/** Low-resolution facts a caller can keep (the benchmark compares them with the plain pipeline). */
export interface Prepared {
  guide: Uint8Array;
  gw: number;
  gh: number;
  geom: Geom;
  /** The un-padded model mask, geom.w × geom.h. */
  mask: Float32Array;
}

/** What goes behind the subject (or the mask alone); a blur is made from the photo itself. */
export type Wanted = Exclude<Output, { kind: 'blur' }> | { kind: 'blur' };

export interface CutOptions {
  output: Wanted;
  /** The input's alpha caps the output alpha (inputs with transparency). */
  inputAlpha?: boolean;
  /** Blur-fusion foreground colour at soft edges (on by default; off keeps the original RGB). */
  decontaminate?: boolean;
  params?: Params;
  signal?: AbortSignal;
  /** Called between stages with a fraction of the whole (0..1) and the stage's name. */
  progress?: (fraction: number, stage: string) => void;
}

/** Guide and model input (step 1 of 3). */
export function prepare(r: Raster, norm: Normalise, p: Params = PARAMS): { guide: Uint8Array; gw: number; gh: number; geom: Geom; input: Float32Array } {
  const { width: W, height: H } = r;
  const [gh, gw] = guideSize(H, W, p.guideMax);
  const guide = resizeTriangle(r.data, W, H, 4, gw, gh);
  const geom = fit(H, W, p.n, norm.multiple);
  // The model input comes from the guide (one pass over the full-resolution pixels), unless the guide
  // is smaller than the model size (small images are upscaled from the full image).
  const small =
    Math.max(gh, gw) >= Math.max(geom.h, geom.w) ? resizeTriangle(guide, gw, gh, 3, geom.w, geom.h) : resizeTriangle(r.data, W, H, 4, geom.w, geom.h);
  return { guide, gw, gh, geom, input: modelInput(small, geom, norm) };
}

/** Guided-filter coefficients from the model mask (at guide resolution). */
export function coefficients(guide: Uint8Array, gw: number, gh: number, mask: Float32Array, g: Geom, p: Params = PARAMS): Coefficients {
  const I = planes(guide, gw * gh);
  const pg = resizeBilinear(mask, g.w, g.h, gw, gh);
  return guidedCoefficients(I, pg, gw, gh, radius(p.gfRadius, Math.max(gw, gh)), p.gfEps);
}

/**
 * Remove the background of `r` (upright RGBA, modified in place: it becomes the output). Returns the
 * stage timings, the low-resolution facts, the number of soft-edge pixels and (unless the output is
 * the mask) the alpha on the guide grid, from which a blurred background can be made later.
 */
export async function cutOut(
  r: Raster,
  infer: Infer,
  norm: Normalise,
  opts: CutOptions,
): Promise<{ stages: Stages; prepared: Prepared; soft: number; alphaGuide: Float32Array | null }> {
  const p = opts.params ?? PARAMS;
  const { signal } = opts;
  const progress = opts.progress ?? ((): void => undefined);
  const { width: W, height: H } = r;
  let t = performance.now();
  const { guide, gw, gh, geom, input } = prepare(r, norm, p);
  const tPrepare = performance.now() - t;
  signal?.throwIfAborted();
  progress(0.3, 'finding the subject');

  t = performance.now();
  const raw = await infer(input, geom.Hp, geom.Wp);
  const mask = unpad(raw, geom);
  const tInfer = performance.now() - t;
  signal?.throwIfAborted();
  progress(0.75, 'refining the edges');

  t = performance.now();
  const coeffs = coefficients(guide, gw, gh, mask, geom, p);
  const curve = { lo: p.curveLo, hi: p.curveHi };
  let fg = null;
  let ag: Float32Array | null = null;
  let output: Output;
  const wanted = opts.output;
  if (wanted.kind !== 'mask') {
    const long = Math.max(gw, gh);
    const I = planes(guide, gw * gh);
    ag = alphaAtGuide(coeffs, gw, gh, r.data, W, H, curve);
    if (opts.decontaminate !== false) fg = foregroundPlanes(I, ag, gw, gh, radius(p.fgR1, long), radius(p.fgR2, long));
    output = wanted.kind === 'blur' ? { kind: 'blur', grid: blurredGrid(I, ag, gw, gh, radius(BLUR_RADIUS, long)) } : wanted;
  } else {
    output = wanted;
  }
  signal?.throwIfAborted();
  const pass = output.kind === 'mask' ? output : ({ kind: 'cutout' } as const);
  const soft = applyFullRes(r.data, W, H, { coeffs, fg, gw, gh, curve, output: pass, inputAlpha: opts.inputAlpha === true }, signal);
  // A background goes behind the cut-out in place (the same bytes as composing in the pass itself).
  if (output.kind !== pass.kind) composeCutout(r.data, W, H, output, gw, gh, r.data, signal);
  const tRefine = performance.now() - t;
  return { stages: { prepare: tPrepare, infer: tInfer, refine: tRefine }, prepared: { guide, gw, gh, geom, mask }, soft, alphaGuide: ag };
}

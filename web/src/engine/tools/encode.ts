/**
 * What compress and convert do between the photo pipeline's first and last steps (pipeline.ts; mirrors
 * src/privpix/tools/encode.py, whose docstring specifies `format=keep`, the target-size search, the
 * metadata and the report):
 *
 *   openPhoto -> upright pixels (decode, resize to max_dimension, orientation) -> flatten (JPEG)
 *   -> encode at a quality, or search for the quality that fits target_size -> written (the report)
 */

import { KEEP_EVERYTHING } from '../formats/exif';
import { formatBytes } from '../formats/findings';
import { sniff as sniffJpeg } from '../formats/jpeg';
import { encode as encodeRaster } from '../imaging/encode';
import { flatten, hasTransparency } from '../imaging/raster';
import { QUALITY_FLOOR, defaultStripOptions, type EncodeFormat, type EncodeOptions, hexRgb, qualityFor } from '../options';
import { warmHelper } from '../codecs/helper';
import { type Upright, decodeUpright } from '../imaging/decode';
import { type Animation, encodeWebp as encodeAnimatedWebp, read as readAnimation, tooLarge } from '../imaging/animation';
import { insertMetadata } from '../imaging/metadata';
import { FORMAT_NAMES } from '../imaging/photo';
import { fitSize, pixelsAt } from '../imaging/resize';
import { type Photo, keepFormat, metadataToWrite, openPhoto, written } from './pipeline';
import type { PhotoResult } from './result';

export { keepFormat };

/** What compress and convert return (Python's EncodeResult). */
export interface EncodeResult extends PhotoResult {
  /** null for a lossless PNG. */
  quality: number | null;
  target_size: number | null;
  /** null when there was no target. */
  target_met: boolean | null;
  /** Smaller than asked (max_dimension) to fit target_size. */
  target_downscaled: boolean;
  /** The photo's own picture, stripped, was smaller than the re-encoded one and is the output. */
  original_kept: boolean;
  /** An animation's frames (1: a still picture). */
  frames: number;
  /** An animation of which only the first frame was kept (a warning says why). */
  first_frame_only: boolean;
}

/**
 * How many frames the output keeps: all of an animation written as WebP within the pixel budget, else 1,
 * the warning (in `upright.warnings`) saying why. Python's _kept_frames.
 */
function keptFrames(upright: Upright, fmt: EncodeFormat, maxDimension: number | null): number {
  const told = upright.firstFrameWarning;
  if (upright.frames === 1 || told === null) return 1;
  const { warnings } = upright;
  const kind = told.split(':')[0]!;
  let reason: string;
  if (fmt !== 'webp') reason = `${FORMAT_NAMES[fmt]} cannot hold an animation`;
  else if (tooLarge(upright.sourceWidth, upright.sourceHeight, upright.frames, maxDimension))
    reason = `its ${upright.frames} frames are more pixels than privpix decodes at once; try --max-dimension`;
  else {
    warnings.splice(warnings.indexOf(told), 1);
    return upright.frames;
  }
  warnings[warnings.indexOf(told)] = `${kind}: first frame only (${reason})`;
  return 1;
}

export const KEPT_ORIGINAL = 'already smaller than this setting — kept the original picture, metadata removed';
export const KEPT_ORIGINAL_EXIF = 'already smaller than this setting — kept the original picture and its EXIF, other metadata removed';

export function largerWarning(before: number, after: number): string {
  return `the result is larger than the original (${formatBytes(before)} → ${formatBytes(after)})`;
}

/**
 * The photo with its metadata removed losslessly, as strip does (with `keepMetadata`, every EXIF group
 * kept); null when its container cannot be stripped (BMP). Python's stripped_original.
 */
export function strippedOriginal(photo: Photo, keepMetadata: boolean): Uint8Array | null {
  if (photo.container === null) return null;
  return photo.container.strip(photo.data, { ...defaultStripOptions(), keep: keepMetadata ? [...KEEP_EVERYTHING] : [] });
}

export interface Hooks {
  progress?(fraction: number, stage: string): void;
  signal?: AbortSignal;
}

/**
 * [quality, output, fits]: the largest quality `floor`..100 whose output is at most `target` bytes, or the
 * smallest output seen when none fits (ties: the lower quality). Python's search_quality.
 */
export async function searchQuality(
  encodeAt: (q: number) => Promise<Uint8Array>,
  target: number,
  onStep?: (step: number) => void,
  floor = 1,
): Promise<[number, Uint8Array, boolean]> {
  let lo = floor;
  let hi = 100;
  let best: [number, Uint8Array] | null = null;
  let smallest: [number, Uint8Array] | null = null;
  let step = 0;
  if (floor > 1) {
    // when the floor does not fit, no quality above it will
    const out = await encodeAt(floor);
    onStep?.(++step);
    if (out.length > target) return [floor, out, false];
    best = [floor, out];
    lo = floor + 1;
  }
  while (lo <= hi) {
    const q = Math.floor((lo + hi) / 2);
    const out = await encodeAt(q);
    onStep?.(++step);
    if (out.length <= target) {
      best = [q, out];
      lo = q + 1;
    } else {
      if (smallest === null || out.length < smallest[1].length || (out.length === smallest[1].length && q < smallest[0])) smallest = [q, out];
      hi = q - 1;
    }
  }
  if (best !== null) return [best[0], best[1], true];
  return [smallest![0], smallest![1], false];
}

/** The smallest longest side a target size search downscales to (max_dimension's minimum). */
export const MIN_SIDE = 16;

/** Python's _proportional: where bytes proportional to pixels would just fit, within lo..hi (the middle when that repeats `side`). */
function proportional(side: number, size: number, target: number, lo: number, hi: number): number {
  const guess = Math.min(hi, Math.max(lo, Math.floor(side * Math.sqrt(target / size))));
  return guess === side ? Math.floor((lo + hi) / 2) : guess;
}

/**
 * [longest side, output, fits]: the largest longest side MIN_SIDE..longSide - 1 whose output is at most
 * `target` bytes, to within longSide / 100 px, or the smallest output seen when none fits (ties: the
 * smaller side); `size` is the output's size at `longSide`. Python's search_side.
 */
export async function searchSide(
  encodeAt: (side: number) => Promise<Uint8Array>,
  longSide: number,
  target: number,
  size: number,
  onStep?: (step: number) => void,
): Promise<[number, Uint8Array, boolean]> {
  let lo = MIN_SIDE;
  let hi = longSide - 1;
  const tolerance = Math.max(1, Math.floor(longSide / 100));
  let best: [number, Uint8Array] | null = null;
  let smallest: [number, Uint8Array] | null = null;
  let side = proportional(longSide, size, target, lo, hi);
  let step = 0;
  while (lo <= hi && (best === null || hi - best[0] > tolerance)) {
    const out = await encodeAt(side);
    onStep?.(++step);
    if (out.length <= target) {
      best = [side, out];
      lo = side + 1;
    } else {
      if (smallest === null || out.length < smallest[1].length || (out.length === smallest[1].length && side < smallest[0])) smallest = [side, out];
      hi = side - 1;
    }
    side = proportional(side, out.length, target, lo, hi);
  }
  if (best !== null) return [best[0], best[1], true];
  return [smallest![0], smallest![1], false];
}

export function downscaledWarning(width: number, height: number, target: number, floor: number): string {
  return `downscaled to ${width}×${height} to reach ${formatBytes(target)}: below quality ${floor} the photo would not be usable`;
}

/**
 * Re-encode `data` as `outFormat` ('keep' or a format name) per `options` (checked by the caller); with
 * `keepSmallerOriginal`, the stripped photo when re-encoding does not make it smaller.
 */
export async function run(
  data: Uint8Array,
  outFormat: 'keep' | EncodeFormat,
  options: EncodeOptions,
  targetSize: number | null,
  hooks: Hooks = {},
  keepSmallerOriginal = false,
): Promise<EncodeResult> {
  const { signal } = hooks;
  const progress = (f: number, stage: string): void => hooks.progress?.(f, stage);
  progress(0, 'decode');
  // JPEG output runs on two workers: start the second one while this one decodes
  if (outFormat === 'jpeg' || (outFormat === 'keep' && sniffJpeg(data))) warmHelper(['mozjpeg']);
  const photo = openPhoto(data);
  const stage = (name: string): void => progress(0.25, name);
  const upright = await decodeUpright(photo, options.colour, options.max_dimension, { ...(signal ? { signal } : {}), stage });
  const { raster: pixels, icc, warnings } = upright;

  const transparent = hasTransparency(pixels);
  const fmt = outFormat === 'keep' ? keepFormat(photo.format, transparent, upright.frames > 1) : outFormat;
  const frames = keptFrames(upright, fmt, options.max_dimension);
  if (fmt === 'jpeg' && transparent) flatten(pixels, hexRgb(options.background));
  const [iccOut, exif] = metadataToWrite(photo, fmt, icc, options.keep_metadata, warnings);
  let movie: Animation | null = null;
  if (frames > 1) {
    stage('frames');
    const size = { width: pixels.width, height: pixels.height, orientation: upright.orientation, srgb: upright.srgb };
    movie = await readAnimation(photo.data, photo.format, size, signal);
  }
  const encodeAt = async (quality: number | null, palette: boolean): Promise<Uint8Array> => {
    if (movie === null) return encodeRaster(pixels, fmt, { quality, palette, icc: iccOut, exif, ...(signal ? { signal } : {}) });
    const out = await encodeAnimatedWebp(movie, quality!, signal);
    return insertMetadata(out, 'webp', iccOut, exif, pixels.width, pixels.height);
  };

  const lossless = fmt === 'png' && !options.palette;
  let quality: number | null;
  let out: Uint8Array;
  let targetMet: boolean | null = null;
  let targetDownscaled = false;
  let [width, height] = [pixels.width, pixels.height];
  progress(0.4, 'encode');
  if (targetSize === null) {
    quality = lossless ? null : qualityFor(options, fmt);
    out = await encodeAt(quality, options.palette);
  } else {
    let lossy = true;
    if (lossless) {
      out = await encodeAt(null, false);
      if (out.length <= targetSize) {
        quality = null;
        targetMet = true;
        lossy = false;
      } else {
        warnings.push(`the lossless PNG is ${formatBytes(out.length)}, over ${formatBytes(targetSize)}: reduced to a palette of at most 256 colours to fit`);
      }
    }
    if (lossy) {
      const floor = QUALITY_FLOOR[fmt];
      const [q, o, met] = await searchQuality((q) => encodeAt(q, fmt === 'png'), targetSize, (step) => progress(0.4 + (0.3 * step) / 7, 'search'), floor);
      [quality, out, targetMet] = [q, o, met];
      const longSide = Math.max(pixels.width, pixels.height);
      if (!met && frames === 1 && longSide > MIN_SIDE) {
        const encodeSide = async (side: number): Promise<Uint8Array> => {
          const [w, h] = fitSize(pixels.width, pixels.height, side);
          const small = await pixelsAt(pixels, w, h);
          return encodeRaster(small, fmt, { quality: floor, palette: fmt === 'png', icc: iccOut, exif, ...(signal ? { signal } : {}) });
        };
        const [side, o2, met2] = await searchSide(encodeSide, longSide, targetSize, o.length, (step) => progress(0.7 + (0.3 * step) / 8, 'downscale'));
        [width, height] = fitSize(pixels.width, pixels.height, side);
        [quality, out, targetMet, targetDownscaled] = [floor, o2, met2, true];
        warnings.push(
          met2
            ? downscaledWarning(width, height, targetSize, floor)
            : `could not reach ${formatBytes(targetSize)}: even ${width}×${height} at quality ${floor} is ${formatBytes(o2.length)}`,
        );
      } else if (!met) {
        warnings.push(`could not reach ${formatBytes(targetSize)}: the smallest result at quality ${q} is ${formatBytes(o.length)}; try --max-dimension`);
      }
    }
  }
  let originalKept = false;
  if (fmt === photo.format) {
    const stored: [number, number] = [photo.inspection.width ?? 0, photo.inspection.height ?? 0];
    const [fw, fh] = fitSize(stored[0], stored[1], options.max_dimension);
    const samePicture = fw === stored[0] && fh === stored[1] && (options.colour === 'keep' || photo.icc === null);
    const original = keepSmallerOriginal && samePicture ? strippedOriginal(photo, options.keep_metadata) : null;
    if (original !== null && original.length <= out!.length) {
      [out, quality, originalKept] = [original, null, true];
      warnings.push(options.keep_metadata ? KEPT_ORIGINAL_EXIF : KEPT_ORIGINAL);
      if (targetSize !== null) targetMet = out.length <= targetSize;
    }
  }
  // an animation's first frame is no comparison
  if (!originalKept && out!.length > photo.data.length && frames === upright.frames) warnings.push(largerWarning(photo.data.length, out!.length));
  progress(1, 'done');
  return {
    ...written(photo, out!, warnings),
    format: fmt,
    source_format: photo.format,
    width,
    height,
    quality: quality!,
    target_size: targetSize,
    target_met: targetMet,
    target_downscaled: targetDownscaled,
    original_kept: originalKept,
    frames,
    first_frame_only: upright.frames > frames,
  };
}

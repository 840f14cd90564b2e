/**
 * The pipeline compress and convert share (mirrors src/privpix/tools/encode.py, whose docstring
 * specifies `format=keep`, the target-size search, the metadata and the report):
 *
 *   decode (colour decided up front) -> resize (max_dimension) -> orientation -> flatten (JPEG)
 *   -> encode at a quality, or search for the quality that fits target_size -> report
 *
 * Resizing comes before orientation so the browser's scaler works on the decoded bitmap directly
 * and the orientation pass touches the smaller image; the result is the same.
 */

import { formatBytes, type Finding, removedFindings } from '../formats/findings';
import { containerFor } from '../formats/sniff';
import { backgroundRgb, type EncodeFormat, type EncodeOptions, qualityFor, validateEncodeOptions } from '../options';
import { decode, type SourceFormat } from '../imaging/decode';
import { encode as encodeRaster } from '../imaging/encode';
import { exifToWrite } from '../imaging/metadata';
import { flatten, hasTransparency, orient } from '../imaging/raster';
import { fitSize, pixelsAt } from '../imaging/resize';
import { warmHelper } from '../codecs/helper';
import { sniff as sniffJpeg } from '../formats/jpeg';

export interface EncodeResult {
  data: Uint8Array;
  format: EncodeFormat;
  source_format: SourceFormat;
  width: number;
  height: number;
  quality: number | null; // null for a lossless PNG
  bytes_before: number;
  bytes_after: number;
  target_size: number | null;
  target_met: boolean | null; // null when there was no target
  removed: Finding[];
  kept: Finding[];
  warnings: string[];
}

export interface Hooks {
  progress?(fraction: number, stage: string): void;
  signal?: AbortSignal;
}

const KEEP_FORMAT: Record<SourceFormat, EncodeFormat> = {
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  avif: 'avif',
  heic: 'jpeg',
  tiff: 'jpeg',
  gif: 'png',
  bmp: 'png',
};

export function keepFormat(source: SourceFormat, transparent: boolean): EncodeFormat {
  if ((source === 'heic' || source === 'tiff') && transparent) return 'png';
  return KEEP_FORMAT[source];
}

/**
 * [quality, output, fits]: the largest quality 1..100 whose output is at most `target` bytes, or the
 * smallest output seen when none fits (ties: the lower quality). Python's search_quality.
 */
export async function searchQuality(encodeAt: (q: number) => Promise<Uint8Array>, target: number, onStep?: (step: number) => void): Promise<[number, Uint8Array, boolean]> {
  let lo = 1;
  let hi = 100;
  let best: [number, Uint8Array] | null = null;
  let smallest: [number, Uint8Array] | null = null;
  let step = 0;
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

/** JPEG in, so (with format=keep) JPEG out. */
const jpegLike = (data: Uint8Array): boolean => sniffJpeg(data);

function findings(data: Uint8Array): Finding[] {
  return containerFor(data).readMetadata(data).findings;
}

/** Re-encode `data` as `outFormat` ('keep' or a format name) per `options`. */
export async function run(data: Uint8Array, outFormat: 'keep' | EncodeFormat, options: EncodeOptions, targetSize: number | null, hooks: Hooks = {}): Promise<EncodeResult> {
  validateEncodeOptions(options);
  const { signal } = hooks;
  const progress = (f: number, stage: string): void => hooks.progress?.(f, stage);
  progress(0, 'decode');
  // JPEG output runs on two workers: start the second one while this one decodes
  if (outFormat === 'jpeg' || (outFormat === 'keep' && jpegLike(data))) warmHelper(['mozjpeg']);
  const decoded = await decode(data, options.colour, signal);
  const before = decoded.format === 'bmp' ? [] : findings(data);
  const warnings = [...decoded.warnings];
  signal?.throwIfAborted();

  // size: max_dimension applies to the upright image; the scaler works before orientation
  const swap = decoded.orientation >= 5;
  const [uw, uh] = swap ? [decoded.height, decoded.width] : [decoded.width, decoded.height];
  const [tw, th] = fitSize(uw, uh, options.max_dimension);
  progress(0.25, tw !== uw || th !== uh ? 'resize' : 'decode');
  let pixels = await pixelsAt(decoded.picture, swap ? th : tw, swap ? tw : th);
  pixels = orient(pixels, decoded.orientation);
  signal?.throwIfAborted();

  const transparent = hasTransparency(pixels);
  const fmt = outFormat === 'keep' ? keepFormat(decoded.format, transparent) : outFormat;
  if (fmt === 'jpeg' && transparent) flatten(pixels, backgroundRgb(options));
  const icc = options.colour === 'keep' && !decoded.srgb && decoded.icc !== null && decoded.icc.length >= 132 ? decoded.icc : null;
  const exif = options.keep_metadata && decoded.exif ? exifToWrite(decoded.exif, fmt, warnings) : null;
  const encodeAt = (quality: number | null, palette: boolean): Promise<Uint8Array> =>
    encodeRaster(pixels, fmt, { quality, palette, icc, exif, ...(signal ? { signal } : {}) });

  const lossless = fmt === 'png' && !options.palette;
  let quality: number | null;
  let out: Uint8Array;
  let targetMet: boolean | null = null;
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
      const [q, o, met] = await searchQuality((q) => encodeAt(q, fmt === 'png'), targetSize, (step) => progress(0.4 + (0.6 * step) / 7, 'search'));
      [quality, out, targetMet] = [q, o, met];
      if (!met) warnings.push(`could not reach ${formatBytes(targetSize)}: the smallest result at quality ${q} is ${formatBytes(o.length)}; try --max-dimension`);
    }
  }
  progress(1, 'done');
  const after = findings(out!);
  return {
    data: out!,
    format: fmt,
    source_format: decoded.format,
    width: pixels.width,
    height: pixels.height,
    quality: quality!,
    bytes_before: data.length,
    bytes_after: out!.length,
    target_size: targetSize,
    target_met: targetMet,
    removed: removedFindings(before, after),
    kept: after,
    warnings,
  };
}

/**
 * Decode any supported image into pixels, with its ICC profile and EXIF block kept aside (mirrors
 * src/privpix/imaging/decode.py, whose rules this follows):
 *
 * - The photo is opened first (imaging/photo.ts `openPhoto`: sniffed from the bytes, never from a name,
 *   and its container walked), so a truncated file is reported as such even where a codec would
 *   decode it silently; the EXIF block and ICC profile are the ones the container says are the photo's.
 * - Orientation is applied exactly once. JPEG, PNG, WebP and TIFF: the EXIF Orientation of the
 *   container's own EXIF block (never XMP), applied by `orient` after any resize. HEIC: irot of the
 *   primary item (libheif applies it, or `orient` on the two-band path). AVIF: the browser applies
 *   irot/imir (imageOrientation 'from-image').
 * - The pixel count from the header must not exceed MAX_PIXELS; nothing is decoded before that check. With
 *   a downscale, a JPEG (reduced DCT scale), a grid HEIC (imaging/heic-grid.ts) or a PNG (imaging/png-rows.ts)
 *   over it is decoded reduced and counts at that size; `fullWidth`/`fullHeight` keep the picture's own size.
 * - GIF, animated WebP and APNG: the first frame, with a warning (`firstFrameWarning`) and the frame
 *   count (`frames`); compress and convert read every frame (imaging/animation.ts) when the output can
 *   hold them.
 *
 * Native decoders (createImageBitmap in this worker) for JPEG, PNG, WebP, AVIF, GIF and BMP; wasm for
 * HEIC (libheif) and TIFF (UTIF). `colour` decides the colour handling up front (see colour.ts).
 */

import { ascii, startsWith } from '../formats/binary';
import { FormatError, UnsupportedError, damageReason } from '../formats/errors';
import * as exifMod from '../formats/exif';
import { formatFixed } from '../formats/findings';
import * as gif from '../formats/gif';
import * as jpeg from '../formats/jpeg';
import * as png from '../formats/png';
import * as webp from '../formats/webp';
import { MAX_PIXELS } from '../options';
import type { Grid } from './heic-grid';
import type { PngHeader } from './png-rows';
import { reductionFactor } from './reduce';
import { FORMAT_NAMES, Photo, type SourceFormat, openPhoto } from './photo';
import { type Raster, orient } from './raster';
import { REDUCING_GAP, fitSize, pixelsAt } from './resize';

const DAMAGED = 'the picture is incomplete (privpix strip can still remove its metadata)';

// ---- what the container carries -------------------------------------------------------------------

const EXIF_ID = ascii('Exif\x00');

/** IFD0 Orientation (1-8) of an EXIF block; 1 when absent, out of range or unreadable. */
export function exifOrientation(block: Uint8Array | null): number {
  if (!block || !block.length) return 1;
  try {
    return exifMod.parse(block, 'EXIF').orientation ?? 1;
  } catch (err) {
    if (err instanceof FormatError) return 1;
    throw err;
  }
}

export const ANIMATED_KINDS: Partial<Record<SourceFormat, string>> = { gif: 'animated GIF', webp: 'animated WebP', png: 'animated PNG' };

/** How many frames the file shows (1 for a still picture), as Pillow counts them (Python's n_frames). */
export function frameCount(data: Uint8Array, fmt: SourceFormat): number {
  if (fmt === 'gif') return Math.max(1, gif.parse(data).blocks.filter((b) => b.introducer === 0x2c).length);
  if (fmt === 'webp') return Math.max(1, webp.parse(data).chunks.filter((c) => c.fourcc === 'ANMF').length);
  if (fmt === 'png') {
    const actl = png.parse(data).chunks.find((c) => c.type === 'acTL');
    if (actl && actl.length >= 4) return Math.max(1, new DataView(data.buffer, data.byteOffset + actl.dataStart, 4).getUint32(0));
  }
  return 1;
}

// ---- decoding --------------------------------------------------------------------------------------

export interface Decoded {
  format: SourceFormat;
  /** Pixels as decoded: a native ImageBitmap (not yet read back) or RGBA in memory. */
  picture: ImageBitmap | Raster;
  /** Size of `picture` (before `orientation`). */
  width: number;
  height: number;
  /** The picture's own size, oriented as `picture`: larger than it when decoded reduced (a JPEG's DCT scale, HEIC tile rows, PNG rows). */
  fullWidth: number;
  fullHeight: number;
  /** EXIF orientation still to apply to `picture` (1 = upright already). */
  orientation: number;
  icc: Uint8Array | null;
  exif: Uint8Array | null;
  /** True when the pixels are already converted to sRGB (the ICC profile no longer applies). */
  srgb: boolean;
  warnings: string[];
  /** An animation's frame count; `picture` is its first frame. */
  frames: number;
  /** The warning (in `warnings`) that only the first frame is used, for an animation. */
  firstFrameWarning: string | null;
}

/** What makes a picture over the budget decode: a downscale. */
export const REDUCIBLE = 'with --max-dimension it is decoded at a reduced size';

/** UnsupportedError when `width` × `height` is over MAX_PIXELS; `hint` says what would make it work (REDUCIBLE) or why nothing can. */
export function checkPixels(fmt: SourceFormat, width: number, height: number, hint = ''): void {
  if (width * height > MAX_PIXELS) {
    throw new UnsupportedError(
      FORMAT_NAMES[fmt],
      -1,
      `${width}×${height} is ${formatFixed((width * height) / 1_000_000, 1)} megapixels, more than the ` +
        `${Math.floor(MAX_PIXELS / 1_000_000)} megapixels privpix decodes at once${hint ? `; ${hint}` : ''}`,
    );
  }
}

/**
 * The DCT scale (1, 2, 4 or 8) a JPEG of `width` × `height` is decoded at when it will be fitted within
 * `maxDimension`: the largest that keeps it at least REDUCING_GAP times the fitted size, or at least the
 * fitted size when that would leave it over the pixel budget (Python's jpeg_draft_size with Pillow's
 * Image.draft).
 */
export function jpegScale(width: number, height: number, maxDimension: number | null): number {
  const [w, h] = fitSize(width, height, maxDimension);
  if (w === width && h === height) return 1;
  const largest = (rw: number, rh: number): number => {
    const room = Math.max(1, Math.min(Math.floor(width / rw), Math.floor(height / rh)));
    return [8, 4, 2, 1].find((scale) => scale <= room)!;
  };
  const scale = largest(Math.floor(w * REDUCING_GAP), Math.floor(h * REDUCING_GAP));
  return Math.ceil(width / scale) * Math.ceil(height / scale) > MAX_PIXELS ? largest(w, h) : scale;
}

function bmpSize(data: Uint8Array): [number, number] {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const dib = dv.getUint32(14, true);
  if (dib === 12) return [dv.getUint16(18, true), dv.getUint16(20, true)];
  return [Math.abs(dv.getInt32(18, true)), Math.abs(dv.getInt32(22, true))];
}

/** 'RGB ' profiles can be embedded in an RGB output; CMYK or grey ones cannot (the pixels are converted). */
export function isRgbProfile(icc: Uint8Array | null): boolean {
  return icc !== null && icc.length >= 132 && String.fromCharCode(...icc.subarray(16, 20)) === 'RGB ';
}

/** Decode a photo (`openPhoto`'s, or bytes, which are opened here). Throws FormatError naming what is wrong. */
export async function decode(source: Photo | Uint8Array, colour: 'keep' | 'srgb', signal?: AbortSignal, maxDimension: number | null = null): Promise<Decoded> {
  const photo = source instanceof Photo ? source : openPhoto(source);
  const [width, height] = photo.format === 'bmp' ? bmpSize(photo.data) : [photo.inspection.width ?? 0, photo.inspection.height ?? 0];
  const decoded = await decodePicture(photo, width, height, colour, signal, maxDimension);
  // decoded at a reduced size: the header's size (a HEIC's with irot applied, as its pixels) is the picture's own
  const reduced = ['jpeg', 'png', 'heic'].includes(photo.format) && width > 0 && height > 0 && (decoded.width !== width || decoded.height !== height);
  return { ...decoded, fullWidth: reduced ? width : decoded.width, fullHeight: reduced ? height : decoded.height };
}

type Picture = Omit<Decoded, 'fullWidth' | 'fullHeight'>;

async function decodePicture(photo: Photo, width: number, height: number, colour: 'keep' | 'srgb', signal: AbortSignal | undefined, maxDimension: number | null): Promise<Picture> {
  const { data, format: fmt, exif, icc } = photo;
  const cut = damageReason(photo.inspection.warnings);
  if (cut !== null) throw new FormatError('', -1, `${cut}; ${DAMAGED}`); // a codec would fill the gap (libheif: green)
  // a JPEG larger than the budget is decoded at a reduced DCT scale when it will be downscaled anyway
  const scale = fmt === 'jpeg' && width * height > MAX_PIXELS ? jpegScale(width, height, maxDimension) : 1;
  const parts = width * height > MAX_PIXELS && (fmt === 'heic' || fmt === 'png') ? await inParts(data, fmt, width, height) : null;
  // the budget applies to what is held: a picture reduced in parts is within it by construction
  if (parts === null || maxDimension === null) {
    const reducible = fmt === 'jpeg' || parts !== null;
    const hint = reducible ? (maxDimension === null ? REDUCIBLE : '') : `${FORMAT_NAMES[fmt]} cannot be decoded at a reduced size or in parts`;
    checkPixels(fmt, Math.ceil(width / scale), Math.ceil(height / scale), hint);
  }
  const warnings: string[] = [];
  const frames = frameCount(data, fmt);
  const firstFrameWarning = frames > 1 ? `${ANIMATED_KINDS[fmt]}: only the first frame is used` : null;
  if (firstFrameWarning) warnings.push(firstFrameWarning);
  // keep: the pixel values as stored, with their profile; but a CMYK or grey profile cannot describe
  // RGB output, so those (and colour=srgb) are converted to sRGB by the decoder.
  const convert = colour === 'srgb' || (icc !== null && !isRgbProfile(icc));
  const orientation = fmt === 'jpeg' || fmt === 'png' || fmt === 'webp' || fmt === 'tiff' ? exifOrientation(exif) : 1;
  signal?.throwIfAborted();

  if (parts !== null) {
    // over the budget, downscaled: a HEIC grid one row of tiles at a time (upright), a PNG a band of rows at a time
    const factor = reductionFactor(parts.width, parts.height, maxDimension!);
    if ('grid' in parts) {
      const { decodeReduced } = await import('./heic-grid');
      const raster = await decodeReduced(parts.grid, factor, signal);
      return finishRaster(fmt, raster, 1, icc, exif, convert, warnings, frames, firstFrameWarning);
    }
    const { decodeReduced } = await import('./png-rows');
    const raster = await decodeReduced(parts.png, factor, signal);
    return finishRaster(fmt, raster, orientation, icc, exif, convert, warnings, frames, firstFrameWarning);
  }
  if (fmt === 'heic') {
    const { decodeHeicParallel } = await import('../codecs/heic');
    const raster = await decodeHeicParallel(data, signal);
    return finishRaster(fmt, raster, 1, icc, exif, convert, warnings, frames, firstFrameWarning);
  }
  if (fmt === 'tiff') {
    const { decodeTiff } = await import('../codecs/tiff');
    let raster: Raster;
    try {
      raster = await decodeTiff(data);
    } catch (err) {
      throw new FormatError('TIFF', -1, `cannot decode the image: ${err instanceof Error ? err.message : String(err)}`);
    }
    return finishRaster(fmt, raster, orientation, icc, exif, convert, warnings, frames, firstFrameWarning);
  }
  // The browser would apply an EXIF orientation by its own rules (Chromium does for JPEG whatever
  // imageOrientation says): it gets the file without its EXIF, and `orient` applies ours once.
  const file = exif !== null && (fmt === 'jpeg' || fmt === 'png' || fmt === 'webp') ? withoutExif(data, fmt) : data;
  let bitmap: ImageBitmap;
  try {
    if (scale > 1) bitmap = await decodeReduced(file, Math.ceil(width / scale), Math.ceil(height / scale), convert);
    else
      bitmap = await createImageBitmap(new Blob([file as Uint8Array<ArrayBuffer>]), {
      imageOrientation: 'from-image', // AVIF: irot/imir, which the browser applies; others carry none now
      colorSpaceConversion: convert ? 'default' : 'none',
      premultiplyAlpha: 'default',
    });
  } catch (err) {
    throw new FormatError(FORMAT_NAMES[fmt], -1, `cannot decode the image: the browser's ${FORMAT_NAMES[fmt]} decoder failed (${err instanceof Error ? err.message : String(err)})`);
  }
  return {
    format: fmt,
    picture: bitmap,
    width: bitmap.width,
    height: bitmap.height,
    orientation,
    icc,
    exif,
    srgb: convert && icc !== null,
    warnings,
    frames,
    firstFrameWarning,
  };
}

/**
 * How a HEIC or PNG over the budget is read in parts (its grid, its header), with the size of what is
 * stored; or the refusal that says why it can only be decoded whole.
 */
async function inParts(data: Uint8Array, fmt: 'heic' | 'png', width: number, height: number): Promise<({ grid: Grid } | { png: PngHeader }) & { width: number; height: number }> {
  try {
    if (fmt === 'heic') {
      const { readGrid } = await import('./heic-grid');
      const grid = readGrid(data);
      return { grid, width: grid.width, height: grid.height };
    }
    const { readHeader } = await import('./png-rows');
    const png = readHeader(data);
    return { png, width: png.width, height: png.height };
  } catch (err) {
    if (err instanceof UnsupportedError) checkPixels(fmt, width, height, err.expected);
    throw err;
  }
}

/**
 * A JPEG decoded straight at a reduced size (`width` × `height`, a DCT scale of its own): WebCodecs'
 * ImageDecoder with a desired size decodes at that scale (a 108 MP photo at 1/4 in ~0.1 s) without ever
 * holding the full-size pixels, which createImageBitmap would (400+ MB, seconds).
 */
async function decodeReduced(file: Uint8Array, width: number, height: number, convert: boolean): Promise<ImageBitmap> {
  const decoder = new ImageDecoder({
    data: file as Uint8Array<ArrayBuffer>,
    type: 'image/jpeg',
    desiredWidth: width,
    desiredHeight: height,
    colorSpaceConversion: convert ? 'default' : 'none',
  });
  try {
    const { image } = await decoder.decode();
    try {
      return await createImageBitmap(image);
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}

/** The file without its EXIF block (JPEG APP1 "Exif", PNG eXIf, WebP EXIF); pixels untouched. */
function withoutExif(data: Uint8Array, fmt: SourceFormat): Uint8Array {
  const cut: [number, number][] = [];
  if (fmt === 'jpeg') {
    for (const seg of jpeg.parse(data).segments) if (seg.marker === 0xe1 && startsWith(data, EXIF_ID, seg.payloadStart)) cut.push([seg.start, seg.end]);
  } else if (fmt === 'png') {
    for (const c of png.parse(data).chunks) if (c.type === 'eXIf') cut.push([c.start, c.end]);
  } else {
    for (const c of webp.parse(data).chunks) if (c.fourcc === 'EXIF') cut.push([c.start, c.end]);
  }
  if (!cut.length) return data;
  const removed = cut.reduce((n, [a, b]) => n + b - a, 0);
  const out = new Uint8Array(data.length - removed);
  let from = 0;
  let at = 0;
  for (const [a, b] of cut) {
    out.set(data.subarray(from, a), at);
    at += a - from;
    from = b;
  }
  out.set(data.subarray(from), at);
  if (fmt === 'webp') new DataView(out.buffer).setUint32(4, out.length - 8, true); // RIFF size
  return out;
}

async function finishRaster(
  fmt: SourceFormat,
  raster: Raster,
  orientation: number,
  icc: Uint8Array | null,
  exif: Uint8Array | null,
  convert: boolean,
  warnings: string[],
  frames: number,
  firstFrameWarning: string | null,
): Promise<Picture> {
  let out = raster;
  let srgb = false;
  if (convert && icc !== null) {
    const { toSrgb } = await import('./colour');
    out = await toSrgb(raster, icc);
    srgb = true;
  }
  return { format: fmt, picture: out, width: out.width, height: out.height, orientation, icc, exif, srgb, warnings, frames, firstFrameWarning };
}

// ---- upright, at the size a tool needs ---------------------------------------------------------------

export interface Upright {
  /** RGBA, upright, at the size asked for. */
  raster: Raster;
  /** The profile the pixels are in, to carry into the output; null when they are sRGB (converted, or untagged). */
  icc: Uint8Array | null;
  warnings: string[];
  /** An animation's frame count (`raster` is its first frame) and the warning that says so. */
  frames: number;
  firstFrameWarning: string | null;
  /** The upright size before fitting, and how the frames of an animation are read the same way (imaging/animation.ts). */
  sourceWidth: number;
  sourceHeight: number;
  orientation: number;
  /** True when the decoder converted the pixels to sRGB. */
  srgb: boolean;
}

/**
 * The photo's pixels, upright and fitted within `maxDimension` (null: full size). `colour` 'keep': the
 * values as stored with their profile (CMYK and grey profiles still become sRGB: RGB output cannot
 * carry them); 'srgb': converted.
 */
export async function decodeUpright(
  photo: Photo | Uint8Array,
  colour: 'keep' | 'srgb',
  maxDimension: number | null,
  hooks: { signal?: AbortSignal; stage?(name: 'decode' | 'resize'): void } = {},
): Promise<Upright> {
  const { signal } = hooks;
  const decoded = await decode(photo, colour, signal, maxDimension);
  // max_dimension applies to the upright image; the scaler works before orientation
  const swap = decoded.orientation >= 5;
  const [uw, uh] = swap ? [decoded.fullHeight, decoded.fullWidth] : [decoded.fullWidth, decoded.fullHeight];
  const [tw, th] = fitSize(uw, uh, maxDimension);
  hooks.stage?.(tw !== uw || th !== uh ? 'resize' : 'decode');
  const raster = orient(await pixelsAt(decoded.picture, swap ? th : tw, swap ? tw : th), decoded.orientation);
  signal?.throwIfAborted();
  const icc = !decoded.srgb && decoded.icc !== null && decoded.icc.length >= 132 ? decoded.icc : null;
  return {
    raster,
    icc,
    warnings: [...decoded.warnings],
    frames: decoded.frames,
    firstFrameWarning: decoded.firstFrameWarning,
    sourceWidth: uw,
    sourceHeight: uh,
    orientation: decoded.orientation,
    srgb: decoded.srgb,
  };
}

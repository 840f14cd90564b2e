/**
 * Erase objects, the tool around the fill (mirrors src/privpix/tools/erase/tool.py):
 *
 *   decode upright (imaging/decode: orientation applied once, ICC aside, colour kept as stored)
 *   -> the mask: painted operations (mask.ts), or a mask image (white >= 128, alpha >= 128)
 *   -> fill.ts on the crop around the mask grown by `grow` and feathered by `feather` px (automatic
 *      values: autoGrow, autoFeather, Python's options.auto_grow / auto_feather); alpha is kept
 *   -> encoded in the input's format (HEIC and TIFF become JPEG, or PNG when transparent; GIF and BMP
 *      become PNG), at ERASE_QUALITY (a JPEG at most the quality it was saved at, imaging/jpeg-quality.ts)
 *      unless a quality is given, with nothing but the ICC profile unless keep_metadata (then the source's
 *      EXIF as compress keeps it, Orientation 1)
 *
 * The browser keeps one photo open and erases several times before it encodes, so the steps are
 * separate functions here: openForErase, erasePatch (repeatable), encodeErased — the photo pipeline's
 * steps (tools/pipeline.ts) with the fill between them.
 */
import { decodeUpright } from '../../imaging/decode';
import { encode as encodeRaster } from '../../imaging/encode';
import { estimate as estimateJpegQuality } from '../../imaging/jpeg-quality';
import type { Photo, SourceFormat } from '../../imaging/photo';
import { flatten, hasTransparency, type Raster } from '../../imaging/raster';
import type { EncodeFormat } from '../../options';
import { keepFormat, metadataToWrite, openPhoto, written } from '../pipeline';
import type { PhotoResult } from '../result';
import { fill, type EraseReport, type FillHooks, type Image, type MaskWindow, type Patch } from './fill';
import { maskSide } from './mask';
import { ERASE_MAX_CROP, ERASE_QUALITY, fillParams, validateEraseOptions, type EraseOptions } from './options';

export * from './options';

/** A mask that does not fit the photo, or marks nothing (Python's tools.erase.tool.MaskError). */
export class MaskError extends RangeError {
  override name = 'MaskError';
}

// ---- open -----------------------------------------------------------------------------------------------

/** A photo opened for erasing: plain data, so the page can hold it between the steps. */
export interface ErasePhoto {
  source: SourceFormat;
  /** Upright pixels, RGBA, colour as stored (CMYK and grey profiles converted to sRGB). */
  raster: Raster;
  /** The profile the pixels are in (embedded in the result), or null. */
  icc: Uint8Array | null;
  exif: Uint8Array | null;
  /** The format a result is written in. */
  format: EncodeFormat;
  warnings: string[];
  /** The file as opened, for the report (plain data: its bytes and what it carried). */
  original: Pick<Photo, 'data' | 'inspection'>;
}

export async function openForErase(data: Uint8Array, signal?: AbortSignal): Promise<ErasePhoto> {
  const photo = openPhoto(data);
  const { raster, icc, warnings } = await decodeUpright(photo, 'keep', null, signal ? { signal } : {});
  const format = keepFormat(photo.format, hasTransparency(raster));
  return { source: photo.format, raster, icc, exif: photo.exif, format, warnings, original: { data, inspection: photo.inspection } };
}

/**
 * The mask of a mask image's pixels (Python's mask_from_image): grey value (Pillow's ITU-R 601 luma,
 * (19595 R + 38470 G + 7471 B + 32768) >> 16) >= 128 and alpha >= 128.
 */
export function maskFromRgba(r: Raster): Uint8Array {
  const n = r.width * r.height;
  const m = new Uint8Array(n);
  const d = r.data;
  for (let i = 0; i < n; i++) {
    const luma = (d[i * 4]! * 19595 + d[i * 4 + 1]! * 38470 + d[i * 4 + 2]! * 7471 + 0x8000) >> 16;
    m[i] = luma >= 128 && d[i * 4 + 3]! >= 128 ? 1 : 0;
  }
  return m;
}

// ---- erase ------------------------------------------------------------------------------------------------

export interface EraseStep {
  /** The window the fill may have changed, with its new pixels. */
  patch: Patch;
  report: EraseReport & { grow: number; feather: number; seed: number; maskedPixels: number };
}

/**
 * Erase `mask` from `image` (only read): the affected window's new pixels. MaskError for an empty
 * mask; RangeError when the area cannot be filled (too large, nothing to fill from).
 */
export function erasePatch(image: Image, mask: MaskWindow, options: EraseOptions, hooks: FillHooks = {}): EraseStep {
  validateEraseOptions(options);
  let masked = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) masked++;
  if (!masked) throw new MaskError('the mask marks nothing to erase (no pixel is white, >= 128)');
  const P = fillParams(options, maskSide(mask), image.width, image.height);
  const done = fill(image, mask, P, hooks, { maxCrop: ERASE_MAX_CROP });
  if (!done) throw new MaskError('the mask marks nothing to erase (no pixel is white, >= 128)');
  return { patch: done.patch, report: { ...done.report, grow: P.grow, feather: P.feather, seed: P.seed, maskedPixels: masked } };
}

// ---- encode ----------------------------------------------------------------------------------------------

/** What encodeErased returns (Python's EraseResult without the fill's figures, which each erase step reported). */
export interface Encoded extends PhotoResult {
  /** null for PNG. */
  quality: number | null;
}

/** Encode the (upright, RGBA) result as `photo.format` with the tool's metadata policy, and report on it. */
export async function encodeErased(
  raster: Raster,
  photo: Pick<ErasePhoto, 'format' | 'icc' | 'exif' | 'source' | 'original'>,
  options: EraseOptions,
  signal?: AbortSignal,
): Promise<Encoded> {
  validateEraseOptions(options);
  const fmt = photo.format;
  const warnings: string[] = [];
  if (fmt === 'jpeg' && hasTransparency(raster)) {
    raster = { ...raster, data: raster.data.slice() };
    flatten(raster, [255, 255, 255]);
  }
  const [icc, exif] = metadataToWrite(photo, fmt, photo.icc, options.keep_metadata, warnings);
  // a JPEG source saved below ERASE_QUALITY is written at its own quality, so the result is not larger (options.py)
  const sourceQuality = photo.source === 'jpeg' ? estimateJpegQuality(photo.original.data) : null;
  const quality = fmt === 'png' ? null : (options.quality ?? (fmt === 'jpeg' && sourceQuality !== null ? Math.min(ERASE_QUALITY[fmt], sourceQuality) : ERASE_QUALITY[fmt]));
  const out = await encodeRaster(raster, fmt, { quality, palette: false, icc, exif, ...(signal ? { signal } : {}) });
  return {
    ...written(photo.original, out, warnings),
    format: fmt,
    source_format: photo.source,
    width: raster.width,
    height: raster.height,
    quality,
  };
}

// ---- the whole tool at once (as the CLI runs it) --------------------------------------------------------

export interface ErasedPixels {
  /** Upright RGB pixels after the fill, before encoding (Python's result.pixels). */
  rgb: Uint8Array;
  width: number;
  height: number;
  step: EraseStep;
}

/**
 * The pixels Python's `tools.erase.erase(data, mask_png, options, keep_pixels=True)` returns: decode
 * the photo and the mask image, erase. (No encode: the agreement test compares these bytes.)
 */
export async function eraseFilePixels(data: Uint8Array, maskImage: Uint8Array, options: EraseOptions, hooks: FillHooks = {}): Promise<ErasedPixels> {
  const photo = await openForErase(data);
  const { width, height } = photo.raster;
  const maskPhoto = await openForErase(maskImage);
  if (maskPhoto.raster.width !== width || maskPhoto.raster.height !== height) {
    throw new MaskError(
      `mask is ${maskPhoto.raster.width}×${maskPhoto.raster.height} but the image is ${width}×${height} (upright); draw the mask on the upright photo`,
    );
  }
  const image: Image = { data: photo.raster.data, width, height, channels: 4 };
  const step = erasePatch(image, { x: 0, y: 0, w: width, h: height, data: maskFromRgba(maskPhoto.raster) }, options, hooks);
  const [x0, y0, x1, y1] = step.patch.rect;
  const pw = x1 - x0;
  const rgba = photo.raster.data;
  for (let y = y0; y < y1; y++) rgba.set(step.patch.data.subarray((y - y0) * pw * 4, (y - y0 + 1) * pw * 4), (y * width + x0) * 4);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    rgb[i * 3] = rgba[i * 4]!;
    rgb[i * 3 + 1] = rgba[i * 4 + 1]!;
    rgb[i * 3 + 2] = rgba[i * 4 + 2]!;
  }
  return { rgb, width, height, step };
}

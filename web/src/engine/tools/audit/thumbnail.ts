/**
 * The optional thumbnail check: does the EXIF thumbnail still show another picture than the photo (a
 * crop or an edit the thumbnail did not follow)? It decodes, so it is off the audit's fast path: the
 * web app runs it when "Also compare each photo with its thumbnail" is on (mirrors
 * src/privpix/tools/audit/thumbnail.py, `privpix audit --thumbnails`). The main image is decoded fitted
 * within COMPARE_SIZE × 8 pixels (a JPEG at a reduced DCT scale where it is large), the thumbnail in
 * full (it is ~160×120); both are compared small and grey (docs/audit.md, "The thumbnail check").
 */

import * as exifMod from '../../formats/exif';
import { FormatError, UnsupportedError } from '../../formats/errors';
import { decodeUpright } from '../../imaging/decode';
import { openPhoto } from '../../imaging/photo';
import { type Raster, orient } from '../../imaging/raster';
import type { PhotoAudit } from './types';

/** Both pictures are compared at this many pixels a side. */
export const COMPARE_SIZE = 24;
/**
 * Mean absolute difference (0..1, after levelling contrast) above which the thumbnail differs; the
 * corpus's untouched camera files stay below 0.06 (bench/audit_thumbnails.py prints the scores).
 */
export const DIFFERS_ABOVE = 0.12;
/** Shapes whose width/height ratios differ by more than this (log ratio) are different framings. */
export const ASPECT_TOLERANCE = 0.06;
/** When the shapes differ, bars this dark around a thumbnail are padding (cameras letterbox 3:2 photos into 160×120). */
const BLACK = 8;
/** The reason a differing thumbnail adds (the same words as the command line's). */
export const DIFFERS_REASON = 'EXIF thumbnail differs from the picture: it may show what was cropped or edited out';

/** The IFD1 JPEG thumbnail of a TIFF-structured EXIF block, if any. */
export function embeddedThumbnail(exifBlock: Uint8Array | null): Uint8Array | null {
  if (!exifBlock?.length) return null;
  let span: [number, number] | null;
  try {
    span = exifMod.parse(exifBlock, 'EXIF').thumbnail();
  } catch (err) {
    if (err instanceof FormatError) return null;
    throw err;
  }
  if (span === null || span[0] + span[1] > exifBlock.length) return null;
  return exifBlock.subarray(span[0], span[0] + span[1]);
}

/** A grey picture: one byte a pixel, as Pillow's "L" (ITU-R 601-2 luma). */
interface Grey {
  data: Uint8Array;
  width: number;
  height: number;
}

function grey(r: Raster): Grey {
  const out = new Uint8Array(r.width * r.height);
  const d = r.data;
  for (let i = 0, p = 0; i < out.length; i++, p += 4) out[i] = (d[p]! * 19595 + d[p + 1]! * 38470 + d[p + 2]! * 7471 + 0x8000) >>> 16;
  return { data: out, width: r.width, height: r.height };
}

/** |log| of the ratio of two pictures' width/height ratios (0: the same shape). */
function aspectGap(a: Grey, b: Grey): number {
  return Math.abs(Math.log(a.width / a.height / (b.width / b.height)));
}

/** The part inside the bars darker than BLACK around it (Pillow's getbbox of the thresholded picture); null when all dark. */
function withoutBars(g: Grey): Grey | null {
  let left = g.width, top = g.height, right = -1, bottom = -1;
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      if (g.data[y * g.width + x]! > BLACK) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) return null;
  const width = right - left + 1;
  const height = bottom - top + 1;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) data.set(g.data.subarray((top + y) * g.width + left, (top + y) * g.width + left + width), y * width);
  return { data, width, height };
}

/** Area-average weights of one axis: what each source pixel contributes to each of `size` outputs (Pillow's BOX filter). */
function boxWeights(from: number, size: number): { first: number; weights: number[] }[] {
  const scale = from / size;
  const out = [];
  for (let i = 0; i < size; i++) {
    const start = i * scale;
    const end = start + scale;
    const first = Math.floor(start);
    const weights = [];
    for (let s = first; s < end && s < from; s++) weights.push((Math.min(end, s + 1) - Math.max(start, s)) / scale);
    out.push({ first, weights });
  }
  return out;
}

/** `g` averaged down to COMPARE_SIZE × COMPARE_SIZE, as floats. */
function boxResize(g: Grey): Float64Array {
  const n = COMPARE_SIZE;
  const cols = boxWeights(g.width, n);
  const rows = boxWeights(g.height, n);
  const across = new Float64Array(n * g.height);
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < n; x++) {
      const { first, weights } = cols[x]!;
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k]! * g.data[y * g.width + first + k]!;
      across[y * n + x] = sum;
    }
  }
  const out = new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    const { first, weights } = rows[y]!;
    for (let x = 0; x < n; x++) {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k]! * across[(first + k) * n + x]!;
      out[y * n + x] = sum;
    }
  }
  return out;
}

/** Rounded to bytes, then darkest to 0 and lightest to 255 (Pillow's ImageOps.autocontrast). */
function levelled(values: Float64Array): Uint8Array {
  const bytes = Uint8Array.from(values, (v) => Math.min(255, Math.max(0, Math.round(v))));
  let lo = 255, hi = 0;
  for (const v of bytes) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi <= lo) return bytes;
  const scale = 255 / (hi - lo);
  return bytes.map((v) => Math.min(255, Math.max(0, Math.trunc(v * scale - lo * scale))));
}

/**
 * How different the EXIF thumbnail is from the picture (0: the same, 1: another framing), or null when
 * there is no thumbnail or either cannot be decoded. Nothing is decoded unless the file has an EXIF
 * thumbnail.
 */
export async function thumbnailDifference(data: Uint8Array): Promise<number | null> {
  let main: Grey;
  let thumb: Grey;
  try {
    const photo = openPhoto(data);
    const thumbBytes = embeddedThumbnail(photo.exif);
    if (thumbBytes === null) return null;
    const picture = await decodeUpright(photo, 'srgb', COMPARE_SIZE * 8);
    const small = await decodeUpright(thumbBytes, 'srgb', null);
    main = grey(picture.raster);
    // the thumbnail is stored as the picture is, before the photo's orientation
    thumb = grey(orient(small.raster, picture.orientation));
  } catch (err) {
    if (err instanceof FormatError || err instanceof UnsupportedError) return null;
    throw err;
  }
  if (aspectGap(thumb, main) > ASPECT_TOLERANCE) {
    const inside = withoutBars(thumb); // letterboxed?
    if (inside === null) return null;
    thumb = inside;
    if (aspectGap(thumb, main) > ASPECT_TOLERANCE) return 1;
  }
  const a = levelled(boxResize(main));
  const b = levelled(boxResize(thumb));
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length / 255;
}

/**
 * The check on one audited photo (`data`: the whole file): marks its EXIF thumbnail `differs`, and a
 * differing one adds DIFFERS_REASON after the GPS reason and makes the photo at least medium risk.
 */
export async function checkThumbnail(data: Uint8Array, photo: PhotoAudit): Promise<void> {
  const thumbs = photo.hidden.filter((h) => h.key === 'exif_thumbnail');
  if (!thumbs.length) return;
  const difference = await thumbnailDifference(data);
  if (difference === null) return;
  const differs = difference > DIFFERS_ABOVE;
  for (const h of thumbs) h.differs = differs;
  if (!differs) return;
  const high = photo.reasons.filter((r) => r.startsWith('GPS position: ')).length;
  photo.reasons.splice(high, 0, DIFFERS_REASON);
  if (photo.risk === 'low' || photo.risk === 'none') photo.risk = 'medium';
}

/**
 * The photo pipeline: the steps every tool that writes a picture shares, written once (mirrors
 * src/privpix/tools/pipeline.py).
 *
 *   const photo = openPhoto(data);                              // sniff once, walk the container once
 *   const { raster, icc, warnings } = await decodeUpright(photo, colour, maxDimension);  // imaging/decode.ts
 *   ... the tool's own work on the pixels: fill, cut out ...
 *   const [iccOut, exif] = metadataToWrite(photo, fmt, icc, keepMetadata, warnings);
 *   const out = await encode(raster, fmt, { quality, icc: iccOut, exif });  // as often as a search needs
 *   return { ...written(photo, out, warnings), source_format: photo.format, width, height, ... };
 *
 * The browser scales natively while it reads the pixels back and orients the smaller image, so
 * `decodeUpright` is decode + fit + orient in one (Python's decode.decode returns upright pixels and
 * resize.fit follows). Nothing here decodes: a tool that only needs metadata (inspect, strip, audit)
 * uses `openPhoto` and `written` alone and loads no codec. Results: result.ts.
 */

import { ascii } from '../formats/binary';
import { removedFindings } from '../formats/findings';
import { containerFor } from '../formats/sniff';
import { reencodedBlock } from '../imaging/metadata';
import type { Photo, SourceFormat } from '../imaging/photo';
import type { EncodeFormat } from '../options';
import type { Result } from './result';

export { openPhoto, type Photo } from '../imaging/photo';

const KEEP_FORMAT: Readonly<Record<SourceFormat, EncodeFormat>> = {
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  avif: 'avif',
  heic: 'jpeg',
  tiff: 'jpeg',
  gif: 'png',
  bmp: 'png',
};

/** What JPEG's marker segments can hold: an APP1 payload of 65,533 bytes ("Exif\0\0" + the block), and 255 APP2 segments of 65,519 profile bytes. */
const JPEG_MAX_EXIF = 0xffff - 2 - ascii('Exif\0\0').length;
const JPEG_MAX_ICC = 255 * (0xffff - 2 - 14);

/**
 * The output format of format=keep: JPEG, PNG, WebP and AVIF stay what they are; HEIC/HEIF and TIFF
 * become JPEG, or PNG when the picture has real transparency; GIF and BMP become PNG; an animation
 * (GIF, WebP, APNG) becomes an animated WebP.
 */
export function keepFormat(source: SourceFormat, transparent: boolean, animated = false): EncodeFormat {
  if (animated) return 'webp';
  if ((source === 'heic' || source === 'tiff') && transparent) return 'png';
  return KEEP_FORMAT[source];
}

/**
 * [ICC profile, EXIF block] for an output in `fmt` (Python's metadata_to_write): `icc` and, with
 * `keepMetadata`, the photo's EXIF re-encoded for upright pixels (no thumbnail, Orientation 1). What
 * cannot be carried is left out with a warning: an unreadable EXIF block, or one (or a profile)
 * larger than JPEG holds.
 */
export function metadataToWrite(
  photo: Pick<Photo, 'exif'>,
  fmt: EncodeFormat,
  icc: Uint8Array | null,
  keepMetadata: boolean,
  warnings: string[],
): [Uint8Array | null, Uint8Array | null] {
  let exif: Uint8Array | null = null;
  if (keepMetadata && photo.exif) {
    exif = reencodedBlock(photo.exif);
    if (exif === null) warnings.push("the source's EXIF block is unreadable; it was not copied");
  }
  if (fmt === 'jpeg' && exif !== null && exif.length > JPEG_MAX_EXIF) {
    warnings.push(`the EXIF block (${exif.length} bytes) does not fit in a JPEG APP1 segment; it was left out`);
    exif = null;
  }
  if (fmt === 'jpeg' && icc !== null && icc.length > JPEG_MAX_ICC) {
    warnings.push(`the ICC profile (${icc.length} bytes) does not fit in 255 JPEG APP2 segments; it was left out`);
    icc = null;
  }
  return [icc, exif];
}

/**
 * Report on `out`, written from `photo` (Python's written): its format and what it keeps come from
 * inspecting the bytes themselves, so "removed" and "kept" say what the file holds. `photo` needs only
 * its bytes and inspection, plain data the browser's editor keeps between its steps.
 */
export function written(photo: Pick<Photo, 'data' | 'inspection'>, out: Uint8Array, warnings: string[]): Result {
  const after = containerFor(out).readMetadata(out);
  return {
    data: out,
    format: after.format,
    bytes_before: photo.data.length,
    bytes_after: out.length,
    removed: removedFindings(photo.inspection.findings, after.findings),
    kept: after.findings,
    warnings,
  };
}

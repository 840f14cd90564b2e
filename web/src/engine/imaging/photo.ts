/**
 * A photo opened once: its bytes, its container, and what the container says about it (mirrors
 * src/privpix/imaging/photo.py).
 *
 * Every tool starts here (`openPhoto`). The bytes are sniffed once and the container walked once
 * (which validates it, truncation included, before any codec sees it) to read what the file carries
 * (its findings: what a tool's report compares its output with); the photo's own EXIF block and ICC
 * profile come from the same walk when first asked for, and are kept. Decoding pixels is a separate,
 * later step (imaging/decode.ts), so a tool that only reads metadata never loads a codec: this module
 * imports the format layer and nothing else.
 *
 * BMP is the one input without a container walk (it carries no metadata to find or strip): compress,
 * convert, remove-bg and erase open it (`container` is null, the browser decodes it), strip and
 * inspect refuse it as they refuse any other non-container (`openPhoto(data, { bmp: false })`).
 */

import type { Bytes } from '../formats/binary';
import type { Inspection } from '../formats/findings';
import { type Container, containerFor } from '../formats/sniff';

export type SourceFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'heic' | 'avif' | 'tiff' | 'bmp';

/** The source formats privpix reads (as results name them) and their names in messages. */
export const FORMAT_NAMES: Readonly<Record<SourceFormat, string>> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
  heic: 'HEIC',
  avif: 'AVIF',
  tiff: 'TIFF',
  bmp: 'BMP',
};

/** A Windows bitmap: 'BM', then a file size and a DIB header of a known size. */
export function sniffBmp(data: Bytes): boolean {
  if (data.length < 26 || data[0] !== 0x42 || data[1] !== 0x4d) return false;
  const dib = data[14]! | (data[15]! << 8) | (data[16]! << 16) | (data[17]! << 24);
  return [12, 40, 52, 56, 64, 108, 124].includes(dib);
}

/** An opened photo (Python's Photo). `exif` and `icc` are read from the container's walk when first asked for. */
export class Photo {
  #exif: Bytes | null | undefined;
  #icc: Bytes | null | undefined;

  constructor(
    readonly data: Bytes,
    /** "heic" or "avif" for the HEIF family, from its brands. */
    readonly format: SourceFormat,
    /** null for BMP. */
    readonly container: Container | null,
    /** What the file carries (inspect); nothing for BMP. */
    readonly inspection: Inspection,
  ) {}

  /** The photo's own EXIF block (TIFF header onwards), as the container picks it; null when there is none. */
  get exif(): Bytes | null {
    if (this.#exif === undefined) this.#exif = this.container?.exifBlock(this.data) ?? null;
    return this.#exif;
  }

  /** The photo's own ICC profile as stored; null when there is none. (For BMP the decoder reads it.) */
  get icc(): Bytes | null {
    if (this.#icc === undefined) this.#icc = this.container?.iccProfile(this.data) ?? null;
    return this.#icc;
  }
}

/**
 * Sniff `data` and walk its container once, reading what it carries. FormatError when it is not an
 * image privpix reads or its structure is broken. `bmp: false`: refuse BMP like any file without a
 * container (strip, inspect).
 */
export function openPhoto(data: Bytes, { bmp = true }: { bmp?: boolean } = {}): Photo {
  if (bmp && sniffBmp(data)) return new Photo(data, 'bmp', null, { format: 'bmp', mime: 'image/bmp', width: null, height: null, findings: [], warnings: [], damaged: false });
  const container = containerFor(data);
  const inspection = container.readMetadata(data); // walks (and so validates) the whole structure
  return new Photo(data, inspection.format as SourceFormat, container, inspection);
}

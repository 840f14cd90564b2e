/** Which container a file is, decided by its first bytes, never by its name (mirrors sniff.py). */

import type { Bytes } from './binary';
import { FormatError } from './errors';
import type { Inspection } from './findings';
import * as gif from './gif';
import * as isobmff from './isobmff';
import * as jpeg from './jpeg';
import * as png from './png';
import * as tiff from './tiff';
import type { StripOptions } from './policy';
import * as webp from './webp';

/**
 * The contract every container module fulfils (mirrors container.py). Parsing happens once per bytes
 * object (memo.ts), so asking one container several questions about the same bytes walks them once.
 */
export interface Container {
  /** The container's name in reports ("jpeg", "png", "webp", "gif", "heic", "tiff"). */
  NAME: string;
  MIME: string;
  /** Whether `data` starts like a file of this container (cheap: a few bytes). */
  sniff(data: Bytes): boolean;
  /** Walk the whole container (memoised); FormatError naming the offset if it is malformed. */
  parse(data: Bytes): unknown;
  /** What the file carries, as findings (inspect). */
  readMetadata(data: Bytes): Inspection;
  /** The file with nothing but the picture and what `options` keep (docs/strip.md). */
  strip(data: Bytes, options: StripOptions): Bytes;
  /** The photo's own EXIF block (TIFF header onwards): the one viewers apply and keep-groups read. */
  exifBlock(data: Bytes): Bytes | null;
  /** The photo's own ICC profile, as stored (not neutralised). */
  iccProfile(data: Bytes): Bytes | null;
}

/** Order matters only for speed: the common formats first. */
export const CONTAINERS: readonly Container[] = [jpeg, png, webp, gif, isobmff, tiff];

export const SUPPORTED = 'JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF or TIFF';

function describeStart(data: Bytes): string {
  const head = data.subarray(0, 24);
  let printable = 0;
  for (const b of head) if ((b >= 32 && b < 127) || b === 9 || b === 10 || b === 13) printable += 1;
  if (head.length && printable === head.length) {
    const text = String.fromCharCode(...head).replaceAll('\n', ' ').replaceAll('\r', ' ').trim();
    return data.length > head.length ? `text "${text}…"` : `text "${text}"`;
  }
  return 'bytes ' + Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The container that reads `data`, or a FormatError saying why there is none. */
export function containerFor(data: Bytes): Container {
  if (!data.length) throw new FormatError('', -1, 'empty file (0 bytes)');
  for (const container of CONTAINERS) if (container.sniff(data)) return container;
  throw new FormatError('', -1, `not an image privpix can read (expected ${SUPPORTED})`, describeStart(data));
}

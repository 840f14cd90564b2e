/**
 * What every tool that writes a file returns (mirrors src/privpix/tools/result.py): the bytes and the
 * report, whose field names are the Python names so both engines' reports read alike.
 *
 * `Result` holds what every written file reports (its format, the sizes before and after, what was
 * removed and what is kept — both found by inspecting the bytes themselves — and warnings);
 * `PhotoResult` adds what a re-encoded picture reports (the source's format, the output's size in
 * pixels). A tool's result extends one of them (pipeline.ts `written` fills `Result`'s fields).
 */

import type { Bytes } from '../formats/binary';
import type { Finding } from '../formats/findings';
import type { SourceFormat } from '../imaging/photo';
import type { EncodeFormat } from '../options';

export interface Result {
  data: Bytes;
  format: string;
  bytes_before: number;
  bytes_after: number;
  removed: Finding[];
  kept: Finding[];
  warnings: string[];
}

/** A picture decoded and written again (compress, convert, erase, remove-bg). */
export interface PhotoResult extends Result {
  format: EncodeFormat;
  source_format: SourceFormat;
  /** Of the output, upright. */
  width: number;
  height: number;
}

/** The usual file-name ending of each format privpix writes. */
export const EXTENSIONS: Readonly<Record<EncodeFormat, string>> = { jpeg: '.jpg', png: '.png', webp: '.webp', avif: '.avif' };

/** Name endings that already say the output's format (kept as they are: IMG_1.JPG stays .JPG). */
const SUFFIXES: Readonly<Record<EncodeFormat, readonly string[]>> = { jpeg: ['.jpg', '.jpeg', '.jpe', '.jfif'], png: ['.png'], webp: ['.webp'], avif: ['.avif'] };

/** Python's output_suffix: the input's own ending when it already names `fmt`, else the format's usual one. */
export function outputSuffix(suffix: string, fmt: EncodeFormat): string {
  return SUFFIXES[fmt].includes(suffix.toLowerCase()) ? suffix : EXTENSIONS[fmt];
}

/**
 * Strip: remove metadata losslessly (no decode, no re-encode), mirrors tools/strip.py.
 *
 * The report is computed by inspecting the output as well as the input, so "removed" and "kept" say
 * what the written bytes really hold, not what the stripper meant to do. A damaged input (cut short
 * after its picture began) is stripped as far as it can be read; `damaged` says so.
 */

import type { Bytes } from '../formats/binary';
import { type StripOptions, defaultStripOptions } from '../options';
import { openPhoto, written } from './pipeline';
import type { Result } from './result';

export interface StripResult extends Result {
  /** The input was cut short: its picture is incomplete (a warning says where). */
  damaged: boolean;
}

export function strip(data: Bytes, options: StripOptions = defaultStripOptions()): StripResult {
  const photo = openPhoto(data, { bmp: false });
  const out = photo.container!.strip(data, options); // bmp: false, so every photo opened has a container
  return { ...written(photo, out, [...photo.inspection.warnings]), damaged: photo.inspection.damaged };
}

/**
 * Strip: remove metadata losslessly (no decode, no re-encode), mirrors tools/strip.py.
 *
 * The report is computed by inspecting the output as well as the input, so "removed" and "kept" say
 * what the written bytes really hold, not what the stripper meant to do. A damaged input (cut short
 * after its picture began) is stripped as far as it can be read; `damaged` says so.
 */

import type { Bytes } from '../formats/binary';
import { type Finding, removedFindings } from '../formats/findings';
import { containerFor } from '../formats/sniff';
import { type StripOptions, defaultStripOptions } from '../options';

export interface StripResult {
  data: Bytes;
  format: string;
  bytes_before: number;
  bytes_after: number;
  removed: Finding[];
  kept: Finding[];
  warnings: string[];
  /** The input was cut short: its picture is incomplete (a warning says where). */
  damaged: boolean;
}

export function strip(data: Bytes, options: StripOptions = defaultStripOptions()): StripResult {
  const container = containerFor(data);
  const before = container.readMetadata(data);
  const out = container.strip(data, options);
  const after = container.readMetadata(out);
  return {
    data: out,
    format: before.format,
    bytes_before: data.length,
    bytes_after: out.length,
    removed: removedFindings(before.findings, after.findings),
    kept: after.findings,
    warnings: before.warnings,
    damaged: before.damaged,
  };
}

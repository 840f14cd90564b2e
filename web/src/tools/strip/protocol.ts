/** What the strip worker answers. Types only; the main thread never imports the engine's code. */
import type { Finding, Inspection, StripOptions } from '../../engine/index';

export type { Finding, Inspection, StripOptions };

export interface StripReport {
  format: string;
  bytesBefore: number;
  bytesAfter: number;
  removed: Finding[];
  kept: Finding[];
  warnings: string[];
  /** Sizes for people, formatted by the engine (so the main thread loads none of its code). */
  sizes: { before: string; after: string; saved: string };
  /** The stripped file; its buffer is transferred, not copied. */
  data: Uint8Array;
}

export interface FileProblem {
  /** For people, one sentence (app/text/problems.ts). */
  message: string;
  /** The engine's own text ("JPEG: at byte 14404: truncated: …"), for "Details". */
  detail?: string;
  /** True for FormatError (the file), false for anything else (a bug in privpix). */
  isFormatError: boolean;
}

/** A small upright picture for the row, or null when the file cannot be shown. */
export type Thumbnail = ImageBitmap | null;

export type Analysis =
  | { ok: true; inspection: Inspection; report: StripReport; categories: [string, string][] }
  | { ok: false; problem: FileProblem };

export type Restrip = { ok: true; inspection?: undefined; report: StripReport } | { ok: false; problem: FileProblem };

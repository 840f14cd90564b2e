/**
 * What the encode worker (worker.ts) answers to the Compress and Convert screens. Types only: the main
 * thread never loads the engine's code.
 */
import type { FileProblem, JobOutcome, Original } from '../../app/batch/batch-queue.svelte';

export type { FileProblem, ProgressFn } from '../../app/batch/batch-queue.svelte';

export type EncodeTool = 'compress' | 'convert';
export type OutputFormat = 'jpeg' | 'webp' | 'avif' | 'png';

/** One metadata item the encode removed or kept (the engine's Finding, as much as the screen shows). */
export interface MetadataItem {
  category: string;
  label: string;
  value: string;
}

export interface EncodeReport {
  format: OutputFormat;
  width: number;
  height: number;
  /** The quality used (searched for, with a target size); null for lossless PNG. */
  quality: number | null;
  bytesBefore: number;
  bytesAfter: number;
  targetSize: number | null;
  targetMet: boolean | null;
  /** Frames in the result (1: a still picture). */
  frames: number;
  /** An animation of which only the first frame is in the result (the format cannot hold it, or it is too large). */
  firstFrameOnly: boolean;
  /** What the input was, by content (jpeg, png, webp, avif, heic, tiff, gif, bmp). */
  sourceFormat: string;
  warnings: string[];
  removed: MetadataItem[];
  /** Metadata carried over (with "keep metadata": the EXIF; always: the colour profile, if any). */
  kept: MetadataItem[];
  /** Milliseconds in the worker, reading the file included. */
  elapsed: number;
}

export type EncodeOutcome = JobOutcome<EncodeReport>;

/** Header facts read before an encode starts (to budget memory); null fields when unknown. */
export type Probe =
  | { ok: true; format: string; width: number | null; height: number | null }
  | { ok: false; problem: FileProblem };

export type Display = Original;

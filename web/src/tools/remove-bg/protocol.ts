/** What the remove-bg worker (worker.ts) answers to the screen. Types only. */
import type { FileProblem, JobOutcome } from '../../app/batch/batch-queue.svelte';

export type { FileProblem, ProgressFn } from '../../app/batch/batch-queue.svelte';

export type BgFormat = 'png' | 'webp';

export interface BgReport {
  format: BgFormat;
  output: 'cutout' | 'composite' | 'mask';
  width: number;
  height: number;
  sourceFormat: string;
  bytesBefore: number;
  bytesAfter: number;
  softPixels: number;
  /** Share of the picture kept (NaN for a composite). */
  foreground: number;
  warnings: string[];
  /** Milliseconds per stage, in the worker. */
  stages: { decode: number; prepare: number; infer: number; refine: number; encode: number };
  /** Including loading the model (first photo only). */
  elapsed: number;
  model: string;
  backend: 'webgpu' | 'wasm';
  threads: number;
  /** Made from the photo's kept cut-out: no decode, no model, no refinement (a new background or format). */
  reused: boolean;
  /** Runs of the model this job made (0 when `reused`). */
  inferences: number;
  /** For the photo on screen: what the page composes a new background with, at once (taken off by the store). */
  preview?: Preview;
}

/** The cut-out and the blurred background of a photo, for showing a new background before its file is made. */
export interface Preview {
  /** Full-size straight-alpha cut-out. */
  cutout: ImageBitmap;
  /** The blurred background, on the guide grid (the page scales it up). */
  blur: ImageBitmap;
}

/** What a file's header says before any work: readable (format) or not (why). */
export type Probe = { ok: true; format: string } | { ok: false; problem: FileProblem };

export type BgOutcome = JobOutcome<BgReport>;

export interface ModelState {
  name: string;
  stored: boolean;
}

export type DownloadProgressFn = (received: number, total: number) => void;

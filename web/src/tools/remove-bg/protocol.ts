/** What the remove-bg worker (worker.ts) answers to the screen. Types only. */
import type { JobOutcome } from '../../app/batch/batch-queue.svelte';

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
}

export type BgOutcome = JobOutcome<BgReport>;

export interface ModelState {
  name: string;
  stored: boolean;
}

export type DownloadProgressFn = (received: number, total: number) => void;

/** What the remove-background worker (worker.ts) answers to the screen. Types only. */

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

export interface FileProblem {
  message: string;
  isFileError: boolean;
}

export type BgOutcome =
  | { ok: true; report: BgReport; data: Uint8Array }
  | { ok: false; cancelled: boolean; problem: FileProblem };

export interface ModelState {
  name: string;
  stored: boolean;
}

export type ProgressFn = (fraction: number, stage: string) => void;
export type DownloadProgressFn = (received: number, total: number) => void;

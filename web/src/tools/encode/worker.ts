/**
 * The Compress and Convert worker: reads the file, runs the engine, hands the bytes back (transferred,
 * not copied). One job at a time per worker (the pool in app/worker-pool.ts sees to that); a job is
 * cancelled through `abort(job)`, which fires the AbortSignal the engine watches between its stages.
 * Progress goes back through a callback, at most every PROGRESS_MS.
 */
import * as Comlink from 'comlink';
import {
  FormatError,
  UnsupportedError,
  compress,
  convert,
  decodeForDisplay,
  inspect,
  type CompressOptions,
  type ConvertOptions,
} from '../../engine/index';
import { reportNetwork } from '../../app/worker-net';
import type { Display, EncodeOutcome, EncodeTool, FileProblem, Probe, ProgressFn, MetadataItem } from './protocol';

reportNetwork('encode worker');

const PROGRESS_MS = 80;
const jobs = new Map<number, AbortController>();

/** Errors that describe the file (broken, unsupported, over the pixel budget) rather than a fault here. */
const FILE_ERRORS = new Set(['FormatError', 'UnsupportedError', 'TooLargeError', 'LimitError', 'DecodeError', 'ImageTooLargeError']);

function problem(e: unknown): FileProblem {
  if (e instanceof FormatError || e instanceof UnsupportedError) return { message: e.message, isFileError: true };
  if (e instanceof Error) {
    if (FILE_ERRORS.has(e.name) || FILE_ERRORS.has(e.constructor.name)) return { message: e.message, isFileError: true };
    if (e instanceof RangeError && /memory|allocation/i.test(e.message)) {
      return { message: `Not enough memory for this image (${e.message}).`, isFileError: false };
    }
    return { message: e.message || e.name, isFileError: false };
  }
  return { message: String(e), isFileError: false };
}

function isAbort(e: unknown, signal: AbortSignal): boolean {
  return signal.aborted || ((e instanceof DOMException || e instanceof Error) && e.name === 'AbortError');
}

function throttled(progress: ProgressFn): ProgressFn {
  let last = 0;
  let lastStage = '';
  return (fraction, stage) => {
    const now = performance.now();
    if (stage === lastStage && now - last < PROGRESS_MS && fraction < 1) return;
    last = now;
    lastStage = stage;
    void progress(Math.max(0, Math.min(1, fraction)), stage);
  };
}

const api = {
  /** Format and stored dimensions from the file's header, to budget memory before decoding. */
  async probe(file: Blob): Promise<Probe> {
    try {
      const info = inspect(new Uint8Array(await file.arrayBuffer()));
      return { ok: true, format: info.format, width: info.width, height: info.height };
    } catch (e) {
      return { ok: false, problem: problem(e) };
    }
  },

  /** Compress or convert one file. `options` are the tool's options with sizes in bytes. */
  async encode(
    job: number,
    tool: EncodeTool,
    file: Blob,
    options: Record<string, unknown>,
    progress: ProgressFn,
  ): Promise<EncodeOutcome> {
    const controller = new AbortController();
    jobs.set(job, controller);
    const { signal } = controller;
    const started = performance.now();
    try {
      const data = new Uint8Array(await file.arrayBuffer());
      signal.throwIfAborted();
      const hooks = { progress: throttled(progress), signal };
      const r =
        tool === 'compress'
          ? await compress(data, options as unknown as CompressOptions, hooks)
          : await convert(data, options as unknown as ConvertOptions, hooks);
      signal.throwIfAborted();
      const brief = (f: { category: string; label: string; value: string }): MetadataItem => ({ category: f.category, label: f.label, value: f.value });
      const outcome: EncodeOutcome = {
        ok: true,
        data: r.data,
        report: {
          format: r.format,
          width: r.width,
          height: r.height,
          quality: r.quality,
          bytesBefore: r.bytes_before,
          bytesAfter: r.bytes_after,
          targetSize: r.target_size,
          targetMet: r.target_met,
          sourceFormat: r.source_format,
          warnings: r.warnings,
          removed: r.removed.map(brief),
          kept: r.kept.map(brief),
          elapsed: performance.now() - started,
        },
      };
      return Comlink.transfer(outcome, [r.data.buffer as ArrayBuffer]);
    } catch (e) {
      if (isAbort(e, signal)) return { ok: false, cancelled: true, problem: { message: 'Cancelled.', isFileError: false } };
      return { ok: false, cancelled: false, problem: problem(e) };
    } finally {
      jobs.delete(job);
    }
  },

  /** Stop a running encode at the engine's next check. */
  abort(job: number): void {
    jobs.get(job)?.abort();
  },

  /** The original, upright, as a bitmap the page can draw (HEIC and TIFF included). */
  async display(file: Blob): Promise<Display> {
    try {
      const bitmap = await decodeForDisplay(new Uint8Array(await file.arrayBuffer()));
      // The page draws it; the worker keeps nothing.
      return Comlink.transfer({ ok: true, bitmap }, [bitmap]);
    } catch (e) {
      return { ok: false, problem: problem(e) };
    }
  },
};

export type EncodeApi = typeof api;
Comlink.expose(api);

/**
 * The Compress and Convert worker: reads the file, runs the engine, hands the bytes back (transferred,
 * not copied). One job at a time per worker (the pool in app/workers/worker-pool.ts sees to that); a job is
 * cancelled through `abort(job)`, which fires the AbortSignal the engine watches between its stages.
 * Progress goes back through a callback, at most every PROGRESS_MS (app/batch/batch-worker.ts).
 */
import * as Comlink from 'comlink';
import { compress, convert, inspect, type CompressOptions, type ConvertOptions } from '../../engine/index';
import { reportNetwork } from '../../app/privacy/worker-net';
import { Jobs, displayOriginal, fileProblem, throttled } from '../../app/batch/batch-worker';
import type { Display, EncodeOutcome, EncodeTool, FileProblem, Probe, ProgressFn, MetadataItem } from './protocol';

reportNetwork('encode worker');

/** Errors that describe the file (broken, unsupported, over the pixel budget) rather than a fault here. */
const FILE_ERRORS = new Set(['FormatError', 'UnsupportedError', 'TooLargeError', 'LimitError', 'DecodeError', 'ImageTooLargeError']);

function problem(e: unknown): FileProblem {
  return fileProblem(e, (err) => FILE_ERRORS.has(err.name) || FILE_ERRORS.has(err.constructor.name));
}

const jobs = new Jobs(problem);

function isAbort(e: unknown, signal: AbortSignal): boolean {
  return signal.aborted || ((e instanceof DOMException || e instanceof Error) && e.name === 'AbortError');
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
  encode(
    job: number,
    tool: EncodeTool,
    file: Blob,
    options: Record<string, unknown>,
    progress: ProgressFn,
  ): Promise<EncodeOutcome> {
    const started = performance.now();
    return jobs.run(
      job,
      async (signal) => {
        const data = new Uint8Array(await file.arrayBuffer());
        signal.throwIfAborted();
        const hooks = { progress: throttled(progress), signal };
        const r =
          tool === 'compress'
            ? await compress(data, options as unknown as CompressOptions, hooks)
            : await convert(data, options as unknown as ConvertOptions, hooks);
        signal.throwIfAborted();
        const brief = (f: { category: string; label: string; value: string }): MetadataItem => ({ category: f.category, label: f.label, value: f.value });
        return {
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
            frames: r.frames,
            firstFrameOnly: r.first_frame_only,
            sourceFormat: r.source_format,
            warnings: r.warnings,
            removed: r.removed.map(brief),
            kept: r.kept.map(brief),
            elapsed: performance.now() - started,
          },
        };
      },
      isAbort,
    );
  },

  /** Stop a running encode at the engine's next check. */
  abort(job: number): void {
    jobs.abort(job);
  },

  /** The original, upright, as a bitmap the page can draw (HEIC and TIFF included). */
  display(file: Blob): Promise<Display> {
    return displayOriginal(file, problem);
  },
};

export type EncodeApi = typeof api;
Comlink.expose(api);

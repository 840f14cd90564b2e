/**
 * The worker side of the batch tools (Compress and Convert, Remove background; the page side is
 * batch-queue.svelte.ts): jobs the page cancels by number, progress at most every PROGRESS_MS, problems
 * described for people, and the original for the compare view. Imported by workers only: it loads the
 * engine.
 */
import * as Comlink from 'comlink';
import { FormatError, UnsupportedError, decodeForDisplay } from '../../engine/index';
import type { FileProblem, JobOutcome, Original, ProgressFn } from './batch-queue.svelte';
import { describeFault, describeFileError } from '../text/problems';

const PROGRESS_MS = 80;

/** The running jobs by number: `abort(job)` from the page fires the AbortSignal the engine watches. */
export class Jobs {
  private running = new Map<number, AbortController>();
  private readonly problem: (e: unknown) => FileProblem;

  /** `problem` describes what a failed job threw. */
  constructor(problem: (e: unknown) => FileProblem) {
    this.problem = problem;
  }

  start(job: number): AbortController {
    const controller = new AbortController();
    this.running.set(job, controller);
    return controller;
  }

  end(job: number): void {
    this.running.delete(job);
  }

  abort(job: number): void {
    this.running.get(job)?.abort();
  }

  /**
   * Run one job for the page: its report with the bytes (transferred, not copied, as are the objects
   * `transfers` names in the report), "Cancelled." when `cancelled` says it stopped because of Cancel,
   * else what went wrong.
   */
  async run<R>(
    job: number,
    work: (signal: AbortSignal) => Promise<{ report: R; data: Uint8Array }>,
    cancelled: (e: unknown, signal: AbortSignal) => boolean = (_e, signal) => signal.aborted,
    transfers: (report: R) => Transferable[] = () => [],
  ): Promise<JobOutcome<R>> {
    const { signal } = this.start(job);
    try {
      const { report, data } = await work(signal);
      return Comlink.transfer({ ok: true as const, report, data }, [data.buffer as ArrayBuffer, ...transfers(report)]);
    } catch (e) {
      if (cancelled(e, signal)) return { ok: false, cancelled: true, problem: { message: 'Cancelled.', isFileError: false } };
      return { ok: false, cancelled: false, problem: this.problem(e) };
    } finally {
      this.end(job);
    }
  }
}

/** Progress for the page: a new stage and the end always, otherwise at most every PROGRESS_MS. */
export function throttled(progress: ProgressFn): ProgressFn {
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

/**
 * An error for people (app/text/problems.ts): the engine's FormatError and UnsupportedError, and the
 * errors `isFileError` picks, describe the file (broken, unsupported, too large) rather than a fault here.
 */
export function fileProblem(e: unknown, isFileError: (e: Error) => boolean): FileProblem {
  if (e instanceof FormatError || e instanceof UnsupportedError || (e instanceof Error && isFileError(e))) {
    return { ...describeFileError(e), isFileError: true };
  }
  return { ...describeFault(e), isFileError: false };
}

/** The original, upright, as a bitmap the page can draw (HEIC and TIFF included). */
export async function displayOriginal(file: Blob, problem: (e: unknown) => FileProblem): Promise<Original> {
  try {
    const { bitmap, width, height } = await decodeForDisplay(new Uint8Array(await file.arrayBuffer()));
    // The page draws it; the worker keeps nothing.
    return Comlink.transfer({ ok: true as const, bitmap, width, height }, [bitmap]);
  } catch (e) {
    return { ok: false, problem: problem(e) };
  }
}

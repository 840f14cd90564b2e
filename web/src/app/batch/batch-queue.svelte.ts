/**
 * What the batch tools (Compress and Convert, Remove background) share: the list of files, each with its
 * own settings and result, the file on screen, and the bookkeeping of the jobs that make the results.
 *
 * - Each file keeps the settings it was (or will be) made with; files added later start from the last
 *   settings used. "Apply to all" gives every file the settings of the file on screen and runs again those
 *   that differ.
 * - Changing a setting stops the stale job of the file on screen at once and starts a new one after a
 *   short pause (typing "1600" does not start four jobs); that job goes to the front of the queue.
 * - Every job has a number, and a file's answer counts only while its job is still the file's job: the
 *   answer of a job that was replaced, cancelled or removed meanwhile is ignored.
 * - Results are Blobs behind object URLs, revoked when replaced or removed.
 * The tools say how a job runs (`start`), what its result is called and what Cancel does.
 */
import * as Comlink from 'comlink';
import { announcer } from '../shell/announce.svelte';
import { describeFault } from '../text/problems';
import { registerWork } from '../shell/work.svelte';
import { defaultValues, sameValues, type OptionValue, type OptionValues, type ToolSpec } from '../options/options';
import { isAbort, type RunOptions, type WorkerPool } from '../workers/worker-pool';

export type Status = 'waiting' | 'working' | 'done' | 'failed' | 'cancelled';

export interface FileProblem {
  /** For people, one sentence: what is wrong with the file, or what went wrong (app/text/problems.ts). */
  message: string;
  /** The technical text behind it, shown under "Details". */
  detail?: string;
  /** True when the file is the problem (not an image, broken, too large); false for a fault in privpix. */
  isFileError: boolean;
}

export interface BatchResult<R> {
  report: R;
  blob: Blob;
  url: string;
  /** Download name. */
  name: string;
  /** The settings it was made with. */
  values: OptionValues;
}

/** What a worker answers for one file (the bytes transferred, not copied). */
export type JobOutcome<R> = { ok: true; report: R; data: Uint8Array } | { ok: false; cancelled: boolean; problem: FileProblem };

/** A job's progress, 0..1, and the engine's stage ("decode"). */
export type ProgressFn = (fraction: number, stage: string) => void;

/** The original of a file, upright, for the compare view. */
/** `width` × `height`: the original's upright size (a picture over the pixel budget is shown reduced). */
export type Original = { ok: true; bitmap: ImageBitmap; width: number; height: number } | { ok: false; problem: FileProblem };

/** One run of a file's job: its number, what cancels it, and the settings it runs with. */
export interface Job {
  id: number;
  controller: AbortController;
  values: OptionValues;
}

/** The stage of a file whose settings are being changed: its job starts when the person pauses. */
export const WAITING_FOR_CHANGES = 'waiting for your changes';

/** A fault here rather than in the file, as a problem to show. */
export function faultProblem(e: unknown): FileProblem {
  return { ...describeFault(e), isFileError: false };
}

let nextItemId = 1;
let nextJobId = 1;

export class BatchItem<R> {
  readonly id = nextItemId++;
  readonly file: File;
  readonly name: string;
  values: OptionValues = $state({});
  status: Status = $state('waiting');
  /** 0..1 of the running job, from the worker's progress callback. */
  progress = $state(0);
  stage = $state('');
  result: BatchResult<R> | null = $state.raw(null);
  problem: FileProblem | null = $state.raw(null);
  /** The running (or queued) job; replaced when a new job starts, so stale answers are ignored. */
  job = 0;
  controller: AbortController | null = null;

  constructor(file: File, values: OptionValues) {
    this.file = file;
    this.name = file.name || 'image';
    this.values = values;
  }

  get active(): boolean {
    return this.status === 'waiting' || this.status === 'working';
  }
}

export interface BatchQueueOptions {
  spec: ToolSpec;
  /** How long after the last change of a setting the file on screen runs again. */
  debounceMs: number;
  /** Say "All done: …" when a batch of two or more files has finished. */
  announceBatch: boolean;
}

export abstract class BatchQueue<R, I extends BatchItem<R> = BatchItem<R>> {
  readonly spec: ToolSpec;
  items: I[] = $state([]);
  selectedId: number | null = $state(null);
  /** Settings for files added next: the last settings used. */
  defaults: OptionValues = $state({});

  protected debounce: ReturnType<typeof setTimeout> | undefined;
  /** Whether the end of the current batch was announced (or is not to be). */
  protected batchAnnounced = true;
  private readonly debounceMs: number;
  private readonly announceBatch: boolean;

  constructor(options: BatchQueueOptions) {
    this.spec = options.spec;
    this.defaults = defaultValues(options.spec);
    this.debounceMs = options.debounceMs;
    this.announceBatch = options.announceBatch;
    registerWork(options.spec.command, () => this.items.length);
  }

  /** A new file with these settings. */
  protected abstract newItem(file: File, values: OptionValues): I;
  /** Start (or queue) a job for the file: `newJob`, then `runJob`. */
  protected abstract start(item: I, urgent: boolean): void;
  /** The MIME type and download name of a result. */
  protected abstract output(item: I, report: R): { type: string; name: string };
  /** Tell the person a file is ready (and note whatever else the report says). */
  protected abstract succeeded(item: I, report: R): void;
  /** What "Apply to all" announces when `changed` files run again. */
  protected abstract againText(changed: number): string;

  /** Stop a file's job. */
  abstract cancel(item: I): void;
  abstract cancelAll(): void;
  /** The original of one file, upright, for the compare view. The caller owns (and closes) the bitmap. */
  abstract original(item: I): Promise<Original>;

  // ---- what the screen reads ----------------------------------------------------------------------

  get selected(): I | null {
    return this.items.find((i) => i.id === this.selectedId) ?? null;
  }

  /** The settings the options panel shows and edits. */
  get values(): OptionValues {
    return this.selected?.values ?? this.defaults;
  }

  get done(): I[] {
    return this.items.filter((i) => i.status === 'done' && i.result);
  }

  get counts(): { total: number; done: number; failed: number; cancelled: number; active: number; working: number } {
    const c = { total: this.items.length, done: 0, failed: 0, cancelled: 0, active: 0, working: 0 };
    for (const i of this.items) {
      if (i.status === 'done') c.done++;
      else if (i.status === 'failed') c.failed++;
      else if (i.status === 'cancelled') c.cancelled++;
      else c.active++;
      if (i.status === 'working') c.working++;
    }
    return c;
  }

  /** Overall progress, 0..1: finished files count whole, running ones by their progress. */
  get overall(): number {
    if (!this.items.length) return 0;
    let sum = 0;
    for (const i of this.items) sum += i.active ? (i.status === 'working' ? i.progress : 0) : 1;
    return sum / this.items.length;
  }

  /** Whether every file has the same settings as the one on screen. */
  get allSame(): boolean {
    const ref = this.values;
    return this.items.every((i) => sameValues(this.spec, i.values, ref));
  }

  /** Whether "Try again" is offered for the file. */
  canRetry(item: I): boolean {
    return item.status === 'failed' || item.status === 'cancelled';
  }

  // ---- what the person does -----------------------------------------------------------------------

  /** Add files to the list; the first of them goes on screen (a person who adds a photo wants to see it). */
  add(files: File[]): I[] {
    const added = files.map((f) => this.newItem(f, structuredClone($state.snapshot(this.values)) as OptionValues));
    this.items.push(...added);
    if (added[0]) this.selectedId = added[0].id;
    // Items added to a $state array are read back through it (class instances are not proxied).
    for (const item of added) this.start(item, false);
    return added;
  }

  select(item: I): void {
    this.selectedId = item.id;
  }

  setOption(name: string, value: OptionValue): void {
    this.setOptions([[name, value]]);
  }

  resetOptions(): void {
    this.defaults = defaultValues(this.spec);
    const item = this.selected;
    if (!item) return;
    item.values = defaultValues(this.spec);
    this.restartSoon(item);
  }

  /** Give every file the settings of the file on screen; run again those whose settings differ. */
  applyToAll(): number {
    const ref = $state.snapshot(this.values) as OptionValues;
    let changed = 0;
    for (const item of this.items) {
      if (sameValues(this.spec, item.values, ref) && item.status !== 'failed' && item.status !== 'cancelled') continue;
      item.values = structuredClone(ref);
      if (item !== this.selected || !item.active) this.start(item, false);
      changed++;
    }
    if (changed) announcer.say(this.againText(changed));
    return changed;
  }

  retry(item: I): void {
    this.start(item, item === this.selected);
  }

  remove(item: I): void {
    if (item.active) this.abandon(item);
    if (item.result) URL.revokeObjectURL(item.result.url);
    const index = this.items.indexOf(item);
    this.items = this.items.filter((i) => i !== item);
    if (this.selectedId === item.id) {
      const next = this.items[Math.min(index, this.items.length - 1)];
      this.selectedId = next ? next.id : null;
    }
  }

  clear(): void {
    clearTimeout(this.debounce);
    for (const item of this.items) {
      this.abandon(item);
      if (item.result) URL.revokeObjectURL(item.result.url);
    }
    this.items = [];
    this.selectedId = null;
    this.batchAnnounced = true;
  }

  // ---- the queue ----------------------------------------------------------------------------------

  /** Set options of the file on screen (and of the files added next); it runs again after a pause. */
  protected setOptions(pairs: [string, OptionValue][]): void {
    for (const [name, value] of pairs) this.defaults[name] = value;
    const item = this.selected;
    if (!item) return;
    for (const [name, value] of pairs) item.values[name] = value;
    this.restartSoon(item);
  }

  protected restartSoon(item: I): void {
    // The running job is stale now: stop it at once, start the new one when the person pauses.
    this.abandon(item);
    item.status = 'waiting';
    item.stage = WAITING_FOR_CHANGES;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      if (this.items.includes(item)) this.start(item, true);
    }, this.debounceMs);
  }

  /** Stop a file's job, queued or running: it is no longer the file's job, so its answer is ignored. */
  protected abandon(item: I): void {
    item.controller?.abort();
    item.controller = null;
    item.job = nextJobId++;
    item.progress = 0;
    item.stage = '';
  }

  /** A new job for the file, replacing the one it had: the file waits for it with no problem shown. */
  protected newJob(item: I): Job {
    item.controller?.abort();
    const controller = new AbortController();
    const id = nextJobId++;
    item.controller = controller;
    item.job = id;
    item.status = 'waiting';
    item.progress = 0;
    item.stage = '';
    item.problem = null;
    this.batchAnnounced = false;
    return { id, controller, values: $state.snapshot(item.values) as OptionValues };
  }

  /** Queue the job on the pool; its outcome (or why it failed) goes to `finish`. */
  protected runJob<T>(
    pool: WorkerPool<T>,
    item: I,
    job: Job,
    task: (remote: Comlink.Remote<T>, signal: AbortSignal) => Promise<JobOutcome<R>>,
    options: Omit<RunOptions<JobOutcome<R>>, 'signal' | 'onstart'>,
  ): void {
    pool
      .run<JobOutcome<R>>(task, {
        ...options,
        signal: job.controller.signal,
        onstart: () => {
          if (item.job === job.id) item.status = 'working';
        },
      })
      .then(
        (outcome) => this.finish(item, job, outcome),
        (error: unknown) => this.finish(item, job, { ok: false, cancelled: isAbort(error), problem: faultProblem(error) }),
      );
  }

  /**
   * The worker's part of a job: Cancel reaches the worker as `abort(job)`, and the worker's progress
   * shows on the file while the job is still its own.
   */
  protected async work(
    remote: { abort(job: number): Promise<unknown> },
    signal: AbortSignal,
    item: I,
    job: Job,
    call: (progress: ProgressFn & Comlink.ProxyMarked) => Promise<JobOutcome<R>>,
  ): Promise<JobOutcome<R>> {
    const mine = (): boolean => item.job === job.id;
    const onabort = (): void => void remote.abort(job.id).catch(() => undefined);
    signal.addEventListener('abort', onabort, { once: true });
    try {
      if (mine()) item.stage = 'starting';
      const progress = Comlink.proxy((fraction: number, stage: string) => {
        if (!mine() || !item.active) return;
        item.progress = fraction;
        item.stage = stage;
      });
      return await call(progress);
    } finally {
      signal.removeEventListener('abort', onabort);
    }
  }

  protected finish(item: I, job: Job, outcome: JobOutcome<R>): void {
    if (item.job !== job.id || !this.items.includes(item)) return; // replaced, cancelled or removed meanwhile
    item.controller = null;
    item.stage = '';
    if (outcome.ok) {
      const { report, data } = outcome;
      const { type, name } = this.output(item, report);
      const blob = new Blob([data as Uint8Array<ArrayBuffer>], { type });
      if (item.result) URL.revokeObjectURL(item.result.url);
      item.result = { report, blob, url: URL.createObjectURL(blob), name, values: job.values };
      item.problem = null;
      item.status = 'done';
      item.progress = 1;
      this.succeeded(item, report);
    } else if (outcome.cancelled) {
      item.status = 'cancelled';
      item.progress = 0;
    } else {
      item.problem = outcome.problem;
      item.status = 'failed';
      item.progress = 0;
      announcer.say(`${item.name} failed: ${outcome.problem.message}`);
    }
    this.maybeBatchDone();
  }

  protected maybeBatchDone(): void {
    if (!this.announceBatch || this.batchAnnounced || this.items.length < 2 || this.items.some((i) => i.active)) return;
    this.batchAnnounced = true;
    const c = this.counts;
    const parts = [`${c.done} of ${c.total} files ready`];
    if (c.failed) parts.push(`${c.failed} failed`);
    if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
    announcer.say(`All done: ${parts.join(', ')}.`);
  }
}

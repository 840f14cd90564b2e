/**
 * Heavy jobs on a pool of Web Workers, one job per worker at a time.
 *
 * - Capacity: at most `capacity` weight units run at once (a job weighs 1 unless it says otherwise; a job
 *   that is itself multi-threaded, like an AVIF encode, can weigh the whole pool). Jobs start in order;
 *   an urgent one (the file on screen, just re-configured) goes to the front.
 * - Cancel: every job has an AbortSignal. A waiting job leaves the queue at once. A running job is asked
 *   to stop (the task forwards the abort to its worker); if it has not stopped within `graceMs` (the
 *   worker is busy inside a codec and cannot even read the message), its worker is terminated. Either
 *   way the job rejects with an AbortError and its capacity is free again.
 * - Memory: workers are created on demand, terminated after `idleMs` without work, and after any job
 *   the caller marks for recycling (a WebAssembly heap never shrinks: a worker that decoded a 50 MP
 *   photo holds that memory until it goes).
 * - Crashes: a worker that dies fails its job with a message; the next job gets a fresh one.
 */
import * as Comlink from 'comlink';
import { network } from '../privacy/network.svelte';

export function abortError(): DOMException {
  return new DOMException('Cancelled.', 'AbortError');
}

export function isAbort(e: unknown): boolean {
  return (e instanceof DOMException || e instanceof Error) && e.name === 'AbortError';
}

interface Slot<T> {
  worker: Worker;
  remote: Comlink.Remote<T>;
  alive: boolean;
  /** Called when the worker dies while running a job. */
  ondeath: ((error: Error) => void) | null;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

export interface RunOptions<R> {
  signal: AbortSignal;
  /** Capacity units the job takes (default 1; more than the capacity means "run alone"). */
  weight?: number;
  /** Put the job at the front of the queue. */
  urgent?: boolean;
  /** Called when the job leaves the queue and starts on a worker. */
  onstart?: () => void;
  /** Terminate the worker after this job (true: it holds a lot of memory now). */
  recycle?: (result: R) => boolean;
  /** How long a running job may take to stop after its signal aborts before its worker is terminated. */
  graceMs?: number;
}

interface Waiting {
  weight: number;
  signal: AbortSignal;
  start: () => void;
}

export class WorkerPool<T> {
  private used = 0;
  private idle: Slot<T>[] = [];
  private live = new Set<Slot<T>>();
  private queue: Waiting[] = [];

  constructor(
    private readonly create: () => Worker,
    private readonly who: string,
    readonly capacity: number,
    private readonly idleMs = 30_000,
  ) {}

  /** Jobs waiting for a worker. */
  get waiting(): number {
    return this.queue.length;
  }

  run<R>(task: (remote: Comlink.Remote<T>, signal: AbortSignal) => Promise<R>, opts: RunOptions<R>): Promise<R> {
    const { signal } = opts;
    return new Promise<R>((resolve, reject) => {
      if (signal.aborted) {
        reject(abortError());
        return;
      }
      const weight = Math.max(1, Math.min(opts.weight ?? 1, this.capacity));
      const leave = (): void => {
        this.queue = this.queue.filter((w) => w !== entry);
        reject(abortError());
        this.pump();
      };
      const entry: Waiting = {
        weight,
        signal,
        start: () => {
          signal.removeEventListener('abort', leave);
          this.execute(task, opts, weight, resolve, reject);
        },
      };
      signal.addEventListener('abort', leave, { once: true });
      if (opts.urgent) this.queue.unshift(entry);
      else this.queue.push(entry);
      this.pump();
    });
  }

  /** Stop every worker (the jobs on them must have been cancelled by their signals). */
  terminateAll(): void {
    for (const slot of [...this.live]) this.kill(slot);
  }

  private pump(): void {
    while (this.queue.length) {
      const head = this.queue[0]!;
      if (this.used > 0 && this.used + head.weight > this.capacity) return;
      this.queue.shift();
      this.used += head.weight;
      head.start();
    }
  }

  private execute<R>(
    task: (remote: Comlink.Remote<T>, signal: AbortSignal) => Promise<R>,
    opts: RunOptions<R>,
    weight: number,
    resolve: (value: R) => void,
    reject: (reason: unknown) => void,
  ): void {
    const { signal } = opts;
    const slot = this.take();
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (outcome: { ok: true; value: R } | { ok: false; error: unknown }, keep: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onabort);
      slot.ondeath = null;
      this.used -= weight;
      if (keep && slot.alive) this.release(slot);
      else this.kill(slot);
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
      this.pump();
    };
    const onabort = (): void => {
      timer = setTimeout(() => finish({ ok: false, error: abortError() }, false), opts.graceMs ?? 400);
    };
    signal.addEventListener('abort', onabort, { once: true });
    slot.ondeath = (error) => finish({ ok: false, error: signal.aborted ? abortError() : error }, false);
    opts.onstart?.();
    let pending: Promise<R>;
    try {
      pending = task(slot.remote, signal);
    } catch (e) {
      pending = Promise.reject(e);
    }
    pending.then(
      (value) => finish(signal.aborted ? { ok: false, error: abortError() } : { ok: true, value }, !(opts.recycle?.(value) ?? false)),
      (error: unknown) => finish({ ok: false, error: signal.aborted ? abortError() : error }, true),
    );
  }

  private take(): Slot<T> {
    const slot = this.idle.pop();
    if (slot) {
      clearTimeout(slot.idleTimer);
      return slot;
    }
    return this.spawn();
  }

  private release(slot: Slot<T>): void {
    this.idle.push(slot);
    slot.idleTimer = setTimeout(() => this.kill(slot), this.idleMs);
  }

  private kill(slot: Slot<T>): void {
    clearTimeout(slot.idleTimer);
    slot.alive = false;
    slot.worker.terminate();
    slot.remote[Comlink.releaseProxy]?.();
    this.idle = this.idle.filter((s) => s !== slot);
    this.live.delete(slot);
  }

  private spawn(): Slot<T> {
    const worker = this.create();
    network.trackWorker(worker, this.who);
    const slot: Slot<T> = { worker, remote: Comlink.wrap<T>(worker), alive: true, ondeath: null, idleTimer: undefined };
    const fail = (event: Event): void => {
      if (!slot.alive) return;
      const detail = event instanceof ErrorEvent && event.message ? `: ${event.message}` : '';
      const ondeath = slot.ondeath;
      this.kill(slot);
      ondeath?.(new Error(`The ${this.who} stopped${detail}.`));
    };
    worker.addEventListener('error', fail);
    worker.addEventListener('messageerror', fail);
    this.live.add(slot);
    return slot;
  }
}

/**
 * A budget shared by running jobs (e.g. pixels being decoded at once). A job asks for its amount and
 * waits until it fits; one that is larger than the whole budget runs when nothing else holds any.
 */
export class Budget {
  private used = 0;
  private queue: { amount: number; grant: () => void }[] = [];

  constructor(readonly limit: number) {}

  /** Resolves with a function that gives the amount back; rejects with an AbortError if cancelled first. */
  acquire(amount: number, signal: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(abortError());
        return;
      }
      const entry = {
        amount,
        grant: () => {
          signal.removeEventListener('abort', leave);
          this.used += amount;
          let given = false;
          resolve(() => {
            if (given) return;
            given = true;
            this.used -= amount;
            this.pump();
          });
        },
      };
      const leave = (): void => {
        this.queue = this.queue.filter((e) => e !== entry);
        reject(abortError());
        this.pump();
      };
      signal.addEventListener('abort', leave, { once: true });
      this.queue.push(entry);
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      const head = this.queue[0]!;
      if (this.used > 0 && this.used + head.amount > this.limit) return;
      this.queue.shift();
      head.grant();
    }
  }
}

/** Encodes to run at once: one per core, leaving one for the page (at least one). */
export function defaultConcurrency(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  return Math.max(1, cores - 1);
}

/**
 * A Comlink-wrapped Web Worker created on first use, with its network reports forwarded to the privacy
 * panel. If the worker dies (fails to load, crashes), the next call starts a fresh one.
 */
import * as Comlink from 'comlink';
import { network } from '../privacy/network.svelte';

export interface LazyWorker<T> {
  get(): Comlink.Remote<T>;
  /** Rejects when the current worker fails; lets callers stop waiting for answers that will not come. */
  failure(): Promise<never>;
  terminate(): void;
}

export function lazyWorker<T>(create: () => Worker, who: string): LazyWorker<T> {
  let worker: Worker | null = null;
  let remote: Comlink.Remote<T> | null = null;
  let failed: Promise<never> | null = null;

  const start = (): void => {
    const w = create();
    network.trackWorker(w, who);
    failed = new Promise<never>((_, reject) => {
      const fail = (event: Event): void => {
        if (worker === w) {
          worker = null;
          remote = null;
        }
        w.terminate();
        reject(new Error(`The ${who} stopped${event instanceof ErrorEvent && event.message ? `: ${event.message}` : ''}.`));
      };
      w.addEventListener('error', fail);
      w.addEventListener('messageerror', fail);
    });
    failed.catch(() => undefined);
    worker = w;
    remote = Comlink.wrap<T>(w);
  };

  return {
    get() {
      if (!remote) start();
      return remote!;
    },
    failure() {
      if (!failed) start();
      return failed!;
    },
    terminate() {
      worker?.terminate();
      worker = null;
      remote = null;
      failed = null;
    },
  };
}

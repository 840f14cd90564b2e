// Browser only: how many Web Workers the fill uses.
/**
 * The runner the erase worker uses: itself plus helper workers (parallel.ts), started once and kept
 * for the next erase. Two threads on the 2-core devices privpix targets, up to 4 on larger ones; one
 * where SharedArrayBuffer is missing (no cross-origin isolation).
 */
import { LocalRunner, type Runner } from './kernels';
import { ParallelRunner } from './parallel';

export function eraseThreads(): number {
  if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated) return 1;
  const cores = globalThis.navigator?.hardwareConcurrency || 2;
  return Math.max(1, Math.min(4, cores));
}

const runners = new Map<number, Promise<Runner>>();

/** A runner with `threads` threads (default eraseThreads()); must be called from a worker. */
export function eraseRunner(threads = eraseThreads()): Promise<Runner> {
  const n = threads > 1 && typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated ? threads : 1;
  let r = runners.get(n);
  if (!r) {
    r =
      n === 1
        ? Promise.resolve(new LocalRunner())
        : ParallelRunner.start(n, () => new Worker(new URL('./kernel.worker.ts', import.meta.url), { type: 'module', name: 'privpix-erase-helper' })).catch(
            (e: unknown) => {
              console.warn('erase: helper workers unavailable, filling on one thread', e);
              return new LocalRunner();
            },
          );
    runners.set(n, r);
  }
  return r;
}

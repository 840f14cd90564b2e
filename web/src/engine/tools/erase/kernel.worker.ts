/// <reference lib="webworker" />
// Browser only: a helper Web Worker of parallel.ts.
/**
 * A helper thread of the erase fill (see parallel.ts): for each level it gets the level's shared
 * arrays, then takes blocks of every kernel the dispatcher publishes until the level is over, and
 * goes back to its message queue for the next one.
 */
import type { KernelState } from './kernels';
import { GEN, LEVEL, work, type LevelMessage, type StartMessage } from './parallel';

declare const self: DedicatedWorkerGlobalScope;

let ctrl: Int32Array | null = null;

function serve(level: number, S: KernelState): void {
  const c = ctrl!;
  let seen = -1;
  for (;;) {
    const gen = Atomics.load(c, GEN);
    if (Atomics.load(c, LEVEL) !== level) return;
    if (gen !== seen) {
      seen = gen;
      work(c, S, gen, true);
    }
    Atomics.wait(c, GEN, gen);
  }
}

self.onmessage = (e: MessageEvent<StartMessage | LevelMessage>) => {
  const m = e.data;
  if (m.type === 'start') {
    ctrl = m.control;
    self.postMessage({ type: 'ready' });
    return;
  }
  if (m.type === 'level' && ctrl && Atomics.load(ctrl, LEVEL) === m.level) serve(m.level, m.S);
};

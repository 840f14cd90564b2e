// Browser only: the fill on several Web Workers (Python runs it vectorised in one process).
/**
 * Run the fill's kernels on several threads (docs/erase.md, "Random numbers"): this worker (the dispatcher) and `threads - 1`
 * helper workers (kernel.worker.ts) share each level's arrays on SharedArrayBuffers and split every
 * kernel's index range into blocks that whoever is free takes next. Kernels write only their own
 * indices' outputs, so the bytes do not depend on who ran which block.
 *
 * Synchronisation is a small Int32 control block and Atomics (no message per kernel): the dispatcher
 * publishes a kernel (op, arguments, count), bumps GEN and wakes the helpers; everyone claims blocks
 * with compare-and-swap on NEXT, which carries the generation's tag in its high 16 bits so a helper that
 * woke late can never claim a block of a later kernel with an earlier kernel's arguments; the dispatcher
 * waits until COMPLETED reaches the count, then closes NEXT. A new level's arrays reach the helpers by
 * message; LEVEL tells a helper which level the current generation belongs to.
 *
 * The dispatcher blocks in Atomics.wait, so it must itself be a worker (never the page).
 */
import { runKernel, type KernelState, type Runner } from './kernels';

// Control block slots.
export const GEN = 0;
export const LEVEL = 1;
export const NEXT = 2;
export const COMPLETED = 3;
export const OP = 4;
export const SEL = 5;
export const ARG_A = 6;
export const ARG_B = 7;
export const COUNT = 8;
export const BLOCK = 9;
export const NBLOCKS = 10;
export const ERROR = 11;
/** Indices run by helpers (statistics). */
export const HELPED = 12;
export const CONTROL_SLOTS = 16;

const CLOSED = 0xffff;
const MAX_BLOCKS = 0xfffe;
const MIN_BLOCK = 64;

/** What a helper receives for a level: the arrays (on SharedArrayBuffers) and sizes. */
export interface LevelMessage {
  type: 'level';
  level: number;
  S: KernelState;
}

export interface StartMessage {
  type: 'start';
  control: Int32Array;
}

/**
 * Claim and run blocks of generation `gen` until none is left. The caller read GEN = gen (and
 * checked LEVEL) before calling, so the arguments read here are this generation's or a later one's;
 * in the second case the tag no longer matches and nothing is claimed.
 */
export function work(ctrl: Int32Array, S: KernelState, gen: number, helper = false): void {
  const tag = gen & 0xffff;
  const op = Atomics.load(ctrl, OP);
  const sel = Atomics.load(ctrl, SEL);
  const a = Atomics.load(ctrl, ARG_A);
  const b = Atomics.load(ctrl, ARG_B);
  const count = Atomics.load(ctrl, COUNT);
  const block = Atomics.load(ctrl, BLOCK);
  const nblocks = Atomics.load(ctrl, NBLOCKS);
  for (;;) {
    const v = Atomics.load(ctrl, NEXT);
    if (v >>> 16 !== tag) return;
    const k = v & 0xffff;
    if (k >= nblocks) return;
    if (Atomics.compareExchange(ctrl, NEXT, v, (v + 1) | 0) !== v) continue;
    const i0 = k * block;
    const i1 = Math.min(count, i0 + block);
    try {
      runKernel(S, op, sel, a, b, i0, i1);
    } catch (e) {
      Atomics.store(ctrl, ERROR, 1);
      console.error(e);
    } finally {
      if (helper) Atomics.add(ctrl, HELPED, i1 - i0);
      if (Atomics.add(ctrl, COMPLETED, i1 - i0) + (i1 - i0) >= count) Atomics.notify(ctrl, COMPLETED);
    }
  }
}

/** A runner on this worker plus helpers. Create with `ParallelRunner.start(threads)`. */
export class ParallelRunner implements Runner {
  readonly shared = true;
  private readonly ctrl: Int32Array;
  private S: KernelState | null = null;
  private levelId = 0;
  private gen = 0;

  private constructor(
    private readonly helpers: Worker[],
    ctrl: Int32Array,
  ) {
    this.ctrl = ctrl;
  }

  /** Kernel indices run so far in all, and by the helpers. */
  total = 0;
  get helped(): number {
    return Atomics.load(this.ctrl, HELPED);
  }

  get threads(): number {
    return this.helpers.length + 1;
  }

  /** Start `threads - 1` helpers and wait until each has loaded. */
  static async start(threads: number, create: () => Worker): Promise<ParallelRunner> {
    const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
    Atomics.store(ctrl, NEXT, CLOSED);
    const helpers: Worker[] = [];
    try {
      for (let i = 1; i < threads; i++) helpers.push(create());
      await Promise.all(
        helpers.map(
          (h) =>
            new Promise<void>((ok, fail) => {
              h.onmessage = (e: MessageEvent<{ type: string }>) => {
                if (e.data?.type === 'ready') ok();
              };
              h.onerror = (e) => {
                e.preventDefault();
                fail(new Error(`an erase helper worker failed to start: ${e.message}`));
              };
              h.postMessage({ type: 'start', control: ctrl } satisfies StartMessage);
            }),
        ),
      );
    } catch (e) {
      for (const h of helpers) h.terminate();
      throw e;
    }
    return new ParallelRunner(helpers, ctrl);
  }

  level(S: KernelState): void {
    this.S = S;
    this.levelId = (this.levelId + 1) & 0x3fffffff;
    const ctrl = this.ctrl;
    Atomics.store(ctrl, LEVEL, this.levelId);
    this.bump(); // wake helpers still waiting in the previous level: they go back for the new one
    const message: LevelMessage = { type: 'level', level: this.levelId, S };
    for (const h of this.helpers) h.postMessage(message);
  }

  run(op: number, sel: number, a: number, b: number, count: number): void {
    const S = this.S;
    if (!S) throw new Error('no level');
    if (count <= 0) return;
    this.total += count;
    if (!this.helpers.length || count < 2 * MIN_BLOCK) {
      runKernel(S, op, sel, a, b, 0, count);
      return;
    }
    const ctrl = this.ctrl;
    const block = Math.max(MIN_BLOCK, Math.ceil(count / MAX_BLOCKS), Math.ceil(count / (64 * this.threads)));
    const nblocks = Math.ceil(count / block);
    const gen = this.gen + 1;
    Atomics.store(ctrl, OP, op);
    Atomics.store(ctrl, SEL, sel);
    Atomics.store(ctrl, ARG_A, a);
    Atomics.store(ctrl, ARG_B, b | 0);
    Atomics.store(ctrl, COUNT, count);
    Atomics.store(ctrl, BLOCK, block);
    Atomics.store(ctrl, NBLOCKS, nblocks);
    Atomics.store(ctrl, COMPLETED, 0);
    Atomics.store(ctrl, NEXT, ((gen & 0xffff) << 16) | 0);
    this.gen = gen;
    Atomics.store(ctrl, GEN, gen);
    Atomics.notify(ctrl, GEN);
    work(ctrl, S, gen);
    for (;;) {
      const done = Atomics.load(ctrl, COMPLETED);
      if (done >= count) break;
      Atomics.wait(ctrl, COMPLETED, done, 1000);
    }
    Atomics.store(ctrl, NEXT, ((gen & 0xffff) << 16) | CLOSED);
    if (Atomics.exchange(ctrl, ERROR, 0)) throw new Error('an erase kernel failed in a helper worker (see the console)');
  }

  done(): void {
    this.S = null;
    this.levelId = (this.levelId + 1) & 0x3fffffff;
    Atomics.store(this.ctrl, LEVEL, this.levelId);
    this.bump();
  }

  /** A generation with no work: wakes helpers so they look at LEVEL. */
  private bump(): void {
    this.gen += 1;
    Atomics.store(this.ctrl, NEXT, ((this.gen & 0xffff) << 16) | CLOSED);
    Atomics.store(this.ctrl, GEN, this.gen);
    Atomics.notify(this.ctrl, GEN);
  }

  close(): void {
    for (const h of this.helpers) h.terminate();
    this.helpers.length = 0;
  }
}

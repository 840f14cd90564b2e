// Browser only: the fill's kernels behind a runner, so Web Workers can share them (Python vectorises with numpy).
/**
 * The kernel table and the runner interface: the driver (fill.ts) asks a runner to run kernel `op` over
 * [0, count); a runner may split that range any way it likes (local.ts: at once, parallel.ts: blocks
 * shared between workers). Kernels only write their own indices' outputs, so every split gives the
 * same bytes.
 */
import { kPropagate, kRandom, kSsdAll, type LevelState } from './patchmatch';
import { kSeam } from './seam';
import { kVoteBest, kVoteMean } from './vote';

export const OP_SSD = 1;
export const OP_PROP = 2;
export const OP_RAND = 3;
export const OP_VOTE = 4;
export const OP_BEST = 5;
export const OP_SEAM = 6;

/**
 * Run kernel `op` on [i0, i1). `sel` picks the current image of the level's two; `a` and `b` are the
 * kernel's arguments (propagation: a = distance; random search: a = start radius, b = base; mean
 * vote: a = vote radius). The seam check runs over the hole pixels, like the votes.
 */
export function runKernel(S: LevelState, op: number, sel: number, a: number, b: number, i0: number, i1: number): void {
  switch (op) {
    case OP_SSD:
      kSsdAll(S, sel, i0, i1);
      return;
    case OP_PROP:
      kPropagate(S, sel, a, i0, i1);
      return;
    case OP_RAND:
      kRandom(S, sel, a, b >>> 0, i0, i1);
      return;
    case OP_VOTE:
      kVoteMean(S, sel, a, i0, i1);
      return;
    case OP_BEST:
      kVoteBest(S, sel, i0, i1);
      return;
    case OP_SEAM:
      kSeam(S, sel, i0, i1);
      return;
    default:
      throw new Error(`unknown kernel ${op}`);
  }
}

export interface Runner {
  /** Threads that run kernels (1: this one only). */
  readonly threads: number;
  /** Arrays the kernels share: on SharedArrayBuffers when other threads take part. */
  readonly shared: boolean;
  /** From now on kernels run on `S` (its arrays must come from `alloc*`). */
  level(S: LevelState): void;
  /** Run `op` over [0, count) and return when all of it is done. */
  run(op: number, sel: number, a: number, b: number, count: number): void;
  /** The level is over: helpers may go idle. */
  done(): void;
}

/** Runs every kernel here, in one go. */
export class LocalRunner implements Runner {
  readonly threads = 1;
  readonly shared = false;
  private S: LevelState | null = null;

  level(S: LevelState): void {
    this.S = S;
  }

  run(op: number, sel: number, a: number, b: number, count: number): void {
    if (!this.S) throw new Error('no level');
    runKernel(this.S, op, sel, a, b, 0, count);
  }

  done(): void {
    this.S = null;
  }
}

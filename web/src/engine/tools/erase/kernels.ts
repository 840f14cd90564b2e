// Browser only: the fill's kernels behind a runner, so Web Workers can share them (Python vectorises with numpy).
/**
 * The kernel table and the runner interface: the driver (fill.ts) asks a runner to run kernel `op` over
 * [0, count); a runner may split that range any way it likes (local.ts: at once, parallel.ts: blocks
 * shared between workers). Kernels only write their own indices' outputs, so every split gives the
 * same bytes.
 */
import { kSoften } from './detail';
import { kPropagate, kRandom, kSsdAll, type LevelState } from './patchmatch';
import { kDownsample, kTexture, type PyramidStep } from './pyramid';
import { kSeam } from './seam';
import { kVoteBest, kVoteMean } from './vote';

export const OP_SSD = 1;
export const OP_PROP = 2;
export const OP_RAND = 3;
export const OP_VOTE = 4;
export const OP_BEST = 5;
export const OP_SEAM = 6;
export const OP_TEXTURE = 7;
export const OP_DOWNSAMPLE = 8;
export const OP_SOFTEN = 9;

/** What kernels run on: a pyramid level's arrays, or (OP_TEXTURE, OP_DOWNSAMPLE, over rows) a step of building the pyramid. */
export type KernelState = LevelState | PyramidStep;

function level(S: KernelState): LevelState {
  if ('kind' in S) throw new Error('a level kernel was given a pyramid step');
  return S;
}

function step(S: KernelState): PyramidStep {
  if (!('kind' in S)) throw new Error('a pyramid kernel was given a level');
  return S;
}

/**
 * Run kernel `op` on [i0, i1). `sel` picks the current image of the level's two; `a` and `b` are the
 * kernel's arguments (propagation: a = distance; random search: a = start radius, b = base; mean
 * vote: a = vote radius). The seam check and the softening run over the hole pixels, like the votes; the pyramid's
 * kernels over rows of the level they write.
 */
export function runKernel(S: KernelState, op: number, sel: number, a: number, b: number, i0: number, i1: number): void {
  switch (op) {
    case OP_SSD:
      kSsdAll(level(S), sel, i0, i1);
      return;
    case OP_PROP:
      kPropagate(level(S), sel, a, i0, i1);
      return;
    case OP_RAND:
      kRandom(level(S), sel, a, b >>> 0, i0, i1);
      return;
    case OP_VOTE:
      kVoteMean(level(S), sel, a, i0, i1);
      return;
    case OP_BEST:
      kVoteBest(level(S), sel, i0, i1);
      return;
    case OP_SEAM:
      kSeam(level(S), sel, i0, i1);
      return;
    case OP_SOFTEN:
      kSoften(level(S), sel, i0, i1);
      return;
    case OP_TEXTURE:
      kTexture(step(S), i0, i1);
      return;
    case OP_DOWNSAMPLE:
      kDownsample(step(S), i0, i1);
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
  level(S: KernelState): void;
  /** Run `op` over [0, count) and return when all of it is done. */
  run(op: number, sel: number, a: number, b: number, count: number): void;
  /** The level is over: helpers may go idle. */
  done(): void;
}

/** Runs every kernel here, in one go. */
export class LocalRunner implements Runner {
  readonly threads = 1;
  readonly shared = false;
  private S: KernelState | null = null;

  level(S: KernelState): void {
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

/**
 * PatchMatch nearest-neighbour field (mirrors src/privpix/tools/erase/patchmatch.py; the normative spec is
 * docs/erase.md): the counter-based RNG, the exact integer patch distance with its locality prior and
 * the two Jacobi kernels — propagation and random search.
 *
 * Every kernel works on an index range [i0, i1) of the level's targets and touches nothing outside
 * that range's own outputs, so a kernel split across any number of workers gives the same bytes.
 * Everything here is integer arithmetic (SSDs are exact integers held in doubles) and all decisions
 * use a strict `<`, so the early exit of the SSD cannot change any result.
 */

import type { SeamCells } from './seam';

// ---- RNG ---------------------------------------------------------------------------------------------

/** PCG-RXS-M-XS 32-bit hash: pcg(0..3) = 129708002, 2831084092, 2055130248, 2131687100. */
export function pcg(v: number): number {
  const s = (Math.imul(v, 747796405) + 2891336453) >>> 0;
  const w = Math.imul(((s >>> ((s >>> 28) + 4)) ^ s) >>> 0, 277803737) >>> 0;
  return ((w >>> 22) ^ w) >>> 0;
}

/** A stream of bases: nextBase() = pcg(seed ^ pcg(counter++)). Drawn only by the driver, in spec order. */
export class Stream {
  private counter = 0;
  private readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
  }

  nextBase(): number {
    const b = pcg((this.seed ^ pcg(this.counter)) >>> 0);
    this.counter++;
    return b;
  }
}

// ---- one pyramid level, as the kernels see it ---------------------------------------------------------

/**
 * The arrays of one level. In the browser they live on SharedArrayBuffers so helper workers can run
 * slices of every kernel; `img[sel]` is the current image and `img[1 - sel]` the vote's output.
 */
export interface LevelState {
  h: number;
  w: number;
  /** Patch radius. */
  r: number;
  /** Channels: 5 (R, G, B, |dY/dx|, |dY/dy|) or 3. */
  C: number;
  /** SSD weight of the texture channels relative to RGB (an integer). */
  texW: number;
  /** Two images, h*w*C each; the vote reads one and writes the other. */
  img: [Uint8Array, Uint8Array];
  /** SSD weight per pixel of a target patch: 1 in the hole, known_w outside it. */
  pw: Uint8Array;
  /** 1 where a source patch may be centred. */
  valid: Uint8Array;
  /** Target index per pixel, or -1. */
  tindex: Int32Array;
  /** Flat pixel index of each target, raster order. */
  tp: Int32Array;
  /** NNF: flat source centre per target, its SSD; the propagation writes sp2/d2. */
  sp: Int32Array;
  d: Float64Array;
  sp2: Int32Array;
  d2: Float64Array;
  /** Vote weight (spatial confidence) per target. */
  wt: Float64Array;
  /** The locality prior: weight (0: off), divisor (the level's hole side squared), Σ pw over each target's patch. */
  nearW: number;
  nearDiv: number;
  wsum: Float64Array;
  /** Flat index of each hole pixel, raster order. */
  hp: Int32Array;
  /** The seam check's pooled border samples (level 0, after its last vote; seam.ts). */
  seam?: SeamCells;
}

// ---- patch distance ------------------------------------------------------------------------------------

/**
 * Σ pw · (target − source)² over the patch around target `pi` and source `si`, exact. Returns as soon
 * as a finished row brings the sum to `bound` or more (the caller keeps only sums below its best).
 */
export function ssd5(img: Uint8Array, pw: Uint8Array, texW: number, w: number, pi: number, si: number, r: number, bound: number): number {
  let acc = 0;
  for (let dy = -r; dy <= r; dy++) {
    let p = pi + dy * w - r;
    let t = p * 5;
    let s = (si + dy * w - r) * 5;
    for (let dx = -r; dx <= r; dx++, p++, t += 5, s += 5) {
      const e0 = img[t]! - img[s]!;
      const e1 = img[t + 1]! - img[s + 1]!;
      const e2 = img[t + 2]! - img[s + 2]!;
      const e3 = img[t + 3]! - img[s + 3]!;
      const e4 = img[t + 4]! - img[s + 4]!;
      acc += (e0 * e0 + e1 * e1 + e2 * e2 + (e3 * e3 + e4 * e4) * texW) * pw[p]!;
    }
    if (acc >= bound) return acc;
  }
  return acc;
}

export function ssd3(img: Uint8Array, pw: Uint8Array, w: number, pi: number, si: number, r: number, bound: number): number {
  let acc = 0;
  for (let dy = -r; dy <= r; dy++) {
    let p = pi + dy * w - r;
    let t = p * 3;
    let s = (si + dy * w - r) * 3;
    for (let dx = -r; dx <= r; dx++, p++, t += 3, s += 3) {
      const e0 = img[t]! - img[s]!;
      const e1 = img[t + 1]! - img[s + 1]!;
      const e2 = img[t + 2]! - img[s + 2]!;
      acc += (e0 * e0 + e1 * e1 + e2 * e2) * pw[p]!;
    }
    if (acc >= bound) return acc;
  }
  return acc;
}

/**
 * The locality prior of target `i` at `pi` for the source `si`: floor(nearW · wsum[i] · |pi − si|² / nearDiv),
 * an exact integer (every operand and the product stay below 2^53, and the quotient's floor is exact
 * there because the divisor is at most 2^26).
 */
function nearPenalty(S: LevelState, i: number, pi: number, si: number): number {
  if (S.nearW === 0) return 0;
  const py = (pi / S.w) | 0;
  const sy = (si / S.w) | 0;
  const dy = py - sy;
  const dx = pi - py * S.w - (si - sy * S.w);
  return Math.floor((S.nearW * S.wsum[i]! * (dy * dy + dx * dx)) / S.nearDiv);
}

/** The patch distance of target `i` (at pixel `pi`) to the source centred at `si`: locality prior + SSD. */
function ssd(S: LevelState, img: Uint8Array, i: number, pi: number, si: number, bound: number): number {
  const pen = nearPenalty(S, i, pi, si);
  if (pen >= bound) return pen;
  const rest = bound - pen;
  return pen + (S.C === 5 ? ssd5(img, S.pw, S.texW, S.w, pi, si, S.r, rest) : ssd3(img, S.pw, S.w, pi, si, S.r, rest));
}

// ---- kernels ---------------------------------------------------------------------------------------------

/** d[i] = SSD(target i, its source), for i in [i0, i1). */
export function kSsdAll(S: LevelState, sel: number, i0: number, i1: number): void {
  const { tp, sp, d } = S;
  const img = S.img[sel]!;
  for (let i = i0; i < i1; i++) d[i] = ssd(S, img, i, tp[i]!, sp[i]!, Infinity);
}

const PROP_DY = [0, 0, -1, 1];
const PROP_DX = [-1, 1, 0, 0];

/**
 * Jacobi propagation at distance k: each target tries its 4 neighbours' sources (read from sp/d, the
 * previous field) shifted back by the offset, in the order left, right, up, down; writes sp2/d2.
 */
export function kPropagate(S: LevelState, sel: number, k: number, i0: number, i1: number): void {
  const { w, h, r, valid, tindex, tp, sp, d, sp2, d2 } = S;
  const img = S.img[sel]!;
  const lo = r;
  const hiY = h - 1 - r;
  const hiX = w - 1 - r;
  for (let i = i0; i < i1; i++) {
    const p = tp[i]!;
    const y = (p / w) | 0;
    const x = p - y * w;
    let best = sp[i]!;
    let bd = d[i]!;
    for (let c = 0; c < 4; c++) {
      const oy = PROP_DY[c]! * k;
      const ox = PROP_DX[c]! * k;
      const ny = y + oy;
      const nx = x + ox;
      if (ny < 0 || ny >= h || nx < 0 || nx >= w) continue;
      const j = tindex[ny * w + nx]!;
      if (j < 0) continue;
      const sj = sp[j]!;
      const sjy = (sj / w) | 0;
      const cy = sjy - oy;
      const cx = sj - sjy * w - ox;
      if (cy < lo || cy > hiY || cx < lo || cx > hiX) continue;
      const cand = cy * w + cx;
      if (!valid[cand] || cand === best) continue;
      const dc = ssd(S, img, i, p, cand, bd);
      if (dc < bd) {
        best = cand;
        bd = dc;
      }
    }
    sp2[i] = best;
    d2[i] = bd;
  }
}

/**
 * Random search, in place: around the current best, radius R0 halving to 1; draw j uses
 * pcg(base + 64·p + 2j) for y and pcg(base + 64·p + 2j + 1) for x. Candidates are clamped, not rejected.
 */
export function kRandom(S: LevelState, sel: number, R0: number, base: number, i0: number, i1: number): void {
  const { w, h, r, valid, tp, sp, d } = S;
  const img = S.img[sel]!;
  const hiY = h - 1 - r;
  const hiX = w - 1 - r;
  for (let i = i0; i < i1; i++) {
    const p = tp[i]!;
    let best = sp[i]!;
    let bd = d[i]!;
    let by = (best / w) | 0;
    let bx = best - by * w;
    const f = p * 64;
    let rad = R0;
    let j = 0;
    while (rad >= 1) {
      const span = 2 * rad + 1;
      const hy = pcg((base + f + 2 * j) >>> 0);
      const hx = pcg((base + f + 2 * j + 1) >>> 0);
      let cy = by + (hy % span) - rad;
      let cx = bx + (hx % span) - rad;
      cy = cy < r ? r : cy > hiY ? hiY : cy;
      cx = cx < r ? r : cx > hiX ? hiX : cx;
      const cand = cy * w + cx;
      if (valid[cand] && cand !== best) {
        const dc = ssd(S, img, i, p, cand, bd);
        if (dc < bd) {
          best = cand;
          bd = dc;
          by = cy;
          bx = cx;
        }
      }
      rad >>= 1;
      j++;
    }
    sp[i] = best;
    d[i] = bd;
  }
}

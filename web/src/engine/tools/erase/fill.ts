/**
 * Multi-scale PatchMatch completion (mirrors src/privpix/tools/erase/fill.py; docs/erase.md): grow and feather
 * the mask, crop around it with context, build a pyramid, and at each level from the coarsest compute
 * a nearest-neighbour field, vote, iterate, upsample; at level 0 the seam check and (in large holes) the
 * softening of the finest detail; then blend the fill into the image inside the feathered region only.
 * Every pixel outside that region stays exactly as it was.
 *
 * Works on the crop only: the mask comes as a window (its bounding box is all that matters), the
 * distance transforms run on that window grown by grow + feather, and the pyramid on the crop.
 * Deterministic for a seed, and the same bytes for any runner (see kernels.ts).
 */
import { allocF64, allocI32, allocU8 } from './alloc';
import { OP_BEST, OP_DOWNSAMPLE, OP_PROP, OP_RAND, OP_SEAM, OP_SOFTEN, OP_SSD, OP_TEXTURE, OP_VOTE, LocalRunner, type Runner } from './kernels';
import { Stream, pcg, type LevelState } from './patchmatch';
import { seamCells } from './seam';
import {
  bbox,
  chamfer,
  confidenceWeights,
  countValid,
  diffuseInit,
  halfSize,
  levelSetup,
  onionInit,
  type PyramidLevel,
} from './pyramid';

/** The algorithm's parameters (docs/erase.md, "Constants"); the CLI and UI set grow, feather, seed. */
export interface FillParams {
  /** Patch side (odd). */
  patch: number;
  /** Coarsest level: the hole bbox's longer side is at most this. */
  coarse: number;
  /** Crop margin around the hole bbox, in units of its longer side. */
  context: number;
  em_coarse: number;
  em_mid: number;
  em_fine: number;
  pm_passes: number;
  pm_first: number;
  /** Levels whose hole bbox side exceeds this use the cheap schedule (0: never). */
  cheap_side: number;
  em_cheap: number;
  pm_cheap: number;
  search_cheap: number;
  /** Last iteration of a cheap level 0 copies the best patch instead of averaging. */
  final_vote_cheap: boolean;
  /** SSD weight of known pixels in a target patch (hole pixels weigh 1); an integer 1-255. */
  known_w: number;
  /** SSD weight of the two texture channels (0: colour only); an integer. */
  tex_w: number;
  /** Spatial-confidence vote weights γ^-dist (1: plain mean). */
  gamma: number;
  /** Locality prior: a source d px from the target costs floor(near_w · Σpw · d² / side²) more (0: off). */
  near_w: number;
  /**
   * Similarity weighting of the votes after an EM iteration: a patch's weight is its confidence
   * divided by (1 + e / vote_sim)², e its distance per unit of pixel weight (0: confidence only).
   */
  vote_sim: number;
  /** Diffusion steps after the onion peel at the coarsest level, per px of its hole side (0: none). */
  diffuse: number;
  /** Match the fill to the photo along the hole's border (seam.ts). */
  seam: boolean;
  /** The fill's finest detail at half amplitude, when level 0 runs the cheap schedule (detail.ts). */
  soften: boolean;
  /** Pixels added around the mask, and the cross-fade ring outside that. */
  grow: number;
  feather: number;
  seed: number;
}

export const FILL_DEFAULTS: Readonly<FillParams> = {
  patch: 7,
  coarse: 24,
  context: 1.5,
  em_coarse: 10,
  em_mid: 5,
  em_fine: 2,
  pm_passes: 2,
  pm_first: 4,
  cheap_side: 100,
  em_cheap: 1,
  pm_cheap: 1,
  search_cheap: 8,
  final_vote_cheap: false,
  known_w: 32,
  tex_w: 1,
  gamma: 1.5,
  near_w: 60,
  vote_sim: 0,
  diffuse: 2,
  seam: true,
  soften: true,
  grow: 0,
  feather: 0,
  seed: 0,
};

export interface LevelReport {
  level: number;
  h: number;
  w: number;
  holePixels: number;
  targets: number;
  cheap: boolean;
  em: number;
  kernelCalls: number;
  /** Milliseconds in kernels (the parallel part) and in all of the level. */
  kernelMs: number;
  ms: number;
}

export interface FillHooks {
  /** 0..1, after every kernel. */
  progress?(fraction: number): void;
  /** Polled between kernels; true stops the fill with an AbortError. */
  cancelled?(): boolean;
  /** Defaults to one thread, here. */
  runner?: Runner;
}

function abortError(): Error {
  return typeof DOMException !== 'undefined' ? new DOMException('Cancelled.', 'AbortError') : Object.assign(new Error('Cancelled.'), { name: 'AbortError' });
}

function validate(P: FillParams): void {
  if (!(Number.isInteger(P.patch) && P.patch >= 3 && P.patch % 2 === 1)) throw new RangeError(`patch must be an odd integer >= 3, not ${P.patch}`);
  if (!(Number.isInteger(P.known_w) && P.known_w >= 1 && P.known_w <= 255)) throw new RangeError(`known_w must be an integer 1-255, not ${P.known_w}`);
  if (!(Number.isInteger(P.tex_w) && P.tex_w >= 0)) throw new RangeError(`tex_w must be a non-negative integer, not ${P.tex_w}`);
  if (!(Number.isInteger(P.near_w) && P.near_w >= 0 && P.near_w <= 4096)) throw new RangeError(`near_w must be an integer 0-4096, not ${P.near_w}`);
  if (!(Number.isInteger(P.vote_sim) && P.vote_sim >= 0)) throw new RangeError(`vote_sim must be a non-negative integer, not ${P.vote_sim}`);
  if (!(Number.isInteger(P.diffuse) && P.diffuse >= 0)) throw new RangeError(`diffuse must be a non-negative integer, not ${P.diffuse}`);
  if (!(Number.isInteger(P.grow) && P.grow >= 0)) throw new RangeError(`grow must be a non-negative integer, not ${P.grow}`);
  if (!(Number.isInteger(P.feather) && P.feather >= 0)) throw new RangeError(`feather must be a non-negative integer, not ${P.feather}`);
}

// ---- the schedule ---------------------------------------------------------------------------------------

interface Schedule {
  em: number;
  passes: (it: number) => number;
  R0: number;
  cheap: boolean;
}

function schedule(P: FillParams, lev: number, coarsest: boolean, side: number, h: number, w: number): Schedule {
  const cheap = P.cheap_side > 0 && side > P.cheap_side;
  if (coarsest) return { em: P.em_coarse, passes: (it) => (it === 0 ? P.pm_first : P.pm_passes), R0: Math.max(h, w), cheap };
  if (cheap) return { em: P.em_cheap, passes: () => P.pm_cheap, R0: P.search_cheap, cheap };
  return { em: lev === 0 ? P.em_fine : P.em_mid, passes: () => P.pm_passes, R0: Math.max(h, w), cheap };
}

/** Relative cost of one level (for progress): kernels weighted by their typical cost, times hole pixels. */
function levelCost(s: Schedule, holePixels: number, coarsest: boolean, seam: boolean): number {
  const rand = Math.log2(Math.max(1, s.R0)) + 1;
  let units = (coarsest ? 1 : 2) + (seam ? 2 : 0); // upsampling vote + first SSD; the seam check and softening
  for (let it = 0; it < s.em; it++) units += s.passes(it) * (2 + rand) + (it < s.em - 1 ? 2 : 1);
  return units * holePixels;
}

// ---- the pyramid -----------------------------------------------------------------------------------------

type Box = [number, number, number, number];

/**
 * The pyramid, finest first, built on the runner's threads: halve while the hole is larger than `coarse`
 * and the level is large enough. Each level's hole box and pixel count are found once, here.
 */
function buildPyramid(runner: Runner, crop: Uint8Array, hole: Uint8Array, H: number, W: number, C: number, P: FillParams): { pyramid: PyramidLevel[]; boxes: Box[]; holes: number[] } {
  const shared = runner.shared;
  const r = P.patch >> 1;
  const rgb: PyramidLevel = { img: allocU8(H * W * 3, shared), hole: allocU8(H * W, shared), h: H, w: W };
  rgb.img.set(crop);
  for (let i = 0; i < H * W; i++) rgb.hole[i] = hole[i] ? 1 : 0; // 0/1 from here on (pixel counts are sums)
  const build = (op: number, from: PyramidLevel, to: PyramidLevel): PyramidLevel => {
    runner.level({ kind: 'pyramid', from, to, C });
    runner.run(op, 0, 0, 0, to.h);
    return to;
  };
  try {
    const base = C === 5 ? build(OP_TEXTURE, rgb, { img: allocU8(H * W * 5, shared), hole: rgb.hole, h: H, w: W }) : rgb;
    const pyramid = [base];
    const boxes: Box[] = [bbox(base.hole, H, W)!];
    const holes = [countSet(base.hole)];
    for (;;) {
      const lv = pyramid[pyramid.length - 1]!;
      if (boxSide(boxes[boxes.length - 1]!) <= P.coarse || Math.min(lv.h, lv.w) >> 1 < 2 * P.patch + 1) break;
      const [h2, w2] = halfSize(lv.h, lv.w);
      const next = build(OP_DOWNSAMPLE, lv, { img: allocU8(h2 * w2 * C, shared), hole: allocU8(h2 * w2, shared), h: h2, w: w2 });
      const nh = countSet(next.hole);
      if (countValid(next.hole, next.h, next.w, r) < Math.max(16, nh)) break;
      pyramid.push(next);
      boxes.push(bbox(next.hole, next.h, next.w)!);
      holes.push(nh);
    }
    return { pyramid, boxes, holes };
  } finally {
    runner.done();
  }
}

// ---- completion of one crop ------------------------------------------------------------------------------

export interface Completion {
  /** The filled crop, h*w*C (C = 5 with texture channels, else 3). */
  img: Uint8Array;
  C: number;
  levels: LevelReport[];
}

/**
 * Fill the `hole` (1 = unknown) of the RGB `crop` (h*w*3). The crop's own hole pixels are ignored.
 */
export function complete(crop: Uint8Array, hole: Uint8Array, H: number, W: number, P: FillParams, hooks: FillHooks = {}): Completion {
  validate(P);
  const runner = hooks.runner ?? new LocalRunner();
  const shared = runner.shared;
  const r = P.patch >> 1;
  const rng = new Stream(P.seed);
  const C = P.tex_w > 0 ? 5 : 3;
  const { pyramid, boxes, holes } = buildPyramid(runner, crop, hole, H, W, C, P);
  const L = pyramid.length;

  // Progress: the whole run's estimated cost, spent kernel by kernel.
  const costs: number[] = [];
  for (let lev = 0; lev < L; lev++) {
    const lv = pyramid[lev]!;
    costs.push(levelCost(schedule(P, lev, lev === L - 1, boxSide(boxes[lev]!), lv.h, lv.w), holes[lev]!, lev === L - 1, lev === 0 && (P.seam || P.soften)));
  }
  const total = costs.reduce((a, b) => a + b, 0) || 1;
  let spentBefore = 0;

  const reports: LevelReport[] = [];
  let prev: { tindex: Int32Array; sp: Int32Array; h: number; w: number } | null = null;
  let result: Uint8Array | null = null;
  try {
    for (let lev = L - 1; lev >= 0; lev--) {
      const started = performance.now();
      const { img: limg, hole: hl, h, w } = pyramid[lev]!;
      const coarsest = lev === L - 1;
      const { tp, tindex, valid, nValid } = levelSetup(hl, h, w, r, shared);
      const N = tp.length;
      const nh = holes[lev]!;
      const box = boxes[lev]!;
      const side = boxSide(box);
      const sch = schedule(P, lev, coarsest, side, h, w);

      // Shared arrays. Hole pixels (all inside the box) start at 0 and weigh 1 in a patch.
      const img0 = limg; // the pyramid's own (shared) level: nothing else reads it
      const img1 = allocU8(h * w * C, shared);
      const pw = allocU8(h * w, shared).fill(P.known_w);
      const hp = allocI32(nh, shared);
      for (let y = box[0], k = 0; y <= box[1]; y++) {
        for (let i = y * w + box[2], e = y * w + box[3]; i <= e; i++) {
          if (!hl[i]) continue;
          hp[k++] = i;
          pw[i] = 1;
          for (let c = i * C, e = c + C; c < e; c++) img0[c] = 0;
        }
      }
      img1.set(img0);
      const conf = confidenceWeights(hl, h, w, tp, P.gamma);
      const S: LevelState = {
        h,
        w,
        r,
        C,
        texW: P.tex_w,
        img: [img0, img1],
        pw,
        valid,
        tindex,
        tp,
        sp: allocI32(N, shared),
        d: allocF64(N, shared),
        sp2: allocI32(N, shared),
        d2: allocF64(N, shared),
        wt: copyTo(conf, allocF64(N, shared)),
        hp,
        nearW: P.near_w,
        nearDiv: side * side,
        wsum: patchWeights(pw, tp, h, w, r, box, allocF64(P.near_w || P.vote_sim ? N : 0, shared)),
      };
      let sel = 0;
      let calls = 0;
      let kernelMs = 0;
      const levelTotal = costs[lev]!;
      let levelSpent = 0;
      const run = (op: number, a: number, b: number, count: number, units: number): void => {
        if (hooks.cancelled?.()) throw abortError();
        const k0 = performance.now();
        runner.run(op, sel, a, b, count);
        kernelMs += performance.now() - k0;
        calls++;
        levelSpent = Math.min(levelTotal, levelSpent + units * nh); // the cost model of levelCost()
        hooks.progress?.((spentBefore + levelSpent) / total);
      };
      const vote = (best: boolean): void => {
        run(best ? OP_BEST : OP_VOTE, r, 0, nh, 1);
        sel = 1 - sel;
      };

      if (hooks.cancelled?.()) throw abortError();
      runner.level(S);
      if (coarsest) {
        onionInit(img0, hl, h, w, C);
        diffuseInit(img0, hl, h, w, C, P.diffuse * side);
        const base = rng.nextBase();
        const vl = validList(valid, nValid);
        for (let i = 0; i < N; i++) S.sp[i] = vl[pcg((base + tp[i]!) >>> 0) % nValid]!;
      } else {
        const base = rng.nextBase(); // the fallback sources' base: drawn even when no target needs one
        const { tindex: ct, sp: csp, h: ch, w: cw } = prev!;
        let vl: Int32Array | null = null;
        for (let i = 0; i < N; i++) {
          const y = (tp[i]! / w) | 0;
          const x = tp[i]! - y * w;
          const qy = Math.min(Math.max(y >> 1, r), ch - 1 - r);
          const qx = Math.min(Math.max(x >> 1, r), cw - 1 - r);
          const j = ct[qy * cw + qx]!;
          if (j >= 0) {
            const cy = (csp[j]! / cw) | 0;
            const cx = csp[j]! - cy * cw;
            const uy = cy * 2 + (y - 2 * qy);
            const ux = cx * 2 + (x - 2 * qx);
            if (uy >= r && uy <= h - 1 - r && ux >= r && ux <= w - 1 - r && valid[uy * w + ux] === 1) {
              S.sp[i] = uy * w + ux;
              continue;
            }
          }
          vl ??= validList(valid, nValid);
          S.sp[i] = vl[pcg((base + tp[i]!) >>> 0) % nValid]!;
        }
        vote(false);
      }
      run(OP_SSD, 0, 0, N, 1);
      const rand = Math.log2(Math.max(1, sch.R0)) + 1;
      for (let it = 0; it < sch.em; it++) {
        const passes = sch.passes(it);
        for (let ps = 0; ps < passes; ps++) {
          run(OP_PROP, 1, 0, N, 2);
          S.sp.set(S.sp2);
          S.d.set(S.d2);
          run(OP_RAND, sch.R0, rng.nextBase() | 0, N, rand);
        }
        const best = lev === 0 && it === sch.em - 1 && sch.cheap && P.final_vote_cheap;
        if (!best && P.vote_sim) similarityWeights(S.wt, conf, S.d, S.wsum, P.vote_sim);
        vote(best);
        // The distances of the new image, for the next iteration. After a level's last vote nothing
        // reads them (the next level refreshes its own), so that refresh is skipped: same bytes.
        if (it < sch.em - 1) run(OP_SSD, 0, 0, N, 1);
      }
      // The seam check and the softening (Python: fill_mask after complete) run here so the level's threads share them.
      if (lev === 0 && P.seam) {
        const cells = seamCells(S.img[sel]!, C, hp, h, w, shared);
        if (cells) {
          runner.level({ ...S, seam: cells });
          run(OP_SEAM, 0, 0, nh, 2);
          sel = 1 - sel;
        }
      }
      if (lev === 0 && P.soften && sch.cheap) {
        run(OP_SOFTEN, 0, 0, nh, 1);
        sel = 1 - sel;
      }
      runner.done();
      spentBefore += levelTotal;
      prev = { tindex: S.tindex, sp: S.sp, h, w };
      result = S.img[sel]!;
      reports.push({ level: lev, h, w, holePixels: nh, targets: N, cheap: sch.cheap, em: sch.em, kernelCalls: calls, kernelMs, ms: performance.now() - started });
    }
  } catch (e) {
    runner.done();
    throw e;
  }
  hooks.progress?.(1);
  return { img: result!, C, levels: reports };
}

/**
 * Σ pw over the patch of every target (the locality prior's scale); `out` is left empty when the prior is
 * off. Box sums over the hole's box grown by 2r (every target patch lies in it): integers, so the
 * same numbers as summing each patch.
 */
function patchWeights(pw: Uint8Array, tp: Int32Array, h: number, w: number, r: number, box: Box, out: Float64Array): Float64Array {
  if (!out.length) return out;
  const y0 = Math.max(0, box[0]! - 2 * r);
  const y1 = Math.min(h - 1, box[1]! + 2 * r);
  const x0 = Math.max(0, box[2]! - 2 * r);
  const x1 = Math.min(w - 1, box[3]! + 2 * r);
  const bw = x1 - x0 + 1;
  // cols[y][x]: Σ pw over rows y-r..y+r of column x (rows r from the level's border only: targets are).
  const cols = new Int32Array((y1 - y0 + 1) * bw);
  for (let y = Math.max(y0, r); y <= Math.min(y1, h - 1 - r); y++) {
    for (let x = x0; x <= x1; x++) {
      let s = 0;
      for (let q = (y - r) * w + x, e = (y + r) * w + x; q <= e; q += w) s += pw[q]!;
      cols[(y - y0) * bw + x - x0] = s;
    }
  }
  for (let i = 0; i < tp.length; i++) {
    const y = (tp[i]! / w) | 0;
    const row = (y - y0) * bw - x0;
    const x = tp[i]! - y * w;
    let s = 0;
    for (let q = row + x - r, e = row + x + r; q <= e; q++) s += cols[q]!;
    out[i] = s;
  }
  return out;
}

/**
 * The votes' weights after an EM iteration (docs/erase.md step 9): wt = conf / k², k = 1 + e / scale,
 * e = d / wsum, float64 in this order (the Python engine's vote.similarity).
 */
function similarityWeights(wt: Float64Array, conf: Float64Array, d: Float64Array, wsum: Float64Array, scale: number): void {
  for (let i = 0; i < wt.length; i++) {
    const k = 1 + d[i]! / wsum[i]! / scale;
    wt[i] = conf[i]! / (k * k);
  }
}

function copyTo<T extends Uint8Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

function countSet(m: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < m.length; i++) n += m[i]!;
  return n;
}

function boxSide(b: Box): number {
  return Math.max(b[1]! - b[0]!, b[3]! - b[2]!) + 1;
}

function validList(valid: Uint8Array, n: number): Int32Array {
  if (!n) throw new RangeError('the area to erase leaves too little of the photo to fill it from');
  const vl = new Int32Array(n);
  for (let q = 0, k = 0; q < valid.length; q++) if (valid[q]) vl[k++] = q;
  return vl;
}

// ---- the whole erase ---------------------------------------------------------------------------------

/** Interleaved 8-bit pixels, RGB (3) or RGBA (4); alpha is never touched. */
export interface Image {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** A mask given by its window: `data` (w*h, non-zero = erase) at (x, y) in the image; zero elsewhere. */
export interface MaskWindow {
  x: number;
  y: number;
  w: number;
  h: number;
  data: Uint8Array;
}

/** [x0, y0, x1, y1): a rectangle of the image, end exclusive. */
export type Rect = [number, number, number, number];

/** The crop is larger than the caller's budget (Python's fill.TooLarge). */
export class TooLargeError extends RangeError {
  override name = 'TooLargeError';
}

export interface EraseReport {
  /** Bounding box of the pixels that were written (the grown and feathered mask). */
  region: Rect;
  /** The crop the fill worked on. */
  crop: Rect;
  /** Pixels the fill was allowed to write. */
  regionPixels: number;
  levels: LevelReport[];
  /** Milliseconds: masks and crop, the fill, the blend. */
  ms: { prepare: number; fill: number; blend: number };
}

/**
 * The pixels a fill may change, at most: the mask window's bounding box grown by grow + feather + 1,
 * clipped to the image (null for an empty mask). The distance transforms run on this window.
 */
export function affectedWindow(image: { width: number; height: number }, mask: MaskWindow, grow: number, feather: number): Rect | null {
  const b = bbox(mask.data, mask.h, mask.w);
  if (!b) return null;
  const g = grow + feather + 1;
  return [
    Math.max(0, mask.x + b[2] - g),
    Math.max(0, mask.y + b[0] - g),
    Math.min(image.width, mask.x + b[3] + 1 + g),
    Math.min(image.height, mask.y + b[1] + 1 + g),
  ];
}

/** What a fill writes: the pixels of `rect` (same channels as the image) after the erase. */
export interface Patch {
  rect: Rect;
  data: Uint8Array;
}

/** Copy `rect` of `image` (its channels, row after row). */
export function readPatch(image: Image, rect: Rect): Patch {
  const [x0, y0, x1, y1] = rect;
  const CH = image.channels;
  const rowBytes = (x1 - x0) * CH;
  const data = new Uint8Array(rowBytes * (y1 - y0));
  for (let y = y0; y < y1; y++) data.set(image.data.subarray((y * image.width + x0) * CH, (y * image.width + x1) * CH), (y - y0) * rowBytes);
  return { rect, data };
}

/** Write a patch back into `image`. */
export function writePatch(image: Image, patch: Patch): void {
  const [x0, y0, x1, y1] = patch.rect;
  const rowBytes = (x1 - x0) * image.channels;
  for (let y = y0; y < y1; y++) image.data.set(patch.data.subarray((y - y0) * rowBytes, (y - y0 + 1) * rowBytes), (y * image.width + x0) * image.channels);
}

export interface FillOptions {
  /** Largest crop, in pixels, that is filled at once (TooLargeError beyond). */
  maxCrop?: number;
}

/**
 * Erase what `mask` covers from `image` (which is only read): grow the mask by `grow` px and feather
 * `feather` px beyond that, fill the crop around it, and blend the fill in (fully inside the grown
 * mask, fading out across the feather ring). Returns the affected window with the result in it, or
 * null when the mask is empty. Pixels outside the feathered region keep their bytes.
 */
export function fill(image: Image, mask: MaskWindow, P: FillParams, hooks: FillHooks = {}, options: FillOptions = {}): { patch: Patch; report: EraseReport } | null {
  validate(P);
  const t0 = performance.now();
  const { width: W, height: H, channels: CH } = image;
  if (Math.min(W, H) < P.patch) throw new RangeError(`the image is ${W}×${H}: at least ${P.patch}×${P.patch} pixels are needed`);
  const win = affectedWindow(image, mask, P.grow, P.feather);
  if (!win) return null;
  const [wx0, wy0, wx1, wy1] = win;
  const ww = wx1 - wx0;
  const wh = wy1 - wy0;

  // The mask on the window (clipped to the image), then grown (core) and feathered (region).
  const m = new Uint8Array(ww * wh);
  for (let y = 0; y < mask.h; y++) {
    const iy = mask.y + y;
    if (iy < wy0 || iy >= wy1) continue;
    for (let x = 0; x < mask.w; x++) {
      const ix = mask.x + x;
      if (ix >= wx0 && ix < wx1 && mask.data[y * mask.w + x]) m[(iy - wy0) * ww + ix - wx0] = 1;
    }
  }
  let core = m;
  if (P.grow > 0) {
    const dd = chamfer(m, wh, ww);
    core = new Uint8Array(ww * wh);
    for (let i = 0; i < ww * wh; i++) core[i] = dd[i]! <= 3 * P.grow ? 1 : 0;
  }
  let region = core;
  let dist: Int32Array | null = null;
  if (P.feather > 0) {
    dist = chamfer(core, wh, ww);
    region = new Uint8Array(ww * wh);
    for (let i = 0; i < ww * wh; i++) region[i] = dist[i]! <= 3 * P.feather ? 1 : 0;
  }
  const rb = bbox(region, wh, ww);
  if (!rb) return null;
  const y0 = wy0 + rb[0];
  const y1 = wy0 + rb[1] + 1;
  const x0 = wx0 + rb[2];
  const x1 = wx0 + rb[3] + 1;
  let regionPixels = 0;
  for (let i = 0; i < ww * wh; i++) regionPixels += region[i]!;

  // The crop: the region's bbox with context, clipped.
  const margin = Math.ceil(P.context * Math.max(y1 - y0, x1 - x0)) + P.patch;
  const cy0 = Math.max(0, y0 - margin);
  const cy1 = Math.min(H, y1 + margin);
  const cx0 = Math.max(0, x0 - margin);
  const cx1 = Math.min(W, x1 + margin);
  const h = cy1 - cy0;
  const w = cx1 - cx0;
  if (options.maxCrop !== undefined && h * w > options.maxCrop) {
    throw new TooLargeError(
      `the area to erase is too large: filling it works on ${w}×${h} pixels, more than the ` +
        `${options.maxCrop / 1e6} megapixels privpix fills at once; erase a smaller area or downscale the photo`,
    );
  }
  const crop = new Uint8Array(h * w * 3);
  const hole = new Uint8Array(h * w);
  const src = image.data;
  for (let y = 0; y < h; y++) {
    let s = ((cy0 + y) * W + cx0) * CH;
    let o = y * w * 3;
    for (let x = 0; x < w; x++, s += CH, o += 3) {
      crop[o] = src[s]!;
      crop[o + 1] = src[s + 1]!;
      crop[o + 2] = src[s + 2]!;
    }
    const iy = cy0 + y;
    if (iy < wy0 || iy >= wy1) continue;
    const rowW = (iy - wy0) * ww;
    for (let x = Math.max(cx0, wx0); x < Math.min(cx1, wx1); x++) hole[y * w + x - cx0] = region[rowW + x - wx0]!;
  }
  const t1 = performance.now();

  const filled = complete(crop, hole, h, w, P, hooks);
  const t2 = performance.now();

  // Blend into a copy of the window: a = 256 on the grown mask, fading to 0 across the feather ring; RGB only.
  const patch = readPatch(image, win);
  const out = patch.data;
  const F = filled.img;
  const C = filled.C;
  const f3 = 3 * P.feather;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const wq = (y - wy0) * ww + x - wx0;
      if (!region[wq]) continue;
      let a = 256;
      if (P.feather > 0 && !core[wq]) a = Math.min(256, Math.max(0, Math.floor(((f3 - dist![wq]!) * 256) / f3)));
      const fq = ((y - cy0) * w + x - cx0) * C;
      const oq = wq * CH;
      for (let c = 0; c < 3; c++) out[oq + c] = (a * F[fq + c]! + (256 - a) * out[oq + c]! + 128) >> 8;
    }
  }
  const t3 = performance.now();
  return {
    patch,
    report: {
      region: [x0, y0, x1, y1],
      crop: [cx0, cy0, cx1, cy1],
      regionPixels,
      levels: filled.levels,
      ms: { prepare: t1 - t0, fill: t2 - t1, blend: t3 - t2 },
    },
  };
}

/** Erase into a copy: RGB (h*w*3) in, RGB out; `mask` is w*h (non-zero = erase). Python's fill.erase_pixels(). */
export function erasePixels(rgb: Uint8Array, mask: Uint8Array, width: number, height: number, P: FillParams, hooks: FillHooks = {}): Uint8Array {
  const out = rgb.slice();
  const image: Image = { data: out, width, height, channels: 3 };
  const done = fill(image, { x: 0, y: 0, w: width, h: height, data: mask }, P, hooks);
  if (done) writePatch(image, done.patch);
  return out;
}

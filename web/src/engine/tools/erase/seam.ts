/**
 * The seam check (mirrors src/privpix/tools/erase/seam.py; docs/erase.md, "seams"): every hole pixel with
 * a known 4-neighbour measures the seam, Δ = round(mean of its known 4-neighbours) − fill, per RGB
 * channel; the samples are pooled in c×c cells (c = ceil(side / SEAM_CELLS)); each hole pixel then
 * moves by floor(Σ ΣΔ_b·w_b / Σ n_b·w_b + 0.5), w_b = 1/(d² + c²), over the cells in raster order, float64,
 * d² from the pixel to the cell's centre (both in half pixels, so d² and c² are counted in quarter
 * pixels). The same IEEE operations in the same order as the Python engine: the same bytes.
 *
 * Two steps: `seamCells` pools the border samples (serial, it reads only the border), and `kSeam`
 * moves the hole pixels, each on its own, so the fill's runner spreads it over its threads.
 */
import { allocF64, allocI32 } from './alloc';
import type { LevelState } from './patchmatch';

export const SEAM_CELLS = 32;

/** The pooled border samples: per cell (raster order of the cells) its centre and ΣΔR, ΣΔG, ΣΔB, n. */
export interface SeamCells {
  /** Number of cells that hold samples. */
  n: number;
  /** Cell centres in half pixels. */
  cy2: Int32Array;
  cx2: Int32Array;
  /** 4 per cell: the summed Δ of the three channels, then the sample count. */
  sums: Float64Array;
  /** 4c²: the weight's softening, in quarter pixels. */
  soft: number;
}

/**
 * Pool the seam samples of the fill `img` (h*w*C, known pixels as in the photo) whose hole pixels are
 * `hp` (raster order); null when the hole has no known 4-neighbour at all.
 */
export function seamCells(img: Uint8Array, C: number, hp: Int32Array, h: number, w: number, shared: boolean): SeamCells | null {
  const nh = hp.length;
  if (!nh) return null;
  const y0 = (hp[0]! / w) | 0;
  const y1 = (hp[nh - 1]! / w) | 0;
  let x0 = w;
  let x1 = -1;
  for (let k = 0; k < nh; k++) {
    const x = hp[k]! % w;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
  }
  const side = Math.max(y1 - y0, x1 - x0) + 1;
  const c = Math.max(1, Math.ceil(side / SEAM_CELLS));
  const ncw = Math.ceil(w / c);
  const nch = Math.ceil(h / c);
  const cellSums = new Float64Array(ncw * nch * 4);
  // The hole on its rows and the row above and below (every neighbour a hole pixel reads).
  const inHole = new Uint8Array((y1 - y0 + 3) * w);
  for (let k = 0; k < nh; k++) inHole[hp[k]! - (y0 - 1) * w] = 1;
  const DY = [-1, 1, 0, 0];
  const DX = [0, 0, -1, 1];
  for (let k = 0; k < nh; k++) {
    const q = hp[k]!;
    const y = (q / w) | 0;
    const x = q - y * w;
    let n = 0;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    for (let i = 0; i < 4; i++) {
      const yy = y + DY[i]!;
      const xx = x + DX[i]!;
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      const p = yy * w + xx;
      if (inHole[p - (y0 - 1) * w]) continue;
      n++;
      a0 += img[p * C]!;
      a1 += img[p * C + 1]!;
      a2 += img[p * C + 2]!;
    }
    if (!n) continue;
    const cell = (((y / c) | 0) * ncw + ((x / c) | 0)) * 4;
    cellSums[cell]! += Math.floor((2 * a0 + n) / (2 * n)) - img[q * C]!;
    cellSums[cell + 1]! += Math.floor((2 * a1 + n) / (2 * n)) - img[q * C + 1]!;
    cellSums[cell + 2]! += Math.floor((2 * a2 + n) / (2 * n)) - img[q * C + 2]!;
    cellSums[cell + 3]! += 1;
  }
  let cells = 0;
  for (let b = 0; b < ncw * nch; b++) if (cellSums[b * 4 + 3]) cells++;
  if (!cells) return null;
  const cy2 = allocI32(cells, shared);
  const cx2 = allocI32(cells, shared);
  const sums = allocF64(cells * 4, shared);
  for (let b = 0, i = 0; b < ncw * nch; b++) {
    if (!cellSums[b * 4 + 3]) continue;
    cy2[i] = 2 * Math.floor(b / ncw) * c + c - 1;
    cx2[i] = 2 * (b % ncw) * c + c - 1;
    sums.set(cellSums.subarray(b * 4, b * 4 + 4), i * 4);
    i++;
  }
  return { n: cells, cy2, cx2, sums, soft: 4 * c * c };
}

/**
 * Move hole pixels [i0, i1) of `S.hp` by the membrane of `S.seam`: reads the RGB of `img[sel]`, writes
 * the RGB of `img[1 - sel]` (its other channels are left as they were: nothing reads them after the seam check).
 */
export function kSeam(S: LevelState, sel: number, i0: number, i1: number): void {
  const { w, C, hp } = S;
  const seam = S.seam;
  if (!seam) throw new Error('no seam cells');
  const { n, cy2, cx2, sums, soft } = seam;
  const img = S.img[sel]!;
  const out = S.img[1 - sel]!;
  for (let k = i0; k < i1; k++) {
    const q = hp[k]!;
    const y = (q / w) | 0;
    const x = q - y * w;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let ws = 0;
    for (let i = 0; i < n; i++) {
      const dy = 2 * y - cy2[i]!;
      const dx = 2 * x - cx2[i]!;
      const wb = 1 / (dy * dy + dx * dx + soft);
      s0 += sums[i * 4]! * wb;
      s1 += sums[i * 4 + 1]! * wb;
      s2 += sums[i * 4 + 2]! * wb;
      ws += sums[i * 4 + 3]! * wb;
    }
    const o = q * C;
    out[o] = Math.min(255, Math.max(0, img[o]! + Math.floor(s0 / ws + 0.5)));
    out[o + 1] = Math.min(255, Math.max(0, img[o + 1]! + Math.floor(s1 / ws + 0.5)));
    out[o + 2] = Math.min(255, Math.max(0, img[o + 2]! + Math.floor(s2 / ws + 0.5)));
  }
}

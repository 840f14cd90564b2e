/**
 * The image side of the fill (mirrors src/privpix/tools/erase/pyramid.py and masks.py; docs/erase.md steps 1-5 and 7): the
 * 3-4 chamfer distance, square dilation, texture channels, the 2× pyramid, per-level setup (targets,
 * valid sources, weights) and the onion-peel initialisation of the coarsest hole. The texture channels
 * and the halving are row kernels (the fill's runner splits them over its threads); the rest is serial.
 * All integer except the confidence weights (float64 products in a fixed order).
 */
import { allocI32, allocU8 } from './alloc';

/** Distance that means "no mask pixel anywhere". */
export const CHAMFER_BIG = 1 << 28;

/**
 * 3-4 chamfer distance (1/3 px units) from every pixel to the nearest pixel where `m` is non-zero: two
 * raster passes, neighbours outside the image ignored; CHAMFER_BIG where `m` is empty.
 */
export function chamfer(m: Uint8Array, h: number, w: number): Int32Array {
  const BIG = CHAMFER_BIG;
  const d = new Int32Array(h * w);
  for (let i = 0; i < h * w; i++) d[i] = m[i] ? 0 : BIG;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const q = row + x;
      let v = d[q]!;
      if (v === 0) continue;
      if (y > 0) {
        const up = q - w;
        if (x > 0) v = Math.min(v, d[up - 1]! + 4);
        v = Math.min(v, d[up]! + 3);
        if (x < w - 1) v = Math.min(v, d[up + 1]! + 4);
      }
      if (x > 0) v = Math.min(v, d[q - 1]! + 3);
      d[q] = v;
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    const row = y * w;
    for (let x = w - 1; x >= 0; x--) {
      const q = row + x;
      let v = d[q]!;
      if (v === 0) continue;
      if (y < h - 1) {
        const down = q + w;
        if (x < w - 1) v = Math.min(v, d[down + 1]! + 4);
        v = Math.min(v, d[down]! + 3);
        if (x > 0) v = Math.min(v, d[down - 1]! + 4);
      }
      if (x < w - 1) v = Math.min(v, d[q + 1]! + 3);
      d[q] = Math.min(v, BIG);
    }
  }
  return d;
}

/** Square dilation by `r` (separable max filter, clamped at the edges); `r` <= 0 copies. */
export function dilateSquare(m: Uint8Array, h: number, w: number, r: number): Uint8Array {
  if (r <= 0) return m.slice();
  const t = new Uint8Array(h * w);
  const o = new Uint8Array(h * w);
  // Rows: a running count of set pixels in the window [x-r, x+r].
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let count = 0;
    for (let x = 0; x < Math.min(r, w); x++) count += m[row + x] ? 1 : 0;
    for (let x = 0; x < w; x++) {
      if (x + r < w && m[row + x + r]) count++;
      if (x - r - 1 >= 0 && m[row + x - r - 1]) count--;
      t[row + x] = count > 0 ? 1 : 0;
    }
  }
  for (let x = 0; x < w; x++) {
    let count = 0;
    for (let y = 0; y < Math.min(r, h); y++) count += t[y * w + x] ? 1 : 0;
    for (let y = 0; y < h; y++) {
      if (y + r < h && t[(y + r) * w + x]) count++;
      if (y - r - 1 >= 0 && t[(y - r - 1) * w + x]) count--;
      o[y * w + x] = count > 0 ? 1 : 0;
    }
  }
  return o;
}

/** [y0, y1, x0, x1] (inclusive) of the non-zero pixels, or null when there are none. */
export function bbox(m: Uint8Array, h: number, w: number): [number, number, number, number] | null {
  let y0 = h;
  let y1 = -1;
  let x0 = w;
  let x1 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let first = -1;
    let last = -1;
    for (let x = 0; x < w; x++) {
      if (m[row + x]) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (y < y0) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  return y1 < 0 ? null : [y0, y1, x0, x1];
}


export interface PyramidLevel {
  img: Uint8Array;
  hole: Uint8Array;
  h: number;
  w: number;
}

/**
 * One step of building the pyramid, as the fill's runner sees it: rows of `to` computed from `from`
 * (the texture channels of level 0 from the RGB crop, or a level from the finer one). Every row is
 * written on its own, so the rows can be split over threads.
 */
export interface PyramidStep {
  kind: 'pyramid';
  /** The RGB crop (OP_TEXTURE), or the finer level (OP_DOWNSAMPLE, C channels). */
  from: PyramidLevel;
  to: PyramidLevel;
  /** Channels of the levels. */
  C: number;
}

/**
 * Rows [y0, y1) of RGB plus the texture channels |dY/dx| and |dY/dy| (Y = (77R + 150G + 29B + 128) >> 8),
 * from known neighbours only (a hole neighbour is replaced by the pixel itself); hole pixels get 0.
 * `step.from` is the RGB crop and `step.to` the same size with 5 channels.
 */
export function kTexture(step: PyramidStep, y0: number, y1: number): void {
  const { img: rgb, hole, h, w } = step.from;
  const out = step.to.img;
  const Y = (q: number): number => (77 * rgb[q * 3]! + 150 * rgb[q * 3 + 1]! + 29 * rgb[q * 3 + 2]! + 128) >> 8;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < w; x++) {
      const q = y * w + x;
      const o = q * 5;
      out[o] = rgb[q * 3]!;
      out[o + 1] = rgb[q * 3 + 1]!;
      out[o + 2] = rgb[q * 3 + 2]!;
      if (hole[q]) continue;
      const right = x + 1 < w && !hole[q + 1] ? q + 1 : q;
      const left = x > 0 && !hole[q - 1] ? q - 1 : q;
      const down = y + 1 < h && !hole[q + w] ? q + w : q;
      const up = y > 0 && !hole[q - w] ? q - w : q;
      out[o + 3] = Math.abs(Y(right) - Y(left));
      out[o + 4] = Math.abs(Y(down) - Y(up));
    }
  }
}

/** The size of the level below one of h×w: (h+1) >> 1 by (w+1) >> 1. */
export function halfSize(h: number, w: number): [number, number] {
  return [(h + 1) >> 1, (w + 1) >> 1];
}

/**
 * Rows [y0, y1) of the half-size level `step.to` from `step.from`: each channel the rounded mean of the
 * 2×2 children (odd last row/column clamped); hole = OR of the children.
 */
export function kDownsample(step: PyramidStep, y0: number, y1: number): void {
  const { img, hole, h, w } = step.from;
  const { img: o, hole: m, w: w2 } = step.to;
  const C = step.C;
  for (let y = y0; y < y1; y++) {
    const ya = 2 * y;
    const yb = Math.min(2 * y + 1, h - 1);
    for (let x = 0; x < w2; x++) {
      const xa = 2 * x;
      const xb = Math.min(2 * x + 1, w - 1);
      const a = ya * w + xa;
      const b = ya * w + xb;
      const c = yb * w + xa;
      const e = yb * w + xb;
      const q = (y * w2 + x) * C;
      for (let ch = 0; ch < C; ch++) o[q + ch] = (img[a * C + ch]! + img[b * C + ch]! + img[c * C + ch]! + img[e * C + ch]! + 2) >> 2;
      m[y * w2 + x] = hole[a]! | hole[b]! | hole[c]! | hole[e]!;
    }
  }
}

export interface LevelSetup {
  /** Flat index of each target (centres within r of the hole, r from the border), raster order. */
  tp: Int32Array;
  tindex: Int32Array;
  /** 1 where a source patch may be centred (r from the border, no hole pixel within r). */
  valid: Uint8Array;
  nValid: number;
}

/**
 * `near` = the hole dilated by r, computed on the hole's bbox grown by r only (it is zero elsewhere):
 * [window, near on the window]. The window is [y0, y1) x [x0, x1).
 */
function nearWindow(hole: Uint8Array, h: number, w: number, r: number): { y0: number; y1: number; x0: number; x1: number; near: Uint8Array } | null {
  const b = bbox(hole, h, w);
  if (!b) return null;
  const y0 = Math.max(0, b[0] - r);
  const y1 = Math.min(h, b[1] + 1 + r);
  const x0 = Math.max(0, b[2] - r);
  const x1 = Math.min(w, b[3] + 1 + r);
  const ww = x1 - x0;
  const sub = new Uint8Array((y1 - y0) * ww);
  for (let y = y0; y < y1; y++) sub.set(hole.subarray(y * w + x0, y * w + x1), (y - y0) * ww);
  return { y0, y1, x0, x1, near: dilateSquare(sub, y1 - y0, ww, r) };
}

/** Targets and valid sources of a level; `shared`: on SharedArrayBuffers (the kernels' threads read them). */
export function levelSetup(hole: Uint8Array, h: number, w: number, r: number, shared = false): LevelSetup {
  const valid = allocU8(h * w, shared);
  const tindex = allocI32(h * w, shared).fill(-1);
  let nValid = 0;
  for (let y = r; y < h - r; y++) {
    valid.fill(1, y * w + r, y * w + w - r);
    nValid += Math.max(0, w - 2 * r);
  }
  const nw = nearWindow(hole, h, w, r);
  if (!nw) return { tp: allocI32(0, shared), tindex, valid, nValid };
  const { near } = nw;
  const ww = nw.x1 - nw.x0;
  const ya = Math.max(r, nw.y0);
  const yb = Math.min(h - r, nw.y1);
  const xa = Math.max(r, nw.x0);
  const xb = Math.min(w - r, nw.x1);
  let nt = 0;
  for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) nt += near[(y - nw.y0) * ww + x - nw.x0]!;
  const tp = allocI32(nt, shared);
  let k = 0;
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) {
      if (!near[(y - nw.y0) * ww + x - nw.x0]) continue;
      const q = y * w + x;
      tindex[q] = k;
      tp[k++] = q;
      valid[q] = 0;
    }
  }
  return { tp, tindex, valid, nValid: nValid - nt };
}

/** Number of valid source centres of a hole mask (the pyramid's stopping test). */
export function countValid(hole: Uint8Array, h: number, w: number, r: number): number {
  let n = Math.max(0, h - 2 * r) * Math.max(0, w - 2 * r);
  const nw = nearWindow(hole, h, w, r);
  if (!nw) return n;
  const ww = nw.x1 - nw.x0;
  for (let y = Math.max(r, nw.y0); y < Math.min(h - r, nw.y1); y++) {
    for (let x = Math.max(r, nw.x0); x < Math.min(w - r, nw.x1); x++) n -= nw.near[(y - nw.y0) * ww + x - nw.x0]!;
  }
  return n;
}

/** γ^(-1/3) for the gammas in use, as literals (so no pow() result can differ between engines). */
const GAMMA_C: Record<string, number> = { '1.5': 0.8735804647362989, '1.3': 0.9162603270741789 };

/**
 * Spatial-confidence vote weight per target: c^dist with dist the chamfer distance (1/3 px) to the
 * nearest known pixel and c = γ^(-1/3); T[k] = T[k-1]·c in float64. γ = 1 gives 1 everywhere.
 */
export function confidenceWeights(hole: Uint8Array, h: number, w: number, tp: Int32Array, gamma: number): Float64Array {
  const wt = new Float64Array(tp.length);
  if (gamma === 1) {
    wt.fill(1);
    return wt;
  }
  // Only hole pixels are away from the known ones, and the ring just outside the hole's bbox is known:
  // the distance on that bbox grown by 1 px is the distance on the whole level.
  const b = bbox(hole, h, w);
  const dist = new Int32Array(tp.length);
  if (b) {
    const y0 = Math.max(0, b[0] - 1);
    const y1 = Math.min(h, b[1] + 2);
    const x0 = Math.max(0, b[2] - 1);
    const x1 = Math.min(w, b[3] + 2);
    const ww = x1 - x0;
    const known = new Uint8Array((y1 - y0) * ww);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) known[(y - y0) * ww + x - x0] = hole[y * w + x] ? 0 : 1;
    const dw = chamfer(known, y1 - y0, ww);
    for (let i = 0; i < tp.length; i++) {
      const p = tp[i]!;
      const y = (p / w) | 0;
      const x = p - y * w;
      dist[i] = y >= y0 && y < y1 && x >= x0 && x < x1 ? dw[(y - y0) * ww + x - x0]! : 0;
    }
  }
  let mx = 0;
  for (let i = 0; i < tp.length; i++) mx = Math.max(mx, dist[i]!);
  const c = GAMMA_C[String(gamma)] ?? Math.pow(gamma, -1 / 3);
  const table = new Float64Array(mx + 1);
  table[0] = 1;
  for (let k = 1; k <= mx; k++) table[k] = table[k - 1]! * c;
  for (let i = 0; i < tp.length; i++) wt[i] = table[dist[i]!]!;
  return wt;
}

/**
 * Onion-peel fill of the hole, in place: layer by layer, every unfilled pixel with n >= 1 filled
 * 8-neighbours (judged before the layer) gets their rounded mean, (2Σ + n) div 2n per channel; a hole
 * with no known pixel at all gets 128.
 */
export function onionInit(img: Uint8Array, hole: Uint8Array, h: number, w: number, C: number): void {
  const known = new Uint8Array(h * w);
  let left = 0;
  for (let i = 0; i < h * w; i++) {
    known[i] = hole[i] ? 0 : 1;
    if (hole[i]) left++;
  }
  const acc = new Int32Array(C);
  let layer = new Int32Array(Math.min(left, 1024) * (C + 1));
  while (left > 0) {
    let used = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const q = y * w + x;
        if (known[q]) continue;
        let n = 0;
        acc.fill(0);
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= h) continue;
          for (let dx = -1; dx <= 1; dx++) {
            if (!dy && !dx) continue;
            const xx = x + dx;
            if (xx < 0 || xx >= w) continue;
            const p = yy * w + xx;
            if (!known[p]) continue;
            n++;
            for (let c = 0; c < C; c++) acc[c] = acc[c]! + img[p * C + c]!;
          }
        }
        if (!n) continue;
        if (used + C + 1 > layer.length) {
          const grown = new Int32Array(layer.length * 2);
          grown.set(layer);
          layer = grown;
        }
        layer[used++] = q;
        for (let c = 0; c < C; c++) layer[used++] = Math.floor((2 * acc[c]! + n) / (2 * n));
      }
    }
    if (!used) {
      for (let q = 0; q < h * w; q++) if (!known[q]) for (let c = 0; c < C; c++) img[q * C + c] = 128;
      break;
    }
    for (let k = 0; k < used; k += C + 1) {
      const q = layer[k]!;
      for (let c = 0; c < C; c++) img[q * C + c] = layer[k + 1 + c]!;
      known[q] = 1;
      left--;
    }
  }
}

/**
 * Diffusion of the hole, in place (after the onion peel, at the coarsest level): `iterations` Jacobi
 * steps in which every hole pixel takes (up + down + left + right + 2) >> 2 per channel of the previous
 * step, a neighbour outside the level counting as the pixel itself. It turns the onion peel's streaks
 * into a smooth membrane between the hole's borders, so the first patch search starts from colours
 * that already continue the surroundings.
 */
export function diffuseInit(img: Uint8Array, hole: Uint8Array, h: number, w: number, C: number, iterations: number): void {
  const b = bbox(hole, h, w);
  if (!b || iterations <= 0) return;
  const hp: number[] = [];
  for (let y = b[0]; y <= b[1]; y++) for (let x = b[2]; x <= b[3]; x++) if (hole[y * w + x]) hp.push(y * w + x);
  const next = new Uint8Array(hp.length * C);
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < hp.length; k++) {
      const q = hp[k]!;
      const y = (q / w) | 0;
      const x = q - y * w;
      const up = y > 0 ? q - w : q;
      const down = y < h - 1 ? q + w : q;
      const left = x > 0 ? q - 1 : q;
      const right = x < w - 1 ? q + 1 : q;
      for (let c = 0; c < C; c++) next[k * C + c] = (img[up * C + c]! + img[down * C + c]! + img[left * C + c]! + img[right * C + c]! + 2) >> 2;
    }
    for (let k = 0; k < hp.length; k++) for (let c = 0; c < C; c++) img[hp[k]! * C + c] = next[k * C + c]!;
  }
}

/**
 * Reconstruct the hole from the nearest-neighbour field (mirrors src/privpix/tools/erase/vote.py; docs/erase.md
 * step 9). A gather over hole pixels: each pixel reads the patches that cover it, so any split of the
 * hole-pixel range gives the same bytes. Reads `img[sel]`, writes `img[1 - sel]`.
 */
import type { LevelState } from './patchmatch';

/**
 * Mean vote: the confidence-weighted mean of what every covering patch (centre within `rv`, in raster
 * order of the centre, float64 sums in that order) says about the pixel, rounded half up. A pixel no
 * patch within `rv` covers falls back to the full patch radius.
 */
export function kVoteMean(S: LevelState, sel: number, rv: number, i0: number, i1: number): void {
  const { w, h, r, C, tindex, sp, wt, hp } = S;
  const img = S.img[sel]!;
  const out = S.img[1 - sel]!;
  for (let n = i0; n < i1; n++) {
    const q = hp[n]!;
    const y = (q / w) | 0;
    const x = q - y * w;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let cn = 0;
    let rad = rv;
    while (cn === 0) {
      a0 = a1 = a2 = a3 = a4 = 0;
      const y0 = Math.max(0, y - rad);
      const y1 = Math.min(h - 1, y + rad);
      const x0 = Math.max(0, x - rad);
      const x1 = Math.min(w - 1, x + rad);
      for (let py = y0; py <= y1; py++) {
        for (let px = x0; px <= x1; px++) {
          const i = tindex[py * w + px]!;
          if (i < 0) continue;
          const s = (sp[i]! + (y - py) * w + (x - px)) * C;
          const wi = wt[i]!;
          a0 += wi * img[s]!;
          a1 += wi * img[s + 1]!;
          a2 += wi * img[s + 2]!;
          if (C === 5) {
            a3 += wi * img[s + 3]!;
            a4 += wi * img[s + 4]!;
          }
          cn += wi;
        }
      }
      if (rad === r && cn === 0) throw new Error(`hole pixel ${q} has no covering patch`);
      rad = r;
    }
    const o = q * C;
    out[o] = Math.floor(a0 / cn + 0.5);
    out[o + 1] = Math.floor(a1 / cn + 0.5);
    out[o + 2] = Math.floor(a2 / cn + 0.5);
    if (C === 5) {
      out[o + 3] = Math.floor(a3 / cn + 0.5);
      out[o + 4] = Math.floor(a4 / cn + 0.5);
    }
  }
}

/**
 * Best-patch vote: copy every channel from the covering patch with the smallest SSD (the first in
 * raster order of the centre on ties). Used for the last iteration at texture scale.
 */
export function kVoteBest(S: LevelState, sel: number, i0: number, i1: number): void {
  const { w, h, r, C, tindex, sp, d, hp } = S;
  const img = S.img[sel]!;
  const out = S.img[1 - sel]!;
  for (let n = i0; n < i1; n++) {
    const q = hp[n]!;
    const y = (q / w) | 0;
    const x = q - y * w;
    let bd = Infinity;
    let src = -1;
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h - 1, y + r);
    const x0 = Math.max(0, x - r);
    const x1 = Math.min(w - 1, x + r);
    for (let py = y0; py <= y1; py++) {
      for (let px = x0; px <= x1; px++) {
        const i = tindex[py * w + px]!;
        if (i >= 0 && d[i]! < bd) {
          bd = d[i]!;
          src = sp[i]! + (y - py) * w + (x - px);
        }
      }
    }
    if (src < 0) throw new Error(`hole pixel ${q} has no covering patch`);
    const o = q * C;
    const s = src * C;
    for (let c = 0; c < C; c++) out[o + c] = img[s + c]!;
  }
}

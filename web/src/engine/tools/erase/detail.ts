/**
 * The fill's finest detail at half amplitude (mirrors src/privpix/tools/erase/detail.py; docs/erase.md
 * step 12): each hole pixel moves half-way to the mean of its 3×3 neighbourhood, per RGB channel,
 * out = (9·fill + Σ3×3 + 9) div 18, neighbours outside the level counting as the edge pixel. Patch
 * synthesis guesses pixel-scale detail; at half amplitude a wrong guess reads less as noise.
 */
import type { LevelState } from './patchmatch';

/** Hole pixels [i0, i1) of `S.hp`: reads the RGB of `img[sel]`, writes the RGB of `img[1 - sel]`. */
export function kSoften(S: LevelState, sel: number, i0: number, i1: number): void {
  const { h, w, C, hp } = S;
  const img = S.img[sel]!;
  const out = S.img[1 - sel]!;
  for (let k = i0; k < i1; k++) {
    const q = hp[k]!;
    const y = (q / w) | 0;
    const x = q - y * w;
    const up = (y > 0 ? -w : 0) * C;
    const down = (y < h - 1 ? w : 0) * C;
    const left = (x > 0 ? -1 : 0) * C;
    const right = (x < w - 1 ? 1 : 0) * C;
    for (let o = q * C, e = o + 3; o < e; o++) {
      const a = o + up;
      const b = o + down;
      const s = img[a + left]! + img[a]! + img[a + right]! + img[o + left]! + img[o]! + img[o + right]! + img[b + left]! + img[b]! + img[b + right]!;
      out[o] = Math.floor((9 * img[o]! + s + 9) / 18);
    }
  }
}

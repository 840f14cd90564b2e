/**
 * The seam check (mirrors src/privpix/tools/erase/seam.py; docs/erase.md, "seams"): every hole pixel with
 * a known 4-neighbour measures the seam, Δ = round(mean of its known 4-neighbours) − fill, per RGB
 * channel; the samples are pooled in c×c cells (c = ceil(side / SEAM_CELLS)); each hole pixel then
 * moves by floor(Σ ΣΔ_b·w_b / Σ n_b·w_b + 0.5), w_b = 1/(d² + c²), over the cells in raster order, float64,
 * d² from the pixel to the cell's centre (both in half pixels, so d² and c² are counted in quarter
 * pixels). The same IEEE operations in the same order as the Python engine: the same bytes.
 */

export const SEAM_CELLS = 32;

/** Correct the RGB channels of the hole pixels of `img` (h*w*C, known pixels as in the photo), in place. */
export function seamCorrect(img: Uint8Array, C: number, hole: Uint8Array, h: number, w: number): void {
  let y0 = h;
  let y1 = -1;
  let x0 = w;
  let x1 = -1;
  let nh = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!hole[y * w + x]) continue;
      nh++;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
    }
  }
  if (!nh) return;
  const side = Math.max(y1 - y0, x1 - x0) + 1;
  const c = Math.max(1, Math.ceil(side / SEAM_CELLS));
  const ncw = Math.ceil(w / c);
  const nch = Math.ceil(h / c);
  // Border samples pooled per cell: count and summed Δ per channel.
  const count = new Float64Array(ncw * nch);
  const sums = new Float64Array(ncw * nch * 3);
  const DY = [-1, 1, 0, 0];
  const DX = [0, 0, -1, 1];
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const q = y * w + x;
      if (!hole[q]) continue;
      let n = 0;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      for (let k = 0; k < 4; k++) {
        const yy = y + DY[k]!;
        const xx = x + DX[k]!;
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        const p = yy * w + xx;
        if (hole[p]) continue;
        n++;
        a0 += img[p * C]!;
        a1 += img[p * C + 1]!;
        a2 += img[p * C + 2]!;
      }
      if (!n) continue;
      const cell = ((y / c) | 0) * ncw + ((x / c) | 0);
      count[cell]! += 1;
      sums[cell * 3]! += Math.floor((2 * a0 + n) / (2 * n)) - img[q * C]!;
      sums[cell * 3 + 1]! += Math.floor((2 * a1 + n) / (2 * n)) - img[q * C + 1]!;
      sums[cell * 3 + 2]! += Math.floor((2 * a2 + n) / (2 * n)) - img[q * C + 2]!;
    }
  }
  const cells: number[] = [];
  for (let b = 0; b < count.length; b++) if (count[b]) cells.push(b);
  if (!cells.length) return;
  const cy2 = cells.map((b) => 2 * Math.floor(b / ncw) * c + c - 1);
  const cx2 = cells.map((b) => 2 * (b % ncw) * c + c - 1);
  const soft = 4 * c * c;
  const out = new Int32Array(nh * 3);
  const at = new Int32Array(nh);
  let k = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const q = y * w + x;
      if (!hole[q]) continue;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let ws = 0;
      for (let i = 0; i < cells.length; i++) {
        const dy = 2 * y - cy2[i]!;
        const dx = 2 * x - cx2[i]!;
        const wb = 1 / (dy * dy + dx * dx + soft);
        const b = cells[i]!;
        s0 += sums[b * 3]! * wb;
        s1 += sums[b * 3 + 1]! * wb;
        s2 += sums[b * 3 + 2]! * wb;
        ws += count[b]! * wb;
      }
      at[k] = q;
      out[k * 3] = Math.min(255, Math.max(0, img[q * C]! + Math.floor(s0 / ws + 0.5)));
      out[k * 3 + 1] = Math.min(255, Math.max(0, img[q * C + 1]! + Math.floor(s1 / ws + 0.5)));
      out[k * 3 + 2] = Math.min(255, Math.max(0, img[q * C + 2]! + Math.floor(s2 / ws + 0.5)));
      k++;
    }
  }
  for (let i = 0; i < nh; i++) for (let ch = 0; ch < 3; ch++) img[at[i]! * C + ch] = out[i * 3 + ch]!;
}

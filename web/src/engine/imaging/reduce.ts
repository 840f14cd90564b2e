/**
 * Downscale a picture that arrives a band of rows at a time, never holding it whole (mirrors
 * src/privpix/imaging/reduce.py).
 *
 * Pictures over MAX_PIXELS with a downscale asked for (HEIC grids tile row by tile row) are reduced
 * by whole factors — each output pixel the mean of a `factorX` × `factorY` block, the last block of a
 * row or column the mean of what is there, colours weighted by alpha so transparent pixels add none —
 * then fitted to the final size by the usual scaler (resize.ts `pixelsAt`). The factor is the one
 * Python's box pre-reduction would pick (the source over REDUCING_GAP times the final size), raised
 * until the result is within the budget. Rows that do not fill a block are summed as they come, so
 * where the bands are cut does not matter.
 */

import { MAX_PIXELS } from '../options';
import type { Raster } from './raster';
import { REDUCING_GAP, fitSize } from './resize';

/** The whole factors [x, y] a `width` × `height` picture is reduced by before it is fitted within `maxDimension`. */
export function reductionFactor(width: number, height: number, maxDimension: number): [number, number] {
  const [fw, fh] = fitSize(width, height, maxDimension);
  let fx = Math.max(1, Math.floor(width / fw / REDUCING_GAP));
  let fy = Math.max(1, Math.floor(height / fh / REDUCING_GAP));
  while (Math.ceil(width / fx) * Math.ceil(height / fy) > MAX_PIXELS) {
    fx += 1;
    fy += 1;
  }
  return [fx, fy];
}

/** Feed the rows of a `width` × `height` RGBA picture top to bottom, in bands of any height; `result()` is it reduced by `factor`. */
export class BlockReducer {
  readonly outWidth: number;
  readonly outHeight: number;
  private readonly out: Uint8ClampedArray<ArrayBuffer>;
  /** Sums of the output row being made: colour × alpha (r, g, b), alpha, and the pixel count. */
  private readonly sums: Float64Array;
  private pending = 0; // source rows summed into `sums`
  private done = 0; // output rows made
  rows = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly factor: [number, number],
  ) {
    this.outWidth = Math.ceil(width / factor[0]);
    this.outHeight = Math.ceil(height / factor[1]);
    this.out = new Uint8ClampedArray(this.outWidth * this.outHeight * 4);
    this.sums = new Float64Array(this.outWidth * 5);
  }

  feed(band: Raster): void {
    if (band.width !== this.width || this.rows + band.height > this.height) {
      throw new Error(`a band of ${band.width}×${band.height} does not continue a ${this.width}×${this.height} picture`);
    }
    const [fx, fy] = this.factor;
    const { data } = band;
    const sums = this.sums;
    for (let y = 0; y < band.height; y++) {
      const start = y * this.width * 4;
      for (let cell = 0, x0 = 0; x0 < this.width; cell += 5, x0 += fx) {
        let r = 0;
        let g = 0;
        let b = 0;
        let a = 0;
        const end = start + Math.min(x0 + fx, this.width) * 4;
        for (let at = start + x0 * 4; at < end; at += 4) {
          const alpha = data[at + 3]!;
          r += data[at]! * alpha;
          g += data[at + 1]! * alpha;
          b += data[at + 2]! * alpha;
          a += alpha;
        }
        sums[cell] = sums[cell]! + r;
        sums[cell + 1] = sums[cell + 1]! + g;
        sums[cell + 2] = sums[cell + 2]! + b;
        sums[cell + 3] = sums[cell + 3]! + a;
        sums[cell + 4] = sums[cell + 4]! + (end - start - x0 * 4) / 4;
      }
      this.rows += 1;
      this.pending += 1;
      if (this.pending === fy || this.rows === this.height) this.emit();
    }
  }

  private emit(): void {
    const sums = this.sums;
    const row = this.done * this.outWidth * 4;
    for (let x = 0; x < this.outWidth; x++) {
      const s = x * 5;
      const alpha = sums[s + 3]!;
      const o = row + x * 4;
      if (alpha > 0) {
        this.out[o] = Math.round(sums[s]! / alpha);
        this.out[o + 1] = Math.round(sums[s + 1]! / alpha);
        this.out[o + 2] = Math.round(sums[s + 2]! / alpha);
      }
      this.out[o + 3] = Math.round(alpha / sums[s + 4]!);
    }
    sums.fill(0);
    this.pending = 0;
    this.done += 1;
  }

  result(): Raster {
    if (this.rows !== this.height) throw new Error(`${this.rows} of ${this.height} rows were fed`);
    return { data: this.out, width: this.outWidth, height: this.outHeight };
  }
}

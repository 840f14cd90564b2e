/** RGBA pixels in memory, and the whole-pixel operations on them (orientation, alpha, flattening). */

/** RGBA bytes in an ordinary (not shared) buffer, as ImageData and the codecs take them. */
export type Pixels = Uint8ClampedArray<ArrayBuffer>;

export interface Raster {
  data: Pixels; // RGBA, 8 bits per channel, not premultiplied
  width: number;
  height: number;
}

/**
 * The pixels made upright for EXIF orientation `o` (1-8), exactly (no resampling); `o` = 1 returns
 * `r` itself. 5-8 swap width and height.
 */
export function orient(r: Raster, o: number): Raster {
  if (o < 2 || o > 8) return r;
  const { width: W, height: H } = r;
  const src = new Uint32Array(r.data.buffer, r.data.byteOffset, W * H);
  const swap = o >= 5;
  const w = swap ? H : W;
  const h = swap ? W : H;
  const out = new Uint8ClampedArray(W * H * 4);
  const dst = new Uint32Array(out.buffer);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    switch (o) {
      case 2: // mirror left-right
        for (let x = 0, s = y * W + W - 1; x < w; x++, s--) dst[row + x] = src[s]!;
        break;
      case 3: // 180°
        for (let x = 0, s = (H - 1 - y) * W + W - 1; x < w; x++, s--) dst[row + x] = src[s]!;
        break;
      case 4: // mirror top-bottom
        dst.set(src.subarray((H - 1 - y) * W, (H - y) * W), row);
        break;
      case 5: // transpose: out(x, y) = in(y, x)
        for (let x = 0, s = y; x < w; x++, s += W) dst[row + x] = src[s]!;
        break;
      case 6: // 90° clockwise: out(x, y) = in(y, H-1-x)
        for (let x = 0, s = (H - 1) * W + y; x < w; x++, s -= W) dst[row + x] = src[s]!;
        break;
      case 7: // transverse: out(x, y) = in(W-1-y, H-1-x)
        for (let x = 0, s = (H - 1) * W + (W - 1 - y); x < w; x++, s -= W) dst[row + x] = src[s]!;
        break;
      case 8: // 90° anticlockwise: out(x, y) = in(W-1-y, x)
        for (let x = 0, s = W - 1 - y; x < w; x++, s += W) dst[row + x] = src[s]!;
        break;
    }
  }
  return { data: out, width: w, height: h };
}

/** Whether any pixel is less than fully opaque. */
export function hasTransparency(r: Raster): boolean {
  const d = r.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return true;
  return false;
}

/** Composite onto an opaque `background` colour, in place (alpha becomes 255). */
export function flatten(r: Raster, [br, bg, bb]: [number, number, number]): void {
  const d = r.data;
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3]!;
    if (a === 255) continue;
    const k = 255 - a;
    d[i] = (d[i]! * a + br * k + 127) / 255;
    d[i + 1] = (d[i + 1]! * a + bg * k + 127) / 255;
    d[i + 2] = (d[i + 2]! * a + bb * k + 127) / 255;
    d[i + 3] = 255;
  }
}

/**
 * The two resamplers of the background pipeline, exactly as the Python engine has them (docs/remove-bg.md, the
 * port spec; src/privpix/tools/remove_bg/resample.py):
 *
 * - `resizeTriangle`: Pillow's `Image.resize(BILINEAR)` bit for bit — separable, horizontal pass first,
 *   support max(scale, 1), 22-bit fixed-point weights, a uint8 intermediate. The only resampling that
 *   reads the full-resolution pixels (full → guide), and the model input (guide → model size).
 * - `axis` / `resizeBilinear`: plain bilinear with half-pixel centres and edge clamp, no antialias
 *   (numpy's resize_bilinear, cv2 INTER_LINEAR), rows first, then columns; for masks and coefficients.
 */

const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

interface Coeffs {
  ksize: number;
  bounds: Int32Array; // [xmin, count] per output index
  kk: Int32Array; // fixed-point weights, ksize per output index
}

function coeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const fscale = Math.max(scale, 1);
  const support = fscale; // the triangle filter's support is 1
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const tmp = new Float64Array(ksize);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) / fscale);
      const w = t < 1 ? 1 - t : 0;
      tmp[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? tmp[x]! / ww : tmp[x]!;
      kk[i * ksize + x] = k < 0 ? Math.trunc(-0.5 + k * ONE) : Math.trunc(0.5 + k * ONE);
    }
    bounds[2 * i] = xmin;
    bounds[2 * i + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

const clip8 = (ss: number): number => {
  const v = ss >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

/**
 * RGB `w`×`h` from the first three channels of `src` (`W`×`H`, `C` bytes a pixel: 3 or 4). Returns a
 * new 3-byte-a-pixel array (or a 3-channel copy when the size does not change).
 */
export function resizeTriangle(src: Uint8Array | Uint8ClampedArray, W: number, H: number, C: number, w: number, h: number): Uint8Array {
  let cur: Uint8Array;
  if (w !== W) {
    const { ksize, bounds, kk } = coeffs(W, w);
    cur = new Uint8Array(w * H * 3);
    for (let y = 0; y < H; y++) {
      const row = y * W * C;
      let o = y * w * 3;
      for (let x = 0; x < w; x++) {
        const xmin = bounds[2 * x]!;
        const n = bounds[2 * x + 1]!;
        const k0 = x * ksize;
        let s0 = HALF;
        let s1 = HALF;
        let s2 = HALF;
        let p = row + xmin * C;
        for (let j = 0; j < n; j++, p += C) {
          const k = kk[k0 + j]!;
          s0 += src[p]! * k;
          s1 += src[p + 1]! * k;
          s2 += src[p + 2]! * k;
        }
        cur[o++] = clip8(s0);
        cur[o++] = clip8(s1);
        cur[o++] = clip8(s2);
      }
    }
  } else if (C === 3) {
    cur = src instanceof Uint8Array ? src : new Uint8Array(src.buffer, src.byteOffset, src.length);
  } else {
    cur = new Uint8Array(W * H * 3);
    for (let i = 0, p = 0, o = 0; i < W * H; i++, p += C) {
      cur[o++] = src[p]!;
      cur[o++] = src[p + 1]!;
      cur[o++] = src[p + 2]!;
    }
  }
  if (h === H) return cur === src ? cur.slice() : cur;
  const { ksize, bounds, kk } = coeffs(H, h);
  const stride = w * 3;
  const out = new Uint8Array(stride * h);
  for (let y = 0; y < h; y++) {
    const ymin = bounds[2 * y]!;
    const n = bounds[2 * y + 1]!;
    const k0 = y * ksize;
    const o = y * stride;
    for (let x = 0; x < stride; x++) {
      let ss = HALF;
      for (let j = 0, p = ymin * stride + x; j < n; j++, p += stride) ss += cur[p]! * kk[k0 + j]!;
      out[o + x] = clip8(ss);
    }
  }
  return out;
}

/** Source indices and weights of a half-pixel bilinear resize along one axis. */
export interface Axis {
  i0: Int32Array;
  i1: Int32Array;
  f: Float32Array;
}

export function axis(nOut: number, nIn: number): Axis {
  const i0 = new Int32Array(nOut);
  const i1 = new Int32Array(nOut);
  const f = new Float32Array(nOut);
  const s = nIn / nOut;
  for (let i = 0; i < nOut; i++) {
    let c = (i + 0.5) * s - 0.5;
    if (c < 0) c = 0;
    if (c > nIn - 1) c = nIn - 1;
    const a = Math.floor(c);
    i0[i] = a;
    i1[i] = Math.min(a + 1, nIn - 1);
    f[i] = c - a;
  }
  return { i0, i1, f };
}

/** One channel, `W`×`H` → `w`×`h`, half-pixel bilinear (rows first, then columns). */
export function resizeBilinear(src: Float32Array, W: number, H: number, w: number, h: number): Float32Array {
  if (W === w && H === h) return src;
  const Y = axis(h, H);
  const X = axis(w, W);
  const out = new Float32Array(w * h);
  const row = new Float32Array(W);
  for (let y = 0; y < h; y++) {
    const r0 = Y.i0[y]! * W;
    const r1 = Y.i1[y]! * W;
    const fy = Y.f[y]!;
    const gy = 1 - fy;
    for (let x = 0; x < W; x++) row[x] = src[r0 + x]! * gy + src[r1 + x]! * fy;
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const fx = X.f[x]!;
      out[o + x] = row[X.i0[x]!]! * (1 - fx) + row[X.i1[x]!]! * fx;
    }
  }
  return out;
}

/**
 * From the model's low-resolution mask to full-resolution alpha and foreground colour (docs/remove-bg.md, the steps
 * 5-8; the Python twins are src/privpix/tools/remove_bg/refine.py and foreground.py):
 *
 * - a guided filter with an RGB guide at guide resolution (long side ≤ 1024) gives per-pixel linear
 *   coefficients (A, B); they are upsampled bilinearly to full resolution, where q = A·I + B and the
 *   curve α = clip((q − 0.2) / 0.6, 0, 1);
 * - blur-fusion foreground estimation (Forte & Pitié 2021, two passes of box filters) at guide
 *   resolution; at full resolution only the closed-form correction, where 0 < α8 < 255.
 *
 * The full-resolution work is one fused pass (`applyFullRes`): alpha, foreground and the chosen output
 * (cut-out, composite or mask) are computed pixel by pixel from the guide-resolution planes and written
 * over the input pixels, so a 12 MP photo needs one RGBA buffer (48 MB) and no full-size float planes.
 * Float32 storage and float64 arithmetic, as the Python engine's float32 arrays with float64 box sums:
 * the alphas agree within a few 1e-6.
 */

import { axis } from './resample';

// ---- box mean ------------------------------------------------------------------------------------

let scratch = new Float64Array(0);

/** Mean over the (2r+1)² window clipped to the image (divided by the in-image count); float64 sums. */
export function boxMean(a: Float32Array, w: number, h: number, r: number): Float32Array {
  const out = new Float32Array(w * h);
  if (r <= 0) {
    out.set(a);
    return out;
  }
  // vertical pass into a reused float64 scratch (allocating 6 MB per call costs more than the sums)
  if (scratch.length < w * h + w) scratch = new Float64Array(w * h + w);
  const tmp = scratch;
  const col = w * h; // the running column sums live after the image in the scratch
  tmp.fill(0, col, col + w);
  for (let y = 0; y < Math.min(r, h); y++) for (let x = 0; x < w; x++) tmp[col + x]! += a[y * w + x]!;
  for (let y = 0; y < h; y++) {
    const add = y + r;
    const sub = y - r - 1;
    if (add < h) {
      const o = add * w;
      for (let x = 0; x < w; x++) tmp[col + x]! += a[o + x]!;
    }
    if (sub >= 0) {
      const o = sub * w;
      for (let x = 0; x < w; x++) tmp[col + x]! -= a[o + x]!;
    }
    const inv = 1 / (Math.min(y + r + 1, h) - Math.max(y - r, 0));
    const o = y * w;
    for (let x = 0; x < w; x++) tmp[o + x] = tmp[col + x]! * inv;
  }
  for (let y = 0; y < h; y++) {
    const o = y * w;
    let s = 0;
    for (let x = 0; x < Math.min(r, w); x++) s += tmp[o + x]!;
    for (let x = 0; x < w; x++) {
      if (x + r < w) s += tmp[o + x + r]!;
      if (x - r - 1 >= 0) s -= tmp[o + x - r - 1]!;
      out[o + x] = s / (Math.min(x + r + 1, w) - Math.max(x - r, 0));
    }
  }
  return out;
}

function product(x: Float32Array, y: Float32Array): Float32Array {
  const q = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) q[i] = x[i]! * y[i]!;
  return q;
}

/** The three channels of an RGB (3 bytes a pixel) image as planes in [0, 1]. */
export function planes(rgb: Uint8Array, n: number): [Float32Array, Float32Array, Float32Array] {
  const out: [Float32Array, Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let c = 0; c < 3; c++) {
    const p = out[c]!;
    for (let i = 0; i < n; i++) p[i] = rgb[i * 3 + c]! / 255;
  }
  return out;
}

// ---- guided filter (RGB guide) --------------------------------------------------------------------

export interface Coefficients {
  A: [Float32Array, Float32Array, Float32Array];
  B: Float32Array;
}

/**
 * He et al.'s guided filter with an RGB guide `I` (planes in [0,1]) and input `p`: box-averaged
 * coefficients such that q = Ā·I + B̄. A 3×3 solve per pixel, (Σ + eps·I₃)⁻¹·cov(I, p).
 */
export function guidedCoefficients(I: Float32Array[], p: Float32Array, w: number, h: number, r: number, eps: number): Coefficients {
  const n = w * h;
  const m = I.map((q) => boxMean(q, w, h, r));
  const mp = boxMean(p, w, h, r);
  const mIp = I.map((q) => boxMean(product(q, p), w, h, r));
  const v = (i: number, j: number): Float32Array => boxMean(product(I[i]!, I[j]!), w, h, r);
  const [v00, v01, v02, v11, v12, v22] = [v(0, 0), v(0, 1), v(0, 2), v(1, 1), v(1, 2), v(2, 2)];
  const [m0, m1, m2] = m as [Float32Array, Float32Array, Float32Array];
  const [p0, p1, p2] = mIp as [Float32Array, Float32Array, Float32Array];
  const A0 = new Float32Array(n);
  const A1 = new Float32Array(n);
  const A2 = new Float32Array(n);
  const B = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const mr = m0[k]!;
    const mg = m1[k]!;
    const mb = m2[k]!;
    const pk = mp[k]!;
    const c0 = p0[k]! - mr * pk;
    const c1 = p1[k]! - mg * pk;
    const c2 = p2[k]! - mb * pk;
    const a00 = v00[k]! - mr * mr + eps;
    const a01 = v01[k]! - mr * mg;
    const a02 = v02[k]! - mr * mb;
    const a11 = v11[k]! - mg * mg + eps;
    const a12 = v12[k]! - mg * mb;
    const a22 = v22[k]! - mb * mb + eps;
    // symmetric 3×3 inverse by cofactors
    const i00 = a11 * a22 - a12 * a12;
    const i01 = a02 * a12 - a01 * a22;
    const i02 = a01 * a12 - a02 * a11;
    const i11 = a00 * a22 - a02 * a02;
    const i12 = a01 * a02 - a00 * a12;
    const i22 = a00 * a11 - a01 * a01;
    const det = a00 * i00 + a01 * i01 + a02 * i02;
    const x0 = (i00 * c0 + i01 * c1 + i02 * c2) / det;
    const x1 = (i01 * c0 + i11 * c1 + i12 * c2) / det;
    const x2 = (i02 * c0 + i12 * c1 + i22 * c2) / det;
    A0[k] = x0;
    A1[k] = x1;
    A2[k] = x2;
    B[k] = pk - x0 * mr - x1 * mg - x2 * mb;
  }
  return { A: [boxMean(A0, w, h, r), boxMean(A1, w, h, r), boxMean(A2, w, h, r)], B: boxMean(B, w, h, r) };
}

// ---- blur-fusion foreground --------------------------------------------------------------------------

export type RGBPlanes = [Float32Array, Float32Array, Float32Array];

function blurFusion(F: RGBPlanes, B: RGBPlanes, a: Float32Array, w: number, h: number, r: number): { Fb: RGBPlanes; Bb: RGBPlanes } {
  const n = w * h;
  const ba = boxMean(a, w, h, r);
  const Fb: Float32Array[] = [];
  const Bb: Float32Array[] = [];
  for (let c = 0; c < 3; c++) {
    const fa = new Float32Array(n);
    const b1a = new Float32Array(n);
    const Fc = F[c]!;
    const Bc = B[c]!;
    for (let i = 0; i < n; i++) {
      fa[i] = Fc[i]! * a[i]!;
      b1a[i] = Bc[i]! * (1 - a[i]!);
    }
    const mf = boxMean(fa, w, h, r);
    const mb = boxMean(b1a, w, h, r);
    for (let i = 0; i < n; i++) {
      mf[i] = mf[i]! / (ba[i]! + 1e-5);
      mb[i] = mb[i]! / (1 - ba[i]! + 1e-5);
    }
    Fb.push(mf);
    Bb.push(mb);
  }
  return { Fb: Fb as RGBPlanes, Bb: Bb as RGBPlanes };
}

/**
 * F̂ and B̂ of the second blur-fusion pass at guide resolution, from the guide `I` and the alpha `ag` at
 * guide resolution. Pass 1 (radius r1) starts from F = B = I; pass 2 (radius r2) from its result.
 */
export function foregroundPlanes(I: RGBPlanes, ag: Float32Array, w: number, h: number, r1: number, r2: number): { Fb: RGBPlanes; Bb: RGBPlanes } {
  const n = w * h;
  const p1 = blurFusion(I, I, ag, w, h, r1);
  const F1: Float32Array[] = [];
  for (let c = 0; c < 3; c++) {
    const f = new Float32Array(n);
    const Ic = I[c]!;
    const Fc = p1.Fb[c]!;
    const Bc = p1.Bb[c]!;
    for (let i = 0; i < n; i++) {
      const a = ag[i]!;
      const v = Fc[i]! + a * (Ic[i]! - a * Fc[i]! - (1 - a) * Bc[i]!);
      f[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    F1.push(f);
  }
  return blurFusion(F1 as RGBPlanes, p1.Bb, ag, w, h, r2);
}

// ---- full resolution ---------------------------------------------------------------------------------

export interface Curve {
  lo: number;
  hi: number;
}

/**
 * The full-resolution alpha sampled at guide resolution the way the Python engine does it:
 * bilinear(α → gw×gh) with the half-pixel rule, which reads four full-resolution pixels per output
 * pixel — so only the alphas of those pixels are computed (the same arithmetic as `applyFullRes`).
 */
export function alphaAtGuide(c: Coefficients, gw: number, gh: number, rgba: Uint8Array | Uint8ClampedArray, W: number, H: number, curve: Curve): Float32Array {
  const Yf = axis(H, gh);
  const Xf = axis(W, gw);
  const Yg = axis(gh, H);
  const Xg = axis(gw, W);
  const lo = curve.lo;
  const span = curve.hi - curve.lo;
  const [A0, A1, A2] = c.A;
  const B = c.B;
  const rA0 = new Float32Array(gw);
  const rA1 = new Float32Array(gw);
  const rA2 = new Float32Array(gw);
  const rB = new Float32Array(gw);
  // α of full-resolution row `fy` at the columns the guide samples (Xg.i0 and Xg.i1)
  const at0 = new Float32Array(gw);
  const at1 = new Float32Array(gw);
  const rowAlpha = (y: number, out0: Float32Array, out1: Float32Array): void => {
    const r0 = Yf.i0[y]! * gw;
    const r1 = Yf.i1[y]! * gw;
    const fy = Yf.f[y]!;
    lerpRow(A0, gw, r0, r1, fy, rA0);
    lerpRow(A1, gw, r0, r1, fy, rA1);
    lerpRow(A2, gw, r0, r1, fy, rA2);
    lerpRow(B, gw, r0, r1, fy, rB);
    const base = y * W * 4;
    for (let x = 0; x < gw; x++) {
      for (let k = 0; k < 2; k++) {
        const fx0 = k === 0 ? Xg.i0[x]! : Xg.i1[x]!;
        const x0 = Xf.i0[fx0]!;
        const x1 = Xf.i1[fx0]!;
        const fx = Xf.f[fx0]!;
        const gx = 1 - fx;
        const o = base + fx0 * 4;
        let q = rB[x0]! * gx + rB[x1]! * fx;
        q += (rA0[x0]! * gx + rA0[x1]! * fx) * (rgba[o]! / 255);
        q += (rA1[x0]! * gx + rA1[x1]! * fx) * (rgba[o + 1]! / 255);
        q += (rA2[x0]! * gx + rA2[x1]! * fx) * (rgba[o + 2]! / 255);
        const a = (q - lo) / span;
        (k === 0 ? out0 : out1)[x] = a < 0 ? 0 : a > 1 ? 1 : a;
      }
    }
  };
  const top0 = new Float32Array(gw);
  const top1 = new Float32Array(gw);
  const out = new Float32Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    const y0 = Yg.i0[y]!;
    const y1 = Yg.i1[y]!;
    const fy = Yg.f[y]!;
    rowAlpha(y0, top0, top1);
    if (y1 !== y0) rowAlpha(y1, at0, at1);
    else {
      at0.set(top0);
      at1.set(top1);
    }
    for (let x = 0; x < gw; x++) {
      const fx = Xg.f[x]!;
      // rows first, then columns (resizeBilinear's order)
      const left = Math.fround(top0[x]! * (1 - fy) + at0[x]! * fy);
      const right = Math.fround(top1[x]! * (1 - fy) + at1[x]! * fy);
      out[y * gw + x] = left * (1 - fx) + right * fx;
    }
  }
  return out;
}

/** What the fused pass writes over the input pixels. */
export type Output =
  | { kind: 'cutout' } // straight-alpha RGBA; RGB 0 where α8 = 0 (nothing of the old background survives)
  | { kind: 'mask' } // α8 in R, G and B, alpha 255 (a greyscale image)
  | { kind: 'colour'; rgb: [number, number, number] } // opaque: the cut-out over a colour…
  | { kind: 'picture'; rgba: Uint8Array | Uint8ClampedArray } // …over another picture (W×H RGBA, cover-fitted)…
  | { kind: 'blur'; grid: RGBPlanes }; // …or over planes in [0, 1] on the guide grid, upsampled bilinearly

export interface FullResPlan {
  coeffs: Coefficients;
  /** Blur-fusion pass-2 planes at guide resolution; null keeps RGB as it is (no decontamination). */
  fg: { Fb: RGBPlanes; Bb: RGBPlanes } | null;
  gw: number;
  gh: number;
  curve: Curve;
  /** The cut-out or the mask; a background goes behind the cut-out afterwards (`composeCutout`). */
  output: Extract<Output, { kind: 'cutout' | 'mask' }>;
  /** The input's own alpha (channel 4) caps the output alpha: α8 = min(α8, input alpha). */
  inputAlpha?: boolean;
}

/** Vertically interpolated guide row of plane `P` into `row` (the first half of a bilinear upsample). */
function lerpRow(P: Float32Array, gw: number, r0: number, r1: number, fy: number, row: Float32Array): void {
  const gy = 1 - fy;
  for (let x = 0; x < gw; x++) row[x] = P[r0 + x]! * gy + P[r1 + x]! * fy;
}

/**
 * The one full-resolution pass, over `rgba` (W×H) in place: α from the upsampled coefficients, the
 * corrected foreground colour where 0 < α8 < 255, then the cut-out or the mask. Returns the number of
 * soft-edge pixels (0 < α8 < 255), for the report.
 */
export function applyFullRes(rgba: Uint8Array | Uint8ClampedArray, W: number, H: number, plan: FullResPlan, signal?: AbortSignal): number {
  const { coeffs, fg, gw, gh, curve, output } = plan;
  const Y = axis(H, gh);
  const X = axis(W, gw);
  const lo = curve.lo;
  const span = curve.hi - curve.lo;
  const row = (): Float32Array => new Float32Array(gw);
  const [rA0, rA1, rA2, rB] = [row(), row(), row(), row()];
  const [rF0, rF1, rF2, rB0, rB1, rB2] = [row(), row(), row(), row(), row(), row()];
  const i0 = X.i0;
  const i1 = X.i1;
  const fxs = X.f;
  const capped = plan.inputAlpha === true;
  let soft = 0;
  for (let y = 0; y < H; y++) {
    if ((y & 127) === 0) signal?.throwIfAborted();
    const r0 = Y.i0[y]! * gw;
    const r1 = Y.i1[y]! * gw;
    const fy = Y.f[y]!;
    lerpRow(coeffs.A[0], gw, r0, r1, fy, rA0);
    lerpRow(coeffs.A[1], gw, r0, r1, fy, rA1);
    lerpRow(coeffs.A[2], gw, r0, r1, fy, rA2);
    lerpRow(coeffs.B, gw, r0, r1, fy, rB);
    if (fg) {
      lerpRow(fg.Fb[0], gw, r0, r1, fy, rF0);
      lerpRow(fg.Fb[1], gw, r0, r1, fy, rF1);
      lerpRow(fg.Fb[2], gw, r0, r1, fy, rF2);
      lerpRow(fg.Bb[0], gw, r0, r1, fy, rB0);
      lerpRow(fg.Bb[1], gw, r0, r1, fy, rB1);
      lerpRow(fg.Bb[2], gw, r0, r1, fy, rB2);
    }
    let o = y * W * 4;
    for (let x = 0; x < W; x++, o += 4) {
      const x0 = i0[x]!;
      const x1 = i1[x]!;
      const fx = fxs[x]!;
      const gx = 1 - fx;
      const R = rgba[o]!;
      const G = rgba[o + 1]!;
      const Bl = rgba[o + 2]!;
      let q = rB[x0]! * gx + rB[x1]! * fx;
      q += (rA0[x0]! * gx + rA0[x1]! * fx) * (R / 255);
      q += (rA1[x0]! * gx + rA1[x1]! * fx) * (G / 255);
      q += (rA2[x0]! * gx + rA2[x1]! * fx) * (Bl / 255);
      let a = (q - lo) / span;
      a = Math.fround(a < 0 ? 0 : a > 1 ? 1 : a);
      const a8 = Math.floor(a * 255 + 0.5);
      const cap = capped ? rgba[o + 3]! : 255;
      const out8 = a8 < cap ? a8 : cap;
      if (output.kind === 'mask') {
        rgba[o] = rgba[o + 1] = rgba[o + 2] = out8;
        rgba[o + 3] = 255;
        continue;
      }
      let fr = R;
      let fgc = G;
      let fb = Bl;
      if (a8 > 0 && a8 < 255) {
        soft++;
        if (fg) {
          const F0 = rF0[x0]! * gx + rF0[x1]! * fx;
          const F1 = rF1[x0]! * gx + rF1[x1]! * fx;
          const F2 = rF2[x0]! * gx + rF2[x1]! * fx;
          const B0 = rB0[x0]! * gx + rB0[x1]! * fx;
          const B1 = rB1[x0]! * gx + rB1[x1]! * fx;
          const B2 = rB2[x0]! * gx + rB2[x1]! * fx;
          let v = F0 + a * (R / 255 - a * F0 - (1 - a) * B0);
          fr = Math.floor((v < 0 ? 0 : v > 1 ? 1 : v) * 255 + 0.5);
          v = F1 + a * (G / 255 - a * F1 - (1 - a) * B1);
          fgc = Math.floor((v < 0 ? 0 : v > 1 ? 1 : v) * 255 + 0.5);
          v = F2 + a * (Bl / 255 - a * F2 - (1 - a) * B2);
          fb = Math.floor((v < 0 ? 0 : v > 1 ? 1 : v) * 255 + 0.5);
        }
      }
      if (out8 === 0) fr = fgc = fb = 0;
      rgba[o] = fr;
      rgba[o + 1] = fgc;
      rgba[o + 2] = fb;
      rgba[o + 3] = out8;
    }
  }
  return soft;
}

/**
 * A cut-out (`applyFullRes`'s 'cutout' output: straight alpha, RGB 0 where α8 = 0) as any other
 * output, into `out` (W×H RGBA; it may be `cut` itself): the mask is the cut-out's alpha, a composite is
 * compose.py's `over` of the cut-out's colour on the background. A kept cut-out gets a new background
 * this way without the model or the refinement: one pass over the pixels. `gw`, `gh`: the guide grid a
 * blurred background is given on.
 */
export function composeCutout(
  cut: Uint8Array | Uint8ClampedArray,
  W: number,
  H: number,
  output: Output,
  gw: number,
  gh: number,
  out: Uint8Array | Uint8ClampedArray,
  signal?: AbortSignal,
): void {
  if (output.kind === 'cutout') {
    out.set(cut);
    return;
  }
  const Y = axis(H, gh);
  const X = axis(W, gw);
  const grid = output.kind === 'blur' ? output.grid : null;
  const bg = output.kind === 'colour' ? output.rgb : null;
  const pic = output.kind === 'picture' ? output.rgba : null;
  const [rG0, rG1, rG2] = [new Float32Array(gw), new Float32Array(gw), new Float32Array(gw)];
  for (let y = 0; y < H; y++) {
    if ((y & 127) === 0) signal?.throwIfAborted();
    if (grid) {
      const r0 = Y.i0[y]! * gw;
      const r1 = Y.i1[y]! * gw;
      const fy = Y.f[y]!;
      lerpRow(grid[0], gw, r0, r1, fy, rG0);
      lerpRow(grid[1], gw, r0, r1, fy, rG1);
      lerpRow(grid[2], gw, r0, r1, fy, rG2);
    }
    let o = y * W * 4;
    for (let x = 0; x < W; x++, o += 4) {
      const a = cut[o + 3]!;
      if (output.kind === 'mask') {
        out[o] = out[o + 1] = out[o + 2] = a;
        out[o + 3] = 255;
        continue;
      }
      out[o + 3] = 255;
      if (a === 255) {
        out[o] = cut[o]!;
        out[o + 1] = cut[o + 1]!;
        out[o + 2] = cut[o + 2]!;
        continue;
      }
      let br: number;
      let bgg: number;
      let bb: number;
      if (bg) {
        br = bg[0];
        bgg = bg[1];
        bb = bg[2];
      } else if (pic) {
        br = pic[o]!;
        bgg = pic[o + 1]!;
        bb = pic[o + 2]!;
      } else {
        const x0 = X.i0[x]!;
        const x1 = X.i1[x]!;
        const fx = X.f[x]!;
        const gx = 1 - fx;
        br = Math.floor((rG0[x0]! * gx + rG0[x1]! * fx) * 255 + 0.5);
        bgg = Math.floor((rG1[x0]! * gx + rG1[x1]! * fx) * 255 + 0.5);
        bb = Math.floor((rG2[x0]! * gx + rG2[x1]! * fx) * 255 + 0.5);
      }
      const k = 255 - a;
      out[o] = Math.floor((cut[o]! * a + br * k + 127) / 255);
      out[o + 1] = Math.floor((cut[o + 1]! * a + bgg * k + 127) / 255);
      out[o + 2] = Math.floor((cut[o + 2]! * a + bb * k + 127) / 255);
    }
  }
}

/**
 * The blurred copy of the photo behind the subject, on the guide grid (compose.py's `blurred`): three
 * box passes of radius max(1, round(0.02·L)) over the photo weighted by 1 − α, divided by the same
 * passes over 1 − α (the subject's colours do not smear into its surroundings); the plain blur where
 * the weight is below 1e-3. Planes in [0, 1].
 */
export function blurredGrid(I: RGBPlanes, ag: Float32Array, w: number, h: number, r: number, passes = 3): RGBPlanes {
  const n = w * h;
  let den: Float32Array = new Float32Array(n);
  for (let i = 0; i < n; i++) den[i] = 1 - ag[i]!;
  let num = I.map((p) => product(p, den));
  let plain: Float32Array[] = [...I];
  for (let k = 0; k < passes; k++) {
    num = num.map((p) => boxMean(p, w, h, r));
    plain = plain.map((p) => boxMean(p, w, h, r));
    den = boxMean(den, w, h, r);
  }
  return [0, 1, 2].map((c) => {
    const out = new Float32Array(n);
    const nc = num[c]!;
    const pc = plain[c]!;
    for (let i = 0; i < n; i++) {
      const d = den[i]!;
      const v = d > 1e-3 ? nc[i]! / (d > 1e-3 ? d : 1e-3) : pc[i]!;
      out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    return out;
  }) as RGBPlanes;
}

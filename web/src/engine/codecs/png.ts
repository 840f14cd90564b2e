import type { Pixels } from '../imaging/raster';
/**
 * PNG: OxiPNG (@jsquash/oxipng) straight from RGBA pixels — it picks the colour type, bit depth and
 * filters, and writes a palette image when there are at most 256 colours. For `palette` the pixels
 * are first reduced to at most 256 colours (see `quantise`).
 */

type Oxi = typeof import('@jsquash/oxipng/optimise');
let oxi: Promise<Oxi> | null = null;

/** OxiPNG level by size: level 2 (its default) is ~1 s/MP here, so big images get a faster level. */
export function oxipngLevel(pixels: number): number {
  if (pixels <= 2_000_000) return 2;
  return 1;
}

export async function encodePng(rgba: Pixels, width: number, height: number, level = oxipngLevel(width * height)): Promise<Uint8Array> {
  const m = await (oxi ??= import('@jsquash/oxipng/optimise'));
  const out = await m.default(new ImageData(rgba, width, height), { level, interlace: false, optimiseAlpha: false });
  return new Uint8Array(out);
}

/** Pixels the palette is built from: every k-th pixel, at most this many (image-q keeps an object per pixel). */
const PALETTE_SAMPLE = 262_144;

/**
 * At most `colours` colours (2-256), in place: the palette from Wu's colour quantiser (image-q) on a
 * sample of the pixels, then every pixel mapped to it with Floyd–Steinberg error diffusion when
 * `dither` (nearest colour otherwise), in typed arrays, so a 50 MP image needs no more than a few
 * MB beyond its own pixels.
 */
export async function quantise(rgba: Pixels, width: number, height: number, colours: number, dither: boolean): Promise<void> {
  const iq = await import('image-q');
  const total = width * height;
  const step = Math.max(1, Math.ceil(total / PALETTE_SAMPLE));
  const n = Math.ceil(total / step);
  const sample = new Uint8Array(n * 4);
  for (let i = 0, j = 0; i < total && j < n; i += step, j++) sample.set(rgba.subarray(i * 4, i * 4 + 4), j * 4);
  const container = iq.utils.PointContainer.fromUint8Array(sample, n, 1);
  const palette = iq.buildPaletteSync([container], { colors: colours, paletteQuantization: 'wuquant', colorDistanceFormula: 'euclidean-bt709' });
  const pal = palette.getPointContainer().toUint8Array();
  mapToPalette(rgba, width, height, pal, dither);
}

/** Index of the palette entry nearest to (r, g, b, a), weighted like BT.709 luma; alpha weighs most. */
function nearest(pal: Uint8Array, r: number, g: number, b: number, a: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < pal.length; i += 4) {
    const dr = pal[i]! - r;
    const dg = pal[i + 1]! - g;
    const db = pal[i + 2]! - b;
    const da = pal[i + 3]! - a;
    const d = 0.2126 * dr * dr + 0.7152 * dg * dg + 0.0722 * db * db + da * da;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

function mapToPalette(rgba: Pixels, width: number, height: number, pal: Uint8Array, dither: boolean): void {
  // nearest-entry cache on a 5-bit-per-channel grid (1 Mi cells, 2 MB), filled on demand
  const cache = new Int16Array(1 << 20).fill(-1);
  const lookup = (r: number, g: number, b: number, a: number): number => {
    const key = ((r >> 3) << 15) | ((g >> 3) << 10) | ((b >> 3) << 5) | (a >> 3);
    let hit = cache[key]!;
    if (hit < 0) {
      hit = nearest(pal, (r & 0xf8) | 4, (g & 0xf8) | 4, (b & 0xf8) | 4, (a & 0xf8) | 4);
      cache[key] = hit;
    }
    return hit;
  };
  let cur = new Float32Array((width + 2) * 4);
  let next = new Float32Array((width + 2) * 4);
  const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v + 0.5) | 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const e = (x + 1) * 4;
      const r = clamp(rgba[p]! + cur[e]!);
      const g = clamp(rgba[p + 1]! + cur[e + 1]!);
      const b = clamp(rgba[p + 2]! + cur[e + 2]!);
      const a = clamp(rgba[p + 3]! + cur[e + 3]!);
      const i = lookup(r, g, b, a);
      const er = r - pal[i]!;
      const eg = g - pal[i + 1]!;
      const eb = b - pal[i + 2]!;
      const ea = a - pal[i + 3]!;
      rgba[p] = pal[i]!;
      rgba[p + 1] = pal[i + 1]!;
      rgba[p + 2] = pal[i + 2]!;
      rgba[p + 3] = pal[i + 3]!;
      if (!dither) continue;
      // Floyd–Steinberg: 7/16 right, 3/16 below left, 5/16 below, 1/16 below right
      cur[e + 4] = cur[e + 4]! + (er * 7) / 16;
      cur[e + 5] = cur[e + 5]! + (eg * 7) / 16;
      cur[e + 6] = cur[e + 6]! + (eb * 7) / 16;
      cur[e + 7] = cur[e + 7]! + (ea * 7) / 16;
      next[e - 4] = next[e - 4]! + (er * 3) / 16;
      next[e - 3] = next[e - 3]! + (eg * 3) / 16;
      next[e - 2] = next[e - 2]! + (eb * 3) / 16;
      next[e - 1] = next[e - 1]! + (ea * 3) / 16;
      next[e] = next[e]! + (er * 5) / 16;
      next[e + 1] = next[e + 1]! + (eg * 5) / 16;
      next[e + 2] = next[e + 2]! + (eb * 5) / 16;
      next[e + 3] = next[e + 3]! + (ea * 5) / 16;
      next[e + 4] = next[e + 4]! + er / 16;
      next[e + 5] = next[e + 5]! + eg / 16;
      next[e + 6] = next[e + 6]! + eb / 16;
      next[e + 7] = next[e + 7]! + ea / 16;
    }
    [cur, next] = [next, cur];
    next.fill(0);
  }
}

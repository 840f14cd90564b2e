// Browser only: the mask as painted (strokes, rectangles); Python reads a mask image or --box (tool.py).
/**
 * The mask as the person paints it: a list of operations in full-image coordinates — brush strokes,
 * eraser strokes and rectangles — kept as geometry and rasterised on demand, only over their bounding
 * box. A 12 MP photo's mask costs a few kilobytes until it is used.
 *
 * Rasterisation rule (what the CLI's --mask PNG then reproduces exactly): a pixel belongs to a stroke
 * when its centre (x + 0.5, y + 0.5) is within size/2 of the stroke's polyline; to a rectangle when it
 * lies in [x, x + w) × [y, y + h). Operations apply in order; the eraser clears.
 */
import { encodePngRows } from '../../codecs/png-write';
import type { MaskWindow } from './fill';

export interface StrokeOp {
  kind: 'brush' | 'eraser';
  /** Diameter in image pixels. */
  size: number;
  /** x0, y0, x1, y1, ... in image pixels (continuous coordinates: pixel (i, j) spans [i, i+1)). */
  points: number[];
}

export interface RectOp {
  kind: 'rect';
  x: number;
  y: number;
  w: number;
  h: number;
}

export type MaskOp = StrokeOp | RectOp;

type Box = [number, number, number, number]; // x0, y0, x1, y1 (end exclusive)

function opBox(op: MaskOp): Box {
  if (op.kind === 'rect') return [op.x, op.y, op.x + op.w, op.y + op.h];
  const r = op.size / 2;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < op.points.length; i += 2) {
    x0 = Math.min(x0, op.points[i]!);
    x1 = Math.max(x1, op.points[i]!);
    y0 = Math.min(y0, op.points[i + 1]!);
    y1 = Math.max(y1, op.points[i + 1]!);
  }
  return [Math.floor(x0 - r), Math.floor(y0 - r), Math.ceil(x1 + r) + 1, Math.ceil(y1 + r) + 1];
}

/** The bounding box (clipped to the image) of what the additive operations can cover, or null. */
export function maskBounds(ops: readonly MaskOp[], width: number, height: number): Box | null {
  let b: Box | null = null;
  for (const op of ops) {
    if (op.kind === 'eraser') continue;
    const o = opBox(op);
    b = b ? [Math.min(b[0], o[0]), Math.min(b[1], o[1]), Math.max(b[2], o[2]), Math.max(b[3], o[3])] : o;
  }
  if (!b) return null;
  const c: Box = [Math.max(0, b[0]), Math.max(0, b[1]), Math.min(width, b[2]), Math.min(height, b[3])];
  return c[0] < c[2] && c[1] < c[3] ? c : null;
}

/** Set (value 1) or clear (0) the pixels whose centres are within r of segment (ax, ay)-(bx, by). */
function capsule(m: Uint8Array, win: Box, ax: number, ay: number, bx: number, by: number, r: number, value: number): void {
  const ww = win[2] - win[0];
  const x0 = Math.max(win[0], Math.floor(Math.min(ax, bx) - r - 0.5));
  const x1 = Math.min(win[2], Math.ceil(Math.max(ax, bx) + r + 0.5));
  const y0 = Math.max(win[1], Math.floor(Math.min(ay, by) - r - 0.5));
  const y1 = Math.min(win[3], Math.ceil(Math.max(ay, by) + r + 0.5));
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const r2 = r * r;
  for (let y = y0; y < y1; y++) {
    const cy = y + 0.5;
    const row = (y - win[1]) * ww - win[0];
    for (let x = x0; x < x1; x++) {
      const cx = x + 0.5;
      let t = len2 > 0 ? ((cx - ax) * dx + (cy - ay) * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = cx - (ax + t * dx);
      const ey = cy - (ay + t * dy);
      if (ex * ex + ey * ey <= r2) m[row + x] = value;
    }
  }
}

/** The mask over its bounding box (null when nothing is painted): 1 = erase. */
export function rasterise(ops: readonly MaskOp[], width: number, height: number): MaskWindow | null {
  const b = maskBounds(ops, width, height);
  if (!b) return null;
  return rasteriseInto(ops, b);
}

/** The mask over window `win` (x0, y0, x1, y1), whatever it covers. */
export function rasteriseInto(ops: readonly MaskOp[], win: Box): MaskWindow {
  const ww = win[2] - win[0];
  const wh = win[3] - win[1];
  const m = new Uint8Array(ww * wh);
  for (const op of ops) {
    if (op.kind === 'rect') {
      const x0 = Math.max(win[0], op.x);
      const x1 = Math.min(win[2], op.x + op.w);
      for (let y = Math.max(win[1], op.y); y < Math.min(win[3], op.y + op.h); y++) {
        if (x1 > x0) m.fill(1, (y - win[1]) * ww + x0 - win[0], (y - win[1]) * ww + x1 - win[0]);
      }
      continue;
    }
    const value = op.kind === 'brush' ? 1 : 0;
    const r = op.size / 2;
    const p = op.points;
    if (p.length === 2) capsule(m, win, p[0]!, p[1]!, p[0]!, p[1]!, r, value);
    for (let i = 2; i < p.length; i += 2) capsule(m, win, p[i - 2]!, p[i - 1]!, p[i]!, p[i + 1]!, r, value);
  }
  return { x: win[0], y: win[1], w: ww, h: wh, data: m };
}

/** The longer side of the painted mask's bounding box (what grow's automatic value is based on). */
export function maskSide(mask: MaskWindow): number {
  let y0 = mask.h;
  let y1 = -1;
  let x0 = mask.w;
  let x1 = -1;
  for (let y = 0; y < mask.h; y++) {
    const row = mask.data.subarray(y * mask.w, (y + 1) * mask.w);
    const first = row.indexOf(1);
    if (first < 0) continue;
    y0 = Math.min(y0, y);
    y1 = y;
    x0 = Math.min(x0, first);
    x1 = Math.max(x1, row.lastIndexOf(1));
  }
  return y1 < 0 ? 0 : Math.max(y1 - y0 + 1, x1 - x0 + 1);
}

/** When the mask is rectangles only: each as [x, y, w, h] clipped to the image (the CLI's --box). */
export function boxesOnly(ops: readonly MaskOp[], width: number, height: number): [number, number, number, number][] | null {
  if (!ops.length || ops.some((op) => op.kind !== 'rect')) return null;
  const boxes: [number, number, number, number][] = [];
  for (const op of ops as RectOp[]) {
    const x0 = Math.max(0, op.x);
    const y0 = Math.max(0, op.y);
    const x1 = Math.min(width, op.x + op.w);
    const y1 = Math.min(height, op.y + op.h);
    if (x1 > x0 && y1 > y0) boxes.push([x0, y0, x1 - x0, y1 - y0]);
  }
  return boxes.length ? boxes : null;
}

// ---- the mask as a PNG for the CLI (white = erase) ------------------------------------------------------

/** A 1-bit greyscale PNG of the whole image's size: white where `ops` paint, black elsewhere. */
export function maskPng(ops: readonly MaskOp[], width: number, height: number): Uint8Array {
  const stride = 1 + ((width + 7) >> 3);
  const raw = new Uint8Array(stride * height); // filter byte 0 (None) per row, then packed bits
  const win = rasterise(ops, width, height);
  if (win) {
    for (let y = 0; y < win.h; y++) {
      const row = (win.y + y) * stride + 1;
      for (let x = 0; x < win.w; x++) {
        if (!win.data[y * win.w + x]) continue;
        const ix = win.x + x;
        raw[row + (ix >> 3)]! |= 0x80 >> (ix & 7);
      }
    }
  }
  return encodePngRows(raw, width, height, 'grey', 1, 6);
}

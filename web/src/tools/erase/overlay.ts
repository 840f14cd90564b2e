/**
 * The mask on screen: its operations drawn as vector paths in image coordinates (opaque here; the
 * layer is shown translucent). Strokes are round-capped lines of the brush's width, which is the
 * shape mask.ts rasterises (every pixel whose centre lies within size/2 of the polyline).
 */
import type { MaskOp, StrokeOp } from '../../engine/tools/erase/mask';
import type { View } from './picture';

export const MASK_COLOUR = 'rgb(255, 38, 38)';

function setView(ctx: CanvasRenderingContext2D, view: View, dpr: number): void {
  const s = view.scale * dpr;
  ctx.setTransform(s, 0, 0, s, view.x * dpr, view.y * dpr);
}

/** Draw one operation (or the segments of a stroke from point index `from`). */
export function drawOp(ctx: CanvasRenderingContext2D, op: MaskOp, view: View, dpr: number, from = 0): void {
  setView(ctx, view, dpr);
  ctx.globalCompositeOperation = op.kind === 'eraser' ? 'destination-out' : 'source-over';
  ctx.fillStyle = MASK_COLOUR;
  ctx.strokeStyle = MASK_COLOUR;
  if (op.kind === 'rect') {
    ctx.fillRect(op.x, op.y, op.w, op.h);
  } else {
    strokePath(ctx, op, from);
  }
  ctx.globalCompositeOperation = 'source-over';
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

function strokePath(ctx: CanvasRenderingContext2D, op: StrokeOp, from: number): void {
  const p = op.points;
  const r = op.size / 2;
  if (p.length === 2 || from >= p.length - 2) {
    const i = p.length - 2;
    ctx.beginPath();
    ctx.arc(p[i]!, p[i + 1]!, r, 0, Math.PI * 2);
    ctx.fill();
    if (p.length === 2) return;
  }
  const start = Math.max(0, Math.min(from, p.length - 4));
  ctx.lineWidth = op.size;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(p[start]!, p[start + 1]!);
  for (let i = start + 2; i < p.length; i += 2) ctx.lineTo(p[i]!, p[i + 1]!);
  ctx.stroke();
}

/** The whole mask, on a cleared canvas. */
export function drawMask(ctx: CanvasRenderingContext2D, ops: readonly MaskOp[], view: View, dpr: number): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  for (const op of ops) drawOp(ctx, op, view, dpr);
}

/** A rectangle being dragged out: its outline (and fill, like the mask it will become). */
export function drawRectPreview(ctx: CanvasRenderingContext2D, rect: { x: number; y: number; w: number; h: number }, view: View, dpr: number): void {
  drawOp(ctx, { kind: 'rect', ...rect }, view, dpr);
}

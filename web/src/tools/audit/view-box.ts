/**
 * The map's window onto the world, in the outlines' own units (engine/tools/audit/data.ts: an
 * equirectangular projection, x = longitude / unit, y = −latitude / unit). Zooming keeps the map's
 * 2:1 shape and never shows more than the whole world.
 */

export interface ViewBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The whole world: 360° by 180°. */
export function world(unit: number): ViewBox {
  return { x: -180 / unit, y: -90 / unit, w: 360 / unit, h: 180 / unit };
}

/** A point (degrees) in map units. */
export function project(latitude: number, longitude: number, unit: number): [number, number] {
  return [longitude / unit, -latitude / unit];
}

function clamp(box: ViewBox, unit: number): ViewBox {
  const all = world(unit);
  const w = Math.min(box.w, all.w);
  const h = Math.min(box.h, all.h);
  const x = Math.min(Math.max(box.x, all.x), all.x + all.w - w);
  const y = Math.min(Math.max(box.y, all.y), all.y + all.h - h);
  return { x, y, w, h };
}

/** A 2:1 box of width `w` (map units) centred on (cx, cy). */
export function centred(cx: number, cy: number, w: number, unit: number): ViewBox {
  return clamp({ x: cx - w / 2, y: cy - w / 4, w, h: w / 2 }, unit);
}

/** The box `factor` times smaller (> 1 zooms in), around its centre. */
export function zoom(box: ViewBox, factor: number, unit: number, minWidth: number): ViewBox {
  const w = Math.max(minWidth, Math.min(world(unit).w, box.w / factor));
  return centred(box.x + box.w / 2, box.y + box.h / 2, w, unit);
}

/** The box moved by a fraction of its size (dx, dy in −1..1). */
export function pan(box: ViewBox, dx: number, dy: number, unit: number): ViewBox {
  return clamp({ ...box, x: box.x + dx * box.w, y: box.y + dy * box.h }, unit);
}

/** The smallest box around `points` (map units), with a margin, at least `minWidth` wide. */
export function around(points: [number, number][], unit: number, minWidth: number): ViewBox {
  if (!points.length) return world(unit);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const w = Math.max(minWidth, (x1 - x0) * 1.4, (y1 - y0) * 2 * 1.4);
  return centred((x0 + x1) / 2, (y0 + y1) / 2, w, unit);
}

export function toAttribute(box: ViewBox): string {
  return `${box.x} ${box.y} ${box.w} ${box.h}`;
}

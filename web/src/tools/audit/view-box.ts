/**
 * Moving the map's window (a MapView of engine/tools/audit/map.ts, in the outlines' own units:
 * x = longitude / unit, y = −latitude / unit): zoom and pan keep its 2:1 shape and never show more
 * than the whole world. Fitting a set of places is the engine's `mapView`, as the CLI's report does.
 */
import type { MapView } from '../../engine/tools/audit/map';

export type { MapView };

/** The whole world: 360° by 180°. */
export function wholeWorld(unit: number): MapView {
  return { x: -180 / unit, y: -90 / unit, width: 360 / unit, height: 180 / unit };
}

/** A point (degrees) in map units. */
export function project(latitude: number, longitude: number, unit: number): [number, number] {
  return [longitude / unit, -latitude / unit];
}

/** `view` kept inside the world, shrunk to it when larger (keeping its 2:1 shape). */
export function clamp(view: MapView, unit: number): MapView {
  const all = wholeWorld(unit);
  const width = Math.min(view.width, all.width);
  const height = Math.min(view.height, all.height);
  const x = Math.min(Math.max(view.x, all.x), all.x + all.width - width);
  const y = Math.min(Math.max(view.y, all.y), all.y + all.height - height);
  return { x, y, width, height };
}

/** A 2:1 view `width` map units wide, centred on (cx, cy). */
function centred(cx: number, cy: number, width: number, unit: number): MapView {
  return clamp({ x: cx - width / 2, y: cy - width / 4, width, height: width / 2 }, unit);
}

/** The view `factor` times closer (< 1 moves away), around its centre, never narrower than `minWidth`. */
export function zoom(view: MapView, factor: number, unit: number, minWidth: number): MapView {
  const width = Math.max(minWidth, Math.min(wholeWorld(unit).width, view.width / factor));
  return centred(view.x + view.width / 2, view.y + view.height / 2, width, unit);
}

/** The view moved by a share of its size (dx, dy in −1..1). */
export function pan(view: MapView, dx: number, dy: number, unit: number): MapView {
  return clamp({ ...view, x: view.x + dx * view.width, y: view.y + dy * view.height }, unit);
}

export function toAttribute(view: MapView): string {
  return `${view.x} ${view.y} ${view.width} ${view.height}`;
}

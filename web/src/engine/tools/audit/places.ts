/**
 * Places: GPS positions clustered within a few hundred metres, named from the offline gazetteer, and
 * read for what they say about a life ("likely home / work") (mirrors src/privpix/tools/audit/places.py).
 */

import { formatPosition } from '../../formats/exif';
import { formatFixed, plural } from '../../formats/findings';
import type { Gazetteer } from './data';
import { distanceM, METRES_PER_DEGREE, nearestTown } from './geo';
import type { Place, PlaceKind } from './types';

/** Positions this close to a cluster's first position join it (a house and its garden, an office block). */
export const CLUSTER_RADIUS_M = 300;
/** A town this close is "near"; farther it is "N km from". */
const NEAR_TOWN_M = 10_000;
/** Evening and night hours (19:00–06:59): photos at home. */
const NIGHT_FROM = 19;
const NIGHT_UNTIL = 7;
/** Working hours (09:00–17:59), Monday to Friday: photos at work. */
const WORK_FROM = 9;
const WORK_UNTIL = 18;
/** How many distinct evenings (home), working days (work) or days (a place returned to) make a pattern. */
export const HOME_MIN_NIGHTS = 3;
export const WORK_MIN_DAYS = 3;
export const FREQUENT_MIN_DAYS = 4;

/** What the summary keeps of a photo with a position: no bytes, no findings. */
export interface Located {
  index: number;
  latitude: number;
  longitude: number;
  taken: string | null;
}

/** Days since 1970-01-01 of a civil date (H. Hinnant's algorithm, integers only). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

interface When {
  day: number;
  hour: number;
}

function when(taken: string): When {
  const day = daysFromCivil(Number(taken.slice(0, 4)), Number(taken.slice(5, 7)), Number(taken.slice(8, 10)));
  return { day, hour: Number(taken.slice(11, 13)) };
}

/** Leader clustering in a fixed order (latitude, longitude, index): each position joins the nearest
 *  cluster whose first position is within CLUSTER_RADIUS_M, else starts one. Deterministic, and since
 *  positions come sorted by latitude only leaders in the last band of latitude are compared. */
export function cluster(points: Located[]): Located[][] {
  const order = [...points].sort((a, b) => a.latitude - b.latitude || a.longitude - b.longitude || a.index - b.index);
  const band = CLUSTER_RADIUS_M / METRES_PER_DEGREE;
  const leaders: Located[] = [];
  const members: Located[][] = [];
  let firstInBand = 0;
  for (const p of order) {
    while (firstInBand < leaders.length && leaders[firstInBand]!.latitude < p.latitude - band) firstInBand++;
    let best = -1;
    let bestDistance = Infinity;
    for (let i = firstInBand; i < leaders.length; i++) {
      const leader = leaders[i]!;
      const d = distanceM(leader.latitude, leader.longitude, p.latitude, p.longitude);
      if (d <= CLUSTER_RADIUS_M && d < bestDistance) {
        best = i;
        bestDistance = d;
      }
    }
    if (best < 0) {
      leaders.push(p);
      members.push([p]);
    } else {
      members[best]!.push(p);
    }
  }
  for (const group of members) group.sort((a, b) => a.index - b.index);
  return members;
}

function round5(x: number): number {
  return Number(formatFixed(x, 5));
}

function describe(group: Located[], gazetteer: Gazetteer): Place {
  let latSum = 0;
  let lonSum = 0;
  for (const p of group) {
    latSum += p.latitude;
    lonSum += p.longitude;
  }
  const latitude = round5(latSum / group.length);
  const longitude = round5(lonSum / group.length);
  let radius = 0;
  for (const p of group) radius = Math.max(radius, distanceM(latitude, longitude, p.latitude, p.longitude));
  const times = group.map((p) => p.taken).filter((t): t is string => t !== null).sort();
  const days = new Set<number>();
  const nights = new Set<number>();
  const workDays = new Set<number>();
  let nightPhotos = 0;
  for (const t of times) {
    const { day, hour } = when(t);
    days.add(day);
    if (hour >= NIGHT_FROM || hour < NIGHT_UNTIL) {
      nightPhotos++;
      nights.add(hour < NIGHT_UNTIL ? day - 1 : day); // after midnight still belongs to that evening
    }
    const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Monday
    if (weekday < 5 && hour >= WORK_FROM && hour < WORK_UNTIL) workDays.add(day);
  }
  const town = nearestTown(gazetteer, latitude, longitude);
  let label: string;
  if (!town) label = `at ${formatPosition(latitude, longitude)}`;
  else if (town.distanceM <= NEAR_TOWN_M) label = `near ${town.name}, ${town.country}`;
  else label = `${formatFixed(town.distanceM / 1000, 0)} km from ${town.name}, ${town.country}`;
  return {
    id: 0,
    latitude,
    longitude,
    radius_m: Math.floor(radius + 0.5),
    photos: group.length,
    photo_indices: group.map((p) => p.index),
    first: times[0] ?? null,
    last: times[times.length - 1] ?? null,
    days: days.size,
    night_photos: nightPhotos,
    nights: nights.size,
    work_days: workDays.size,
    town: town?.name ?? null,
    country: town?.country ?? null,
    country_code: town?.countryCode ?? null,
    distance_km: town ? Number(formatFixed(town.distanceM / 1000, 1)) : null,
    label,
    likely: null,
    statement: null,
  };
}

function statement(place: Place, kind: PlaceKind): string {
  const photos = plural(place.photos, 'photo');
  if (kind === 'home') return `${photos}, taken on ${place.nights} different evenings, show a place ${place.label}: this is probably where you live.`;
  if (kind === 'work') return `${photos}, taken on ${place.work_days} different weekdays in working hours, show a place ${place.label}: this is probably where you work.`;
  return `${photos}, taken on ${place.days} different days, show a place ${place.label}: a place you return to often.`;
}

/** The one place most likely to be home (most evenings), then work (most working days), then every
 *  other place visited on many days. Ties go to the place listed first. */
function readPatterns(places: Place[]): void {
  let home: Place | null = null;
  for (const p of places) if (p.nights >= HOME_MIN_NIGHTS && (!home || p.nights > home.nights)) home = p;
  let work: Place | null = null;
  for (const p of places) {
    if (p === home || p.work_days < WORK_MIN_DAYS || p.work_days <= p.nights) continue;
    if (!work || p.work_days > work.work_days) work = p;
  }
  for (const p of places) {
    const kind: PlaceKind | null = p === home ? 'home' : p === work ? 'work' : p.days >= FREQUENT_MIN_DAYS ? 'frequent' : null;
    p.likely = kind;
    p.statement = kind ? statement(p, kind) : null;
  }
}

/** Clusters, named and read, most photos first (then the one whose first photo came first). */
export function findPlaces(points: Located[], gazetteer: Gazetteer): Place[] {
  const places = cluster(points).map((group) => describe(group, gazetteer));
  places.sort((a, b) => b.photos - a.photos || a.photo_indices[0]! - b.photo_indices[0]!);
  places.forEach((p, i) => (p.id = i + 1));
  readPatterns(places);
  return places;
}

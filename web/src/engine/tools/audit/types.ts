/**
 * The audit's records (mirrors src/privpix/tools/audit/types.py; docs/audit.md has the schema).
 *
 * A `PhotoAudit` is what one file gives away, read from its metadata only (no pixel is decoded); an
 * `AuditReport` is what a whole set of photos gives away together: the places (clustered, named,
 * "likely home"), the identities (names, serial numbers, unique ids) and the hidden pictures. Both
 * engines produce the same JSON for the same files.
 */

/** Bumped when a field changes meaning or disappears; adding a field does not bump it. */
export const AUDIT_SCHEMA_VERSION = 1;

/** How much a photo gives away, most serious first. */
export type RiskLevel = 'high' | 'medium' | 'low' | 'none';
export const RISK_LEVELS: readonly RiskLevel[] = ['high', 'medium', 'low', 'none'];

/** A GPS position as the file records it (degrees, metres above sea level). */
export interface GpsFix {
  latitude: number;
  longitude: number;
  altitude: number | null;
}

/**
 * What ties a photo to a person or a device:
 * - `name`: owner, artist, author, creator, copyright holder, caption writer;
 * - `serial`: camera body and lens serial numbers;
 * - `unique_id`: image unique ids, XMP document ids (the same id links copies and edits);
 * - `software`: software, editing tools, the computer's name;
 * - `device`: the camera or phone model ("Apple iPhone 6");
 * - `maker_notes`: the camera maker's private block, which can hold serial numbers privpix does not
 *   decode (its value says whose format it is).
 */
export type IdentityKind = 'name' | 'serial' | 'unique_id' | 'software' | 'device' | 'maker_notes';
export const IDENTITY_KINDS: readonly IdentityKind[] = ['name', 'serial', 'unique_id', 'software', 'device', 'maker_notes'];

export interface IdentityItem {
  kind: IdentityKind;
  /** The finding's stable key ("body_serial_number", "artist", …; "camera" for `device`). */
  key: string;
  /** For people ("Body serial number"). */
  label: string;
  value: string;
}

/** A picture inside the file besides the main one: thumbnail, preview, depth or gain map, MPF image. */
export interface HiddenPicture {
  key: string;
  label: string;
  /** What the container says about it ("JPEG, 6.7 kB", "160×120 pixels"). */
  value: string;
  /** The EXIF thumbnail shows another picture than the photo (a crop or an edit it did not follow).
   *  Only set by the optional thumbnail check, which decodes (the CLI's `--thumbnails`). */
  differs?: boolean;
}

export interface PhotoAudit {
  /** The name the caller gave (a path relative to the folder picked). */
  name: string;
  /** Bytes read. */
  size: number;
  /** "JPEG", "HEIC", …; null when the file is not an image privpix reads. */
  format: string | null;
  /** Why the file could not be read (null when it was). */
  error: string | null;
  /** Cut short: what is there was read. */
  damaged: boolean;
  gps: GpsFix | null;
  /** When it was taken, as the camera's clock wrote it ("YYYY-MM-DD HH:MM:SS", local time), or null. */
  taken: string | null;
  identity: IdentityItem[];
  hidden: HiddenPicture[];
  risk: RiskLevel;
  /** Why, for people, most serious first ("GPS position: 43.46745° N, 11.88513° E"). */
  reasons: string[];
}

/** What a place seems to be, from when its photos were taken. */
export type PlaceKind = 'home' | 'work' | 'frequent';

/** A cluster of GPS positions within a few hundred metres of each other. */
export interface Place {
  /** 1-based, in the report's order (most photos first). */
  id: number;
  /** The cluster's centre (mean of its positions), 5 decimals. */
  latitude: number;
  longitude: number;
  /** The farthest photo from the centre, in whole metres. */
  radius_m: number;
  photos: number;
  /** Positions of its photos in the order they were added to the summary (0-based). */
  photo_indices: number[];
  /** Earliest and latest `taken` among its photos (null when none has a time). */
  first: string | null;
  last: string | null;
  /** Distinct calendar days with a photo here. */
  days: number;
  /** Photos taken in the evening or at night (19:00–06:59), and on how many distinct evenings. */
  night_photos: number;
  nights: number;
  /** Distinct weekdays (Monday–Friday) with a photo here in working hours (09:00–17:59). */
  work_days: number;
  /** The nearest town of the offline gazetteer, its country, and how far it is (km, 1 decimal). */
  town: string | null;
  country: string | null;
  country_code: string | null;
  distance_km: number | null;
  /** For people: "near Siena, Italy" (or the coordinates when no town is near). */
  label: string;
  likely: PlaceKind | null;
  /** Said plainly when `likely` is set: "23 photos, taken on 14 different evenings, show a place
   *  near Siena, Italy: this is probably where you live." */
  statement: string | null;
}

/** One distinct value of one identity kind, and how many photos carry it. */
export interface IdentityValue {
  key: string;
  label: string;
  value: string;
  photos: number;
}

export interface IdentityGroup {
  kind: IdentityKind;
  /** "3 serial numbers: body 2031…, lens …; 412 photos carry one of them." */
  summary: string;
  /** Photos carrying at least one value of this kind. */
  photos: number;
  /** Most photos first, then by value. */
  values: IdentityValue[];
}

export interface HiddenCount {
  key: string;
  label: string;
  photos: number;
}

export interface AuditReport {
  schema_version: number;
  /** Files given to the summary, readable or not. */
  files: number;
  /** Files that are images privpix reads. */
  photos: number;
  unreadable: number;
  damaged: number;
  /** Photos per risk level. */
  risk: Record<RiskLevel, number>;
  with_gps: number;
  with_time: number;
  with_identity: number;
  with_hidden: number;
  /** Photos whose EXIF thumbnail differs from the picture (0 unless the thumbnail check ran). */
  thumbnails_differ: number;
  places: Place[];
  identity: IdentityGroup[];
  hidden: HiddenCount[];
  /** The findings that matter most, in plain sentences, most serious first. */
  headlines: string[];
}

/**
 * The streaming summary: photos are added one at a time and only what the report needs is kept
 * (positions and times of located photos, distinct identity values, counts), never a photo's bytes
 * or findings, so a folder of 100,000 photos needs little memory (mirrors src/privpix/tools/audit/summary.py).
 */

import { plural } from '../../formats/findings';
import type { Gazetteer } from './data';
import { IdentityTally } from './identity';
import { findPlaces, type Located } from './places';
import { AUDIT_SCHEMA_VERSION, type AuditReport, type HiddenCount, type PhotoAudit, type RiskLevel } from './types';

export class AuditSummary {
  private readonly gazetteer: Gazetteer;
  private readonly located: Located[] = [];
  private readonly identity = new IdentityTally();
  private readonly hidden = new Map<string, HiddenCount>();
  private readonly risk: Record<RiskLevel, number> = { high: 0, medium: 0, low: 0, none: 0 };
  private files = 0;
  private photos = 0;
  private damaged = 0;
  private withTime = 0;
  private withIdentity = 0;
  private withHidden = 0;
  private thumbnailsDiffer = 0;

  constructor(gazetteer: Gazetteer) {
    this.gazetteer = gazetteer;
  }

  /** Count one photo's audit in; returns its index (what `Place.photo_indices` refer to): by default
   *  the order of adding, or the caller's (when files finish in any order, pass the order picked). */
  add(photo: PhotoAudit, index: number = this.files): number {
    this.files++;
    if (photo.error !== null) return index;
    this.photos++;
    if (photo.damaged) this.damaged++;
    this.risk[photo.risk]++;
    if (photo.gps) this.located.push({ index, latitude: photo.gps.latitude, longitude: photo.gps.longitude, taken: photo.taken });
    if (photo.taken) this.withTime++;
    if (photo.identity.length) this.withIdentity++;
    this.identity.add(photo.identity);
    const keys = new Set(photo.hidden.map((h) => h.key));
    if (keys.size) this.withHidden++;
    if (photo.hidden.some((h) => h.differs === true)) this.thumbnailsDiffer++;
    for (const h of photo.hidden) {
      if (!keys.delete(h.key)) continue; // count each kind once per photo
      const entry = this.hidden.get(h.key);
      if (entry) entry.photos++;
      else this.hidden.set(h.key, { key: h.key, label: h.label, photos: 1 });
    }
    return index;
  }

  report(): AuditReport {
    const places = findPlaces(this.located, this.gazetteer);
    const identity = this.identity.groups();
    const hidden = [...this.hidden.values()].sort((a, b) => b.photos - a.photos || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const headlines: string[] = [];
    for (const p of places) if (p.likely === 'home' || p.likely === 'work') headlines.push(p.statement!);
    if (this.located.length) {
      headlines.push(
        `${this.located.length} of ${this.photos} photos carry a GPS position, in ${plural(places.length, 'place')}.`,
      );
    }
    for (const g of identity) if (g.kind === 'name' || g.kind === 'serial') headlines.push(g.summary);
    if (this.thumbnailsDiffer) {
      const n = this.thumbnailsDiffer;
      headlines.push(`${plural(n, 'photo')} ${n === 1 ? 'carries' : 'carry'} an EXIF thumbnail that shows another picture (cropped or edited since).`);
    }
    if (this.withHidden) {
      headlines.push(`${this.withHidden} of ${this.photos} photos carry hidden pictures (thumbnails, previews, depth or gain maps).`);
    }
    return {
      schema_version: AUDIT_SCHEMA_VERSION,
      files: this.files,
      photos: this.photos,
      unreadable: this.files - this.photos,
      damaged: this.damaged,
      risk: { ...this.risk },
      with_gps: this.located.length,
      with_time: this.withTime,
      with_identity: this.withIdentity,
      with_hidden: this.withHidden,
      thumbnails_differ: this.thumbnailsDiffer,
      places,
      identity,
      hidden,
      headlines,
    };
  }
}

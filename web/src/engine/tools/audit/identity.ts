/**
 * Identity grouping: the distinct names, serial numbers, ids, programs and cameras across all photos,
 * and how many photos carry each (mirrors src/privpix/tools/audit/identity.py).
 */

import { plural } from '../../formats/findings';
import { IDENTITY_KINDS, type IdentityGroup, type IdentityItem, type IdentityKind, type IdentityValue } from './types';

/** The report lists at most this many values per kind (most photos first); `summary` counts them all. */
export const MAX_LISTED_VALUES = 50;
/** The summary sentence names at most this many. */
const NAMED_IN_SUMMARY = 3;

const NOUNS: Readonly<Record<IdentityKind, readonly [string, string]>> = {
  name: ['name', 'names'],
  serial: ['serial number', 'serial numbers'],
  unique_id: ['unique image id', 'unique image ids'],
  software: ['program', 'programs'],
  device: ['camera or phone', 'cameras or phones'],
  maker_notes: ['maker-notes format', 'maker-notes formats'],
};
/** How a serial number is introduced in the summary ("body 2031…, lens …"). */
const SHORT_LABELS: Readonly<Record<string, string>> = {
  body_serial_number: 'body ',
  lens_serial_number: 'lens ',
  internal_serial_number: 'internal ',
  accessory_serial_number: 'accessory ',
};

export class IdentityTally {
  private readonly values = new Map<IdentityKind, Map<string, IdentityValue>>();
  private readonly photos = new Map<IdentityKind, number>();

  /** One photo's items. A value counts once per photo and kind, whatever field holds it (an artist
   *  who is also the copyright holder is one name); it is shown under the first field by key order,
   *  so the result does not depend on the order photos arrive in. */
  add(items: IdentityItem[]): void {
    const kinds = new Set<IdentityKind>();
    const counted = new Set<string>();
    for (const item of items) {
      kinds.add(item.kind);
      let values = this.values.get(item.kind);
      if (!values) this.values.set(item.kind, (values = new Map()));
      let entry = values.get(item.value);
      if (!entry) {
        entry = { key: item.key, label: item.label, value: item.value, photos: 0 };
        values.set(item.value, entry);
      } else if (item.key < entry.key) {
        entry.key = item.key;
        entry.label = item.label;
      }
      const id = `${item.kind}\u0000${item.value}`;
      if (!counted.has(id)) {
        counted.add(id);
        entry.photos++;
      }
    }
    for (const kind of kinds) this.photos.set(kind, (this.photos.get(kind) ?? 0) + 1);
  }

  groups(): IdentityGroup[] {
    const out: IdentityGroup[] = [];
    for (const kind of IDENTITY_KINDS) {
      const values = this.values.get(kind);
      if (!values) continue;
      const sorted = [...values.values()].sort((a, b) => b.photos - a.photos || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      const photos = this.photos.get(kind) ?? 0;
      out.push({ kind, summary: summary(kind, sorted, photos), photos, values: sorted.slice(0, MAX_LISTED_VALUES) });
    }
    return out;
  }
}

function summary(kind: IdentityKind, values: IdentityValue[], photos: number): string {
  const [one, many] = NOUNS[kind];
  const count = `${values.length} ${values.length === 1 ? one : many}`;
  const carry = photos === 1 ? '1 photo carries' : `${photos} photos carry`;
  if (kind === 'unique_id') return `${count}, which link copies and edits of the same picture; ${carry} one.`;
  if (kind === 'maker_notes') return `${plural(photos, 'photo')} ${photos === 1 ? 'carries' : 'carry'} a camera maker's private notes, which can hold serial numbers.`;
  const named = values.slice(0, NAMED_IN_SUMMARY).map((v) => `${SHORT_LABELS[v.key] ?? ''}${v.value}`);
  const more = values.length > NAMED_IN_SUMMARY ? ` and ${values.length - NAMED_IN_SUMMARY} more` : '';
  return `${count}: ${named.join(', ')}${more}; ${carry} ${values.length === 1 ? 'it' : 'one of them'}.`;
}

/**
 * ICC colour profiles: a strip keeps them (so colours don't shift) with every byte that could name a
 * person blanked (`neutralise`); inspect names them (`description`). Mirrors icc.py.
 */

import { type Bytes, ascii4, equalBytes, latin1, readU32, untilNul, utf16 } from './binary';
import { type Finding, finding, plural, trim } from './findings';

/** Tags a colour engine reads to convert colours: kept byte for byte. */
const COLOUR_TAGS = new Set([
  'A2B0', 'A2B1', 'A2B2', 'B2A0', 'B2A1', 'B2A2', 'D2B0', 'D2B1', 'D2B2', 'D2B3',
  'B2D0', 'B2D1', 'B2D2', 'B2D3', 'rXYZ', 'gXYZ', 'bXYZ', 'rTRC', 'gTRC', 'bTRC', 'kTRC',
  'wtpt', 'bkpt', 'chad', 'chrm', 'gamt', 'pre0', 'pre1', 'pre2', 'lumi', 'meas', 'tech',
  'view', 'cicp', 'rig0', 'rig2', 'ciis',
]);
/** Free-text tags: kept only when their text is one that standard profiles carry. */
const TEXT_TAGS = new Set(['desc', 'cprt', 'dmnd', 'dmdd', 'vued']);
const STANDARD_TEXTS = new Set([
  'sRGB',
  'sRGB IEC61966-2.1',
  'sRGB built-in',
  'Display',
  'Display P3',
  'Adobe RGB (1998)',
  'Generic RGB Profile',
  'Generic Gray Profile',
  'Generic Gray Gamma 2.2 Profile',
  'Generic CMYK Profile',
  'U.S. Web Coated (SWOP) v2',
  'Coated FOGRA39 (ISO 12647-2:2004)',
  'ProPhoto RGB',
  'Rec. ITU-R BT.2020-1',
  'Copyright (c) 1998 Hewlett-Packard Company',
  'Copyright 1999 Adobe Systems Incorporated',
  'Copyright 2000 Adobe Systems, Inc.',
  'Copyright International Color Consortium, 2009',
  'no copyright, use freely',
  'No copyright, use freely',
  'Public Domain',
  'IEC http://www.iec.ch',
  'IEC 61966-2.1 Default RGB colour space - sRGB',
  'Reference Viewing Condition in IEC61966-2.1',
  'lcms generated',
]);
const STANDARD_PATTERNS = [/^Copyright Apple Inc\., [0-9]{4}$/, /^Copyright [0-9]{4} Apple Inc\., all rights reserved\.$/];

type Span = [number, number];

/** The profile's 'desc' text ("Display P3", "sRGB IEC61966-2.1"), or null if unreadable. */
export function description(profile: Bytes): string | null {
  if (profile.length < 132) return null;
  const count = readU32(profile, 128, false);
  for (let i = 0; i < Math.min(count, 200); i++) {
    const pos = 132 + 12 * i;
    if (pos + 12 > profile.length) return null;
    const sig = latin1(profile.subarray(pos, pos + 4));
    const off = readU32(profile, pos + 4, false);
    const size = readU32(profile, pos + 8, false);
    if (sig !== 'desc' || off + size > profile.length || size < 12) continue;
    const tag = profile.subarray(off, off + size);
    const kind = latin1(tag.subarray(0, 4));
    if (kind === 'desc') {
      const n = readU32(tag, 8, false);
      return trim(latin1(untilNul(tag.subarray(12, 12 + n)))) || null;
    }
    if (kind === 'mluc' && size >= 28) {
      const records = readU32(tag, 8, false);
      const recSize = readU32(tag, 12, false);
      if (records < 1 || recSize < 12) return null;
      const length = readU32(tag, 20, false);
      const start = readU32(tag, 24, false);
      return trim(utf16(tag.subarray(start, start + length), false).replaceAll('\x00', '')) || null;
    }
    return null;
  }
  return null;
}

function standard(text: string): boolean {
  const t = trim(text);
  return STANDARD_TEXTS.has(t) || STANDARD_PATTERNS.some((p) => p.test(t));
}

/**
 * The bytes of a text tag to keep, relative to the tag, when every text it holds is standard: its
 * type signature, the counts and the strings. Null when any text is not standard.
 */
function standardTextSpans(tag: Bytes): Span[] | null {
  const kind = latin1(tag.subarray(0, 4));
  if (kind === 'text' && tag.length > 8) {
    const text = untilNul(tag.subarray(8));
    return standard(latin1(text)) ? [[0, 4], [8, Math.min(tag.length, 8 + text.length + 1)]] : null;
  }
  if (kind === 'desc' && tag.length >= 12) return descSpans(tag);
  if (kind === 'mluc' && tag.length >= 16) {
    const records = readU32(tag, 8, false);
    const recSize = readU32(tag, 12, false);
    if (recSize < 12 || 16 + records * recSize > tag.length) return null;
    const spans: Span[] = [[0, 4], [8, 16]];
    for (let r = 0; r < records; r++) {
      const at = 16 + r * recSize;
      const length = readU32(tag, at + 4, false);
      const start = readU32(tag, at + 8, false);
      if (start + length > tag.length || !standard(utf16(tag.subarray(start, start + length), false))) return null;
      spans.push([at, at + 12], [start, start + length]);
    }
    return spans;
  }
  return null;
}

/**
 * A v2 'desc' tag: an ASCII string, then a Unicode one (language, count, UTF-16), then a Macintosh one
 * (script code, count, 67 bytes). The ASCII string must be standard; the other two are kept when empty
 * or standard too, and zeroed otherwise.
 */
function descSpans(tag: Bytes): Span[] | null {
  const n = readU32(tag, 8, false);
  if (12 + n > tag.length || !standard(latin1(untilNul(tag.subarray(12, 12 + n))))) return null;
  const spans: Span[] = [[0, 4], [8, 12 + n]];
  let at = 12 + n;
  if (at + 8 <= tag.length) {
    const units = readU32(tag, at + 4, false);
    let end = at + 8 + 2 * units;
    if (end <= tag.length && (units === 0 || standard(utf16(tag.subarray(at + 8, end), false).replaceAll('\x00', '')))) {
      spans.push([at, end]);
      at = end;
      if (at + 3 <= tag.length) {
        const chars = tag[at + 2]!;
        end = at + 3 + chars;
        const script = latin1(untilNul(tag.subarray(at + 3, end)));
        if (chars <= 67 && end <= tag.length && (chars === 0 || standard(script))) spans.push([at, end]);
      }
    }
  }
  return spans;
}

/**
 * `profile` with every byte a colour engine does not read, and that could carry text, set to zero;
 * null when the profile's own structure is broken (a strip then drops it). See icc.py.
 */
export function neutralise(profile: Bytes): Bytes | null {
  if (profile.length < 132) return null;
  const size = readU32(profile, 0, false);
  const count = readU32(profile, 128, false);
  if (size > profile.length || 132 + 12 * count > size) return null;
  const spans: Span[] = [[0, 132 + 12 * count]];
  for (let i = 0; i < count; i++) {
    const pos = 132 + 12 * i;
    const sig = latin1(profile.subarray(pos, pos + 4));
    const off = readU32(profile, pos + 4, false);
    const n = readU32(profile, pos + 8, false);
    if (n < 4 || off + n > size) return null;
    if (COLOUR_TAGS.has(sig)) {
      spans.push([off, off + n]);
      continue;
    }
    const text = TEXT_TAGS.has(sig) ? standardTextSpans(profile.subarray(off, off + n)) : null;
    if (text !== null) for (const [a, b] of text) spans.push([off + a, off + b]);
    else spans.push([off, off + 4]);
  }
  const out = new Uint8Array(size);
  for (const [a, b] of spans) out.set(profile.subarray(a, b), a);
  if (!equalBytes(out, profile)) out.fill(0, 84, 100);
  return out;
}

/** The first string of a text tag, for a report; "" when it has none that can be read. */
function tagText(tag: Bytes): string {
  const kind = latin1(tag.subarray(0, 4));
  if (kind === 'text') return trim(latin1(untilNul(tag.subarray(8))));
  if (kind === 'desc' && tag.length >= 12) return trim(latin1(untilNul(tag.subarray(12, 12 + readU32(tag, 8, false)))));
  if (kind === 'mluc' && tag.length >= 28) {
    const length = readU32(tag, 20, false);
    const start = readU32(tag, 24, false);
    return trim(utf16(tag.subarray(start, start + length), false).replaceAll('\x00', ''));
  }
  return '';
}

/** What `neutralise` blanks: the texts of free-text tags and the signatures of other tags, each once. */
export function blanked(profile: Bytes): [string[], string[]] {
  const neutral = neutralise(profile);
  const texts: string[] = [];
  const tags: string[] = [];
  if (neutral === null) return [texts, tags];
  const count = readU32(profile, 128, false);
  for (let i = 0; i < count; i++) {
    const pos = 132 + 12 * i;
    const sig = latin1(profile.subarray(pos, pos + 4));
    const off = readU32(profile, pos + 4, false);
    const n = readU32(profile, pos + 8, false);
    if (COLOUR_TAGS.has(sig) || equalBytes(profile.subarray(off, off + n), neutral.subarray(off, off + n))) continue;
    const name = ascii4(profile, pos);
    if (TEXT_TAGS.has(sig)) {
      const entry = `${name}: ${tagText(profile.subarray(off, off + n)) || '(unreadable)'}`;
      if (!texts.includes(entry)) texts.push(entry);
    } else if (!tags.includes(name)) {
      tags.push(name);
    }
  }
  return [texts, tags];
}

/**
 * The profile a strip keeps, named by its description, and what the strip blanks in it: free text
 * that is not a standard profile's (people) and tags no colour engine reads (device).
 */
export function findings(profile: Bytes, block: string, offset: number, length: number): Finding[] {
  const out = [finding('kept', 'ICC profile', description(profile) ?? 'unnamed', block, offset, length, { bytes: profile.length })];
  const [texts, tags] = blanked(profile);
  if (texts.length) out.push(finding('people', 'Colour profile text', texts.join('; '), block, offset, length));
  if (tags.length) out.push(finding('device', 'Colour profile tags', `${plural(tags.length, 'tag')} blanked: ${tags.join(', ')}`, block, offset, length));
  return out;
}

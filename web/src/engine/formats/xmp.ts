/**
 * XMP: an RDF/XML packet (mirrors src/privpix/formats/xmp.py). It can carry as much as EXIF does,
 * GPS included, so strip removes it whole; inspect reads the properties people care about.
 *
 * Reading is a small pattern match rather than an XML parser: Web Workers have no DOMParser, and
 * both engines must read exactly the same values.
 */

import { type Bytes, utf8 } from './binary';
import { exifDate, formatPosition } from './exif';
import { type Category, type Finding, finding, formatBytes, formatFixed, trim } from './findings';

type Kind = 'text' | 'date' | 'altitude';

/** property -> (category, label, kind), in the order findings appear. */
export const PROPERTIES: ReadonlyArray<readonly [string, Category, string, Kind]> = [
  ['exif:GPSAltitude', 'location', 'Altitude', 'altitude'],
  ['photoshop:City', 'location', 'City', 'text'],
  ['photoshop:State', 'location', 'State/province', 'text'],
  ['photoshop:Country', 'location', 'Country', 'text'],
  ['Iptc4xmpCore:Location', 'location', 'Sublocation', 'text'],
  ['tiff:Make', 'device', 'Camera make', 'text'],
  ['tiff:Model', 'device', 'Camera model', 'text'],
  ['aux:SerialNumber', 'device', 'Body serial number', 'text'],
  ['exifEX:BodySerialNumber', 'device', 'Body serial number', 'text'],
  ['aux:Lens', 'device', 'Lens', 'text'],
  ['exifEX:LensModel', 'device', 'Lens', 'text'],
  ['aux:LensSerialNumber', 'device', 'Lens serial number', 'text'],
  ['exifEX:LensSerialNumber', 'device', 'Lens serial number', 'text'],
  ['xmp:CreatorTool', 'device', 'Software', 'text'],
  ['xmpMM:DocumentID', 'device', 'Document ID', 'text'],
  ['xmpMM:OriginalDocumentID', 'device', 'Original document ID', 'text'],
  // "xap" is the older prefix of the same namespaces (Photoshop CS2 and before write it).
  ['xap:CreatorTool', 'device', 'Software', 'text'],
  ['xapMM:DocumentID', 'device', 'Document ID', 'text'],
  ['xapMM:OriginalDocumentID', 'device', 'Original document ID', 'text'],
  ['exif:DateTimeOriginal', 'time', 'Taken', 'date'],
  ['photoshop:DateCreated', 'time', 'Taken', 'date'],
  ['xmp:CreateDate', 'time', 'Created', 'date'],
  ['xmp:ModifyDate', 'time', 'Modified', 'date'],
  ['xmp:MetadataDate', 'time', 'Metadata modified', 'date'],
  ['dc:creator', 'people', 'Creator', 'text'],
  ['tiff:Artist', 'people', 'Artist', 'text'],
  ['exif:Artist', 'people', 'Artist', 'text'],
  ['tiff:Copyright', 'people', 'Copyright', 'text'],
  ['exif:Copyright', 'people', 'Copyright', 'text'],
  ['dc:rights', 'people', 'Copyright', 'text'],
  ['xmpRights:Owner', 'people', 'Rights owner', 'text'],
  ['dc:title', 'people', 'Title', 'text'],
  ['dc:description', 'people', 'Description', 'text'],
  ['dc:subject', 'people', 'Keywords', 'text'],
  ['photoshop:Credit', 'people', 'Credit', 'text'],
  ['Iptc4xmpCore:CreatorContactInfo', 'people', 'Creator contact', 'text'],
];

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const ENTITY_RE = /&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g;
const SPACE_RE = /[ \t\n\r]+/g;
const XMP_GPS_RE = /^(\d+),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])$/;
const WS = ' \t\n\r';
const isWord = (c: string): boolean => /^[A-Za-z0-9_]$/.test(c);

// The scanning below is linear in the packet (as in xmp.py): every search either succeeds, and the
// next one starts past it, or fails, and then no later candidate can succeed either, so the scan stops.

/** The character of a numeric reference; null unless it is a Unicode scalar value other than NUL. */
function codePoint(digits: string, base: number): string | null {
  const d = digits.replace(/^0+/, '');
  if (d.length > 7) return null;
  const value = parseInt(d || '0', base);
  return value > 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff) ? String.fromCodePoint(value) : null;
}

function unescape(value: string): string {
  return value.replace(ENTITY_RE, (whole, name: string) => {
    let char: string | null | undefined;
    if (name.startsWith('#x')) char = codePoint(name.slice(2), 16);
    else if (name.startsWith('#')) char = codePoint(name.slice(1), 10);
    else char = ENTITIES[name];
    return char ?? whole;
  });
}

/** Every `<…>` (from a "<" to the next ">") replaced by a space. */
function withoutTags(value: string): string {
  const parts: string[] = [];
  let pos = 0;
  for (;;) {
    const lt = value.indexOf('<', pos);
    const gt = lt >= 0 ? value.indexOf('>', lt + 1) : -1;
    if (gt < 0) {
      parts.push(value.slice(pos));
      return parts.join('');
    }
    parts.push(value.slice(pos, lt), ' ');
    pos = gt + 1;
  }
}

function clean(value: string): string {
  return trim(unescape(withoutTags(value)).replace(SPACE_RE, ' '));
}

/** `text.indexOf(needle, start)` for ascending starts, remembering the last answer. */
class Next {
  private found = -2; // not searched yet
  constructor(
    private readonly text: string,
    private readonly needle: string,
  ) {}

  atOrAfter(start: number): number {
    if (this.found === -1 || this.found >= start) return this.found;
    this.found = this.text.indexOf(this.needle, start);
    return this.found;
  }
}

/** The first `name="value"` (or `'value'`) preceded by whitespace or "<": [start, value]. */
function attribute(packet: string, name: string): [number, string] | null {
  const quotes: Record<string, Next> = { '"': new Next(packet, '"'), "'": new Next(packet, "'") };
  let at = packet.indexOf(name);
  while (at >= 0) {
    let pos = at + name.length;
    if (at > 0 && (WS + '<').includes(packet[at - 1]!)) {
      while (pos < packet.length && WS.includes(packet[pos]!)) pos++;
      if (packet[pos] === '=') {
        pos++;
        while (pos < packet.length && WS.includes(packet[pos]!)) pos++;
        const quote = pos < packet.length ? quotes[packet[pos]!] : undefined;
        if (quote !== undefined) {
          const close = quote.atOrAfter(pos + 1);
          if (close >= 0) return [at - 1, packet.slice(pos + 1, close)];
        }
      }
    }
    at = packet.indexOf(name, at + 1);
  }
  return null;
}

/**
 * The first `<name>…</name>` or `<name attributes…>…</name>`: [start, content], the content running
 * to the first closing tag after the opening one.
 */
function element(text: string, name: string): [number, string] | null {
  const gt = new Next(text, '>');
  const close = new Next(text, `</${name}>`);
  const opening = `<${name}`;
  let at = text.indexOf(opening);
  while (at >= 0) {
    const pos = at + opening.length;
    const follows = pos < text.length ? text[pos]! : '';
    if (follows === '>' || (follows !== '' && WS.includes(follows))) {
      const end = follows === '>' ? pos : gt.atOrAfter(pos);
      const stop = end >= 0 ? close.atOrAfter(end + 1) : -1;
      if (stop < 0) return null; // nothing a later opening tag would need is left either
      return [at, text.slice(end + 1, stop)];
    }
    at = text.indexOf(opening, at + 1);
  }
  return null;
}

/** The contents of the `<rdf:li …>…</rdf:li>` items (`<rdf:li` then a non-word character). */
function listItems(inner: string): string[] {
  const items: string[] = [];
  const gt = new Next(inner, '>');
  const close = new Next(inner, '</rdf:li>');
  let at = inner.indexOf('<rdf:li');
  while (at >= 0) {
    const pos = at + '<rdf:li'.length;
    if (pos < inner.length && isWord(inner[pos]!)) {
      at = inner.indexOf('<rdf:li', at + 1);
      continue;
    }
    const end = gt.atOrAfter(pos);
    const stop = end >= 0 ? close.atOrAfter(end + 1) : -1;
    if (stop < 0) break;
    items.push(inner.slice(end + 1, stop));
    at = inner.indexOf('<rdf:li', stop + '</rdf:li>'.length);
  }
  return items;
}

/** All values of the first occurrence of property `name` (several for rdf lists). */
export function propertyValues(packet: string, name: string): string[] {
  if (!packet.includes(name)) return []; // most properties are absent
  const attr = attribute(packet, name);
  const elem = element(packet, name);
  if (attr !== null && (elem === null || attr[0] < elem[0])) {
    const value = clean(attr[1]);
    return value ? [value] : [];
  }
  if (elem !== null) {
    const inner = elem[1];
    let items = listItems(inner).map(clean);
    if (!items.length) items = [clean(inner)];
    return items.filter((item) => item);
  }
  return [];
}

/** XMP GPS form "DDD,MM.mmk" or "DDD,MM,SSk" to signed degrees. */
export function gpsCoordinate(value: string): number | null {
  const m = XMP_GPS_RE.exec(trim(value));
  if (!m) return null;
  let deg = parseFloat(m[1]!) + parseFloat(m[2]!) / 60;
  if (m[3] !== undefined) deg += parseFloat(m[3]) / 3600;
  return m[4] === 'S' || m[4] === 'W' ? -deg : deg;
}

function altitude(value: string, packet: string): [string, number] | null {
  const slash = value.indexOf('/');
  const num = slash < 0 ? value : value.slice(0, slash);
  const den = slash < 0 ? '' : value.slice(slash + 1);
  const n = pyFloat(num);
  const d = den ? pyFloat(den) : 1;
  if (n === null || d === null || (den && d === 0)) return null;
  let metres = den ? n / d : n;
  if (propertyValues(packet, 'exif:GPSAltitudeRef')[0] === '1') metres = -metres;
  return [`${formatFixed(Math.abs(metres), 1)} m ${metres < 0 ? 'below' : 'above'} sea level`, metres];
}

/** Python's float(): the whole (trimmed) string must be a number. */
function pyFloat(text: string): number | null {
  const t = trim(text);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}

export function decodePacket(payload: Bytes): string {
  return utf8(payload);
}

/** What an XMP packet says about location, device, time and people. */
export function findings(packet: string, block: string, offset: number, length: number): Finding[] {
  const out: Finding[] = [];
  const lat = propertyValues(packet, 'exif:GPSLatitude');
  const lon = propertyValues(packet, 'exif:GPSLongitude');
  if (lat.length && lon.length) {
    const la = gpsCoordinate(lat[0]!);
    const lo = gpsCoordinate(lon[0]!);
    if (la !== null && lo !== null) {
      out.push(finding('location', 'GPS position', formatPosition(la, lo), block, offset, length, { latitude: la, longitude: lo }));
    }
  }
  for (const [name, category, label, kind] of PROPERTIES) {
    const values = propertyValues(packet, name);
    if (!values.length) continue;
    if (kind === 'altitude') {
      const alt = altitude(values[0]!, packet);
      if (alt) out.push(finding(category, label, alt[0], block, offset, length, { metres: alt[1] }));
      continue;
    }
    let value = values.join(', ');
    if (kind === 'date') value = exifDate(value.replaceAll('T', ' '));
    out.push(finding(category, label, value, block, offset, length));
  }
  return out;
}

export function blockFinding(block: string, offset: number, length: number): Finding {
  return finding('blocks', 'XMP', `${formatBytes(length)} of XML metadata`, block, offset, length);
}

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
  ['exif:DateTimeOriginal', 'time', 'Taken', 'date'],
  ['photoshop:DateCreated', 'time', 'Taken', 'date'],
  ['xmp:CreateDate', 'time', 'Created', 'date'],
  ['xmp:ModifyDate', 'time', 'Modified', 'date'],
  ['xmp:MetadataDate', 'time', 'Metadata modified', 'date'],
  ['dc:creator', 'people', 'Creator', 'text'],
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
const LI_RE = /<rdf:li\b[^>]*>([\s\S]*?)<\/rdf:li>/g;
const TAG_RE = /<[^>]*>/g;
const SPACE_RE = /[ \t\n\r]+/g;
const XMP_GPS_RE = /^(\d+),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])$/;

function unescape(value: string): string {
  return value.replace(ENTITY_RE, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

function clean(value: string): string {
  return trim(unescape(value.replace(TAG_RE, ' ')).replace(SPACE_RE, ' '));
}

/** All values of the first occurrence of property `name` (several for rdf lists). */
export function propertyValues(packet: string, name: string): string[] {
  if (!packet.includes(name)) return []; // most properties are absent: skip the regular expressions
  const attr = new RegExp(`[ \\t\\n\\r<]${name}[ \\t\\n\\r]*=[ \\t\\n\\r]*("([^"]*)"|'([^']*)')`).exec(packet);
  const elem = new RegExp(`<${name}(?:[ \\t\\n\\r][^>]*)?>([\\s\\S]*?)</${name}>`).exec(packet);
  if (attr && (!elem || attr.index < elem.index)) {
    const raw = attr[2] !== undefined ? attr[2] : attr[3];
    const value = clean(raw ?? '');
    return value ? [value] : [];
  }
  if (elem) {
    const inner = elem[1] ?? '';
    let items = [...inner.matchAll(LI_RE)].map((m) => clean(m[1] ?? ''));
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

/**
 * TIFF (baseline and extended, strips or tiles, one or many pages) — mirrors src/privpix/formats/tiff.py.
 *
 * An 8-byte header, then a chain of IFDs (image file directories) whose tags describe each image and
 * point at its strips or tiles.
 *
 * A TIFF's IFD0 *is* an EXIF IFD0, so cameras and editors leave Make, Model, Software, dates, serial
 * numbers, XMP, IPTC, Photoshop blocks, MakerNotes and even whole embedded JPEGs in it. ExifTool's
 * `-all=` keeps Software and dates there; privpix does not: a strip writes a fresh, compact TIFF that
 * holds the image pages and only the tags needed to decode and render them. No pixel is decoded or
 * re-encoded; strip and tile bytes are copied verbatim.
 *
 * What is kept
 * ------------
 * - **Pages**: IFD0 always (the picture), and a later IFD of the chain only when it is a further page
 *   of the same document: not reduced, with strips or tiles, and either marked as a page
 *   (NewSubfileType bit 1, SubfileType 3 or a PageNumber tag) or of exactly IFD0's width and height.
 *   Dropped (with everything they point to, strips and tiles included): reduced-resolution IFDs
 *   (NewSubfileType bit 0, SubfileType 2); IFDs without StripOffsets or TileOffsets (EXIF-style JPEG
 *   thumbnails); every other later IFD, such as the 160×106 thumbnail Nikon Capture writes as IFD1;
 *   all SubIFDs (tag 330); Exif/GPS/Interop IFDs (rebuilt only for keep-groups, below).
 * - **Tags of a page**: the structural allowlist `STRUCTURAL_TAGS` (decoding and rendering only),
 *   each cut to its defined count (`COUNTS`, `PER_SAMPLE`), the ICC profile (34675, neutralised)
 *   when `keep_icc`, and the IFD0-level keep-group tags (Make, Model, DateTime, Artist, Copyright)
 *   when asked. Everything else goes: Software, ImageDescription,
 *   DocumentName, PageName, HostComputer, XMP (700), IPTC (33723), Photoshop IRB (34377), GeoTIFF,
 *   CameraSerialNumber, EXIF tags written straight into IFD0, MakerNotes, JPEGInterchangeFormat,
 *   and every private tag (>= 32768) other than ICC.
 * - **Keep-groups** (`options.keep`, see `exif.KEEP_GROUPS`): the group's EXIF tags go into a new
 *   Exif IFD (taken from the page's Exif IFD, or, when absent there, from the page IFD itself — some
 *   writers put EXIF tags straight into IFD0); its GPS tags into a new GPS IFD. Pointers are written as
 *   LONG. Nothing is added that the source did not carry.
 *
 * Refused: BigTIFF (`UnsupportedError`, in inspect too); in strip also old-style JPEG (Compression
 * 6), DNG and other files whose IFD0 is a reduced-resolution preview, pages that have both strips and
 * tiles or lack byte counts, strips or tiles that overlap, and outputs of 4 GiB or more. Truncation
 * of IFD0 or of a kept tag's value is a `FormatError` naming the offset; strip/tile data or a later
 * IFD beyond the end of the file makes the file damaged, not refused (the strips and tiles clipped,
 * their byte counts rewritten as LONG).
 *
 * Output layout (identical to tiff.py's; see its docstring for the full specification)
 * -------------------------------------------------------------------------------------
 * Same byte order as the input. Header `II*\0` or `MM\0*`, first IFD offset = 8. For each kept page,
 * in chain order, starting at an even position: the page IFD (entries sorted by tag; StripOffsets /
 * TileOffsets as LONG with the new offsets; ExifIFD / GPSInfo pointers as LONG, count 1, only when
 * that IFD is written; values of at most 4 bytes inline, larger ones after the table in entry order,
 * each padded to even length), then the Exif IFD and the GPS IFD (keep-groups only, next-IFD offset
 * 0), then every strip or tile verbatim, back to back (a piece with byte count 0 gets offset 0 and
 * no bytes), then one zero byte if another page follows and the position is odd. Nothing after the
 * last page's image data.
 *
 * Parsing rules both engines share: an IFD with a repeated tag keeps the last entry (as
 * `exif.readIfd` does); entries of unknown type, or whose value lies outside the file, are skipped
 * with a warning unless the tag is one a strip keeps (`TAG_NAMES`), which is a `FormatError`.
 *
 * Inspect
 * -------
 * Width and height come from IFD0. Findings follow the IFD chain in order; for a page IFD `IFDn`:
 * GPS IFD findings (`exif.findings`, block "IFDn GPS IFD"); `exif.findings` over the page IFD
 * with the Exif IFD's entries merged over the page's own (block "IFDn"); CameraSerialNumber; GeoTIFF;
 * XMP (700) findings and block; IPTC (33723) findings and block; Photoshop IRB (34377) findings; the
 * JPEGInterchangeFormat preview (unless Compression is 6); the Windows GDI+ thumbnail (0x501B); each
 * SubIFD; the Exif IFD block; the count of non-allowlisted tags; the ICC profile (kept). A dropped IFD
 * gives one "embedded" finding (reduced-resolution image or thumbnail).
 */

import { type Bytes, ByteWriter, ascii, need, packU32, preview, readU16, readU32, startsWith } from './binary';
import { FormatError, TruncatedError, UnsupportedError, damagedWarning } from './errors';
import * as exifMod from './exif';
import type { Entry, Ifd } from './exif';
import { type Finding, type Inspection, finding, formatBytes, plural } from './findings';
import { findings as iccFindings, neutralise } from './icc';
import * as iptc from './iptc';
import { parseOnce } from './memo';
import type { StripOptions } from './policy';
import * as xmp from './xmp';

export const NAME = 'tiff';
export const MIME = 'image/tiff';
const FMT = 'TIFF';

const MAGIC_LE = ascii('II*\x00');
const MAGIC_BE = ascii('MM\x00*');
const BIGTIFF_LE = ascii('II+\x00');
const BIGTIFF_BE = ascii('MM\x00+');

export const TAG_NEW_SUBFILE_TYPE = 254;
export const TAG_SUBFILE_TYPE = 255;
export const TAG_WIDTH = 256;
export const TAG_HEIGHT = 257;
export const TAG_COMPRESSION = 259;
export const TAG_STRIP_OFFSETS = 273;
export const TAG_STRIP_BYTE_COUNTS = 279;
export const TAG_TILE_OFFSETS = 324;
export const TAG_TILE_BYTE_COUNTS = 325;
export const TAG_PAGE_NUMBER = 297;
export const TAG_SUB_IFDS = 330;
export const TAG_XMP = 700;
export const TAG_JPEG_IF_OFFSET = 0x0201;
export const TAG_JPEG_IF_LENGTH = 0x0202;
export const TAG_GDI_THUMBNAIL = 0x501b; // Windows GDI+ PropertyTagThumbnailData (a JPEG)
export const TAG_IPTC = 33723;
export const TAG_PHOTOSHOP = 34377;
export const TAG_ICC = 34675;
export const TAG_EXIF_IFD = exifMod.TAG_EXIF_IFD; // 34665
export const TAG_GPS_IFD = exifMod.TAG_GPS_IFD; // 34853
export const TAG_DNG_VERSION = 0xc612;
export const GEOTIFF_TAGS: readonly number[] = [33550, 33922, 34264, 34735, 34736, 34737];

const COMPRESSION_OLD_JPEG = 6;

// Tags needed to decode and render a page; everything else is metadata. None of them holds a file
// offset except the strip/tile offsets, which the strip rewrites.
export const STRUCTURAL_TAGS: ReadonlyMap<number, string> = new Map([
  [254, 'NewSubfileType'],
  [255, 'SubfileType'],
  [256, 'ImageWidth'],
  [257, 'ImageLength'],
  [258, 'BitsPerSample'],
  [259, 'Compression'],
  [262, 'PhotometricInterpretation'],
  [263, 'Threshholding'],
  [264, 'CellWidth'],
  [265, 'CellLength'],
  [266, 'FillOrder'],
  [273, 'StripOffsets'],
  [274, 'Orientation'],
  [277, 'SamplesPerPixel'],
  [278, 'RowsPerStrip'],
  [279, 'StripByteCounts'],
  [280, 'MinSampleValue'],
  [281, 'MaxSampleValue'],
  [282, 'XResolution'],
  [283, 'YResolution'],
  [284, 'PlanarConfiguration'],
  [290, 'GrayResponseUnit'],
  [291, 'GrayResponseCurve'],
  [292, 'T4Options'],
  [293, 'T6Options'],
  [296, 'ResolutionUnit'],
  [297, 'PageNumber'],
  [301, 'TransferFunction'],
  [317, 'Predictor'],
  [318, 'WhitePoint'],
  [319, 'PrimaryChromaticities'],
  [320, 'ColorMap'],
  [321, 'HalftoneHints'],
  [322, 'TileWidth'],
  [323, 'TileLength'],
  [324, 'TileOffsets'],
  [325, 'TileByteCounts'],
  [332, 'InkSet'],
  [334, 'NumberOfInks'],
  [336, 'DotRange'],
  [338, 'ExtraSamples'],
  [339, 'SampleFormat'],
  [340, 'SMinSampleValue'],
  [341, 'SMaxSampleValue'],
  [342, 'TransferRange'],
  [347, 'JPEGTables'],
  [529, 'YCbCrCoefficients'],
  [530, 'YCbCrSubSampling'],
  [531, 'YCbCrPositioning'],
  [532, 'ReferenceBlackWhite'],
]);
export const TAG_NAMES: ReadonlyMap<number, string> = new Map([...STRUCTURAL_TAGS, [TAG_ICC, 'ICCProfile']]);

const MAX_OUTPUT = 0xffffffff;

/** A full-resolution image IFD and what hangs off it. */
export interface Page {
  index: number; // position in the IFD chain (0 for IFD0)
  ifd: Ifd;
  exif: Ifd | null;
  gps: Ifd | null;
  subIfds: number[]; // SubIFD offsets (tag 330)
  offsetsTag: number; // 273 or 324; 0 when the page has neither
  offsets: number[];
  counts: number[];
  cut: string | null; // why its image data is incomplete (the file was cut short inside it)
}

/** An IFD of the chain that is not a page: a reduced-resolution image or a thumbnail. */
export interface Dropped {
  index: number;
  ifd: Ifd;
  kind: 'reduced' | 'thumbnail' | 'secondary';
}

export interface Layout {
  little: boolean;
  pages: Page[];
  dropped: Dropped[];
  warnings: string[];
  damaged: string | null; // why the file is incomplete: cut inside image data or a later IFD
}

export function sniff(data: Bytes): boolean {
  const head = data.subarray(0, 4);
  return [MAGIC_LE, MAGIC_BE, BIGTIFF_LE, BIGTIFF_BE].some((magic) => head.length === 4 && startsWith(head, magic));
}

// ---- parsing ----------------------------------------------------------------------------------------

function first(ifd: Ifd, tag: number, little: boolean): number | null {
  const entry = ifd.entries.get(tag);
  const values = entry !== undefined ? exifMod.uints(entry, little) : [];
  return values.length ? values[0]! : null;
}

/** Bytes of the IFD table: count, 12-byte entries, next offset. */
function tableLength(ifd: Ifd, data: Bytes, little: boolean): number {
  const count = readU16(data, ifd.offset, little);
  return 2 + 12 * count + 4;
}

/**
 * Every entry a strip would keep must be readable: a known type and a value inside the file.
 *
 * `exif.readIfd` skips broken entries with a warning, which is right for metadata we drop but
 * would silently lose a tag the image needs, so the table is checked again here.
 */
function checkKeptEntries(data: Bytes, ifd: Ifd, little: boolean, where: string): void {
  const count = readU16(data, ifd.offset, little);
  for (let i = 0; i < count; i++) {
    const pos = ifd.offset + 2 + 12 * i;
    const tag = readU16(data, pos, little);
    const type = readU16(data, pos + 2, little);
    const n = readU32(data, pos + 4, little);
    const name = TAG_NAMES.get(tag);
    if (name === undefined) continue;
    const size = exifMod.TYPE_SIZES[type];
    if (size === undefined) {
      throw new FormatError(FMT, pos, `expected a known field type for ${where} tag ${name}`, `type ${type}`);
    }
    const total = size * n;
    if (total > 4) {
      const at = readU32(data, pos + 8, little);
      need(data, at, total, FMT, `the value of ${where} tag ${name}`);
    }
  }
}

function intArray(ifd: Ifd, tag: number, little: boolean, where: string): number[] | null {
  const entry = ifd.entries.get(tag);
  if (entry === undefined) return null;
  if (entry.type !== exifMod.TYPE_SHORT && entry.type !== exifMod.TYPE_LONG) {
    throw new FormatError(FMT, entry.valueOffset, `expected SHORT or LONG values for ${where} tag ${TAG_NAMES.get(tag)}`,
      `type ${entry.type}`);
  }
  return exifMod.uints(entry, little);
}

/** An Exif or GPS IFD, read tolerantly: a broken one is a warning (a strip drops it anyway). */
function subIfd(data: Bytes, page: Ifd, tag: number, name: string, little: boolean, warnings: string[], budget: exifMod.ReadBudget): Ifd | null {
  const entry = page.entries.get(tag);
  if (entry === undefined) return null;
  const offsets = exifMod.uints(entry, little);
  if (!offsets.length || offsets[0] === page.offset) {
    warnings.push(`${FMT} ${name} pointer is invalid; ignored`);
    return null;
  }
  try {
    return exifMod.readIfd(data, offsets[0]!, little, FMT, warnings, 0, budget);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    warnings.push(`${name}: ${err.expected}; ignored`);
    return null;
  }
}

function readPage(data: Bytes, ifd: Ifd, index: number, little: boolean, warnings: string[], budget: exifMod.ReadBudget): Page {
  const where = `IFD${index}`;
  checkKeptEntries(data, ifd, little, where);
  const page: Page = { index, ifd, exif: null, gps: null, subIfds: [], offsetsTag: 0, offsets: [], counts: [], cut: null };
  page.exif = subIfd(data, ifd, TAG_EXIF_IFD, `${where} Exif IFD`, little, warnings, budget);
  page.gps = subIfd(data, ifd, TAG_GPS_IFD, `${where} GPS IFD`, little, warnings, budget);
  const sub = ifd.entries.get(TAG_SUB_IFDS);
  page.subIfds = sub !== undefined ? exifMod.uints(sub, little) : [];
  let countsTag: number;
  if (ifd.entries.has(TAG_TILE_OFFSETS)) {
    [page.offsetsTag, countsTag] = [TAG_TILE_OFFSETS, TAG_TILE_BYTE_COUNTS];
  } else if (ifd.entries.has(TAG_STRIP_OFFSETS)) {
    [page.offsetsTag, countsTag] = [TAG_STRIP_OFFSETS, TAG_STRIP_BYTE_COUNTS];
  } else {
    return page;
  }
  page.offsets = intArray(ifd, page.offsetsTag, little, where) ?? [];
  const counts = intArray(ifd, countsTag, little, where);
  if (counts === null) return page; // strip() refuses it; inspect can still say what the file carries
  if (counts.length !== page.offsets.length) {
    throw new FormatError(FMT, ifd.offset,
      `expected as many ${TAG_NAMES.get(countsTag)} as ${TAG_NAMES.get(page.offsetsTag)} in ${where}`,
      `${counts.length} and ${page.offsets.length}`);
  }
  page.counts = counts;
  const piece = page.offsetsTag === TAG_TILE_OFFSETS ? 'tile' : 'strip';
  for (let j = 0; j < counts.length; j++) {
    const off = page.offsets[j]!;
    const size = counts[j]!;
    try {
      if (size) need(data, off, size, FMT, `${where} ${piece} ${j} of ${counts.length}`);
    } catch (err) { // cut short: the bytes that are there
      if (!(err instanceof TruncatedError)) throw err;
      page.cut ??= err.message;
      counts[j] = Math.max(0, Math.min(size, data.length - off));
    }
  }
  return page;
}

function isReduced(ifd: Ifd, little: boolean): boolean {
  const newType = first(ifd, TAG_NEW_SUBFILE_TYPE, little);
  const oldType = first(ifd, TAG_SUBFILE_TYPE, little);
  return (newType !== null && (newType & 1) === 1) || oldType === 2;
}

/** Whether a later IFD is a further page of the document IFD0 starts (see the comment at the top). */
function isPage(ifd: Ifd, ifd0: Ifd, little: boolean): boolean {
  const newType = first(ifd, TAG_NEW_SUBFILE_TYPE, little);
  const marked = (newType !== null && (newType & 2) === 2) || first(ifd, TAG_SUBFILE_TYPE, little) === 3;
  const sameSize = first(ifd, TAG_WIDTH, little) === first(ifd0, TAG_WIDTH, little) &&
    first(ifd, TAG_HEIGHT, little) === first(ifd0, TAG_HEIGHT, little);
  return marked || ifd.entries.has(TAG_PAGE_NUMBER) || sameSize;
}

export const parse = parseOnce(function parse(data: Bytes): Layout {
  const head = data.subarray(0, 4);
  const is = (magic: Bytes): boolean => head.length === 4 && startsWith(head, magic);
  if (is(BIGTIFF_LE) || is(BIGTIFF_BE)) {
    throw new UnsupportedError(FMT, 0, 'BigTIFF (64-bit offsets) is not supported; save the image as a classic TIFF');
  }
  if (!is(MAGIC_LE) && !is(MAGIC_BE)) {
    throw new FormatError(FMT, 0, "expected a TIFF header 'II*\\0' or 'MM\\0*'", preview(data, 0, 4));
  }
  need(data, 0, 8, FMT, 'an 8-byte TIFF header');
  const little = is(MAGIC_LE);
  const warnings: string[] = [];
  const pages: Page[] = [];
  const dropped: Dropped[] = [];
  const seen = new Set<number>();
  const budget = new exifMod.ReadBudget(data.length);
  let offset = readU32(data, 4, little);
  if (offset === 0) throw new FormatError(FMT, 4, 'expected the offset of the first IFD', '0');
  let index = 0;
  let damaged: string | null = null;
  while (offset) {
    if (seen.has(offset)) {
      throw new FormatError(FMT, offset, 'expected a new IFD, but the IFD chain loops back to an earlier one');
    }
    seen.add(offset);
    if (index > 0 && (offset + 2 > data.length || offset + 6 + 12 * readU16(data, offset, little) > data.length)) {
      damaged = new FormatError(FMT, offset, `truncated: IFD${index} runs past the end of the file (${data.length} bytes)`).message;
      break; // a later IFD cut short: the pages before it are whole
    }
    const ifd = exifMod.readIfd(data, offset, little, FMT, warnings, 0, budget);
    const count = readU16(data, offset, little);
    need(data, offset + 2 + 12 * count, 4, FMT, `the next-IFD offset of IFD${index}`);
    if (index > 0 && isReduced(ifd, little)) {
      dropped.push({ index, ifd, kind: 'reduced' });
    } else if (index > 0 && !ifd.entries.has(TAG_STRIP_OFFSETS) && !ifd.entries.has(TAG_TILE_OFFSETS)) {
      dropped.push({ index, ifd, kind: 'thumbnail' });
    } else if (index > 0 && !isPage(ifd, pages[0]!.ifd, little)) {
      dropped.push({ index, ifd, kind: 'secondary' });
    } else {
      pages.push(readPage(data, ifd, index, little, warnings, budget));
    }
    offset = ifd.nextOffset;
    index += 1;
  }
  damaged = pages.find((page) => page.cut !== null)?.cut ?? damaged;
  if (damaged !== null) warnings.push(damagedWarning(damaged));
  return { little, pages, dropped, warnings, damaged };
});

// ---- the photo's own EXIF and ICC --------------------------------------------------------------------

/** A TIFF is its own EXIF block: IFD0 holds what an EXIF IFD0 holds. */
export function exifBlock(data: Bytes): Bytes | null {
  parse(data);
  return data;
}

/** IFD0's ICC profile tag (34675). */
export function iccProfile(data: Bytes): Bytes | null {
  return parse(data).pages[0]!.ifd.entries.get(TAG_ICC)?.raw ?? null;
}

// ---- inspect ----------------------------------------------------------------------------------------

function sizeText(ifd: Ifd, little: boolean): string {
  const w = first(ifd, TAG_WIDTH, little);
  const h = first(ifd, TAG_HEIGHT, little);
  return w !== null && h !== null ? `${w}×${h} pixels` : 'size unknown';
}

function tableFindingSpan(data: Bytes, ifd: Ifd, little: boolean): [number, number] {
  return [ifd.offset, tableLength(ifd, data, little)];
}

function pageFindings(data: Bytes, page: Page, little: boolean, warnings: string[], budget: exifMod.ReadBudget): Finding[] {
  const ifd = page.ifd;
  const block = `IFD${page.index}`;
  const span = tableFindingSpan(data, ifd, little);
  const out: Finding[] = [];
  if (page.gps !== null) {
    const gpsView = new exifMod.Exif(little);
    gpsView.gps = page.gps;
    out.push(...exifMod.findings(gpsView, `${block} GPS IFD`, ...tableFindingSpan(data, page.gps, little)));
  }
  // EXIF tags may sit in the Exif IFD or straight in the page IFD: read both, the Exif IFD winning.
  const merged: Ifd = {
    offset: page.exif ? page.exif.offset : ifd.offset,
    entries: new Map([...ifd.entries, ...(page.exif ? page.exif.entries : [])]),
    nextOffset: 0,
  };
  const view = new exifMod.Exif(little);
  view.ifd0 = ifd;
  view.exif = merged;
  view.data = data;
  out.push(...exifMod.findings(view, block, ...span));
  const geo = GEOTIFF_TAGS.filter((t) => ifd.entries.has(t));
  if (geo.length) {
    out.push(finding('location', 'GeoTIFF georeferencing', plural(geo.length, 'GeoTIFF tag'), block, ...span));
  }
  let entry = ifd.entries.get(TAG_XMP);
  if (entry !== undefined) {
    const packet = xmp.decodePacket(entry.raw);
    out.push(...xmp.findings(packet, `${block} XMP`, entry.valueOffset, entry.raw.length));
    out.push(xmp.blockFinding(`${block} XMP`, entry.valueOffset, entry.raw.length));
  }
  entry = ifd.entries.get(TAG_IPTC);
  if (entry !== undefined) {
    out.push(...iptc.iimFindings(entry.raw, `${block} IPTC`, entry.valueOffset, entry.raw.length));
    out.push(finding('blocks', 'IPTC', `${formatBytes(entry.raw.length)} of IPTC-IIM records`, `${block} IPTC`,
      entry.valueOffset, entry.raw.length));
  }
  entry = ifd.entries.get(TAG_PHOTOSHOP);
  if (entry !== undefined) {
    out.push(...iptc.irbFindings(entry.raw, `${block} Photoshop`, entry.valueOffset, entry.raw.length));
  }
  const jpegAt = first(ifd, TAG_JPEG_IF_OFFSET, little);
  const jpegLen = first(ifd, TAG_JPEG_IF_LENGTH, little);
  if (jpegAt !== null && jpegLen && first(ifd, TAG_COMPRESSION, little) !== COMPRESSION_OLD_JPEG) {
    const isJpeg = startsWith(data, Uint8Array.of(0xff, 0xd8), jpegAt);
    const value = isJpeg ? `JPEG, ${formatBytes(jpegLen)}` : `${formatBytes(jpegLen)} (the pointer does not lead to JPEG data)`;
    out.push(finding('embedded', 'Embedded JPEG preview', value, block, jpegAt, jpegLen));
  }
  entry = ifd.entries.get(TAG_GDI_THUMBNAIL);
  if (entry !== undefined && entry.raw.length) {
    const value = (startsWith(entry.raw, Uint8Array.of(0xff, 0xd8)) ? 'JPEG, ' : '') + formatBytes(entry.raw.length);
    out.push(finding('embedded', 'Windows thumbnail', value, block, entry.valueOffset, entry.raw.length));
  }
  for (let j = 0; j < page.subIfds.length; j++) {
    const subAt = page.subIfds[j]!;
    const subBlock = `${block} SubIFD${j}`;
    let sub: Ifd;
    try {
      sub = exifMod.readIfd(data, subAt, little, FMT, warnings, 0, budget);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      warnings.push(`${subBlock}: ${err.expected}; ignored`);
      out.push(finding('embedded', 'SubIFD image', 'unreadable', subBlock, subAt, 0));
      continue;
    }
    out.push(finding('embedded', 'SubIFD image', sizeText(sub, little), subBlock, ...tableFindingSpan(data, sub, little)));
  }
  if (page.exif !== null) {
    out.push(finding('blocks', 'Exif IFD', plural(page.exif.entries.size, 'tag'), `${block} Exif IFD`,
      ...tableFindingSpan(data, page.exif, little)));
  }
  const other = [...ifd.entries.keys()].filter((t) => !TAG_NAMES.has(t));
  if (other.length) {
    out.push(finding('blocks', 'TIFF metadata tags', plural(other.length, 'tag') + ' not needed to show the image', block, ...span));
  }
  entry = ifd.entries.get(TAG_ICC);
  if (entry !== undefined) {
    out.push(...iccFindings(entry.raw, `${block} ICC`, entry.valueOffset, entry.raw.length));
  }
  return out;
}

function droppedFinding(data: Bytes, item: Dropped, little: boolean): Finding {
  const block = `IFD${item.index}`;
  const span = tableFindingSpan(data, item.ifd, little);
  if (item.kind === 'reduced') {
    return finding('embedded', 'Reduced-resolution image', sizeText(item.ifd, little), block, ...span);
  }
  if (item.kind === 'secondary') return finding('embedded', 'Secondary image', sizeText(item.ifd, little), block, ...span);
  const length = first(item.ifd, TAG_JPEG_IF_LENGTH, little);
  if (first(item.ifd, TAG_JPEG_IF_OFFSET, little) !== null && length) {
    return finding('embedded', 'EXIF thumbnail', `JPEG, ${formatBytes(length)}`, block, ...span);
  }
  return finding('embedded', 'EXIF thumbnail', sizeText(item.ifd, little), block, ...span);
}

export function readMetadata(data: Bytes): Inspection {
  const layout = parse(data);
  const little = layout.little;
  const warnings = [...layout.warnings];
  const items: [number, Finding[]][] = [];
  const budget = new exifMod.ReadBudget(data.length); // for the SubIFDs, which only inspect reads
  for (const page of layout.pages) items.push([page.index, pageFindings(data, page, little, warnings, budget)]);
  for (const item of layout.dropped) items.push([item.index, [droppedFinding(data, item, little)]]);
  items.sort((a, b) => a[0] - b[0]);
  const out = items.flatMap(([, found]) => found);
  const ifd0 = layout.pages[0]!.ifd;
  return {
    format: NAME,
    mime: MIME,
    width: first(ifd0, TAG_WIDTH, little),
    height: first(ifd0, TAG_HEIGHT, little),
    findings: out,
    warnings,
    damaged: layout.damaged !== null,
  };
}

// ---- strip ------------------------------------------------------------------------------------------

function checkStrippable(page: Page, little: boolean): void {
  const ifd = page.ifd;
  const where = `IFD${page.index}`;
  if (first(ifd, TAG_COMPRESSION, little) === COMPRESSION_OLD_JPEG) {
    throw new UnsupportedError(FMT, ifd.offset, `${where} uses old-style JPEG compression (6), which privpix cannot ` +
      'rewrite safely; convert the file to a modern TIFF or a JPEG first');
  }
  if (page.index === 0 && (ifd.entries.has(TAG_DNG_VERSION) || isReduced(ifd, little))) {
    throw new UnsupportedError(FMT, ifd.offset, 'IFD0 is a reduced-resolution preview (a DNG or raw file); the full ' +
      'image lives in a SubIFD, which a lossless TIFF strip would drop');
  }
  if (ifd.entries.has(TAG_STRIP_OFFSETS) && ifd.entries.has(TAG_TILE_OFFSETS)) {
    throw new UnsupportedError(FMT, ifd.offset, `${where} has both strips and tiles`);
  }
  if (page.offsetsTag === 0 || !page.offsets.length) {
    throw new FormatError(FMT, ifd.offset, `expected StripOffsets or TileOffsets in ${where}`);
  }
  if (!page.counts.length) {
    const counts = page.offsetsTag === TAG_TILE_OFFSETS ? 'TileByteCounts' : 'StripByteCounts';
    throw new UnsupportedError(FMT, ifd.offset, `${where} has no ${counts}; privpix cannot tell where its image data ends`);
  }
}

interface PagePlan {
  page: Page;
  entries: Entry[]; // page IFD entries, sorted; offsets and pointers still to fill in
  exif: Entry[];
  gps: Entry[];
}

const byNumber = (a: number, b: number): number => a - b;

/**
 * Structural tags of one value, or of a fixed number of values (others: one per sample): a longer
 * value carries bytes no decoder reads, and is cut to its defined count.
 */
const COUNTS = new Map<number, number>([
  ...[254, 255, 256, 257, 259, 262, 263, 264, 265, 266, 274, 277, 278, 282, 283, 284].map((t) => [t, 1] as const),
  ...[290, 292, 293, 296, 317, 322, 323, 332, 334, 531].map((t) => [t, 1] as const),
  [297, 2], [318, 2], [319, 6], [529, 3], [530, 2], [532, 6],
]);
const PER_SAMPLE = new Set([258, 338, 339, 340, 341]);

/** A kept entry in its defined count; the ICC profile neutralised, or null when it is unreadable. */
function canonical(entry: Entry, spp: number): Entry | null {
  if (entry.tag === TAG_ICC) {
    const neutral = neutralise(entry.raw);
    return neutral === null ? null : { tag: entry.tag, type: entry.type, count: neutral.length, raw: neutral, valueOffset: 0 };
  }
  const most = COUNTS.get(entry.tag) ?? (PER_SAMPLE.has(entry.tag) ? spp : undefined);
  if (most === undefined || entry.count <= most) return entry;
  return { tag: entry.tag, type: entry.type, count: most, raw: entry.raw.subarray(0, most * exifMod.TYPE_SIZES[entry.type]!), valueOffset: 0 };
}

function plan(page: Page, options: StripOptions, kept: exifMod.KeptTags, little: boolean): PagePlan {
  const ifd = page.ifd;
  const wanted = new Set([...STRUCTURAL_TAGS.keys(), ...kept.ifd0]);
  if (options.keep_icc) wanted.add(TAG_ICC);
  const spp = first(ifd, 277, little) || 1;
  let entries = [...ifd.entries.keys()].sort(byNumber).filter((t) => wanted.has(t))
    .map((t) => canonical(ifd.entries.get(t)!, spp)).filter((x): x is Entry => x !== null);
  const exifEntries: Entry[] = [];
  for (const tag of [...kept.exif].sort(byNumber)) {
    let entry = page.exif !== null ? page.exif.entries.get(tag) : undefined;
    if (entry === undefined) entry = ifd.entries.get(tag);
    if (entry !== undefined) exifEntries.push(entry);
  }
  let gps = page.gps;
  if (gps !== null && options.keep.includes('blurred-location')) {
    const view = new exifMod.Exif(little);
    view.gps = gps;
    gps = exifMod.blurredGps(view);
  }
  const gpsEntries = gps !== null
    ? [...gps.entries.keys()].sort(byNumber).filter((t) => kept.gps.has(t)).map((t) => gps.entries.get(t)!)
    : [];
  const placeholder = new Uint8Array(4);
  if (exifEntries.length) entries.push({ tag: TAG_EXIF_IFD, type: exifMod.TYPE_LONG, count: 1, raw: placeholder, valueOffset: 0 });
  if (gpsEntries.length) entries.push({ tag: TAG_GPS_IFD, type: exifMod.TYPE_LONG, count: 1, raw: placeholder, valueOffset: 0 });
  // the offsets array becomes LONG; its size is known before the offsets are
  entries = entries.map((x) =>
    x.tag === page.offsetsTag
      ? { tag: x.tag, type: exifMod.TYPE_LONG, count: page.offsets.length, raw: new Uint8Array(4 * page.offsets.length), valueOffset: 0 }
      : x,
  );
  if (page.cut !== null) { // the byte counts of what the file still holds, as LONG
    const countsTag = page.offsetsTag === TAG_TILE_OFFSETS ? TAG_TILE_BYTE_COUNTS : TAG_STRIP_BYTE_COUNTS;
    const clipped = packU32Array(page.counts, little);
    entries = entries.map((x) => (x.tag === countsTag ? { tag: x.tag, type: exifMod.TYPE_LONG, count: page.counts.length, raw: clipped, valueOffset: 0 } : x));
  }
  entries.sort((a, b) => a.tag - b.tag);
  return { page, entries, exif: exifEntries, gps: gpsEntries };
}

function packU32Array(values: readonly number[], little: boolean): Bytes {
  const out = new Uint8Array(4 * values.length);
  values.forEach((v, i) => out.set(packU32(v, little), 4 * i));
  return out;
}

export function strip(data: Bytes, options: StripOptions): Bytes {
  const layout = parse(data);
  const little = layout.little;
  for (const page of layout.pages) checkStrippable(page, little);
  if (layout.pages.reduce((n, page) => n + page.counts.reduce((a, b) => a + b, 0), 0) > data.length) {
    throw new UnsupportedError(FMT, -1, "the pages' strips or tiles overlap: the stripped file would repeat the same bytes");
  }
  const kept = exifMod.keptTags(options.keep, false);
  const plans = layout.pages.map((page) => plan(page, options, kept, little));

  const out = new ByteWriter().push(little ? MAGIC_LE : MAGIC_BE);
  out.push(packU32(8, little));
  for (let k = 0; k < plans.length; k++) {
    const p = plans[k]!;
    const page = p.page;
    const pageAt = out.length;
    const exifAt = pageAt + exifMod.ifdSize(p.entries);
    const gpsAt = exifAt + (p.exif.length ? exifMod.ifdSize(p.exif) : 0);
    const dataAt = gpsAt + (p.gps.length ? exifMod.ifdSize(p.gps) : 0);
    const end = dataAt + page.counts.reduce((a, b) => a + b, 0);
    const last = k === plans.length - 1;
    const nextAt = last ? 0 : end + (end % 2);
    if (end > MAX_OUTPUT || nextAt > MAX_OUTPUT) {
      throw new UnsupportedError(FMT, -1, 'the stripped file would be 4 GiB or more, which a classic TIFF cannot address');
    }
    const newOffsets: number[] = [];
    let cursor = dataAt;
    for (const size of page.counts) {
      newOffsets.push(size ? cursor : 0);
      cursor += size;
    }
    const fixed = new Map<number, Bytes>([
      [page.offsetsTag, packU32Array(newOffsets, little)],
      [TAG_EXIF_IFD, packU32(exifAt, little)],
      [TAG_GPS_IFD, packU32(gpsAt, little)],
    ]);
    const entries = p.entries.map((x) => {
      const raw = fixed.get(x.tag);
      return raw !== undefined ? { tag: x.tag, type: x.type, count: x.count, raw, valueOffset: 0 } : x;
    });
    exifMod.writeIfd(out, entries, nextAt, little);
    if (p.exif.length) exifMod.writeIfd(out, p.exif, 0, little);
    if (p.gps.length) exifMod.writeIfd(out, p.gps, 0, little);
    if (out.length !== dataAt) throw new Error(`TIFF strip: image data at ${out.length}, planned at ${dataAt}`);
    for (let j = 0; j < page.offsets.length; j++) {
      const off = page.offsets[j]!;
      const size = page.counts[j]!;
      out.push(data.subarray(off, off + size));
    }
    if (!last && out.length % 2) out.push(new Uint8Array(1));
  }
  return out.bytes();
}

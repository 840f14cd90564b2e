/**
 * A HEIC grid read in rows of tiles (mirrors src/privpix/imaging/heic_grid.py).
 *
 * A phone's HEIC is a grid: the primary item is a `grid` whose tiles (`dimg` references) are separate
 * HEVC items of one size (512×512 on an iPhone, Samsung's 108/200 MP ones the same) sharing one
 * `hvcC`. `gridFile` writes some of those tiles as a HEIF file of its own (the same coded tiles, a
 * smaller grid with the grid's `colr` properties, no rotation or mirror); the two-core decode
 * (codecs/heic.ts) cuts a grid into two such bands, and `decodeReduced` decodes a picture over the
 * pixel budget one row of tiles at a time, feeding each to a BlockReducer (imaging/reduce.ts), so only
 * the reduced picture, one row of tiles and its file are ever in memory. The primary item's
 * `irot`/`imir` are then applied to the small result in their `ipma` order, as libheif applies them to
 * the whole picture; the ICC profile stays the container's, as on the normal path.
 *
 * `readGrid` refuses, with the reason, a HEIC that is not a grid (one coded picture cannot be decoded
 * in parts), one with an alpha plane or a crop (`clap`), and tiles that are not HEVC or do not share
 * one `hvcC`.
 */

import { concat } from '../formats/binary';
import { FormatError, UnsupportedError } from '../formats/errors';
import { type Heif, itemBytes, parse } from '../formats/isobmff';
import { type Raster, orient } from './raster';
import { BlockReducer } from './reduce';

export interface Grid {
  /** The grid's output size (before irot/imir). */
  width: number;
  height: number;
  rows: number;
  cols: number;
  tileHeight: number;
  /** Coded tiles, row by row. */
  tiles: Uint8Array[];
  /** The whole hvcC and ispe property boxes every tile shares. */
  hvcC: Uint8Array;
  tileIspe: Uint8Array;
  /** The grid's colr boxes (nclx and/or prof). */
  colr: Uint8Array[];
  /** ['irot', quarter turns anticlockwise] / ['imir', axis], in ipma order. */
  transforms: ['irot' | 'imir', number][];
}

/** The property boxes of item `id`, as [type, bytes of the whole box]. */
export function propertyBoxes(data: Uint8Array, heif: Heif, id: number): [string, Uint8Array][] {
  return (heif.assoc.get(id) ?? [])
    .filter(([index]) => index > 0 && index <= heif.properties.length)
    .map(([index]) => {
      const b = heif.properties[index - 1]!;
      return [b.type, data.subarray(b.start, b.end)];
    });
}

function refuse(why: string): UnsupportedError {
  return new UnsupportedError('HEIC', -1, `${why}, so it cannot be decoded in parts at a reduced size`);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

const u32At = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** The grid of a HEIC's primary item; UnsupportedError saying why it cannot be read in rows of tiles. */
export function readGrid(data: Uint8Array, heif: Heif = parse(data)): Grid {
  const primary = heif.items.get(heif.primary);
  if (!primary || primary.type !== 'grid') {
    throw refuse(`this HEIC is ${primary?.type ? `a single '${primary.type}' picture` : 'not a grid'}, not a grid of tiles`);
  }
  const tiles = heif.refs.find(([type, from]) => type === 'dimg' && from === heif.primary)?.[2] ?? [];
  for (const [type, from, to] of heif.refs) {
    if (type !== 'auxl' || !to.includes(heif.primary)) continue;
    const auxC = propertyBoxes(data, heif, from).filter(([t]) => t === 'auxC');
    if (auxC.some(([, b]) => new TextDecoder().decode(b).includes(':alpha'))) throw refuse('this HEIC has an alpha plane');
  }
  const gridProps = propertyBoxes(data, heif, heif.primary);
  if (gridProps.some(([type]) => type === 'clap')) throw refuse("this HEIC is cropped ('clap')");
  const gridLoc = heif.locations.get(heif.primary);
  if (!gridLoc || (gridLoc.method !== 0 && gridLoc.method !== 1)) throw refuse("this HEIC's grid description is not stored in the file");
  const desc = itemBytes(data, heif, gridLoc);
  if (desc.length < 8) throw new FormatError('HEIC', -1, 'the grid description is shorter than 8 bytes');
  const rows = desc[2]! + 1;
  const cols = desc[3]! + 1;
  const big = (desc[1]! & 1) === 1;
  if (big && desc.length < 12) throw new FormatError('HEIC', -1, 'the grid description is shorter than 12 bytes');
  const width = big ? u32At(desc, 4) : (desc[4]! << 8) | desc[5]!;
  const height = big ? u32At(desc, 8) : (desc[6]! << 8) | desc[7]!;
  if (tiles.length !== rows * cols) throw new FormatError('HEIC', -1, `the grid has ${rows}×${cols} cells but ${tiles.length} tiles`);
  const coded: Uint8Array[] = [];
  let shared: [string, Uint8Array][] | null = null;
  for (const id of tiles) {
    const item = heif.items.get(id);
    const loc = heif.locations.get(id);
    if (!item || item.type !== 'hvc1' || !loc || (loc.method !== 0 && loc.method !== 1)) throw refuse("this HEIC's tiles are not HEVC pictures stored in the file");
    const props = propertyBoxes(data, heif, id).filter(([t]) => t === 'hvcC' || t === 'ispe');
    if (shared === null) shared = props;
    else if (props.length !== shared.length || props.some(([t, b], i) => t !== shared![i]![0] || !sameBytes(b, shared![i]![1]))) {
      throw refuse("this HEIC's tiles do not share one HEVC configuration");
    }
    coded.push(itemBytes(data, heif, loc));
  }
  const hvcC = shared?.find(([t]) => t === 'hvcC')?.[1];
  const tileIspe = shared?.find(([t]) => t === 'ispe')?.[1];
  if (!hvcC || !tileIspe || tileIspe.length < 20) throw new FormatError('HEIC', -1, "a tile has no 'hvcC' or 'ispe' property");
  const tileWidth = u32At(tileIspe, 12);
  const tileHeight = u32At(tileIspe, 16);
  if (tileWidth * cols < width || tileHeight * rows < height) {
    throw new FormatError('HEIC', -1, `${rows}×${cols} tiles of ${tileWidth}×${tileHeight} do not cover ${width}×${height}`);
  }
  const transforms: ['irot' | 'imir', number][] = [];
  for (const [type, b] of gridProps) {
    if ((type === 'irot' || type === 'imir') && b.length > 8) transforms.push([type, b[8]! & (type === 'irot' ? 3 : 1)]);
  }
  const colr = gridProps.filter(([type]) => type === 'colr').map(([, b]) => b);
  return { width, height, rows, cols, tileHeight, tiles: coded, hvcC, tileIspe, colr, transforms };
}

// ---- a grid file of some of the tiles ----------------------------------------------------------------

const enc = new TextEncoder();

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
function box(type: string, ...parts: (Uint8Array | number[])[]): Uint8Array {
  const body = concat(parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p))));
  return concat([Uint8Array.from(u32(8 + body.length)), enc.encode(type), body]);
}
function fullBox(type: string, version: number, flags: number, ...parts: (Uint8Array | number[])[]): Uint8Array {
  return box(type, [version, (flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff], ...parts);
}

/**
 * A HEIF file whose primary item is a `rows` × `cols` grid of `tiles` (coded HEVC pictures sharing the
 * `hvcC` and `tileIspe` property boxes), `width` × `height`, with `gridProperties` (whole boxes: colr,
 * irot, imir…) associated with the grid after its ispe.
 */
export function gridFile(rows: number, cols: number, width: number, height: number, tiles: Uint8Array[], hvcC: Uint8Array, tileIspe: Uint8Array, gridProperties: Uint8Array[]): Uint8Array {
  const n = tiles.length;
  const gridDesc = Uint8Array.from([0, 1, rows - 1, cols - 1, ...u32(width), ...u32(height)]);
  const ftyp = box('ftyp', enc.encode('heic'), u32(0), enc.encode('mif1heic'));
  const hdlr = fullBox('hdlr', 0, 0, u32(0), enc.encode('pict'), u32(0), u32(0), u32(0), [0]);
  const pitm = fullBox('pitm', 0, 0, u16(1));
  const infes = [fullBox('infe', 2, 0, u16(1), u16(0), enc.encode('grid'), [0])];
  for (let i = 0; i < n; i++) infes.push(fullBox('infe', 2, 1, u16(2 + i), u16(0), enc.encode('hvc1'), [0]));
  const iinf = fullBox('iinf', 0, 0, u16(1 + n), ...infes);
  const refs: number[] = [...u16(1), ...u16(n)];
  for (let i = 0; i < n; i++) refs.push(...u16(2 + i));
  const iref = fullBox('iref', 0, 0, box('dimg', refs));
  const gridIspe = fullBox('ispe', 0, 0, u32(width), u32(height));
  // properties: 1 hvcC, 2 tile ispe, 3 grid ispe, 4.. the grid's own
  const ipco = box('ipco', hvcC, tileIspe, gridIspe, ...gridProperties);
  const ipmaBody: number[] = [...u32(1 + n), ...u16(1), 1 + gridProperties.length, 3];
  gridProperties.forEach((_, i) => ipmaBody.push(0x80 | (4 + i)));
  for (let i = 0; i < n; i++) ipmaBody.push(...u16(2 + i), 2, 0x81, 2);
  const iprp = box('iprp', ipco, fullBox('ipma', 0, 0, ipmaBody));
  const ilocSize = 8 + 4 + 2 + 2 + (1 + n) * (2 + 2 + 2 + 4 + 4);
  const metaSize = 12 + hdlr.length + pitm.length + iinf.length + iref.length + iprp.length + ilocSize;
  let at = ftyp.length + metaSize + 8; // mdat payload
  const ilocHead = [0x44, 0x00, ...u16(1 + n)]; // 4-byte offsets and lengths, no base offset
  const entries: number[] = [];
  [gridDesc, ...tiles].forEach((payload, i) => {
    entries.push(...u16(1 + i), ...u16(0), ...u16(1), ...u32(at), ...u32(payload.length));
    at += payload.length;
  });
  const iloc = fullBox('iloc', 0, 0, ilocHead, entries);
  const meta = fullBox('meta', 0, 0, hdlr, pitm, iinf, iref, iprp, iloc);
  if (meta.length !== metaSize) throw new Error('HEIF grid file: internal size mismatch');
  const mdat = box('mdat', gridDesc, ...tiles);
  return concat([ftyp, meta, mdat]);
}

/** [height, file] of each row of tiles, top to bottom: the last row is cut to the grid's height. */
export function* rowFiles(grid: Grid): Generator<[number, Uint8Array]> {
  for (let row = 0; row < grid.rows; row++) {
    const height = Math.min(grid.tileHeight, grid.height - row * grid.tileHeight);
    const tiles = grid.tiles.slice(row * grid.cols, (row + 1) * grid.cols);
    yield [height, gridFile(1, grid.cols, grid.width, height, tiles, grid.hvcC, grid.tileIspe, grid.colr)];
  }
}

// ---- the decode ------------------------------------------------------------------------------------

/**
 * EXIF orientations that perform irot's quarter turns anticlockwise, and imir's mirror as libheif reads
 * it (axis 0 flips top and bottom, 1 left and right: heif_transform_mirror_direction_vertical/horizontal).
 */
const IROT_ORIENTATION = [1, 8, 3, 6];
const IMIR_ORIENTATION = [4, 2];

/**
 * The primary picture of a grid HEIC (`readGrid`'s) reduced by whole `factor` [x, y] (of the stored
 * picture: before irot/imir) one row of tiles at a time, then made upright. `progress` hears the rows
 * done out of all.
 */
export async function decodeReduced(grid: Grid, factor: [number, number], signal?: AbortSignal, progress?: (done: number, total: number) => void): Promise<Raster> {
  const { decodeHeif } = await import('../codecs/heic');
  const reducer = new BlockReducer(grid.width, grid.height, factor);
  let row = 0;
  for (const [height, file] of rowFiles(grid)) {
    signal?.throwIfAborted();
    let band: Raster;
    try {
      band = await decodeHeif(file);
    } catch (err) {
      throw new FormatError('HEIC', -1, `cannot decode the image: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (band.width !== grid.width || band.height !== height) {
      throw new FormatError('HEIC', -1, `a row of tiles decoded to ${band.width}×${band.height}, not ${grid.width}×${height}`);
    }
    reducer.feed(band);
    progress?.(++row, grid.rows);
  }
  let out = reducer.result();
  for (const [kind, value] of grid.transforms) out = orient(out, kind === 'irot' ? IROT_ORIENTATION[value]! : IMIR_ORIENTATION[value]!);
  return out;
}

/**
 * HEIC decoding on two cores (see codecs/heif.ts): the tile grid is cut into two bands, this worker
 * decodes one with libheif and the helper worker the other; the bands are stacked and irot applied
 * once here. Anything that is not a plain grid (a single image, alpha, a crop, a mirror) goes to
 * libheif whole, which applies irot/imir itself.
 */

import { FormatError } from '../formats/errors';
import * as isobmff from '../formats/isobmff';
import { helperAvailable, helperCall } from '../codecs/helper';
import { type HeifRaster, decodeHeif, splitGrid } from '../codecs/heif';
import { type Raster, orient } from './raster';

function fail(err: unknown): never {
  throw new FormatError('HEIC', -1, `cannot decode the image: ${err instanceof Error ? err.message : String(err)}`);
}

/** Quarter turns anticlockwise from irot, or null when the primary also has a mirror (libheif does it). */
function rotation(data: Uint8Array, heif: isobmff.Heif): number | null {
  let turns = 0;
  for (const [index] of heif.assoc.get(heif.primary) ?? []) {
    const box = index > 0 ? heif.properties[index - 1] : undefined;
    if (box?.type === 'imir') return null;
    if (box?.type === 'irot' && box.payload < box.end) turns = data[box.payload]! & 3;
  }
  return turns;
}

/** EXIF orientation that undoes nothing but performs `turns` quarter turns anticlockwise. */
const TURNS_TO_ORIENTATION = [1, 8, 3, 6];

export async function decodeHeicParallel(data: Uint8Array, signal?: AbortSignal): Promise<Raster> {
  const heif = isobmff.parse(data);
  const turns = rotation(data, heif);
  const plan = turns !== null && helperAvailable() ? splitGrid(data, heif, 2) : null;
  if (plan === null) {
    try {
      return await decodeHeif(data);
    } catch (err) {
      fail(err);
    }
  }
  const [mine, theirs] = plan.files as [Uint8Array, Uint8Array];
  let parts: HeifRaster[];
  try {
    const far = helperCall<HeifRaster[]>({ op: 'heif', files: [theirs] }, [], signal);
    const near = decodeHeif(mine);
    const [a, [b]] = await Promise.all([near, far]);
    parts = [a, b!];
  } catch (err) {
    signal?.throwIfAborted();
    console.warn('privpix: two-band HEIC decode failed, decoding on one core', err);
    try {
      return await decodeHeif(data);
    } catch (err2) {
      fail(err2);
    }
  }
  const width = plan.width;
  const height = plan.heights[0]! + plan.heights[1]!;
  for (const [i, p] of parts.entries()) {
    if (p.width !== width || p.height !== plan.heights[i]) fail(new Error('a band decoded to an unexpected size'));
  }
  const out = new Uint8ClampedArray(width * height * 4);
  out.set(parts[0]!.data, 0);
  out.set(parts[1]!.data, parts[0]!.data.length);
  return orient({ data: out, width, height }, TURNS_TO_ORIENTATION[turns!]!);
}

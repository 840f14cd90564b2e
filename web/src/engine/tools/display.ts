/**
 * The original, upright and in sRGB, for the compare view (HEIC and TIFF cannot be shown natively):
 * the engine's own decode, so orientation follows the same rules as the result. A picture over the
 * pixel budget is shown reduced to HUGE_DISPLAY px (decoded reduced where its format allows:
 * imaging/decode.ts), which is more than a screen shows of it at once.
 */

import { decode, decodeUpright } from '../imaging/decode';
import { Photo, openPhoto } from '../imaging/photo';
import { orient } from '../imaging/raster';
import { pixelsAt } from '../imaging/resize';
import { MAX_PIXELS } from '../options';

export const HUGE_DISPLAY = 4096;

export interface Displayed {
  bitmap: ImageBitmap;
  /** The original's upright size: the bitmap's, or larger when it was reduced for display. */
  width: number;
  height: number;
}

export async function decodeForDisplay(data: Uint8Array, signal?: AbortSignal): Promise<Displayed> {
  const photo = openPhoto(data);
  const stored = [photo.inspection.width ?? 0, photo.inspection.height ?? 0] as const;
  if (stored[0] * stored[1] > MAX_PIXELS) {
    const { raster } = await decodeUpright(photo, 'srgb', HUGE_DISPLAY, { signal });
    const bitmap = await createImageBitmap(new ImageData(raster.data, raster.width, raster.height));
    // the header's size as stored, turned the way the picture came out (EXIF orientation, irot)
    const turned = raster.width > raster.height !== stored[0] > stored[1];
    return { bitmap, width: stored[turned ? 1 : 0], height: stored[turned ? 0 : 1] };
  }
  const bitmap = await shown(photo, signal);
  return { bitmap, width: bitmap.width, height: bitmap.height };
}

async function shown(photo: Photo, signal?: AbortSignal): Promise<ImageBitmap> {
  const decoded = await decode(photo, 'srgb', signal);
  if (decoded.orientation === 1 && decoded.picture instanceof ImageBitmap) return decoded.picture;
  const upright = orient(await pixelsAt(decoded.picture, decoded.width, decoded.height), decoded.orientation);
  return createImageBitmap(new ImageData(upright.data as Uint8ClampedArray<ArrayBuffer>, upright.width, upright.height));
}

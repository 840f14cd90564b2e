/**
 * The original, upright and in sRGB, for the compare view (HEIC and TIFF cannot be shown natively):
 * the engine's own decode, so orientation follows the same rules as the result.
 */

import { decode } from '../imaging/decode';
import { orient } from '../imaging/raster';
import { pixelsAt } from '../imaging/resize';

export async function decodeForDisplay(data: Uint8Array, signal?: AbortSignal): Promise<ImageBitmap> {
  const decoded = await decode(data, 'srgb', signal);
  if (decoded.orientation === 1 && decoded.picture instanceof ImageBitmap) return decoded.picture;
  const upright = orient(await pixelsAt(decoded.picture, decoded.width, decoded.height), decoded.orientation);
  return createImageBitmap(new ImageData(upright.data as Uint8ClampedArray<ArrayBuffer>, upright.width, upright.height));
}

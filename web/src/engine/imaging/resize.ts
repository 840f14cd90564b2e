/**
 * Resizing and reading pixels back (mirrors src/privpix/imaging/resize.py: the same output size,
 * see `fitSize`). The browser's own high-quality scaler does the work (Skia's mipmapped filtering
 * behind a canvas with imageSmoothingQuality 'high'), 12 MP → 3 MP in ~110 ms where a wasm Lanczos
 * takes seconds; see bench/encode_browser.py. Alpha is premultiplied while scaling (canvas
 * semantics), so transparent pixels do not bleed colour into edges, as in Pillow.
 */

import type { Raster } from './raster';

/** A picture decoded or pre-reduced smaller stays at least this many times the final size (Python's resize.REDUCING_GAP). */
export const REDUCING_GAP = 2.0;

/**
 * Output size for a longer side of at most `maxDimension`; never upscales. Exactly resize.py's
 * fit_size, in integers: the longer side becomes maxDimension, the shorter
 * max(1, floor((short * maxDimension + floor(long / 2)) / long)).
 */
export function fitSize(width: number, height: number, maxDimension: number | null): [number, number] {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (maxDimension === null || long <= maxDimension) return [width, height];
  const scaled = Math.max(1, Math.floor((short * maxDimension + Math.floor(long / 2)) / long));
  return width >= height ? [maxDimension, scaled] : [scaled, maxDimension];
}

/** RGBA of an ImageBitmap (closed afterwards). */
export function readPixels(bitmap: ImageBitmap): Raster {
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  if (!ctx) throw new Error('no 2D canvas in this worker');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const image = ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  canvas.width = canvas.height = 0; // let the canvas memory go now
  return { data: image.data, width, height };
}

/** RGBA of `source` drawn at `width` × `height` with the canvas's high-quality smoothing. */
function scaled(source: ImageBitmap, width: number, height: number): Raster {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  if (!ctx) throw new Error('no 2D canvas in this worker');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  source.close();
  const image = ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  canvas.width = canvas.height = 0;
  return { data: image.data, width, height };
}

/**
 * The pixels of `picture` at `width` × `height`: read back as they are, or scaled by the browser's
 * high-quality filter first (a canvas drawImage with imageSmoothingQuality 'high': 12 MP → 3 MP in
 * ~110 ms here, createImageBitmap's resizeQuality 'high' ~130 ms, @jsquash/resize 2.4-4.3 s). An
 * ImageBitmap passed in is closed.
 */
export async function pixelsAt(picture: ImageBitmap | Raster, width: number, height: number): Promise<Raster> {
  if (!(picture instanceof ImageBitmap)) {
    if (picture.width === width && picture.height === height) return picture;
    const source = new ImageData(picture.data, picture.width, picture.height);
    return scaled(await createImageBitmap(source, { premultiplyAlpha: 'premultiply' }), width, height);
  }
  if (picture.width === width && picture.height === height) return readPixels(picture);
  return scaled(picture, width, height);
}

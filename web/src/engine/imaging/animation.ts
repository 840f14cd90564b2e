/**
 * Animated pictures (GIF, animated WebP, APNG): every frame, and an animated WebP made of them (mirrors
 * src/privpix/imaging/animation.py, whose docstring gives the rules: whole composited frames, the pixel
 * budget, GIF delays under MIN_DELAY_MS played at DEFAULT_DELAY_MS, the source's loop count).
 *
 * The frames are read with WebCodecs' ImageDecoder, which gives each frame composited as the browser
 * shows it, with its duration; each is fitted and oriented like the first (decodeUpright), and the WebP
 * is libwebp's still frames muxed into one animation (codecs/webp-anim.ts) at Squoosh's method 4, the
 * method Python uses for animations.
 */

import { MAX_PIXELS } from '../options';
import { FORMAT_NAMES, type SourceFormat } from './photo';
import { type Raster, orient } from './raster';
import { encoderQuality } from './quality-map';
import { fitSize, pixelsAt } from './resize';

export const MIN_DELAY_MS = 20;
export const DEFAULT_DELAY_MS = 100;

const MIME: Partial<Record<SourceFormat, string>> = { gif: 'image/gif', webp: 'image/webp', png: 'image/png' };

export interface Animation {
  /** RGBA, upright, fitted, each the whole canvas as shown. */
  frames: Raster[];
  /** Milliseconds on screen, one per frame. */
  durations: number[];
  /** 0: forever. */
  loop: number;
}

/** True when `frames` frames of `width` × `height`, fitted to `maxDimension`, are more pixels than one picture may have. */
export function tooLarge(width: number, height: number, frames: number, maxDimension: number | null): boolean {
  const [w, h] = fitSize(width, height, maxDimension);
  return w * h * frames > MAX_PIXELS;
}

/** The frame's delay as it plays (Python's delay). */
export function delay(ms: number, fmt: SourceFormat): number {
  const value = Math.round(ms);
  return fmt === 'gif' && value < MIN_DELAY_MS ? DEFAULT_DELAY_MS : value;
}

/**
 * Every frame of an animated GIF, WebP or PNG, composited, at `width` × `height` (the upright size) after
 * EXIF `orientation`; `srgb`: converted to sRGB by the decoder (as decodeUpright did the first frame).
 */
export async function read(
  data: Uint8Array,
  fmt: SourceFormat,
  size: { width: number; height: number; orientation: number; srgb: boolean },
  signal?: AbortSignal,
): Promise<Animation> {
  const decoder = new ImageDecoder({
    data: data as Uint8Array<ArrayBuffer>,
    type: MIME[fmt] ?? 'application/octet-stream',
    colorSpaceConversion: size.srgb ? 'default' : 'none',
    preferAnimation: true,
  });
  try {
    await decoder.tracks.ready;
    const track = decoder.tracks.selectedTrack;
    if (!track) throw new Error(`the browser's ${FORMAT_NAMES[fmt]} decoder found no frames`);
    await decoder.completed;
    const swap = size.orientation >= 5;
    const frames: Raster[] = [];
    const durations: number[] = [];
    for (let index = 0; index < track.frameCount; index++) {
      signal?.throwIfAborted();
      const { image } = await decoder.decode({ frameIndex: index, completeFramesOnly: true });
      durations.push(delay((image.duration ?? 0) / 1000, fmt));
      const bitmap = await createImageBitmap(image, { premultiplyAlpha: 'default' });
      image.close();
      const raster = await pixelsAt(bitmap, swap ? size.height : size.width, swap ? size.width : size.height);
      frames.push(orient(raster, size.orientation));
    }
    // repetitionCount: how often the animation repeats after its first play; the WebP counts plays
    const loop = track.repetitionCount === Infinity ? 0 : track.repetitionCount + 1;
    return { frames, durations, loop };
  } finally {
    decoder.close();
  }
}

/** [x, y, width, height] of the pixels that differ between two frames, x and y made even (the WebP stores them halved); a 2 × 2 corner when none differs. */
export function changed(previous: Raster, next: Raster): [number, number, number, number] {
  const { width, height } = next;
  const a = new Uint32Array(previous.data.buffer, previous.data.byteOffset, width * height);
  const b = new Uint32Array(next.data.buffer, next.data.byteOffset, width * height);
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (a[row + x] !== b[row + x]) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        bottom = y;
      }
    }
  }
  if (right < 0) return [0, 0, Math.min(2, width), Math.min(2, height)];
  left -= left & 1;
  top -= top & 1;
  return [left, top, right + 1 - left, bottom + 1 - top];
}

function crop(r: Raster, x: number, y: number, width: number, height: number): Raster {
  if (x === 0 && y === 0 && width === r.width && height === r.height) return r;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row++) data.set(r.data.subarray(((y + row) * r.width + x) * 4, ((y + row) * r.width + x + width) * 4), row * width * 4);
  return { data, width, height };
}

/**
 * An animated WebP of `movie` at `quality`, without metadata (imaging/metadata.ts adds it). After the
 * first, each frame stores only the rectangle that changed (as libwebp's animation encoder, which Python
 * uses, does): on the corpus's GIF that halves the file.
 */
export async function encodeWebp(movie: Animation, quality: number, signal?: AbortSignal): Promise<Uint8Array> {
  const { encodeWebp: encodeStill } = await import('../codecs/webp');
  const { muxAnimation } = await import('../codecs/webp-anim');
  const frames = [];
  for (const [i, frame] of movie.frames.entries()) {
    signal?.throwIfAborted();
    const [x, y, width, height] = i === 0 ? [0, 0, frame.width, frame.height] : changed(movie.frames[i - 1]!, frame);
    const part = crop(frame, x, y, width, height);
    const still = await encodeStill(part.data, width, height, { quality: encoderQuality('webp', quality) });
    frames.push({ still, x, y, width, height, duration: movie.durations[i]! });
  }
  const { width, height } = movie.frames[0]!;
  return muxAnimation(frames, width, height, movie.loop);
}

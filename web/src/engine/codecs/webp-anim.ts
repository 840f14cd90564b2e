/**
 * An animated WebP made of still WebP files (libwebp's output, one per frame): each frame's image
 * chunks (ALPH + VP8, or VP8L) go into an ANMF chunk for the rectangle of the canvas it replaces (no
 * blending, no disposal), after a VP8X header with the animation flag and an ANIM chunk (transparent
 * background, the loop count). The layout is the WebP container specification's ("Extended file
 * format", "Animation"); the browser's own decoder and Pillow read it back.
 */

const enc = new TextEncoder();

function le(value: number, bytes: number): number[] {
  return Array.from({ length: bytes }, (_, i) => (value >>> (8 * i)) & 0xff);
}

function chunk(fourcc: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length + (payload.length & 1));
  out.set(enc.encode(fourcc), 0);
  out.set(le(payload.length, 4), 4);
  out.set(payload, 8);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The image chunks (ALPH, VP8, VP8L) of a still WebP file, as they are stored (header and padding included). */
export function imageChunks(still: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let pos = 12; pos + 8 <= still.length; ) {
    const fourcc = String.fromCharCode(...still.subarray(pos, pos + 4));
    const size = (still[pos + 4]! | (still[pos + 5]! << 8) | (still[pos + 6]! << 16) | (still[pos + 7]! << 24)) >>> 0;
    const end = pos + 8 + size + (size & 1);
    if (fourcc === 'ALPH' || fourcc === 'VP8 ' || fourcc === 'VP8L') out.push(still.subarray(pos, end));
    pos = end;
  }
  return out;
}

function hasAlpha(chunks: Uint8Array[]): boolean {
  return chunks.some((c) => {
    const fourcc = String.fromCharCode(...c.subarray(0, 4));
    return fourcc === 'ALPH' || (fourcc === 'VP8L' && c.length > 12 && ((c[12]! >> 4) & 1) === 1);
  });
}

/** One frame: a still WebP file of the rectangle at (`x`, `y`) (both even) that it replaces, for `duration` ms. */
export interface MuxFrame {
  still: Uint8Array;
  x: number;
  y: number;
  width: number;
  height: number;
  duration: number;
}

/**
 * `frames` as one animated WebP on a `width` × `height` canvas: each frame's rectangle replaces what is
 * there (no blending, no disposal) for its duration (at most 2^24 - 1 ms); played `loop` times (0: forever).
 */
export function muxAnimation(frames: MuxFrame[], width: number, height: number, loop: number): Uint8Array {
  const images = frames.map((f) => imageChunks(f.still));
  const alpha = images.some(hasAlpha);
  const vp8x = Uint8Array.from([(alpha ? 0x10 : 0) | 0x02, 0, 0, 0, ...le(width - 1, 3), ...le(height - 1, 3)]);
  const anim = Uint8Array.from([0, 0, 0, 0, ...le(loop, 2)]);
  const anmf = frames.map((f, i) => {
    const duration = Math.min(0xffffff, Math.max(0, Math.round(f.duration)));
    const head = Uint8Array.from([...le(f.x / 2, 3), ...le(f.y / 2, 3), ...le(f.width - 1, 3), ...le(f.height - 1, 3), ...le(duration, 3), 0x02]);
    return chunk('ANMF', concat([head, ...images[i]!]));
  });
  const body = concat([enc.encode('WEBP'), chunk('VP8X', vp8x), chunk('ANIM', anim), ...anmf]);
  return concat([enc.encode('RIFF'), Uint8Array.from(le(body.length, 4)), body]);
}

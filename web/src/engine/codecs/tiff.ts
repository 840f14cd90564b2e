import type { Pixels } from '../imaging/raster';
/**
 * TIFF decoding with UTIF (utif2, MIT: uncompressed, LZW, Deflate, PackBits, JPEG, CCITT; 1-32 bits
 * per sample), loaded on first use. The first full-resolution page; RGBA 8-bit out.
 */

interface Ifd {
  [tag: string]: unknown;
  width: number;
  height: number;
  data: Uint8Array;
}

interface Utif {
  decode(buffer: ArrayBuffer): Ifd[];
  decodeImage(buffer: ArrayBuffer, ifd: Ifd, ifds?: Ifd[]): void;
  toRGBA8(ifd: Ifd): Uint8Array;
}

let utif: Promise<Utif> | null = null;

export async function decodeTiff(file: Uint8Array): Promise<{ data: Pixels; width: number; height: number }> {
  const UTIF = await (utif ??= import('utif2').then((m: unknown) => ((m as { default?: Utif }).default ?? m) as Utif));
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  const ifds = UTIF.decode(buffer);
  // the first page that is not a reduced-resolution image (NewSubfileType bit 0)
  const page = ifds.find((ifd) => !((((ifd['t254'] as number[] | undefined)?.[0] ?? 0) & 1) === 1)) ?? ifds[0];
  if (!page) throw new Error('TIFF: no image');
  UTIF.decodeImage(buffer, page, ifds);
  const rgba = UTIF.toRGBA8(page);
  return { data: new Uint8ClampedArray(rgba.buffer as ArrayBuffer, rgba.byteOffset, rgba.byteLength), width: page.width, height: page.height };
}

// Worker side: runs the engine (and the references it is measured against) on files fetched from
// the bench server, timing each step on bytes already in memory. Outputs go back base64-encoded.
import { compress, convert, type CompressOptions, type ConvertOptions, defaultCompressOptions, defaultConvertOptions } from '../src/engine/index';
import { decode } from '../src/engine/imaging/decode';
import { pixelsAt, readPixels } from '../src/engine/imaging/resize';
import { decodeHeicParallel, decodeHeif, splitGrid } from '../src/engine/codecs/heic';
import { helperCall } from '../src/engine/codecs/helper';
import * as isobmff from '../src/engine/formats/isobmff';
import { encodeJpeg, mozjpeg } from '../src/engine/codecs/jpeg';
import { encodeWebp } from '../src/engine/codecs/webp';
import { encodeAvif } from '../src/engine/codecs/avif';
import { encodePng } from '../src/engine/codecs/png';
import { joinToProgressive } from '../src/engine/codecs/progressive';
import type { Raster } from '../src/engine/imaging/raster';

export type Request =
  | { op: 'tool'; url: string; tool: 'compress' | 'convert'; options: Partial<CompressOptions & ConvertOptions>; repeats?: number }
  | { op: 'heic'; url: string; repeats: number }
  | { op: 'decode'; url: string; repeats: number; imageDecoder?: boolean }
  | { op: 'resize'; url: string; width: number; height: number; repeats: number }
  | { op: 'encode'; url: string; codec: string; options: Record<string, unknown>; repeats: number };

export interface Reply {
  ms?: number[];
  bytes?: number;
  data?: string; // base64 of the (last) output
  report?: Record<string, unknown>;
  width?: number;
  height?: number;
  error?: string;
}

function b64(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(s);
}

const files = new Map<string, Uint8Array>();
async function file(url: string): Promise<Uint8Array> {
  let f = files.get(url);
  if (!f) {
    f = new Uint8Array(await (await fetch(url)).arrayBuffer());
    files.set(url, f);
  }
  return f;
}

const rasters = new Map<string, Raster>();
/** The file's pixels as the engine decodes them (colour kept), cached: encoders are timed alone. */
async function pixels(url: string): Promise<Raster> {
  let r = rasters.get(url);
  if (!r) {
    const d = await decode(await file(url), 'keep');
    r = await pixelsAt(d.picture, d.width, d.height);
    rasters.set(url, r);
  }
  return r;
}

/**
 * WebCodecs' ImageDecoder straight to RGBA (no canvas): faster than the engine's decode (13 MP: 80 ms
 * against 179 ms for createImageBitmap + canvas read-back), but its YUV→RGB step upsamples chroma more
 * crudely than libjpeg's decoder, which cost 0.8 SSIMULACRA2 points on the final JPEG (83.2 against
 * 84.1), so the engine does not use it; bench/encode_browser.py keeps the comparison.
 */
async function decodeFrame(data: Uint8Array, type: string): Promise<Raster> {
  const decoder = new ImageDecoder({ data: data as Uint8Array<ArrayBuffer>, type, colorSpaceConversion: 'none', preferAnimation: false });
  const frame = (await decoder.decode({ frameIndex: 0 })).image;
  try {
    const out = new Uint8ClampedArray(frame.displayWidth * frame.displayHeight * 4);
    await frame.copyTo(out, { format: 'RGBA', colorSpace: 'srgb' });
    return { data: out, width: frame.displayWidth, height: frame.displayHeight };
  } finally {
    frame.close();
    decoder.close();
  }
}

async function timed<T>(repeats: number, fn: () => Promise<T>): Promise<[number[], T]> {
  const ms: number[] = [];
  let last!: T;
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    last = await fn();
    ms.push(performance.now() - t);
  }
  return [ms, last];
}

async function encodeWith(codec: string, r: Raster, o: Record<string, unknown>): Promise<Uint8Array> {
  const q = (o['quality'] as number | undefined) ?? 75;
  switch (codec) {
    case 'mozjpeg': // @jsquash/jpeg as Squoosh runs it (progressive, trellis, scan search)
      return mozjpeg(r.data, r.width, r.height, o);
    case 'engine-jpeg': // the engine's JPEG: two sequential bands, joined progressive
      return encodeJpeg(r.data, r.width, r.height, q);
    case 'engine-jpeg-1': {
      // one sequential band on one core, joined progressive
      const seq = await mozjpeg(r.data, r.width, r.height, { quality: q, progressive: false });
      return joinToProgressive([seq], r.width, r.height);
    }
    case 'webp':
      return encodeWebp(r.data, r.width, r.height, o);
    case 'avif':
      return encodeAvif(r.data, r.width, r.height, o);
    case 'oxipng':
      return encodePng(r.data, r.width, r.height, (o['level'] as number | undefined) ?? 2);
  }
  throw new Error(`unknown codec ${codec}`);
}

async function handle(req: Request): Promise<Reply> {
  switch (req.op) {
    case 'tool': {
      const data = await file(req.url);
      const run = (): Promise<import('../src/engine/index').EncodeResult> =>
        req.tool === 'compress'
          ? compress(data, { ...defaultCompressOptions(), ...req.options })
          : convert(data, { ...defaultConvertOptions(), ...req.options });
      const [ms, result] = await timed(req.repeats ?? 1, run);
      const { data: out, ...report } = result;
      return { ms, bytes: out.length, data: b64(out), report: report as unknown as Record<string, unknown> };
    }
    case 'decode': {
      // what compress() spends before encoding a JPEG: the browser's decode and the read-back; or
      // the alternative the engine does not take (see decodeFrame)
      const data = await file(req.url);
      const [ms, r] = await timed(req.repeats, async () => {
        if (req.imageDecoder) return decodeFrame(data, 'image/jpeg');
        const d = await decode(data, 'keep');
        return pixelsAt(d.picture, d.width, d.height);
      });
      return { ms, width: r.width, height: r.height };
    }
    case 'heic': {
      const data = await file(req.url);
      const [ms, r] = await timed(req.repeats, () => decodeHeicParallel(data));
      const [single] = await timed(req.repeats, () => decodeHeif(data));
      // is there a second core? one band here alone, one band in the helper alone, both at once
      const plan = splitGrid(data, isobmff.parse(data), 2)!;
      const [hereAlone] = await timed(req.repeats, () => decodeHeif(plan.files[0]!));
      const [helperAlone] = await timed(req.repeats, () => helperCall({ op: 'heif', files: [plan.files[1]!] }));
      const [both] = await timed(req.repeats, () => Promise.all([decodeHeif(plan.files[0]!), helperCall({ op: 'heif', files: [plan.files[1]!] })]));
      return { ms: [...ms, ...single.map((x) => -x)], width: r.width, height: r.height, report: { hereAlone, helperAlone, both } };
    }
    case 'resize': {
      const r = await pixels(req.url);
      const source = new ImageData(r.data, r.width, r.height);
      // timed: the scale and the read-back of the 3 MP result, from a decoded bitmap (as in the engine)
      const ms: number[] = [];
      let out!: Raster;
      for (let i = 0; i < req.repeats; i++) {
        const bitmap = await createImageBitmap(source);
        const t = performance.now();
        out = await pixelsAt(bitmap, req.width, req.height);
        ms.push(performance.now() - t);
      }
      // the alternative: createImageBitmap with resizeQuality 'high', then read back
      const canvasMs: number[] = [];
      for (let i = 0; i < req.repeats; i++) {
        const bitmap = await createImageBitmap(source);
        const t = performance.now();
        readPixels(await createImageBitmap(bitmap, { resizeWidth: req.width, resizeHeight: req.height, resizeQuality: 'high' }));
        canvasMs.push(performance.now() - t);
        bitmap.close();
      }
      // the wasm reference: @jsquash/resize (Squoosh's resizer), Lanczos3 as Squoosh defaults to
      const { default: jsquashResize } = await import('@jsquash/resize');
      const [wasm] = await timed(Math.min(2, req.repeats), () => jsquashResize(source, { width: req.width, height: req.height, method: 'lanczos3' }));
      return { ms: [...ms, ...canvasMs, ...wasm.map((m) => -m)], width: out.width, height: out.height, data: b64(await pngOf(out)) };
    }
    case 'encode': {
      const r = await pixels(req.url);
      const [ms, out] = await timed(req.repeats, () => encodeWith(req.codec, r, req.options));
      return { ms, bytes: out.length, data: b64(out), width: r.width, height: r.height };
    }
  }
}

async function pngOf(r: Raster): Promise<Uint8Array> {
  return encodePng(r.data, r.width, r.height, 0);
}

self.onmessage = async (e: MessageEvent<Request>) => {
  try {
    self.postMessage(await handle(e.data));
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) } satisfies Reply);
  }
};

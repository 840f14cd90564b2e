/**
 * The erase worker: opens a photo (decode, upright, onto a SharedArrayBuffer the page keeps), runs
 * erases on it (the fill's kernels split with a helper worker, see engine/tools/erase/parallel.ts) and
 * encodes the result. It only reads the page's pixels; the page writes each erase's patch itself, so
 * a cancelled or failed erase leaves the photo as it was.
 *
 * Cancel: the page sets a shared flag the fill reads between kernels (this worker's message queue
 * is not read while the fill runs). Progress goes out as messages while it runs.
 */
import * as Comlink from 'comlink';
import { FormatError, UnsupportedError } from '../../engine/formats/errors';
import { describeFault, describeFileError } from '../../app/text/problems';
import { formatFixed } from '../../engine/formats/findings';
import {
  MaskError,
  TooLargeError,
  encodeErased,
  erasePatch,
  eraseRunner,
  maskPng,
  openForErase,
  rasterise,
} from '../../engine/tools/erase/index';
import { reportNetwork } from '../../app/privacy/worker-net';
import type { EncodeOutcome, EncodeRequest, EraseOutcome, EraseRequest, MaskOp, OpenOutcome, Problem, ProgressFn } from './protocol';

reportNetwork('erase worker');

/** Largest photo the editor opens: the page holds it three times (pixels, screen copy, original). */
export const EDITOR_MAX_PIXELS = 50_000_000;

const PROGRESS_MS = 60;

function problem(e: unknown): Problem {
  if (e instanceof FormatError) return { ...describeFileError(e), isFileError: true };
  if (e instanceof MaskError || e instanceof TooLargeError) return { message: sentence(e.message), isFileError: true };
  if (e instanceof Error && (e.name === 'DecodeError' || e.name === 'EncodingError')) {
    return { message: 'This picture cannot be decoded: it may be damaged.', detail: e.message, isFileError: true };
  }
  return { ...describeFault(e), isFileError: false };
}

/** "the mask marks nothing" → "The mask marks nothing." */
function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`.replace(/([^.])$/, '$1.');
}

const api = {
  async open(file: Blob): Promise<OpenOutcome> {
    try {
      const photo = await openForErase(new Uint8Array(await file.arrayBuffer()));
      const { width, height, data } = photo.raster;
      if (width * height > EDITOR_MAX_PIXELS) {
        throw new UnsupportedError(
          'image',
          -1,
          `${width}×${height} is ${formatFixed((width * height) / 1e6, 1)} megapixels; the erase editor in the browser opens photos of up to ` +
            `${EDITOR_MAX_PIXELS / 1e6} megapixels (the command line takes larger ones)`,
        );
      }
      const pixels = new Uint8ClampedArray(new SharedArrayBuffer(width * height * 4));
      pixels.set(data);
      const bitmap = await createImageBitmap(new ImageData(data, width, height));
      void eraseRunner(); // start the helper now, so the first erase does not wait for it
      return Comlink.transfer(
        {
          ok: true as const,
          photo: { pixels, width, height, source: photo.source, format: photo.format, icc: photo.icc, exif: photo.exif, original: photo.original, warnings: photo.warnings, bitmap },
        },
        [bitmap],
      );
    } catch (e) {
      return { ok: false, problem: problem(e) };
    }
  },

  async erase(req: EraseRequest, progress: ProgressFn): Promise<EraseOutcome> {
    const cancelled = (): boolean => Atomics.load(req.cancel, 0) === 1;
    try {
      const started = performance.now();
      const runner = await eraseRunner();
      const mask = rasterise(req.ops, req.width, req.height);
      if (!mask) throw new MaskError('the mask marks nothing to erase: paint over something first');
      let last = 0;
      const step = erasePatch({ data: req.pixels, width: req.width, height: req.height, channels: 4 }, mask, req.options, {
        runner,
        cancelled,
        progress: (f) => {
          const now = performance.now();
          if (now - last < PROGRESS_MS && f < 1) return;
          last = now;
          void progress(f);
        },
      });
      const r = step.report;
      const done = {
        rect: step.patch.rect,
        data: step.patch.data,
        grow: r.grow,
        feather: r.feather,
        seed: r.seed,
        maskedPixels: r.maskedPixels,
        regionPixels: r.regionPixels,
        region: r.region,
        crop: r.crop,
        threads: runner.threads,
        ms: performance.now() - started,
      };
      return Comlink.transfer({ ok: true as const, done }, [step.patch.data.buffer as ArrayBuffer]);
    } catch (e) {
      if (cancelled()) return { ok: false, cancelled: true, problem: { message: 'Cancelled.', isFileError: false } };
      return { ok: false, cancelled: false, problem: problem(e) };
    }
  },

  async encode(req: EncodeRequest): Promise<EncodeOutcome> {
    try {
      const data = new Uint8ClampedArray(req.pixels); // the codecs take ordinary memory
      const out = await encodeErased({ data, width: req.width, height: req.height }, req, req.options);
      return Comlink.transfer({ ok: true as const, ...out }, [out.data.buffer as ArrayBuffer]);
    } catch (e) {
      return { ok: false, problem: problem(e) };
    }
  },

  maskPng(ops: MaskOp[], width: number, height: number): Uint8Array {
    const png = maskPng(ops, width, height);
    return Comlink.transfer(png, [png.buffer as ArrayBuffer]);
  },
};

export type EraseApi = typeof api;
Comlink.expose(api);

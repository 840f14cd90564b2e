/**
 * The strip tool's worker: all byte work (read, inspect, strip) happens here. Files arrive as
 * File/Blob handles (no copy of the bytes on the main thread); stripped bytes go back as transferred
 * ArrayBuffers.
 */
import * as Comlink from 'comlink';
import { CATEGORIES, FormatError, formatBytes, inspect, strip, type StripOptions } from '../../engine/index';
import { reportNetwork } from '../../app/privacy/worker-net';
import { describeFault, describeFileError } from '../../app/text/problems';
import type { Analysis, FileProblem, Restrip, StripReport, Thumbnail } from './protocol';

reportNetwork('strip worker');

function problem(e: unknown): FileProblem {
  if (e instanceof FormatError) return { ...describeFileError(e), isFormatError: true };
  return { ...describeFault(e), isFormatError: false };
}

function run(data: Uint8Array, options: StripOptions): StripReport {
  const r = strip(data, options);
  return {
    format: r.format,
    bytesBefore: r.bytes_before,
    bytesAfter: r.bytes_after,
    removed: r.removed,
    kept: r.kept,
    warnings: r.warnings,
    sizes: {
      before: formatBytes(r.bytes_before),
      after: formatBytes(r.bytes_after),
      saved: formatBytes(Math.max(0, r.bytes_before - r.bytes_after)),
    },
    data: r.data,
  };
}

function transferable(report: StripReport): Transferable[] {
  return [report.data.buffer as ArrayBuffer];
}

const api = {
  /** Inspect and strip one file. */
  async analyse(file: Blob, options: StripOptions): Promise<Analysis> {
    const data = new Uint8Array(await file.arrayBuffer());
    try {
      const inspection = inspect(data);
      const report = run(data, options);
      const categories = CATEGORIES.map(([key, heading]): [string, string] => [key, heading]);
      return Comlink.transfer({ ok: true, inspection, report, categories }, transferable(report));
    } catch (e) {
      return { ok: false, problem: problem(e) };
    }
  },

  /**
   * A small upright picture of a file the browser cannot show by itself (HEIC, TIFF), `size` CSS
   * pixels on its short side. The decoders load on the first call only, so a batch of JPEGs never
   * loads them.
   */
  async thumbnail(file: Blob, size: number): Promise<Thumbnail> {
    try {
      const { decodeForDisplay } = await import('../../engine/tools/display');
      const { bitmap: full } = await decodeForDisplay(new Uint8Array(await file.arrayBuffer()));
      const scale = Math.min(1, size / Math.min(full.width, full.height));
      const bitmap = await createImageBitmap(full, {
        resizeWidth: Math.max(1, Math.round(full.width * scale)),
        resizeHeight: Math.max(1, Math.round(full.height * scale)),
        resizeQuality: 'high',
      });
      full.close();
      return Comlink.transfer(bitmap, [bitmap]);
    } catch {
      return null; // the row keeps its format badge
    }
  },

  /** Strip again with other options (the inspection does not change). */
  async strip(file: Blob, options: StripOptions): Promise<Restrip> {
    const data = new Uint8Array(await file.arrayBuffer());
    try {
      const report = run(data, options);
      return Comlink.transfer({ ok: true, report }, transferable(report));
    } catch (e) {
      return { ok: false, problem: problem(e) };
    }
  },
};

export type StripApi = typeof api;
Comlink.expose(api);

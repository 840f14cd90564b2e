/**
 * The audit's worker (several run at once, on the app's worker pool): reads a batch of files and answers
 * what each gives away (engine/tools/audit), and makes cleaned copies with the Metadata tool's engine.
 * Files arrive as handles; each is read (around its picture data, not the picture: read.ts), audited
 * and dropped before the next, so a worker holds one photo's bytes at a time and answers only the small
 * records. No pixel is decoded, unless the thumbnail check is asked for (`AuditOptions.thumbnails`).
 */
import * as Comlink from 'comlink';
import { FormatError, UnsupportedError, strip } from '../../engine/index';
import { auditPhoto } from '../../engine/tools/audit/photo';
import { reportNetwork } from '../../app/privacy/worker-net';
import { describeFault, describeFileError } from '../../app/text/problems';
import type { AuditBatch, AuditInput, AuditOptions, Cleaned, FileProblem, PhotoAudit, StripOptions } from './protocol';
import { auditFile } from './read';

reportNetwork('audit worker');

function problem(e: unknown): FileProblem {
  if (e instanceof FormatError || e instanceof UnsupportedError) return { ...describeFileError(e), isFileError: true };
  return { ...describeFault(e), isFileError: false };
}

async function bytesOf(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

/**
 * The opt-in thumbnail check on a photo with an EXIF thumbnail: it decodes the whole file, so its code
 * loads only when asked for. A photo that cannot be compared keeps `differs` unset. Returns the bytes read.
 */
async function compareThumbnail(file: Blob, photo: PhotoAudit): Promise<number> {
  if (photo.error !== null || !photo.hidden.some((h) => h.key === 'exif_thumbnail')) return 0;
  try {
    const { checkThumbnail } = await import('../../engine/tools/audit/thumbnail');
    const data = await bytesOf(file);
    await checkThumbnail(data, photo);
    return data.length;
  } catch {
    // the file gone since it was read, or a decoder fault: this one photo is not compared; its audit stands
    return 0;
  }
}

const api = {
  /** What each file of the batch gives away, in order. A file that cannot be read says why in its record. */
  async audit(inputs: AuditInput[], options: AuditOptions = { thumbnails: false }): Promise<AuditBatch> {
    const start = performance.now();
    const photos: PhotoAudit[] = [];
    let bytesRead = 0;
    for (const { file, path } of inputs) {
      try {
        const audited = await auditFile(file, path, auditPhoto);
        if (options.thumbnails) bytesRead += await compareThumbnail(file, audited.photo);
        photos.push(audited.photo);
        bytesRead += audited.bytesRead;
      } catch (e) {
        // Gone or unreadable since it was picked (moved, no permission): a record that says so.
        photos.push({ ...auditPhoto(new Uint8Array(0), path), size: file.size, error: `could not read the file: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    return { photos, ms: performance.now() - start, bytesRead };
  },

  /** A copy of `file` without its metadata, as the Metadata tool makes it with `options`. */
  async clean(file: Blob, options: StripOptions): Promise<Cleaned> {
    try {
      const r = strip(await bytesOf(file), options);
      return Comlink.transfer({ ok: true as const, data: r.data, removed: r.removed.length }, [r.data.buffer as ArrayBuffer]);
    } catch (e) {
      return { ok: false, problem: problem(e) };
    }
  },
};

export type AuditApi = typeof api;
Comlink.expose(api);

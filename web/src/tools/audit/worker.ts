/**
 * The audit's worker (several run at once, on the app's worker pool): reads a batch of files and answers
 * what each gives away (engine/tools/audit), and makes cleaned copies with the Metadata tool's engine.
 * Files arrive as handles; each is read (around its picture data, not the picture: read.ts), audited
 * and dropped, a few at a time (READS_IN_FLIGHT), so a worker holds a few photos' bytes at once and
 * answers only the small records. No pixel is decoded, unless the thumbnail check is asked for
 * (`AuditOptions.thumbnails`).
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

/**
 * Files read at once by one worker. A read is mostly waiting (the browser fetches each slice from disk
 * on another thread and hands it over), and a photo's audit takes about a millisecond once its
 * bytes are here; with several reads in flight the worker audits one photo while the next arrive.
 */
const READS_IN_FLIGHT = 8;

async function auditOne({ file, path }: AuditInput, options: AuditOptions): Promise<{ photo: PhotoAudit; bytesRead: number }> {
  try {
    const audited = await auditFile(file, path, auditPhoto);
    const compared = options.thumbnails ? await compareThumbnail(file, audited.photo) : 0;
    return { photo: audited.photo, bytesRead: audited.bytesRead + compared };
  } catch (e) {
    // Gone or unreadable since it was picked (moved, no permission): a record that says so.
    const photo = { ...auditPhoto(new Uint8Array(0), path), size: file.size, error: `could not read the file: ${e instanceof Error ? e.message : String(e)}` };
    return { photo, bytesRead: 0 };
  }
}

const api = {
  /** What each file of the batch gives away, in order. A file that cannot be read says why in its record. */
  async audit(inputs: AuditInput[], options: AuditOptions = { thumbnails: false }): Promise<AuditBatch> {
    const start = performance.now();
    const results: { photo: PhotoAudit; bytesRead: number }[] = new Array(inputs.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < inputs.length) {
        const at = next++;
        results[at] = await auditOne(inputs[at]!, options);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, inputs.length) }, lane));
    return { photos: results.map((r) => r.photo), ms: performance.now() - start, bytesRead: results.reduce((sum, r) => sum + r.bytesRead, 0) };
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

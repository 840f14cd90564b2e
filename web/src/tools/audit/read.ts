/**
 * Reading a photo for the audit without reading its picture. The metadata of a photo sits around the
 * picture data, not in it, and the picture is most of the file; reading it all makes a folder audit
 * as slow as copying the folder. So the file is read sparsely: a buffer of the file's full size whose
 * picture data stays zero, with the real bytes wherever the container's structure and metadata are:
 *
 * - JPEG: the head (every segment up to the first scan, at least HEAD bytes) and the two bytes
 *   before each place the image may end (engine jpeg.imageEndCandidates: the end of the file, the
 *   end of the first image of an MPO or a photo with a gain map). The engine's metadata walk stops at
 *   the first scan and checks those bytes (jpeg.readMetadataHead). When none of them is the
 *   end-of-image marker (data after the image, a file cut short), the tail too, as for HEIF.
 * - HEIC/HEIF/AVIF: the head and the tail (TAIL bytes: a meta box written last). The ISOBMFF walk
 *   reads item extents through `iloc`, and the Exif and XMP items of phones and cameras lie at the
 *   start of `mdat`, inside the head.
 * - Anything else (PNG, WebP, TIFF, GIF: their metadata may come after the picture, between chunks
 *   that are read one by one; files smaller than HEAD + TAIL): the whole file.
 *
 * The offsets the engine sees are the file's own, so its findings are the same as from the whole
 * file; where they might not be (the sparse read gives an error or a damaged file), the caller reads
 * the whole file and audits again (`auditFile`). tests/test_audit_web_read.py holds the two to the same
 * answers on every corpus file.
 */
import { imageEndCandidates } from '../../engine/formats/jpeg';
import type { PhotoAudit } from '../../engine/tools/audit/types';

export const HEAD = 128 * 1024;
export const TAIL = 128 * 1024;

/** Where the bytes came from, for the benchmark and the test. */
export interface Read {
  data: Uint8Array;
  /** Bytes actually read from the file. */
  bytesRead: number;
  sparse: boolean;
}

async function slice(file: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

export async function readWhole(file: Blob): Promise<Read> {
  const data = new Uint8Array(await file.arrayBuffer());
  return { data, bytesRead: data.length, sparse: false };
}

/** Copy [start, end) of the file into `into`, counting what was read. */
async function fill(file: Blob, into: Uint8Array, start: number, end: number): Promise<number> {
  const s = Math.max(0, start);
  const e = Math.min(into.length, end);
  if (e <= s) return 0;
  into.set(await slice(file, s, e), s);
  return e - s;
}

const isJpeg = (b: Uint8Array): boolean => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isIsoBmff = (b: Uint8Array): boolean => b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70; // "ftyp"
/** The file's bytes as the audit needs them (see the module comment). */
export async function readForAudit(file: Blob): Promise<Read> {
  if (file.size <= HEAD + TAIL) return readWhole(file);
  const data = new Uint8Array(file.size);
  let bytesRead = await fill(file, data, 0, HEAD);
  let headEnd = HEAD;
  if (isJpeg(data)) {
    // Every segment before the picture data, however long (a large XMP or ICC profile).
    let ends = imageEndCandidates(data.subarray(0, headEnd), data.length);
    while (ends === null && headEnd < data.length) {
      const next = Math.min(data.length, headEnd * 2);
      bytesRead += await fill(file, data, headEnd, next);
      headEnd = next;
      ends = imageEndCandidates(data.subarray(0, headEnd), data.length);
    }
    for (const end of ends ?? []) bytesRead += await fill(file, data, Math.max(headEnd, end - 2), end);
    if (ends !== null && ends.some((end) => data[end - 2] === 0xff && data[end - 1] === 0xd9)) return { data, bytesRead, sparse: true };
    // The image does not end where it is looked for (data after it, a file cut short): the engine's
    // full walk runs, over the zeros to the tail, where the end of the image usually is.
  } else if (!isIsoBmff(data)) {
    bytesRead += await fill(file, data, HEAD, data.length);
    return { data, bytesRead, sparse: false };
  }
  bytesRead += await fill(file, data, Math.max(headEnd, data.length - TAIL), data.length);
  return { data, bytesRead, sparse: true };
}

/**
 * The audit of one file, read sparsely; read whole and audited again when the sparse read gives an
 * error or a damaged file (which the whole file may not be). `audit` is the engine's `auditPhoto`.
 */
export async function auditFile(file: Blob, name: string, audit: (data: Uint8Array, name: string) => PhotoAudit): Promise<{ photo: PhotoAudit; bytesRead: number }> {
  const first = await readForAudit(file);
  const photo = audit(first.data, name);
  if (!first.sparse || (photo.error === null && !photo.damaged)) return { photo, bytesRead: first.bytesRead };
  const whole = await readWhole(file);
  return { photo: audit(whole.data, name), bytesRead: first.bytesRead + whole.bytesRead };
}

/**
 * Reading a photo for the audit without reading its picture. The metadata of a photo sits around the
 * picture data, not in it, and the picture is most of the file; reading it all makes a folder audit
 * as slow as copying the folder. So the file is read sparsely: a buffer of the file's full size whose
 * picture data stays zero, with the real bytes wherever the container's structure and metadata are:
 *
 * - JPEG: the head (every segment up to the first scan, at least JPEG_HEAD bytes) and the two bytes
 *   before each place the image may end (engine jpeg.imageEndCandidates: the end of the file, the
 *   end of the first image of an MPO or a photo with a gain map). The engine's metadata walk stops at
 *   the first scan and checks those bytes (jpeg.readMetadataHead). When none of them is the
 *   end-of-image marker (data after the image, a file cut short), the tail too, as for HEIF.
 * - HEIC/HEIF/AVIF: the head (HEAD bytes) and the tail (TAIL bytes: a meta box written last). The
 *   ISOBMFF walk reads item extents through `iloc`, and the Exif and XMP items of phones and cameras
 *   lie at the start of `mdat`, inside the head.
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
import { readSlice, type ReadRange } from './blob-batch';
import { SparseBuffers } from './sparse-buffers';

export const HEAD = 128 * 1024;
export const TAIL = 128 * 1024;
/**
 * The first read of a file not named as a HEIF: a JPEG's segments before its picture data fit in it
 * (18-51 KiB in the corpus's camera and phone photos; more is read when they do not), and in the
 * browser every KiB read costs CPU (reading 32 KiB of each photo instead of 128 saved about 0.3 ms
 * per photo in Chromium: docs/audit.md, "In the browser").
 */
export const JPEG_HEAD = 64 * 1024;
const HEIF_NAME = /\.(heic|heif|hif|avif)$/i;

/** How much to read first: a HEIF's head, or a JPEG's (which the rest of the walk extends as needed). */
function firstRead(file: Blob): number {
  return file instanceof File && HEIF_NAME.test(file.name) ? HEAD : JPEG_HEAD;
}

/** The sparse reads' buffers, given back once a photo is audited (`auditFile`). */
const buffers = new SparseBuffers();

/** Where the bytes came from, for the benchmark and the test. */
export interface Read {
  data: Uint8Array;
  /** Bytes actually read from the file. */
  bytesRead: number;
  sparse: boolean;
}

export async function readWhole(file: Blob, read: ReadRange = readSlice): Promise<Read> {
  const bytes = await read(file, 0, file.size);
  // A grouped read answers a view into the group's bytes: a copy of its own lets them go.
  const data = bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  return { data, bytesRead: data.length, sparse: false };
}

/** Copy [start, end) of the file into `into`, counting what was read. */
async function fill(read: ReadRange, file: Blob, into: Uint8Array, start: number, end: number): Promise<number> {
  const s = Math.max(0, start);
  const e = Math.min(into.length, end);
  if (e <= s) return 0;
  buffers.write(into, await read(file, s, e), s);
  return e - s;
}

const isJpeg = (b: Uint8Array): boolean => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isIsoBmff = (b: Uint8Array): boolean => b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70; // "ftyp"
/**
 * The file's bytes as the audit needs them (see the module comment). `read` reads one range: on its
 * own by default, or grouped with other files' ranges (blob-batch.ts).
 */
export async function readForAudit(file: Blob, read: ReadRange = readSlice): Promise<Read> {
  if (file.size <= HEAD + TAIL) return readWhole(file, read);
  const data = buffers.take(file.size);
  let headEnd = firstRead(file);
  let bytesRead = await fill(read, file, data, 0, headEnd);
  if (isJpeg(data)) {
    // Every segment before the picture data, however long (a large XMP or ICC profile).
    let ends = imageEndCandidates(data.subarray(0, headEnd), data.length);
    while (ends === null && headEnd < data.length) {
      const next = Math.min(data.length, headEnd * 2);
      bytesRead += await fill(read, file, data, headEnd, next);
      headEnd = next;
      ends = imageEndCandidates(data.subarray(0, headEnd), data.length);
    }
    const ended = await Promise.all((ends ?? []).map((end) => fill(read, file, data, Math.max(headEnd, end - 2), end)));
    bytesRead += ended.reduce((sum, n) => sum + n, 0);
    if (ends !== null && ends.some((end) => data[end - 2] === 0xff && data[end - 1] === 0xd9)) return { data, bytesRead, sparse: true };
    // The image does not end where it is looked for (data after it, a file cut short): the engine's
    // full walk runs, over the zeros to the tail, where the end of the image usually is.
  } else if (isIsoBmff(data)) {
    // The head (the rest of it, when the first read was a JPEG's) and the tail, asked for together.
    const tailStart = Math.max(HEAD, data.length - TAIL);
    const [rest, tail] = await Promise.all([fill(read, file, data, headEnd, HEAD), fill(read, file, data, tailStart, data.length)]);
    return { data, bytesRead: bytesRead + rest + tail, sparse: true };
  } else {
    // Read whole, into a buffer of its own: a pooled one would keep this file's size in memory.
    const whole = new Uint8Array(data.length);
    whole.set(data.subarray(0, headEnd));
    buffers.give(data);
    bytesRead += await fill(read, file, whole, headEnd, whole.length);
    return { data: whole, bytesRead, sparse: false };
  }
  bytesRead += await fill(read, file, data, Math.max(headEnd, data.length - TAIL), data.length);
  return { data, bytesRead, sparse: true };
}

/**
 * The audit of one file, read sparsely; read whole and audited again when the sparse read gives an
 * error or a damaged file (which the whole file may not be). `audit` is the engine's `auditPhoto`.
 */
export async function auditFile(
  file: Blob,
  name: string,
  audit: (data: Uint8Array, name: string) => PhotoAudit,
  read: ReadRange = readSlice,
): Promise<{ photo: PhotoAudit; bytesRead: number }> {
  const first = await readForAudit(file, read);
  let photo: PhotoAudit;
  try {
    photo = audit(first.data, name);
  } finally {
    buffers.give(first.data); // the audit keeps no view of it (plain data)
  }
  if (!first.sparse || (photo.error === null && !photo.damaged)) return { photo, bytesRead: first.bytesRead };
  const whole = await readWhole(file, read);
  return { photo: audit(whole.data, name), bytesRead: first.bytesRead + whole.bytesRead };
}

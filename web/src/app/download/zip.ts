/**
 * "Download all" without holding the batch in memory: a stored ZIP (images are compressed already) is
 * headers with each file's bytes between them, so the page builds the archive as a Blob of parts that
 * point at the result Blobs themselves. The one thing that needs the bytes is each file's CRC-32;
 * `zipLayout` streams every file once to compute it, a chunk at a time, and writes the headers
 * (zip.worker.ts runs it off the page).
 *
 * Format: PKWARE APPNOTE 6.3 (local file headers, central directory, end of central directory), names in
 * UTF-8 (flag bit 11), method 0 (stored). No ZIP64: up to 65 535 files and 4 GiB in all.
 */
import { crc32 } from '../../engine/formats/binary';

/** The CRC-32 of a file, read a chunk at a time. */
async function blobCrc32(blob: Blob): Promise<number> {
  let crc = 0;
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return crc;
    crc = crc32(value, crc);
  }
}

/** MS-DOS date and time of `d` (local time, 2-second resolution), as ZIP stores them. */
function dosDateTime(d: Date): [number, number] {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return [time, date];
}

export interface ZipLayout {
  /** One local file header per file: the archive is header[0], file[0], header[1], file[1], ..., end. */
  headers: Uint8Array[];
  /** Central directory and end-of-central-directory record. */
  end: Uint8Array;
}

/** The headers of a stored ZIP of `files`, in order, dated `now`. */
export async function zipLayout(files: { name: string; blob: Blob }[], now = new Date()): Promise<ZipLayout> {
  if (files.length > 0xffff) throw new Error('too many files for one ZIP (at most 65 535)');
  const encoder = new TextEncoder();
  const [time, date] = dosDateTime(now);
  const headers: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    const name = encoder.encode(f.name);
    const size = f.blob.size;
    const crc = await blobCrc32(f.blob);
    if (offset + 30 + name.length + size > 0xffffffff) throw new Error('the files are too large for one ZIP (at most 4 GiB)');

    const local = new Uint8Array(30 + name.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true); // local file header signature
    l.setUint16(4, 20, true); // version needed: 2.0
    l.setUint16(6, 0x0800, true); // flags: UTF-8 names
    l.setUint16(8, 0, true); // method: stored
    l.setUint16(10, time, true);
    l.setUint16(12, date, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, size, true); // compressed size
    l.setUint32(22, size, true); // uncompressed size
    l.setUint16(26, name.length, true);
    l.setUint16(28, 0, true); // extra field length
    local.set(name, 30);
    headers.push(local);

    const entry = new Uint8Array(46 + name.length);
    const c = new DataView(entry.buffer);
    c.setUint32(0, 0x02014b50, true); // central directory header signature
    c.setUint16(4, 20, true); // version made by
    c.setUint16(6, 20, true); // version needed
    c.setUint16(8, 0x0800, true);
    c.setUint16(10, 0, true);
    c.setUint16(12, time, true);
    c.setUint16(14, date, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, size, true);
    c.setUint32(24, size, true);
    c.setUint16(28, name.length, true);
    // extra, comment, disk number, internal attributes: 0; external attributes: 0
    c.setUint32(42, offset, true); // where its local header starts
    entry.set(name, 46);
    central.push(entry);

    offset += local.length + size;
  }
  const cdSize = central.reduce((n, e) => n + e.length, 0);
  const end = new Uint8Array(cdSize + 22);
  let at = 0;
  for (const e of central) {
    end.set(e, at);
    at += e.length;
  }
  const e = new DataView(end.buffer, at);
  e.setUint32(0, 0x06054b50, true); // end of central directory signature
  e.setUint16(8, files.length, true); // entries on this disk
  e.setUint16(10, files.length, true); // entries in all
  e.setUint32(12, cdSize, true);
  e.setUint32(16, offset, true); // where the central directory starts
  return { headers, end };
}

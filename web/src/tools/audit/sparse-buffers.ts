/**
 * File-sized buffers for the audit's sparse read (read.ts), used again from photo to photo. The
 * sparse read of a 2 MB photo fills a tenth of a 2 MB buffer; a new buffer for every photo made the
 * browser's worker allocate gigabytes for a folder, and V8 collects garbage more often the more
 * such memory is allocated: a pool cut the browser's CPU per photo by about a tenth (docs/audit.md,
 * "In the browser"). A buffer given back has the ranges written into it zeroed again, so the next
 * photo sees zeros wherever it was not read, as in a new buffer.
 *
 * Nothing may keep a view of a buffer once it is given back: the engine's audit is plain data
 * (strings and numbers). A buffer that did not come from `take` (a whole-file read) is left alone;
 * a file read whole gets a buffer of its own (read.ts), so a pooled buffer holds only what a sparse
 * read wrote into it.
 */

/** Buffers larger than this are not kept (a rare large file should not hold its size in memory). */
const KEEP_MAX = 16 * 1024 * 1024;
/** Free buffers kept at most (one per read in flight is enough). */
const KEEP_COUNT = 64;
/** New buffers are at least this large, so one serves the photos of a folder of various sizes. */
const MIN_SIZE = 4 * 1024 * 1024;

export class SparseBuffers {
  private free: Uint8Array[] = [];
  private written = new WeakMap<ArrayBufferLike, [number, number][]>();

  /** A zeroed buffer of `size` bytes. */
  take(size: number): Uint8Array {
    const at = this.free.findIndex((b) => b.length >= size);
    const buffer = at >= 0 ? this.free.splice(at, 1)[0]! : new Uint8Array(size > KEEP_MAX ? size : Math.max(size, MIN_SIZE));
    this.written.set(buffer.buffer, []);
    return buffer.subarray(0, size);
  }

  /** Copy `bytes` into `view` (from `take`) at `offset`, remembering the range to zero it again. */
  write(view: Uint8Array, bytes: Uint8Array, offset: number): void {
    view.set(bytes, offset);
    this.written.get(view.buffer)?.push([offset, offset + bytes.length]);
  }

  /** Give back a buffer from `take`; it must not be used again. */
  give(view: Uint8Array): void {
    const ranges = this.written.get(view.buffer);
    if (ranges === undefined) return;
    this.written.delete(view.buffer);
    const whole = new Uint8Array(view.buffer);
    if (whole.length > KEEP_MAX || this.free.length >= KEEP_COUNT) return;
    for (const [start, end] of ranges) whole.fill(0, start, end);
    this.free.push(whole);
  }
}

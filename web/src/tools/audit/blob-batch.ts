/**
 * Reading parts of many files at once, for the audit. In Chromium a read of a Blob costs far more
 * than its bytes: every `slice().arrayBuffer()` registers a blob with the browser process, opens a
 * data pipe and hops between its threads, about a millisecond of CPU per read whatever its size. A
 * folder audit makes two small reads per photo (read.ts), so that machinery, not the bytes or the
 * metadata walk, set its speed. Here the ranges asked for in one turn of the event loop become the
 * parts of ONE Blob (`new Blob([a.slice(…), b.slice(…), …])`), read with one `arrayBuffer()` and cut
 * apart by the parts' lengths: one read and one pipe for the whole group, and the browser reads
 * each file's part in turn (docs/audit.md, "In the browser").
 *
 * - One file that cannot be read (moved, deleted or changed since it was picked) fails the whole
 *   Blob, so a group that fails is read again part by part: only that file's read fails.
 * - Large ranges (a TIFF or PNG read whole) are read on their own, a few at a time (LARGE_AT_ONCE),
 *   so that many lanes reading big files do not hold many big files in memory at once.
 */

/** Read the bytes [start, end) of a file. */
export type ReadRange = (file: Blob, start: number, end: number) => Promise<Uint8Array>;

/** One read of one range: what a single file needs when there is nothing to group it with. */
export const readSlice: ReadRange = async (file, start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer());

/** Ranges longer than this are read on their own (a group's Blob is held whole until cut apart). */
export const PART_MAX = 1024 * 1024;
/** Large ranges read at once by one BlobBatch. */
export const LARGE_AT_ONCE = 2;

interface Wanted {
  file: Blob;
  start: number;
  end: number;
  resolve: (bytes: Uint8Array) => void;
  reject: (reason: unknown) => void;
}

export class BlobBatch {
  /** Blob reads made so far, grouped or not (for the benchmark and the test). */
  reads = 0;
  private wanted: Wanted[] = [];
  private largeRunning = 0;
  private largeWaiting: (() => void)[] = [];

  /** A range of `file`, clipped to it; read with the other ranges asked for in the same turn. */
  readonly read: ReadRange = (file, start, end) => {
    const s = Math.max(0, Math.min(start, file.size));
    const e = Math.max(s, Math.min(end, file.size));
    if (e === s) return Promise.resolve(new Uint8Array(0));
    if (e - s > PART_MAX) return this.readLarge(file, s, e);
    return new Promise((resolve, reject) => {
      // A timer, not a microtask: every lane's continuation (several awaits deep) runs first and
      // asks for its next range, so one group takes all of them.
      if (!this.wanted.length) setTimeout(() => void this.flush(), 0);
      this.wanted.push({ file, start: s, end: e, resolve, reject });
    });
  };

  private async flush(): Promise<void> {
    const group = this.wanted;
    this.wanted = [];
    const bytes = group.length > 1 ? await this.readGroup(group) : null;
    if (bytes === null) {
      for (const w of group) this.readOne(w.file, w.start, w.end).then(w.resolve, w.reject);
      return;
    }
    let at = 0;
    for (const w of group) {
      const length = w.end - w.start;
      w.resolve(bytes.subarray(at, at + length));
      at += length;
    }
  }

  /** The group's ranges end to end, or null when the group cannot be read as one. */
  private async readGroup(group: Wanted[]): Promise<Uint8Array | null> {
    const expected = group.reduce((sum, w) => sum + w.end - w.start, 0);
    this.reads += 1;
    try {
      const bytes = new Uint8Array(await new Blob(group.map((w) => w.file.slice(w.start, w.end))).arrayBuffer());
      return bytes.length === expected ? bytes : null;
    } catch {
      return null; // one unreadable file: each range is read on its own, and only that one fails
    }
  }

  private async readLarge(file: Blob, start: number, end: number): Promise<Uint8Array> {
    while (this.largeRunning >= LARGE_AT_ONCE) await new Promise<void>((go) => this.largeWaiting.push(go));
    this.largeRunning += 1;
    try {
      return await this.readOne(file, start, end);
    } finally {
      this.largeRunning -= 1;
      this.largeWaiting.shift()?.();
    }
  }

  private readOne(file: Blob, start: number, end: number): Promise<Uint8Array> {
    this.reads += 1;
    return readSlice(file, start, end);
  }
}

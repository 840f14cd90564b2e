/**
 * The audit of one folder: its files go through a pool of audit workers in batches (each worker reads a
 * file, keeps the small record of what it gives away, drops the bytes), the records stream into the
 * engine's summary (engine/tools/audit/summary.ts), which keeps only what the report needs. The page
 * keeps one row per photo (its handle, path, risk and the flags the filters use), never its bytes.
 * Then "clean": chosen photos are stripped with the Metadata tool's engine and options and saved as one
 * ZIP. Lives at module level so the report survives switching tools.
 */
import { SvelteSet } from 'svelte/reactivity';
import { announcer } from '../../app/shell/announce.svelte';
import { registerWork } from '../../app/shell/work.svelte';
import { WorkerPool, defaultConcurrency, isAbort } from '../../app/workers/worker-pool';
import { defaultValues, toolSpec, type OptionValue, type OptionValues } from '../../app/options/options';
import { describeFault } from '../../app/text/problems';
import { AuditSummary } from '../../engine/tools/audit/summary';
import { loadGazetteer, loadWorld, type Gazetteer } from '../../engine/tools/audit/data';
import type { AuditApi } from './worker';
import type { AuditBatch, AuditReport, Cleaned, FileProblem, PhotoAudit, RiskLevel, StripOptions, WorldOutlines } from './protocol';
import type { PickedFile } from './folder';
import { cleanName } from './names';

/** The Metadata tool's options: cleaning here is that tool's strip. */
export const stripSpec = toolSpec('strip');

/** Files per job: enough to make a worker's round trip cheap, few enough for a smooth count. */
const BATCH = 24;

export type Phase = 'idle' | 'reading' | 'done' | 'stopped';

/** What the page keeps of one photo. */
export interface Row {
  /** Position in the summary (what `Place.photo_indices` refer to). */
  index: number;
  path: string;
  file: File;
  format: string | null;
  error: string | null;
  risk: RiskLevel;
  reasons: string[];
  /** [latitude, longitude] */
  gps: [number, number] | null;
  taken: string | null;
  hasName: boolean;
  hasSerial: boolean;
  hidden: number;
}

export interface Cleaning {
  total: number;
  done: number;
  failed: { path: string; problem: FileProblem }[];
}

export const RISK_ORDER: Record<RiskLevel, number> = { high: 0, medium: 1, low: 2, none: 3 };

function rowOf(index: number, input: PickedFile, photo: PhotoAudit): Row {
  return {
    index,
    path: input.path,
    file: input.file,
    format: photo.format,
    error: photo.error,
    risk: photo.risk,
    reasons: photo.reasons,
    gps: photo.gps ? [photo.gps.latitude, photo.gps.longitude] : null,
    taken: photo.taken,
    hasName: photo.identity.some((i) => i.kind === 'name'),
    hasSerial: photo.identity.some((i) => i.kind === 'serial'),
    hidden: photo.hidden.length,
  };
}

/** The record of a file whose batch was lost (its worker stopped): unread, with the reason. */
function unread(input: PickedFile, reason: string): PhotoAudit {
  return { name: input.path, size: input.file.size, format: null, error: reason, damaged: false, gps: null, taken: null, identity: [], hidden: [], risk: 'none', reasons: [] };
}

function workers(): number {
  // Reading waits on the disk as much as on the CPU: two at least, even on a two-core phone.
  return Math.max(2, defaultConcurrency());
}

class AuditStore {
  phase = $state<Phase>('idle');
  /** Photos picked, and how many have been read. */
  total = $state(0);
  read = $state(0);
  /** Files in the folder that are not photos (passed over). */
  skipped = $state(0);
  /** Running counts while reading, for the live line under the progress bar. */
  live = $state({ gps: 0, risky: 0 });
  rows = $state.raw<Row[]>([]);
  report = $state.raw<AuditReport | null>(null);
  world = $state.raw<WorldOutlines | null>(null);
  /** Why the audit could not run (its data did not load, a worker failed). */
  error = $state('');
  started = 0;
  elapsedMs = $state(0);
  /** The workers' time reading and auditing, and the bytes they read (for the benchmark). */
  workerMs = 0;
  bytesRead = 0;

  /** Compare each photo with its EXIF thumbnail (decodes: slower); asked for before a folder is read. */
  thumbnails = $state(false);
  /** Whether the report on show was made with the thumbnail check. */
  thumbnailsChecked = $state(false);
  /** The folder last read, to read it again with other settings. */
  private last: { picked: PickedFile[]; skipped: number } | null = null;

  /** Indices of the photos chosen for "Clean the chosen ones". */
  readonly chosen = new SvelteSet<number>();
  values = $state<OptionValues>(defaultValues(stripSpec));
  cleaning = $state<Cleaning | null>(null);

  private pool: WorkerPool<AuditApi> | null = null;
  private gazetteer: Promise<Gazetteer> | null = null;
  private controller: AbortController | null = null;
  private run = 0;

  constructor() {
    registerWork('audit', () => this.rows.length);
  }

  private get workers(): WorkerPool<AuditApi> {
    this.pool ??= new WorkerPool<AuditApi>(
      () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'audit' }),
      'audit worker',
      workers(),
      10_000,
    );
    return this.pool;
  }

  /** Read the photos of a folder (replacing any earlier audit). */
  async start(picked: PickedFile[], skipped: number): Promise<void> {
    this.stop();
    const run = ++this.run;
    this.last = { picked, skipped };
    const options = { thumbnails: this.thumbnails };
    this.thumbnailsChecked = options.thumbnails;
    const controller = new AbortController();
    this.controller = controller;
    this.phase = 'reading';
    this.total = picked.length;
    this.read = 0;
    this.skipped = skipped;
    this.live = { gps: 0, risky: 0 };
    this.rows = [];
    this.report = null;
    this.error = '';
    this.cleaning = null;
    this.chosen.clear();
    this.started = performance.now();
    this.elapsedMs = 0;
    this.workerMs = 0;
    this.bytesRead = 0;
    announcer.say(`Reading ${picked.length} photo${picked.length === 1 ? '' : 's'}…`);

    let summary: AuditSummary;
    try {
      this.gazetteer ??= loadGazetteer();
      this.gazetteer.catch(() => (this.gazetteer = null)); // offline and never saved: try again next time
      const [gazetteer, world] = await Promise.all([this.gazetteer, this.world ? Promise.resolve(this.world) : loadWorld()]);
      this.world = world;
      summary = new AuditSummary(gazetteer);
    } catch (e) {
      if (run === this.run) this.fail(`The audit's place names and map could not load: ${describeFault(e).message}`);
      return;
    }

    const rows: Row[] = [];
    let shown = 0;
    const publish = (): void => {
      if (run !== this.run || rows.length === shown) return;
      shown = rows.length;
      this.rows = rows.slice();
    };
    const timer = setInterval(publish, 500);
    const jobs: Promise<void>[] = [];
    for (let at = 0; at < picked.length; at += BATCH) {
      const batch = picked.slice(at, at + BATCH);
      jobs.push(
        this.workers
          .run<AuditBatch>((remote) => remote.audit(batch.map(({ file, path }) => ({ file, path })), options), { signal: controller.signal })
          .catch((e: unknown): AuditBatch => {
            if (isAbort(e)) throw e;
            // The worker stopped (a crash, out of memory): this batch's files are unread, the rest go on.
            const reason = describeFault(e).message;
            return { photos: batch.map((input) => unread(input, reason)), ms: 0, bytesRead: 0 };
          })
          .then(({ photos, ms, bytesRead }) => {
            if (run !== this.run) return;
            this.workerMs += ms;
            this.bytesRead += bytesRead;
            photos.forEach((photo, i) => {
              const row = rowOf(summary.add(photo), batch[i]!, photo);
              rows.push(row);
              if (row.gps) this.live.gps++;
              if (row.risk === 'high' || row.risk === 'medium') this.live.risky++;
            });
            this.read += photos.length;
          }),
      );
    }
    try {
      await Promise.all(jobs);
    } catch (e) {
      clearInterval(timer);
      if (run !== this.run) return;
      if (!isAbort(e)) {
        // A fault of the page's own code (a file or a worker failing makes an unread row instead).
        controller.abort();
        this.fail(`The audit stopped: ${describeFault(e).message}`);
        return;
      }
      publish();
      this.report = summary.report();
      this.phase = 'stopped';
      announcer.say(`Stopped after ${this.read} of ${this.total} photos.`);
      return;
    }
    clearInterval(timer);
    if (run !== this.run) return;
    publish();
    this.report = summary.report();
    this.elapsedMs = performance.now() - this.started;
    this.phase = 'done';
    const r = this.report;
    announcer.say(
      `Audit done: ${r.photos} photos, ${r.with_gps} with a GPS position in ${r.places.length} place${r.places.length === 1 ? '' : 's'}, ${r.risk.high + r.risk.medium} at risk.`,
    );
  }

  /** Read the last folder again (after a change of settings). */
  again(): void {
    if (this.last) void this.start(this.last.picked, this.last.skipped);
  }

  /** Stop reading; what was read so far stays in the report. */
  stop(): void {
    this.controller?.abort();
    this.controller = null;
  }

  clear(): void {
    this.stop();
    this.run++;
    this.phase = 'idle';
    this.total = 0;
    this.read = 0;
    this.skipped = 0;
    this.rows = [];
    this.report = null;
    this.error = '';
    this.cleaning = null;
    this.chosen.clear();
    this.last = null;
  }

  setOption(name: string, value: OptionValue): void {
    this.values[name] = value;
  }

  resetOptions(): void {
    this.values = defaultValues(stripSpec);
  }

  /**
   * Strip `rows` with the Metadata tool's engine and current options; resolves with the cleaned copies
   * (download names as the command line writes them) for the ZIP. Files that fail are listed in
   * `cleaning.failed` and left out.
   */
  async clean(rows: Row[]): Promise<{ name: string; blob: Blob }[]> {
    const options = $state.snapshot(this.values) as unknown as StripOptions;
    const cleaning: Cleaning = { total: rows.length, done: 0, failed: [] };
    this.cleaning = cleaning;
    const state = this.cleaning; // the proxied object: its counts update the page
    const controller = new AbortController();
    const out: ({ name: string; blob: Blob } | null)[] = await Promise.all(
      rows.map((row) =>
        this.workers
          .run<Cleaned>((remote) => remote.clean(row.file, options), { signal: controller.signal })
          .then(
            (r) => {
              state.done++;
              if (r.ok) return { name: cleanName(row.path), blob: new Blob([r.data as Uint8Array<ArrayBuffer>], { type: row.file.type || 'application/octet-stream' }) };
              state.failed.push({ path: row.path, problem: r.problem });
              return null;
            },
            (e: unknown) => {
              state.done++;
              state.failed.push({ path: row.path, problem: { ...describeFault(e), isFileError: false } });
              return null;
            },
          ),
      ),
    );
    return out.filter((f): f is { name: string; blob: Blob } => f !== null);
  }

  private fail(message: string): void {
    this.error = message;
    this.phase = 'stopped';
    announcer.say(message);
  }
}

export const store = new AuditStore();

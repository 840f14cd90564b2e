/**
 * Compress and Convert: the list of files, each with its own settings and result, and the queue that
 * encodes them on a pool of workers.
 *
 * - Each file keeps the settings it was (or will be) encoded with. The options panel edits the file on
 *   screen; files added later start from the last settings used. "Apply to all" copies the file on
 *   screen's settings to every file and encodes again those that differ.
 * - Changing a setting cancels the stale encode of that file at once and starts a new one after a short
 *   pause (typing "1600" does not start four encodes); that encode goes to the front of the queue.
 * - At most `capacity` encodes run at once (cores − 1; an AVIF encode is threaded itself and runs alone),
 *   and their pixels in flight stay within a budget, so a batch of 50 MP photos does not exhaust memory.
 * - Cancel (one file or all) aborts through the worker; a worker stuck inside a codec is terminated.
 * - Only the file on screen has a decoded original (see Viewer.svelte); results are Blobs behind object
 *   URLs, revoked when replaced or removed.
 * Lives at module level (one store per tool) so the list survives switching tools.
 */
import * as Comlink from 'comlink';
import { announcer } from '../../app/announce.svelte';
import { lazyWorker } from '../../app/lazy-worker';
import {
  DEFAULT_QUALITY,
  cliCommand,
  defaultValues,
  parseSize,
  sameValues,
  toolSpec,
  type OptionValue,
  type OptionValues,
  type ToolSpec,
} from '../../app/options';
import { Budget, WorkerPool, defaultConcurrency, isAbort } from '../../app/worker-pool';
import { formatBytes, savedText } from '../../app/format';
import type { EncodeApi } from './worker';
import type { Display, EncodeOutcome, EncodeReport, EncodeTool, FileProblem, OutputFormat } from './protocol';

export type Status = 'waiting' | 'working' | 'done' | 'failed' | 'cancelled';

export interface Result {
  report: EncodeReport;
  blob: Blob;
  url: string;
  /** Download name: the original's stem and the new format's extension. */
  name: string;
  /** The settings it was made with. */
  values: OptionValues;
}

const EXTENSIONS: Record<OutputFormat, string[]> = {
  jpeg: ['.jpg', '.jpeg', '.jpe', '.jfif'],
  webp: ['.webp'],
  avif: ['.avif'],
  png: ['.png'],
};
const MIME: Record<OutputFormat, string> = { jpeg: 'image/jpeg', webp: 'image/webp', avif: 'image/avif', png: 'image/png' };

/** "IMG_1034.heic" as JPEG -> "IMG_1034.jpg"; "photo.JPEG" stays "photo.JPEG" (already a JPEG name). */
export function outputName(name: string, format: OutputFormat): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  if (EXTENSIONS[format].includes(ext.toLowerCase())) return name;
  return `${stem || 'image'}${EXTENSIONS[format][0]}`;
}

/** What compress writes for an input format with --format keep (HEIC/TIFF -> JPEG; GIF/BMP -> PNG). */
function keptFormat(input: string | null | undefined): OutputFormat | null {
  switch ((input ?? '').toLowerCase()) {
    case 'jpeg':
    case 'mpo':
    case 'heic':
    case 'heif':
    case 'tiff':
      return 'jpeg';
    case 'png':
    case 'gif':
    case 'bmp':
      return 'png';
    case 'webp':
      return 'webp';
    case 'avif':
      return 'avif';
    default:
      return null;
  }
}

/** Pixels assumed for a file whose header could not be read (it may still decode). */
const UNKNOWN_PIXELS = 12_000_000;
/** A worker that handled more than this many pixels is replaced (its WebAssembly heap stays that big). */
const RECYCLE_PIXELS = 24_000_000;
const DEBOUNCE_MS = 350;
/** Workers with nothing to do are stopped after this long (their codecs reload from the offline cache). */
const IDLE_MS = 30_000;

function pixelBudget(): number {
  const gb = (navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? 4;
  return Math.min(96_000_000, Math.max(24_000_000, gb * 12_000_000));
}

const STAGES: Record<string, string> = {
  starting: 'Starting',
  decode: 'Decoding',
  resize: 'Resizing',
  encode: 'Encoding',
  search: 'Finding the quality that fits',
  optimise: 'Optimising',
  optimize: 'Optimising',
};

/** The engine's progress stage for people: "decode" -> "Decoding". */
export function stageText(stage: string): string {
  return STAGES[stage] ?? (stage ? stage.charAt(0).toUpperCase() + stage.slice(1) : 'Encoding');
}

let nextItemId = 1;
let nextJobId = 1;

export class Item {
  readonly id = nextItemId++;
  readonly file: File;
  readonly name: string;
  values: OptionValues = $state({});
  status: Status = $state('waiting');
  /** 0..1 of the running encode, from the engine's progress hook. */
  progress = $state(0);
  stage = $state('');
  result: Result | null = $state.raw(null);
  problem: FileProblem | null = $state.raw(null);
  /** Format and stored size from the header (known after the first encode starts). */
  header: { format: string; width: number | null; height: number | null } | null = $state.raw(null);
  /** The running (or queued) job; replaced when a new encode starts, so stale answers are ignored. */
  job = 0;
  controller: AbortController | null = null;

  constructor(file: File, values: OptionValues) {
    this.file = file;
    this.name = file.name || 'image';
    this.values = values;
  }

  get active(): boolean {
    return this.status === 'waiting' || this.status === 'working';
  }
}

export class EncodeStore {
  readonly tool: EncodeTool;
  readonly spec: ToolSpec;
  items: Item[] = $state([]);
  selectedId: number | null = $state(null);
  /** Settings for files added next: the last settings used. */
  defaults: OptionValues = $state({});

  private pool: WorkerPool<EncodeApi>;
  private budget = new Budget(pixelBudget());
  private display = lazyWorker<EncodeApi>(
    () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'encode-display' }),
    'encode worker (original for display)',
  );
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private displayIdle: ReturnType<typeof setTimeout> | undefined;
  private displaying = 0;
  private batchAnnounced = true;

  constructor(tool: EncodeTool) {
    this.tool = tool;
    this.spec = toolSpec(tool);
    this.defaults = defaultValues(this.spec);
    this.pool = new WorkerPool<EncodeApi>(
      () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: `encode-${tool}` }),
      'encode worker',
      defaultConcurrency(),
      IDLE_MS,
    );
  }

  // ---- what the screen reads ----------------------------------------------------------------------

  get selected(): Item | null {
    return this.items.find((i) => i.id === this.selectedId) ?? null;
  }

  /** The settings the options panel shows and edits. */
  get values(): OptionValues {
    return this.selected?.values ?? this.defaults;
  }

  get capacity(): number {
    return this.pool.capacity;
  }

  /** The format a file's result will have with the given settings (null: depends on the file, not read yet). */
  outputFormat(values: OptionValues, item: Item | null = this.selected): OutputFormat | null {
    const chosen = String(values[this.tool === 'convert' ? 'to' : 'format'] ?? '');
    if (chosen && chosen !== 'keep') return chosen as OutputFormat;
    if (item?.result && sameValues(this.spec, item.result.values, values)) return item.result.report.format;
    return keptFormat(item?.header?.format ?? null);
  }

  /** The quality the encoder uses when none is set, for the format the settings produce. */
  defaultQuality(values: OptionValues, item: Item | null = this.selected): number | null {
    const format = this.outputFormat(values, item);
    return format ? (DEFAULT_QUALITY[format] ?? null) : null;
  }

  get done(): Item[] {
    return this.items.filter((i) => i.status === 'done' && i.result);
  }

  get counts(): { total: number; done: number; failed: number; cancelled: number; active: number; working: number } {
    const c = { total: this.items.length, done: 0, failed: 0, cancelled: 0, active: 0, working: 0 };
    for (const i of this.items) {
      if (i.status === 'done') c.done++;
      else if (i.status === 'failed') c.failed++;
      else if (i.status === 'cancelled') c.cancelled++;
      else c.active++;
      if (i.status === 'working') c.working++;
    }
    return c;
  }

  /** Overall progress, 0..1: finished files count whole, running ones by their progress. */
  get overall(): number {
    if (!this.items.length) return 0;
    let sum = 0;
    for (const i of this.items) sum += i.active ? (i.status === 'working' ? i.progress : 0) : 1;
    return sum / this.items.length;
  }

  /** Whether every file has the same settings as the one on screen. */
  get allSame(): boolean {
    const ref = this.values;
    return this.items.every((i) => sameValues(this.spec, i.values, ref));
  }

  /** The equivalent command: every file when they share the settings, else the file on screen. */
  get command(): string {
    const names = this.allSame ? this.items.map((i) => i.name) : this.selected ? [this.selected.name] : [];
    return cliCommand(
      this.spec,
      $state.snapshot(this.values) as OptionValues,
      names,
      this.tool === 'compress' ? 'compressed' : 'converted',
      this.tool === 'convert' ? ['to'] : [],
    );
  }

  // ---- what the person does -----------------------------------------------------------------------

  add(files: File[]): void {
    const added = files.map((f) => new Item(f, structuredClone($state.snapshot(this.values)) as OptionValues));
    this.items.push(...added);
    if (this.selectedId === null && added[0]) this.selectedId = added[0].id;
    // Items added to a $state array are read back through it (class instances are not proxied).
    for (const item of added) this.start(item, false);
  }

  select(item: Item): void {
    this.selectedId = item.id;
  }

  setOption(name: string, value: OptionValue): void {
    const item = this.selected;
    this.defaults[name] = value;
    if (!item) return;
    item.values[name] = value;
    this.restartSoon(item);
  }

  resetOptions(): void {
    this.defaults = defaultValues(this.spec);
    const item = this.selected;
    if (!item) return;
    item.values = defaultValues(this.spec);
    this.restartSoon(item);
  }

  /** Give every file the settings of the file on screen; encode again those whose settings differ. */
  applyToAll(): number {
    const ref = $state.snapshot(this.values) as OptionValues;
    let changed = 0;
    for (const item of this.items) {
      if (sameValues(this.spec, item.values, ref) && item.status !== 'failed' && item.status !== 'cancelled') continue;
      item.values = structuredClone(ref);
      if (item !== this.selected || !item.active) this.start(item, false);
      changed++;
    }
    if (changed) announcer.say(`Encoding ${changed === 1 ? 'one file' : `${changed} files`} again with these settings.`);
    return changed;
  }

  /** Stop a file's encode. One that had a result goes back to it (and to the settings it was made with):
   * cancelling a change undoes it. */
  cancel(item: Item): void {
    if (!item.active) return;
    const reverted = this.stop(item);
    announcer.say(reverted ? `${item.name}: cancelled; the previous result stays.` : `${item.name}: cancelled.`);
    this.maybeBatchDone();
  }

  cancelAll(): void {
    clearTimeout(this.debounce);
    const active = this.items.filter((i) => i.active);
    for (const item of active) this.stop(item);
    if (active.length) announcer.say(`Cancelled ${active.length === 1 ? 'one file' : `${active.length} files`}.`);
    this.batchAnnounced = true;
  }

  private stop(item: Item): boolean {
    if (item === this.selected) clearTimeout(this.debounce);
    item.controller?.abort();
    item.controller = null;
    item.job = nextJobId++;
    item.progress = 0;
    item.stage = '';
    if (item.result) {
      item.values = structuredClone(item.result.values);
      item.status = 'done';
      item.progress = 1;
      return true;
    }
    item.status = 'cancelled';
    return false;
  }

  retry(item: Item): void {
    this.start(item, item === this.selected);
  }

  remove(item: Item): void {
    if (item.active) {
      item.controller?.abort();
      item.job = nextJobId++;
    }
    if (item.result) URL.revokeObjectURL(item.result.url);
    const index = this.items.indexOf(item);
    this.items = this.items.filter((i) => i !== item);
    if (this.selectedId === item.id) {
      const next = this.items[Math.min(index, this.items.length - 1)];
      this.selectedId = next ? next.id : null;
    }
  }

  clear(): void {
    clearTimeout(this.debounce);
    for (const item of this.items) {
      item.controller?.abort();
      item.job = nextJobId++;
      if (item.result) URL.revokeObjectURL(item.result.url);
    }
    this.items = [];
    this.selectedId = null;
    this.batchAnnounced = true;
  }

  /** The original of one file, upright, for the compare view. The caller owns (and closes) the bitmap. */
  async original(item: Item): Promise<Display> {
    clearTimeout(this.displayIdle);
    this.displaying++;
    const remote = this.display.get();
    try {
      const answer = await Promise.race([remote.display(item.file), this.display.failure()]);
      // A big decode leaves a big WebAssembly heap behind: start afresh next time.
      if (answer.ok && answer.bitmap.width * answer.bitmap.height > RECYCLE_PIXELS) this.display.terminate();
      return answer;
    } catch (e) {
      return { ok: false, problem: { message: e instanceof Error ? e.message : String(e), isFileError: false } };
    } finally {
      // Nothing to show for a while: let its memory go (it restarts on the next file shown).
      if (--this.displaying === 0) this.displayIdle = setTimeout(() => this.display.terminate(), IDLE_MS);
    }
  }

  // ---- the queue ----------------------------------------------------------------------------------

  private restartSoon(item: Item): void {
    // The running encode is stale now: stop it at once, start the new one when the person pauses.
    if (item.active) {
      item.controller?.abort();
      item.controller = null;
    }
    item.job = nextJobId++;
    item.status = 'waiting';
    item.progress = 0;
    item.stage = 'waiting for your changes';
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      if (this.items.includes(item)) this.start(item, true);
    }, DEBOUNCE_MS);
  }

  private engineOptions(values: OptionValues): Record<string, unknown> {
    const out: Record<string, unknown> = { ...values };
    if (this.tool === 'compress') {
      const size = values['target_size'];
      out['target_size'] = typeof size === 'string' && size.trim() ? parseSize(size) : null;
    }
    return out;
  }

  private start(item: Item, urgent: boolean): void {
    item.controller?.abort();
    const controller = new AbortController();
    const job = nextJobId++;
    item.controller = controller;
    item.job = job;
    item.status = 'waiting';
    item.progress = 0;
    item.stage = '';
    item.problem = null;
    this.batchAnnounced = false;

    const values = $state.snapshot(item.values) as OptionValues;
    let options: Record<string, unknown>;
    try {
      options = this.engineOptions(values);
    } catch (e) {
      this.finish(item, job, values, {
        ok: false,
        cancelled: false,
        problem: { message: e instanceof Error ? e.message : String(e), isFileError: false },
      });
      return;
    }
    const avif = this.outputFormat(values, item) === 'avif';
    const tool = this.tool;
    let pixels = UNKNOWN_PIXELS;
    const mine = (): boolean => item.job === job;

    this.pool
      .run<EncodeOutcome>(
        async (remote, signal) => {
          if (!item.header) {
            const probe = await remote.probe(item.file);
            if (probe.ok && mine()) item.header = { format: probe.format, width: probe.width, height: probe.height };
          }
          if (item.header?.width && item.header.height) pixels = item.header.width * item.header.height;
          const release = await this.budget.acquire(pixels, signal);
          const onabort = (): void => void remote.abort(job).catch(() => undefined);
          signal.addEventListener('abort', onabort, { once: true });
          try {
            if (mine()) item.stage = 'starting';
            const progress = Comlink.proxy((fraction: number, stage: string) => {
              if (!mine() || !item.active) return;
              item.progress = fraction;
              item.stage = stage;
            });
            return await remote.encode(job, tool, item.file, options, progress);
          } finally {
            signal.removeEventListener('abort', onabort);
            release();
          }
        },
        {
          signal: controller.signal,
          weight: avif ? this.pool.capacity : 1,
          urgent,
          onstart: () => {
            if (mine()) item.status = 'working';
          },
          recycle: () => pixels > RECYCLE_PIXELS,
        },
      )
      .then(
        (outcome) => this.finish(item, job, values, outcome),
        (error: unknown) =>
          this.finish(item, job, values, {
            ok: false,
            cancelled: isAbort(error),
            problem: { message: error instanceof Error ? error.message : String(error), isFileError: false },
          }),
      );
  }

  private finish(item: Item, job: number, values: OptionValues, outcome: EncodeOutcome): void {
    if (item.job !== job || !this.items.includes(item)) return; // replaced, cancelled or removed meanwhile
    item.controller = null;
    item.stage = '';
    if (outcome.ok) {
      const { report, data } = outcome;
      const blob = new Blob([data as Uint8Array<ArrayBuffer>], { type: MIME[report.format] });
      if (item.result) URL.revokeObjectURL(item.result.url);
      item.result = { report, blob, url: URL.createObjectURL(blob), name: outputName(item.name, report.format), values };
      item.problem = null;
      item.status = 'done';
      item.progress = 1;
      const missed = report.targetMet === false ? ' The target size could not be met.' : '';
      announcer.say(
        `${item.name} is ready: ${formatBytes(report.bytesBefore)} to ${formatBytes(report.bytesAfter)}, ${savedText(report.bytesBefore, report.bytesAfter)}.${missed}`,
      );
    } else if (outcome.cancelled) {
      item.status = 'cancelled';
      item.progress = 0;
    } else {
      item.problem = outcome.problem;
      item.status = 'failed';
      item.progress = 0;
      announcer.say(`${item.name} failed: ${outcome.problem.message}`);
    }
    this.maybeBatchDone();
  }

  private maybeBatchDone(): void {
    if (this.batchAnnounced || this.items.length < 2 || this.items.some((i) => i.active)) return;
    this.batchAnnounced = true;
    const c = this.counts;
    const parts = [`${c.done} of ${c.total} files ready`];
    if (c.failed) parts.push(`${c.failed} failed`);
    if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
    announcer.say(`All done: ${parts.join(', ')}.`);
  }
}

const stores: Partial<Record<EncodeTool, EncodeStore>> = {};

export function storeFor(tool: EncodeTool): EncodeStore {
  return (stores[tool] ??= new EncodeStore(tool));
}

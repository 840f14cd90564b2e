/**
 * Compress and Convert: the list of files, each with its own settings and result, and the queue that
 * encodes them on a pool of workers (the list itself, the settings per file, stale jobs and object URLs:
 * app/batch/batch-queue.svelte.ts).
 *
 * - At most `capacity` encodes run at once (cores − 1; an AVIF encode is threaded itself and runs alone),
 *   and their pixels in flight stay within a budget, so a batch of 50 MP photos does not exhaust memory.
 * - Cancel (one file or all) aborts through the worker; a worker stuck inside a codec is terminated.
 *   A file that had a result goes back to it.
 * - Only the file on screen has a decoded original (see Viewer.svelte); results are Blobs behind object
 *   URLs, revoked when replaced or removed.
 * Lives at module level (one store per tool) so the list survives switching tools.
 */
import { announcer } from '../../app/shell/announce.svelte';
import { BatchItem, BatchQueue, faultProblem, type Original } from '../../app/batch/batch-queue.svelte';
import { lazyWorker } from '../../app/workers/lazy-worker';
import { DEFAULT_QUALITY, cliCommand, parseSize, sameValues, toolSpec, type OptionValues } from '../../app/options/options';
import { Budget, WorkerPool, defaultConcurrency } from '../../app/workers/worker-pool';
import { formatBytes, savedText } from '../../app/text/format';
import { outputName } from '../../app/download/names';
import type { EncodeApi } from './worker';
import type { EncodeReport, EncodeTool, OutputFormat } from './protocol';

const MIME: Record<OutputFormat, string> = { jpeg: 'image/jpeg', webp: 'image/webp', avif: 'image/avif', png: 'image/png' };

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
  frames: 'Reading the frames',
  optimise: 'Optimising',
  optimize: 'Optimising',
};

/** The engine's progress stage for people: "decode" -> "Decoding". */
export function stageText(stage: string): string {
  return STAGES[stage] ?? (stage ? stage.charAt(0).toUpperCase() + stage.slice(1) : 'Encoding');
}

export class Item extends BatchItem<EncodeReport> {
  /** Format and stored size from the header (known after the first encode starts). */
  header: { format: string; width: number | null; height: number | null } | null = $state.raw(null);
}

export class EncodeStore extends BatchQueue<EncodeReport, Item> {
  readonly tool: EncodeTool;

  private pool: WorkerPool<EncodeApi>;
  private budget = new Budget(pixelBudget());
  private display = lazyWorker<EncodeApi>(
    () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'encode-display' }),
    'encode worker (original for display)',
  );
  private displayIdle: ReturnType<typeof setTimeout> | undefined;
  private displaying = 0;

  constructor(tool: EncodeTool) {
    super({ spec: toolSpec(tool), debounceMs: DEBOUNCE_MS, announceBatch: true });
    this.tool = tool;
    this.pool = new WorkerPool<EncodeApi>(
      () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: `encode-${tool}` }),
      'encode worker',
      defaultConcurrency(),
      IDLE_MS,
    );
  }

  // ---- what the screen reads ----------------------------------------------------------------------

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

  /** A file that cannot be encoded (broken, unsupported) is not offered another try. */
  override canRetry(item: Item): boolean {
    return item.status === 'cancelled' || (item.status === 'failed' && !item.problem?.isFileError);
  }

  // ---- what the person does -----------------------------------------------------------------------

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
    this.abandon(item);
    if (item.result) {
      item.values = structuredClone(item.result.values);
      item.status = 'done';
      item.progress = 1;
      return true;
    }
    item.status = 'cancelled';
    return false;
  }

  async original(item: Item): Promise<Original> {
    clearTimeout(this.displayIdle);
    this.displaying++;
    const remote = this.display.get();
    try {
      const answer = await Promise.race([remote.display(item.file), this.display.failure()]);
      // A big decode leaves a big WebAssembly heap behind: start afresh next time.
      if (answer.ok && answer.bitmap.width * answer.bitmap.height > RECYCLE_PIXELS) this.display.terminate();
      return answer;
    } catch (e) {
      return { ok: false, problem: faultProblem(e) };
    } finally {
      // Nothing to show for a while: let its memory go (it restarts on the next file shown).
      if (--this.displaying === 0) this.displayIdle = setTimeout(() => this.display.terminate(), IDLE_MS);
    }
  }

  // ---- the queue ----------------------------------------------------------------------------------

  protected newItem(file: File, values: OptionValues): Item {
    return new Item(file, values);
  }

  protected againText(changed: number): string {
    return `Encoding ${changed === 1 ? 'one file' : `${changed} files`} again with these settings.`;
  }

  protected output(item: Item, report: EncodeReport): { type: string; name: string } {
    return { type: MIME[report.format], name: outputName(item.name, this.tool === 'compress' ? 'compressed' : 'converted', report.format) };
  }

  protected succeeded(item: Item, report: EncodeReport): void {
    const missed = report.targetMet === false ? ' The target size could not be met.' : '';
    announcer.say(
      `${item.name} is ready: ${formatBytes(report.bytesBefore)} to ${formatBytes(report.bytesAfter)}, ${report.firstFrameOnly ? 'the first frame only' : savedText(report.bytesBefore, report.bytesAfter)}.${missed}`,
    );
  }

  private engineOptions(values: OptionValues): Record<string, unknown> {
    const out: Record<string, unknown> = { ...values };
    if (this.tool === 'compress') {
      const size = values['target_size'];
      out['target_size'] = typeof size === 'string' && size.trim() ? parseSize(size) : null;
    }
    return out;
  }

  protected start(item: Item, urgent: boolean): void {
    const job = this.newJob(item);
    let options: Record<string, unknown>;
    try {
      options = this.engineOptions(job.values);
    } catch (e) {
      this.finish(item, job, { ok: false, cancelled: false, problem: faultProblem(e) });
      return;
    }
    const avif = this.outputFormat(job.values, item) === 'avif';
    const tool = this.tool;
    let pixels = UNKNOWN_PIXELS;

    this.runJob(
      this.pool,
      item,
      job,
      async (remote, signal) => {
        if (!item.header) {
          const probe = await remote.probe(item.file);
          if (probe.ok && item.job === job.id) item.header = { format: probe.format, width: probe.width, height: probe.height };
        }
        if (item.header?.width && item.header.height) pixels = item.header.width * item.header.height;
        const release = await this.budget.acquire(pixels, signal);
        try {
          return await this.work(remote, signal, item, job, (progress) => remote.encode(job.id, tool, item.file, options, progress));
        } finally {
          release();
        }
      },
      { weight: avif ? this.pool.capacity : 1, urgent, recycle: () => pixels > RECYCLE_PIXELS },
    );
  }
}

const stores: Partial<Record<EncodeTool, EncodeStore>> = {};

export function storeFor(tool: EncodeTool): EncodeStore {
  return (stores[tool] ??= new EncodeStore(tool));
}

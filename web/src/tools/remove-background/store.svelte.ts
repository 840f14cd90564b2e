/**
 * Remove background: the model on this device (download with progress, kept in Cache Storage), the
 * list of photos and the queue that runs them in the worker.
 *
 * - The model is downloaded once, on the person's say-so (its size and licence are shown first); the
 *   photos added before it is here wait for it.
 * - One photo at a time: onnxruntime already uses every core (wasm threads) or the GPU.
 * - Each photo keeps the settings it was made with. Changing a setting re-runs the photo on screen
 *   (after a short pause); "Apply to all" re-runs the others.
 * - Cancel stops a photo at its next check; a worker stuck in inference is terminated by the pool.
 * Lives at module level so the list survives switching tools.
 */
import * as Comlink from 'comlink';
import { announcer } from '../../app/announce.svelte';
import { lazyWorker } from '../../app/lazy-worker';
import { cliCommand, defaultValues, sameValues, type OptionValue, type OptionValues, type ToolSpec } from '../../app/options';
import { WorkerPool, isAbort } from '../../app/worker-pool';
import { formatBytes } from '../../app/format';
import { spec as toolSpecOf, models as catalog, type ModelSummary } from './catalog';
import type { BgApi } from './worker';
import type { BgOutcome, BgReport, FileProblem } from './protocol';

export type Status = 'waiting' | 'working' | 'done' | 'failed' | 'cancelled';

export interface Result {
  report: BgReport;
  blob: Blob;
  url: string;
  name: string;
  values: OptionValues;
}

const MIME = { png: 'image/png', webp: 'image/webp' } as const;
const DEBOUNCE_MS = 400;
const IDLE_MS = 120_000;

/** "IMG_1034.heic" → "IMG_1034-nobg.png", as the command line names it. */
export function outputName(name: string, format: 'png' | 'webp'): string {
  const dot = name.lastIndexOf('.');
  const stem = (dot > 0 ? name.slice(0, dot) : name) || 'image';
  return `${stem}-nobg.${format}`;
}

let nextItemId = 1;
let nextJobId = 1;

export class Item {
  readonly id = nextItemId++;
  readonly file: File;
  readonly name: string;
  values: OptionValues = $state({});
  status: Status = $state('waiting');
  progress = $state(0);
  stage = $state('');
  result: Result | null = $state.raw(null);
  problem: FileProblem | null = $state.raw(null);
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

export type ModelStatus = 'unknown' | 'missing' | 'downloading' | 'stored';

export class BgStore {
  readonly spec: ToolSpec = toolSpecOf;
  readonly models: ModelSummary[] = catalog;
  items: Item[] = $state([]);
  selectedId: number | null = $state(null);
  defaults: OptionValues = $state(defaultValues(toolSpecOf));
  /** The picture behind the subject when the background is "image". */
  backgroundFile: File | null = $state.raw(null);
  modelStatus: Record<string, ModelStatus> = $state({});
  download: { model: string; received: number; total: number } | null = $state(null);
  downloadError = $state('');
  backend: { backend: string; threads: number } | null = $state(null);

  private base = new URL('./', document.baseURI).href;
  private helper = lazyWorker<BgApi>(
    () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'remove-background-helper' }),
    'remove-background worker (model download, originals)',
  );
  private pool = new WorkerPool<BgApi>(
    () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'remove-background' }),
    'remove-background worker',
    1,
    IDLE_MS,
  );
  private downloadController: AbortController | null = null;
  private downloadJob = 0;
  private debounce: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    for (const m of this.models) this.modelStatus[m.name] = 'unknown';
    void this.refreshModels();
  }

  // ---- what the screen reads ----------------------------------------------------------------------

  get selected(): Item | null {
    return this.items.find((i) => i.id === this.selectedId) ?? null;
  }

  get values(): OptionValues {
    return this.selected?.values ?? this.defaults;
  }

  get model(): string {
    return String(this.values['model'] ?? this.models[0]?.name ?? 'fast');
  }

  get done(): Item[] {
    return this.items.filter((i) => i.status === 'done' && i.result);
  }

  get counts(): { total: number; done: number; failed: number; cancelled: number; active: number } {
    const c = { total: this.items.length, done: 0, failed: 0, cancelled: 0, active: 0 };
    for (const i of this.items) {
      if (i.status === 'done') c.done++;
      else if (i.status === 'failed') c.failed++;
      else if (i.status === 'cancelled') c.cancelled++;
      else c.active++;
    }
    return c;
  }

  get overall(): number {
    if (!this.items.length) return 0;
    let sum = 0;
    for (const i of this.items) sum += i.active ? (i.status === 'working' ? i.progress : 0) : 1;
    return sum / this.items.length;
  }

  get allSame(): boolean {
    const ref = this.values;
    return this.items.every((i) => sameValues(this.spec, i.values, ref));
  }

  get command(): string {
    const names = this.allSame ? this.items.map((i) => i.name) : this.selected ? [this.selected.name] : [];
    const values = $state.snapshot(this.values) as OptionValues;
    if (values['background'] === 'image') values['background'] = this.backgroundFile?.name ?? 'BACKGROUND.jpg';
    return cliCommand(this.spec, values, names, 'no-background');
  }

  // ---- the model ----------------------------------------------------------------------------------

  async refreshModels(): Promise<void> {
    try {
      const states = await Promise.race([this.helper.get().models(this.base), this.helper.failure()]);
      for (const s of states) if (this.modelStatus[s.name] !== 'downloading') this.modelStatus[s.name] = s.stored ? 'stored' : 'missing';
    } catch {
      for (const m of this.models) if (this.modelStatus[m.name] === 'unknown') this.modelStatus[m.name] = 'missing';
    }
    this.pumpWaiting();
  }

  async downloadModel(name: string): Promise<void> {
    if (this.download) return;
    const info = this.models.find((m) => m.name === name);
    this.downloadError = '';
    this.download = { model: name, received: 0, total: info?.size ?? 0 };
    this.modelStatus[name] = 'downloading';
    this.downloadController = new AbortController();
    const job = ++this.downloadJob;
    announcer.say(`Downloading the ${name} model, ${formatBytes(info?.size ?? 0)}.`);
    void (navigator.storage?.persist?.() ?? Promise.resolve(false)).catch(() => false);
    const remote = this.helper.get();
    const onabort = (): void => void remote.abort(job);
    this.downloadController.signal.addEventListener('abort', onabort);
    try {
      const answer = await Promise.race([
        remote.download(
          job,
          name,
          this.base,
          Comlink.proxy((received: number, total: number) => {
            if (this.download && job === this.downloadJob) this.download = { model: name, received, total };
          }),
        ),
        this.helper.failure(),
      ]);
      if (answer.ok) {
        this.modelStatus[name] = 'stored';
        announcer.say(`The ${name} model is on this device now; it works offline.`);
      } else {
        this.modelStatus[name] = 'missing';
        if (!answer.cancelled) this.downloadError = answer.message;
        announcer.say(answer.cancelled ? 'Download cancelled.' : `The download failed: ${answer.message}`);
      }
    } catch (e) {
      this.modelStatus[name] = 'missing';
      this.downloadError = e instanceof Error ? e.message : String(e);
    } finally {
      this.download = null;
      this.downloadController = null;
    }
    this.pumpWaiting();
  }

  cancelDownload(): void {
    this.downloadController?.abort();
  }

  // ---- what the person does -----------------------------------------------------------------------

  add(files: File[]): void {
    const added = files.map((f) => new Item(f, structuredClone($state.snapshot(this.values)) as OptionValues));
    this.items.push(...added);
    if (this.selectedId === null && added[0]) this.selectedId = added[0].id;
    for (const item of added) this.start(item, false);
  }

  select(item: Item): void {
    this.selectedId = item.id;
  }

  setOption(name: string, value: OptionValue): void {
    // The mask is a greyscale PNG with nothing behind it (the options refuse anything else).
    const also: [string, OptionValue][] = name === 'mask_only' && value === true ? [['format', 'png'], ['background', 'none']] : [];
    for (const [n, v] of [[name, value] as [string, OptionValue], ...also]) this.defaults[n] = v;
    const item = this.selected;
    if (!item) return;
    for (const [n, v] of [[name, value] as [string, OptionValue], ...also]) item.values[n] = v;
    this.restartSoon(item);
  }

  setBackgroundFile(file: File | null): void {
    this.backgroundFile = file;
    if (file) this.setOption('background', 'image');
  }

  resetOptions(): void {
    this.defaults = defaultValues(this.spec);
    const item = this.selected;
    if (!item) return;
    item.values = defaultValues(this.spec);
    this.restartSoon(item);
  }

  applyToAll(): number {
    const ref = $state.snapshot(this.values) as OptionValues;
    let changed = 0;
    for (const item of this.items) {
      if (sameValues(this.spec, item.values, ref) && item.status !== 'failed' && item.status !== 'cancelled') continue;
      item.values = structuredClone(ref);
      if (item !== this.selected || !item.active) this.start(item, false);
      changed++;
    }
    if (changed) announcer.say(`Removing the background again from ${changed === 1 ? 'one photo' : `${changed} photos`} with these settings.`);
    return changed;
  }

  cancel(item: Item): void {
    if (!item.active) return;
    item.controller?.abort();
    item.controller = null;
    item.job = nextJobId++;
    item.status = 'cancelled';
    item.progress = 0;
    item.stage = '';
    announcer.say(`${item.name}: cancelled.`);
  }

  cancelAll(): void {
    clearTimeout(this.debounce);
    for (const item of this.items.filter((i) => i.active)) this.cancel(item);
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
  }

  async original(item: Item): Promise<{ ok: true; bitmap: ImageBitmap } | { ok: false; problem: FileProblem }> {
    try {
      return await Promise.race([this.helper.get().display(item.file), this.helper.failure()]);
    } catch (e) {
      return { ok: false, problem: { message: e instanceof Error ? e.message : String(e), isFileError: false } };
    }
  }

  // ---- the queue ----------------------------------------------------------------------------------

  private restartSoon(item: Item): void {
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

  /** Start the photos that were waiting for a model that is here now. */
  private pumpWaiting(): void {
    for (const item of this.items) {
      if (item.status === 'waiting' && item.stage === 'waiting for the model' && this.modelStatus[String(item.values['model'])] === 'stored') this.start(item, false);
    }
  }

  private start(item: Item, urgent: boolean): void {
    item.controller?.abort();
    const controller = new AbortController();
    const job = nextJobId++;
    item.controller = controller;
    item.job = job;
    item.status = 'waiting';
    item.progress = 0;
    item.problem = null;
    const values = $state.snapshot(item.values) as OptionValues;
    const model = String(values['model']);
    if (this.modelStatus[model] !== 'stored') {
      item.stage = 'waiting for the model';
      return;
    }
    item.stage = '';
    const behind = values['background'] === 'image' ? this.backgroundFile : null;
    if (values['background'] === 'image' && !behind) {
      this.finish(item, job, values, { ok: false, cancelled: false, problem: { message: 'Choose the picture to put behind the subject.', isFileError: false } });
      return;
    }
    const options = {
      model,
      format: (values['format'] ?? 'png') as 'png' | 'webp',
      background: values['background'] === 'image' ? (behind?.name ?? 'image') : ((values['background'] as string | null) ?? null),
      mask_only: values['mask_only'] === true,
      quality: (values['quality'] as number | null | undefined) ?? null,
    };
    const mine = (): boolean => item.job === job;
    this.pool
      .run<BgOutcome>(
        async (remote, signal) => {
          const onabort = (): void => void remote.abort(job);
          signal.addEventListener('abort', onabort, { once: true });
          try {
            if (mine()) item.stage = 'starting';
            const progress = Comlink.proxy((fraction: number, stage: string) => {
              if (!mine() || !item.active) return;
              item.progress = fraction;
              item.stage = stage;
            });
            return await remote.remove(job, item.file, options, behind, this.base, progress);
          } finally {
            signal.removeEventListener('abort', onabort);
          }
        },
        {
          signal: controller.signal,
          urgent,
          graceMs: 1500,
          onstart: () => {
            if (mine()) item.status = 'working';
          },
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

  private finish(item: Item, job: number, values: OptionValues, outcome: BgOutcome): void {
    if (item.job !== job || !this.items.includes(item)) return;
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
      this.backend = { backend: report.backend, threads: report.threads };
      announcer.say(`${item.name}: background removed in ${(report.elapsed / 1000).toFixed(1)} seconds.`);
    } else if (outcome.cancelled) {
      item.status = 'cancelled';
      item.progress = 0;
    } else {
      item.problem = outcome.problem;
      item.status = 'failed';
      item.progress = 0;
      announcer.say(`${item.name} failed: ${outcome.problem.message}`);
    }
  }
}

let store: BgStore | null = null;

export function bgStore(): BgStore {
  return (store ??= new BgStore());
}

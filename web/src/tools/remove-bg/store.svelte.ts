/**
 * Remove background: the model on this device (download with progress, kept in Cache Storage), the
 * list of photos and the queue that runs them in the worker.
 *
 * - The model is downloaded once, on the person's say-so (its size and licence are shown first); the
 *   photos added before it is here wait for it, each row offering the download. A file that is not a
 *   picture at all fails at once (its header is read first), model or not.
 * - A new background, the mask or another format for a photo is made from its kept cut-out (the worker
 *   keeps the on-screen photo's and the last one's): no model run. The photo on screen also gets the
 *   cut-out and its blurred background as bitmaps, so the viewer shows a new background at once.
 * - One photo at a time: onnxruntime already uses every core (wasm threads) or the GPU.
 * - Each photo keeps the settings it was made with (app/batch/batch-queue.svelte.ts). Changing a setting
 *   re-runs the photo on screen (after a short pause); "Apply to all" re-runs the others.
 * - Cancel stops a photo at its next check; a worker stuck in inference is terminated by the pool.
 * Lives at module level so the list survives switching tools.
 */
import * as Comlink from 'comlink';
import { announcer } from '../../app/shell/announce.svelte';
import { offline } from '../../app/privacy/offline.svelte';
import { BatchItem, BatchQueue, faultProblem, type Job, type Original } from '../../app/batch/batch-queue.svelte';
import { lazyWorker } from '../../app/workers/lazy-worker';
import { cliCommand, type OptionValue, type OptionValues } from '../../app/options/options';
import { WorkerPool } from '../../app/workers/worker-pool';
import { optionsFrom } from '../../engine/options';
import { formatBytes } from '../../app/text/format';
import { outputName } from '../../app/download/names';
import { spec as toolSpecOf, models as catalog, type ModelSummary } from './catalog';
import type { BgApi } from './worker';
import type { BgOutcome, BgReport, Preview, Probe } from './protocol';

const MIME = { png: 'image/png', webp: 'image/webp' } as const;
const DEBOUNCE_MS = 400;
const IDLE_MS = 120_000;

/** The stage of a photo added before its model is on this device. */
export const WAITING_FOR_MODEL = 'waiting for the model';

export class Item extends BatchItem<BgReport> {
  /** The file's header was read: it is a picture (null until then). */
  checked: boolean | null = null;
  /** For the file on screen: its cut-out and blurred background, to show a new background at once. */
  preview: Preview | null = $state.raw(null);
}

function closePreview(item: Item): void {
  item.preview?.cutout.close();
  item.preview?.blur.close();
  item.preview = null;
}

export type ModelStatus = 'unknown' | 'missing' | 'downloading' | 'stored';

export class BgStore extends BatchQueue<BgReport, Item> {
  readonly models: ModelSummary[] = catalog;
  /** The picture behind the subject when the background is "image". */
  backgroundFile: File | null = $state.raw(null);
  /** That picture, upright, for the viewer (the download is composed in the worker). */
  backgroundPicture: ImageBitmap | null = $state.raw(null);
  modelStatus: Record<string, ModelStatus> = $state({});
  download: { model: string; received: number; total: number } | null = $state(null);
  downloadError = $state('');
  backend: { backend: string; threads: number } | null = $state(null);

  private base = new URL('./', document.baseURI).href;
  private helper = lazyWorker<BgApi>(
    () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'remove-bg-helper' }),
    'remove-bg worker (model download, originals)',
  );
  private pool = new WorkerPool<BgApi>(
    () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'remove-bg' }),
    'remove-bg worker',
    1,
    IDLE_MS,
  );
  private downloadController: AbortController | null = null;
  private downloadJob = 0;

  constructor() {
    super({ spec: toolSpecOf, debounceMs: DEBOUNCE_MS, announceBatch: false });
    for (const m of this.models) this.modelStatus[m.name] = 'unknown';
    void this.refreshModels();
  }

  // ---- what the screen reads ----------------------------------------------------------------------

  get model(): string {
    return String(this.values['model'] ?? this.models[0]?.name ?? 'fast');
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
        void offline.checkModel(); // the header's offline state counts this tool from now on
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

  override setOption(name: string, value: OptionValue): void {
    // The mask is a greyscale PNG with nothing behind it (the options refuse anything else).
    const also: [string, OptionValue][] = name === 'mask_only' && value === true ? [['format', 'png'], ['background', 'none']] : [];
    this.setOptions([[name, value], ...also]);
  }

  setBackgroundFile(file: File | null): void {
    this.backgroundFile = file;
    this.backgroundPicture?.close();
    this.backgroundPicture = null;
    if (!file) return;
    this.setOption('background', 'image');
    // The viewer shows it behind the cut-out as soon as it is decoded (HEIC too: the worker decodes).
    void this.decoded(file).then((answer) => {
      if (!answer.ok) return;
      if (this.backgroundFile === file) this.backgroundPicture = answer.bitmap;
      else answer.bitmap.close();
    });
  }

  /**
   * The file on screen changed: the others' previews go (a 12 MP cut-out is ~48 MB), and a finished
   * file without one asks the worker for it (there when its cut-out is still kept).
   */
  show(item: Item | null): void {
    for (const other of this.items) if (other !== item && other.preview) closePreview(other);
    if (!item || item.preview || item.status !== 'done') return;
    const model = String(item.values['model']);
    const controller = new AbortController();
    void this.pool
      .run((remote) => remote.preview(item.id, model), { signal: controller.signal, urgent: true })
      .then((p) => {
        if (!p) return;
        if (this.selectedId === item.id && !item.preview) item.preview = p;
        else {
          p.cutout.close();
          p.blur.close();
        }
      })
      .catch(() => undefined);
  }

  override remove(item: Item): void {
    closePreview(item);
    super.remove(item);
  }

  override clear(): void {
    for (const item of this.items) closePreview(item);
    super.clear();
  }

  cancel(item: Item): void {
    if (!item.active) return;
    this.abandon(item);
    item.status = 'cancelled';
    announcer.say(`${item.name}: cancelled.`);
  }

  cancelAll(): void {
    clearTimeout(this.debounce);
    for (const item of this.items.filter((i) => i.active)) this.cancel(item);
  }

  original(item: Item): Promise<Original> {
    return this.decoded(item.file);
  }

  /** A picture upright, decoded by the helper worker (HEIC and TIFF too). */
  private async decoded(file: Blob): Promise<Original> {
    try {
      return await Promise.race([this.helper.get().display(file), this.helper.failure()]);
    } catch (e) {
      return { ok: false, problem: faultProblem(e) };
    }
  }

  // ---- the queue ----------------------------------------------------------------------------------

  protected newItem(file: File, values: OptionValues): Item {
    return new Item(file, values);
  }

  protected againText(changed: number): string {
    return `Removing the background again from ${changed === 1 ? 'one photo' : `${changed} photos`} with these settings.`;
  }

  protected output(item: Item, report: BgReport): { type: string; name: string } {
    return { type: MIME[report.format], name: outputName(item.name, 'nobg', report.format) };
  }

  protected succeeded(item: Item, report: BgReport): void {
    if (report.preview) {
      closePreview(item);
      item.preview = report.preview;
      delete report.preview;
    }
    if (report.threads) this.backend = { backend: report.backend, threads: report.threads };
    if (report.reused) {
      announcer.say(`${item.name}: ready with the new settings.`);
      return;
    }
    announcer.say(`${item.name}: background removed in ${(report.elapsed / 1000).toFixed(1)} seconds.`);
  }

  /** Start the photos that were waiting for a model that is here now. */
  private pumpWaiting(): void {
    for (const item of this.items) {
      if (item.status === 'waiting' && item.stage === WAITING_FOR_MODEL && this.modelStatus[String(item.values['model'])] === 'stored') this.start(item, false);
    }
  }

  protected start(item: Item, urgent: boolean): void {
    const job = this.newJob(item);
    if (item.checked === null) {
      // Read the header first: a file that is not a picture fails now, not after the model comes.
      item.checked = false;
      void this.probe(item.file).then((p) => {
        if (item.job !== job.id) return;
        if (!p.ok) return this.finish(item, job, { ok: false, cancelled: false, problem: p.problem });
        item.checked = true;
        this.run(item, job, urgent);
      });
      return;
    }
    this.run(item, job, urgent);
  }

  private async probe(file: File): Promise<Probe> {
    try {
      return await Promise.race([this.helper.get().probe(file), this.helper.failure()]);
    } catch (e) {
      return { ok: false, problem: faultProblem(e) };
    }
  }

  private run(item: Item, job: Job, urgent: boolean): void {
    const { values } = job;
    const model = String(values['model']);
    if (this.modelStatus[model] !== 'stored') {
      item.stage = WAITING_FOR_MODEL;
      return;
    }
    const behind = values['background'] === 'image' ? this.backgroundFile : null;
    if (values['background'] === 'image' && !behind) {
      this.finish(item, job, { ok: false, cancelled: false, problem: { message: 'Choose the picture to put behind the subject.', isFileError: false } });
      return;
    }
    const background = values['background'] === 'image' ? (behind?.name ?? 'image') : (values['background'] ?? 'none');
    const options = optionsFrom('remove_bg', { ...values, background });
    const onScreen = this.selectedId;
    const task = (remote: Comlink.Remote<BgApi>, signal: AbortSignal): Promise<BgOutcome> =>
      this.work(remote, signal, item, job, (progress) => remote.remove(job.id, item.id, item.file, options, behind, this.base, onScreen, progress));
    this.runJob(this.pool, item, job, task, { urgent, graceMs: 1500 });
  }
}

let store: BgStore | null = null;

export function bgStore(): BgStore {
  return (store ??= new BgStore());
}

/**
 * The strip tool's queue: files in, one at a time through the worker, results out. Strips happen on
 * intake; changing an option strips every file again. Once every file is stripped, files the browser
 * cannot show by itself (HEIC, TIFF) get a thumbnail from the worker. Lives at module level so the list
 * survives switching tools.
 */
import { announcer } from '../../app/shell/announce.svelte';
import { lazyWorker } from '../../app/workers/lazy-worker';
import { defaultValues, toolSpec, type OptionValue, type OptionValues } from '../../app/options/options';
import { describeFault } from '../../app/text/problems';
import { outputName } from '../../app/download/names';
import { registerWork } from '../../app/shell/work.svelte';
import type { StripApi } from './worker';
import type { Analysis, FileProblem, Inspection, Restrip, StripOptions, StripReport } from './protocol';

export const spec = toolSpec('strip');

export type Status = 'waiting' | 'working' | 'done' | 'failed';

export interface Output {
  blob: Blob;
  url: string;
}

export interface Item {
  id: number;
  file: File;
  name: string;
  status: Status;
  inspection: Inspection | null;
  report: Omit<StripReport, 'data'> | null;
  output: Output | null;
  problem: FileProblem | null;
  /** The options the current result was made with (JSON), to know when it is stale. */
  madeWith: string | null;
  /** A thumbnail made by the worker (HEIC, TIFF); undefined until asked for, null when none can be made. */
  thumb: ImageBitmap | null | undefined;
}

/** Formats an <img> shows by itself; the others get a thumbnail from the worker. */
export const BROWSER_SHOWS = /^image\/(jpeg|png|webp|gif|avif|bmp)$/;
const THUMB_PX = 128;

/** The download name of a file's stripped copy ("IMG_1034.heic" → "IMG_1034-stripped.heic"). */
export function downloadName(item: Item): string {
  return outputName(item.name, 'stripped');
}

const worker = lazyWorker<StripApi>(
  () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'strip' }),
  'strip worker',
);

function stripOptions(values: OptionValues): StripOptions {
  // The engine's option names are the exported names; values come from the exported schema.
  return $state.snapshot(values) as unknown as StripOptions;
}

class StripStore {
  items = $state<Item[]>([]);
  /** The engine's category headings, learnt from the worker's first answer. */
  categories = $state.raw<[string, string][]>([]);
  values = $state<OptionValues>(defaultValues(spec));
  private nextId = 1;
  private running = false;

  constructor() {
    registerWork('strip', () => this.items.length);
  }

  get optionsKey(): string {
    return JSON.stringify(this.values);
  }

  get done(): Item[] {
    return this.items.filter((i) => i.status === 'done' && i.output);
  }

  /** Add files; returns their ids (the first is brought into view). */
  add(files: File[]): number[] {
    const ids: number[] = [];
    for (const file of files) {
      ids.push(this.nextId);
      this.items.push({
        id: this.nextId++,
        file,
        name: file.name || 'image',
        status: 'waiting',
        inspection: null,
        report: null,
        output: null,
        problem: null,
        madeWith: null,
        thumb: undefined,
      });
    }
    void this.pump();
    return ids;
  }

  remove(id: number): void {
    const item = this.items.find((i) => i.id === id);
    if (item?.output) URL.revokeObjectURL(item.output.url);
    item?.thumb?.close();
    this.items = this.items.filter((i) => i.id !== id);
  }

  clear(): void {
    for (const item of this.items) {
      if (item.output) URL.revokeObjectURL(item.output.url);
      item.thumb?.close();
    }
    this.items = [];
  }

  setOption(name: string, value: OptionValue): void {
    this.values[name] = value;
    for (const item of this.items) if (item.status === 'done') item.status = 'waiting';
    void this.pump();
  }

  resetOptions(): void {
    this.values = defaultValues(spec);
    for (const item of this.items) if (item.status === 'done') item.status = 'waiting';
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let again = 0;
    try {
      for (;;) {
        const item = this.items.find((i) => i.status === 'waiting');
        if (item) {
          const rerun = item.inspection !== null;
          await this.process(item);
          if (rerun && item.status === 'done') again += 1;
        } else if (!(await this.thumbnails())) break;
      }
    } finally {
      this.running = false;
    }
    if (again > 0) announcer.say(`Stripped ${again === 1 ? 'one file' : `${again} files`} again with the new options.`);
  }

  private async process(item: Item): Promise<void> {
    item.status = 'working';
    const key = this.optionsKey;
    const options = stripOptions(this.values);
    const remote = worker.get();
    let outcome: Analysis | Restrip;
    try {
      outcome = await Promise.race([
        item.inspection ? remote.strip(item.file, options) : remote.analyse(item.file, options),
        worker.failure(),
      ]);
    } catch (e) {
      outcome = {
        ok: false as const,
        problem: { ...describeFault(e), isFormatError: false },
      };
    }
    if (!this.items.includes(item)) return; // removed while working

    if (!outcome.ok) {
      item.status = 'failed';
      item.problem = outcome.problem;
      if (item.output) URL.revokeObjectURL(item.output.url);
      item.output = null;
      announcer.say(`${item.name} could not be read: ${outcome.problem.message}`);
      return;
    }
    if (outcome.inspection) item.inspection = outcome.inspection;
    if ('categories' in outcome && outcome.categories && !this.categories.length) this.categories = outcome.categories;
    const { data, ...report } = outcome.report;
    const mime = item.inspection?.mime || item.file.type || 'application/octet-stream';
    const blob = new Blob([data as Uint8Array<ArrayBuffer>], { type: mime });
    if (item.output) URL.revokeObjectURL(item.output.url);
    item.output = { blob, url: URL.createObjectURL(blob) };
    item.report = report;
    item.problem = null;
    item.madeWith = key;
    // Options changed while this file was in the worker: strip it once more.
    item.status = key === this.optionsKey ? 'done' : 'waiting';
    if (item.status === 'done' && item.inspection && item.madeWith && report && !this.announced.has(item.id)) {
      this.announced.add(item.id);
      announcer.say(
        `${item.name} is ready: ${report.removed.length} item${report.removed.length === 1 ? '' : 's'} removed, ${report.sizes.saved} smaller.`,
      );
    }
  }

  private announced = new Set<number>();

  /**
   * Thumbnails of the stripped files an <img> cannot show, one at a time. Returns true when it stopped
   * because files wait to be stripped (they go first), false when every thumbnail is made.
   */
  private async thumbnails(): Promise<boolean> {
    for (;;) {
      if (this.items.some((i) => i.status === 'waiting')) return true;
      const item = this.items.find((i) => i.status === 'done' && i.thumb === undefined && !BROWSER_SHOWS.test(i.inspection?.mime ?? ''));
      if (!item) return false;
      item.thumb = null; // asked for
      try {
        const thumb = await Promise.race([worker.get().thumbnail(item.file, THUMB_PX), worker.failure()]);
        if (this.items.includes(item)) item.thumb = thumb;
        else thumb?.close();
      } catch {
        // no thumbnail: the row keeps its format badge
      }
    }
  }
}

export const store = new StripStore();

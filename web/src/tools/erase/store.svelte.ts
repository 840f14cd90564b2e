/**
 * The erase screen's state: one photo at a time, its mask (painted operations), and a history of mask
 * operations and erases that undo and redo.
 *
 * - The photo's pixels live on a SharedArrayBuffer this page owns: the worker reads them for every
 *   erase (no copy of the photo per erase) and answers with the patch it would write; the page writes
 *   it, so the photo only ever changes here, between two whole erases.
 * - History: a list of entries and a cursor. A mask entry adds one operation; "clear" empties the
 *   mask; an erase keeps the window's pixels before and after (undo writes one, redo the other) and
 *   the mask it consumed (undo brings it back). The mask on screen is derived from the entries.
 * - Memory: history keeps at most HISTORY_BYTES of pixels; the oldest steps go first.
 * - Unsaved work: erases made since the last download. Opening another photo over them asks first (an
 *   in-page dialog); the update prompt counts them (app/shell/work.svelte.ts).
 * Lives at module level (`eraseStore()`), so the photo survives switching tools.
 */
import * as Comlink from 'comlink';
import { announcer } from '../../app/shell/announce.svelte';
import { dialogs } from '../../app/dialog/dialog.svelte';
import { registerWork } from '../../app/shell/work.svelte';
import { describeFault } from '../../app/text/problems';
import { saveBlob } from '../../app/download/download';
import { outputName } from '../../app/download/names';
import { dimensions } from '../../app/text/format';
import { lazyWorker } from '../../app/workers/lazy-worker';
import { cliArgs, defaultValues, shellQuote, toolSpec, type OptionValue, type OptionValues, type ToolSpec } from '../../app/options/options';
import { boxesOnly, maskBounds, type MaskOp } from '../../engine/tools/erase/mask';
import { autoFeather, autoGrow, type EraseOptions } from '../../engine/tools/erase/options';
import { Picture } from './picture';
import type { EraseApi } from './worker';
import type { EraseDone, OpenedPhoto, Problem, Tool } from './protocol';

const HISTORY_BYTES = 512 * 1024 * 1024;
/** After Cancel, how long an erase may take to stop before its worker is terminated. */
const CANCEL_GRACE_MS = 4000;

type Entry =
  | { kind: 'mask'; op: MaskOp }
  | { kind: 'clear'; ops: MaskOp[] }
  | { kind: 'erase'; rect: [number, number, number, number]; before: Uint8Array; after: Uint8Array; ops: MaskOp[]; options: OptionValues; done: EraseDone };

export interface Doc extends Omit<OpenedPhoto, 'bitmap'> {
  name: string;
  bytes: number;
  /** Some pixel is not opaque (a checkerboard shows behind the photo). */
  transparent: boolean;
}

function hasTransparency(pixels: Uint8ClampedArray): boolean {
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 255) return true;
  return false;
}

export type Status = 'empty' | 'opening' | 'ready' | 'erasing' | 'encoding';

const MIME: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif' };

function copyRect(pixels: Uint8ClampedArray, width: number, rect: [number, number, number, number]): Uint8Array {
  const [x0, y0, x1, y1] = rect;
  const row = (x1 - x0) * 4;
  const out = new Uint8Array(row * (y1 - y0));
  for (let y = y0; y < y1; y++) out.set(pixels.subarray((y * width + x0) * 4, (y * width + x1) * 4), (y - y0) * row);
  return out;
}

function pasteRect(pixels: Uint8ClampedArray, width: number, rect: [number, number, number, number], data: Uint8Array): void {
  const [x0, y0, x1, y1] = rect;
  const row = (x1 - x0) * 4;
  for (let y = y0; y < y1; y++) pixels.set(data.subarray((y - y0) * row, (y - y0 + 1) * row), (y * width + x0) * 4);
}

export class EraseStore {
  readonly spec: ToolSpec = toolSpec('erase');
  doc: Doc | null = $state.raw(null);
  picture: Picture | null = $state.raw(null);
  original: Picture | null = $state.raw(null);
  /** Bumped whenever the picture's pixels change. */
  version = $state(0);
  status: Status = $state('empty');
  /** 0..1 while erasing. */
  progress = $state(0);
  problem: Problem | null = $state.raw(null);
  /** What the last finished action did, for people ("Erased: ..."). */
  note = $state('');
  values: OptionValues = $state(defaultValues(toolSpec('erase')));
  tool: Tool = $state('brush');
  /** Brush diameter, image pixels. */
  size = $state(40);
  showOriginal = $state(false);

  private entries: Entry[] = $state.raw([]);
  private cursor = $state(0);
  private cancelFlag: Int32Array<SharedArrayBuffer> | null = null;
  private job = 0;
  private worker = lazyWorker<EraseApi>(() => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'erase' }), 'erase worker');

  /** The mask now: the mask operations since the last erase or clear, up to the cursor. */
  readonly ops: MaskOp[] = $derived.by(() => {
    let ops: MaskOp[] = [];
    for (const e of this.entries.slice(0, this.cursor)) {
      if (e.kind === 'mask') ops = [...ops, e.op];
      else ops = [];
    }
    return ops;
  });

  readonly canUndo = $derived(this.cursor > 0 && this.status === 'ready');
  readonly canRedo = $derived(this.cursor < this.entries.length && this.status === 'ready');
  readonly erases = $derived(this.entries.slice(0, this.cursor).filter((e) => e.kind === 'erase').length);
  /** The erase the last download was made after (nothing unsaved while it is still the last erase). */
  private saved: Entry | null = $state.raw(null);
  private readonly lastErase = $derived(
    this.entries
      .slice(0, this.cursor)
      .filter((e): e is Extract<Entry, { kind: 'erase' }> => e.kind === 'erase')
      .at(-1) ?? null,
  );
  /** Erases made since the last download, which a new photo or a reload would lose. */
  readonly unsaved = $derived(this.lastErase !== null && this.lastErase !== this.saved);
  readonly busy = $derived(this.status === 'opening' || this.status === 'erasing' || this.status === 'encoding');
  readonly undoLabel = $derived(this.describe(this.entries[this.cursor - 1]));
  readonly redoLabel = $derived(this.describe(this.entries[this.cursor]));

  /** Sizes for the brush slider: 2 px up to a fifth of the photo's short side. */
  readonly maxSize = $derived(this.doc ? Math.max(16, Math.round(Math.min(this.doc.width, this.doc.height) / 5)) : 400);

  private describe(e: Entry | undefined): string {
    if (!e) return '';
    if (e.kind === 'erase') return 'the erase';
    if (e.kind === 'clear') return 'clearing the mask';
    return e.op.kind === 'eraser' ? 'an eraser stroke' : e.op.kind === 'rect' ? 'a rectangle' : 'a brush stroke';
  }

  // ---- open ------------------------------------------------------------------------------------------

  constructor() {
    registerWork('erase', () => (this.unsaved ? 1 : 0));
  }

  async open(files: File[]): Promise<void> {
    const file = files[0];
    if (!file || this.busy) return;
    if (this.unsaved) {
      const open = await dialogs.ask({
        title: `Open ${file.name}?`,
        body: `The erases made to ${this.doc?.name} since you last downloaded it are not kept.`,
        answers: [
          { label: 'Keep editing', value: false, primary: true },
          { label: `Open ${file.name}`, value: true, danger: true },
        ],
        cancel: false,
      });
      if (!open) return;
    }
    if (files.length > 1) announcer.say(`One photo at a time: opening ${file.name}.`);
    if (typeof SharedArrayBuffer === 'undefined') {
      // A host without the isolation headers, on the first visit (docs/hosting.md): the service
      // worker adds them to the next load.
      this.problem = {
        message: 'Erase needs this page reloaded once: this site does not send the headers that let the photo be shared between workers, and privpix adds them from the next load on.',
        isFileError: false,
      };
      return;
    }
    this.status = 'opening';
    this.problem = null;
    this.note = '';
    const job = ++this.job;
    try {
      const answer = await Promise.race([this.worker.get().open(file), this.worker.failure()]);
      if (job !== this.job) {
        if (answer.ok) answer.photo.bitmap.close();
        return;
      }
      if (!answer.ok) {
        this.problem = answer.problem;
        this.status = this.doc ? 'ready' : 'empty';
        announcer.say(`${file.name} cannot be opened: ${answer.problem.message}`);
        return;
      }
      const { bitmap, ...photo } = answer.photo;
      this.closePictures();
      this.picture = new Picture(bitmap, true);
      this.original = new Picture(bitmap, false);
      this.doc = { ...photo, name: file.name, bytes: file.size, transparent: hasTransparency(photo.pixels) };
      this.saved = null;
      this.entries = [];
      this.cursor = 0;
      this.version++;
      this.size = Math.max(4, Math.round(Math.min(photo.width, photo.height) / 40));
      this.tool = 'brush';
      this.status = 'ready';
      announcer.say(`${file.name} is open, ${dimensions(photo.width, photo.height)}. Paint over what to erase, then choose Erase.`);
    } catch (e) {
      this.problem = { ...describeFault(e), isFileError: false };
      this.status = this.doc ? 'ready' : 'empty';
    }
  }

  private closePictures(): void {
    this.picture?.close();
    this.original?.close();
    this.picture = null;
    this.original = null;
  }

  // ---- history ---------------------------------------------------------------------------------------

  private push(entry: Entry): void {
    const entries = [...this.entries.slice(0, this.cursor), entry];
    // Keep at most HISTORY_BYTES of erase pixels: drop the oldest steps.
    let bytes = entries.reduce((n, e) => n + (e.kind === 'erase' ? e.before.length + e.after.length : 0), 0);
    while (bytes > HISTORY_BYTES && entries.length > 1) {
      const first = entries.shift()!;
      if (first.kind === 'erase') bytes -= first.before.length + first.after.length;
    }
    this.entries = entries;
    this.cursor = entries.length;
  }

  addOp(op: MaskOp): void {
    if (this.status !== 'ready') return;
    this.push({ kind: 'mask', op });
  }

  clearMask(): void {
    if (this.status !== 'ready' || !this.ops.length) return;
    this.push({ kind: 'clear', ops: this.ops });
    announcer.say('Mask cleared.');
  }

  undo(): void {
    if (!this.canUndo) return;
    const e = this.entries[this.cursor - 1]!;
    if (e.kind === 'erase') this.paste(e.rect, e.before);
    this.cursor--;
    this.note = '';
    announcer.say(`Undid ${this.describe(e)}.`);
  }

  redo(): void {
    if (!this.canRedo) return;
    const e = this.entries[this.cursor]!;
    if (e.kind === 'erase') this.paste(e.rect, e.after);
    this.cursor++;
    announcer.say(`Redid ${this.describe(e)}.`);
  }

  private paste(rect: [number, number, number, number], data: Uint8Array): void {
    const doc = this.doc!;
    pasteRect(doc.pixels, doc.width, rect, data);
    this.picture?.update(rect, data);
    this.version++;
  }

  // ---- options ---------------------------------------------------------------------------------------

  setOption(name: string, value: OptionValue): void {
    this.values[name] = value;
  }

  resetOptions(): void {
    this.values = defaultValues(this.spec);
  }

  private options(values: OptionValues = this.values): EraseOptions {
    return {
      grow: (values['grow'] as number | null) ?? null,
      feather: (values['feather'] as number | null) ?? null,
      seed: (values['seed'] as number) ?? 0,
      quality: (values['quality'] as number | null) ?? null,
      keep_metadata: values['keep_metadata'] === true,
    };
  }

  /** The automatic grow for the mask now (from its painted bounding box; the erase reports the exact value). */
  readonly autoGrow = $derived.by(() => {
    const doc = this.doc;
    const b = doc ? maskBounds(this.ops, doc.width, doc.height) : null;
    return b ? autoGrow(Math.max(b[2] - b[0], b[3] - b[1])) : null;
  });

  readonly autoFeather = $derived(this.doc ? autoFeather(this.doc.width, this.doc.height) : null);

  // ---- erase -----------------------------------------------------------------------------------------

  async erase(): Promise<void> {
    const doc = this.doc;
    const ops = this.ops;
    if (!doc || this.status !== 'ready' || !ops.length) return;
    const values = $state.snapshot(this.values) as OptionValues;
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    this.cancelFlag = cancel;
    this.status = 'erasing';
    this.progress = 0;
    this.problem = null;
    this.note = '';
    this.showOriginal = false;
    const job = ++this.job;
    const progress = Comlink.proxy((f: number) => {
      if (job === this.job) this.progress = f;
    });
    announcer.say('Erasing…');
    try {
      const answer = await Promise.race([
        this.worker.get().erase({ pixels: doc.pixels, width: doc.width, height: doc.height, ops, options: this.options(values), cancel }, progress),
        this.worker.failure(),
      ]);
      if (job !== this.job) return; // cancelled and given up on
      if (!answer.ok) {
        if (answer.cancelled) {
          this.note = 'Cancelled; the photo is as it was.';
          announcer.say('Erase cancelled.');
        } else {
          this.problem = answer.problem;
          announcer.say(`The erase failed: ${answer.problem.message}`);
        }
        return;
      }
      const d = answer.done;
      const before = copyRect(doc.pixels, doc.width, d.rect);
      pasteRect(doc.pixels, doc.width, d.rect, d.data);
      this.picture?.update(d.rect, d.data);
      this.version++;
      this.push({ kind: 'erase', rect: d.rect, before, after: d.data, ops, options: values, done: d });
      this.note = `Erased ${d.regionPixels.toLocaleString('en')} pixels in ${(d.ms / 1000).toFixed(1)} s (grow ${d.grow} px, feather ${d.feather} px, seed ${d.seed}).`;
      announcer.say(`Erased. ${this.erases === 1 ? 'Undo brings it back.' : ''}`);
    } catch (e) {
      if (job !== this.job) return;
      this.problem = { ...describeFault(e), isFileError: false };
    } finally {
      if (job === this.job) {
        this.status = 'ready';
        this.cancelFlag = null;
      }
    }
  }

  cancel(): void {
    if (this.status !== 'erasing' || !this.cancelFlag) return;
    Atomics.store(this.cancelFlag, 0, 1);
    const job = this.job;
    setTimeout(() => {
      if (job !== this.job || this.status !== 'erasing') return;
      // Not stopped in time (a kernel that does not return): stop the worker; the photo is untouched.
      this.job++;
      this.worker.terminate();
      this.status = 'ready';
      this.cancelFlag = null;
      this.note = 'Cancelled; the photo is as it was.';
      announcer.say('Erase cancelled.');
    }, CANCEL_GRACE_MS);
  }

  // ---- download --------------------------------------------------------------------------------------

  readonly downloadName = $derived(this.doc ? outputName(this.doc.name, 'erased', this.doc.format) : '');

  async download(): Promise<void> {
    const doc = this.doc;
    if (!doc || this.status !== 'ready') return;
    this.status = 'encoding';
    this.problem = null;
    try {
      const answer = await Promise.race([
        this.worker.get().encode({ pixels: doc.pixels, width: doc.width, height: doc.height, source: doc.source, format: doc.format, icc: doc.icc, exif: doc.exif, original: doc.original, options: this.options($state.snapshot(this.values) as OptionValues) }),
        this.worker.failure(),
      ]);
      if (!answer.ok) {
        this.problem = answer.problem;
        return;
      }
      saveBlob(new Blob([answer.data as Uint8Array<ArrayBuffer>], { type: MIME[answer.format] }), this.downloadName);
      this.saved = this.lastErase;
      announcer.say(`${this.downloadName} is ready: ${answer.format.toUpperCase()}${answer.quality ? ` at quality ${answer.quality}` : ''}.`);
    } catch (e) {
      this.problem = { ...describeFault(e), isFileError: false };
    } finally {
      this.status = 'ready';
    }
  }

  // ---- the command line ------------------------------------------------------------------------------

  /** The mask the command line reproduces: the one painted now, else the last erase's. */
  private readonly cliSource = $derived.by(() => {
    if (this.ops.length) return { ops: this.ops, values: this.values, pending: true };
    const last = this.lastErase;
    return last ? { ops: last.ops, values: last.options, pending: false } : null;
  });

  readonly maskName = $derived.by(() => {
    const name = this.doc?.name ?? 'photo';
    const dot = name.lastIndexOf('.');
    return `${dot > 0 ? name.slice(0, dot) : name}-mask.png`;
  });

  readonly boxes = $derived(this.doc && this.cliSource ? boxesOnly(this.cliSource.ops, this.doc.width, this.doc.height) : null);

  readonly command = $derived.by(() => {
    const doc = this.doc;
    const src = this.cliSource;
    if (!doc || !src) return '';
    const maskArgs = this.boxes ? this.boxes.flatMap((b) => ['--box', b.join(',')]) : ['--mask', this.maskName];
    return ['privpix', 'erase', doc.name, ...maskArgs, ...cliArgs(this.spec, src.values)].map(shellQuote).join(' ');
  });

  readonly commandNote = $derived.by(() => {
    const src = this.cliSource;
    if (!src) return '';
    const parts: string[] = [];
    parts.push(src.pending ? 'For the mask painted now.' : 'For the last erase.');
    if (!this.boxes) parts.push(`A painted mask goes to the command line as an image: download it (white = erase) and keep it beside the photo as ${this.maskName}.`);
    const earlier = this.erases - (src.pending ? 0 : 1);
    if (earlier > 0) parts.push(`This photo already has ${earlier === 1 ? 'one erase' : `${earlier} erases`} before it; the command line starts from the original file, so run one command per erase, each on the previous result.`);
    return parts.join(' ');
  });

  async downloadMask(): Promise<void> {
    const doc = this.doc;
    const src = this.cliSource;
    if (!doc || !src) return;
    try {
      const png = await Promise.race([this.worker.get().maskPng($state.snapshot(src.ops) as MaskOp[], doc.width, doc.height), this.worker.failure()]);
      saveBlob(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }), this.maskName);
      announcer.say(`${this.maskName} is ready.`);
    } catch (e) {
      this.problem = { ...describeFault(e), isFileError: false };
    }
  }
}

let store: EraseStore | null = null;

export function eraseStore(): EraseStore {
  return (store ??= new EraseStore());
}

/**
 * The remove-bg worker: downloads and checks the model (into Cache Storage), keeps one
 * onnxruntime session, and removes backgrounds one photo at a time. Everything heavy happens here:
 * decode, the model, refinement and the encode. A job is cancelled through `abort(job)` (checked
 * between stages and inside the full-resolution pass); inference itself cannot be interrupted, so the
 * pool terminates a worker that does not stop in time.
 *
 * Each photo's cut-out is kept (the page's file id is the key) for the photos the page says it shows
 * and the last one done: another background, the mask or another format is then made from it in one
 * pass and an encode — no decode, no model, no refinement (engine/tools/remove-bg/tool.ts
 * `finishCutout`). For the photo on screen the job also hands back the cut-out and the blurred
 * background as bitmaps, so the page shows a new background at once, before its file is made.
 */
import * as Comlink from 'comlink';
import {
  MODELS,
  blurredBackground,
  cutOutPhoto,
  download,
  finishCutout,
  isStored,
  modelInfo,
  prune,
  modelManifestUrl,
  modelUrl,
  readStored,
  type Cutout,
  type RemoveBgOptions,
  type StoredFile,
} from '../../engine/tools/remove-bg/index';
import { inspect } from '../../engine/index';
import { createSession, hasWebGpu, webgpuRuntimeUrls, type Session } from './session';
import { reportNetwork } from '../../app/privacy/worker-net';
import { Jobs, displayOriginal, fileProblem, throttled } from '../../app/batch/batch-worker';
import type { Original } from '../../app/batch/batch-queue.svelte';
import type { BgOutcome, DownloadProgressFn, FileProblem, ModelState, Preview, Probe, ProgressFn } from './protocol';

reportNetwork('remove-bg worker');

/** Model downloads report progress at most this often. */
const PROGRESS_MS = 80;
let current: { name: string; session: Promise<Session> } | null = null;

const FILE_ERRORS = new Set(['FormatError', 'UnsupportedError', 'DecodeError']);

function problem(e: unknown): FileProblem {
  return fileProblem(e, (err) => FILE_ERRORS.has(err.name));
}

const jobs = new Jobs(problem);

/** Cut-outs kept, by the page's file id: the file on screen's and the last one made. */
const kept = new Map<number, { model: string; cut: Cutout }>();

function keep(key: number, model: string, cut: Cutout, onScreen: number | null): void {
  kept.set(key, { model, cut });
  // Each 12 MP cut-out holds ~70 MB: no more than these two.
  for (const k of [...kept.keys()]) if (k !== key && k !== onScreen) kept.delete(k);
}

function keptFor(key: number, model: string): Cutout | null {
  const entry = kept.get(key);
  return entry && entry.model === model ? entry.cut : null;
}

async function preview(cut: Cutout): Promise<Preview> {
  const { width, height, data } = cut.raster;
  const cutout = await createImageBitmap(new ImageData(data, width, height));
  const planes = blurredBackground(cut);
  const rgba = new Uint8ClampedArray(cut.gw * cut.gh * 4);
  for (let i = 0, o = 0; i < cut.gw * cut.gh; i++, o += 4) {
    rgba[o] = Math.floor(planes[0][i]! * 255 + 0.5);
    rgba[o + 1] = Math.floor(planes[1][i]! * 255 + 0.5);
    rgba[o + 2] = Math.floor(planes[2][i]! * 255 + 0.5);
    rgba[o + 3] = 255;
  }
  const blur = await createImageBitmap(new ImageData(rgba, cut.gw, cut.gh));
  return { cutout, blur };
}

function modelFile(name: string, base: string): StoredFile {
  const info = modelInfo(name);
  return { url: modelUrl(info, base), size: info.size, sha256: info.sha256, manifest: modelManifestUrl(info, base) };
}

/** The WebGPU runtime files, when this device offers WebGPU (cached with the model; sizes from the server). */
async function runtimeFiles(): Promise<StoredFile[]> {
  if (!(await hasWebGpu())) return [];
  const files: StoredFile[] = [];
  for (const url of await webgpuRuntimeUrls()) {
    const head = await fetch(url, { method: 'HEAD', cache: 'no-store' });
    const size = Number(head.headers.get('Content-Length'));
    if (!head.ok || !size) return [];
    files.push({ url, size, sha256: null });
  }
  return files;
}

async function session(name: string, base: string): Promise<Session> {
  if (current?.name === name) return current.session;
  const previous = current;
  current = null;
  if (previous) await (await previous.session.catch(() => null))?.release();
  const info = modelInfo(name);
  const promise = (async () => {
    const bytes = await readStored(modelFile(name, base));
    if (!bytes) throw new Error(`The ${name} model is not on this device yet: download it first.`);
    return createSession({ model: bytes, inputName: info.input.name, outputName: info.output });
  })();
  current = { name, session: promise };
  promise.catch(() => {
    if (current?.session === promise) current = null;
  });
  return promise;
}

const api = {
  /** Which models are on this device (files of earlier versions are let go first). */
  async models(base: string): Promise<ModelState[]> {
    const runtime = await webgpuRuntimeUrls().catch(() => []);
    await prune([...Object.keys(MODELS).map((name) => modelFile(name, base).url), ...runtime]).catch(() => undefined);
    return Promise.all(Object.keys(MODELS).map(async (name) => ({ name, stored: await isStored(modelFile(name, base)) })));
  },

  /** Download, check and keep a model (and on WebGPU devices the WebGPU runtime). */
  async download(job: number, name: string, base: string, progress: DownloadProgressFn): Promise<{ ok: true } | { ok: false; cancelled: boolean; message: string }> {
    const controller = jobs.start(job);
    try {
      const files = [modelFile(name, base), ...(await runtimeFiles().catch(() => []))];
      let last = 0;
      await download(
        files,
        (received, total) => {
          const now = performance.now();
          if (now - last < PROGRESS_MS && received < total) return;
          last = now;
          void progress(received, total);
        },
        controller.signal,
      );
      return { ok: true };
    } catch (e) {
      if (controller.signal.aborted) return { ok: false, cancelled: true, message: 'Cancelled.' };
      // A fetch that never reached the server (offline, server gone) is a TypeError: say what it means here.
      const message =
        e instanceof TypeError
          ? 'The model is not on this device yet — connect to the internet once to download it.'
          : e instanceof Error
            ? e.message
            : String(e);
      return { ok: false, cancelled: false, message };
    } finally {
      jobs.end(job);
    }
  },

  /** Whether a file is a picture at all, from its header: a file that is not fails at once. */
  async probe(file: Blob): Promise<Probe> {
    try {
      return { ok: true, format: inspect(new Uint8Array(await file.arrayBuffer())).format };
    } catch (e) {
      return { ok: false, problem: problem(e) };
    }
  },

  /**
   * Remove the background of the page's file `key`: from its kept cut-out when there is one for this
   * model, else decode, model and refinement. `onScreen`: the page's file on screen (its cut-out is
   * kept; when it is this file, the job hands back what the page composes new backgrounds with).
   */
  remove(
    job: number,
    key: number,
    file: Blob,
    options: RemoveBgOptions,
    backgroundImage: Blob | null,
    base: string,
    onScreen: number | null,
    progress: ProgressFn,
  ): Promise<BgOutcome> {
    const started = performance.now();
    return jobs.run(
      job,
      async (signal) => {
        const report = throttled(progress);
        const behind = backgroundImage ? new Uint8Array(await backgroundImage.arrayBuffer()) : null;
        let cut = keptFor(key, options.model);
        const reused = cut !== null;
        let inferences = 0;
        let s: Session | null = null;
        if (!cut) {
          report(0, 'loading the model');
          const [data, loaded] = await Promise.all([file.arrayBuffer().then((b) => new Uint8Array(b)), session(options.model, base)]);
          s = loaded;
          signal.throwIfAborted();
          const info = modelInfo(options.model);
          const infer = (x: Float32Array, h: number, w: number): Promise<Float32Array> => {
            inferences++;
            return loaded.run(x, h, w);
          };
          cut = await cutOutPhoto(data, { infer, input: info.input }, { signal, progress: report });
          keep(key, options.model, cut, onScreen);
        }
        signal.throwIfAborted();
        const r = await finishCutout(cut, options, behind, { signal, progress: report });
        signal.throwIfAborted();
        const stages = reused ? { decode: 0, prepare: 0, infer: 0, refine: 0, encode: r.stages.encode } : r.stages;
        const shown = key === onScreen ? await preview(cut) : undefined;
        const runtime = s ?? (current ? await current.session.catch(() => null) : null);
        const outcome = {
          data: r.data,
          report: {
            format: r.format,
            output: r.output,
            width: r.width,
            height: r.height,
            sourceFormat: r.source_format,
            bytesBefore: r.bytes_before,
            bytesAfter: r.bytes_after,
            softPixels: r.soft_pixels,
            foreground: r.foreground,
            warnings: r.warnings,
            stages,
            elapsed: performance.now() - started,
            model: options.model,
            backend: runtime?.backend ?? 'wasm',
            threads: runtime?.threads ?? 0,
            reused,
            inferences,
            ...(shown ? { preview: shown } : {}),
          },
        };
        return outcome;
      },
      undefined,
      (r) => (r.preview ? [r.preview.cutout, r.preview.blur] : []),
    );
  },

  /** The preview of a kept cut-out (the file came on screen after it was done), or null if it is not kept. */
  async preview(key: number, model: string): Promise<Preview | null> {
    const cut = keptFor(key, model);
    if (!cut) return null;
    const p = await preview(cut);
    return Comlink.transfer(p, [p.cutout, p.blur]);
  },

  abort(job: number): void {
    jobs.abort(job);
  },

  /** The original, upright, for the compare view. */
  display(file: Blob): Promise<Original> {
    return displayOriginal(file, problem);
  },
};

export type BgApi = typeof api;
Comlink.expose(api);

/**
 * The remove-bg worker: downloads and checks the model (into Cache Storage), keeps one
 * onnxruntime session, and removes backgrounds one photo at a time. Everything heavy happens here:
 * decode, the model, refinement and the encode. A job is cancelled through `abort(job)` (checked
 * between stages and inside the full-resolution pass); inference itself cannot be interrupted, so the
 * pool terminates a worker that does not stop in time.
 */
import * as Comlink from 'comlink';
import {
  MODELS,
  ModelIntegrityError,
  download,
  isStored,
  modelInfo,
  prune,
  modelManifestUrl,
  modelUrl,
  readStored,
  removeBg,
  type RemoveBgOptions,
  type StoredFile,
} from '../../engine/tools/remove-bg/index';
import { createSession, hasWebGpu, webgpuRuntimeUrls, type Session } from './session';
import { reportNetwork } from '../../app/privacy/worker-net';
import { Jobs, displayOriginal, fileProblem, throttled } from '../../app/batch/batch-worker';
import type { Original } from '../../app/batch/batch-queue.svelte';
import type { BgOutcome, DownloadProgressFn, FileProblem, ModelState, ProgressFn } from './protocol';

reportNetwork('remove-bg worker');

/** Model downloads report progress at most this often. */
const PROGRESS_MS = 80;
let current: { name: string; session: Promise<Session> } | null = null;

const FILE_ERRORS = new Set(['FormatError', 'UnsupportedError', 'DecodeError']);

function problem(e: unknown): FileProblem {
  return fileProblem(e, (err) => FILE_ERRORS.has(err.name));
}

const jobs = new Jobs(problem);

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
      const message = e instanceof ModelIntegrityError ? e.message : e instanceof Error ? e.message : String(e);
      return { ok: false, cancelled: false, message };
    } finally {
      jobs.end(job);
    }
  },

  remove(
    job: number,
    file: Blob,
    options: RemoveBgOptions,
    backgroundImage: Blob | null,
    base: string,
    progress: ProgressFn,
  ): Promise<BgOutcome> {
    const started = performance.now();
    return jobs.run(job, async (signal) => {
      const report = throttled(progress);
      report(0, 'loading the model');
      const [data, behind, s] = await Promise.all([
        file.arrayBuffer().then((b) => new Uint8Array(b)),
        backgroundImage ? backgroundImage.arrayBuffer().then((b) => new Uint8Array(b)) : Promise.resolve(null),
        session(options.model, base),
      ]);
      signal.throwIfAborted();
      const info = modelInfo(options.model);
      const r = await removeBg(
        data,
        options,
        { infer: (x, h, w) => s.run(x, h, w), input: info.input, backgroundImage: behind },
        { signal, progress: report },
      );
      signal.throwIfAborted();
      return {
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
          stages: r.stages,
          elapsed: performance.now() - started,
          model: options.model,
          backend: s.backend,
          threads: s.threads,
        },
      };
    });
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

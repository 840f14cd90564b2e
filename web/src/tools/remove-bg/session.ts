/**
 * onnxruntime-web sessions for the background models (the browser's binding of the engine's `Infer`), loaded on first use (never part of the first
 * page load) and kept for the next photo.
 *
 * Backends, in order:
 * - WebGPU, when `navigator.gpu` offers an adapter and the browser has WebAssembly JSPI (Chromium
 *   137 and later): ort's JSPI build (16.8 MB, not kept for offline use with the tool: it is cached
 *   with the model on devices that can use it). ort's other WebGPU build (asyncify, 26.8 MB) is not
 *   used: it is larger than a static host such as Cloudflare Pages takes per file, and the browsers
 *   it would add (WebGPU without JSPI) run the WebAssembly path below instead (docs/models.md);
 * - WebAssembly with SIMD and threads otherwise (and whenever WebGPU fails): ort's
 *   `ort-wasm-simd-threaded` build, kept with the tool by the service worker.
 *
 * The threading trap (DEPENDENCIES.md): Vite must not bundle ort's Emscripten loader, so the `.mjs`
 * glue and the `.wasm` are imported as URLs and handed to `env.wasm.wasmPaths`, and `numThreads` is
 * set here (ort's default is 1 on a 2-core machine). The engine already runs in a Worker, so ort's
 * own proxy worker is off.
 */

import type * as Ort from 'onnxruntime-web';

export type Backend = 'webgpu' | 'wasm';

export interface Session {
  backend: Backend;
  threads: number;
  /** Run the model on a [1, 3, h, w] float32 input; the [h, w] mask in [0, 1]. */
  run(input: Float32Array, h: number, w: number): Promise<Float32Array>;
  release(): Promise<void>;
}

/** Threads for the wasm backend: every core up to 4 (2 on the 2-core machines we target). */
export function wasmThreads(): number {
  const cores = globalThis.navigator?.hardwareConcurrency || 2;
  return Math.max(1, Math.min(4, cores));
}

let wasmOrt: Promise<typeof Ort> | null = null;
let gpuOrt: Promise<typeof Ort> | null = null;

async function loadWasmOrt(threads: number): Promise<typeof Ort> {
  const [ort, mjs, wasm] = await Promise.all([
    import('onnxruntime-web/wasm'),
    import('onnxruntime-web/ort-wasm-simd-threaded.mjs?url'),
    import('onnxruntime-web/ort-wasm-simd-threaded.wasm?url'),
  ]);
  ort.env.wasm.wasmPaths = { mjs: new URL(mjs.default, import.meta.url).href, wasm: new URL(wasm.default, import.meta.url).href };
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return ort as unknown as typeof Ort;
}

/** The URLs of the WebGPU runtime files (to cache them with a model on devices that can use WebGPU). */
export async function webgpuRuntimeUrls(): Promise<string[]> {
  const [mjs, wasm] = await Promise.all([
    import('onnxruntime-web/ort-wasm-simd-threaded.jspi.mjs?url'),
    import('onnxruntime-web/ort-wasm-simd-threaded.jspi.wasm?url'),
  ]);
  return [new URL(mjs.default, import.meta.url).href, new URL(wasm.default, import.meta.url).href];
}

async function loadGpuOrt(): Promise<typeof Ort> {
  const [ort, [mjs, wasm]] = await Promise.all([import('onnxruntime-web/jspi'), webgpuRuntimeUrls()]);
  ort.env.wasm.wasmPaths = { mjs: mjs!, wasm: wasm! };
  ort.env.wasm.numThreads = wasmThreads();
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return ort as unknown as typeof Ort;
}

/** Whether this browser offers a WebGPU adapter and JSPI, which ort's WebGPU build needs (false on any doubt). */
export async function hasWebGpu(): Promise<boolean> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu || !('Suspending' in WebAssembly)) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

function wrap(ort: typeof Ort, session: Ort.InferenceSession, backend: Backend, inputName: string, outputName: string): Session {
  return {
    backend,
    threads: backend === 'wasm' ? ort.env.wasm.numThreads ?? 1 : 0,
    async run(input, h, w) {
      const feeds = { [inputName]: new ort.Tensor('float32', input, [1, 3, h, w]) };
      const out = await session.run(feeds, [outputName]);
      const t = out[outputName]!;
      const data = (await t.getData()) as Float32Array;
      t.dispose();
      return data.length === h * w ? data : data.subarray(0, h * w);
    },
    release: () => session.release(),
  };
}

export interface SessionRequest {
  model: ArrayBuffer | Uint8Array;
  inputName: string;
  outputName: string;
  /** 'auto': WebGPU when offered, else wasm. */
  backend?: Backend | 'auto';
  /** wasm threads (default `wasmThreads()`); takes effect when onnxruntime first loads in this worker. */
  threads?: number;
}

/** A session on the best backend this device offers. The model bytes are not kept. */
export async function createSession(req: SessionRequest): Promise<Session> {
  const bytes = req.model instanceof Uint8Array ? req.model : new Uint8Array(req.model);
  const want = req.backend ?? 'auto';
  if (want === 'webgpu' || (want === 'auto' && (await hasWebGpu()))) {
    try {
      const ort = await (gpuOrt ??= loadGpuOrt());
      const s = await ort.InferenceSession.create(bytes, {
        executionProviders: ['webgpu', 'wasm'],
        graphOptimizationLevel: 'all',
      });
      return wrap(ort, s, 'webgpu', req.inputName, req.outputName);
    } catch (e) {
      gpuOrt = null;
      if (want === 'webgpu') throw e;
      // fall back to wasm below
    }
  }
  const ort = await (wasmOrt ??= loadWasmOrt(req.threads ?? wasmThreads()));
  const s = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  return wrap(ort, s, 'wasm', req.inputName, req.outputName);
}

import type { Pixels } from '../imaging/raster';
/**
 * A second worker for the engine's two-core paths (JPEG bands, HEIC tiles). It is started on first
 * use, loads its codecs lazily like the engine does, and stays for the next image. Aborting a call
 * terminates it (wasm cannot be interrupted otherwise); the next call starts a new one.
 */

export type HelperRequest =
  | { op: 'mozjpeg'; rgba: Pixels; width: number; height: number; options: Record<string, unknown> }
  | { op: 'heif'; files: Uint8Array[] }
  | { op: 'warm'; codecs: string[] };

interface Pending {
  ok(value: unknown): void;
  fail(err: unknown): void;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

export function helperAvailable(): boolean {
  return typeof Worker !== 'undefined' && (globalThis.navigator?.hardwareConcurrency ?? 1) > 1;
}

function start(): Worker {
  const w = new Worker(new URL('./helper.worker.ts', import.meta.url), { type: 'module', name: 'privpix-helper' });
  w.onmessage = (e: MessageEvent<{ id: number; result?: unknown; error?: string }>) => {
    const p = pending.get(e.data.id);
    if (!p) return;
    pending.delete(e.data.id);
    if (e.data.error !== undefined) p.fail(new Error(e.data.error));
    else p.ok(e.data.result);
  };
  w.onerror = (e) => {
    e.preventDefault();
    stop(new Error(`helper worker failed: ${e.message}`));
  };
  return w;
}

function stop(reason: unknown): void {
  worker?.terminate();
  worker = null;
  for (const p of pending.values()) p.fail(reason);
  pending.clear();
}

/** Run one request on the helper worker; `transfer` moves buffers instead of copying them. */
export function helperCall<T>(request: HelperRequest, transfer: Transferable[] = [], signal?: AbortSignal): Promise<T> {
  signal?.throwIfAborted();
  worker ??= start();
  const id = nextId++;
  return new Promise<T>((ok, fail) => {
    const onAbort = (): void => stop(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.set(id, {
      ok: (v) => {
        signal?.removeEventListener('abort', onAbort);
        ok(v as T);
      },
      fail: (err) => {
        signal?.removeEventListener('abort', onAbort);
        fail(err);
      },
    });
    worker!.postMessage({ id, request }, transfer);
  });
}

/** Start the helper and have it load `codecs` now, so the first real call doesn't wait for them. */
export function warmHelper(codecs: string[]): void {
  if (!helperAvailable()) return;
  helperCall({ op: 'warm', codecs }).catch(() => undefined);
}

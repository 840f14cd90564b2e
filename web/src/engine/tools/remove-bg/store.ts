// Browser only: the browser's model store (Cache Storage); Python's is src/privpix/models/store.py.
/**
 * The model files on this device: downloaded once from the app's own origin (`models/<file>`, put
 * there by the build), checked against the registry's size and sha256 (SubtleCrypto), and kept in
 * Cache Storage under MODEL_CACHE — not in the service worker's precache, which every visitor
 * downloads. The service worker answers requests for these URLs from that cache (src/sw.ts), so the
 * tool works offline once its model is here.
 *
 * Runs in a Worker or a page; imports nothing heavy (the service worker imports MODEL_CACHE).
 */

export const MODEL_CACHE = 'privpix-models-v1';

/** Path prefixes (relative to the app's base) whose requests the service worker serves from MODEL_CACHE. */
export const MODEL_PATH = 'models/';

export interface StoredFile {
  url: string;
  size: number;
  /** Lowercase hex; null for files not pinned by hash (the WebGPU runtime, pinned by the build's file name). */
  sha256: string | null;
}

export class ModelIntegrityError extends Error {
  override name = 'ModelIntegrityError';
}

function hex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function cache(): Promise<Cache> {
  if (typeof caches === 'undefined') throw new Error('this browser offers no Cache Storage here (a private window?), so the model cannot be kept');
  return caches.open(MODEL_CACHE);
}

/** Whether `file` is in the cache with the expected size. */
export async function isStored(file: StoredFile): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  const hit = await (await cache()).match(file.url);
  if (!hit) return false;
  const length = Number(hit.headers.get('Content-Length'));
  return length === file.size;
}

/** The bytes of a stored file, or null when it is not (or no longer) here. */
export async function readStored(file: StoredFile): Promise<ArrayBuffer | null> {
  if (typeof caches === 'undefined') return null;
  const hit = await (await cache()).match(file.url);
  if (!hit) return null;
  const bytes = await hit.arrayBuffer();
  if (bytes.byteLength !== file.size) return null;
  return bytes;
}

export type DownloadProgress = (received: number, total: number) => void;

/**
 * Fetch `files` from this origin (they pass the service worker, which does not keep them), check
 * each, and store them. Progress counts bytes over all files. Nothing is stored unless every file
 * checks out; a file already stored is not fetched again.
 */
export async function download(files: StoredFile[], progress: DownloadProgress, signal?: AbortSignal): Promise<void> {
  const total = files.reduce((n, f) => n + f.size, 0);
  let base = 0;
  const store = await cache();
  const fetched: [StoredFile, Uint8Array][] = [];
  for (const file of files) {
    if (await isStored(file)) {
      base += file.size;
      progress(base, total);
      continue;
    }
    const response = await fetch(file.url, { cache: 'no-store', credentials: 'same-origin', ...(signal ? { signal } : {}) });
    if (!response.ok || !response.body) throw new Error(`${file.url} could not be downloaded: HTTP ${response.status} ${response.statusText}`);
    const bytes = new Uint8Array(file.size);
    let at = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (at + value.length > file.size) {
        await reader.cancel();
        throw new ModelIntegrityError(`${file.url} is larger than the ${file.size} bytes expected`);
      }
      bytes.set(value, at);
      at += value.length;
      progress(base + at, total);
    }
    if (at !== file.size) throw new ModelIntegrityError(`${file.url} arrived with ${at} of ${file.size} bytes`);
    if (file.sha256) {
      const digest = hex(await crypto.subtle.digest('SHA-256', bytes));
      if (digest !== file.sha256.toLowerCase()) {
        throw new ModelIntegrityError(`${file.url} failed its integrity check (sha256 ${digest.slice(0, 12)}…, expected ${file.sha256.slice(0, 12)}…)`);
      }
    }
    fetched.push([file, bytes]);
    base += file.size;
  }
  signal?.throwIfAborted();
  for (const [file, bytes] of fetched) {
    const type = file.url.endsWith('.wasm') ? 'application/wasm' : file.url.endsWith('.mjs') ? 'text/javascript' : 'application/octet-stream';
    await store.put(
      file.url,
      new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Type': type, 'Content-Length': String(bytes.length) } }),
    );
  }
}

/** Remove every stored file but `keep` (models of earlier versions of the app, under other names). */
export async function prune(keep: string[]): Promise<void> {
  if (typeof caches === 'undefined') return;
  const store = await cache();
  const wanted = new Set(keep);
  for (const request of await store.keys()) if (!wanted.has(request.url)) await store.delete(request);
}

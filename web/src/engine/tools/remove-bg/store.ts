// Browser only: the browser's model store (Cache Storage); Python's is src/privpix/models/store.py.
/**
 * The model files on this device: downloaded once from the app's own origin, checked, and kept in
 * Cache Storage under MODEL_CACHE — not with the tool's files, which every visitor of the tool saves.
 * The service worker answers requests for these URLs from that cache (src/sw.ts), so the tool works
 * offline once its model is here.
 *
 * A model is served as chunks listed by a manifest (`models/<file>.json`, written by
 * src/privpix/models/site.py; docs/models.md): the manifest must name the file, size and sha256 the
 * app was built with, each chunk must have its listed size and sha256, and the joined file the pinned
 * sha256. Only then is it stored, whole, under `models/<file>`. A chunk whose connection drops is
 * fetched again (twice at most) without starting over.
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
  /** The manifest of the chunks the site serves the file in (models); absent: the file is served whole. */
  manifest?: string;
}

export class ModelIntegrityError extends Error {
  override name = 'ModelIntegrityError';
}

/** The site does not serve the file (a site built without the models, or an older one). */
export class NotOfferedError extends Error {
  override name = 'NotOfferedError';
}

/** What `models/<file>.json` says (src/privpix/models/site.py). */
interface ChunkManifest {
  format: string;
  file: string;
  size: number;
  sha256: string;
  chunks: { file: string; size: number; sha256: string }[];
}

const CHUNK_FORMAT = 'privpix-chunks-1';
const CHUNK_RETRIES = 2;

function hex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function cache(): Promise<Cache> {
  if (typeof caches === 'undefined') {
    // Browsers withhold Cache Storage from pages that are not a secure context (plain http:// from
    // another device); say that rather than guess at a private window.
    throw new Error(
      globalThis.isSecureContext === false
        ? 'this address is not secure (plain http:// from another device), so the browser offers no storage to keep the model: open privpix over https (privpix serve --https) or on this device'
        : 'this browser offers no Cache Storage here (a private window?), so the model cannot be kept',
    );
  }
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

function name(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** The chunk list of `file`, checked against what the app was built with. */
async function chunkList(file: StoredFile, signal?: AbortSignal): Promise<{ url: string; size: number; sha256: string }[]> {
  const where = file.manifest!;
  const response = await fetch(where, { cache: 'no-store', credentials: 'same-origin', ...(signal ? { signal } : {}) });
  if (response.status === 404) throw new NotOfferedError(`this site does not offer ${name(file.url)} (it was published without the background-removal models)`);
  if (!response.ok) throw new Error(`${name(where)} could not be downloaded: HTTP ${response.status} ${response.statusText}`);
  let m: ChunkManifest;
  try {
    m = (await response.json()) as ChunkManifest;
  } catch {
    throw new ModelIntegrityError(`${name(where)} is not a chunk list`);
  }
  const pinned = file.sha256?.toLowerCase();
  if (m.format !== CHUNK_FORMAT || m.file !== name(file.url) || m.size !== file.size || (pinned && m.sha256?.toLowerCase() !== pinned) || !Array.isArray(m.chunks)) {
    throw new ModelIntegrityError(`${name(where)} describes another file than the ${name(file.url)} this version of privpix expects`);
  }
  const total = m.chunks.reduce((n, c) => n + c.size, 0);
  if (total !== file.size || m.chunks.some((c) => !/^[0-9a-f]{64}$/.test(c.sha256) || !(c.size > 0))) {
    throw new ModelIntegrityError(`${name(where)} lists chunks that do not add up to ${file.size} bytes`);
  }
  return m.chunks.map((c) => ({ url: new URL(c.file, where).href, size: c.size, sha256: c.sha256 }));
}

/** Read `url` into `into` at `at`, exactly `size` bytes, reporting each block. */
async function fetchInto(url: string, size: number, into: Uint8Array, at: number, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
  const response = await fetch(url, { cache: 'no-store', credentials: 'same-origin', ...(signal ? { signal } : {}) });
  if (!response.ok || !response.body) throw new Error(`${name(url)} could not be downloaded: HTTP ${response.status} ${response.statusText}`);
  const reader = response.body.getReader();
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (got + value.length > size) {
      await reader.cancel();
      throw new ModelIntegrityError(`${name(url)} is larger than the ${size} bytes expected`);
    }
    into.set(value, at + got);
    got += value.length;
    onBytes(got);
  }
  if (got !== size) throw new ModelIntegrityError(`${name(url)} arrived with ${got} of ${size} bytes`);
}

async function sha256(bytes: Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** One file's bytes: its chunks (each checked, a dropped one fetched again) or the file itself. */
async function fetchFile(file: StoredFile, onBytes: (n: number) => void, signal?: AbortSignal): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.size);
  const parts = file.manifest ? await chunkList(file, signal) : [{ url: file.url, size: file.size, sha256: null }];
  let at = 0;
  for (const part of parts) {
    for (let attempt = 0; ; attempt++) {
      try {
        await fetchInto(part.url, part.size, bytes, at, (n) => onBytes(at + n), signal);
        break;
      } catch (e) {
        // A dropped connection (fetch's TypeError) is worth another try; a wrong answer is not.
        if (signal?.aborted || !(e instanceof TypeError) || attempt >= CHUNK_RETRIES) throw e;
      }
    }
    if (part.sha256 && (await sha256(bytes.subarray(at, at + part.size))) !== part.sha256) {
      throw new ModelIntegrityError(`${name(part.url)} failed its integrity check (damaged on the way?)`);
    }
    at += part.size;
  }
  if (file.sha256) {
    const digest = await sha256(bytes);
    if (digest !== file.sha256.toLowerCase()) {
      throw new ModelIntegrityError(`${name(file.url)} failed its integrity check (sha256 ${digest.slice(0, 12)}…, expected ${file.sha256.slice(0, 12)}…)`);
    }
  }
  return bytes;
}

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
    if (!(await isStored(file))) fetched.push([file, await fetchFile(file, (n) => progress(base + n, total), signal)]);
    base += file.size;
    progress(base, total);
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

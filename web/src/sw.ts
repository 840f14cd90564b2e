/// <reference lib="webworker" />
/**
 * The service worker: keeps the app on this device so that it works with the network off, reports
 * every request it sees to the pages (the privacy panel), and takes photos shared to privpix.
 *
 * What it keeps (docs/hosting.md, "What a visit downloads"):
 * - the shell (the page, its script and styles, icons) on install, through Workbox's precache;
 * - each tool's files (workers, codecs, libheif, onnxruntime), listed per tool by the build
 *   (scripts/offline-groups.ts), in TOOLS_CACHE: a file is kept when a page first fetches it, and a
 *   tool's whole set when a page asks (`privpix:keep`: the tool was opened, or the person asked for
 *   every tool). Tools kept once are fetched again, changed files only, when a new version installs;
 * - models and onnxruntime's WebGPU build are kept by the remove-bg tool in MODEL_CACHE
 *   (src/engine/tools/remove-bg/store.ts); requests for them are answered from there.
 *
 * What it serves carries the site's headers (src/app/privacy/security-headers.ts): those the host sent, and
 * any it did not, added here, so that on a host without custom headers the page is cross-origin
 * isolated (threads, SharedArrayBuffer) once this worker controls it.
 *
 * It never fetches anything the page did not ask for except those lists, and it reports those
 * fetches too. Updates wait until the person says so (the update bar's "Update" posts SKIP_WAITING).
 */
import { addPlugins, cleanupOutdatedCaches, getCacheKeyForURL, precacheAndRoute } from 'workbox-precaching';
import { cacheNames, clientsClaim } from 'workbox-core';
import { RELAY, type OfflineStatus, type PageMessage, type SwMessage, type SwNetEntry, type ToolOffline } from './app/privacy/sw-protocol';
import { SHARE_ACTION, SHARE_CACHE, SHARE_FIELD, SHARE_PARAM, shareKey, type ShareRecord } from './app/intake/handoff-protocol';
import { SECURITY_HEADERS } from './app/privacy/security-headers';
import { MODEL_CACHE, MODEL_PATH } from './engine/tools/remove-bg/store';

/** A precache manifest entry as the build writes it: `tools` marks a tool's file (absent: the shell). */
interface Entry {
  url: string;
  revision: string | null;
  bytes: number;
  tools?: string[];
}
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Entry[] };

const manifest: Entry[] = self.__WB_MANIFEST;
const shell = manifest.filter((e) => !e.tools);
/** Absolute URL -> entry, for every tool's file. */
const toolFiles = new Map(manifest.filter((e) => e.tools).map((e) => [new URL(e.url, self.location.href).href, e]));
const toolIds = [...new Set(manifest.flatMap((e) => e.tools ?? []))].sort();
const scope = new URL(self.registration.scope);

const TOOLS_CACHE = 'privpix-tools-v1';
/** Which tools the person has used (or asked for): their files are fetched again after an update. */
const KEPT_KEY = new URL('__privpix/kept-tools', scope).href;
/** Shares the page has not collected within this time are deleted with the next share. */
const SHARE_MAX_AGE_MS = 60 * 60 * 1000;

// ---- network log -------------------------------------------------------------------------------
// Each fetch event (requests from pages and their workers) and each fetch the service worker makes
// itself (precaching, keeping tools) is logged and posted to every window of this origin. A page keeps
// the entries whose owner is itself (or this service worker) and merges them with what it observes.

const LOG_LIMIT = 2000;
const log: SwNetEntry[] = [];
let seq = 0;
/** worker client id -> id of the window that created it (learnt from the worker's script request). */
const ownerOf = new Map<string, string>();

function record(entry: Omit<SwNetEntry, 'seq'>): Promise<void> {
  const full: SwNetEntry = { ...entry, seq: ++seq };
  log.push(full);
  if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
  return broadcast({ type: 'privpix:net', entries: [full] });
}

async function broadcast(message: SwMessage): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of windows) client.postMessage(message);
}

function hasBody(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/** Where a request of the page would be answered from: one of the caches here, or the network. */
async function answeredBy(request: Request): Promise<string> {
  if (getCacheKeyForURL(request.url) !== undefined) return 'offline copy';
  if (toolFiles.has(request.url) && (await (await caches.open(TOOLS_CACHE)).match(request.url))) return 'offline copy';
  if (isModelRequest(request) && (await modelCached(request))) return 'offline copy';
  return 'network';
}

self.addEventListener('fetch', (event: FetchEvent) => {
  const request = event.request;
  if (isShare(request)) return; // a hand-off from another app, shown by the page it opens (handoff.svelte.ts)
  const at = Date.now();
  const { clientId, resultingClientId } = event;
  const isWorkerScript = request.destination === 'worker' || request.destination === 'sharedworker';
  const knownOwner = clientId ? ownerOf.get(clientId) : undefined;
  if (isWorkerScript && clientId && resultingClientId) ownerOf.set(resultingClientId, knownOwner ?? clientId);
  event.waitUntil(
    (async () => {
      let owner: string;
      let context: SwNetEntry['context'];
      if (!clientId) {
        owner = resultingClientId || 'unknown'; // a navigation: the page being loaded
        context = 'page';
      } else if (knownOwner) {
        owner = knownOwner;
        context = 'worker';
      } else {
        const client = await self.clients.get(clientId);
        const isWindow = !client || client.type === 'window';
        owner = isWindow ? clientId : 'unknown'; // a worker whose window we did not see create it
        context = isWindow ? 'page' : 'worker';
      }
      await record({
        at,
        url: request.url,
        method: request.method,
        hasBody: hasBody(request.method),
        destination: request.destination,
        owner,
        context,
        kind: 'fetch',
        answeredBy: await answeredBy(request),
        size: null,
      });
    })(),
  );
});

// The service worker's own requests: methods from a wrapper around fetch, sizes from Resource Timing.
const realFetch = self.fetch.bind(self);
self.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const url = input instanceof Request ? input.url : new URL(String(input), self.location.href).href;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  void record({
    at: Date.now(),
    url,
    method,
    hasBody: hasBody(method) || init?.body != null,
    destination: '',
    owner: 'sw',
    context: 'sw',
    kind: 'fetch',
    answeredBy: 'network',
    size: null,
  });
  return realFetch(input, init);
};

try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as PerformanceResourceTiming[]) {
      void record({
        at: performance.timeOrigin + e.startTime,
        url: e.name,
        method: null,
        hasBody: false,
        destination: e.initiatorType,
        owner: 'sw',
        context: 'sw',
        kind: 'timing',
        answeredBy: null,
        size: e.transferSize || e.encodedBodySize || null,
      });
    }
  }).observe({ type: 'resource', buffered: true });
} catch {
  // Resource Timing in service workers is missing in some browsers; the fetch wrapper still reports.
}

/** Fetch what a page or worker asked for, unchanged, and say so in the log. */
function relay(request: Request): Promise<Response> {
  void record({
    at: Date.now(),
    url: request.url,
    method: request.method,
    hasBody: hasBody(request.method),
    destination: RELAY,
    owner: 'sw',
    context: 'sw',
    kind: 'fetch',
    answeredBy: 'network',
    size: null,
  });
  return realFetch(request);
}

// ---- headers ---------------------------------------------------------------------------------------

/** `response` with every site header the host did not send (docs/hosting.md, "Hosts without headers"). */
function withSiteHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const missing = Object.entries(SECURITY_HEADERS).filter(([name]) => !response.headers.has(name));
  if (!missing.length) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of missing) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

addPlugins([{ handlerWillRespond: async ({ response }) => withSiteHeaders(response) }]);

// ---- the tools' files ----------------------------------------------------------------------------

async function storedUrls(): Promise<Set<string>> {
  const cache = await caches.open(TOOLS_CACHE);
  return new Set((await cache.keys()).map((r) => r.url));
}

async function keptTools(): Promise<Set<string>> {
  const hit = await (await caches.open(TOOLS_CACHE)).match(KEPT_KEY);
  const ids: unknown = hit ? await hit.json().catch(() => []) : [];
  return new Set(Array.isArray(ids) ? ids.filter((id): id is string => toolIds.includes(id)) : []);
}

async function markKept(ids: string[]): Promise<void> {
  const kept = await keptTools();
  if (ids.every((id) => kept.has(id))) return;
  ids.forEach((id) => kept.add(id));
  await (await caches.open(TOOLS_CACHE)).put(KEPT_KEY, new Response(JSON.stringify([...kept].sort()), { headers: { 'Content-Type': 'application/json' } }));
}

/** Fetch one tool file and keep it, if it is what the build listed (its size; its name has its hash). */
async function keepFile(url: string, entry: Entry, response?: Response): Promise<void> {
  const answer = response ?? (await fetch(url, { credentials: 'same-origin' }));
  if (!answer.ok) throw new Error(`${new URL(url).pathname} could not be saved: HTTP ${answer.status}`);
  const body = await answer.clone().arrayBuffer();
  if (body.byteLength !== entry.bytes) throw new Error(`${new URL(url).pathname} arrived with ${body.byteLength} of ${entry.bytes} bytes`);
  await (await caches.open(TOOLS_CACHE)).put(url, answer);
}

const keeping = new Map<string, Promise<void>>();

/** A tool whose files are all here but this many bytes is kept along with the tool that brought
 *  them (Compress once Convert is kept: they share every codec, only their screens differ). */
const NEARLY_KEPT_BYTES = 64 * 1024;

function missingFiles(ids: string[], have: Set<string>): [string, Entry][] {
  return [...toolFiles].filter(([url, e]) => !have.has(url) && e.tools!.some((t) => ids.includes(t)));
}

/** Make sure every file of `ids` is kept; `progress` gets bytes done of the bytes that were missing. */
async function keep(ids: string[], progress: (done: number, total: number) => void): Promise<void> {
  const wanted = ids.filter((id) => toolIds.includes(id));
  await markKept(wanted);
  const missing = missingFiles(wanted, await storedUrls());
  const total = missing.reduce((n, [, e]) => n + e.bytes, 0);
  let done = 0;
  progress(done, total);
  for (const [url, entry] of missing) {
    // One fetch per file even when two pages (or two tools) ask for it at once.
    let job = keeping.get(url);
    if (!job) {
      job = keepFile(url, entry).finally(() => keeping.delete(url));
      keeping.set(url, job);
    }
    await job;
    done += entry.bytes;
    progress(done, total);
  }
  const have = await storedUrls();
  const nearly = toolIds.filter((id) => {
    const rest = missingFiles([id], have);
    return !wanted.includes(id) && rest.length > 0 && rest.reduce((n, [, e]) => n + e.bytes, 0) <= NEARLY_KEPT_BYTES;
  });
  if (nearly.length) await keep(nearly, () => undefined);
}

async function offlineStatus(): Promise<OfflineStatus> {
  const precache = await caches.open(cacheNames.precache);
  let missing = 0;
  for (const entry of shell) {
    const key = getCacheKeyForURL(entry.url);
    if (!key || !(await precache.match(key))) missing += 1;
  }
  const have = await storedUrls();
  const tools: Record<string, ToolOffline> = Object.fromEntries(toolIds.map((id) => [id, { missingBytes: 0 }]));
  let missingToolBytes = 0;
  for (const [url, entry] of toolFiles) {
    if (have.has(url)) continue;
    missingToolBytes += entry.bytes;
    for (const id of entry.tools!) tools[id]!.missingBytes += entry.bytes;
  }
  return { type: 'privpix:status', ready: missing === 0, total: shell.length, missing, tools, missingToolBytes };
}

// A tool's file: from TOOLS_CACHE, or from the network and then kept (its first use).
self.addEventListener('fetch', (event: FetchEvent) => {
  const request = event.request;
  const entry = request.method === 'GET' ? toolFiles.get(request.url) : undefined;
  if (!entry) return;
  event.respondWith(
    (async () => {
      const hit = await (await caches.open(TOOLS_CACHE)).match(request.url);
      if (hit) return withSiteHeaders(hit);
      const response = await relay(request);
      if (response.ok) event.waitUntil(keepFile(request.url, entry, response.clone()).catch(() => undefined));
      return withSiteHeaders(response);
    })(),
  );
});

// A new version fetches, while it installs, the changed files of the tools that were kept (the
// unchanged ones are already in TOOLS_CACHE under the same names); at activation the files no
// version lists any more are let go.
self.addEventListener('install', (event: ExtendableEvent) => {
  event.waitUntil(
    keptTools()
      .then((ids) => keep([...ids], () => undefined))
      .catch(() => undefined), // best effort: a tool not saved now is saved when next used
  );
});

self.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(TOOLS_CACHE);
      for (const request of await cache.keys()) if (request.url !== KEPT_KEY && !toolFiles.has(request.url)) await cache.delete(request);
    })(),
  );
});

// ---- messages from pages -----------------------------------------------------------------------

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data = event.data as PageMessage | { type: 'SKIP_WAITING' | 'privpix:hello' } | null;
  const source = event.source as Client | null;
  const port = event.ports[0];
  if (!data || typeof data.type !== 'string') return;
  if (data.type === 'SKIP_WAITING') {
    void self.skipWaiting();
  } else if (data.type === 'privpix:hello' && source) {
    source.postMessage({ type: 'privpix:hello', me: source.id, entries: log } satisfies SwMessage);
  } else if (data.type === 'privpix:status') {
    event.waitUntil(offlineStatus().then((status) => port?.postMessage(status satisfies SwMessage)));
  } else if (data.type === 'privpix:keep') {
    const ids = Array.isArray(data.tools) ? data.tools.filter((t): t is string => typeof t === 'string') : [];
    event.waitUntil(
      keep(ids, (done, total) => port?.postMessage({ type: 'privpix:keep-progress', done, total } satisfies SwMessage)).then(
        async () => port?.postMessage({ type: 'privpix:kept', status: await offlineStatus(), error: null } satisfies SwMessage),
        async (e: unknown) =>
          port?.postMessage({ type: 'privpix:kept', status: await offlineStatus(), error: e instanceof Error ? e.message : String(e) } satisfies SwMessage),
      ),
    );
  }
});

// ---- models ------------------------------------------------------------------------------------

// Models (and onnxruntime's WebGPU build) are not kept with the tool: the remove-bg tool
// downloads them on first use into MODEL_CACHE (src/engine/tools/remove-bg/store.ts). Requests for them are
// answered from there, so the tool works offline; anything not there yet goes to the network untouched.

function isModelRequest(request: Request): boolean {
  if (request.method !== 'GET') return false;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return false;
  const rel = url.pathname.slice(scope.pathname.length);
  return rel.startsWith(MODEL_PATH) || /(^|\/)ort-wasm-simd-threaded\.jspi[^/]*\.(wasm|mjs)$/.test(rel);
}

async function modelCached(request: Request): Promise<boolean> {
  return (await (await caches.open(MODEL_CACHE)).match(request.url)) !== undefined;
}

self.addEventListener('fetch', (event: FetchEvent) => {
  const request = event.request;
  if (!isModelRequest(request)) return;
  event.respondWith(
    (async () => {
      const hit = await (await caches.open(MODEL_CACHE)).match(request.url);
      // Not kept yet (the download itself, or a page asking before it): the network. The page's request
      // is logged by its own fetch event; this is the service worker's request on its behalf, logged
      // with its method so that its Resource Timing entry joins a row that has one.
      return withSiteHeaders(hit ?? (await relay(request)));
    })(),
  );
});

// ---- photos shared to privpix (Web Share Target) -------------------------------------------------
// The share sheet makes the browser POST the photos to SHARE_ACTION. They are kept in SHARE_CACHE
// under a fresh id and the window is sent to the app with that id, where the page takes them (and
// deletes them) into the tool's intake as if picked: src/app/handoff.svelte.ts. The POST never
// leaves this device; the privacy panel lists it as the hand-off it is.

function isShare(request: Request): boolean {
  return request.method === 'POST' && request.url === new URL(SHARE_ACTION, scope).href;
}

async function dropStaleShares(cache: Cache): Promise<void> {
  const old = Date.now() - SHARE_MAX_AGE_MS;
  for (const request of await cache.keys()) {
    if (!request.url.endsWith('/record')) continue;
    const rec = (await (await cache.match(request))?.json().catch(() => null)) as ShareRecord | null;
    if (rec && rec.at >= old) continue;
    const prefix = request.url.slice(0, -'record'.length);
    for (const r of await cache.keys()) if (r.url.startsWith(prefix)) await cache.delete(r);
  }
}

async function receiveShare(request: Request): Promise<Response> {
  const at = Date.now();
  let files: File[] = [];
  try {
    const form = await request.formData();
    files = form.getAll(SHARE_FIELD).filter((v): v is File => typeof v !== 'string' && v.size > 0);
  } catch {
    // not a form (or an empty one): the page says that nothing arrived
  }
  const cache = await caches.open(SHARE_CACHE);
  await dropStaleShares(cache);
  const id = crypto.randomUUID();
  for (const [i, f] of files.entries()) {
    await cache.put(shareKey(scope.href, id, i), new Response(f, { headers: { 'Content-Type': f.type || 'application/octet-stream' } }));
  }
  const rec: ShareRecord = {
    at,
    url: request.url,
    method: request.method,
    files: files.map((f) => ({ name: f.name, type: f.type, size: f.size, lastModified: f.lastModified })),
  };
  await cache.put(shareKey(scope.href, id, null), new Response(JSON.stringify(rec), { headers: { 'Content-Type': 'application/json' } }));
  return Response.redirect(new URL(`./?${SHARE_PARAM}=${id}`, scope).href, 303);
}

self.addEventListener('fetch', (event: FetchEvent) => {
  if (isShare(event.request)) event.respondWith(receiveShare(event.request));
});

cleanupOutdatedCaches();
// The page a share opens (./?share=<id>) is the shell's index.html, offline too.
precacheAndRoute(
  shell.map(({ url, revision }) => ({ url, revision })),
  { ignoreURLParametersMatching: [/^utm_/, /^fbclid$/, new RegExp(`^${SHARE_PARAM}$`)] },
);
clientsClaim();

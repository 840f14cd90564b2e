/// <reference lib="webworker" />
/**
 * The service worker: precaches the whole app so that after one visit every tool works with the
 * network off, and reports every request it sees to the pages, for the privacy panel.
 *
 * It serves only this app's own files from its cache. It never fetches anything the page did not ask
 * for, except the precache list itself (on install and on update), and it reports those fetches too.
 * Updates wait until the person says so (the update bar's "Update" posts SKIP_WAITING).
 */
import { cleanupOutdatedCaches, getCacheKeyForURL, precacheAndRoute } from 'workbox-precaching';
import { cacheNames, clientsClaim } from 'workbox-core';
import { RELAY, type SwMessage, type SwNetEntry } from './app/privacy/sw-protocol';
import { MODEL_CACHE, MODEL_PATH } from './engine/tools/remove-bg/store';

type ManifestEntry = string | { url: string; revision: string | null };
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: ManifestEntry[] };

const manifest: ManifestEntry[] = self.__WB_MANIFEST;

// ---- network log -------------------------------------------------------------------------------
// Each fetch event (requests from pages and their workers) and each fetch the service worker makes
// itself (precaching) is logged and posted to every window of this origin. A page keeps the entries
// whose owner is itself (or this service worker) and merges them with what it observes directly.

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

self.addEventListener('fetch', (event: FetchEvent) => {
  const request = event.request;
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
        answeredBy:
          getCacheKeyForURL(request.url) !== undefined || (isModelRequest(request) && (await modelCached(request)))
            ? 'offline copy'
            : 'network',
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

// ---- messages from pages -----------------------------------------------------------------------

async function precacheStatus(): Promise<{ ready: boolean; total: number; missing: number }> {
  const cache = await caches.open(cacheNames.precache);
  let missing = 0;
  for (const entry of manifest) {
    const key = getCacheKeyForURL(typeof entry === 'string' ? entry : entry.url);
    if (!key || !(await cache.match(key))) missing += 1;
  }
  return { ready: missing === 0, total: manifest.length, missing };
}

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data = event.data as { type?: string } | null;
  const source = event.source as Client | null;
  if (!data || typeof data.type !== 'string') return;
  if (data.type === 'SKIP_WAITING') {
    void self.skipWaiting();
  } else if (data.type === 'privpix:hello' && source) {
    source.postMessage({ type: 'privpix:hello', me: source.id, entries: log } satisfies SwMessage);
  } else if (data.type === 'privpix:status') {
    const port = event.ports[0];
    event.waitUntil(
      precacheStatus().then(
        (status) => port?.postMessage({ type: 'privpix:status', ...status } satisfies SwMessage),
        () => port?.postMessage({ type: 'privpix:status', ready: false, total: manifest.length, missing: -1 }),
      ),
    );
  }
});

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

// ---- caching -----------------------------------------------------------------------------------

// Models (and onnxruntime's WebGPU build) are not precached: the remove-bg tool downloads
// them on first use into MODEL_CACHE (src/engine/tools/remove-bg/store.ts). Requests for them are answered
// from there, so the tool works offline; anything not there yet goes to the network untouched.
const scope = new URL(self.registration.scope);

function isModelRequest(request: Request): boolean {
  if (request.method !== 'GET') return false;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return false;
  const rel = url.pathname.slice(scope.pathname.length);
  return rel.startsWith(MODEL_PATH) || /(^|\/)ort-wasm-simd-threaded\.asyncify[^/]*\.(wasm|mjs)$/.test(rel);
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
      return hit ?? relay(request);
    })(),
  );
});


cleanupOutdatedCaches();
precacheAndRoute(manifest);
clientsClaim();

/**
 * The privacy panel's data: every network request this page has made since it loaded.
 *
 * Sources, merged into one row per request:
 *  - the page's own Resource Timing and Navigation Timing (PerformanceObserver, buffered), which know
 *    URL, initiator and size but not the method;
 *  - reports forwarded by the app's Web Workers (their own Resource Timing + a fetch wrapper);
 *  - the service worker, which posts every fetch event it handles (with the method) and every fetch it
 *    makes itself (precaching); the page keeps the entries that belong to it.
 * Two observations are the same request when URL and context agree, one knows the method and the other
 * the size, and they happened within a few seconds of each other.
 */
import type { Observation } from './net-types';
import type { ShareRecord } from '../intake/handoff-protocol';
import { RELAY, type SwMessage, type SwNetEntry } from './sw-protocol';

export interface NetRow {
  id: number;
  url: string;
  at: number;
  context: Observation['context'];
  who: string;
  method: string | null;
  /** The method is not reported but implied by the kind of request (elements and navigations use GET). */
  methodImplied: boolean;
  size: number | null;
  answeredBy: string | null;
  seen: Set<Observation['kind']>;
  /** Photos another app on this device shared with privpix: the browser POSTed them to the service
   *  worker, which kept them for this page; nothing went to the network. */
  handoff?: boolean;
}

const MATCH_WINDOW_MS = 5000;
const ELEMENT_INITIATORS = new Set(['navigation', 'script', 'link', 'css', 'img', 'image', 'icon', 'other', 'video', 'audio', 'track', 'input', 'embed', 'object', 'frame', 'iframe']);

function initiatorLabel(type: string): string {
  switch (type) {
    case 'navigation':
      return 'page (loading this page)';
    case 'link':
      return 'page (stylesheet or preload)';
    case 'css':
      return 'page (from a stylesheet)';
    case 'img':
      return 'page (image)';
    default:
      return `page (${type})`;
  }
}

function swWho(e: SwNetEntry): string {
  if (e.context === 'sw') return e.destination === RELAY ? 'service worker (passing a download through)' : 'service worker (saving the app for offline use)';
  const d = e.destination || 'fetch';
  if (e.context === 'worker') return `worker (${d})`;
  if (d === 'document') return 'page (loading this page)';
  return `page (${d === 'worker' ? 'starting a worker' : d})`;
}

export class NetworkLog {
  rows = $state.raw<NetRow[]>([]);
  readonly origin: string;
  private nextId = 1;
  private me: string | null = null;
  private pendingSw: SwNetEntry[] = [];
  private seenSeq = new Set<number>();
  private readonly since: number;

  constructor() {
    this.origin = location.origin;
    this.since = performance.timeOrigin;
  }

  /** Start observing. Called once, before anything else loads. */
  start(): void {
    try {
      performance.setResourceTimingBufferSize?.(2000);
      const po = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) this.fromTiming(e as PerformanceResourceTiming);
      });
      po.observe({ type: 'navigation', buffered: true });
      po.observe({ type: 'resource', buffered: true });
    } catch {
      for (const e of performance.getEntriesByType('navigation')) this.fromTiming(e as PerformanceResourceTiming);
      for (const e of performance.getEntriesByType('resource')) this.fromTiming(e as PerformanceResourceTiming);
    }
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => this.fromServiceWorker(event.data));
      navigator.serviceWorker.startMessages();
      const hello = (): void => {
        void navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage({ type: 'privpix:hello' }));
      };
      navigator.serviceWorker.addEventListener('controllerchange', hello);
      hello();
    }
  }

  /** Listen to a Web Worker's forwarded reports. */
  trackWorker(worker: Worker, who: string): void {
    worker.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as { type?: string; observations?: Observation[] } | null;
      if (data?.type !== 'privpix:net' || !Array.isArray(data.observations)) return;
      for (const o of data.observations) this.add({ ...o, who: o.kind === 'fetch' ? who : o.who }, o.kind === 'timing' && o.impliedGet === true);
    });
  }

  /** A request the page knows the browser makes on its behalf (e.g. the service-worker update check). */
  noteBrowserRequest(url: string, who: string): void {
    this.add({ url: new URL(url, location.href).href, at: Date.now(), context: 'page', who, kind: 'fetch', method: 'GET', size: null, answeredBy: 'network' });
  }

  /** The share that opened this page (handoff.svelte.ts): its POST, answered on this device. */
  noteHandOff(rec: ShareRecord): void {
    const size = rec.files.reduce((n, f) => n + f.size, 0);
    const n = rec.files.length;
    const row: NetRow = {
      id: this.nextId++,
      url: rec.url,
      at: rec.at,
      context: 'page',
      who: `another app on this device (shared ${n === 1 ? 'one photo' : `${n} photos`} with privpix)`,
      method: rec.method,
      methodImplied: false,
      size,
      answeredBy: 'service worker, on this device (not sent anywhere)',
      seen: new Set(['fetch']),
      handoff: true,
    };
    this.rows = [...this.rows, row].sort((a, b) => a.at - b.at);
  }

  private seenTiming = new Set<string>();

  private fromTiming(e: PerformanceResourceTiming): void {
    const id = `${e.entryType} ${e.name} ${e.startTime}`;
    if (this.seenTiming.has(id)) return; // the same buffered entry can arrive once per observe() call
    this.seenTiming.add(id);
    const type = e.entryType === 'navigation' ? 'navigation' : e.initiatorType;
    this.add({
      url: e.name,
      at: performance.timeOrigin + e.startTime,
      context: 'page',
      who: initiatorLabel(type),
      kind: 'timing',
      method: null,
      size: e.transferSize || e.encodedBodySize || null,
      answeredBy: e.workerStart > 0 ? null : e.transferSize > 0 ? 'network' : e.encodedBodySize > 0 ? 'browser cache' : null,
    }, ELEMENT_INITIATORS.has(type));
  }

  private fromServiceWorker(raw: unknown): void {
    const msg = raw as SwMessage | null;
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'privpix:hello') {
      this.me = msg.me;
      const backlog = [...this.pendingSw, ...msg.entries];
      this.pendingSw = [];
      backlog.sort((a, b) => a.seq - b.seq).forEach((e) => this.swEntry(e));
    } else if (msg.type === 'privpix:net') {
      for (const e of msg.entries) {
        if (this.me === null) this.pendingSw.push(e);
        else this.swEntry(e);
      }
    }
  }

  private swEntry(e: SwNetEntry): void {
    if (this.seenSeq.has(e.seq)) return;
    const mine =
      e.owner === this.me || ((e.owner === 'sw' || e.owner === 'unknown') && e.at >= this.since - 1);
    if (!mine) return;
    this.seenSeq.add(e.seq);
    this.add({
      url: e.url,
      at: e.at,
      context: e.context,
      who: swWho(e),
      kind: e.kind,
      method: e.method,
      size: e.size,
      answeredBy: e.answeredBy,
    });
  }

  private add(o: Observation, elementInitiated = false): void {
    if (o.url.startsWith('blob:') || o.url.startsWith('data:')) return; // never leave the page
    const match = this.rows.find(
      (r) =>
        r.url === o.url &&
        r.context === o.context &&
        !r.seen.has(o.kind) &&
        Math.abs(r.at - o.at) < MATCH_WINDOW_MS,
    );
    if (match) {
      const seen = new Set(match.seen).add(o.kind);
      const merged: NetRow =
        o.kind === 'fetch'
          ? {
              ...match,
              seen,
              method: o.method,
              methodImplied: false,
              answeredBy: o.answeredBy ?? match.answeredBy,
              // the service worker's own fetch knows why it was made; its timing entry does not
              who: match.who.endsWith('(other)') || o.context === 'sw' ? o.who : match.who,
            }
          : { ...match, seen, who: o.who.endsWith('(other)') || o.context === 'sw' ? match.who : o.who, size: o.size ?? match.size, answeredBy: match.answeredBy ?? o.answeredBy, at: Math.min(match.at, o.at) };
      this.rows = this.rows.map((r) => (r === match ? merged : r));
      return;
    }
    const implied = o.kind === 'timing' && elementInitiated;
    this.rows = [
      ...this.rows,
      {
        id: this.nextId++,
        url: o.url,
        at: o.at,
        context: o.context,
        who: o.who,
        method: o.method ?? (implied ? 'GET' : null),
        methodImplied: implied,
        size: o.size,
        answeredBy: o.answeredBy,
        seen: new Set([o.kind]),
      },
    ].sort((a, b) => a.at - b.at);
  }

  get summary(): { total: number; foreign: number; withBody: number; unknownMethod: number; handoffs: number; text: string } {
    const rows = this.rows;
    const total = rows.length;
    const foreign = rows.filter((r) => new URL(r.url).origin !== this.origin).length;
    const handoffs = rows.filter((r) => r.handoff).length;
    const withBody = rows.filter((r) => !r.handoff && r.method !== null && r.method !== 'GET' && r.method !== 'HEAD').length;
    const unknownMethod = rows.filter((r) => r.method === null).length;
    const parts = [
      `${total} request${total === 1 ? '' : 's'}`,
      foreign === 0 ? 'all to this origin' : `${foreign} to other origins`,
      withBody === 0 ? 'none with a body' : `${withBody} that may carry a body`,
    ];
    if (handoffs) parts.push(`${handoffs === 1 ? 'one' : handoffs} share hand-off${handoffs === 1 ? '' : 's'} from another app on this device`);
    if (unknownMethod) parts.push(`method unknown for ${unknownMethod}`);
    return { total, foreign, withBody, unknownMethod, handoffs, text: parts.join(', ') };
  }
}

export const network = new NetworkLog();

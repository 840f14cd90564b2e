/**
 * Imported by every Web Worker: forwards the worker's own network requests to the page for the privacy
 * panel. Sizes come from Resource Timing (the worker's own timeline, which the page cannot see); methods
 * from a thin wrapper around fetch. Messages are {type: 'privpix:net', observations}; Comlink ignores
 * them (they carry no Comlink id).
 */
import type { Observation } from './net-types';

declare const self: DedicatedWorkerGlobalScope;

export function reportNetwork(who: string): void {
  const send = (observations: Observation[]): void => {
    if (observations.length) self.postMessage({ type: 'privpix:net', observations });
  };
  try {
    new PerformanceObserver((list) => {
      send(
        (list.getEntries() as PerformanceResourceTiming[]).map((e) => ({
          url: e.name,
          at: performance.timeOrigin + e.startTime,
          context: 'worker',
          who: `${who} (${e.initiatorType})`,
          kind: 'timing',
          method: null,
          size: e.transferSize || e.encodedBodySize || null,
          answeredBy: null,
          // import() and importScripts load code with GET; they cannot carry a body.
          impliedGet: e.initiatorType === 'script' || e.initiatorType === 'other',
        })),
      );
    }).observe({ type: 'resource', buffered: true });
  } catch {
    // no Resource Timing in this worker: the service worker and the fetch wrapper still report
  }
  const realFetch = self.fetch.bind(self);
  self.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : new URL(String(input), self.location.href).href;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    send([
      { url, at: Date.now(), context: 'worker', who, kind: 'fetch', method, size: null, answeredBy: null },
    ]);
    return realFetch(input, init);
  };
}

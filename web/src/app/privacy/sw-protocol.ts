/** Messages between the service worker (src/sw.ts) and the pages. */

/** One request the service worker saw (a fetch event) or made (precaching), or its timing entry. */
export interface SwNetEntry {
  seq: number;
  /** Epoch milliseconds. */
  at: number;
  url: string;
  /** Null for timing entries, which do not know the method. */
  method: string | null;
  hasBody: boolean;
  /** Request.destination for fetch events, initiatorType for timing entries, RELAY for the service
   *  worker's fetch of a request it passes through. */
  destination: string;
  /** Id of the window client the request belongs to, 'sw' for the service worker's own, or 'unknown'. */
  owner: string;
  context: 'page' | 'worker' | 'sw';
  kind: 'fetch' | 'timing';
  answeredBy: string | null;
  size: number | null;
}

export type SwMessage =
  | { type: 'privpix:net'; entries: SwNetEntry[] }
  | { type: 'privpix:hello'; me: string; entries: SwNetEntry[] }
  | { type: 'privpix:status'; ready: boolean; total: number; missing: number };

/** `destination` of the service worker's own fetch of a request it passes through to the network (a
 *  model download the first time): it fetches on the page's behalf, not to save the app. */
export const RELAY = 'relay';

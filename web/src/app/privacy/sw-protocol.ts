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

/** What the service worker lacks of one tool's files (beyond the shell). */
export interface ToolOffline {
  missingBytes: number;
}

/** What the service worker holds for offline use: the shell (saved up front) and each tool's files. */
export interface OfflineStatus {
  type: 'privpix:status';
  /** The shell is complete: the app opens offline. */
  ready: boolean;
  total: number;
  missing: number;
  /** By tool id (the route, #/<id>). */
  tools: Record<string, ToolOffline>;
  /** Bytes of every tool's files not saved yet, each file once. */
  missingToolBytes: number;
}

export type SwMessage =
  | { type: 'privpix:net'; entries: SwNetEntry[] }
  | { type: 'privpix:hello'; me: string; entries: SwNetEntry[] }
  | OfflineStatus
  /** While tools are being saved: bytes saved of the bytes missing when it began. */
  | { type: 'privpix:keep-progress'; done: number; total: number }
  /** Saving ended; `error` says why a file could not be saved. */
  | { type: 'privpix:kept'; status: OfflineStatus; error: string | null };

/** What a page asks the service worker (each with a MessagePort for the answer). */
export type PageMessage = { type: 'privpix:status' } | { type: 'privpix:keep'; tools: string[] };

/** `destination` of the service worker's own fetch of a request it passes through to the network (a
 *  model download the first time): it fetches on the page's behalf, not to save the app. */
export const RELAY = 'relay';

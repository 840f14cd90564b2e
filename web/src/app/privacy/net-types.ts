/** One thing some observer noticed about one request. Several observations of the same request
 * (the page's Resource Timing, the service worker's fetch event, a worker's report) merge into one row. */
export interface Observation {
  url: string;
  /** Epoch milliseconds. */
  at: number;
  /** Whose request it was: the page itself, one of its Web Workers, or the service worker. */
  context: 'page' | 'worker' | 'sw';
  /** Who asked, for people ("page (script)", "metadata worker", "service worker (precache)"). */
  who: string;
  /** 'timing' knows sizes but not methods; 'fetch' knows the method. */
  kind: 'timing' | 'fetch';
  method: string | null;
  size: number | null;
  answeredBy: string | null;
  /** The kind of request implies GET (a worker's module import or script), though no method was seen. */
  impliedGet?: boolean;
}

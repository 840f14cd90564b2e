// Page side of the erase benchmark and agreement pages: hands requests to the worker (the fill blocks
// its thread in Atomics.wait, so it cannot run on the page) and exposes the answers to the driver.
import type { EraseBenchRequest, EraseBenchAnswer } from './erase.worker';

declare global {
  interface Window {
    benchErase(request: EraseBenchRequest): Promise<EraseBenchAnswer>;
  }
}

let worker: Worker | null = null;

window.benchErase = (request) => {
  worker ??= new Worker(new URL('./erase.worker.ts', import.meta.url), { type: 'module' });
  const w = worker;
  return new Promise((ok) => {
    w.onmessage = (e: MessageEvent<EraseBenchAnswer>) => ok(e.data);
    w.postMessage(request);
  });
};

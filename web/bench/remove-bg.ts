// Page side of the remove-bg benchmark and agreement test: forwards each request to a Worker
// (where the engine runs in the app) and hands the answer to the Playwright driver.
import type { BgReply, BgRequest } from './remove-bg.worker';

declare global {
  interface Window {
    benchRemoveBg(request: BgRequest): Promise<BgReply>;
  }
}

let worker: Worker | null = null;
let pending: ((r: BgReply) => void) | null = null;

window.benchRemoveBg = (request) =>
  new Promise<BgReply>((ok) => {
    if (!worker) {
      worker = new Worker(new URL('./remove-bg.worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (e: MessageEvent<BgReply>) => pending?.(e.data);
    }
    pending = ok;
    // URLs are relative to this page, not to the worker's script
    worker.postMessage({ ...request, url: new URL(request.url, location.href).href, model: new URL(request.model, location.href).href });
  });

// Page side of the compress/convert benchmarks and the conformance test: forwards each request to a
// Worker (the engine's home in the app) and hands the answer to the Playwright driver.
import type { Request, Reply } from './encode.worker';

declare global {
  interface Window {
    benchEncode(request: Request): Promise<Reply>;
    benchReset(): void;
  }
}

let worker: Worker | null = null;
let pending: ((r: Reply) => void) | null = null;

function ensure(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./encode.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<Reply>) => pending?.(e.data);
  }
  return worker;
}

window.benchEncode = (request) =>
  new Promise<Reply>((ok) => {
    pending = ok;
    // file URLs are relative to this page, not to the worker's script
    ensure().postMessage({ ...request, url: new URL(request.url, location.href).href });
  });

window.benchReset = () => {
  worker?.terminate();
  worker = null;
};

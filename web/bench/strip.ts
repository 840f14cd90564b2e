// Page side: hands the bytes of each file to the worker and exposes the results to the driver.
import type { StripTiming } from './strip.worker';

declare global {
  interface Window {
    benchStrip(urls: string[], repeats: number): Promise<StripTiming[]>;
  }
}

window.benchStrip = async (urls, repeats) => {
  const worker = new Worker(new URL('./strip.worker.ts', import.meta.url), { type: 'module' });
  const results: StripTiming[] = [];
  for (const url of urls) {
    const data = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const done = new Promise<StripTiming>((ok) => (worker.onmessage = (e: MessageEvent<StripTiming>) => ok(e.data)));
    worker.postMessage({ name: url, data, repeats }, [data.buffer]);
    results.push(await done);
  }
  worker.terminate();
  return results;
};

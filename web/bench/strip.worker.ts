// Worker side: times the engine's strip (inspect + rewrite + re-inspect, as the app runs it) on bytes
// that are already in memory — "after the file is read".
import { defaultStripOptions, strip } from '../src/engine/index';

export interface StripTiming {
  name: string;
  bytes: number;
  bytesAfter: number;
  ms: number[];
  error?: string;
}

self.onmessage = (e: MessageEvent<{ name: string; data: Uint8Array; repeats: number }>) => {
  const { name, data, repeats } = e.data;
  const ms: number[] = [];
  let bytesAfter = 0;
  try {
    for (let i = 0; i < repeats; i++) {
      const copy = data.slice(); // a fresh array each time: no parse is reused across runs
      const start = performance.now();
      bytesAfter = strip(copy, defaultStripOptions()).data.length;
      ms.push(performance.now() - start);
    }
  } catch (err) {
    self.postMessage({ name, bytes: data.length, bytesAfter, ms, error: String(err) } satisfies StripTiming);
    return;
  }
  self.postMessage({ name, bytes: data.length, bytesAfter, ms } satisfies StripTiming);
};

/// <reference lib="webworker" />
// The engine's second worker (see helper.ts): runs one codec call at a time for the engine worker.
import type { HelperRequest } from './helper';

async function run(request: HelperRequest): Promise<[unknown, Transferable[]]> {
  switch (request.op) {
    case 'mozjpeg': {
      const { mozjpeg } = await import('./jpeg');
      const out = await mozjpeg(request.rgba, request.width, request.height, request.options);
      return [out, [out.buffer]];
    }
    case 'heif': {
      const { decodeHeifFiles } = await import('./heic');
      const out = await decodeHeifFiles(request.files);
      return [out, out.map((r) => r.data.buffer)];
    }
    case 'warm': {
      for (const codec of request.codecs) {
        if (codec === 'mozjpeg') await (await import('./jpeg')).warm();
        if (codec === 'heif') await (await import('./heic')).warm();
      }
      return [null, []];
    }
  }
}

self.onmessage = async (e: MessageEvent<{ id: number; request: HelperRequest }>) => {
  const { id, request } = e.data;
  try {
    const [result, transfer] = await run(request);
    (self as unknown as DedicatedWorkerGlobalScope).postMessage({ id, result }, transfer);
  } catch (err) {
    (self as unknown as DedicatedWorkerGlobalScope).postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};

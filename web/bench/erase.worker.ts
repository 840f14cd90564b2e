// Worker side: the erase engine exactly as the app's worker runs it (openForErase, erasePatch with the
// parallel runner), timed, or its raw pixels for the agreement test (tests/test_erase_agreement.py).
import {
  ERASE_MAX_CROP,
  defaultEraseOptions,
  eraseFilePixels,
  erasePatch,
  eraseRunner,
  fill,
  fillParams,
  maskSide,
  openForErase,
  ParallelRunner,
  type EraseOptions,
  type FillParams,
  type LevelReport,
} from '../src/engine/tools/erase/index';

export type EraseBenchRequest =
  | {
      op: 'time';
      photo: string;
      box: [number, number, number, number];
      threads: number;
      repeats: number;
      options?: Partial<EraseOptions>;
      /** Algorithm parameters over the defaults (the bench times the engine as it was before a change). */
      params?: Partial<FillParams>;
    }
  | { op: 'pixels'; photo: string; mask: string; threads: number; options: Partial<EraseOptions> };

export interface EraseRun {
  ms: number;
  prepare: number;
  fill: number;
  blend: number;
  levels: LevelReport[];
  /** Share of kernel indices the helper threads ran. */
  helped: number;
}

export type EraseBenchAnswer =
  | { ok: true; op: 'time'; width: number; height: number; decodeMs: number; threads: number; runs: EraseRun[]; crop: number[]; region: number[]; grow: number; feather: number }
  | { ok: true; op: 'pixels'; width: number; height: number; rgb: string; region: number[]; grow: number; feather: number; ms: number }
  | { ok: false; error: string };

const bytes = async (url: string): Promise<Uint8Array> => new Uint8Array(await (await fetch(url)).arrayBuffer());

function base64(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(s);
}

async function handle(r: EraseBenchRequest): Promise<EraseBenchAnswer> {
  const options = { ...defaultEraseOptions(), ...r.options };
  const runner = await eraseRunner(r.threads);
  if (r.op === 'pixels') {
    const t = performance.now();
    const res = await eraseFilePixels(await bytes(r.photo), await bytes(r.mask), options, { runner });
    return { ok: true, op: 'pixels', width: res.width, height: res.height, rgb: base64(res.rgb), region: res.step.report.region, grow: res.step.report.grow, feather: res.step.report.feather, ms: performance.now() - t };
  }
  const t0 = performance.now();
  const photo = await openForErase(await bytes(r.photo));
  const decodeMs = performance.now() - t0;
  const { width, height } = photo.raster;
  // The image as the app holds it: RGBA on a SharedArrayBuffer.
  const shared = new Uint8ClampedArray(new SharedArrayBuffer(width * height * 4));
  shared.set(photo.raster.data);
  const [x, y, w, h] = r.box;
  const mask = { x, y, w, h, data: new Uint8Array(w * h).fill(1) };
  const runs: EraseRun[] = [];
  let last = null;
  for (let i = 0; i < r.repeats; i++) {
    const p = runner instanceof ParallelRunner ? runner : null;
    const [total0, helped0] = p ? [p.total, p.helped] : [0, 0];
    const t = performance.now();
    const image = { data: shared, width, height, channels: 4 as const };
    let step;
    if (r.params) {
      const P = { ...fillParams(options, maskSide(mask), width, height), ...r.params };
      const done = fill(image, mask, P, { runner }, { maxCrop: ERASE_MAX_CROP })!;
      step = { patch: done.patch, report: { ...done.report, grow: P.grow, feather: P.feather } };
    } else {
      step = erasePatch(image, mask, options, { runner });
    }
    const ms = performance.now() - t;
    const helped = p ? (p.helped - helped0) / Math.max(1, p.total - total0) : 0;
    runs.push({ ms, ...step.report.ms, levels: step.report.levels, helped });
    last = step.report;
  }
  return { ok: true, op: 'time', width, height, decodeMs, threads: runner.threads, runs, crop: last!.crop, region: last!.region, grow: last!.grow, feather: last!.feather };
}

self.onmessage = async (e: MessageEvent<EraseBenchRequest>) => {
  try {
    self.postMessage(await handle(e.data));
  } catch (err) {
    self.postMessage({ ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) } satisfies EraseBenchAnswer);
  }
};

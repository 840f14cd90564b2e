// Worker side: runs the app's remove-bg engine (the same code as the tool's worker) on a file
// fetched by URL, and reports per-stage timings and, when asked, the 8-bit mask (base64, row-major).
//
// mode 'engine': the tool end to end (decode, model input, inference, refine, encode), timed per stage.
// mode 'plain':  the plain pipeline on the same model (imgly 1.4.5: naive stretch to 1024², output
//                truncated to 8 bits, naive bilinear back up; no refinement), for the quality table.
import { MODELS, removeBg } from '../src/engine/tools/remove-bg/index';
import { optionsFrom } from '../src/engine/options';
import { createSession, type Session } from '../src/tools/remove-bg/session';
import { decode } from '../src/engine/imaging/decode';
import { orient } from '../src/engine/imaging/raster';
import { pixelsAt } from '../src/engine/imaging/resize';

export interface BgRequest {
  url: string;
  /** URL of the .onnx file. */
  model: string;
  mode: 'engine' | 'plain';
  /** Engine options (Python names). */
  format?: 'png' | 'webp';
  background?: string;
  maskOnly?: boolean;
  repeats?: number;
  /** Return the 8-bit mask (engine: decoded from the mask PNG; plain: computed). */
  wantMask?: boolean;
  backend?: 'wasm' | 'webgpu' | 'auto';
  /** wasm threads (first request in a fresh page only). */
  threads?: number;
}

export interface BgReply {
  ok: boolean;
  error?: string;
  width?: number;
  height?: number;
  backend?: string;
  threads?: number;
  crossOriginIsolated?: boolean;
  loadMs?: number;
  /** One entry per repeat: stage → ms, and total. */
  runs?: Record<string, number>[];
  bytes?: number;
  mask?: string;
  /** The engine's subject signal (confidence.ts). */
  subject?: { confidence: number; may_be_incomplete: boolean; second_look: boolean };
}

let cached: { url: string; backend: string; session: Session } | null = null;

async function session(url: string, backend: BgRequest['backend'], threads?: number): Promise<[Session, number]> {
  if (cached?.url === url && cached.backend === (backend ?? 'wasm')) return [cached.session, 0];
  await cached?.session.release();
  const t = performance.now();
  const bytes = await (await fetch(url)).arrayBuffer();
  const s = await createSession({ model: bytes, inputName: 'input', outputName: 'output', backend: backend ?? 'wasm', ...(threads ? { threads } : {}) });
  cached = { url, backend: backend ?? 'wasm', session: s };
  return [s, performance.now() - t];
}

function b64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** imgly 1.4.5's tensorResizeBilinear: src = dst·(in/out), no half-pixel, 4 taps, Math.round. */
function naiveResize(src: Uint8ClampedArray | Uint8Array, W: number, H: number, C: number, w: number, h: number, cOut: number): Uint8Array {
  const out = new Uint8Array(w * h * cOut);
  const sx = W / w;
  const sy = H / h;
  for (let y = 0; y < h; y++) {
    const fy = y * sy;
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, H - 1);
    const dy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = x * sx;
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, W - 1);
      const dx = fx - x0;
      for (let c = 0; c < cOut; c++) {
        const a = src[(y0 * W + x0) * C + c]!;
        const b = src[(y0 * W + x1) * C + c]!;
        const d = src[(y1 * W + x0) * C + c]!;
        const e = src[(y1 * W + x1) * C + c]!;
        out[(y * w + x) * cOut + c] = Math.round(a * (1 - dx) * (1 - dy) + b * dx * (1 - dy) + d * (1 - dx) * dy + e * dx * dy);
      }
    }
  }
  return out;
}

async function plain(req: BgRequest, s: Session): Promise<{ runs: Record<string, number>; mask: Uint8Array; width: number; height: number }> {
  const data = new Uint8Array(await (await fetch(req.url)).arrayBuffer());
  let t = performance.now();
  const d = await decode(data, 'keep');
  const r = orient(await pixelsAt(d.picture, d.width, d.height), d.orientation);
  const tDecode = performance.now() - t;
  t = performance.now();
  const N = 1024;
  const small = naiveResize(r.data, r.width, r.height, 4, N, N, 3);
  const x = new Float32Array(3 * N * N);
  for (let i = 0; i < N * N; i++) for (let c = 0; c < 3; c++) x[c * N * N + i] = (small[i * 3 + c]! - 128) / 256;
  const tPrep = performance.now() - t;
  t = performance.now();
  const m = await s.run(x, N, N);
  const tInfer = performance.now() - t;
  t = performance.now();
  const m8 = new Uint8Array(N * N);
  for (let i = 0; i < N * N; i++) m8[i] = Math.floor(Math.min(1, Math.max(0, m[i]!)) * 255);
  const mask = naiveResize(m8, N, N, 1, r.width, r.height, 1);
  const tUp = performance.now() - t;
  return { runs: { decode: tDecode, prepare: tPrep, infer: tInfer, refine: tUp, total: tDecode + tPrep + tInfer + tUp }, mask, width: r.width, height: r.height };
}

async function maskOf(png: Uint8Array): Promise<{ mask: Uint8Array; width: number; height: number }> {
  const bitmap = await createImageBitmap(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const { width, height } = bitmap;
  const c = new OffscreenCanvas(width, height);
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = rgba[i * 4]!;
  return { mask, width, height };
}

self.onmessage = async (e: MessageEvent<BgRequest>) => {
  const req = e.data;
  try {
    const [s, loadMs] = await session(req.model, req.backend, req.threads);
    const runs: Record<string, number>[] = [];
    let reply: BgReply = { ok: true, backend: s.backend, threads: s.threads, crossOriginIsolated: self.crossOriginIsolated, loadMs };
    for (let i = 0; i < (req.repeats ?? 1); i++) {
      if (req.mode === 'plain') {
        const p = await plain(req, s);
        runs.push(p.runs);
        reply = { ...reply, width: p.width, height: p.height, ...(req.wantMask ? { mask: b64(p.mask) } : {}) };
        continue;
      }
      const data = new Uint8Array(await (await fetch(req.url)).arrayBuffer());
      const t = performance.now();
      // the registry's name of the model file the page sent (the result reports it)
      const model = Object.values(MODELS).find((m) => req.model.endsWith(m.file))?.name;
      const options = optionsFrom('remove_bg', { model, format: req.format ?? 'png', background: req.background ?? 'none', mask_only: req.maskOnly ?? false });
      const r = await removeBg(
        data,
        options,
        { infer: (x, h, w) => s.run(x, h, w), input: { name: 'input', layout: 'NCHW', channels: 'RGB', dtype: 'float32', mean: 128, std: 256, multiple: 64 } },
      );
      runs.push({ ...r.stages, total: performance.now() - t });
      reply = {
        ...reply,
        width: r.width,
        height: r.height,
        bytes: r.data.length,
        subject: { confidence: r.confidence, may_be_incomplete: r.may_be_incomplete, second_look: r.second_look },
      };
      if (req.wantMask && req.maskOnly) reply.mask = b64((await maskOf(r.data)).mask);
    }
    self.postMessage({ ...reply, runs });
  } catch (err) {
    self.postMessage({ ok: false, error: String((err as Error)?.stack ?? err) } satisfies BgReply);
  }
};

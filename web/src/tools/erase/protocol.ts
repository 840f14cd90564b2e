/** What the erase worker (worker.ts) answers to the screen. Types only. */
import type { SourceFormat } from '../../engine/imaging/photo';
import type { EncodeFormat } from '../../engine/options';
import type { MaskOp } from '../../engine/tools/erase/mask';
import type { Encoded, ErasePhoto, EraseOptions } from '../../engine/tools/erase/tool';

export type { EraseOptions, MaskOp };

/** The photo being edited: upright RGBA on a SharedArrayBuffer the page owns and writes. */
export interface OpenedPhoto {
  pixels: Uint8ClampedArray<SharedArrayBuffer>;
  width: number;
  height: number;
  /** The container it came in (jpeg, heic, ...) and the format a result is written in. */
  source: SourceFormat;
  format: EncodeFormat;
  icc: Uint8Array | null;
  exif: Uint8Array | null;
  /** The file as opened (its bytes and what it carried), for the report of what the result removed. */
  original: ErasePhoto['original'];
  warnings: string[];
  /** The same pixels for the screen (the page keeps it as "the original"). */
  bitmap: ImageBitmap;
}

export interface Problem {
  /** For people, one sentence (app/text/problems.ts). */
  message: string;
  /** The technical text behind it, for "Details". */
  detail?: string;
  /** The file (or the mask) is the cause, not privpix. */
  isFileError: boolean;
}

export type OpenOutcome = { ok: true; photo: OpenedPhoto } | { ok: false; problem: Problem };

export interface EraseRequest {
  pixels: Uint8ClampedArray<SharedArrayBuffer>;
  width: number;
  height: number;
  ops: MaskOp[];
  options: EraseOptions;
  /** Set element 0 to 1 to cancel (read between kernels). */
  cancel: Int32Array<SharedArrayBuffer>;
}

export interface EraseDone {
  /** x0, y0, x1, y1: the window that may have changed, and its new RGBA pixels. */
  rect: [number, number, number, number];
  data: Uint8Array;
  grow: number;
  feather: number;
  seed: number;
  maskedPixels: number;
  regionPixels: number;
  /** x0, y0, x1, y1 of the written region and of the crop the fill worked on. */
  region: [number, number, number, number];
  crop: [number, number, number, number];
  threads: number;
  ms: number;
}

export type EraseOutcome = { ok: true; done: EraseDone } | { ok: false; cancelled: boolean; problem: Problem };

export interface EncodeRequest {
  pixels: Uint8ClampedArray<SharedArrayBuffer>;
  width: number;
  height: number;
  source: SourceFormat;
  format: EncodeFormat;
  icc: Uint8Array | null;
  exif: Uint8Array | null;
  original: ErasePhoto['original'];
  options: EraseOptions;
}

export type EncodeOutcome =
  | ({ ok: true } & Encoded)
  | { ok: false; problem: Problem };

export type ProgressFn = (fraction: number) => void;

/** The painting tools of the editor. */
export type Tool = 'brush' | 'eraser' | 'rect' | 'hand';

/**
 * Erase objects, the browser engine: the twin of src/privpix/tools/erase/ (tool, fill, pyramid,
 * patchmatch, vote and seam mirror the Python modules of the same names; masks.py's distances are in
 * pyramid.ts; the other modules are the browser's own and say so). The specification both follow is
 * docs/erase.md. Loaded lazily by the erase tool's worker.
 */
export { FILL_DEFAULTS, TooLargeError, affectedWindow, complete, erasePixels, fill, readPatch, writePatch } from './fill';
export type { EraseReport, FillHooks, FillParams, Image, LevelReport, MaskWindow, Patch, Rect } from './fill';
export { LocalRunner, type Runner } from './kernels';
export { boxesOnly, maskBounds, maskPng, maskSide, rasterise, type MaskOp, type RectOp, type StrokeOp } from './mask';
export { ParallelRunner } from './parallel';
export { pcg, Stream } from './patchmatch';
export {
  ERASE_MAX_CROP,
  ERASE_QUALITY,
  MaskError,
  autoFeather,
  autoGrow,
  defaultEraseOptions,
  encodeErased,
  erasePatch,
  eraseFilePixels,
  featherFor,
  fillParams,
  growFor,
  maskFromRgba,
  openForErase,
  validateEraseOptions,
  type EraseOptions,
  type ErasedPixels,
  type EraseStep,
  type Encoded,
  type ErasePhoto,
} from './tool';
export { eraseThreads, eraseRunner } from './threads';

/**
 * The privpix engine for the browser (and Node, for conformance tests): the TypeScript twin of the
 * Python package's `privpix.inspect` / `privpix.strip`. Pure functions of bytes; no DOM, no network.
 */

export { inspect } from './tools/inspect';
export { strip, type StripResult } from './tools/strip';
export { FormatError, UnsupportedError } from './formats/errors';
export { CATEGORIES, formatBytes, type Category, type Finding, type Inspection } from './formats/findings';
export { TOOLS, defaultStripOptions, type OptionSpec, type StripOptions, type ToolSpec } from './options';
export { compress } from './tools/compress';
export { convert } from './tools/convert';
export { decodeForDisplay } from './tools/display';
export type { EncodeResult, Hooks as EncodeHooks } from './tools/encode';
export {
  DEFAULT_QUALITY,
  ENCODE_FORMATS,
  MAX_PIXELS,
  defaultCompressOptions,
  defaultConvertOptions,
  type CompressOptions,
  type ConvertOptions,
  type EncodeFormat,
  type EncodeOptions,
} from './options';
export { removeBg, type RemoveBgOptions, type RemoveBgResult } from './tools/remove-bg/tool';
export {
  defaultEraseOptions,
  encodePhoto,
  erasePatch,
  eraseFilePixels,
  erasePixels,
  openPhoto,
  type EraseOptions,
  type EraseResult,
  type EraseStep,
} from './tools/erase/index';

/**
 * The privpix engine for the browser (and Node, for conformance tests): the TypeScript twin of the
 * Python package `privpix`. Functions of bytes; no DOM beyond what a worker has, no network.
 */

export { inspect } from './tools/inspect';
export { strip, type StripResult } from './tools/strip';
export { FormatError, UnsupportedError } from './formats/errors';
export { CATEGORIES, formatBytes, type Category, type Finding, type Inspection } from './formats/findings';
export { openPhoto, Photo, type SourceFormat } from './imaging/photo';
export { keepFormat, metadataToWrite, written } from './tools/pipeline';
export { EXTENSIONS, outputSuffix, type PhotoResult, type Result } from './tools/result';
export {
  DEFAULT_QUALITY,
  ENCODE_FORMATS,
  MAX_PIXELS,
  OptionError,
  TOOLS,
  defaultCompressOptions,
  defaultConvertOptions,
  defaultOptions,
  defaultStripOptions,
  optionProblem,
  optionsFrom,
  validateOptions,
  type CompressOptions,
  type ConvertOptions,
  type EncodeFormat,
  type EncodeOptions,
  type OptionSpec,
  type OptionValue,
  type StripOptions,
  type ToolName,
  type ToolOptions,
  type ToolSpec,
} from './options';
export { compress } from './tools/compress';
export { convert } from './tools/convert';
export { decodeForDisplay } from './tools/display';
export type { EncodeResult, Hooks as EncodeHooks } from './tools/encode';
export { removeBg, type RemoveBgOptions, type RemoveBgResult } from './tools/remove-bg/tool';
export {
  defaultEraseOptions,
  encodeErased,
  erasePatch,
  eraseFilePixels,
  erasePixels,
  openForErase,
  type ErasePhoto,
  type EraseOptions,
  type ErasedPixels,
  type EraseStep,
} from './tools/erase/index';

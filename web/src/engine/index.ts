/**
 * The privpix engine for the browser (and Node, for conformance tests): the TypeScript twin of the
 * Python package's `privpix.inspect` / `privpix.strip`. Pure functions of bytes; no DOM, no network.
 */

export { inspect } from './tools/inspect';
export { strip, type StripResult } from './tools/strip';
export { FormatError, UnsupportedError } from './formats/errors';
export { CATEGORIES, formatBytes, type Category, type Finding, type Inspection } from './formats/findings';
export { TOOLS, defaultStripOptions, type OptionSpec, type StripOptions, type ToolSpec } from './options';

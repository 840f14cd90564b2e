/** Compress: make a photo smaller (mirrors tools/compress.py); a thin face over tools/encode.ts. */

import { type CompressOptions, defaultCompressOptions, validateOptions } from '../options';
import { type EncodeResult, type Hooks, run } from './encode';

export async function compress(data: Uint8Array, options: CompressOptions = defaultCompressOptions(), hooks: Hooks = {}): Promise<EncodeResult> {
  validateOptions('compress', options);
  return run(data, options.format, options, options.target_size, hooks, !options.allow_larger);
}

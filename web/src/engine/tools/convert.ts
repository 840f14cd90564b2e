/** Convert: turn a photo into JPEG, WebP, AVIF or PNG (mirrors tools/convert.py); a thin face over tools/encode.ts. */

import { type ConvertOptions, defaultConvertOptions, validateOptions } from '../options';
import { type EncodeResult, type Hooks, run } from './encode';

export async function convert(data: Uint8Array, options: ConvertOptions = defaultConvertOptions(), hooks: Hooks = {}): Promise<EncodeResult> {
  validateOptions('convert', options);
  return run(data, options.to, options, null, hooks);
}

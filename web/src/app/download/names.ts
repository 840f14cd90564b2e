/**
 * Download names, the same as the command line writes beside an input: "<stem>-<tag><ending>", so a
 * cleaned copy never looks like its original in a Downloads folder ("IMG_1034.heic" stripped is
 * "IMG_1034-stripped.heic", converted to JPEG "IMG_1034-converted.jpg"). The ending follows the format
 * written: the input's own when it already names that format, else the format's usual one
 * (privpix/tools/encode.py `output_suffix`, engine/tools/result.ts `outputSuffix`).
 */

import type { EncodeFormat } from '../../engine/options';
import { outputSuffix } from '../../engine/tools/result';

/** What each tool adds to the name (the CLI's tags). */
export type OutputTag = 'stripped' | 'compressed' | 'converted' | 'nobg' | 'erased';

/**
 * The download name of `name` after the tool `tag`; `format` is the format written (none: the
 * input's own, as strip writes it). The ending is the engine's `outputSuffix`, the command line's rule.
 */
export function outputName(name: string, tag: OutputTag, format?: EncodeFormat): string {
  const dot = name.lastIndexOf('.');
  const [stem, ending] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return `${stem || 'image'}-${tag}${format ? outputSuffix(ending, format) : ending}`;
}

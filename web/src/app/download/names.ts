/**
 * Download names, the same as the command line writes beside an input: "<stem>-<tag><ending>", so a
 * cleaned copy never looks like its original in a Downloads folder ("IMG_1034.heic" stripped is
 * "IMG_1034-stripped.heic", converted to JPEG "IMG_1034-converted.jpg"). The ending follows the format
 * written: the input's own when it already names that format, else the format's usual one
 * (privpix/tools/encode.py `output_suffix` is the command line's side).
 */

/** What each tool adds to the name (the CLI's tags). */
export type OutputTag = 'stripped' | 'compressed' | 'converted' | 'nobg' | 'erased';

const ENDINGS: Record<string, readonly string[]> = {
  jpeg: ['.jpg', '.jpeg', '.jpe', '.jfif'],
  png: ['.png'],
  webp: ['.webp'],
  avif: ['.avif'],
};

function split(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
}

/** The ending of an output in `format` from an input ending in `ending` (the input's, when it fits). */
export function outputEnding(ending: string, format: string): string {
  const endings = ENDINGS[format];
  if (!endings) return ending;
  return endings.includes(ending.toLowerCase()) ? ending : endings[0]!;
}

/**
 * The download name of `name` after the tool `tag`; `format` is the format written (none: the
 * input's own, as Metadata writes it).
 */
export function outputName(name: string, tag: OutputTag, format?: string): string {
  const [stem, ending] = split(name);
  return `${stem || 'image'}-${tag}${format ? outputEnding(ending, format) : ending}`;
}

/**
 * Tool options as defined once in Python (src/privpix/options.py) and exported to
 * src/generated/options.json at build time. Nothing here restates a default or a range.
 */

import exported from '../generated/options.json';
import type { StripOptions } from './formats/policy';

export type { StripOptions } from './formats/policy';

export interface OptionSpec {
  name: string;
  flag: string;
  kind: 'bool' | 'int' | 'float' | 'choice' | 'multi' | 'string' | 'size';
  default: unknown;
  label: string;
  help: string;
  choices?: string[];
  minimum?: number;
  maximum?: number;
}

export interface ToolSpec {
  command: string;
  label: string;
  summary: string;
  options: OptionSpec[];
}

export const TOOLS = exported.tools as unknown as Record<string, ToolSpec>;

function defaults(tool: string): Record<string, unknown> {
  const spec = TOOLS[tool];
  if (!spec) throw new Error(`no options exported for tool ${tool}`);
  return Object.fromEntries(spec.options.map((o) => [o.name, o.default]));
}

export function defaultStripOptions(): StripOptions {
  const d = defaults('strip');
  return { keep_icc: d['keep_icc'] as boolean, keep: [...(d['keep'] as string[])] };
}

// ---- compress and convert ----------------------------------------------------------------------------

interface Exported {
  limits: { max_pixels: number };
  default_quality: Record<EncodeFormat, number>;
}

export type EncodeFormat = 'jpeg' | 'webp' | 'avif' | 'png';
export const ENCODE_FORMATS: readonly EncodeFormat[] = ['jpeg', 'webp', 'avif', 'png'];

/** What quality means when none is given, per output format (Python's DEFAULT_QUALITY). */
export const DEFAULT_QUALITY: Readonly<Record<EncodeFormat, number>> = (exported as unknown as Exported).default_quality;

/** Pixel budget of one image (Python's MAX_PIXELS): larger images are refused with a clear message. */
export const MAX_PIXELS: number = (exported as unknown as Exported).limits.max_pixels;

/** Options shared by compress and convert (Python's EncodeOptions); field names are the Python names. */
export interface EncodeOptions {
  quality: number | null;
  max_dimension: number | null;
  colour: 'keep' | 'srgb';
  background: string; // "#rrggbb"
  palette: boolean;
  keep_metadata: boolean;
}

export interface CompressOptions extends EncodeOptions {
  format: 'keep' | EncodeFormat;
  target_size: number | null; // bytes
}

export interface ConvertOptions extends EncodeOptions {
  to: EncodeFormat;
}

function encodeDefaults(d: Record<string, unknown>): EncodeOptions {
  return {
    quality: d['quality'] as number | null,
    max_dimension: d['max_dimension'] as number | null,
    colour: d['colour'] as 'keep' | 'srgb',
    background: d['background'] as string,
    palette: d['palette'] as boolean,
    keep_metadata: d['keep_metadata'] as boolean,
  };
}

export function defaultCompressOptions(): CompressOptions {
  const d = defaults('compress');
  return { ...encodeDefaults(d), format: d['format'] as 'keep' | EncodeFormat, target_size: d['target_size'] as number | null };
}

export function defaultConvertOptions(): ConvertOptions {
  const d = defaults('convert');
  return { ...encodeDefaults(d), to: d['to'] as EncodeFormat };
}

/** Python's EncodeOptions.__post_init__ checks, with the same messages. */
export function validateEncodeOptions(o: EncodeOptions): void {
  if (o.quality !== null && !(Number.isInteger(o.quality) && o.quality >= 1 && o.quality <= 100))
    throw new RangeError(`quality must be 1-100, not ${o.quality}`);
  if (o.max_dimension !== null && !(Number.isInteger(o.max_dimension) && o.max_dimension >= 16 && o.max_dimension <= 65535))
    throw new RangeError(`max dimension must be 16-65535 pixels, not ${o.max_dimension}`);
  if (o.colour !== 'keep' && o.colour !== 'srgb') throw new RangeError(`colour must be keep or srgb, not '${String(o.colour)}'`);
  if (!/^#[0-9a-fA-F]{6}$/.test(o.background)) throw new RangeError(`background must be a colour like #ffffff, not '${o.background}'`);
}

export function qualityFor(o: EncodeOptions, fmt: EncodeFormat): number {
  return o.quality ?? DEFAULT_QUALITY[fmt];
}

export function backgroundRgb(o: EncodeOptions): [number, number, number] {
  const hex = o.background;
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

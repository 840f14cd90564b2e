/**
 * Tool options as defined once in Python (src/privpix/options.py) and exported at build time as the
 * typed module src/generated/options.ts: every default, range and choice comes from there, with its
 * type. This module adds the one validator (Python's OptionSpec.problem: the same rules, the same
 * messages) and the few helpers the tools share.
 */

import {
  DEFAULTS,
  EXPORT,
  type CompressOptions,
  type ConvertOptions,
  type EraseOptions,
  type RemoveBgOptions,
  type StripOptions,
} from '../generated/options';

export type { CompressOptions, ConvertOptions, EraseOptions, RemoveBgOptions, StripOptions };

/** `null` is "not set" (e.g. quality: the format's default). */
export type OptionValue = boolean | number | string | readonly string[] | null;

export interface OptionSpec {
  readonly name: string;
  readonly flag: string;
  /** 'size' is a byte count written for people ("500KB", "1.5MB"). */
  readonly kind: 'bool' | 'int' | 'choice' | 'multi' | 'string' | 'size';
  readonly default: OptionValue;
  readonly label: string;
  readonly help: string;
  readonly choices?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  /** A string option's form, as a regular expression and as people read it. */
  readonly pattern?: string;
  readonly form?: string;
}

export interface ToolSpec {
  readonly command: string;
  readonly label: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
}

export type ToolName = keyof typeof EXPORT.tools;

/** Each tool's options, by the tool's name in the export. */
export interface ToolOptions {
  strip: StripOptions;
  compress: CompressOptions;
  convert: ConvertOptions;
  remove_bg: RemoveBgOptions;
  erase: EraseOptions;
}

export const TOOLS: Readonly<Record<ToolName, ToolSpec>> = EXPORT.tools;

export type EncodeFormat = ConvertOptions['to'];
/** Options compress and convert share (Python's EncodeOptions). */
export type EncodeOptions = Omit<ConvertOptions, 'to'>;

/** The formats compress and convert write, in the order the specs list them. */
export const ENCODE_FORMATS: readonly EncodeFormat[] = EXPORT.tools.convert.options[0].choices;

/** What quality means when none is given, per output format (Python's DEFAULT_QUALITY). */
export const DEFAULT_QUALITY: Readonly<Record<EncodeFormat, number>> = EXPORT.default_quality;

/** The lowest quality a target size search goes down to before it downscales instead (Python's QUALITY_FLOOR). */
export const QUALITY_FLOOR: Readonly<Record<EncodeFormat, number>> = EXPORT.quality_floor;

/** Pixel budget of one image (Python's MAX_PIXELS): larger images are refused with a clear message. */
export const MAX_PIXELS: number = EXPORT.limits.max_pixels;

/** A fresh copy of a tool's default options. */
export function defaultOptions<T extends ToolName>(tool: T): ToolOptions[T] {
  return structuredClone(DEFAULTS[tool]);
}

export const defaultStripOptions = (): StripOptions => defaultOptions('strip');
export const defaultCompressOptions = (): CompressOptions => defaultOptions('compress');
export const defaultConvertOptions = (): ConvertOptions => defaultOptions('convert');

/** An option value outside what its specification allows (Python's privpix.OptionError). */
export class OptionError extends RangeError {
  override name = 'OptionError';
}

/** Python's repr() of the values an option can hold, so both engines' messages read the same. */
function repr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value.includes("'") && !value.includes('"') ? `"${value}"` : `'${value.replaceAll("'", "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
  return String(value);
}

/** What is wrong with `value` for `spec`, or null (Python's OptionSpec.problem, message for message). */
export function optionProblem(spec: OptionSpec, value: unknown): string | null {
  const { name } = spec;
  if (value === null && spec.default === null) return null;
  switch (spec.kind) {
    case 'bool':
      return typeof value === 'boolean' ? null : `${name} must be true or false, not ${repr(value)}`;
    case 'int':
    case 'size': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return `${name} must be a whole number, not ${repr(value)}`;
      const low = spec.kind === 'size' ? 1 : spec.minimum;
      if ((low !== undefined && value < low) || (spec.maximum !== undefined && value > spec.maximum)) {
        return spec.kind === 'size' ? `${name} must be at least 1 byte, not ${value}` : `${name} must be ${spec.minimum}-${spec.maximum}, not ${value}`;
      }
      return null;
    }
    case 'choice':
      return typeof value === 'string' && spec.choices!.includes(value) ? null : `${name} must be one of ${spec.choices!.join(', ')}, not ${repr(value)}`;
    case 'multi': {
      const unknown = (Array.isArray(value) ? value : [value]).filter((v) => !spec.choices!.includes(v)).map(String).sort();
      return unknown.length ? `unknown ${name} group(s): ${unknown.join(', ')}; choose from ${spec.choices!.join(', ')}` : null;
    }
    case 'string':
      if (typeof value !== 'string') return `${name} must be text, not ${repr(value)}`;
      return spec.pattern !== undefined && !new RegExp(`^(?:${spec.pattern})$`).test(value) ? `${name} must be ${spec.form}, not ${repr(value)}` : null;
  }
}

/** none, colour, blur or image (any other value is the path of an image): Python's RemoveBgOptions.background_kind. */
export function backgroundKind(background: string): 'none' | 'colour' | 'blur' | 'image' {
  if (background === 'none' || background === 'blur') return background;
  return background.startsWith('#') ? 'colour' : 'image';
}

/** The rules that join options of one tool (Python's __post_init__ after the spec's checks). */
function jointProblem<T extends ToolName>(tool: T, options: ToolOptions[T]): string | null {
  if (tool === 'strip') {
    const keep = (options as ToolOptions['strip']).keep as readonly string[];
    return keep.includes('location') && keep.includes('blurred-location') ? 'keep either location or blurred-location, not both' : null;
  }
  if (tool !== 'remove_bg') return null;
  const o = options as ToolOptions['remove_bg'];
  if (o.mask_only && backgroundKind(o.background) !== 'none') return '--mask-only writes the mask alone; it cannot have a background';
  if (o.mask_only && o.format !== 'png') return '--mask-only writes a greyscale PNG; leave out --format';
  return null;
}

/** Check every option of `tool` as Python's options dataclasses do when made; OptionError names the first problem. */
export function validateOptions<T extends ToolName>(tool: T, options: ToolOptions[T]): void {
  const values = new Map(Object.entries(options));
  for (const spec of TOOLS[tool].options) {
    const problem = optionProblem(spec, values.get(spec.name));
    if (problem !== null) throw new OptionError(problem);
  }
  const joint = jointProblem(tool, options);
  if (joint !== null) throw new OptionError(joint);
}

/**
 * Typed options of `tool` from loosely typed values (a form's): the spec's options among `values`
 * over the defaults, each checked (OptionError names the first a spec refuses).
 */
export function optionsFrom<T extends ToolName>(tool: T, values: Readonly<Record<string, unknown>>): ToolOptions[T] {
  const given = TOOLS[tool].options.filter((o) => values[o.name] !== undefined).map((o) => [o.name, values[o.name]] as const);
  const options = Object.assign(defaultOptions(tool), Object.fromEntries(given));
  validateOptions(tool, options);
  return options;
}

export function qualityFor(o: EncodeOptions, fmt: EncodeFormat): number {
  return o.quality ?? DEFAULT_QUALITY[fmt];
}

/** '#rrggbb' as [r, g, b]. */
export function hexRgb(hex: string): [number, number, number] {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

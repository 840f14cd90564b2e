// Browser only: Python's erase options are EraseOptions in src/privpix/options.py, exported to generated/options.json.
/**
 * Erase's options (Python's options.ERASE / EraseOptions, exported to src/generated/options.json) and
 * the automatic values of grow and feather. Small and free of decoders, so the screen can use it too.
 */
import exported from '../../../generated/options.json';
import { FILL_DEFAULTS, type FillParams } from './fill';

interface Spec {
  name: string;
  default: unknown;
  minimum?: number;
  maximum?: number;
}

interface Exported {
  limits: { erase_max_crop?: number };
  erase_quality?: Record<string, number>;
  tools: Record<string, { options: Spec[] }>;
}

const EXPORTED = exported as unknown as Exported;
const SPECS: Spec[] = EXPORTED.tools['erase']?.options ?? [];

/** Quality of the re-encoded photo when none is given (Python's ERASE_QUALITY). */
export const ERASE_QUALITY: Readonly<Record<string, number>> = EXPORTED.erase_quality ?? { jpeg: 90, webp: 90, avif: 80 };

/** Largest crop filled at once, in pixels (Python's ERASE_MAX_CROP). */
export const ERASE_MAX_CROP: number = EXPORTED.limits.erase_max_crop ?? 16_000_000;

/** Options of erase; field names are the Python names; null = the automatic value. */
export interface EraseOptions {
  grow: number | null;
  feather: number | null;
  seed: number;
  quality: number | null;
  keep_metadata: boolean;
}

function spec(name: string): Spec {
  const s = SPECS.find((o) => o.name === name);
  if (!s) throw new Error(`no erase option ${name} exported`);
  return s;
}

export function defaultEraseOptions(): EraseOptions {
  return {
    grow: spec('grow').default as number | null,
    feather: spec('feather').default as number | null,
    seed: spec('seed').default as number,
    quality: spec('quality').default as number | null,
    keep_metadata: spec('keep_metadata').default as boolean,
  };
}

/** Python's EraseOptions.__post_init__ checks, with the same messages. */
export function validateEraseOptions(o: EraseOptions): void {
  for (const name of ['grow', 'feather', 'seed', 'quality'] as const) {
    const value = o[name];
    const s = spec(name);
    if (value === null && s.default === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new RangeError(`${name} must be a whole number, not ${String(value)}`);
    if (value < s.minimum! || value > s.maximum!) throw new RangeError(`${name} must be ${s.minimum}-${s.maximum}, not ${value}`);
  }
}

/** grow when not given: 1.5 % of the painted mask's longer bbox side, rounded half up, at least 4 px. */
export function autoGrow(maskSide: number): number {
  return Math.max(4, Math.floor((3 * maskSide + 100) / 200));
}

/** feather when not given: the photo's longer side / 1000, rounded half up, at least 2 px. */
export function autoFeather(width: number, height: number): number {
  return Math.max(2, Math.floor((Math.max(width, height) + 500) / 1000));
}

export function growFor(o: EraseOptions, side: number): number {
  return o.grow ?? autoGrow(side);
}

export function featherFor(o: EraseOptions, width: number, height: number): number {
  return o.feather ?? autoFeather(width, height);
}

/** The fill's parameters for these options and this mask on a width × height photo. */
export function fillParams(o: EraseOptions, side: number, width: number, height: number): FillParams {
  return { ...FILL_DEFAULTS, grow: growFor(o, side), feather: featherFor(o, width, height), seed: o.seed >>> 0 };
}


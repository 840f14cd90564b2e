/**
 * Erase's options (Python's options.ERASE / EraseOptions, exported to src/generated/options.ts) and
 * the automatic values of grow and feather. Small and free of decoders, so the screen can use it too.
 */
import { EXPORT } from '../../../generated/options';
import { defaultOptions, validateOptions, type EncodeFormat, type EraseOptions } from '../../options';
import { FILL_DEFAULTS, type FillParams } from './fill';

export type { EraseOptions };

/** Quality of the re-encoded photo when none is given (Python's ERASE_QUALITY). */
export const ERASE_QUALITY: Readonly<Record<Exclude<EncodeFormat, 'png'>, number>> = EXPORT.erase_quality;

/** Largest crop filled at once, in pixels (Python's ERASE_MAX_CROP). */
export const ERASE_MAX_CROP: number = EXPORT.limits.erase_max_crop;

export const defaultEraseOptions = (): EraseOptions => defaultOptions('erase');

/** Python's EraseOptions checks, with the same messages. */
export function validateEraseOptions(o: EraseOptions): void {
  validateOptions('erase', o);
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

/**
 * What quality number the browser's encoders get for the quality a person chose, so that the same number
 * gives the same picture quality in both engines (a "Copy CLI command" reproduces what the person saw).
 *
 * The quality scale is the command line's (jpegli, libwebp method 6, libavif speed 6). The browser's
 * encoders (MozJPEG, libwebp method 4, libavif speed 9) reach the same mean SSIMULACRA2 at other
 * numbers: MozJPEG needs q41 for the CLI's q25 and q75 for its q75; libavif at speed 9 needs q81 for the
 * CLI's q75. BROWSER_QUALITY[format][q - 1] is the browser encoder's quality for quality q, measured on
 * centre crops of six camera and phone photos of the corpus and interpolated between the measured
 * qualities (5, 10, ..., 100): `.venv/bin/python bench/quality_calibration.py --write` prints the tables
 * and this map. Python's encoders take the number as it is.
 */

import type { EncodeFormat } from '../options';

type Lossy = Exclude<EncodeFormat, 'png'>;

// prettier-ignore
export const BROWSER_QUALITY: Readonly<Record<Lossy, readonly number[]>> = {
  jpeg: [
    16, 16, 16, 16, 16, 17, 18, 19, 20, 21, 22, 23, 24, 26, 28, 29, 30, 32, 33, 34,
    36, 37, 38, 40, 41, 42, 44, 45, 46, 47, 48, 48, 49, 49, 50, 50, 51, 51, 52, 52,
    53, 53, 54, 55, 55, 56, 57, 58, 58, 59, 60, 61, 61, 62, 62, 63, 64, 64, 65, 65,
    66, 67, 68, 69, 70, 71, 71, 71, 72, 72, 73, 73, 74, 74, 75, 75, 76, 76, 77, 78,
    78, 79, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90, 91, 93, 94, 95, 95, 96, 97,
  ],
  webp: [
    5, 5, 5, 5, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
    22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 40, 41, 42,
    43, 44, 44, 45, 46, 47, 48, 49, 50, 52, 53, 54, 54, 55, 56, 57, 58, 59, 60, 61,
    62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 75, 76, 77, 78, 79, 80,
    81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100,
  ],
  avif: [
    16, 16, 16, 16, 16, 16, 17, 18, 19, 20, 20, 21, 21, 22, 23, 24, 25, 26, 27, 28,
    28, 29, 30, 30, 31, 32, 33, 34, 35, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
    48, 49, 50, 51, 52, 53, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 66, 68,
    68, 69, 70, 71, 72, 73, 74, 75, 77, 78, 79, 79, 80, 81, 81, 82, 82, 83, 84, 84,
    85, 85, 86, 86, 87, 87, 88, 88, 89, 89, 90, 91, 91, 92, 93, 94, 95, 95, 96, 97,
  ],
};

/** The browser encoder's quality for quality `quality` (1-100) of `format`. */
export function encoderQuality(format: Lossy, quality: number): number {
  return BROWSER_QUALITY[format][Math.min(100, Math.max(1, Math.round(quality))) - 1]!;
}

/**
 * The strip policy's options: what a strip may keep besides the picture (mirrors policy.py).
 *
 * Declared here, in the format layer that applies them, so the container parsers import nothing
 * above `engine/formats`; `engine/options.ts` re-exports the type and reads the defaults from the
 * options that Python exports.
 */

export interface StripOptions {
  /** Keep the colour profile (with its free-text tags neutralised). */
  keep_icc: boolean;
  /** EXIF groups to carry over (exif.KEEP_GROUP_NAMES: camera, time, rights, location, blurred-location —
   *  the position rounded to about 11 km, the town but not the house). */
  keep: string[];
}

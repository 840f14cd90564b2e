/**
 * The name of a cleaned copy in the ZIP: the command line's name for a stripped file beside its input
 * ("Trip/IMG_1034.heic" → "IMG_1034-stripped.heic"), so a cleaned copy never looks like its original
 * (app/download/names.ts). Two photos of the same name in different folders get "(2)" from the ZIP.
 */
import { outputName } from '../../app/download/names';

export function cleanName(path: string): string {
  return outputName(path.slice(path.lastIndexOf('/') + 1), 'stripped');
}

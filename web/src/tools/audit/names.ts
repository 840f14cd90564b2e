/**
 * Where a cleaned copy goes in the ZIP: where `privpix audit -r FOLDER --strip -o privpix-audit-cleaned`
 * writes it, the photo's path in the picked folder under that output folder
 * ("privpix-audit-cleaned/Photos/Trip/IMG_1034.heic"). The folder layout survives (two IMG_0001.JPG of
 * two trips stay apart), and unpacking the ZIP beside the originals makes a folder of its own: a
 * cleaned copy never lands on, or is named like, its original.
 */
export const CLEANED = 'privpix-audit-cleaned';

export const ZIP_NAME = `${CLEANED}.zip`;

export function cleanName(path: string): string {
  return `${CLEANED}/${path}`;
}

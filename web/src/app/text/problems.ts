/**
 * What went wrong, as one sentence a person can act on, with the technical detail kept for a
 * "Details" disclosure: "This JPEG is damaged: the file is cut short." rather than "JPEG: at byte
 * 14404: truncated: …". Used by the workers (it imports no engine code, only reads the error's fields).
 */

export interface Described {
  /** One sentence for people. */
  message: string;
  /** The engine's own text (format, byte offset, what was expected), when it adds something. */
  detail?: string;
}

interface FormatLike {
  name: string;
  message: string;
  format?: string;
  expected?: string;
}

const FORMATS: Record<string, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF', tiff: 'TIFF', heic: 'HEIC', heif: 'HEIF', avif: 'AVIF', bmp: 'BMP', mpo: 'MPO' };

function formatName(format: string | undefined): string {
  if (!format) return 'picture';
  return FORMATS[format.toLowerCase()] ?? format.toUpperCase();
}

/** A file the engine could not read (FormatError and its kin), described for people. */
export function describeFileError(e: FormatLike): Described {
  const text = e.expected ?? e.message;
  const kind = formatName(e.format);
  const detail = e.message;
  if (/empty file/.test(text)) return { message: 'This file is empty (0 bytes).' };
  if (/not an image privpix can read/.test(text)) {
    return { message: 'This is not a picture privpix can open (JPEG, PNG, WebP, HEIC, AVIF, GIF or TIFF).', detail };
  }
  if (e.name === 'UnsupportedError') return { message: `privpix cannot work on this ${kind} file: ${e.expected ?? e.message}.`.replace(/\.\.$/, '.'), detail };
  if (/truncated|file ends|ends at byte|ends first|cut short/.test(text)) {
    return { message: `This ${kind} is damaged: the file is cut short.`, detail };
  }
  if (/cannot decode/.test(text)) return { message: `This ${kind} cannot be decoded: the picture in it is damaged or uses a feature this browser lacks.`, detail };
  if (/megapixels|too large|larger than/i.test(text)) return { message: text.charAt(0).toUpperCase() + text.slice(1).replace(/\.?$/, '.') };
  return { message: `This ${kind} is damaged: privpix cannot make sense of its structure.`, detail };
}

/** A fault here rather than in the file (a bug, no memory left, a worker that stopped). */
export function describeFault(e: unknown): Described {
  const text = e instanceof Error ? e.message || e.name : String(e);
  if (e instanceof RangeError && /memory|allocation|array buffer/i.test(text)) {
    return { message: 'This device ran out of memory for this picture. Close other tabs, or try a smaller picture.', detail: text };
  }
  return { message: 'Something went wrong inside privpix.', detail: text };
}

/** A result's warnings as one sentence ("First frame only; the colour profile was dropped."), or null. */
export function warningSentence(warnings: readonly string[]): string | null {
  const parts = [...new Set(warnings.map((w) => w.trim().replace(/[.;]+$/, '')).filter(Boolean))];
  if (!parts.length) return null;
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

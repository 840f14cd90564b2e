/**
 * The one error every container parser raises (mirrors src/privpix/formats/errors.py).
 *
 * A parser that meets bytes it cannot make sense of throws `FormatError` naming the format, the byte
 * offset and what it expected there, so a person can tell "truncated HEIC" from "not an image at all".
 */

export class FormatError extends Error {
  readonly format: string;
  readonly offset: number;
  readonly expected: string;
  readonly found: string | null;

  constructor(format: string, offset: number, expected: string, found: string | null = null) {
    super(describe(format, offset, expected, found));
    this.name = 'FormatError';
    this.format = format;
    this.offset = offset;
    this.expected = expected;
    this.found = found;
  }
}

/** The file is well-formed, but uses a feature privpix will not rewrite safely. */
export class UnsupportedError extends FormatError {
  constructor(format: string, offset: number, expected: string, found: string | null = null) {
    super(format, offset, expected, found);
    this.name = 'UnsupportedError';
  }
}

/**
 * The file ends before its structure does: it was cut short. A container whose picture data had
 * begun before the cut reads what is there instead of throwing it, and says the file is damaged.
 */
export class TruncatedError extends FormatError {
  constructor(format: string, offset: number, expected: string, found: string | null = null) {
    super(format, offset, expected, found);
    this.name = 'TruncatedError';
  }
}

const DAMAGED = 'damaged: ', KEPT = '; what could be read is kept, and the picture is incomplete';

/** The warning a damaged file's inspection and strip carry; `reason` describes the cut. */
export function damagedWarning(reason: string): string {
  return `${DAMAGED}${reason}${KEPT}`;
}

/** The cut a damaged file's warnings name (`damagedWarning` inverted), or null. */
export function damageReason(warnings: readonly string[]): string | null {
  const found = warnings.find((w) => w.startsWith(DAMAGED) && w.endsWith(KEPT));
  return found === undefined ? null : found.slice(DAMAGED.length, found.length - KEPT.length);
}

function describe(format: string, offset: number, expected: string, found: string | null): string {
  const prefix = format ? `${format}: ` : '';
  let text = (offset >= 0 ? `${prefix}at byte ${offset}: ` : prefix) + expected;
  if (found !== null) text += ` (found ${found})`;
  return text;
}

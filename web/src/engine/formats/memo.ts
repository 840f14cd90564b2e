/**
 * A one-entry memo for container parsers (mirrors memo.py): `strip` inspects its input, rewrites it
 * and reports what it found, and all three start with the same parse of the same bytes. Keyed on the
 * identity of the input array; parsed layouts are treated as read-only.
 *
 * A writer that knows the layout of the bytes it just produced may `prime` the memo with it, so
 * inspecting its output does not parse it again.
 */

export interface ParseOnce<T> {
  (data: Uint8Array): T;
  prime(data: Uint8Array, layout: T): void;
}

export function parseOnce<T>(parse: (data: Uint8Array) => T): ParseOnce<T> {
  let lastData: Uint8Array | null = null;
  let lastLayout: T | undefined;
  const remembered = ((data: Uint8Array): T => {
    if (data !== lastData) remembered.prime(data, parse(data));
    return lastLayout as T;
  }) as ParseOnce<T>;
  remembered.prime = (data: Uint8Array, layout: T): void => {
    lastData = data;
    lastLayout = layout;
  };
  return remembered;
}

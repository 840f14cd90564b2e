/**
 * A one-entry memo for container parsers (mirrors memo.py): `strip` inspects its input, rewrites it
 * and reports what it found, and all three start with the same parse of the same bytes. Keyed on the
 * identity of the input array; parsed layouts are treated as read-only.
 */

export function parseOnce<T>(parse: (data: Uint8Array) => T): (data: Uint8Array) => T {
  let lastData: Uint8Array | null = null;
  let lastLayout: T | undefined;
  return (data: Uint8Array): T => {
    if (data === lastData) return lastLayout as T;
    const layout = parse(data);
    lastData = data;
    lastLayout = layout;
    return layout;
  };
}

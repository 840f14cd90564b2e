// Browser only: typed arrays the fill's threads can share (Python's arrays live in one process).
/** Typed arrays on a SharedArrayBuffer when other threads take part in the fill, else on a plain ArrayBuffer. */
type Ctor<T> = { new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number };

function alloc<T>(ctor: Ctor<T>, n: number, shared: boolean): T {
  const bytes = Math.max(1, n) * ctor.BYTES_PER_ELEMENT;
  return new ctor(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

export const allocU8 = (n: number, shared: boolean): Uint8Array => alloc(Uint8Array, n, shared).subarray(0, n);
export const allocI32 = (n: number, shared: boolean): Int32Array => alloc(Int32Array, n, shared).subarray(0, n);
export const allocF64 = (n: number, shared: boolean): Float64Array => alloc(Float64Array, n, shared).subarray(0, n);

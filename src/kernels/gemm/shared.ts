// SharedArrayBuffer-backed Float32Arrays: the memory every worker thread sees without copies.
// Parallel variants copy their inputs into these in prepare (untimed) and write their output here.

export function sharedF32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, length) * 4), 0, length);
}

export function isShared(x: Float32Array): boolean {
  return x.buffer instanceof SharedArrayBuffer;
}

/** The same values in shared memory (a fresh copy, even when x is already shared). */
export function toShared(x: Float32Array): Float32Array {
  const s = sharedF32(x.length);
  s.set(x);
  return s;
}

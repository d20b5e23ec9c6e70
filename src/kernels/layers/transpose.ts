// Transpose (rows×cols → cols×rows) in 32×32 blocks, so both the reads and the strided writes stay
// within a few cache lines; and the dot (inner) product, the seeds' other memory-bound primitive.

const TB = 32;

export function transpose(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let i0 = 0; i0 < rows; i0 += TB) {
    const i1 = Math.min(rows, i0 + TB);
    for (let j0 = 0; j0 < cols; j0 += TB) {
      const j1 = Math.min(cols, j0 + TB);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) out[j * rows + i] = x[i * cols + j];
      }
    }
  }
}

/** Σ x·y with four independent accumulators (breaks the add latency chain). */
export function dot(x: Float32Array, y: Float32Array, len: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
  }
  for (; i < len; i++) s0 += x[i] * y[i];
  return s0 + s1 + s2 + s3;
}

// Small float64 dense helpers for the SVD op: the GEMM engines work on Float32Array, so the
// f64 paths (and the small f64 pieces of the f32 paths) use these. gemm64 is an i-k-j loop over
// contiguous rows (transposed operands are copied once to row-major first): about the speed of
// the i-k-j GEMM rung, enough for the f64 randomized SVD and the check.
import type {Rng} from '../../core/rng.js';

export type Real = Float32Array | Float64Array;

export interface Gemm64Call {
  m: number;
  n: number;
  k: number;
  /** op(A) is m×k; stored row-major m×k, or k×m when transA. */
  a: Real;
  transA?: boolean;
  /** op(B) is k×n; stored row-major k×n, or n×k when transB. */
  b: Real;
  transB?: boolean;
  c: Float64Array;
}

export function transpose(a: Real, rows: number, cols: number, out: Float64Array = new Float64Array(rows * cols)): Float64Array {
  // 32×32 tiles keep both the read and the write side in L1.
  const T = 32;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = Math.min(rows, i0 + T);
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = Math.min(cols, j0 + T);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * rows + i] = a[i * cols + j];
    }
  }
  return out;
}

/** C = op(A)·op(B) in float64, row-major. */
export function gemm64({m, n, k, a, transA, b, transB, c}: Gemm64Call): Float64Array {
  const A = transA ? transpose(a, k, m) : a;
  const B = transB ? transpose(b, n, k) : b;
  c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    const ai = i * k;
    for (let p = 0; p < k; p++) {
      const s = A[ai + p];
      if (s === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += s * B[bp + j];
    }
  }
  return c;
}

/**
 * Orthonormalizes the columns of Y (m×l, row-major) in place: Gram–Schmidt run twice per column
 * ("twice is enough", Giraud et al.) on a transposed copy so every dot product is contiguous.
 * A column that vanishes (Y rank-deficient) is replaced by a random direction, so the result
 * always has l orthonormal columns. Works in float64 whatever Y's type.
 */
export function orthonormalizeColumns(y: Real, m: number, l: number, rng: Rng): void {
  const q = transpose(y, m, l); // row j of q is column j of Y
  for (let j = 0; j < l; j++) {
    const vj = j * m;
    let norm0 = 0;
    for (let i = 0; i < m; i++) norm0 += q[vj + i] * q[vj + i];
    norm0 = Math.sqrt(norm0);
    let norm = projectOut(q, j, m);
    norm = projectOut(q, j, m);
    if (!(norm > 1e-10 * norm0) || norm === 0) {
      // Numerically in the span of the previous columns: take a random direction instead.
      for (let i = 0; i < m; i++) q[vj + i] = rng.normal();
      projectOut(q, j, m);
      norm = projectOut(q, j, m);
    }
    const inv = norm > 0 ? 1 / norm : 0;
    for (let i = 0; i < m; i++) q[vj + i] *= inv;
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < l; j++) y[i * l + j] = q[j * m + i];
}

/** Removes from row j of q its components along rows 0..j−1; returns the remaining norm. */
function projectOut(q: Float64Array, j: number, m: number): number {
  const vj = j * m;
  for (let t = 0; t < j; t++) {
    const vt = t * m;
    let dot = 0;
    for (let i = 0; i < m; i++) dot += q[vt + i] * q[vj + i];
    for (let i = 0; i < m; i++) q[vj + i] -= dot * q[vt + i];
  }
  let s = 0;
  for (let i = 0; i < m; i++) s += q[vj + i] * q[vj + i];
  return Math.sqrt(s);
}

export function frobNorm(a: Real): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

// The float64 oracle for engine-level GEMM calls: strides, offsets, transposes, accumulate.
import type {GemmCall} from '../../src/kernels/gemm/engine.js';

export function referenceGemmCall(g: GemmCall, c0: Float32Array): Float64Array {
  const out = Float64Array.from(c0);
  const lda = g.lda ?? (g.transA ? g.m : g.k),
    ldb = g.ldb ?? (g.transB ? g.k : g.n),
    ldc = g.ldc ?? g.n;
  for (let i = 0; i < g.m; i++) {
    for (let j = 0; j < g.n; j++) {
      let s = 0;
      for (let p = 0; p < g.k; p++) {
        const a = g.transA ? g.a[(g.aOffset ?? 0) + p * lda + i] : g.a[(g.aOffset ?? 0) + i * lda + p];
        const b = g.transB ? g.b[(g.bOffset ?? 0) + j * ldb + p] : g.b[(g.bOffset ?? 0) + p * ldb + j];
        s += a * b;
      }
      const at = (g.cOffset ?? 0) + i * ldc + j;
      out[at] = (g.beta ? c0[at] : 0) + s;
    }
  }
  return out;
}

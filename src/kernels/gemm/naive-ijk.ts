// Rung 1 of the GEMM ladder: the textbook triple loop, i-j-k.
// The inner k loop walks B down a column (stride N floats), so every B load misses cache
// lines once N·4 bytes exceed a page of L1: memory latency, not arithmetic, is the bottleneck.
import type {KernelVariant} from '../../core/types.js';
import {gemmSpec, macLimit, type GemmInputs, type GemmShape} from './spec.js';

interface State {
  p: GemmShape;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
}

export function gemmNaive({m, n, k}: GemmShape, a: Float32Array, b: Float32Array, c: Float32Array): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let kk = 0; kk < k; kk++) s += a[i * k + kk] * b[kk * n + j];
      c[i * n + j] = s;
    }
  }
}

export const naiveIjk: KernelVariant<GemmShape, GemmInputs, Float32Array, State> = {
  id: 'gemm/naive-ijk',
  op: 'gemm',
  backend: 'js',
  summary: 'textbook i-j-k triple loop; strided column walk of B (the baseline)',
  spec: gemmSpec,
  available: () => ({ok: true}),
  limits: macLimit(2 ** 31, 0.5),
  prepare: (p, {a, b}) => ({p, a, b, c: new Float32Array(p.m * p.n)}),
  run(s) {
    gemmNaive(s.p, s.a, s.b, s.c);
    return s.c;
  },
};

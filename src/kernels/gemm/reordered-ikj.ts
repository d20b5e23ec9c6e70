// Rung 2: the same arithmetic in i-k-j order. The inner loop now streams a row of B and a
// row of C with unit stride (an axpy), so caches and the prefetcher help; C is re-read and
// re-written K times, so the bottleneck moves to L1/L2 bandwidth on the C row.
import type {KernelVariant} from '../../core/types.js';
import {gemmSpec, macLimit, type GemmInputs, type GemmShape} from './spec.js';

interface State {
  p: GemmShape;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
}

export function gemmReordered({m, n, k}: GemmShape, a: Float32Array, b: Float32Array, c: Float32Array): void {
  c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const rowC = i * n;
    for (let kk = 0; kk < k; kk++) {
      const aik = a[i * k + kk];
      const rowB = kk * n;
      for (let j = 0; j < n; j++) c[rowC + j] += aik * b[rowB + j];
    }
  }
}

export const reorderedIkj: KernelVariant<GemmShape, GemmInputs, Float32Array, State> = {
  id: 'gemm/reordered-ikj',
  op: 'gemm',
  backend: 'js',
  summary: 'i-k-j loop order: unit-stride rows of B and C (axpy inner loop)',
  spec: gemmSpec,
  available: () => ({ok: true}),
  limits: macLimit(2 ** 31, 1.0),
  prepare: (p, {a, b}) => ({p, a, b, c: new Float32Array(p.m * p.n)}),
  run(s) {
    gemmReordered(s.p, s.a, s.b, s.c);
    return s.c;
  },
};

import {describe, expect, it} from 'vitest';
import {createRng, fillUniform} from '../../../src/core/rng.js';
import {blockedEngine, findEngine} from '../../../src/kernels/gemm/engines.js';
import type {GemmCall} from '../../../src/kernels/gemm/engine.js';
import {gemmTolerance} from '../../../src/kernels/gemm/spec.js';
import {referenceGemmCall} from '../../helpers/gemm-reference.js';

function rand(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  fillUniform(x, createRng(seed));
  return x;
}

describe('GEMM engine calls (strides, transposes, accumulate)', () => {
  const cases: [string, Partial<GemmCall> & {m: number; n: number; k: number}][] = [
    ['plain', {m: 5, n: 7, k: 3}],
    ['transA', {m: 9, n: 6, k: 13, transA: true}],
    ['transB', {m: 9, n: 6, k: 300, transB: true}],
    ['both transposed, accumulate', {m: 17, n: 5, k: 11, transA: true, transB: true, beta: 1}],
    ['sub-matrix with offsets and leading dims', {m: 6, n: 5, k: 4, aOffset: 3, lda: 10, bOffset: 2, ldb: 9, cOffset: 4, ldc: 8}],
    ['K=1 accumulate', {m: 130, n: 3, k: 1, beta: 1}],
  ];
  for (const [name, shape] of cases) {
    it(name, async () => {
      const lda = shape.lda ?? (shape.transA ? shape.m : shape.k);
      const ldb = shape.ldb ?? (shape.transB ? shape.k : shape.n);
      const ldc = shape.ldc ?? shape.n;
      const aRows = shape.transA ? shape.k : shape.m,
        bRows = shape.transB ? shape.n : shape.k;
      const g: GemmCall = {
        ...shape,
        a: rand((shape.aOffset ?? 0) + aRows * lda, 1),
        b: rand((shape.bOffset ?? 0) + bRows * ldb, 2),
        c: rand((shape.cOffset ?? 0) + shape.m * ldc, 3),
      };
      const c0 = Float32Array.from(g.c);
      const want = referenceGemmCall(g, c0);
      const exec = await blockedEngine.create({threads: 1});
      exec.gemm(g);
      const tol = gemmTolerance(shape.k) * shape.k + 1e-6;
      for (let i = 0; i < want.length; i++) expect(Math.abs(g.c[i] - want[i])).toBeLessThan(tol);
    });
  }

  it('resolves --gemm names and refuses unknown ones with the valid list', () => {
    expect(findEngine('blocked').id).toBe('gemm/blocked');
    expect(findEngine('gemm/blocked').id).toBe('gemm/blocked');
    expect(() => findEngine('nope')).toThrow(/--gemm: unknown GEMM engine 'nope'. Valid: .*blocked/);
  });
});

import {describe, expect, it} from 'vitest';
import {FULL_REFERENCE_MACS, gemmSpec, gemmTolerance, U32} from '../../../src/kernels/gemm/spec.js';
import {gemmNaive} from '../../../src/kernels/gemm/naive-ijk.js';

describe('GEMM cost model', () => {
  it('counts 2·M·N·K FLOPs, M·N·K MACs and 4(MK+KN+MN) compulsory bytes', () => {
    const p = {m: 5124, n: 700, k: 2048};
    expect(gemmSpec.macs(p)).toBe(5124 * 700 * 2048);
    expect(gemmSpec.flops(p)).toBe(2 * 5124 * 700 * 2048);
    expect(gemmSpec.bytes(p)).toBe(4 * (5124 * 2048 + 2048 * 700 + 5124 * 700));
    // Square N: AI = 2N³ / 12N² = N/6 FLOPs per byte.
    const sq = {m: 1024, n: 1024, k: 1024};
    expect(gemmSpec.flops(sq) / gemmSpec.bytes(sq)).toBeCloseTo(1024 / 6, 10);
    // Matrix-vector (N = 1) is memory bound: AI ≈ 0.5.
    const mv = {m: 3072, n: 1, k: 1024};
    expect(gemmSpec.flops(mv) / gemmSpec.bytes(mv)).toBeLessThan(0.6);
    expect(gemmSpec.describe(p)).toBe('5124x700x2048');
  });

  it('makes the same inputs from the same seed, different ones from another', () => {
    const p = {m: 3, n: 4, k: 5};
    expect(gemmSpec.makeInputs(p, 1).a).toEqual(gemmSpec.makeInputs(p, 1).a);
    expect(gemmSpec.makeInputs(p, 1).b).not.toEqual(gemmSpec.makeInputs(p, 2).b);
    expect(gemmSpec.makeInputs(p, 1).a).toHaveLength(15);
  });

  it('scales the tolerance with K and fp32 unit roundoff', () => {
    expect(gemmTolerance(1022)).toBe(1024 * U32);
    expect(gemmTolerance(1022, 3)).toBe(3 * 1024 * U32);
  });
});

describe('GEMM check', () => {
  const product = (p: {m: number; n: number; k: number}, seed = 3) => {
    const inputs = gemmSpec.makeInputs(p, seed);
    const c = new Float32Array(p.m * p.n);
    gemmNaive(p, inputs.a, inputs.b, c);
    return {inputs, c};
  };

  it('passes a correct product with the full reference at small sizes', () => {
    const p = {m: 17, n: 19, k: 23};
    const {inputs, c} = product(p);
    const r = gemmSpec.check(p, inputs, c);
    expect(r).toMatchObject({pass: true, method: 'reference-f64'});
    expect(r.error).toBeLessThanOrEqual(r.tolerance);
  });

  it('catches one wrong element at small sizes, and NaNs anywhere', () => {
    const p = {m: 17, n: 19, k: 23};
    const {inputs, c} = product(p);
    c[5 * 19 + 7] *= 1.001;
    const r = gemmSpec.check(p, inputs, c);
    expect(r.pass).toBe(false);
    expect(r.detail).toContain('(5, 7)');
    const {c: c2} = product(p);
    c2[100] = NaN;
    expect(gemmSpec.check(p, inputs, c2)).toMatchObject({pass: false, method: 'finite'});
    expect(gemmSpec.check(p, inputs, new Float32Array(3))).toMatchObject({pass: false, method: 'shape'});
  });

  it('uses sampled lines and Freivalds above the reference limit, and catches a wrong row segment', () => {
    const p = {m: 300, n: 260, k: 257};
    expect(p.m * p.n * p.k).toBeGreaterThan(FULL_REFERENCE_MACS);
    const {inputs, c} = product(p);
    const ok = gemmSpec.check(p, inputs, c, {seed: 1});
    expect(ok).toMatchObject({pass: true, method: 'sampled-lines+freivalds'});
    // A bug in an interior tile: 8 elements of row 150, away from sampled edge rows.
    for (let j = 100; j < 108; j++) c[150 * p.n + j] += 0.5;
    expect(gemmSpec.check(p, inputs, c, {seed: 1}).pass).toBe(false);
  });

  it('catches a wrong last row or column (edge tiles) exactly', () => {
    const p = {m: 300, n: 260, k: 257};
    const {inputs, c} = product(p);
    c[(p.m - 1) * p.n + 3] += 1e-2; // ~0.2% of this element, ~10× its rounding bound
    const r = gemmSpec.check(p, inputs, c);
    expect(r.pass).toBe(false);
    expect(r.detail).toContain('row 299');
  });

  it('accepts a looser algorithm only through toleranceScale', () => {
    const p = {m: 8, n: 8, k: 8};
    const {inputs, c} = product(p);
    c[0] += 1e-5;
    expect(gemmSpec.check(p, inputs, c).pass).toBe(false);
    expect(gemmSpec.check(p, inputs, c, {toleranceScale: 1e4}).pass).toBe(true);
  });
});

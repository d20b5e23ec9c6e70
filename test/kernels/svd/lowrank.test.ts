import {describe, expect, it} from 'vitest';
import {UsageError} from '../../../src/core/errors.js';
import {createRng, fillUniform} from '../../../src/core/rng.js';
import {blockedEngine} from '../../../src/kernels/gemm/engines.js';
import {compressFc, rankForEnergy} from '../../../src/kernels/svd/compress-fc.js';
import {lowRankProduct, relativeError, truncatedSvd} from '../../../src/kernels/svd/lowrank.js';
import {makeTestMatrix} from '../../../src/kernels/svd/matrices.js';

const weights = (m: number, n: number, kind: 'decay' | 'lowrank' = 'decay'): Float32Array =>
  Float32Array.from(makeTestMatrix(kind, m, n, 9).a);

describe('compressFc', () => {
  it('keeps the asked rank: parameter counts, factors that reproduce W within the optimal error', async () => {
    const [out, inn] = [60, 90];
    const w = weights(out, inn);
    const c = await compressFc(w, out, inn, 12);
    expect(c.rank).toBe(12);
    expect(c.paramsBefore).toBe(out * inn);
    expect(c.paramsAfter).toBe(12 * (out + inn));
    expect(c.u.length).toBe(out * 12);
    expect(c.v.length).toBe(12 * inn);
    // The decay spectrum 1/√(i+1): optimal rank-12 error is known.
    let tail = 0,
      total = 0;
    for (let i = 0; i < 60; i++) {
      total += 1 / (i + 1);
      if (i >= 12) tail += 1 / (i + 1);
    }
    expect(c.relError).toBeCloseTo(Math.sqrt(tail / total), 5);
    // y = W·x vs u·(v·x) for one x.
    const x = new Float32Array(inn);
    fillUniform(x, createRng(1));
    let num = 0,
      den = 0;
    for (let i = 0; i < out; i++) {
      let y = 0,
        z = 0;
      for (let j = 0; j < inn; j++) y += w[i * inn + j] * x[j];
      for (let t = 0; t < 12; t++) {
        let vx = 0;
        for (let j = 0; j < inn; j++) vx += c.v[t * inn + j] * x[j];
        z += c.u[i * 12 + t] * vx;
      }
      num += (y - z) ** 2;
      den += y * y;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(c.relError * 2);
  });
  it('picks the smallest rank that keeps an energy fraction', async () => {
    const w = weights(50, 40, 'lowrank');
    const c = await compressFc(w, 50, 40, 0.99);
    // The spectrum is known: count how many leading σ² it takes to reach 99% (independently).
    const sig = Array.from({length: 40}, (_, i) => (i < 10 ? 10 - 0.9 * i : 0.05 * (1 - (0.5 * i) / 40)));
    const total = sig.reduce((acc, x) => acc + x * x, 0);
    let want = 0;
    for (let acc = 0; acc < 0.99 * total; want++) acc += sig[want] ** 2;
    expect(want).toBeGreaterThan(1);
    expect(c.rank).toBe(want);
    expect(c.energy).toBeGreaterThanOrEqual(0.99);
    expect(c.relError).toBeCloseTo(Math.sqrt(1 - c.energy), 4);
  });
  it('clamps a rank above min(out, in) and is then exact', async () => {
    const c = await compressFc(weights(8, 5), 8, 5, 50);
    expect(c.rank).toBe(5);
    expect(c.relError).toBeLessThan(1e-6);
  });
  it('uses the randomized SVD past the full-SVD limit', async () => {
    const c = await compressFc(weights(64, 48), 64, 48, 6, {});
    expect(c.method).toBe('full');
    const f = await truncatedSvd(weights(64, 48), 64, 48, 6, {fullFlopLimit: 0, power: 4});
    expect(f.method).toBe('randomized');
    expect(Math.abs(f.s[0] - 1)).toBeLessThan(1e-3); // σ₁ = 1 for the decay spectrum
  });
  it('rejects a bad rank or energy and mismatched sizes with UsageError', async () => {
    const w = weights(6, 4);
    await expect(compressFc(w, 6, 4, 0)).rejects.toThrow(UsageError);
    await expect(compressFc(w, 6, 4, 2.5)).rejects.toThrow(/--lowrank/);
    await expect(compressFc(w, 5, 4, 2)).rejects.toThrow(UsageError);
  });
  it('rankForEnergy', () => {
    expect(rankForEnergy(Float64Array.of(3, 2, 1), 14, 0.6)).toBe(1);
    expect(rankForEnergy(Float64Array.of(3, 2, 1), 14, 0.92)).toBe(2);
    expect(rankForEnergy(Float64Array.of(3, 2), 14, 0.99)).toBe(0);
  });
});

describe('low-rank GEMM', () => {
  it('U_k(Σ_k(V_kᵀX)) approaches A·X as k grows and matches it at full rank', async () => {
    const [m, n, cols] = [70, 50, 30];
    const a = weights(m, n);
    const x = new Float32Array(n * cols);
    fillUniform(x, createRng(2));
    const exec = await blockedEngine.create({threads: 1});
    const exact = new Float32Array(m * cols);
    await exec.gemm({m, n: cols, k: n, a, b: x, c: exact});
    const f = await truncatedSvd(a, m, n, 50);
    const errs: number[] = [];
    for (const k of [2, 10, 30, 50]) {
      const out = new Float32Array(m * cols);
      await lowRankProduct(exec, f, k, m, n, x, cols, out);
      errs.push(relativeError(out, exact));
    }
    for (let i = 1; i < errs.length; i++) expect(errs[i]).toBeLessThan(errs[i - 1]);
    expect(errs[3]).toBeLessThan(1e-5);
  });
});

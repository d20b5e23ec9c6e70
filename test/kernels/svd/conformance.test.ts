import {describe, expect, it} from 'vitest';
import {UsageError} from '../../../src/core/errors.js';
import {allOps} from '../../../src/kernels/registry.js';
import {fastestEngine} from '../../../src/kernels/gemm/engines.js';
import type {Timer} from '../../../src/measure/timer.js';
import {runCase} from '../../../src/measure/runner.js';
import {verifyVariant} from '../../../src/suite/verify.js';
import {svd64} from '../../../src/kernels/svd/golub-kahan.js';
import {parseSvdShape, svd, svdShape} from '../../../src/kernels/svd/index.js';
import {makeTestMatrix, MATRIX_KINDS} from '../../../src/kernels/svd/matrices.js';
import {checkSvd, defaultPower, type SvdOutput} from '../../../src/kernels/svd/spec.js';

const op = allOps().find((o) => o.name === 'svd')!;

describe('svd conformance: every registered variant on every edge shape', () => {
  it('is registered with both rungs', () => {
    expect(op.variants.map((v) => v.id)).toEqual(['svd/full', 'svd/randomized']);
  });
  for (const v of op.variants) {
    for (const shape of op.edgeShapes) {
      it(`${v.id} ${op.spec.describe(shape)}`, async () => {
        const row = await verifyVariant(op, v, shape, 7, {threads: 1});
        expect(row.state, row.reason ?? row.check?.detail).toBe('pass');
        expect(row.check!.metrics!.relFrobError).toBeTypeOf('number');
      });
    }
  }
});

describe('svd shapes', () => {
  it('round-trips describe → parseShape and fills defaults like scikit-learn', () => {
    for (const shape of [...op.edgeShapes, ...Object.values(op.presets).flat()]) {
      expect(op.parseShape(op.spec.describe(shape))).toEqual(shape);
    }
    expect(parseSvdShape('1500x2500')).toEqual({
      m: 1500,
      n: 2500,
      rank: 15,
      oversample: 10,
      power: 7,
      dtype: 'f32',
      matrix: 'lowrank',
    });
    expect(parseSvdShape('100-r20-f64-image').power).toBe(4); // k ≥ 0.1·min(m, n)
    expect(defaultPower(15, 1000, 1000)).toBe(7);
  });
  it('rejects malformed tokens with a UsageError naming --size', () => {
    for (const bad of ['10x', '1x2x3', '10-r0', '10-zz', '10-qx', '0x5']) {
      expect(() => parseSvdShape(bad), bad).toThrow(UsageError);
      expect(() => parseSvdShape(bad)).toThrow(/--size/);
    }
  });
});

describe('svd test matrices', () => {
  for (const kind of MATRIX_KINDS) {
    it(`${kind}: the stated spectrum is the matrix's spectrum`, () => {
      const {a, sigma} = makeTestMatrix(kind, 70, 55, 3);
      const s = svd64(a, 70, 55).s;
      for (let i = 0; i < sigma.length; i++) expect(Math.abs(s[i] - sigma[i])).toBeLessThan(1e-12 * sigma[0]);
    });
  }
  it('the same seed gives the same matrix, another seed another one', () => {
    expect(makeTestMatrix('decay', 9, 8, 1).a).toEqual(makeTestMatrix('decay', 9, 8, 1).a);
    expect(makeTestMatrix('decay', 9, 8, 1).a).not.toEqual(makeTestMatrix('decay', 9, 8, 2).a);
  });
});

describe('svd check catches wrong answers', () => {
  const p = svdShape(40, 30, {rank: 5, dtype: 'f64', matrix: 'decay'});
  const inputs = op.spec.makeInputs(p, 1);
  const good = (): SvdOutput => {
    const r = svd64(inputs.a, p.m, p.n);
    return {k: r.r, u: r.u, s: r.s, v: r.v};
  };
  it('passes the exact SVD', () => {
    const c = checkSvd(p, inputs, good());
    expect(c.pass).toBe(true);
    expect(c.metrics!.errorRatio).toBeCloseTo(1, 9);
  });
  it('fails a perturbed U (residual and orthogonality)', () => {
    const o = good();
    o.u[3] += 1e-6;
    const c = checkSvd(p, inputs, o);
    expect(c.pass).toBe(false);
    expect(c.detail).toMatch(/UᵀU|A−UΣVᵀ/);
  });
  it('fails unsorted or negative singular values', () => {
    const o = good();
    [o.s[0], o.s[1]] = [o.s[1], o.s[0]];
    expect(checkSvd(p, inputs, o).method).toBe('sorted');
    const o2 = good();
    o2.s[o2.k - 1] = -1e-3;
    expect(checkSvd(p, inputs, o2).pass).toBe(false);
  });
  it('fails a truncated answer that misses the optimal error by more than the stated factor', () => {
    const r = svd64(inputs.a, p.m, p.n);
    // The right shapes but the 2nd..6th singular triplets instead of the 1st..5th.
    const k = 5,
      u = new Float64Array(p.m * k),
      v = new Float64Array(p.n * k);
    for (let i = 0; i < p.m; i++) for (let t = 0; t < k; t++) u[i * k + t] = r.u[i * r.r + t + 1];
    for (let j = 0; j < p.n; j++) for (let t = 0; t < k; t++) v[j * k + t] = r.v[j * r.r + t + 1];
    const c = checkSvd(p, inputs, {k, u, s: r.s.slice(1, k + 1), v});
    expect(c.pass).toBe(false);
    expect(c.detail).toMatch(/optimal/);
  });
  it('fails a wrong shape', () => {
    const o = good();
    expect(checkSvd(p, inputs, {...o, k: o.k + 1}).method).toBe('shape');
  });
});

describe('svd through the runner', () => {
  const fakeTimer: Timer = {
    measure: async (fn) => {
      await fn();
      return [1, 1, 1, 1, 1];
    },
  };
  it('puts the check metrics on the row and records the test matrix', async () => {
    const p = svdShape(120, 90, {rank: 8});
    const r = await runCase(svd.variants[1], p, {
      seed: 5,
      caps: {threads: 1},
      timer: fakeTimer,
      timing: {timeBudgetMs: 1, minSamples: 1, warmupMs: 0, warmupIterations: 0},
    });
    expect(r.state).toBe('ok');
    expect(r.metrics!.errorRatio as number).toBeLessThan(1.01);
    // The default engine is the fastest available one (native when the addon built).
    expect(r.metrics!.gemm).toBe(fastestEngine({threads: 1}).id);
    expect(r.inputDistribution).toMatch(/lowrank test matrix/);
  });
  it('randomized SVD of a slowly decaying spectrum is within 1% of optimal with default power iterations', async () => {
    const p = svdShape(300, 200, {rank: 15, matrix: 'decay'});
    const row = await verifyVariant(op, svd.variants[1], p, 11, {threads: 1});
    expect(row.state).toBe('pass');
    expect(row.check!.metrics!.errorRatio as number).toBeLessThan(1.01);
  });
});

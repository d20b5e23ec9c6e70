import {describe, expect, it} from 'vitest';
import {benchmark, compute, listVariants, SCHEMA_VERSION, summarize} from '../src/index.js';
import {gemmNaive} from '../src/kernels/gemm/naive-ijk.js';
import {gemmSpec} from '../src/kernels/gemm/spec.js';

describe('programmatic API', () => {
  it("computes C = A·B with a chosen variant on the caller's inputs", async () => {
    const p = {m: 37, n: 29, k: 41};
    const {a, b} = gemmSpec.makeInputs(p, 5);
    const c = await compute<Float32Array>('gemm/blocked', p, {a, b});
    const ref = new Float32Array(p.m * p.n);
    gemmNaive(p, a, b, ref);
    expect(c).toHaveLength(p.m * p.n);
    for (let i = 0; i < c.length; i++) expect(c[i]).toBeCloseTo(ref[i], 4);
    await expect(compute('gemm/nope', p, {a, b})).rejects.toThrow(/unknown variant 'gemm\/nope'/);
  });

  it('lists the registry with availability', () => {
    const list = listVariants();
    expect(list.map((v) => v.id)).toContain('gemm/naive-ijk');
    expect(list.every((v) => typeof v.available === 'boolean')).toBe(true);
  });

  it('runs a suite and returns the report without writing it', async () => {
    const report = await benchmark(
      {variants: ['gemm/blocked'], sizes: '12'},
      {timing: {timeBudgetMs: 2, minSamples: 3, warmupMs: 0, warmupIterations: 0}},
    );
    expect(report.schemaVersion).toBe(SCHEMA_VERSION);
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({state: 'ok', variant: 'gemm/blocked', shapeText: '12x12x12'});
    expect(summarize([1, 2, 3]).medianMs).toBe(2);
  });
});

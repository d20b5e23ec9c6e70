// Case identity (issue 13): a key holds everything that changes the measurement, so a sweep's
// thread counts never merge, and a file with two rows under one key is refused, not shadowed.
import {describe, expect, it} from 'vitest';
import type {CaseResult} from '../../src/core/results.js';
import {caseKey, duplicateKeys} from '../../src/report/cases.js';
import {compareReports} from '../../src/report/compare/compare.js';
import {okPoints} from '../../src/report/html/data.js';
import {buildPlan} from '../../src/suite/plan.js';
import {makeReport, okCase, samples} from '../helpers/reports.js';

/** What `sweep --threads 1..2` writes: parallel variants once per thread count, serial ones at 1. */
function sweepReport(seed: number): ReturnType<typeof makeReport> {
  const rows: CaseResult[] = [];
  let s = seed;
  for (const size of ['48x48x48', '64x64x64']) {
    rows.push(okCase('gemm', 'gemm/blocked', size, samples(40, 1, s++), {metrics: {threads: 1}}));
    for (const t of [1, 2]) rows.push(okCase('gemm', 'gemm/workers', size, samples(40, 2 / t, s++), {metrics: {threads: t}}));
  }
  return makeReport(rows);
}

describe('case keys', () => {
  it('tell thread counts and layouts apart, and keep old keys for rows without them', () => {
    const row = okCase('gemm', 'gemm/workers', '64x64x64', [1]);
    expect(caseKey(row)).toBe('gemm/workers@64x64x64');
    expect(caseKey({...row, metrics: {threads: 2}})).toBe('gemm/workers@64x64x64/t2');
    expect(caseKey({...row, metrics: {threads: 2}})).not.toBe(caseKey({...row, metrics: {threads: 1}}));
    const layer = {net: 'lenet', index: 0, name: 'c1', type: 'conv', outputShape: [1], params: 1, activationBytes: 1};
    expect(caseKey({...row, layer})).toBe('gemm/workers@64x64x64#lenet.0');
    expect(caseKey({...row, layer: {...layer, layout: 'nhwc'}})).toBe('gemm/workers@64x64x64#lenet.0.nhwc');
  });

  it('compares every case of a sweep with two thread counts', () => {
    const base = sweepReport(1);
    const cmp = compareReports(base, sweepReport(100));
    expect(cmp.cases).toHaveLength(base.results.length);
    expect(cmp.counts.new + cmp.counts.missing).toBe(0);
    expect(cmp.cases.map((c) => c.key)).toContain('gemm/workers@64x64x64/t1');
    expect(cmp.cases.map((c) => c.key)).toContain('gemm/workers@64x64x64/t2');
  });

  it('lists unmatched cases on both sides by key', () => {
    const base = sweepReport(1);
    const cur = sweepReport(100);
    cur.results = cur.results.filter((r) => r.metrics?.threads !== 2);
    base.results = base.results.filter((r) => !(r.variant === 'gemm/blocked' && r.shapeText === '48x48x48'));
    const cmp = compareReports(base, cur);
    expect(cmp.cases.filter((c) => c.verdict === 'missing').map((c) => c.key)).toEqual([
      'gemm/workers@48x48x48/t2',
      'gemm/workers@64x64x64/t2',
    ]);
    expect(cmp.cases.filter((c) => c.verdict === 'new').map((c) => c.key)).toEqual(['gemm/blocked@48x48x48/t1']);
  });

  it('refuses a file with two rows under one key, naming the key', () => {
    const dup = sweepReport(1);
    dup.results.push(okCase('gemm', 'gemm/workers', '64x64x64', samples(40, 1, 9), {metrics: {threads: 2}}));
    expect(duplicateKeys(dup.results)).toEqual(['gemm/workers@64x64x64/t2']);
    expect(() => compareReports(sweepReport(1), dup, {}, {baseline: 'a.json', current: 'b.json'})).toThrow(
      /b\.json: 1 case key occurs more than once: gemm\/workers@64x64x64\/t2/,
    );
  });

  it('never merges thread counts in the HTML data (no stacked bars, one line per count)', () => {
    const points = okPoints([{label: 'a', report: sweepReport(1)}]);
    const keys = points.map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(points.filter((p) => p.variant === 'gemm/workers').map((p) => p.threads)).toEqual([1, 2, 1, 2]);
  });

  it('refuses a size given twice on the command line, which would make two rows with one key', () => {
    expect(() => buildPlan({ops: ['gemm'], sizes: '64,64'})).toThrow(/--size: 64x64x64 given more than once in '64,64'/);
    expect(() => buildPlan({ops: ['gemm'], sizes: '64,64x64x64'})).toThrow(/--size: 64x64x64 given more than once/);
    expect(buildPlan({ops: ['gemm'], sizes: '48,64'}).cases).toHaveLength(2);
  });
});

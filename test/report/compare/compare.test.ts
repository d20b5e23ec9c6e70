import {describe, expect, it} from 'vitest';
import {UsageError} from '../../../src/core/errors.js';
import {compareReports, globMatch, verdictOf} from '../../../src/report/compare/compare.js';
import {parsePercent} from '../../../src/report/compare/config.js';
import {renderComparisonMarkdown, renderComparisonTable} from '../../../src/report/compare/render.js';
import {gemmReport, makeReport, okCase, samples} from '../../helpers/reports.js';

const verdicts = (cmp: ReturnType<typeof compareReports>): Record<string, string> =>
  Object.fromEntries(cmp.cases.map((c) => [c.key, c.verdict]));

describe('verdicts', () => {
  it('needs significance AND the whole CI beyond the threshold', () => {
    expect(verdictOf(1.15, 1.25, 0.001, 0.1, 0.01)).toBe('regression');
    expect(verdictOf(1.15, 1.25, 0.05, 0.1, 0.01)).toBe('inconclusive');
    expect(verdictOf(1.05, 1.25, 0.001, 0.1, 0.01)).toBe('inconclusive');
    expect(verdictOf(0.8, 0.88, 0.001, 0.1, 0.01)).toBe('improvement');
    expect(verdictOf(0.95, 1.05, 0.001, 0.1, 0.01)).toBe('pass');
    expect(verdictOf(0.95, 1.05, 0.5, 0.1, 0.01)).toBe('pass');
  });

  it('passes a rerun of the same distribution, case by case', () => {
    for (let s = 0; s < 10; s++) {
      const cmp = compareReports(gemmReport(100), gemmReport(200 + s * 10));
      expect(cmp.failed).toBe(false);
      expect(cmp.counts.regression).toBe(0);
      expect(cmp.counts.pass).toBe(6);
    }
  });

  it('flags a 20% slowdown of one variant every time, and only that variant', () => {
    for (let s = 0; s < 10; s++) {
      const cmp = compareReports(gemmReport(100), gemmReport(300 + s * 10, {slowVariant: 'gemm/blocked', scale: 1.2}));
      expect(cmp.failed).toBe(true);
      const v = verdicts(cmp);
      expect(v['gemm/blocked@64x64x64']).toBe('regression');
      expect(v['gemm/blocked@128x128x128']).toBe('regression');
      expect(v['gemm/naive-ijk@64x64x64']).toBe('pass');
      const row = cmp.cases.find((c) => c.key === 'gemm/blocked@64x64x64')!;
      expect(row.ratio).toBeGreaterThan(1.15);
      expect(row.ratio).toBeLessThan(1.25);
    }
  });

  it('reports a 20% speed-up as an improvement, not a failure', () => {
    const cmp = compareReports(gemmReport(100), gemmReport(400, {slowVariant: 'gemm/blocked', scale: 0.8}));
    expect(cmp.failed).toBe(false);
    expect(verdicts(cmp)['gemm/blocked@128x128x128']).toBe('improvement');
  });

  it('does not flag a 5% slowdown at the default 10% threshold, but does at 2%', () => {
    const slow = gemmReport(500, {slowVariant: 'gemm/blocked', scale: 1.05, n: 200});
    expect(compareReports(gemmReport(100, {n: 200}), slow).counts.regression).toBe(0);
    expect(compareReports(gemmReport(100, {n: 200}), slow, {threshold: 0.02}).counts.regression).toBe(2);
  });

  it('calls too few samples or too much noise inconclusive', () => {
    const few = compareReports(gemmReport(100, {n: 3}), gemmReport(600, {n: 3, slowVariant: 'gemm/blocked', scale: 1.5}));
    expect(few.counts.regression).toBe(0);
    expect(few.cases.every((c) => c.verdict === 'inconclusive' && /too few samples/.test(c.reason!))).toBe(true);
    const noisy = (seed: number, scale: number) =>
      makeReport([okCase('gemm', 'gemm/blocked', '64', samples(12, scale, seed, 0.9))]);
    const cmp = compareReports(noisy(1, 1), noisy(2, 1.15));
    expect(cmp.cases[0].verdict).toBe('inconclusive');
  });

  it('normalizes by a calibration case so a slower machine does not fail the gate', () => {
    const base = gemmReport(100);
    const slowerMachine = gemmReport(700, {machine: 1.6});
    expect(compareReports(base, slowerMachine).counts.regression).toBe(6);
    const norm = compareReports(base, slowerMachine, {normalize: 'gemm/naive-ijk'});
    expect(norm.failed).toBe(false);
    expect(norm.counts.calibration).toBe(2);
    // Normalized they pass, raw they are slower: the two disagree, so inconclusive, not a pass.
    expect(norm.counts.inconclusive).toBe(4);
    const row = norm.cases.find((c) => c.key === 'gemm/blocked@64x64x64')!;
    expect(row).toMatchObject({rawVerdict: 'regression', normalizedVerdict: 'pass'});
    expect(row.reason).toMatch(/raw and normalized disagree/);
    // ...and a real slowdown still shows through the normalization.
    const realSlow = gemmReport(800, {machine: 1.6, slowVariant: 'gemm/blocked', scale: 1.3});
    expect(verdicts(compareReports(base, realSlow, {normalize: 'gemm/naive-ijk'}))['gemm/blocked@64x64x64']).toBe('regression');
    // A fixed calibration case (variant@shape) works too.
    expect(compareReports(base, slowerMachine, {normalize: 'gemm/naive-ijk@64x64x64'}).failed).toBe(false);
  });

  it('applies per-case thresholds by glob, first match wins', () => {
    const slow = gemmReport(900, {slowVariant: 'gemm/blocked', scale: 1.2});
    const cmp = compareReports(gemmReport(100), slow, {
      thresholds: [
        ['gemm/blocked@64*', 0.5],
        ['gemm/*', 0.1],
      ],
    });
    const v = verdicts(cmp);
    expect(v['gemm/blocked@64x64x64']).toBe('pass');
    expect(v['gemm/blocked@128x128x128']).toBe('regression');
    expect(cmp.cases.find((c) => c.key === 'gemm/blocked@64x64x64')!.threshold).toBe(0.5);
    expect(globMatch('gemm/*@64x64x64', 'gemm/blocked@64x64x64')).toBe(true);
    expect(globMatch('gemm/b.ocked', 'gemm/blocked')).toBe(false);
  });

  it('fails on a check failure in the current run; lists new and missing cases', () => {
    const cur = gemmReport(100);
    const broken = cur.results[0];
    cur.results[0] = {
      ...broken,
      state: 'check-failed',
      check: {pass: false, method: 'reference', error: 1, tolerance: 1e-5},
      firstCallMs: 1,
    } as never;
    cur.results.push(okCase('gemm', 'gemm/new', '64x64x64', samples(20, 1, 1)));
    const base = gemmReport(200);
    base.results.push(okCase('gemm', 'gemm/gone', '64x64x64', samples(20, 1, 1)));
    const cmp = compareReports(base, cur);
    expect(cmp.failed).toBe(true);
    expect(cmp.counts).toMatchObject({failed: 1, new: 1, missing: 1});
  });

  it('refuses files with no case in common, and an unknown calibration case', () => {
    const other = makeReport([okCase('svd', 'svd/jacobi', '64x64', samples(10, 1, 1))]);
    expect(() => compareReports(gemmReport(1), other)).toThrow(UsageError);
    expect(() => compareReports(gemmReport(1), other)).toThrow(/no cases in common/);
    expect(() => compareReports(gemmReport(1), gemmReport(2), {normalize: 'gemm/nope'})).toThrow(/--normalize/);
  });

  it('is reproducible: the same inputs and seed give the same intervals', () => {
    const a = compareReports(gemmReport(1), gemmReport(2), {seed: 3});
    const b = compareReports(gemmReport(1), gemmReport(2), {seed: 3});
    expect(b.cases).toEqual(a.cases);
  });

  it('renders a table and markdown that name the verdicts', () => {
    const cmp = compareReports(gemmReport(100), gemmReport(300, {slowVariant: 'gemm/blocked', scale: 1.2}));
    const text = renderComparisonTable(cmp);
    expect(text).toMatch(/REGRESSION/);
    expect(text).toMatch(/^FAIL: 4 pass, 2 regression/m);
    const md = renderComparisonMarkdown(cmp);
    expect(md).toMatch(/\| `gemm\/blocked@64x64x64` \|/);
    expect(md).toMatch(/🔴 regression/);
  });

  it('reads thresholds in percent', () => {
    expect(parsePercent('10', '--threshold')).toBeCloseTo(0.1);
    expect(parsePercent('12.5%', '--threshold')).toBeCloseTo(0.125);
    expect(() => parsePercent('-3', '--threshold')).toThrow(/--threshold: invalid value '-3'/);
    expect(() => parsePercent('abc', '--threshold')).toThrow(UsageError);
  });
});

// The gate reports what happened: raw beside normalized, a noisy calibration case refused, a
// disagreement between the two called inconclusive, and the committed CI baseline scenario
// (issue 13) where a faster median was reported as a +21.9% regression.
import {describe, expect, it} from 'vitest';
import {UsageError} from '../../../src/core/errors.js';
import type {OkCase, Report} from '../../../src/core/results.js';
import {compareReports} from '../../../src/report/compare/compare.js';
import {readCompareConfig} from '../../../src/report/compare/config.js';
import {renderComparisonMarkdown, renderComparisonTable} from '../../../src/report/compare/render.js';
import {medianCi, thin} from '../../../src/report/compare/stats.js';
import {readReport} from '../../../src/report/validate.js';
import {makeReport, okCase, samples} from '../../helpers/reports.js';

const verdicts = (cmp: ReturnType<typeof compareReports>): Record<string, string> =>
  Object.fromEntries(cmp.cases.map((c) => [c.key, c.verdict]));

/** A copy of `report` with the samples of the case `variant@shape` multiplied by `factor`. */
function scaled(report: Report, edits: [variant: string, shape: string, factor: number][]): Report {
  const copy = structuredClone(report);
  for (const [variant, shape, factor] of edits) {
    const r = copy.results.find((x) => x.variant === variant && x.shapeText === shape) as OkCase | undefined;
    if (!r) throw new Error(`no ${variant}@${shape}`);
    r.samplesMs = r.samplesMs.map((x) => x * factor);
    r.stats = {...r.stats, medianMs: r.stats.medianMs * factor};
  }
  return copy;
}

describe('the normalized gate', () => {
  it('shows the raw and the normalized change side by side', () => {
    const base = makeReport([
      okCase('gemm', 'gemm/naive-ijk', '64', samples(60, 1, 1)),
      okCase('gemm', 'gemm/blocked', '64', samples(60, 0.3, 2)),
    ]);
    const cur = scaled(base, [['gemm/blocked', '64', 1.5]]);
    const cmp = compareReports(base, cur, {normalize: 'gemm/naive-ijk'});
    const row = cmp.cases.find((c) => c.variant === 'gemm/blocked')!;
    expect(row.verdict).toBe('regression');
    expect(row.rawRatio).toBeCloseTo(1.5, 5);
    const table = renderComparisonTable(cmp);
    expect(table).toMatch(/raw change/);
    expect(table).toMatch(/normalized/);
    expect(renderComparisonMarkdown(cmp)).toMatch(/\| raw change \| normalized \|/);
    // Without --normalize there is one change column.
    expect(renderComparisonTable(compareReports(base, cur))).not.toMatch(/raw change/);
  });

  it('calls a case inconclusive when raw and normalized changes disagree', () => {
    const base = makeReport([
      okCase('gemm', 'gemm/naive-ijk', '64', samples(60, 1, 1)),
      okCase('gemm', 'gemm/blocked', '64', samples(60, 0.3, 2)),
    ]);
    // blocked is 20% faster, but the calibration case got 40% faster: normalized, "+33%".
    const cur = scaled(base, [
      ['gemm/blocked', '64', 0.8],
      ['gemm/naive-ijk', '64', 0.6],
    ]);
    const cmp = compareReports(base, cur, {normalize: 'gemm/naive-ijk'});
    const row = cmp.cases.find((c) => c.variant === 'gemm/blocked')!;
    expect(row).toMatchObject({verdict: 'inconclusive', rawVerdict: 'improvement', normalizedVerdict: 'regression'});
    expect(cmp.failed).toBe(false);
  });

  it('refuses a baseline calibration case whose median is too uncertain, naming it', () => {
    const base = makeReport([
      // Eight samples spread over a factor of ten: the median's CI spans most of that.
      okCase('gemm', 'gemm/naive-ijk', '64', [1, 10, 2, 9, 3, 8, 1.5, 7]),
      okCase('gemm', 'gemm/blocked', '64', samples(60, 0.3, 2)),
    ]);
    const cur = scaled(base, [['gemm/blocked', '64', 1.01]]);
    expect(() => compareReports(base, cur, {normalize: 'gemm/naive-ijk'})).toThrow(UsageError);
    expect(() => compareReports(base, cur, {normalize: 'gemm/naive-ijk'})).toThrow(
      /--normalize: calibration case gemm\/naive-ijk@64 in baseline is too noisy/,
    );
    // The same noise in the current run (a burst of load on one pass) makes the cases it would
    // normalize inconclusive instead: the gate neither fails nor passes them.
    const clean = makeReport([
      okCase('gemm', 'gemm/naive-ijk', '64', samples(60, 1, 1)),
      okCase('gemm', 'gemm/blocked', '64', samples(60, 0.3, 2)),
    ]);
    const cmp = compareReports(clean, cur, {normalize: 'gemm/naive-ijk'}, {baseline: 'a.json', current: 'b.json'});
    const row = cmp.cases.find((c) => c.variant === 'gemm/blocked')!;
    expect(row.verdict).toBe('inconclusive');
    expect(row.reason).toMatch(/calibration case gemm\/naive-ijk@64 too noisy in b\.json/);
    expect(cmp.failed).toBe(false);
    // Raw, the same files compare fine.
    expect(verdicts(compareReports(base, cur))['gemm/blocked@64']).toBe('pass');
  });

  it('does not report the committed CI baseline scenario (faster raw median) as a regression', () => {
    const base = readReport('bench/baseline-ci.json');
    const gate = readCompareConfig('bench/gate.json');
    // Issue 13: gemm/blocked@48 went 79.5 → 64.1 µs while the calibration case got faster still.
    const cur = scaled(base, [
      ['gemm/blocked', '48x48x48', 64.1 / 79.5],
      ['gemm/naive-ijk', '48x48x48', 0.66],
    ]);
    const cmp = compareReports(base, cur, gate);
    const row = cmp.cases.find((c) => c.key === 'gemm/blocked@48x48x48')!;
    expect(row.rawRatio).toBeLessThan(1);
    expect(row.ratio).toBeGreaterThan(1.1);
    expect(row.verdict).not.toBe('regression');
    expect(row.verdict).toBe('inconclusive');
    expect(cmp.failed).toBe(false);
    // The unchanged committed baseline against itself passes the committed gate.
    expect(compareReports(base, structuredClone(base), gate).failed).toBe(false);
  });
});

describe('bounded statistics', () => {
  it('thins a large sample to quantiles, keeping its median', () => {
    const big = samples(100_000, 2, 5);
    const t = thin(big, 1000);
    expect(t).toHaveLength(1000);
    expect(medianCi(t).median).toBeCloseTo(medianCi(big).median, 2);
    expect(thin([3, 1, 2], 1000)).toEqual([3, 1, 2]);
  });

  it('gives an order-statistics CI of the median that holds the median and narrows with n', () => {
    const small = medianCi(samples(30, 1, 3, 0.2));
    const large = medianCi(samples(3000, 1, 3, 0.2));
    for (const c of [small, large]) {
      expect(c.lo).toBeLessThanOrEqual(c.median);
      expect(c.hi).toBeGreaterThanOrEqual(c.median);
    }
    expect(large.hi - large.lo).toBeLessThan(small.hi - small.lo);
    expect(medianCi([5, 1, 3])).toEqual({median: 3, lo: 1, hi: 5});
  });
});

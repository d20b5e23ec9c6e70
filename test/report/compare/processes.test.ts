// compare with per-process medians (`run --processes`): the verdict stands on the spread between
// processes, one-process evidence is said in a note, and a case whose clock canary moved is not
// judged. Synthetic files: each process draws its own offset (as buffer placement or code layout
// does), and samples within a process are tight, which is what made one-process runs of the same
// build give false regressions.
import {describe, expect, it} from 'vitest';
import type {CaseResult, OkCase, Report} from '../../../src/core/results.js';
import {createRng} from '../../../src/core/rng.js';
import {compareReports} from '../../../src/report/compare/compare.js';
import {renderComparisonMarkdown, renderComparisonTable} from '../../../src/report/compare/render.js';
import {processRatio} from '../../../src/report/compare/stats.js';
import {tCdf, tQuantile} from '../../../src/report/compare/t-dist.js';
import {poolProcesses} from '../../../src/suite/repetitions.js';
import {makeReport, okCase, samples} from '../../helpers/reports.js';

/** A file of `processes` processes; each process's times are scaled by its own draw of ±`spread`. */
function runOf(seed: number, opts: {processes: number; spread: number; slow?: number; calibrate?: boolean}): Report {
  const rng = createRng(seed);
  const perProcess: CaseResult[][] = [];
  for (let p = 0; p < opts.processes; p++) {
    const offset = 1 + opts.spread * (2 * rng.next() - 1);
    const rows: CaseResult[] = [
      okCase('gemm', 'gemm/blocked', '64', samples(40, 0.3 * offset * (opts.slow ?? 1), seed * 100 + p, 0.01)),
    ];
    if (opts.calibrate) rows.push(okCase('gemm', 'gemm/naive-ijk', '64', samples(40, 1 * offset, seed * 100 + p + 50, 0.01)));
    perProcess.push(rows);
  }
  const report = makeReport(opts.processes > 1 ? poolProcesses(perProcess) : perProcess[0]);
  if (opts.processes > 1) report.config.processes = opts.processes;
  return report;
}

const row = (cmp: ReturnType<typeof compareReports>, variant = 'gemm/blocked') => cmp.cases.find((c) => c.variant === variant)!;

describe("Student's t (for the between-process test)", () => {
  it('matches R / scipy', () => {
    // qt(0.975, c(1, 2, 4)); qt(0.995, 3.5); pt(2, 3); pt(-1.5, 7.3)
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.7062047362, 8);
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.30265272975, 8);
    expect(tQuantile(0.975, 4)).toBeCloseTo(2.7764451052, 8);
    expect(tQuantile(0.995, 3.5)).toBeCloseTo(5.0857022230912, 8);
    expect(tQuantile(0.025, 4)).toBeCloseTo(-2.7764451052, 8);
    expect(tCdf(2, 3)).toBeCloseTo(0.9303370157205783, 10);
    expect(tCdf(-1.5, 7.3)).toBeCloseTo(0.0877815464015, 10);
  });
});

describe('processRatio: Welch on log per-process medians', () => {
  it('gives the ratio of geometric means and a CI as wide as the process spread', () => {
    const base = [1, 1.1, 0.9];
    const same = processRatio([1.05, 0.95, 1.0], base, 0.95);
    expect(same.ratio).toBeCloseTo(Math.exp((Math.log(1.05 * 0.95) - Math.log(1.1 * 0.9)) / 3), 12);
    expect(same.lo).toBeLessThan(1);
    expect(same.hi).toBeGreaterThan(1);
    expect(same.p).toBeGreaterThan(0.5);
    const slower = processRatio([1.2, 1.21, 1.19], [1, 1.01, 0.99], 0.95);
    expect(slower.ratio).toBeCloseTo(1.2, 2);
    expect(slower.lo).toBeGreaterThan(1.15);
    expect(slower.p).toBeLessThan(0.001);
  });

  it('needs two processes a side', () => {
    expect(() => processRatio([1], [1, 2], 0.95)).toThrow(/2 processes/);
  });
});

describe('compare with --processes files', () => {
  it('does not call two runs of the same build a regression when processes differ by ±20%', () => {
    let sampleAlarms = 0;
    for (let s = 1; s <= 20; s++) {
      const cmp = compareReports(runOf(2 * s, {processes: 3, spread: 0.2}), runOf(2 * s + 1, {processes: 3, spread: 0.2}));
      expect(row(cmp).method).toBe('processes');
      expect(row(cmp).verdict).not.toBe('regression');
      expect(row(cmp).verdict).not.toBe('improvement');
      // The same pairs judged on one process each: the tight samples make the offsets "significant".
      const one = compareReports(runOf(2 * s, {processes: 1, spread: 0.2}), runOf(2 * s + 1, {processes: 1, spread: 0.2}));
      expect(row(one).method).toBe('samples');
      if (row(one).verdict === 'regression' || row(one).verdict === 'improvement') sampleAlarms++;
    }
    expect(sampleAlarms).toBeGreaterThan(5);
  });

  it('detects a 20% slowdown when processes agree to ±2%', () => {
    for (let s = 1; s <= 10; s++) {
      const cmp = compareReports(
        runOf(2 * s, {processes: 3, spread: 0.02}),
        runOf(2 * s + 1, {processes: 3, spread: 0.02, slow: 1.2}),
      );
      expect(row(cmp)).toMatchObject({verdict: 'regression', method: 'processes'});
      expect(row(cmp).ciLo).toBeGreaterThan(1.1);
    }
  });

  it('normalizes process by process: a slower machine in every process of one run is no regression', () => {
    // Every process of the current run is 30% slower across the board (another machine).
    const base = runOf(3, {processes: 3, spread: 0.2, calibrate: true});
    const cur = structuredClone(base);
    for (const r of cur.results as OkCase[]) {
      r.samplesMs = r.samplesMs.map((x) => x * 1.3);
      r.processMediansMs = r.processMediansMs!.map((x) => x * 1.3);
    }
    const cmp = compareReports(base, cur, {normalize: 'gemm/naive-ijk'});
    expect(row(cmp).normalizedVerdict).toBe('pass');
    expect(row(cmp).ratio).toBeCloseTo(1, 6);
    expect(row(cmp).verdict).toBe('inconclusive');
  });

  it('says when the evidence comes from one process only, in the table and the markdown', () => {
    const one = compareReports(runOf(1, {processes: 1, spread: 0}), runOf(2, {processes: 1, spread: 0}));
    expect(one.notes.join(' ')).toMatch(/evidence from one process only: baseline and current were each measured in one process/);
    expect(renderComparisonTable(one)).toMatch(/note: evidence from one process only/);
    expect(renderComparisonMarkdown(one)).toMatch(/> evidence from one process only/);
    const mixed = compareReports(runOf(1, {processes: 1, spread: 0}), runOf(2, {processes: 3, spread: 0}));
    expect(mixed.notes.join(' ')).toMatch(/the baseline was measured in one process \(current: 3\)/);
    const both = compareReports(runOf(1, {processes: 3, spread: 0.02}), runOf(2, {processes: 3, spread: 0.02}));
    expect(both.notes).toEqual([]);
    expect(renderComparisonTable(both)).toMatch(/judged between processes/);
  });
});

describe('the clock canary in the gate', () => {
  it('refuses to judge a case whose canary moved, in either file, even a clear regression', () => {
    const base = makeReport([okCase('gemm', 'gemm/blocked', '64', samples(60, 0.3, 1))]);
    const cur = makeReport([okCase('gemm', 'gemm/blocked', '64', samples(60, 0.6, 2))]);
    expect(row(compareReports(base, cur)).verdict).toBe('regression');
    const moved = structuredClone(cur);
    (moved.results[0] as OkCase).machine = {canaryBeforeNs: 1, canaryAfterNs: 1.4, clockMoved: true, underLoad: false};
    const cmp = compareReports(base, moved);
    expect(row(cmp).verdict).toBe('inconclusive');
    expect(row(cmp).reason).toMatch(/machine slowed down: clock canary \+40\.0% during this case in current/);
    expect(cmp.failed).toBe(false);
    const movedBase = structuredClone(base);
    (movedBase.results[0] as OkCase).machine = {canaryBeforeNs: 1, canaryAfterNs: 0.8, clockMoved: true, underLoad: false};
    expect(row(compareReports(movedBase, cur)).reason).toMatch(/machine slowed down: .* in baseline/);
    // A steady canary (re-measured or not) on a machine with cores to spare changes nothing.
    (moved.results[0] as OkCase).machine = {
      canaryBeforeNs: 1,
      canaryAfterNs: 1.01,
      clockMoved: false,
      underLoad: false,
      remeasured: true,
    };
    expect(row(compareReports(base, moved)).verdict).toBe('regression');
  });

  it('with refuseUnderLoad, refuses to judge a case that ran with the load average above the cores', () => {
    const base = makeReport([okCase('gemm', 'gemm/blocked', '64', samples(60, 0.3, 1))]);
    const cur = makeReport([
      okCase('gemm', 'gemm/blocked', '64', samples(60, 0.6, 2), {
        machine: {canaryBeforeNs: 1, canaryAfterNs: 1, loadBefore: 1.5, loadAfter: 3.2, clockMoved: false, underLoad: true},
      }),
    ]);
    const r = row(compareReports(base, cur, {refuseUnderLoad: true}));
    expect(r.verdict).toBe('inconclusive');
    expect(r.reason).toMatch(/machine under load: load average 3\.2 above its cores during this case in current/);
    // Opt-in (bench/gate.json sets it): by default the load is recorded, not refused.
    expect(row(compareReports(base, cur)).verdict).toBe('regression');
  });

  it('refuses cases normalized by a calibration case whose canary moved', () => {
    const base = makeReport([
      okCase('gemm', 'gemm/naive-ijk', '64', samples(60, 1, 1)),
      okCase('gemm', 'gemm/blocked', '64', samples(60, 0.3, 2)),
    ]);
    const cur = structuredClone(base);
    (cur.results[0] as OkCase).machine = {canaryBeforeNs: 1, canaryAfterNs: 1.2, clockMoved: true, underLoad: false};
    const r = row(compareReports(base, cur, {normalize: 'gemm/naive-ijk'}));
    expect(r.verdict).toBe('inconclusive');
    expect(r.reason).toMatch(/^calibration case: machine slowed down/);
  });
});

import {mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli, startCli, waitForOutput} from '../helpers/cli.js';
import {fastestEngine} from '../../src/kernels/gemm/engines.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dlbench-svd-'));

describe('dlbench svd', () => {
  it('runs full and randomized, prints the accuracy table and the slide block, saves metrics', async () => {
    const out = path.join(tmp, 'svd.json');
    const r = await runCli([
      'svd',
      '--size',
      '90x70',
      '--rank',
      '5',
      '--matrix',
      'decay',
      '--time',
      '5',
      '--min-samples',
      '2',
      '--lowrank-gemm',
      '2,5,70',
      '--cols',
      '16',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/svd 90x70 f32, rank k=5, oversampling p=10, power iterations q=7/);
    expect(r.stdout).toMatch(/svd\/full .*pass/);
    expect(r.stdout).toContain(`${fastestEngine({threads: 1}).id}`);
    expect(r.stdout).toMatch(/svd\/randomized .*gemm\/(native|blocked)/);
    expect(r.stdout).toMatch(/svd\/randomized +\d+ loops, median/);
    expect(r.stdout).toMatch(/U_k\(Σ_k\(V_kᵀX\)\) +│ +70 /);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.results.map((x: {variant: string}) => x.variant)).toEqual(['svd/full', 'svd/randomized']);
    for (const row of report.results) {
      expect(row.state).toBe('ok');
      expect(row.metrics.errorRatio).toBeLessThan(1.05);
      expect(row.metrics.relFrobError).toBeGreaterThan(0);
    }
  });
  it('--json returns the report and the low-rank study', async () => {
    const r = await runCli([
      'svd',
      '--size',
      '40x50',
      '--dtype',
      'f64',
      '--variant',
      'randomized',
      '--rank',
      '3',
      '--time',
      '5',
      '--min-samples',
      '2',
      '--lowrank-gemm',
      '3',
      '--cols',
      '8',
      '--out',
      path.join(tmp, 'j.json'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.report.results).toHaveLength(1);
    expect(j.report.results[0].metrics.gemm).toBe('f64-js');
    expect(j.lowRankGemm[0].rows[0].rank).toBe(3);
  });
  for (const [args, pattern] of [
    [['--dtype', 'f16'], /--dtype: .*Valid: f32, f64/],
    [['--matrix', 'zebra'], /--matrix: unknown test matrix 'zebra'\. Valid: lowrank/],
    [['--size', '10x'], /--size/],
    [['--gemm', 'nope'], /--gemm: .*Valid: .*blocked/],
    [['--variant', 'exact'], /--variant: .*Valid: full, randomized/],
    [['--lowrank-gemm', '5,x'], /--lowrank-gemm/],
  ] as [string[], RegExp][]) {
    it(`bad input ${args.join(' ')} exits 2 with one line`, async () => {
      const r = await runCli(['svd', ...args, '--out', path.join(tmp, 'bad.json')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/ at /);
    });
  }
});

describe('dlbench svd, interrupted', () => {
  // A small first shape prints its table at once; the large ones after it take seconds each.
  const args = ['svd', '--size', '40x30,1000x800,1100x900,1200x1000', '--time', '5', '--min-samples', '2'];
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} saves the finished cases, marked interrupted, and exits ${signal === 'SIGINT' ? 130 : 143}`, async () => {
      const out = path.join(tmp, `int-${signal}.json`);
      const {child, done} = startCli([...args, '--out', out]);
      await waitForOutput(child, /svd\/randomized +\d+ loops, median/);
      child.kill(signal);
      const r = await done;
      expect(r.code, r.stderr).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(r.stderr).toMatch(/interrupted: \d+ finished case\(s\) saved/);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      expect(report.interrupted).toBe(true);
      expect(
        report.results.slice(0, 2).map((x: {variant: string; shapeText: string}) => `${x.variant} ${x.shapeText.split('-')[0]}`),
      ).toEqual(['svd/full 40x30', 'svd/randomized 40x30']);
      expect(report.results.length).toBeGreaterThanOrEqual(2);
      expect(report.results.length).toBeLessThan(8);
      for (const row of report.results) expect(row.state).toBe('ok');
    });
  }
});

describe('svd in run and list', () => {
  it('run --op svd times both rungs and checks them', async () => {
    const out = path.join(tmp, 'run.json');
    const r = await runCli([
      'run',
      '--op',
      'svd',
      '--size',
      '60x40-r4,30x50-f64-image',
      '--time',
      '5',
      '--min-samples',
      '2',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.results).toHaveLength(4);
    expect(report.results.every((x: {state: string; metrics?: object}) => x.state === 'ok' && x.metrics)).toBe(true);
  });
  it('list shows the svd ladder', async () => {
    const r = await runCli(['list', '--op', 'svd']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/svd\/full/);
    expect(r.stdout).toMatch(/svd\/randomized/);
  });
});

import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {UsageError} from '../../src/core/errors.js';
import {summarize} from '../../src/measure/stats.js';
import type {CaseResult, OkCase, Report} from '../../src/core/results.js';
import {analyzeSweep, crossoverPairs, renderSweep, type SweepVariantInfo} from '../../src/report/sweep.js';
import {parseThreadList} from '../../src/suite/sweep.js';
import {measureInterleaved} from '../../src/suite/interleave.js';
import type {KernelVariant} from '../../src/core/types.js';
import {gemmNaive} from '../../src/kernels/gemm/naive-ijk.js';
import {gemmSpec, type GemmShape} from '../../src/kernels/gemm/spec.js';
import {runCli} from '../helpers/cli.js';

function ok(variant: string, n: number, medianMs: number, threads = 1): OkCase {
  const flops = 2 * n ** 3;
  return {
    op: 'gemm',
    variant,
    backend: 'js',
    params: {},
    shape: {m: n, n, k: n},
    shapeText: `${n}x${n}x${n}`,
    seed: 1,
    inputDistribution: 'u',
    flops,
    macs: n ** 3,
    bytes: 12 * n * n,
    ai: flops / (12 * n * n),
    state: 'ok',
    check: {pass: true, method: 'x', error: 0, tolerance: 1},
    stats: summarize([medianMs]),
    gflops: flops / (medianMs * 1e6),
    prepareMs: 0,
    firstCallMs: medianMs,
    highSpread: false,
    samplesMs: [medianMs],
    metrics: {threads},
  };
}

const variants: SweepVariantInfo[] = [
  {id: 'gemm/reordered-ikj', parallel: false},
  {id: 'gemm/blocked', parallel: false},
  {id: 'gemm/strassen', parallel: false, base: 'gemm/blocked'},
  {id: 'gemm/workers', parallel: true, base: 'gemm/blocked'},
];

describe('thread lists', () => {
  it('expands ranges to every count, factors, and lists', () => {
    expect(parseThreadList('1..4')).toEqual([1, 2, 3, 4]);
    expect(parseThreadList('1..16*2')).toEqual([1, 2, 4, 8, 16]);
    expect(parseThreadList('4,1,2,2')).toEqual([1, 2, 4]);
    expect(parseThreadList('3')).toEqual([3]);
  });

  it('refuses malformed or out-of-range lists naming --threads', () => {
    for (const bad of ['0', '1..', '4..1', 'two', '1..8*1', '1..1000']) {
      expect(() => parseThreadList(bad)).toThrow(UsageError);
      expect(() => parseThreadList(bad)).toThrow(/^--threads: /);
    }
  });
});

describe('sweep analysis', () => {
  const results: CaseResult[] = [
    ok('gemm/reordered-ikj', 64, 1),
    ok('gemm/blocked', 64, 2),
    ok('gemm/strassen', 64, 3),
    ok('gemm/workers', 64, 5, 1),
    ok('gemm/workers', 64, 4, 2),
    ok('gemm/reordered-ikj', 128, 20),
    ok('gemm/blocked', 128, 10),
    ok('gemm/strassen', 128, 11),
    ok('gemm/workers', 128, 10, 1),
    ok('gemm/workers', 128, 6, 2),
    ok('gemm/reordered-ikj', 256, 200),
    ok('gemm/blocked', 256, 80),
    ok('gemm/strassen', 256, 70),
    ok('gemm/workers', 256, 80, 1),
    ok('gemm/workers', 256, 40, 2),
  ];
  const s = analyzeSweep(results, variants, [1, 2]);

  it('picks the fastest variant per size at any thread count; the runner-up is the fastest other variant', () => {
    expect(s.best.map((b) => [b.shapeText, b.variant, b.threads])).toEqual([
      ['64x64x64', 'gemm/reordered-ikj', 1],
      ['128x128x128', 'gemm/workers', 2],
      ['256x256x256', 'gemm/workers', 2],
    ]);
    expect(s.best[0].runnerUp).toMatchObject({variant: 'gemm/blocked', slowdown: 2});
    // workers ×1 ties blocked at 128: the runner-up is another variant, not the winner on fewer threads.
    expect(s.best[1].runnerUp).toMatchObject({variant: 'gemm/blocked', threads: 1});
    // One thread faster than two (pool hand-offs on a small size): best is the 1-thread run, not the largest count.
    const small = analyzeSweep(
      [ok('gemm/blocked', 32, 2), ok('gemm/workers', 32, 1, 1), ok('gemm/workers', 32, 3, 2)],
      variants,
      [1, 2],
    );
    expect(small.best[0]).toMatchObject({variant: 'gemm/workers', threads: 1, runnerUp: {variant: 'gemm/blocked', slowdown: 2}});
  });

  it("prints each median's 95% CI and the spread flag, and marks ratios within the noise", () => {
    const noisy = (variant: string, n: number, center: number, spread: number, threads = 1): OkCase => {
      const xs = Array.from({length: 21}, (_, i) => center * (1 + spread * (i / 10 - 1)));
      const stats = summarize(xs);
      return {...ok(variant, n, center, threads), stats, samplesMs: xs, highSpread: stats.relSpread > 0.1};
    };
    const rows = [
      noisy('gemm/blocked', 256, 10, 0.01),
      noisy('gemm/workers', 256, 9.9, 0.5, 1),
      // The case: a wild 2-thread run, ±200%, read as a slowdown without a word.
      noisy('gemm/workers', 256, 30, 2, 2),
    ];
    const sw = analyzeSweep(rows, variants.slice(1, 2).concat(variants[3]), [1, 2]);
    const text = renderSweep(sw, new Set(['gemm/workers']), {results: rows});
    expect(text).toContain('95% CI');
    // workers ×1 (the best) is ±25% wide: flagged; its lead over blocked is inside both intervals.
    expect(text).toMatch(/256x256x256 │ workers ×1 │ +9\.900 ms │ +-[\d.]+\/\+[\d.]+% ! │/);
    expect(text).toMatch(/│ blocked +│ +1\.01× ~ │/);
    expect(text).toContain("~ the two medians' 95% CIs overlap");
    expect(text).toMatch(/! spread IQR\/median above 10%/);
    // Scaling: the 2-thread run's CI cell carries the flag.
    expect(text).toMatch(/workers +│ 256x256x256 │ +2 │ +30\.00 ms │ +-\d+\/\+\d+% ! │/);
  });

  it('finds the size from which each challenger stays ahead of its incumbent', () => {
    expect(crossoverPairs(variants)).toEqual([
      ['gemm/blocked', 'gemm/reordered-ikj'],
      ['gemm/strassen', 'gemm/blocked'],
      ['gemm/workers', 'gemm/blocked'],
    ]);
    const by = (c: string) => s.crossovers.find((x) => x.challenger === c)!;
    expect(by('gemm/blocked')).toMatchObject({verdict: 'from', from: '128x128x128'});
    expect(by('gemm/strassen')).toMatchObject({verdict: 'from', from: '256x256x256'});
    expect(by('gemm/workers')).toMatchObject({verdict: 'from', from: '128x128x128'});
    expect(by('gemm/workers').ratios.map((r) => r.ratio)).toEqual([0.5, 10 / 6, 2]);
  });

  it('reports "never" and "always" at the ends of the range', () => {
    const never = analyzeSweep([ok('gemm/blocked', 64, 1), ok('gemm/strassen', 64, 2)], variants, [1]).crossovers.find(
      (c) => c.challenger === 'gemm/strassen',
    );
    expect(never?.verdict).toBe('never');
    const always = analyzeSweep([ok('gemm/blocked', 64, 2), ok('gemm/strassen', 64, 1)], variants, [1]).crossovers.find(
      (c) => c.challenger === 'gemm/strassen',
    );
    expect(always).toMatchObject({verdict: 'always', from: '64x64x64'});
  });

  it('computes speedup, efficiency, GFLOP/s per core and the ratio to the single-threaded base', () => {
    const row = s.scaling.find((r) => r.shapeText === '256x256x256' && r.threads === 2)!;
    expect(row.speedup).toBe(2);
    expect(row.efficiency).toBe(1);
    expect(row.gflopsPerCore).toBeCloseTo(row.gflops / 2, 12);
    expect(row.vsBase).toBe(2);
    expect(row.base).toBe('gemm/blocked');
    const text = renderSweep(s, new Set(['gemm/workers']));
    expect(text).toMatch(/workers\s+│ 256x256x256 │\s+2 │.*2\.00× │\s+100% │/);
    expect(text).toMatch(/strassen vs blocked .*from 256x256x256/);
  });
});

describe('interleaved measurement', () => {
  function fake(
    id: string,
    log: string[],
    opts: {wrong?: boolean; throwOnCall?: number; unavailable?: boolean} = {},
  ): KernelVariant {
    return {
      id: `gemm/${id}`,
      op: 'gemm',
      backend: 'js',
      summary: id,
      spec: gemmSpec,
      available: () => (opts.unavailable ? {ok: false, reason: 'not here'} : {ok: true}),
      prepare: (p: GemmShape, {a, b}: {a: Float32Array; b: Float32Array}) => ({
        p,
        a,
        b,
        c: new Float32Array(p.m * p.n),
        calls: 0,
      }),
      run(st: {p: GemmShape; a: Float32Array; b: Float32Array; c: Float32Array; calls: number}) {
        log.push(id);
        if (++st.calls === opts.throwOnCall) throw new Error(`${id} broke`);
        gemmNaive(st.p, st.a, st.b, st.c);
        if (opts.wrong) st.c[0] += 1;
        return st.c;
      },
      dispose: () => void log.push(`dispose ${id}`),
    };
  }

  it('checks every case first, then times one call of each per round, and disposes all', async () => {
    const log: string[] = [];
    const p = {m: 3, n: 2, k: 4};
    const cases = [
      fake('a', log),
      fake('b', log),
      fake('wrong', log, {wrong: true}),
      fake('thrower', log, {throwOnCall: 3}),
      fake('absent', log, {unavailable: true}),
    ].map((v) => ({v, threads: 1}));
    let now = 0;
    const results = await measureInterleaved(p, gemmSpec.makeInputs(p, 1), cases, {
      seed: 1,
      timing: {timeBudgetMs: 0, minSamples: 3, warmupMs: 0, warmupIterations: 0},
      clock: () => (now += 1),
    });
    expect(log).toEqual([
      'a',
      'b',
      'wrong',
      'thrower',
      'a',
      'b',
      'thrower',
      'a',
      'b',
      'thrower',
      'a',
      'b',
      'dispose a',
      'dispose b',
      'dispose wrong',
      'dispose thrower',
    ]);
    expect(results.map((r) => r.state)).toEqual(['ok', 'ok', 'check-failed', 'errored', 'skipped']);
    const a = results[0];
    expect(a.state === 'ok' && a.samplesMs).toEqual([1, 1, 1]);
    expect(a.metrics).toMatchObject({threads: 1, interleavedRounds: 3});
    expect(results[3]).toMatchObject({phase: 'measure', error: 'thrower broke'});
    expect(results[4]).toMatchObject({reason: 'not here'});
  });
});

describe('dlbench sweep', () => {
  it('measures a range of sizes and thread counts and writes the analysis into the JSON', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dlbench-sweep-'));
    const out = path.join(dir, 'sweep.json');
    const r = await runCli([
      'sweep',
      '--size',
      '32,64',
      '--variant',
      'gemm/blocked',
      '--variant',
      'gemm/workers',
      '--threads',
      '1..2',
      '--time',
      '10',
      '--min-samples',
      '2',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('best variant per size');
    expect(r.stdout).toMatch(/workers vs blocked/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.results).toHaveLength(2 * 3);
    expect(report.sweep?.threads).toEqual([1, 2]);
    expect(report.sweep?.scaling.map((x) => [x.shapeText, x.threads])).toEqual([
      ['32x32x32', 1],
      ['32x32x32', 2],
      ['64x64x64', 1],
      ['64x64x64', 2],
    ]);
    for (const x of report.sweep!.scaling) expect(x.speedup).toBeGreaterThan(0);
    for (const x of report.results) {
      expect(x.state).toBe('ok');
      if (x.state === 'ok') {
        // Interleaved: every case at a size got the same number of timed calls.
        expect(x.metrics?.interleavedRounds).toBe(x.samplesMs.length);
        expect(x.samplesMs.length).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('refuses a bad --threads with exit code 2 and one line', async () => {
    const r = await runCli(['sweep', '--size', '32', '--threads', '2..1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--threads: '2\.\.1' must be within/);
  });
});

import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createRng, fillUniform} from '../../../src/core/rng.js';
import {blockedEngine} from '../../../src/kernels/gemm/blocked.js';
import type {GemmCall, GemmEngine} from '../../../src/kernels/gemm/engine.js';
import {gemmSpec, gemmTolerance, type GemmShape} from '../../../src/kernels/gemm/spec.js';
import {toShared} from '../../../src/kernels/gemm/shared.js';
import {makeWorkers, makeWorkersEngine, workers} from '../../../src/kernels/gemm/workers.js';
import {partition} from '../../../src/kernels/gemm/workers-pool.js';
import {runCase} from '../../../src/measure/runner.js';
import type {Timer} from '../../../src/measure/timer.js';
import type {Report} from '../../../src/core/results.js';
import {runCli} from '../../helpers/cli.js';

const mnk = (m: number, n: number, k: number): GemmShape => ({m, n, k});
const oneCallTimer: Timer = {
  measure: async (fn) => {
    await fn();
    return [1];
  },
};

async function compute(v: typeof workers, p: GemmShape, threads: number) {
  const inputs = gemmSpec.makeInputs(p, 7);
  const s = await v.prepare(p, inputs, {threads});
  try {
    const c = await v.run(s);
    return {check: gemmSpec.check(p, inputs, c), metrics: v.measuredMetrics!(s), shared: c.buffer instanceof SharedArrayBuffer};
  } finally {
    await v.dispose!(s);
  }
}

describe('partition of C among threads', () => {
  it('splits rows into MR-aligned blocks that cover every row exactly once', () => {
    const {dim, blocks} = partition(1001, 64, 3);
    expect(dim).toBe('rows');
    expect(blocks).toHaveLength(3);
    expect(blocks[0][0]).toBe(0);
    expect(blocks[2][1]).toBe(1001);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i][0]).toBe(blocks[i - 1][1]);
    for (const [s] of blocks) expect(s % 4).toBe(0);
    const sizes = blocks.map(([s, e]) => e - s);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(4);
  });

  it('splits columns when C is short and wide, and never makes more blocks than tiles', () => {
    expect(partition(3, 1000, 2).dim).toBe('cols');
    expect(partition(1, 1, 3).blocks).toEqual([[0, 1]]);
    expect(partition(6, 2, 3).blocks).toEqual([
      [0, 4],
      [4, 6],
    ]);
  });
});

describe('gemm/workers', () => {
  const shapes = [
    mnk(1, 1, 1),
    mnk(7, 13, 11),
    mnk(31, 37, 41),
    mnk(97, 89, 101),
    mnk(1000, 3, 17),
    mnk(3, 1000, 17),
    mnk(130, 131, 257),
  ];
  for (const threads of [1, 2, 3]) {
    it(`matches the reference on odd shapes with ${threads} thread(s)`, async () => {
      for (const p of shapes) {
        const r = await compute(workers, p, threads);
        expect(r.check.pass, `${gemmSpec.describe(p)}: ${r.check.error} > ${r.check.tolerance}`).toBe(true);
        expect(r.shared).toBe(true);
        expect(r.metrics.threads).toBe(threads);
        expect(r.metrics.partition).toBe(p.n > p.m ? 'cols' : 'rows');
        expect(r.metrics.tasks).toBe(partition(p.m, p.n, threads).blocks.length);
        expect(r.metrics.poolStartMs).toBeGreaterThan(0);
      }
    });
  }

  it("is unavailable, with its base kernel's reason, where the base cannot run here", () => {
    const missing: GemmEngine = {...blockedEngine, id: 'gemm/missing', available: () => ({ok: false, reason: 'not built'})};
    const v = makeWorkers(missing);
    expect(v.id).toBe('gemm/workers-missing');
    expect(v.params).toEqual({base: 'gemm/missing'});
    expect(v.available({threads: 2})).toEqual({ok: false, reason: "base kernel 'missing' unavailable: not built"});
  });

  for (const inject of ['throw', 'exit'] as const) {
    it(`turns a worker that fails (${inject}) into an errored row, without hanging`, async () => {
      const v = makeWorkers(blockedEngine, {inject});
      const r = await runCase(v, mnk(64, 64, 64), {
        seed: 1,
        caps: {threads: 2},
        timing: {timeBudgetMs: 1, minSamples: 1, warmupMs: 0, warmupIterations: 0},
        timer: oneCallTimer,
      });
      expect(r.state).toBe('errored');
      if (r.state !== 'errored') return;
      expect(r.phase).toBe('run');
      expect(r.error).toMatch(inject === 'throw' ? /injected worker failure/ : /exit/i);
    });
  }
});

describe('workers GEMM engine', () => {
  const rand = (n: number, seed: number): Float32Array => {
    const x = new Float32Array(n);
    fillUniform(x, createRng(seed));
    return x;
  };

  it('needs at least two threads so fastestEngine never picks it where it only adds overhead', () => {
    const e = makeWorkersEngine();
    expect(e.available({threads: 1}).ok).toBe(false);
    expect(e.available({threads: 2}).ok).toBe(true);
  });

  it('computes strided, transposed, accumulating calls on shared and on ordinary arrays', async () => {
    const exec = await makeWorkersEngine().create({threads: 3});
    try {
      for (const shared of [false, true]) {
        // C is a 9×6 window at offset 5 of a 12-wide buffer: elements outside it must survive.
        const g: GemmCall = {
          m: 9,
          n: 6,
          k: 13,
          transA: true,
          lda: 11,
          aOffset: 2,
          b: rand(6 * 13 + 1, 2),
          bOffset: 1,
          ldb: 13,
          transB: true,
          a: rand(2 + 13 * 11, 1),
          c: rand(5 + 9 * 12, 3),
          cOffset: 5,
          ldc: 12,
          beta: 1,
        };
        if (shared) for (const key of ['a', 'b', 'c'] as const) g[key] = toShared(g[key]);
        if (shared) for (const key of ['a', 'b', 'c'] as const) expect(g[key].buffer).toBeInstanceOf(SharedArrayBuffer);
        const c0 = Float32Array.from(g.c);
        await exec.gemm(g);
        for (let idx = 0; idx < g.c.length; idx++) {
          const rel = idx - 5;
          const i = Math.floor(rel / 12),
            j = rel % 12;
          if (rel < 0 || j >= 6 || i >= 9) {
            expect(g.c[idx]).toBe(c0[idx]);
            continue;
          }
          let s = c0[idx];
          for (let p = 0; p < 13; p++) s += g.a[2 + p * 11 + i] * g.b[1 + j * 13 + p];
          expect(Math.abs(g.c[idx] - s)).toBeLessThan(gemmTolerance(13) * 13 + 1e-6);
        }
      }
    } finally {
      await exec.dispose!();
    }
  });
});

describe('the CLI with worker failures', () => {
  it('exits (code 1) with an errored row when a worker throws, and writes the results', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dlbench-workers-'));
    const out = path.join(dir, 'r.json');
    const started = Date.now();
    const r = await runCli(['run', '--variant', 'gemm/workers', '--size', '64', '--threads', '2', '--time', '20', '--out', out], {
      DLBENCH_INJECT_WORKER_FAILURE: 'throw',
    });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ERROR (run)');
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.results[0]).toMatchObject({variant: 'gemm/workers', state: 'errored', phase: 'run'});
    expect(report.results[0].state === 'errored' && report.results[0].error).toMatch(/injected worker failure/);
  });

  it('exits 0 after a successful run: the pool does not keep the process alive', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dlbench-workers-'));
    const r = await runCli([
      'run',
      '--variant',
      'gemm/workers',
      '--variant',
      'gemm/strassen-workers',
      '--size',
      '48',
      '--threads',
      '2',
      '--time',
      '20',
      '--out',
      path.join(dir, 'r.json'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/gemm\/workers .*pass/);
  });
});

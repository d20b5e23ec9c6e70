// The runner's logic with a fake clock: exact samples in, exact statistics out.
import {describe, expect, it} from 'vitest';
import type {KernelVariant} from '../../src/core/types.js';
import {gemmSpec, type GemmShape} from '../../src/kernels/gemm/spec.js';
import {gemmNaive} from '../../src/kernels/gemm/naive-ijk.js';
import {blocked} from '../../src/kernels/gemm/blocked.js';
import {runCase} from '../../src/measure/runner.js';
import type {Timer, TimingOptions} from '../../src/measure/timer.js';

const timing: TimingOptions = {timeBudgetMs: 10, minSamples: 5, warmupMs: 0, warmupIterations: 0};

function fakeTimer(samples: number[]): Timer & {calls: number} {
  const t = {
    calls: 0,
    async measure(fn: () => unknown) {
      for (let i = 0; i < samples.length; i++) {
        await fn();
        t.calls++;
      }
      return samples;
    },
  };
  return t;
}

function variant(over: Partial<KernelVariant<GemmShape>>): KernelVariant<GemmShape> {
  return {
    id: 'gemm/test-fixture',
    op: 'gemm',
    backend: 'js',
    summary: 'a test fixture',
    spec: gemmSpec,
    available: () => ({ok: true}),
    prepare: (p, {a, b}) => ({p, a, b, c: new Float32Array(p.m * p.n)}),
    run: (s: {p: GemmShape; a: Float32Array; b: Float32Array; c: Float32Array}) => {
      gemmNaive(s.p, s.a, s.b, s.c);
      return s.c;
    },
    ...over,
  };
}

const p = {m: 8, n: 8, k: 8};
const base = {seed: 1, caps: {threads: 1}, timing};

describe('runCase', () => {
  it('checks, then times, and derives GFLOP/s from the median', async () => {
    const timer = fakeTimer([2, 2, 2.1, 100, 2]); // one outlier: the median and IQR shrug it off
    const r = await runCase(blocked, p, {...base, timer});
    expect(r.state).toBe('ok');
    if (r.state !== 'ok') return;
    expect(timer.calls).toBe(5);
    expect(r.stats.medianMs).toBe(2);
    expect(r.gflops).toBeCloseTo(1024 / 2e6, 15);
    expect(r.flops).toBe(1024);
    expect(r.macs).toBe(512);
    expect(r.bytes).toBe(4 * 192);
    expect(r.ai).toBeCloseTo(1024 / 768, 12);
    expect(r.samplesMs).toEqual([2, 2, 2.1, 100, 2]);
    expect(r.check.pass).toBe(true);
    expect(r.firstCallMs).toBeGreaterThan(0);
    expect(r.highSpread).toBe(false);
    expect(r.params).toMatchObject({mc: 128, kc: 256});
  });

  it('flags a high spread (IQR/median > 10%)', async () => {
    const r = await runCase(blocked, p, {...base, timer: fakeTimer([1, 1.5, 2, 2.5, 3])});
    expect(r.state === 'ok' && r.highSpread).toBe(true);
  });

  it('never times a wrong kernel: check-failed, timer untouched', async () => {
    const timer = fakeTimer([1]);
    const wrong = variant({run: (s: {c: Float32Array}) => s.c.fill(1)});
    const r = await runCase(wrong, p, {...base, timer});
    expect(r.state).toBe('check-failed');
    expect(timer.calls).toBe(0);
  });

  it('turns throws into errored rows with the phase, and always disposes', async () => {
    let disposed = 0;
    const boom = variant({
      run: () => {
        throw new Error('kernel exploded');
      },
      dispose: () => {
        disposed++;
      },
    });
    const r = await runCase(boom, p, {...base, timer: fakeTimer([1])});
    expect(r).toMatchObject({state: 'errored', phase: 'run', error: 'kernel exploded'});
    const badPrep = variant({
      prepare: () => {
        throw new Error('no memory');
      },
    });
    expect(await runCase(badPrep, p, {...base, timer: fakeTimer([1])})).toMatchObject({state: 'errored', phase: 'prepare'});
    expect(disposed).toBe(1);
  });

  it('skips unavailable variants and size-limited ones unless forced', async () => {
    const off = variant({available: () => ({ok: false, reason: 'no addon'})});
    expect(await runCase(off, p, {...base, timer: fakeTimer([1])})).toMatchObject({state: 'skipped', reason: 'no addon'});
    const limited = variant({limits: () => ({ok: false, reason: 'too big'})});
    expect(await runCase(limited, p, {...base, timer: fakeTimer([1])})).toMatchObject({state: 'skipped', reason: 'too big'});
    const forced = await runCase(limited, p, {...base, timer: fakeTimer([1]), forced: new Set(['gemm/test-fixture'])});
    expect(forced.state).toBe('ok');
  });
});

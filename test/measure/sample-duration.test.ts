import {describe, expect, it} from 'vitest';
import type {KernelVariant} from '../../src/core/types.js';
import {gemmSpec} from '../../src/kernels/gemm/spec.js';
import {runCase} from '../../src/measure/runner.js';
import {tinybenchTimer} from '../../src/measure/timer.js';

// A variant with its own clock (the GPU's) hands tinybench that duration instead of the wall time.
function sleepy(sampleMs: number | undefined): KernelVariant {
  const zeroGemm = (p: {m: number; n: number}) => new Float32Array(p.m * p.n);
  return {
    id: 'gemm/test-own-clock',
    op: 'gemm',
    backend: 'js',
    summary: 'sleeps 4 ms, reports its own duration',
    spec: gemmSpec,
    available: () => ({ok: true}),
    prepare: (p: {m: number; n: number}) => ({out: zeroGemm(p), calls: 0}),
    async run(s: {out: Float32Array; calls: number}) {
      s.calls++;
      await new Promise((r) => setTimeout(r, 4));
      return s.out;
    },
    sampleDurationMs: () => sampleMs,
    measuredMetrics: (s: {calls: number}) => ({calls: s.calls, source: 'test'}),
  };
}

describe('variant-supplied sample durations (sampleDurationMs) and measured metrics', () => {
  const opts = {
    seed: 1,
    caps: {threads: 1},
    timing: {timeBudgetMs: 30, minSamples: 4, warmupMs: 0, warmupIterations: 0},
    timer: tinybenchTimer,
  };
  // K = 0: C is all zeros, so the zero output passes the check.
  const shape = {m: 2, n: 3, k: 0};

  it("records the variant's duration as every sample, and its metrics on the result", async () => {
    const r = await runCase(sleepy(1.25), shape, opts);
    expect(r.state).toBe('ok');
    if (r.state !== 'ok') return;
    expect(r.samplesMs.length).toBeGreaterThanOrEqual(4);
    for (const s of r.samplesMs) expect(s).toBe(1.25);
    expect(r.metrics).toMatchObject({source: 'test'});
    expect(r.metrics!.calls).toBe(r.samplesMs.length + 1); // + the first, checked call
  });

  it('keeps the wall time when the variant has no duration for a sample', async () => {
    const r = await runCase(sleepy(undefined), shape, opts);
    expect(r.state).toBe('ok');
    // setTimeout(4) may fire early by a timer tick; well above 0 means the wall clock was kept.
    if (r.state === 'ok') expect(r.stats.minMs).toBeGreaterThanOrEqual(2);
  });
});

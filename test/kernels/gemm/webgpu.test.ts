import {afterAll, describe, expect, it} from 'vitest';
import {gemm} from '../../../src/kernels/gemm/index.js';
import type {GemmInputs, GemmShape} from '../../../src/kernels/gemm/spec.js';
import {runCase} from '../../../src/measure/runner.js';
import {tinybenchTimer} from '../../../src/measure/timer.js';
import {renderTables} from '../../../src/report/table.js';
import {buildPlan} from '../../../src/suite/plan.js';
import {runSuite} from '../../../src/suite/run-suite.js';
import {verifyVariant} from '../../../src/suite/verify.js';
import {acquireWebGpu, releaseWebGpu} from '../../../src/webgpu/device.js';
import {gpuGemmVariant, prepareGpuGemm, disposeGpuGemm} from '../../../src/kernels/gemm/webgpu.js';
import {REGBLOCKED_DEFAULT} from '../../../src/webgpu/gemm-gpu.js';
import {getPipeline, pipelineCacheSize} from '../../../src/webgpu/pipelines.js';
import {gpuOk, needsGpu} from '../../helpers/webgpu.js';

const caps = {threads: 1};
const timing = {timeBudgetMs: 20, minSamples: 3, warmupMs: 0, warmupIterations: 0};
const gpuVariants = gemm.variants.filter((v) => v.backend === 'webgpu');

afterAll(() => releaseWebGpu());

describe('WebGPU GEMM variants', () => {
  it('are in the GEMM ladder: naive, shared-memory tiled, register-blocked', () => {
    expect(gpuVariants.map((v) => v.id)).toEqual(['gemm/webgpu-naive', 'gemm/webgpu-tiled', 'gemm/webgpu-regblocked']);
    expect(gemm.variants.find((v) => v.id === 'gemm/webgpu-regblocked')!.params).toMatchObject({
      tm: expect.any(Number),
      tn: expect.any(Number),
    });
  });

  it('has an adapter in CI (.ci/run installs lavapipe), so the GPU tests below run there', () => {
    if (process.env.CI === 'true') expect(gpuOk, needsGpu).toBe(true);
  });

  for (const v of gpuVariants) {
    it.skipIf(!gpuOk)(`${v.id} matches the reference on every edge shape${needsGpu}`, async () => {
      for (const shape of gemm.edgeShapes) {
        const row = await verifyVariant(gemm, v, shape, 7, caps);
        expect(row.state, `${v.id} ${row.shapeText}: ${row.reason ?? row.check?.detail ?? ''}`).toBe('pass');
      }
    });
  }
});

describe.skipIf(!gpuOk)(`WebGPU measurement${needsGpu}`, () => {
  it('records the timing split and the adapter in the report, and names the timing source in the table', async () => {
    const plan = buildPlan({variants: ['gemm/webgpu-regblocked', 'gemm/blocked'], sizes: '48x40x36'});
    const report = await runSuite(plan, {seed: 1, threads: 1, timing});
    const ctx = report.context.webgpu!;
    expect(ctx.available).toBe(true);
    if (ctx.available) {
      expect(ctx.description.length).toBeGreaterThan(0);
      expect(ctx.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThan(0);
      expect(Array.isArray(ctx.features)).toBe(true);
    }
    const gpu = report.results.find((r) => r.variant === 'gemm/webgpu-regblocked')!;
    expect(gpu.state).toBe('ok');
    if (gpu.state !== 'ok') return;
    const m = gpu.metrics!;
    expect(['timestamp-query', 'submit-to-done']).toContain(m.timingSource);
    if (ctx.available && ctx.timestampQuery) expect(m.timingSource).toBe('timestamp-query');
    for (const k of ['uploadMs', 'kernelMs', 'readbackMs', 'endToEndMs', 'compileMs']) expect(m[k], k).toBeGreaterThanOrEqual(0);
    expect(m.endToEndMs as number).toBeGreaterThanOrEqual((m.uploadMs as number) + (m.readbackMs as number));
    expect(m.gpuCalls as number).toBeGreaterThan(gpu.stats.samples); // first call and samples all recorded
    const cpu = report.results.find((r) => r.variant === 'gemm/blocked')!;
    expect(cpu.metrics).toBeUndefined();
    const text = renderTables(report);
    expect(text).toMatch(/gemm\/webgpu-regblocked \[gpu-(ts|wall)\]/);
    expect(text).toMatch(/48x40x36 gemm\/webgpu-regblocked: upload .+, kernel .+, readback .+, end-to-end .+; pipeline compile/);
  });

  it('records no WebGPU context when no WebGPU variant is planned (no device acquired)', async () => {
    const report = await runSuite(buildPlan({variants: ['gemm/blocked'], sizes: '8'}), {seed: 1, threads: 1, timing});
    expect(report.context.webgpu).toBeUndefined();
  });

  it('caches pipelines by kernel key: a new shape does not recompile', async () => {
    const a = new Float32Array(16 * 16).fill(1);
    const s1 = await prepareGpuGemm(REGBLOCKED_DEFAULT, {m: 16, n: 16, k: 16}, {a, b: a});
    const size = pipelineCacheSize();
    const s2 = await prepareGpuGemm(REGBLOCKED_DEFAULT, {m: 9, n: 5, k: 3}, {a, b: a});
    expect(s2.compileMs).toBe(0);
    expect(s2.pipeline).toBe(s1.pipeline);
    expect(pipelineCacheSize()).toBe(size);
    disposeGpuGemm(s1);
    disposeGpuGemm(s2);
  });

  it('turns a WGSL compile error into an Error carrying the compiler message', async () => {
    const h = await acquireWebGpu();
    if (!h.ok) throw new Error(h.reason);
    await expect(
      getPipeline(h.device, 'broken-test', () => '@compute @workgroup_size(1) fn main() { let x: f32 = undefined_thing; }'),
    ).rejects.toThrow(/WGSL compile error in broken-test: .*undefined_thing/);
  });

  it("reports an invalid pipeline as an errored row with Dawn's message, and the next case still runs", async () => {
    const bad = gpuGemmVariant(
      'gemm/webgpu-test-too-wide',
      'workgroup larger than any adapter allows',
      {kind: 'regblocked', tile: {tm: 4, tn: 4, wx: 4096, wy: 1}},
      {},
    );
    const opts = {seed: 1, caps, timing, timer: tinybenchTimer};
    const r = await runCase(bad, {m: 8, n: 8, k: 8}, opts);
    expect(r.state).toBe('errored');
    if (r.state === 'errored') {
      expect(r.phase).toBe('prepare');
      expect(r.error).toMatch(/workgroup|4096/i);
    }
    const ok = await runCase(gpuVariants[2], {m: 8, n: 8, k: 8}, opts);
    expect(ok.state).toBe('ok');
  });

  it("makes a lost device an errored row with Dawn's reason, then acquires a fresh device for the next case", async () => {
    const inner = gpuVariants[2];
    const losing = {
      ...inner,
      id: 'gemm/webgpu-test-lost' as const,
      async prepare(p: GemmShape, i: GemmInputs, o: {threads: number}) {
        const s = await inner.prepare(p, i, o);
        s.h.device.destroy();
        await s.h.device.lost;
        return s;
      },
    };
    const opts = {seed: 1, caps, timing, timer: tinybenchTimer};
    const r = await runCase(losing, {m: 8, n: 8, k: 8}, opts);
    expect(r.state).toBe('errored');
    if (r.state === 'errored') expect(r.error).toMatch(/device lost \(destroyed\)/i);
    const ok = await runCase(inner, {m: 8, n: 8, k: 8}, opts);
    expect(ok.state).toBe('ok');
  });
});

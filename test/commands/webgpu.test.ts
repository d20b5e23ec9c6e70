import {mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {Report} from '../../src/core/results.js';
import {runCli} from '../helpers/cli.js';
import {gpuOk, needsGpu} from '../helpers/webgpu.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dlbench-webgpu-'));
const gpuVariants = ['--variant', 'gemm/webgpu-*'];

describe('WebGPU from the CLI', () => {
  it('without an adapter (DLBENCH_NO_WEBGPU=1) skips the WebGPU rows with the reason and exits 0', async () => {
    const out = path.join(tmp, 'no-gpu.json');
    const r = await runCli(['run', ...gpuVariants, '--variant', 'gemm/blocked', '--size', '16', '--time', '5', '--out', out], {
      DLBENCH_NO_WEBGPU: '1',
    });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    const gpuRows = report.results.filter((x) => x.backend === 'webgpu');
    expect(gpuRows).toHaveLength(3);
    for (const row of gpuRows) {
      expect(row.state).toBe('skipped');
      if (row.state === 'skipped') expect(row.reason).toMatch(/DLBENCH_NO_WEBGPU/);
    }
    expect(report.results.find((x) => x.variant === 'gemm/blocked')!.state).toBe('ok');
    expect(report.context.webgpu).toEqual({available: false, reason: expect.stringMatching(/DLBENCH_NO_WEBGPU/)});
    expect(r.stdout).toMatch(/gemm\/webgpu-regblocked.*skipped \[(\d+)\]/);
    const note = /gemm\/webgpu-regblocked.*skipped \[(\d+)\]/.exec(r.stdout)![1];
    expect(r.stdout).toContain(`[${note}] WebGPU disabled by DLBENCH_NO_WEBGPU`);
  });

  it('refuses an unknown --gpu-backend with exit 2, naming the valid choices', async () => {
    const r = await runCli(['run', ...gpuVariants, '--size', '8', '--gpu-backend', 'glide']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--gpu-backend.*vulkan/s);
  });

  it('an adapter index Dawn does not offer makes skipped rows that list the adapters', async () => {
    const r = await runCli([
      'run',
      '--variant',
      'gemm/webgpu-naive',
      '--size',
      '8',
      '--gpu-adapter',
      '99',
      '--json',
      '--out',
      path.join(tmp, 'adapter.json'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const row = (JSON.parse(r.stdout) as Report).results[0];
    expect(row.state).toBe('skipped');
    if (row.state === 'skipped') expect(row.reason).toMatch(gpuOk ? /--gpu-adapter 99: Dawn offers \d+ adapter/ : /./);
  });

  it.skipIf(!gpuOk)(`a run with WebGPU variants releases the device and exits by itself${needsGpu}`, async () => {
    const t0 = Date.now();
    const r = await runCli([
      'run',
      ...gpuVariants,
      '--size',
      '24,33x17x5',
      '--time',
      '5',
      '--min-samples',
      '2',
      '--out',
      path.join(tmp, 'exit.json'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(r.stdout).toMatch(/\[gpu-(ts|wall)\]/);
    const report = JSON.parse(readFileSync(path.join(tmp, 'exit.json'), 'utf8')) as Report;
    expect(report.results.every((x) => x.state === 'ok')).toBe(true);
  });

  it.skipIf(!gpuOk)(`verify passes every WebGPU variant on the edge shapes and exits${needsGpu}`, async () => {
    const r = await runCli(['verify', ...gpuVariants]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/all \d+ checks passed/);
  });

  it('env reports the adapter or why there is none', async () => {
    const r = await runCli(['env', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ctx = JSON.parse(r.stdout);
    expect(ctx.webgpu.available).toBe(gpuOk);
    if (gpuOk)
      expect(ctx.webgpu).toMatchObject({vendor: expect.any(String), backend: expect.any(String), features: expect.any(Array)});
  });
});

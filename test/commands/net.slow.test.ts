// The slow end-to-end cases of net.test.ts: whole-network profiles through the CLI, many seconds
// each on a 2-core machine. Run by `npm run test:slow` (vitest.config.ts), which .ci/run runs after `npm test`.
import {mkdtempSync, readFileSync, readdirSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {fastestEngine} from '../../src/kernels/gemm/engines.js';
// The default engine is the fastest available (native once the addon built).
const FAST = fastestEngine({threads: 1}).id.replace('gemm/', '');
import type {Report} from '../../src/core/results.js';
import {runCli} from '../helpers/cli.js';
import {gpuOk} from '../helpers/webgpu.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'dlbench-net-'));

describe('dlbench net (CLI), whole-network profiles', () => {
  it('profiles AlexNet layer by layer and writes per-layer rows atomically', async () => {
    const dir = tmp();
    const out = path.join(dir, 'alex.json');
    const r = await runCli(['net', 'alexnet', '--time', '1', '--min-samples', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/time shares: conv [\d.]+%, fc [\d.]+%, other [\d.]+%/);
    expect(r.stdout).toContain('conv1');
    expect(r.stdout).toContain(`im2col-${FAST}`);
    const rep = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(rep.config.net).toMatchObject({name: 'alexnet', batches: [1], conv: 'auto', gemm: `gemm/${FAST}`, best: false});
    expect(rep.results.length).toBe(22);
    expect(rep.results.every((x) => x.layer?.net === 'alexnet')).toBe(true);
    expect(rep.results.filter((x) => x.state === 'ok').length).toBe(19);
    const conv1 = rep.results[0];
    expect(conv1).toMatchObject({
      op: 'conv2d',
      variant: `conv2d/im2col-${FAST}`,
      layer: {name: 'conv1', type: 'conv', outputShape: [1, 64, 55, 55], params: 23296},
    });
    expect(conv1.metrics?.im2colExpansion).toBeGreaterThan(7);
    // One FLOP convention with --summary: the bias add counts (one add per output).
    expect(conv1.flops).toBe(2 * 64 * 55 * 55 * 3 * 11 * 11 + 64 * 55 * 55);
    // The whole forward pass, timed beside the per-layer sum.
    const [e2e] = rep.config.net!.endToEnd!;
    expect(e2e.batch).toBe(1);
    expect(e2e.runs).toBeGreaterThanOrEqual(20);
    expect(e2e.p50Ms!).toBeGreaterThan(0);
    expect(e2e.p50Ms!).toBeLessThanOrEqual(e2e.p90Ms!);
    expect(e2e.p90Ms!).toBeLessThanOrEqual(e2e.p99Ms!);
    expect(e2e.ratio!).toBeCloseTo(e2e.p50Ms! / e2e.layerSumMs!, 9);
    expect(r.stdout).toMatch(
      /end-to-end forward \(\d+ runs back to back\): p50 .*p90 .*p99 .*per-layer sum .*end-to-end p50 \/ sum = [\d.]+/,
    );
    expect(readdirSync(dir).filter((f) => f.startsWith('.dlbench-tmp'))).toEqual([]);
  });

  it('--layout nhwc profiles AlexNet-2012 in NHWC and records the layout in the config and every row', async () => {
    const out = path.join(tmp(), 'alex-nhwc.json');
    const r = await runCli(['net', 'alexnet-2012', '--layout', 'nhwc', '--time', '1', '--min-samples', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/batch 1, NHWC \(weights RSCK\), conv auto/);
    const rep = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(rep.config.net).toMatchObject({name: 'alexnet-2012', layout: 'nhwc', conv: 'auto'});
    expect(rep.results.every((x) => x.layer?.layout === 'nhwc')).toBe(true);
    expect(rep.results.filter((x) => x.state === 'ok').length).toBe(rep.results.length - 3); // flatten, drop6, drop7
    const by = (name: string) => rep.results.find((x) => x.layer?.name === name)!;
    // Output shapes in memory order, N×H×W×C; kernel shapes carry the layout.
    expect(by('conv1').layer).toMatchObject({outputShape: [1, 55, 55, 96], params: 34944});
    expect(by('conv1').shape).toMatchObject({layout: 'nhwc'});
    expect(by('conv2').shapeText).toMatch(/g2-nhwc$/);
    expect(by('norm1').shapeText).toBe('lrn:1x96x55x55-nhwc');
    expect(by('pool2').shapeText).toBe('maxpool3s2:1x256x27x27-nhwc');
    expect(by('fc6').layer!.outputShape).toEqual([1, 4096]);
  });

  it('--layout nhwc with --conv webgpu: every conv layer is an im2col fallback row with the reason', async () => {
    const out = path.join(tmp(), 'gpu-nhwc.json');
    const r = await runCli([
      'net',
      'alexnet',
      '--layout',
      'nhwc',
      '--conv',
      'webgpu',
      '--time',
      '1',
      '--min-samples',
      '1',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(out, 'utf8')) as Report;
    const convs = rep.results.filter((x) => x.layer?.type === 'conv');
    expect(convs).toHaveLength(5);
    for (const c of convs) {
      expect(c.variant).toBe(`conv2d/im2col-${FAST}`);
      expect(String(c.metrics?.fallback)).toMatch(
        gpuOk ? /computes NCHW with KCRS weights, not nhwc/ : /conv2d\/webgpu is unavailable|NCHW/,
      );
    }
  });
});

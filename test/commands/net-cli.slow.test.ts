import {mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {engineNames} from '../../src/kernels/gemm/engines.js';
// im2col and fc variants exist once per engine, slowest first.
const IM2COL = [...engineNames()].reverse().map((e) => `conv2d/im2col-${e}`);
import type {Report} from '../../src/core/results.js';
import {runCli, startCli, waitForOutput} from '../helpers/cli.js';
import {blasOk} from '../helpers/blas.js';
import {gpuOk} from '../helpers/webgpu.js';
import {loadNative} from '../../src/native/loader.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'dlbench-net-'));

describe('dlbench net (CLI)', () => {
  it('--summary prints the VGG-16 table of the seeds with 138M parameters', async () => {
    const r = await runCli(['net', 'vgg16', '--summary']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('224*224*64 = 3,211,264');
    expect(r.stdout).toContain('(3*3*512)*512 = 2,359,296');
    expect(r.stdout).toContain('7*7*512*4096 = 102,760,448');
    expect(r.stdout).toMatch(/TOTAL: 138M parameters \(138,344,128 weights \+ 13,416 biases\)/);
  });

  it('--summary --json returns the layer plans', async () => {
    const r = await runCli(['net', 'alexnet-2012', '--summary', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.net).toBe('alexnet-2012');
    expect(j.layers.find((l: {def: {name: string}}) => l.def.name === 'conv2').kernel.shape.groups).toBe(2);
  });

  it('--layout nhwc --summary names the layout; shapes, params and FLOPs are the NCHW ones', async () => {
    const r = await runCli(['net', 'alexnet-2012', '--layout', 'nhwc', '--summary']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('layout NHWC (weights RSCK)');
    const nchw = await runCli(['net', 'alexnet-2012', '--summary']);
    expect(nchw.stdout).toContain('layout NCHW (weights KCRS)');
    const body = (t: string) => t.split('\n').slice(1).join('\n');
    expect(body(r.stdout)).toBe(body(nchw.stdout));
    const j = JSON.parse((await runCli(['net', 'alexnet-2012', '--layout', 'NHWC', '--summary', '--json'])).stdout);
    expect(j.layout).toBe('nhwc');
    const conv2 = j.layers.find((l: {def: {name: string}}) => l.def.name === 'conv2');
    expect(conv2.kernel.shape).toMatchObject({layout: 'nhwc', groups: 2});
    expect(j.layers.find((l: {def: {name: string}}) => l.def.name === 'fc6').flattenedFrom).toEqual([256, 6, 6]);
  });

  it('refuses bad input with exit 2 and a one-line message naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['net', 'resnet50', '--summary'], /unknown network 'resnet50'. Valid: alexnet, alexnet-2012, vgg11/],
      [['net', 'alexnet', '--conv', 'fft', '--summary'], /--conv: unknown conv variant 'fft'/],
      [['net', 'alexnet', '--gemm', 'cublas', '--summary'], /--gemm: unknown GEMM engine 'cublas'. Valid: .*blocked/],
      [['net', 'alexnet', '--batch', '0', '--summary'], /--batch: '0' is not a positive integer/],
      [['net', 'alexnet', '--batch', '1,,8', '--summary'], /--batch: empty entry/],
      [['net', 'alexnet', '--layout', 'nchwc', '--summary'], /--layout: unknown layout 'nchwc'. Valid: nchw, nhwc/],
      [['net', 'alexnet', '--layout', 'nhwc', '--conv', 'fft', '--summary'], /--conv: unknown conv variant 'fft'/],
    ];
    for (const [args, msg] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      // oclif wraps long messages at the terminal width: compare with the wrapping undone.
      expect(r.stderr.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ')).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('dlbench run with conv2d and layer ops (CLI)', () => {
  it('runs every conv2d variant on a 3×3 shape, reporting im2col and Winograd metrics', async () => {
    const out = path.join(tmp(), 'c.json');
    const r = await runCli([
      'run',
      '--op',
      'conv2d',
      '--size',
      '1x8x12x12k8r3p1,1x8x12x12k8r3p1-nhwc',
      '--time',
      '5',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(out, 'utf8')) as Report;
    // conv2d/webgpu computes NCHW only: planned for the first shape, left out of the NHWC one.
    const WINO = ['conv2d/winograd-f2x3-js', 'conv2d/winograd-f4x3-js', 'conv2d/winograd-f2x3', 'conv2d/winograd-f4x3'];
    expect(rep.results.map((x) => x.variant)).toEqual(
      ['conv2d/direct', ...IM2COL, ...WINO, 'conv2d/webgpu'].concat(['conv2d/direct', ...IM2COL, ...WINO]),
    );
    // Ok, or skipped where this machine lacks the backend (no GPU adapter, no CBLAS for im2col-openblas).
    const lacking = (x: Report['results'][number]) =>
      (!gpuOk && x.variant === 'conv2d/webgpu') || (!blasOk && x.variant === 'conv2d/im2col-openblas');
    expect(rep.results.every((x) => x.state === 'ok' || (lacking(x) && x.state === 'skipped'))).toBe(true);
    expect(rep.results[1].metrics).toMatchObject({
      gemm: 'gemm/blocked',
      im2col: loadNative().ok ? 'native' : 'js',
      im2colBytes: 4 * 8 * 9 * 144,
    });
    expect(rep.results.find((x) => x.variant === 'conv2d/winograd-f2x3')!.metrics).toMatchObject({
      effectiveFlops: true,
      tileM: 2,
      transforms: loadNative().ok ? 'native' : 'js',
    });
    expect(rep.results.find((x) => x.variant === 'conv2d/winograd-f4x3-js')!.metrics).toMatchObject({tileM: 4, transforms: 'js'});
    expect(rep.results[0].flops).toBe(2 * 8 * 144 * 8 * 9);
  });

  it('leaves Winograd out of shapes it cannot compute, unless named (then skipped with the reason)', async () => {
    const dir = tmp();
    let r = await runCli(['run', '--op', 'conv2d', '--size', '1x4x9x9k4r5s2', '--time', '5', '--out', path.join(dir, 'a.json')]);
    expect(r.code, r.stderr).toBe(0);
    let rep = JSON.parse(readFileSync(path.join(dir, 'a.json'), 'utf8')) as Report;
    expect(rep.results.map((x) => x.variant)).toEqual(['conv2d/direct', ...IM2COL, 'conv2d/webgpu']);
    r = await runCli(['run', '--variant', 'conv2d/winograd-f2x3', '--size', '1x4x9x9k4r5s2', '--out', path.join(dir, 'b.json')]);
    expect(r.code).toBe(0);
    rep = JSON.parse(readFileSync(path.join(dir, 'b.json'), 'utf8')) as Report;
    expect(rep.results[0]).toMatchObject({state: 'skipped'});
    expect(rep.results[0].state === 'skipped' && rep.results[0].reason).toMatch(/needs a 3×3 filter/);
  });

  it('benchmarks memory-bound layers alone with --op layer', async () => {
    const out = path.join(tmp(), 'l.json');
    const r = await runCli([
      'run',
      '--op',
      'layer',
      '--size',
      'relu:1x8x16x16,maxpool3s2:1x4x9x9,fc:2x64x32',
      '--time',
      '5',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(rep.results.map((x) => `${x.shapeText} ${x.variant}`)).toEqual([
      'relu:1x8x16x16 layer/js',
      'relu:1x8x16x16 layer/native',
      'maxpool3s2:1x4x9x9 layer/js',
      'maxpool3s2:1x4x9x9 layer/native',
      ...[...engineNames()].reverse().map((e) => `fc:2x64x32 layer/fc-${e}`),
      'fc:2x64x32 layer/fc-packed',
    ]);
    expect(rep.results[0].ai).toBeCloseTo(1 / 8, 10);
  });

  it('times NHWC bias, max-pool and LRN alone with --op layer (-nhwc sizes), each checked', async () => {
    const out = path.join(tmp(), 'ln.json');
    const r = await runCli([
      'run',
      '--op',
      'layer',
      '--size',
      'bias:1x8x6x6-nhwc,maxpool3s2:1x4x9x9-nhwc,lrn:1x7x5x5-nhwc',
      '--time',
      '5',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(rep.results.map((x) => `${x.shapeText} ${x.variant} ${x.state}`)).toEqual(
      ['bias:1x8x6x6-nhwc', 'maxpool3s2:1x4x9x9-nhwc', 'lrn:1x7x5x5-nhwc'].flatMap((s) => [
        `${s} layer/js ok`,
        `${s} layer/native ok`,
      ]),
    );
    expect(rep.results.every((x) => x.shape.layout === 'nhwc')).toBe(true);
    const bad = await runCli(['run', '--op', 'layer', '--size', 'softmax:2x9-nhwc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--size: 'softmax:2x9-nhwc' has a layout suffix/);
  });

  it('refuses malformed conv and layer sizes with exit 2', async () => {
    for (const [op, size] of [
      ['conv2d', '1x3x8x8'],
      ['conv2d', 'vgg16.conv9_9'],
      ['layer', 'gelu:1x1x1x1'],
    ]) {
      const r = await runCli(['run', '--op', op, '--size', size]);
      expect(r.code, size).toBe(2);
      expect(r.stderr).toMatch(/--size/);
    }
  });
});

describe('dlbench net, interrupted', () => {
  it('Ctrl-C saves the finished layers and exits 130', async () => {
    const out = path.join(tmp(), 'int.json');
    const {child, done} = startCli(['net', 'vgg16', '--batch', '1,2', '--out', out], {DLBENCH_READY_LINE: '1'});
    // The second layer has started, so the first is finished (the lines: src/cli/interrupt.ts).
    await waitForOutput(child, /dlbench: started 2\//);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted: \d+ finished layer\(s\) saved/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.interrupted).toBe(true);
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.results.length).toBeLessThan(2 * 40); // VGG-16 has 40 layer rows per batch
  });
});

import {describe, expect, it} from 'vitest';
import {compute, DlbenchUsageError, open} from '../../src/index.js';
import {type ConvShape, conv, convSpec} from '../../src/kernels/conv2d/spec.js';
import {gemmSpec} from '../../src/kernels/gemm/spec.js';
import {svdShape} from '../../src/kernels/svd/index.js';
import {layerSpec} from '../../src/kernels/layers/spec.js';
import {svdSpec} from '../../src/kernels/svd/spec.js';

// Each misuse the API used to answer with wrong numbers now throws DlbenchUsageError with a code;
// each correct call is judged by the op's own reference check (the one `dlbench verify` uses).

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DlbenchUsageError);
    return (err as DlbenchUsageError).code;
  }
  throw new Error('expected a DlbenchUsageError, got a result');
}

const convBase = {n: 2, c: 3, h: 9, w: 8, k: 4, r: 3, pad: 1};

describe('compute validates before it computes', () => {
  it('refuses a shape the variant cannot compute (Winograd on a 5×5 filter)', async () => {
    const p = conv({...convBase, r: 5});
    const inputs = convSpec.makeInputs(p, 1);
    expect(await codeOf(compute('conv2d/winograd-f2x3-js', {...convBase, r: 5}, inputs))).toBe('unsupported-shape');
    await expect(compute('conv2d/winograd-f2x3-js', {...convBase, r: 5}, inputs)).rejects.toThrow(/needs a 3×3 filter/);
  });

  it('fills the CLI defaults: a conv shape without stride/dilation/groups/layout computes every output', async () => {
    const p = conv(convBase);
    const inputs = convSpec.makeInputs(p, 2);
    const out = await compute<Float32Array>('conv2d/direct', convBase, inputs);
    expect(out.length).toBe(2 * 4 * 9 * 8);
    expect(convSpec.check(p, inputs, out).pass).toBe(true);
  });

  it.each(['NCHW', 'nchw', 'NHWC', 'Nhwc'])('reads layout %s case-insensitively', async (layout) => {
    const p: ConvShape = conv({...convBase, layout: layout.toLowerCase() as ConvShape['layout']});
    const inputs = convSpec.makeInputs(p, 3);
    const out = await compute<Float32Array>('conv2d/direct', {...convBase, layout}, inputs);
    expect(convSpec.check(p, inputs, out).pass).toBe(true);
  });

  it('refuses a layout that is neither, and fields the op does not have', async () => {
    const inputs = convSpec.makeInputs(conv(convBase), 3);
    expect(await codeOf(compute('conv2d/direct', {...convBase, layout: 'NCWH'}, inputs))).toBe('bad-shape');
    expect(await codeOf(compute('conv2d/direct', {...convBase, dilations: 2}, inputs))).toBe('bad-shape');
    expect(await codeOf(compute('conv2d/direct', {...convBase, groups: 2}, inputs))).toBe('bad-shape');
    expect(await codeOf(compute('gemm/blocked', {m: 4, n: 4.5, k: 4}, {}))).toBe('bad-shape');
  });

  it('takes a size token as the CLI does', async () => {
    const p = conv({...convBase, stride: 2});
    const inputs = convSpec.makeInputs(p, 4);
    const out = await compute<Float32Array>('conv2d/direct', '2x3x9x8k4r3s2p1', inputs);
    expect(convSpec.check(p, inputs, out).pass).toBe(true);
  });

  it('svd/randomized without oversample/power gets the CLI defaults and a full s', async () => {
    const p = svdShape(60, 40, {rank: 5, dtype: 'f64'});
    const inputs = svdSpec.makeInputs(p, 5);
    const out = await compute<{k: number; s: Float64Array}>(
      'svd/randomized',
      {m: 60, n: 40, rank: 5, dtype: 'F64'},
      {a: inputs.a},
    );
    expect(out.s).toHaveLength(5);
    expect(svdSpec.check(p, inputs, out as never).pass).toBe(true);
  });

  it('refuses inputs that are too short, too long or of the wrong type', async () => {
    const p = {m: 7, n: 5, k: 6};
    const {a, b} = gemmSpec.makeInputs(p, 6);
    expect(await codeOf(compute('gemm/blocked', p, {a: a.subarray(1), b}))).toBe('bad-inputs');
    expect(await codeOf(compute('gemm/blocked', p, {a, b: new Float32Array(b.length + 1)}))).toBe('bad-inputs');
    expect(await codeOf(compute('gemm/blocked', p, {a: Float64Array.from(a), b}))).toBe('bad-inputs');
    expect(await codeOf(compute('gemm/blocked', p, {a}))).toBe('bad-inputs');
    const sp = svdShape(20, 10, {rank: 3, dtype: 'f64'});
    const f32 = new Float32Array(200);
    expect(await codeOf(compute('svd/full', sp, {a: f32}))).toBe('bad-inputs');
    const x = convSpec.makeInputs(conv(convBase), 1);
    expect(await codeOf(compute('conv2d/direct', convBase, {x: x.x.subarray(3), w: x.w}))).toBe('bad-inputs');
  });

  it('refuses an unavailable variant with its reason (WebGPU switched off)', async () => {
    const before = process.env.DLBENCH_NO_WEBGPU;
    process.env.DLBENCH_NO_WEBGPU = '1';
    try {
      expect(await codeOf(compute('gemm/webgpu-naive', {m: 4, n: 4, k: 4}, {}))).toBe('unavailable');
    } finally {
      if (before === undefined) delete process.env.DLBENCH_NO_WEBGPU;
      else process.env.DLBENCH_NO_WEBGPU = before;
    }
  });

  it('svd/full (f64) on entries near 1e150 gives the singular values', async () => {
    const d = [3e150, 7e150, 1e150, 5e150];
    const a = new Float64Array(16);
    for (let i = 0; i < 4; i++) a[i * 4 + i] = d[i];
    a[1] = 2e150; // an off-diagonal entry so the QR iteration has work to do
    const out = await compute<{s: Float64Array}>('svd/full', {m: 4, n: 4, dtype: 'f64'}, {a});
    // [[3,2],[0,7]] has singular values √(31 ± √(31² − 441)); 5 and 1 stay.
    const big = Math.sqrt(31 + Math.sqrt(31 ** 2 - 441)),
      small = Math.sqrt(31 - Math.sqrt(31 ** 2 - 441));
    const want = [big, 5, small, 1].sort((x, y) => y - x).map((x) => x * 1e150);
    for (let i = 0; i < 4; i++) expect(Math.abs(out.s[i] - want[i]) / 1e150).toBeLessThan(1e-13);
  });

  it.each([
    ['svd/full', 1e36],
    ['svd/randomized', 1e36],
    ['svd/full', 1e-35],
    ['svd/randomized', 1e-35],
  ])('%s (f32) on entries scaled by %s gives the known spectrum', async (id, scale) => {
    const p = svdShape(60, 40, {rank: 5});
    const inputs = svdSpec.makeInputs(p, 3);
    const a = (inputs.a as Float32Array).map((x) => x * scale);
    const out = await compute<{s: Float64Array}>(id, p, {a});
    for (let i = 0; i < 5; i++) expect(Math.abs(out.s[i] / scale - inputs.sigma[i]) / inputs.sigma[0]).toBeLessThan(1e-4);
  });

  it('names an unknown variant with its code', async () => {
    expect(await codeOf(compute('gemm/nope', {m: 2, n: 2, k: 2}, {}))).toBe('unknown-variant');
  });
});

describe('open: one prepared state for many runs', () => {
  it('prepares once while the inputs are unchanged, again when they change, never after close', async () => {
    const p = {m: 33, n: 17, k: 21};
    const first = gemmSpec.makeInputs(p, 7);
    const k = await open<Float32Array>('gemm/blocked', p);
    expect(gemmSpec.check(p, first, await k.run(first)).pass).toBe(true);
    expect(gemmSpec.check(p, first, await k.run(first)).pass).toBe(true);
    expect(gemmSpec.check(p, first, await k.run({a: first.a.slice(), b: first.b.slice()})).pass).toBe(true);
    expect(k.prepares).toBe(1);
    // Edited in place: the state was prepared on a private copy, so it notices and prepares again.
    first.a[0] += 1;
    expect(gemmSpec.check(p, first, await k.run(first)).pass).toBe(true);
    const second = gemmSpec.makeInputs(p, 8);
    expect(gemmSpec.check(p, second, await k.run(second)).pass).toBe(true);
    expect(k.prepares).toBe(3);
    await k.close();
    expect(await codeOf(k.run(second))).toBe('closed');
  });

  it('runs one call at a time: concurrent runs on changing inputs each get their own answer', async () => {
    const p = {m: 9, n: 11, k: 13};
    const k = await open<Float32Array>('gemm/blocked', p);
    const all = [1, 2, 3, 4].map((seed) => gemmSpec.makeInputs(p, seed));
    const outs = await Promise.all(all.map((inp) => k.run(inp).then((c) => c.slice())));
    for (let i = 0; i < all.length; i++) expect(gemmSpec.check(p, all[i], outs[i]).pass).toBe(true);
    await k.close();
  });

  it('validates at open, before any inputs', async () => {
    expect(await codeOf(open('conv2d/winograd-f4x3-js', {...convBase, stride: 2}))).toBe('unsupported-shape');
    const k = await open('svd/full', {m: 8, n: 6, dtype: 'f64'});
    expect(k.shape).toMatchObject({m: 8, n: 6, rank: 15, oversample: 10, dtype: 'f64', matrix: 'lowrank'});
    await k.close();
  });
});

describe('compute on layers', () => {
  it('a max-pool without size/stride takes the parser default; NHWC read case-insensitively', async () => {
    const p = {kind: 'maxpool', size: 2, stride: 2, n: 1, c: 3, h: 6, w: 4, layout: 'nhwc'} as const;
    const inputs = layerSpec.makeInputs(p, 9);
    const out = await compute<Float32Array>('layer/js', {kind: 'maxpool', n: 1, c: 3, h: 6, w: 4, layout: 'NHWC'}, inputs);
    expect(layerSpec.check(p, inputs, out).pass).toBe(true);
    expect(await codeOf(compute('layer/js', {kind: 'softmax', n: 2, d: 5, layout: 'nhwc'}, {x: new Float32Array(10)}))).toBe(
      'bad-shape',
    );
    expect(await codeOf(compute('layer/js', {kind: 'softmax', n: 2, d: 5}, {x: new Float32Array(9)}))).toBe('bad-inputs');
  });
});

import {afterAll, describe, expect, it} from 'vitest';
import {createRng, fillUniform} from '../../../src/core/rng.js';
import {U32} from '../../../src/kernels/gemm/spec.js';
import {conv2d} from '../../../src/kernels/conv2d/index.js';
import {conv, convSpec} from '../../../src/kernels/conv2d/spec.js';
import {conv2dWebgpu} from '../../../src/kernels/conv2d/webgpu.js';
import {runCase} from '../../../src/measure/runner.js';
import {convVariant, resolveChoice} from '../../../src/nets/kernels.js';
import {releaseWebGpu, webGpuLimit} from '../../../src/webgpu/device.js';
import {
  convOutDims,
  disposeConv2dWebGpu,
  gpuConvColFloats,
  gpuConvSupports,
  prepareConv2dWebGpu,
  runConv2dWebGpu,
  type GpuConvShape,
} from '../../../src/webgpu/conv2d.js';
import {NAIVE, TILED_16} from '../../../src/webgpu/gemm-gpu.js';
import {gpuOk, needsGpu} from '../../helpers/webgpu.js';

afterAll(() => releaseWebGpu());

/** Direct convolution in float64 (NCHW, KCRS), and Σ|x·w| of each output for the error bound. */
function directConv(
  p: GpuConvShape,
  x: Float32Array,
  w: Float32Array,
  bias?: Float32Array,
): {y: Float64Array; abs: Float64Array} {
  const G = p.groups ?? 1,
    d = p.dilation ?? 1,
    Cg = p.c / G,
    Kg = p.k / G;
  const {P, Q} = convOutDims(p);
  const y = new Float64Array(p.n * p.k * P * Q);
  const abs = new Float64Array(y.length);
  for (let n = 0; n < p.n; n++)
    for (let k = 0; k < p.k; k++)
      for (let i = 0; i < P; i++)
        for (let j = 0; j < Q; j++) {
          const g = Math.floor(k / Kg);
          let s = bias ? bias[k] : 0,
            a = bias ? Math.abs(bias[k]) : 0;
          for (let c = 0; c < Cg; c++)
            for (let r = 0; r < p.r; r++)
              for (let t = 0; t < p.s; t++) {
                const ih = i * p.stride - p.pad + r * d,
                  iw = j * p.stride - p.pad + t * d;
                if (ih < 0 || iw < 0 || ih >= p.h || iw >= p.w) continue;
                const v = x[((n * p.c + g * Cg + c) * p.h + ih) * p.w + iw] * w[((k * Cg + c) * p.r + r) * p.s + t];
                s += v;
                a += Math.abs(v);
              }
          const o = ((n * p.k + k) * P + i) * Q + j;
          y[o] = s;
          abs[o] = a;
        }
  return {y, abs};
}

const rand = (len: number, seed: number): Float32Array => {
  const a = new Float32Array(len);
  fillUniform(a, createRng(seed));
  return a;
};

const shape = (p: Partial<GpuConvShape> & Pick<GpuConvShape, 'c' | 'h' | 'w' | 'k' | 'r'>): GpuConvShape => ({
  n: 1,
  s: p.r,
  stride: 1,
  pad: 0,
  dilation: 1,
  groups: 1,
  ...p,
});

const cases: [string, GpuConvShape, boolean?][] = [
  ['3x3, pad 1', shape({c: 3, h: 8, w: 8, k: 4, r: 3, pad: 1})],
  ['1x1 (a plain GEMM)', shape({c: 5, h: 7, w: 6, k: 3, r: 1})],
  ['stride 2, odd sizes, 5x5', shape({c: 2, h: 13, w: 11, k: 5, r: 5, stride: 2, pad: 2})],
  ['dilation 2, non-square filter', shape({c: 3, h: 10, w: 9, k: 2, r: 3, s: 2, dilation: 2, pad: 1})],
  ['groups 2, batch 3', shape({n: 3, c: 4, h: 6, w: 5, k: 6, r: 3, groups: 2, pad: 1})],
  ['depthwise (groups = C)', shape({n: 2, c: 3, h: 5, w: 5, k: 3, r: 3, groups: 3})],
  ['bias, AlexNet-like conv1 corner (11x11 stride 4)', shape({c: 3, h: 35, w: 35, k: 7, r: 11, stride: 4, pad: 2}), true],
  ['more columns than one workgroup and K not a multiple of 4', shape({n: 2, c: 7, h: 20, w: 19, k: 33, r: 3, pad: 1})],
];

describe('conv2d on WebGPU (im2col + GPU GEMM)', () => {
  it('supports NCHW only and says so', () => {
    expect(gpuConvSupports(shape({c: 1, h: 3, w: 3, k: 1, r: 1, layout: 'nhwc'}))).toEqual({
      ok: false,
      reason: expect.stringMatching(/NCHW/),
    });
    expect(gpuConvSupports(shape({c: 1, h: 3, w: 3, k: 1, r: 1, layout: 'nchw'}))).toEqual({ok: true});
  });

  for (const [name, p, withBias] of cases) {
    it.skipIf(!gpuOk)(`${name} matches a direct convolution${needsGpu}`, async () => {
      const x = rand(p.n * p.c * p.h * p.w, 1);
      const w = rand(p.k * (p.c / (p.groups ?? 1)) * p.r * p.s, 2);
      const bias = withBias ? rand(p.k, 3) : undefined;
      const ref = directConv(p, x, w, bias);
      const state = await prepareConv2dWebGpu(p, {x, w, bias});
      try {
        const y = await runConv2dWebGpu(state);
        expect(y.length).toBe(ref.y.length);
        const terms = (p.c / (p.groups ?? 1)) * p.r * p.s + 1;
        const tol = (terms + 2) * U32;
        let worst = 0;
        for (let i = 0; i < y.length; i++)
          worst = Math.max(worst, Math.abs(y[i] - ref.y[i]) / Math.max(ref.abs[i], Number.MIN_VALUE));
        expect(worst).toBeLessThanOrEqual(tol);
        // A second call (new upload) gives the same answer: the column buffer is rewritten, not accumulated.
        const again = Float32Array.from(await runConv2dWebGpu(state));
        expect(again).toEqual(Float32Array.from(y));
        expect(state.rec.samples.length).toBe(2);
      } finally {
        disposeConv2dWebGpu(state);
      }
    });
  }

  it.skipIf(!gpuOk)(`works on top of the naive and tiled GPU GEMMs too (unpadded layout)${needsGpu}`, async () => {
    const p = shape({n: 2, c: 3, h: 9, w: 7, k: 5, r: 3, pad: 1, groups: 1});
    const x = rand(p.n * p.c * p.h * p.w, 4),
      w = rand(p.k * p.c * 9, 5);
    const ref = directConv(p, x, w);
    for (const kern of [NAIVE, TILED_16]) {
      const s = await prepareConv2dWebGpu(p, {x, w}, kern);
      const y = await runConv2dWebGpu(s);
      for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - ref.y[i])).toBeLessThanOrEqual(30 * U32 * ref.abs[i] + 1e-30);
      disposeConv2dWebGpu(s);
    }
  });
});

describe('conv2d/webgpu on the conv2d ladder', () => {
  it("is a conv2d variant built on the op's own spec", () => {
    const v = conv2d.variants.find((x) => x.id === 'conv2d/webgpu');
    expect(v?.spec).toBe(convSpec);
    expect(v?.backend).toBe('webgpu');
  });

  it.skipIf(!gpuOk)(
    `skips (with the reason) a shape whose im2col buffer exceeds the storage binding limit${needsGpu}`,
    async () => {
      await conv2dWebgpu.init!();
      const max = webGpuLimit('maxStorageBufferBindingSize')!;
      expect(max).toBeGreaterThan(0);
      // 5×5 filter, 64 channels, 27×27 output: 1600 × 729 floats per image; enough images to pass the limit.
      const base = conv({c: 64, h: 27, w: 27, k: 8, r: 5, pad: 2});
      const n = Math.ceil(max / (4 * 1600 * 729)) + 1;
      const big = {...base, n};
      expect(4 * gpuConvColFloats(big)).toBeGreaterThan(max);
      expect(conv2dWebgpu.supports!(base)).toEqual({ok: true});
      const r = await runCase(conv2dWebgpu, big, {
        seed: 1,
        caps: {threads: 1},
        timing: {timeBudgetMs: 1, minSamples: 1, warmupMs: 0, warmupIterations: 0},
        timer: {measure: async () => [1]},
        forced: new Set(['conv2d/webgpu']),
      });
      expect(r.state).toBe('skipped');
      expect(r.state === 'skipped' && r.reason).toMatch(
        /im2col buffer of \d+ MiB exceeds this adapter's \d+ MiB storage binding limit/,
      );
      // The network runner falls back to im2col on such a layer instead of leaving a hole.
      const choice = resolveChoice('webgpu', undefined, {threads: 1});
      const pick = convVariant(choice, big, {threads: 1});
      expect(pick.variant.id).toMatch(/^conv2d\/im2col-/);
      expect(pick.fallback).toMatch(/conv2d\/webgpu cannot run this layer: im2col buffer/);
      expect(convVariant(choice, base, {threads: 1}).variant.id).toBe('conv2d/webgpu');
    },
  );

  it('without an adapter a network falls back to im2col and says why', () => {
    const saved = process.env.DLBENCH_NO_WEBGPU;
    process.env.DLBENCH_NO_WEBGPU = '1';
    try {
      const pick = convVariant(resolveChoice('webgpu', undefined, {threads: 1}), conv({c: 3, h: 8, w: 8, k: 4, r: 3}), {
        threads: 1,
      });
      expect(pick.variant.id).toMatch(/^conv2d\/im2col-/);
      expect(pick.fallback).toBe('conv2d/webgpu is unavailable: WebGPU disabled by DLBENCH_NO_WEBGPU');
    } finally {
      if (saved === undefined) delete process.env.DLBENCH_NO_WEBGPU;
      else process.env.DLBENCH_NO_WEBGPU = saved;
    }
  });
});

import {afterAll, describe, expect, it} from 'vitest';
import {UsageError} from '../../../src/core/errors.js';
import {createRng, fillUniform} from '../../../src/core/rng.js';
import type {KernelVariant} from '../../../src/core/types.js';
import {conv2d} from '../../../src/kernels/conv2d/index.js';
import {loadNative} from '../../../src/native/loader.js';
import {activeIm2col, jsIm2col, nativeIm2col, type NativeIm2colFn} from '../../../src/kernels/conv2d/im2col-js.js';
import {makeIm2col} from '../../../src/kernels/conv2d/im2col.js';
import {parseConvSize, withNetLayers} from '../../../src/nets/conv-layers.js';
import {
  conv,
  convSizes,
  convSpec,
  convTolerance,
  outDims,
  type ConvInputs,
  type ConvShape,
} from '../../../src/kernels/conv2d/spec.js';
import {blockedEngine, gemmEngines} from '../../../src/kernels/gemm/engines.js';
import type {GemmEngine} from '../../../src/kernels/gemm/engine.js';
import {releaseWebGpu} from '../../../src/webgpu/device.js';

const caps = {threads: 1};

afterAll(() => releaseWebGpu());

async function compute(v: KernelVariant, p: ConvShape, inputs: ConvInputs): Promise<Float32Array> {
  const st = await v.prepare(p, inputs, caps);
  try {
    return ((await v.run(st)) as Float32Array).slice();
  } finally {
    await v.dispose?.(st);
  }
}

const direct = conv2d.variants.find((v) => v.id === 'conv2d/direct')!;

describe('conv2d conformance (every registered variant × every edge shape)', () => {
  for (const v of conv2d.variants) {
    describe(v.id, () => {
      for (const p of conv2d.edgeShapes) {
        const label = convSpec.describe(p);
        it(label, async (ctx) => {
          // A rung this machine cannot run (no GPU adapter, no CBLAS, no addon) skips with its reason;
          // .ci/run installs all of them, and tests of their own fail there when one is missing.
          // (Asked at 2 threads: the worker-pool variants refuse 1, where they would only add overhead.)
          await v.init?.();
          const avail = v.available({threads: 2});
          if (!avail.ok) return ctx.skip(avail.reason);
          const sup = v.supports?.(p);
          if (sup && !sup.ok) {
            // Only Winograd (for what it cannot compute) and the GPU rung (NHWC) decline.
            if (v.id === 'conv2d/webgpu') {
              expect(p.layout).toBe('nhwc');
              return;
            }
            expect(v.id).toMatch(/winograd/);
            expect(p.r !== 3 || p.s !== 3 || p.stride !== 1 || p.dilation !== 1).toBe(true);
            return;
          }
          const inputs = convSpec.makeInputs(p, 7);
          const out = await compute(v, p, inputs);
          const check = convSpec.check(p, inputs, out, {toleranceScale: v.toleranceScale?.(p) ?? 1, seed: 7});
          expect(check.pass, `${check.method}: ${check.error} > ${check.tolerance} ${check.detail ?? ''}`).toBe(true);
          // And it agrees with the plain loops, element by element.
          const ref = await compute(direct, p, inputs);
          const tol = convTolerance(p, 2 * (v.toleranceScale?.(p) ?? 1)) * (p.c / p.groups) * p.r * p.s;
          for (let i = 0; i < ref.length; i++) expect(Math.abs(out[i] - ref[i])).toBeLessThanOrEqual(tol);
        });
      }
    });
  }

  it('covers both layouts, 1×1 kernels, stride > 1, padding, groups, dilation and odd sizes', () => {
    const e = conv2d.edgeShapes;
    expect(e.some((p) => p.layout === 'nhwc') && e.some((p) => p.layout === 'nchw')).toBe(true);
    expect(e.some((p) => p.r === 1 && p.s === 1)).toBe(true);
    expect(e.some((p) => p.stride > 1)).toBe(true);
    expect(e.some((p) => p.pad > 0)).toBe(true);
    expect(e.some((p) => p.groups > 1)).toBe(true);
    expect(e.some((p) => p.dilation > 1)).toBe(true);
    expect(e.some((p) => p.h % 2 === 1 && p.w % 2 === 1)).toBe(true);
  });

  it('adds the bias in every variant (the network layers rely on it)', async () => {
    for (const p of [
      conv({n: 2, c: 4, h: 9, w: 7, k: 6, r: 3, pad: 1, groups: 2}),
      conv({c: 4, h: 9, w: 7, k: 6, r: 3, pad: 1, layout: 'nhwc'}),
    ]) {
      const inputs = convSpec.makeInputs(p, 3);
      inputs.bias = Float32Array.from({length: p.k}, (_, k) => k - 2.5);
      for (const v of conv2d.variants) {
        await v.init?.();
        if (!v.available(caps).ok || !(v.supports?.(p).ok ?? true)) continue;
        const out = await compute(v, p, inputs);
        expect(convSpec.check(p, inputs, out, {toleranceScale: v.toleranceScale?.(p) ?? 1}).pass, v.id).toBe(true);
      }
    }
  });

  it('fails a wrong answer, whether checked in full or sampled', async () => {
    for (const p of [conv({c: 3, h: 8, w: 8, k: 4, r: 3, pad: 1}), conv({c: 48, h: 30, w: 30, k: 48, r: 3, pad: 1})]) {
      const inputs = convSpec.makeInputs(p, 1);
      const out = await compute(direct, p, inputs);
      out[out.length - 1] += 1e-2;
      const check = convSpec.check(p, inputs, out);
      expect(check.pass).toBe(false);
      expect(check.detail).toMatch(/largest error/);
      out[0] = NaN;
      expect(convSpec.check(p, inputs, out).method).toBe('finite');
    }
  });
});

describe('conv2d cost model and metrics', () => {
  it('counts FLOPs as 2·N·K·P·Q·(C/g)·R·S', () => {
    const p = parseConvSize('vgg16.conv1_2');
    expect(convSpec.flops(p)).toBe(2 * 64 * 224 * 224 * 64 * 9);
    expect(convSpec.macs(p)).toBe(convSpec.flops(p) / 2);
    const g = parseConvSize('alexnet-2012.conv2');
    expect(g.groups).toBe(2);
    expect(convSpec.macs(g)).toBe(256 * 27 * 27 * 48 * 25);
    expect(convSpec.bytes(p)).toBe(4 * (64 * 224 * 224 + 64 * 64 * 9 + 64 * 224 * 224));
  });

  it('reports the im2col buffer and its expansion over the input', () => {
    const v = makeIm2col(blockedEngine);
    const m = v.metrics!(parseConvSize('vgg16.conv1_1'));
    expect(m.im2colBytes).toBe(4 * 3 * 9 * 224 * 224);
    expect(m.im2colExpansion).toBeCloseTo(9, 10);
    expect(v.metrics!(parseConvSize('alexnet.conv1')).im2colExpansion).toBeCloseTo((121 * 55 * 55) / (224 * 224), 10);
    expect(v.metrics!(conv({c: 8, h: 5, w: 5, k: 4, r: 1})).im2colBytes).toBe(0);
  });

  it('reports Winograd multiplies saved (2.25× for F(2x2), 4× for F(4x4)) with conventional FLOPs', () => {
    const p = parseConvSize('vgg16.conv3_1');
    const f2 = conv2d.variants.find((v) => v.id === 'conv2d/winograd-f2x3')!;
    const f4 = conv2d.variants.find((v) => v.id === 'conv2d/winograd-f4x3')!;
    expect(f2.metrics!(p).macReduction).toBeCloseTo(2.25, 10);
    expect(f4.metrics!(p).macReduction).toBeCloseTo(4, 10);
    expect(f2.metrics!(p).effectiveFlops).toBe(true);
    expect(f2.supports!(parseConvSize('alexnet.conv1')).ok).toBe(false);
  });
});

describe('conv2d size syntax', () => {
  it('round-trips describe → parse for every edge and preset shape', () => {
    for (const p of [...conv2d.edgeShapes, ...Object.values(withNetLayers(conv2d).presets).flat()])
      expect(parseConvSize(convSpec.describe(p))).toEqual(p);
  });

  it('reads fields in any order, non-square kernels, layouts and named layers', () => {
    expect(parseConvSize('2x3x10x12p1k8s2r3x5-nhwc')).toEqual(
      conv({n: 2, c: 3, h: 10, w: 12, k: 8, r: 3, s: 5, stride: 2, pad: 1, layout: 'nhwc'}),
    );
    const v = parseConvSize('vgg16.conv3_1-n8-nhwc');
    expect(v).toMatchObject({n: 8, c: 128, h: 56, w: 56, k: 256, r: 3, pad: 1, layout: 'nhwc'});
    expect(parseConvSize('alexnet.conv1')).toMatchObject({c: 3, h: 224, k: 64, r: 11, stride: 4, pad: 2});
  });

  it('refuses bad tokens with a UsageError naming --size and the syntax', () => {
    for (const bad of [
      '64',
      '1x3x8x8',
      '1x3x8x8k4k5',
      '1x3x4x4k2r7',
      '1x3x8x8k4g2',
      'vgg16.pool1',
      'resnet.conv1',
      '1x3x8x8k0',
    ]) {
      expect(() => parseConvSize(bad), bad).toThrow(UsageError);
      expect(() => parseConvSize(bad), bad).toThrow(/--size/);
    }
  });
});

describe('im2col: the seam and the engine-generated variants', () => {
  it('unfolds NCHW into (C·R·S)×(P·Q) and NHWC into (P·Q)×(R·S·C), zeros in the padding', () => {
    const p = conv({c: 2, h: 4, w: 5, k: 1, r: 3, s: 2, stride: 2, pad: 1, dilation: 1});
    const {P, Q} = outDims(p);
    const x = new Float32Array(convSizes.input(p));
    fillUniform(x, createRng(5));
    const at = (c: number, y: number, xx: number, nhwc: boolean) =>
      y < 0 || y >= p.h || xx < 0 || xx >= p.w ? 0 : nhwc ? x[(y * p.w + xx) * p.c + c] : x[(c * p.h + y) * p.w + xx];
    const colN = new Float32Array(convSizes.im2colPerImage(p)),
      colH = new Float32Array(convSizes.im2colPerImage(p));
    jsIm2col.nchw(x, 0, p, colN);
    jsIm2col.nhwc(x, 0, p, colH);
    for (let c = 0; c < p.c; c++)
      for (let r = 0; r < p.r; r++)
        for (let s = 0; s < p.s; s++)
          for (let oy = 0; oy < P; oy++)
            for (let ox = 0; ox < Q; ox++) {
              const y = oy * p.stride - p.pad + r,
                xx = ox * p.stride - p.pad + s;
              expect(colN[((c * p.r + r) * p.s + s) * P * Q + oy * Q + ox]).toBe(at(c, y, xx, false));
              expect(colH[(oy * Q + ox) * p.r * p.s * p.c + (r * p.s + s) * p.c + c]).toBe(at(c, y, xx, true));
            }
    // The addon's im2col when it loaded (DLBENCH_NO_NATIVE=1 or a failed build: the JS one).
    expect(activeIm2col().name).toBe(loadNative().ok ? 'native' : 'js');
  });

  it('adapts the native addon signature (one image at offset 0, geometry spelled out)', () => {
    const p = conv({n: 2, c: 3, h: 6, w: 7, k: 2, r: 3, s: 2, stride: 2, pad: 1, dilation: 1});
    const seen: number[][] = [];
    // A stand-in with the addon's signature that runs the JS unfolding on what it was given.
    const fake =
      (layout: 'nchw' | 'nhwc'): NativeIm2colFn =>
      (input, C, H, W, R, S, sh, sw, ph, pw, dh, dw, out) => {
        seen.push([input.length, C, H, W, R, S, sh, sw, ph, pw, dh, dw]);
        jsIm2col[layout](input, 0, {...p, c: C, h: H, w: W, r: R, s: S, stride: sh, pad: ph, dilation: dh}, out);
      };
    const nat = nativeIm2col({im2colNchw: fake('nchw'), im2colNhwc: fake('nhwc')});
    expect(nat.name).toBe('native');
    const x = new Float32Array(convSizes.input(p));
    fillUniform(x, createRng(9));
    const img = p.c * p.h * p.w;
    for (const layout of ['nchw', 'nhwc'] as const) {
      const want = new Float32Array(convSizes.im2colPerImage(p)),
        got = new Float32Array(want.length);
      jsIm2col[layout](x, img, p, want);
      nat[layout](x, img, p, got);
      expect(got).toEqual(want);
    }
    expect(seen[0]).toEqual([img, 3, 6, 7, 3, 2, 2, 2, 1, 1, 1, 1]);
  });

  it('has one conv2d/im2col-<engine> per GEMM engine, and a new engine gets its own variant', async () => {
    for (const e of gemmEngines) expect(conv2d.variants.map((v) => v.id)).toContain(`conv2d/im2col-${e.id.replace('gemm/', '')}`);
    let calls = 0;
    const fake: GemmEngine = {
      id: 'gemm/fake',
      backend: 'js',
      available: (c) => (c.threads > 0 ? {ok: true} : {ok: false, reason: 'never'}),
      create: async (o) => {
        const inner = await blockedEngine.create(o);
        return {
          gemm: (g) => {
            calls++;
            return inner.gemm(g);
          },
        };
      },
    };
    const v = makeIm2col(fake);
    expect(v.id).toBe('conv2d/im2col-fake');
    const p = conv({n: 2, c: 4, h: 7, w: 7, k: 6, r: 3, pad: 1, groups: 2});
    const inputs = convSpec.makeInputs(p, 2);
    expect(convSpec.check(p, inputs, await compute(v, p, inputs)).pass).toBe(true);
    expect(calls).toBe(2 * 2);
    expect(v.available({threads: 0})).toEqual({ok: false, reason: 'never'});
  });
});

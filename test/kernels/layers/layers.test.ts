import {describe, expect, it} from 'vitest';
import {UsageError} from '../../../src/core/errors.js';
import {createRng, fillUniform} from '../../../src/core/rng.js';
import type {KernelVariant} from '../../../src/core/types.js';
import {blockedEngine, gemmEngines} from '../../../src/kernels/gemm/engines.js';
import {fcForward} from '../../../src/kernels/layers/fc.js';
import {layer} from '../../../src/kernels/layers/index.js';
import {describeLayer, layerSpec, parseLayerShape, type LayerInputs, type LayerShape} from '../../../src/kernels/layers/spec.js';

async function compute(v: KernelVariant, p: LayerShape, inputs: LayerInputs): Promise<Float32Array> {
  const st = await v.prepare(p, inputs, {threads: 1});
  try {
    return ((await v.run(st)) as Float32Array).slice();
  } finally {
    await v.dispose?.(st);
  }
}

describe('layer conformance (every registered variant × every edge shape it supports)', () => {
  for (const v of layer.variants) {
    for (const p of layer.edgeShapes) {
      it(`${v.id} ${describeLayer(p)}`, async (ctx) => {
        // A variant this machine cannot run (no CBLAS, no addon) skips with its reason (2 threads: the
        // worker-pool variants refuse 1, where they would only add overhead).
        const avail = v.available({threads: 2});
        if (!avail.ok) return ctx.skip(avail.reason);
        const sup = v.supports?.(p);
        if (sup && !sup.ok) {
          // Only these refusals are expected: JS and native leave fc to the GEMM engines, native has no transpose/dot.
          const refused: Record<string, string[]> = {'layer/js': ['fc'], 'layer/native': ['fc', 'dot', 'transpose']};
          const expected = refused[v.id] ?? ['relu', 'bias', 'lrn', 'maxpool', 'softmax', 'transpose', 'dot'];
          expect(expected).toContain(p.kind);
          return;
        }
        const inputs = layerSpec.makeInputs(p, 11);
        const check = layerSpec.check(p, inputs, await compute(v, p, inputs));
        expect(check.pass, `${check.error} > ${check.tolerance}`).toBe(true);
      });
    }
  }

  it('every kind is covered by some variant and by the edge shapes', () => {
    const kinds = new Set(layer.edgeShapes.map((p) => p.kind));
    expect([...kinds].sort()).toEqual(['bias', 'dot', 'fc', 'lrn', 'maxpool', 'relu', 'softmax', 'transpose']);
    for (const p of layer.edgeShapes) expect(layer.variants.some((v) => v.supports?.(p).ok ?? true)).toBe(true);
    for (const e of gemmEngines) expect(layer.variants.map((v) => v.id)).toContain(`layer/fc-${e.id.replace('gemm/', '')}`);
  });

  it('catches wrong outputs (exact kinds and rounded kinds alike)', async () => {
    const js = layer.variants[0];
    for (const tok of ['relu:1x2x3x3', 'maxpool3s2:1x2x7x7', 'softmax:2x9', 'lrn:1x6x2x2', 'transpose:5x3']) {
      const p = parseLayerShape(tok);
      const inputs = layerSpec.makeInputs(p, 4);
      const out = await compute(js, p, inputs);
      out[1] += 1e-3;
      expect(layerSpec.check(p, inputs, out).pass, tok).toBe(false);
    }
  });

  it('LRN matches the formula of the 2012 paper at one hand-computed point', async () => {
    const p = parseLayerShape('lrn:1x3x1x1');
    const x = Float32Array.of(1, 2, 3);
    const out = await compute(layer.variants[0], p, {x});
    // Channel 0 sees channels 0..2 (window 5 clipped): 1 / (2 + 1e-4/5·14)^0.75.
    expect(out[0]).toBeCloseTo(1 / Math.pow(2 + (1e-4 / 5) * 14, 0.75), 6);
  });
});

describe('FC layer: GEMM through an engine, dense or low-rank factors', () => {
  it('computes (x·U)·V + b when the weights are given as factors', async () => {
    const n = 3,
      inF = 20,
      outF = 7,
      rank = 4;
    const rnd = (len: number, s: number) => {
      const a = new Float32Array(len);
      fillUniform(a, createRng(s));
      return a;
    };
    const x = rnd(n * inF, 1),
      u = rnd(inF * rank, 2),
      v = rnd(rank * outF, 3),
      bias = rnd(outF, 4);
    const w = new Float32Array(inF * outF);
    for (let i = 0; i < inF; i++)
      for (let j = 0; j < outF; j++) for (let r = 0; r < rank; r++) w[i * outF + j] += u[i * rank + r] * v[r * outF + j];
    const exec = await blockedEngine.create({threads: 1});
    const dense = await fcForward(exec, {
      n,
      in: inF,
      out: outF,
      x,
      weights: {kind: 'dense', w},
      bias,
      y: new Float32Array(n * outF),
    });
    const low = await fcForward(exec, {
      n,
      in: inF,
      out: outF,
      x,
      weights: {kind: 'factors', u, v, rank},
      bias,
      y: new Float32Array(n * outF),
    });
    for (let i = 0; i < dense.length; i++) expect(low[i]).toBeCloseTo(dense[i], 4);
    expect(layerSpec.check({kind: 'fc', n, in: inF, out: outF}, {x, w, bias}, low).pass).toBe(true);
  });
});

describe('layer size syntax', () => {
  it('round-trips every edge and preset shape', () => {
    for (const p of [...layer.edgeShapes, ...Object.values(layer.presets).flat()])
      expect(parseLayerShape(describeLayer(p))).toEqual(p);
    expect(parseLayerShape('maxpool:1x2x4x4')).toMatchObject({size: 2, stride: 2});
  });

  it('refuses bad tokens with a UsageError naming --size', () => {
    for (const bad of ['relu:1x2x3', 'gelu:1x1x1x1', 'maxpool5s2:1x1x3x3', 'relu2s2:1x1x1x1', 'fc:1x2', 'dot:0', 'relu']) {
      expect(() => parseLayerShape(bad), bad).toThrow(UsageError);
      expect(() => parseLayerShape(bad), bad).toThrow(/--size/);
    }
  });

  it('counts bytes and FLOPs so the memory-bound kinds sit at low AI and FC at N·IN·OUT MACs', () => {
    const relu = parseLayerShape('relu:1x64x112x112');
    expect(layerSpec.flops(relu) / layerSpec.bytes(relu)).toBeCloseTo(1 / 8, 10);
    const fc = parseLayerShape('fc:1x9216x4096');
    expect(layerSpec.macs(fc)).toBe(9216 * 4096);
    expect(layerSpec.bytes(fc)).toBe(4 * (9216 + 9216 * 4096 + 4096 + 4096));
  });
});

describe('NHWC layers: the same values as NCHW, only laid out channels-last', () => {
  /** NCHW → NHWC copy of an n×c×h×w tensor (written out here so the kernels are not checked against themselves). */
  const toNhwc = (x: Float32Array, n: number, c: number, h: number, w: number): Float32Array => {
    const y = new Float32Array(x.length);
    for (let i = 0; i < n; i++)
      for (let ch = 0; ch < c; ch++)
        for (let r = 0; r < h; r++)
          for (let s = 0; s < w; s++) y[((i * h + r) * w + s) * c + ch] = x[((i * c + ch) * h + r) * w + s];
    return y;
  };

  it('bias, max-pool, LRN and ReLU in NHWC equal their NCHW results transposed, bit for bit', async () => {
    const js = layer.variants[0];
    for (const tok of ['bias:2x5x4x3', 'maxpool3s2:2x6x9x7', 'maxpool2s2:1x4x6x6', 'lrn:2x11x3x4', 'relu:1x3x4x5']) {
      const p = parseLayerShape(tok) as Extract<LayerShape, {kind: 'bias' | 'maxpool' | 'lrn' | 'relu'}>;
      const q = parseLayerShape(`${tok}-nhwc`) as typeof p;
      expect(q.layout).toBe('nhwc');
      const inputs = layerSpec.makeInputs(p, 21);
      const want = await compute(js, p, inputs);
      const got = await compute(js, q, {...inputs, x: toNhwc(inputs.x, p.n, p.c, p.h, p.w)});
      const [oh, ow] =
        p.kind === 'maxpool'
          ? [Math.floor((p.h - p.size) / p.stride) + 1, Math.floor((p.w - p.size) / p.stride) + 1]
          : [p.h, p.w];
      // LRN sums its window in another order per layout: equal to float rounding, not bit for bit.
      const t = toNhwc(want, p.n, p.c, oh, ow);
      for (let i = 0; i < t.length; i++) {
        if (p.kind === 'lrn') expect(Math.abs(got[i] - t[i]), tok).toBeLessThanOrEqual(4e-7 * Math.abs(t[i]));
        else expect(got[i], tok).toBe(t[i]);
      }
      const check = layerSpec.check(q, {...inputs, x: toNhwc(inputs.x, p.n, p.c, p.h, p.w)}, got);
      expect(check.pass, tok).toBe(true);
    }
  });

  it('the NHWC reference is not the NCHW one: NCHW output judged as NHWC fails', async () => {
    const js = layer.variants[0];
    for (const tok of ['bias:1x3x2x2', 'maxpool2s2:1x3x4x4', 'lrn:1x6x2x2']) {
      const p = parseLayerShape(tok);
      const q = parseLayerShape(`${tok}-nhwc`);
      const inputs = layerSpec.makeInputs(p, 5);
      expect(layerSpec.check(q, inputs, await compute(js, p, inputs)).pass, tok).toBe(false);
      const out = await compute(js, q, inputs);
      expect(layerSpec.check(q, inputs, out).pass, tok).toBe(true);
      out[out.length - 1] += 1e-3;
      expect(layerSpec.check(q, inputs, out).pass, tok).toBe(false);
    }
  });

  it('parses and prints the -nhwc suffix; NCHW stays unmarked; other kinds refuse it', () => {
    expect(parseLayerShape('maxpool3s2:1x96x55x55-nhwc')).toEqual({
      kind: 'maxpool',
      n: 1,
      c: 96,
      h: 55,
      w: 55,
      size: 3,
      stride: 2,
      layout: 'nhwc',
    });
    expect(parseLayerShape('lrn:1x2x3x4-nchw')).toEqual({kind: 'lrn', n: 1, c: 2, h: 3, w: 4});
    expect(describeLayer(parseLayerShape('bias:1x2x3x4-NHWC'))).toBe('bias:1x2x3x4-nhwc');
    for (const bad of ['softmax:2x3-nhwc', 'fc:1x2x3-nhwc', 'dot:5-nhwc', 'relu:1x2x3x4-nwhc']) {
      expect(() => parseLayerShape(bad), bad).toThrow(UsageError);
    }
    expect(() => parseLayerShape('softmax:2x3-nhwc')).toThrow(/only relu, bias, lrn, maxpool/);
  });
});

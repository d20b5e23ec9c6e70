// layer/native against layer/js and the float64 references: both layouts, the threaded split
// (tensors over the 256 K-element threshold), pooling windows that leave input columns unused,
// and the argument checks of the addon glue.
import {describe, expect, it} from 'vitest';
import {createRng, fillUniform} from '../../src/core/rng.js';
import {runLayerJs} from '../../src/kernels/layers/js.js';
import {layerNative, runLayerNative} from '../../src/kernels/layers/native.js';
import {layerSpec, outputLength, parseLayerShape, poolOut, type LayerShape} from '../../src/kernels/layers/spec.js';
import {loadNative} from '../../src/native/loader.js';

const native = loadNative();
const addon = native.ok ? native.addon : undefined;

function randomInputs(p: LayerShape, seed: number) {
  return layerSpec.makeInputs(p, seed);
}

/** NCHW → NHWC (and back with swapped roles: nhwcToNchw). */
function nchwToNhwc(x: Float32Array, n: number, c: number, hw: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < hw; p++) y[(i * hw + p) * c + ch] = x[(i * c + ch) * hw + p];
  return y;
}
function nhwcToNchw(x: Float32Array, n: number, c: number, hw: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < hw; p++) y[(i * c + ch) * hw + p] = x[(i * hw + p) * c + ch];
  return y;
}

describe.skipIf(!addon)('layer/native', () => {
  const a = addon!;
  const shapes = [
    'relu:1x1x1x5',
    'relu:1x64x90x90',
    'bias:2x3x5x7',
    'bias:1x64x90x90',
    'maxpool2s2:1x3x7x9',
    'maxpool3s2:2x5x13x13',
    'maxpool3s2:1x96x55x55',
    'maxpool2s2:1x64x112x112',
    'maxpool3s3:1x2x10x11',
    'lrn:1x1x3x3',
    'lrn:2x7x3x5',
    'lrn:1x96x55x55',
    'softmax:3x17',
    'softmax:2x1000',
  ];
  for (const tok of shapes) {
    for (const threads of [1, 2]) {
      it(`${tok} on ${threads} thread(s) passes the float64 check and matches layer/js`, async () => {
        const p = parseLayerShape(tok);
        const inputs = randomInputs(p, 5);
        const st = await layerNative.prepare(p, inputs, {threads});
        const out = (await layerNative.run(st)) as Float32Array;
        const check = layerSpec.check(p, inputs, out);
        expect(check.pass, `${check.error} > ${check.tolerance}`).toBe(true);
        const js = runLayerJs(p, inputs, new Float32Array(outputLength(p)));
        if (p.kind === 'relu' || p.kind === 'bias' || p.kind === 'maxpool') expect(out).toEqual(js);
      });
    }
  }

  // The NHWC paths, checked against the NCHW JS rung through explicit transposes.
  for (const tok of [
    'bias:2x3x5x7',
    'bias:1x64x90x90',
    'maxpool3s2:2x5x13x13',
    'maxpool2s2:1x64x112x112',
    'maxpool3s3:1x2x10x11',
    'lrn:2x7x3x5',
    'lrn:1x96x55x55',
  ]) {
    for (const threads of [1, 2]) {
      it(`NHWC ${tok} on ${threads} thread(s) equals the NCHW result transposed`, () => {
        const p = parseLayerShape(tok) as Extract<LayerShape, {h: number}>;
        const inputs = randomInputs(p, 9);
        const ref = runLayerJs(p, inputs, new Float32Array(outputLength(p)));
        const xh = nchwToNhwc(inputs.x, p.n, p.c, p.h * p.w);
        const out = new Float32Array(outputLength(p));
        runLayerNative(a, threads, {...p, layout: 'nhwc'} as LayerShape, {...inputs, x: xh}, out);
        const hwOut = p.kind === 'maxpool' ? poolOut(p.h, p.size, p.stride) * poolOut(p.w, p.size, p.stride) : p.h * p.w;
        const back = nhwcToNchw(out, p.n, p.c, hwOut);
        if (p.kind === 'lrn')
          for (let i = 0; i < ref.length; i++)
            expect(Math.abs(back[i] - ref[i])).toBeLessThanOrEqual(4e-7 * Math.abs(ref[i]) + 1e-12);
        else expect(back).toEqual(ref);
      });
    }
  }

  it("softmax of wide logits (a network's last fc output) stays within the fp32 bound", () => {
    const p = parseLayerShape('softmax:2x1000');
    const inputs = randomInputs(p, 21);
    for (let i = 0; i < inputs.x.length; i++) inputs.x[i] *= 40;
    const out = runLayerNative(a, 1, p, inputs, new Float32Array(outputLength(p)));
    const check = layerSpec.check(p, inputs, out);
    expect(check.pass, `${check.error} > ${check.tolerance}`).toBe(true);
  });

  it('a wrong output is caught by the same check (so the comparisons above can fail)', async () => {
    const p = parseLayerShape('maxpool3s2:1x4x9x9');
    const inputs = randomInputs(p, 3);
    const out = runLayerNative(a, 1, p, inputs, new Float32Array(outputLength(p)));
    out[3] += 1e-3;
    expect(layerSpec.check(p, inputs, out).pass).toBe(false);
  });

  it('refuses the kinds it has no kernel for, with the reason', () => {
    for (const tok of ['fc:1x4x4', 'dot:16', 'transpose:3x3']) {
      const s = layerNative.supports!(parseLayerShape(tok));
      expect(s.ok).toBe(false);
      expect(s.ok ? '' : s.reason).toMatch(/no native kernel/);
    }
  });

  it('the glue rejects arrays shorter than the shape and bad layouts (RangeError, nothing written)', () => {
    const x = new Float32Array(10),
      out = new Float32Array(10);
    fillUniform(x, createRng(1));
    expect(() => a.biasAdd(1, 0, 1, 2, 3, 3, x, new Float32Array(2), out)).toThrow(RangeError);
    expect(() => a.maxPool(1, 0, 1, 1, 3, 3, 4, 1, x, out)).toThrow(RangeError);
    expect(() => a.lrn(1, 2, 1, 1, 2, 2, 5, 1e-4, 0.75, 2, x, out)).toThrow(RangeError);
    expect(() => a.relu(1, x, new Float32Array(9))).toThrow(RangeError);
    expect(() => a.softmax(2, 6, x, out)).toThrow(RangeError);
    expect(out.every((v) => v === 0)).toBe(true);
  });
});

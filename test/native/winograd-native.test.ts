// Native Winograd (src/native/winograd.c) against the float64 reference, beyond what the registry's
// conformance run reaches: every ISA's transforms, two threads, blocks smaller than the tile count
// (ragged last block, tiles of two images in one block), both layouts, groups, bias, C = 1, odd K.
import {describe, expect, it} from 'vitest';
import {conv, convSpec, outDims, type ConvShape} from '../../src/kernels/conv2d/spec.js';
import {F2X3} from '../../src/kernels/conv2d/winograd-f2x3.js';
import {F4X3} from '../../src/kernels/conv2d/winograd-f4x3.js';
import {nativeIsaOf, packFilters} from '../../src/kernels/conv2d/winograd-native.js';
import {transformFilters} from '../../src/kernels/conv2d/winograd.js';
import {conv2d} from '../../src/kernels/conv2d/index.js';
import {nativeEngine, makeNativeEngine} from '../../src/kernels/gemm/native.js';
import {blockedEngine} from '../../src/kernels/gemm/engines.js';
import {ISAS, kernelFor, loadNative} from '../../src/native/loader.js';

const native = loadNative();
const isas = ISAS.filter((i) => kernelFor(i).ok);

const shapes: ConvShape[] = [
  conv({n: 2, c: 5, h: 9, w: 11, k: 7, r: 3, pad: 1}),
  conv({c: 1, h: 13, w: 10, k: 3, r: 3}),
  conv({n: 3, c: 6, h: 10, w: 7, k: 9, r: 3, pad: 2, groups: 3}),
  conv({c: 2, h: 3, w: 3, k: 13, r: 3}),
  // Above the pool's threshold: two threads really split channels and filter slivers.
  conv({n: 2, c: 64, h: 19, w: 21, k: 62, r: 3, pad: 1, groups: 2}),
  conv({c: 64, h: 20, w: 20, k: 41, r: 3, pad: 1}),
];

function runAddon(p: ConvShape, m: 2 | 4, isa: (typeof ISAS)[number], threads: number, nb: number, bias: Float32Array) {
  if (!native.ok) throw new Error(native.reason);
  const inputs = convSpec.makeInputs(p, 5);
  const mat = m === 2 ? F2X3 : F4X3;
  const k = kernelFor(isa);
  if (!k.ok) throw new Error(k.reason);
  const up = packFilters(transformFilters(p, inputs.w, mat), p, (m + 2) ** 2, k.kernel.mr);
  const {P, Q} = outDims(p);
  const out = new Float32Array(p.n * p.k * P * Q).fill(NaN);
  native.addon.winogradConv(
    isa,
    threads,
    m,
    p.layout === 'nchw' ? 1 : 0,
    p.n,
    p.c,
    p.h,
    p.w,
    p.k,
    p.groups,
    p.pad,
    inputs.x,
    up,
    bias,
    out,
    nb,
  );
  return {inputs: {...inputs, bias}, out};
}

describe.skipIf(!native.ok)('native Winograd transforms', () => {
  for (const isa of isas) {
    for (const m of [2, 4] as const) {
      it(`${isa} F(${m}x${m}): both layouts, 1 and 2 threads, one block and NR-tile blocks, with bias`, () => {
        const nr = (kernelFor(isa) as {ok: true; kernel: {nr: number}}).kernel.nr;
        for (const base of shapes) {
          for (const p of [base, {...base, layout: 'nhwc' as const}]) {
            const bias = Float32Array.from({length: p.k}, (_, i) => 0.25 * i - 1);
            for (const [threads, nb] of [
              [1, 0],
              [2, 0],
              [1, nr],
              [2, nr],
            ]) {
              const {inputs, out} = runAddon(p, m, isa, threads, nb, bias);
              const r = convSpec.check(p, inputs, out, {toleranceScale: m === 2 ? 4 : 32, seed: 1});
              expect(
                r.pass,
                `${convSpec.describe(p)} t${threads} nb${nb}: ${r.method} ${r.error} > ${r.tolerance} ${r.detail ?? ''}`,
              ).toBe(true);
            }
          }
        }
      });
    }
  }

  it('rejects arrays that are too short and a bad tile size, with a RangeError', () => {
    if (!native.ok) return;
    const isa = isas[0];
    const call =
      (x: number, up: number, out: number, m = 4) =>
      () =>
        native.addon.winogradConv(
          isa,
          1,
          m,
          1,
          1,
          2,
          6,
          6,
          2,
          1,
          0,
          new Float32Array(x),
          new Float32Array(up),
          null,
          new Float32Array(out),
          0,
        );
    expect(call(71, 10000, 32)).toThrow(/x shorter/);
    expect(call(72, 10000, 31)).toThrow(/out shorter/);
    expect(call(72, 1, 32)).toThrow(/up shorter/);
    expect(call(72, 10000, 32, 3)).toThrow(/m must be 2 or 4/);
    expect(call(72, 10000, 32)).not.toThrow();
  });

  it('runs natively only on the native engine: another engine keeps the JS transforms', () => {
    expect(nativeIsaOf(nativeEngine)).toBeDefined();
    expect(nativeIsaOf(makeNativeEngine(isas[isas.length - 1]))).toBe(isas[isas.length - 1]);
    expect(nativeIsaOf(blockedEngine)).toBeUndefined();
    const f4 = conv2d.variants.find((v) => v.id === 'conv2d/winograd-f4x3')!;
    const f4js = conv2d.variants.find((v) => v.id === 'conv2d/winograd-f4x3-js')!;
    const p = conv({c: 4, h: 8, w: 8, k: 4, r: 3});
    expect(f4.metrics!(p).transforms).toBe('native');
    expect(f4.backend).toBe('native');
    expect(f4js.metrics!(p).transforms).toBe('js');
    expect(f4js.backend).toBe('js');
  });
});

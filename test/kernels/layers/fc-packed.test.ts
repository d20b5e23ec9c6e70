// layer/fc-packed's native path beyond the conformance shapes: every ISA the CPU runs, odd sizes
// around the panel width (64), the k block (256) and the row pass (64 rows), 1–3 threads taking
// panels from the shared counter, the OUT×IN packing, the fused ReLU and the bounds checks.
import {describe, expect, it} from 'vitest';
import {createRng, fillUniform} from '../../../src/core/rng.js';
import {fcPacked} from '../../../src/kernels/layers/fc-packed.js';
import {layerSpec} from '../../../src/kernels/layers/spec.js';
import {loadNative, type Isa} from '../../../src/native/loader.js';

const native = loadNative();
const addon = native.ok ? native.addon : undefined;
const isas: Isa[] = addon
  ? addon
      .kernels()
      .filter((k) => k.supported)
      .map((k) => k.isa)
  : [];

function problem(m: number, k: number, n: number, seed: number) {
  const rng = createRng(seed);
  const x = new Float32Array(m * k),
    w = new Float32Array(k * n),
    bias = new Float32Array(n);
  fillUniform(x, rng);
  fillUniform(w, rng);
  fillUniform(bias, rng);
  return {x, w, bias};
}

/** y = x·W + b in float64, with each element's Σ|x·w| + |b| for a scale-aware bound. */
function reference(m: number, k: number, n: number, x: Float32Array, w: Float32Array, bias: Float32Array | null) {
  const y = new Float64Array(m * n),
    mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j] : 0,
        a = bias ? Math.abs(bias[j]) : 0;
      for (let p = 0; p < k; p++) {
        s += x[i * k + p] * w[p * n + j];
        a += Math.abs(x[i * k + p] * w[p * n + j]);
      }
      y[i * n + j] = s;
      mag[i * n + j] = a;
    }
  return {y, mag};
}

function expectClose(got: Float32Array, ref: Float64Array, mag: Float64Array, relu = false) {
  for (let i = 0; i < ref.length; i++) {
    const want = relu ? Math.max(ref[i], 0) : ref[i];
    const err = Math.abs(got[i] - want);
    if (err > 1e-6 * mag[i] + 1e-30) expect.fail(`y[${i}] = ${got[i]}, want ${want} (error ${err}, bound ${1e-6 * mag[i]})`);
  }
}

// [m, k, n]: panels of 64 columns with a ragged last one, k across 256-deep blocks, m above the
// 4-row kernel and the 64-row pass; the last three hold ≥ 256 K weights, so two and three threads
// really split them (below that one thread runs).
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 257, 129],
  [7, 513, 65],
  [70, 33, 70],
  [1, 1031, 260],
  [3, 600, 450],
  [5, 300, 1001],
];

describe.skipIf(!addon)('layer/fc-packed native path', () => {
  for (const isa of isas)
    for (const [m, k, n] of SHAPES)
      it(`${isa} ${m}x${k}x${n}, 1–3 threads`, () => {
        const {x, w, bias} = problem(m, k, n, m * 1000 + k + n);
        const {y: ref, mag} = reference(m, k, n, x, w, bias);
        const wp = new Float32Array(addon!.fcPack(k, n, w, 0, null));
        expect(wp.length).toBe(Math.ceil(n / 64) * 64 * k);
        addon!.fcPack(k, n, w, 0, wp);
        for (const threads of [1, 2, 3]) {
          const y = new Float32Array(m * n).fill(Number.NaN);
          addon!.fcPacked(isa, threads, m, k, n, x, wp, bias, 0, y);
          expectClose(y, ref, mag);
        }
      });

  it('packs OUT×IN weights (trans) to the same panels, and fuses the ReLU; no bias means none', () => {
    const [m, k, n] = [2, 300, 130];
    const {x, w} = problem(m, k, n, 5);
    const wt = new Float32Array(k * n);
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) wt[j * k + p] = w[p * n + j];
    const size = addon!.fcPack(k, n, w, 0, null);
    const a = new Float32Array(size),
      b = new Float32Array(size);
    addon!.fcPack(k, n, w, 0, a);
    addon!.fcPack(k, n, wt, 1, b);
    expect(b).toEqual(a);
    const {y: ref, mag} = reference(m, k, n, x, w, null);
    const y = new Float32Array(m * n);
    addon!.fcPacked(addon!.bestIsa(), 2, m, k, n, x, a, null, 1, y);
    expectClose(y, ref, mag, true);
    expect(y.some((v) => v === 0)).toBe(true);
    // One row takes the two-panels-at-a-time path: the same ReLU'd first row.
    const y1 = new Float32Array(n);
    addon!.fcPacked(addon!.bestIsa(), 1, 1, k, n, x, a, null, 1, y1);
    expectClose(y1, ref.subarray(0, n), mag.subarray(0, n), true);
  });

  it('refuses arrays shorter than the shape', () => {
    const {x, w, bias} = problem(1, 100, 70, 1);
    const wp = new Float32Array(addon!.fcPack(100, 70, w, 0, null));
    const y = new Float32Array(70);
    expect(() => addon!.fcPack(100, 71, w, 0, null)).toThrow(/w is shorter/);
    expect(() => addon!.fcPacked('scalar', 1, 1, 100, 70, x, wp.subarray(1), bias, 0, y)).toThrow(/wp is shorter/);
    expect(() => addon!.fcPacked('scalar', 1, 2, 100, 70, x, wp, bias, 0, y)).toThrow(/x or y is shorter/);
    expect(() => addon!.fcPacked('scalar', 1, 1, 100, 70, x, wp, bias.subarray(1), 0, y)).toThrow(/bias is shorter/);
  });

  it('the variant checks against the layer reference at two threads', async () => {
    const p = {kind: 'fc' as const, n: 3, in: 1031, out: 260};
    const inputs = layerSpec.makeInputs(p, 3);
    const st = await fcPacked.prepare(p, inputs, {threads: 2});
    const check = layerSpec.check(p, inputs, await fcPacked.run(st));
    expect(check.pass, `${check.error} > ${check.tolerance}`).toBe(true);
  });
});

// The addon's float64 SVD kernels (src/native/kernels/dsvd_impl.h) against the JS loops they
// replace, on sizes around their 32-column blocks, and the whole Golub–Kahan SVD on both.
import {describe, expect, it} from 'vitest';
import {createRng} from '../../src/core/rng.js';
import {jsSvdKernels, svd64} from '../../src/kernels/svd/golub-kahan.js';
import type {Svd64Kernels} from '../../src/kernels/svd/kernels64.js';
import {nativeSvdKernels} from '../../src/kernels/svd/native64.js';
import {kernelFor, loadNative, type Isa} from '../../src/native/loader.js';

const native = loadNative();
const isas = (['avx512', 'avx2', 'scalar'] as Isa[]).filter((isa) => kernelFor(isa).ok);
const describeNative = native.ok ? describe : describe.skip;

function random(len: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return new Float64Array(len).map(() => rng.normal());
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** The rotations of one sweep applied the obvious way, row pair by row pair. */
function referenceSweep(
  x: Float64Array,
  ld: number,
  cols: number,
  lo: number,
  hi: number,
  cs: Float64Array,
  sn: Float64Array,
): void {
  for (let k = lo; k < hi; k++) {
    for (let j = 0; j < cols; j++) {
      const a = x[k * ld + j],
        b = x[(k + 1) * ld + j];
      x[k * ld + j] = cs[k] * a + sn[k] * b;
      x[(k + 1) * ld + j] = cs[k] * b - sn[k] * a;
    }
  }
}

describeNative.each(isas.map((isa) => [isa] as const))('native f64 SVD kernels (%s)', (isa) => {
  const k = nativeSvdKernels(isa)!;
  it('reflectLeft and reflectRight match the JS loops on blocks around the vector widths', () => {
    for (const [rows, cols, r0, c0] of [
      [1, 1, 0, 0],
      [5, 3, 1, 1],
      [9, 31, 2, 0],
      [13, 33, 0, 3],
      [40, 70, 5, 9],
    ]) {
      const ld = cols + c0 + 2,
        total = (rows + r0) * ld;
      const x = random(total, rows * 100 + cols),
        v = random(Math.max(rows, cols), 7);
      v[0] = 1;
      const beta = 2 / v.slice(0, rows).reduce((s, t) => s + t * t, 0);
      const xj = Float64Array.from(x),
        xn = Float64Array.from(x);
      jsSvdKernels.reflectLeft(xj, ld, r0, rows, c0, cols, v, beta, new Float64Array(cols));
      k.reflectLeft(xn, ld, r0, rows, c0, cols, v, beta, new Float64Array(cols));
      expect(maxDiff(xj, xn)).toBeLessThan(1e-12);
      expect(maxDiff(xj, x)).toBeGreaterThan(0);
      const yj = Float64Array.from(x),
        yn = Float64Array.from(x);
      jsSvdKernels.reflectRight(yj, ld, r0, r0 + rows, c0, cols, v, beta);
      k.reflectRight(yn, ld, r0, r0 + rows, c0, cols, v, beta);
      expect(maxDiff(yj, yn)).toBeLessThan(1e-12);
    }
  });
  it('rotSweeps applies batched sweeps exactly like one sweep after another', () => {
    for (const [n, cols] of [
      [2, 1],
      [3, 31],
      [6, 32],
      [9, 33],
      [17, 100],
    ]) {
      const ld = cols + 3,
        x = random(n * ld, n + cols);
      const count = 5,
        lo = new Float64Array(count),
        hi = new Float64Array(count);
      const cs = new Float64Array(count * n),
        sn = new Float64Array(count * n);
      const rng = createRng(n);
      for (let q = 0; q < count; q++) {
        lo[q] = Math.floor(rng.next() * (n - 1));
        hi[q] = lo[q] + 1 + Math.floor(rng.next() * (n - 1 - lo[q]));
        for (let t = 0; t < n; t++) {
          const th = rng.next() * 6.28;
          cs[q * n + t] = Math.cos(th);
          sn[q * n + t] = Math.sin(th);
        }
      }
      const ref = Float64Array.from(x);
      for (let q = 0; q < count; q++) referenceSweep(ref, ld, cols, lo[q], hi[q], cs.subarray(q * n), sn.subarray(q * n));
      k.rotSweeps!(x, ld, cols, count, lo, hi, cs, sn, n);
      expect(maxDiff(ref, x)).toBeLessThan(1e-12);
    }
  });
  it('checks bounds before touching memory', () => {
    const addon = native.ok ? native.addon : undefined!;
    const x = new Float64Array(20),
      v = new Float64Array(4),
      one = new Float64Array(1);
    expect(() => addon.dreflectLeft(isa, x, 5, 2, 3, 0, 5, v, 1, new Float64Array(5))).toThrow(RangeError); // rows 2..4 of 4
    expect(() => addon.dreflectRight(isa, x, 5, 0, 4, 2, 4, v, 1)).toThrow(RangeError); // columns 2..5 of 5
    expect(() => addon.drotSweeps(isa, x, 5, 5, 1, Float64Array.of(0), Float64Array.of(4), v, v, 4)).toThrow(RangeError);
    expect(() => addon.drotSweeps(isa, x, 5, 5, 2, one, one, v, v, 4)).toThrow(RangeError);
    expect(() => addon.dreflectLeft(isa, new Float32Array(20) as unknown as Float64Array, 5, 0, 1, 0, 5, v, 1, x)).toThrow(
      TypeError,
    );
  });
  it('the full SVD on these kernels agrees with the JS one on tall, wide and deficient shapes', () => {
    for (const [m, n] of [
      [1, 1],
      [1, 7],
      [7, 1],
      [33, 31],
      [65, 64],
      [40, 100],
      [120, 37],
    ]) {
      const a = random(m * n, m * 1000 + n);
      if (m > 10 && n > 10) for (let i = 0; i < m; i++) a[i * n + 3] = a[i * n + 1]; // rank-deficient
      const jr = svd64(a, m, n, jsSvdKernels),
        nr = svd64(a, m, n, k as Svd64Kernels);
      expect(maxDiff(jr.s, nr.s)).toBeLessThan(1e-12 * Math.max(1, jr.s[0]));
      const r = nr.r;
      let res = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let t = a[i * n + j];
          for (let c = 0; c < r; c++) t -= nr.u[i * r + c] * nr.s[c] * nr.v[j * r + c];
          res = Math.max(res, Math.abs(t));
        }
      expect(res).toBeLessThan(1e-12 * Math.max(1, nr.s[0]) * Math.max(m, n));
    }
  });
});

describe('float64 SVD kernels without the addon', () => {
  it('fall back to the JS loops (DLBENCH_NO_NATIVE=1 in a child process)', async () => {
    const {execFileSync} = await import('node:child_process');
    const {ROOT} = await import('../helpers/cli.js');
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
      const {nativeSvdKernels} = await import('./dist/kernels/svd/native64.js');
      const {defaultSvdKernels, svd64} = await import('./dist/kernels/svd/golub-kahan.js');
      const r = svd64(Float64Array.of(3, 0, 0, 4), 2, 2);
      console.log(JSON.stringify({name: defaultSvdKernels().name, native: nativeSvdKernels() === undefined, s: Array.from(r.s)}));
    `,
      ],
      {cwd: ROOT, env: {...process.env, DLBENCH_NO_NATIVE: '1'}, encoding: 'utf8'},
    );
    expect(JSON.parse(out)).toEqual({name: 'js', native: true, s: [4, 3]});
  });
});

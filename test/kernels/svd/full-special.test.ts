import {beforeEach, describe, expect, it} from 'vitest';
import {jsSvdKernels, svd64} from '../../../src/kernels/svd/golub-kahan.js';
import type {Svd64Kernels} from '../../../src/kernels/svd/kernels64.js';
import {nativeSvdKernels} from '../../../src/kernels/svd/native64.js';
import type {Isa} from '../../../src/native/loader.js';
import {kernelFor} from '../../../src/native/loader.js';

// The JS loops always; the addon's float64 kernels for every ISA this CPU runs when it is built.
const kernelSets: Svd64Kernels[] = [
  jsSvdKernels,
  ...(['avx512', 'avx2', 'scalar'] as Isa[]).filter((isa) => kernelFor(isa).ok).map((isa) => nativeSvdKernels(isa)!),
];
let kernels: Svd64Kernels = jsSvdKernels;

/** max |A − UΣVᵀ| and max |UᵀU − I|, |VᵀV − I|. */
function errors(a: Float64Array, m: number, n: number): {res: number; orth: number; s: Float64Array} {
  const {u, s, v, r} = svd64(a, m, n, kernels);
  let res = 0,
    orth = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let x = a[i * n + j];
      for (let t = 0; t < r; t++) x -= u[i * r + t] * s[t] * v[j * r + t];
      res = Math.max(res, Math.abs(x));
    }
  for (const [x, rows] of [
    [u, m],
    [v, n],
  ] as const) {
    for (let p = 0; p < r; p++)
      for (let q = 0; q < r; q++) {
        let d = 0;
        for (let i = 0; i < rows; i++) d += x[i * r + p] * x[i * r + q];
        orth = Math.max(orth, Math.abs(d - (p === q ? 1 : 0)));
      }
  }
  return {res, orth, s};
}

describe.each(kernelSets.map((k) => [k.name, k] as const))(
  'svd/full (%s kernels) on matrices that exercise the special paths of the bidiagonal QR',
  (_name, k) => {
    beforeEach(() => {
      kernels = k;
    });
    it('the zero matrix', () => {
      const e = errors(new Float64Array(12), 4, 3);
      expect([...e.s]).toEqual([0, 0, 0]);
      expect(e.orth).toBeLessThan(1e-15);
    });
    it('zeros in the middle of the diagonal (zero-shift chase of a row)', () => {
      const n = 6,
        a = new Float64Array(n * n);
      const d = [3, 0, 2, 0, 1, 5];
      for (let i = 0; i < n; i++) a[i * n + i] = d[i];
      for (let i = 0; i + 1 < n; i++) a[i * n + i + 1] = 0.5; // upper bidiagonal already
      const e = errors(a, n, n);
      expect(e.res).toBeLessThan(1e-14);
      expect(e.orth).toBeLessThan(1e-14);
      expect(e.s[n - 1]).toBeLessThan(1e-14);
    });
    it('a zero last diagonal entry (chase of a column)', () => {
      const n = 5,
        a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) a[i * n + i] = i === n - 1 ? 0 : i + 1;
      for (let i = 0; i + 1 < n; i++) a[i * n + i + 1] = 1;
      const e = errors(a, n, n);
      expect(e.res).toBeLessThan(1e-14);
      expect(e.orth).toBeLessThan(1e-14);
    });
    it('repeated columns and a graded matrix', () => {
      const [m, n] = [9, 7];
      const a = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) a[i * n + j] = j < 3 ? i + 1 : ((i * 7 + j * 3) % 5) * 10 ** -(j * 2);
      const e = errors(a, m, n);
      expect(e.res).toBeLessThan(1e-13);
      expect(e.orth).toBeLessThan(1e-13);
    });
  },
);

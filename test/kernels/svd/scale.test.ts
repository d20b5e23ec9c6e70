import {describe, expect, it} from 'vitest';
import {gemm64} from '../../../src/kernels/svd/dense64.js';
import {jsSvdKernels, svd64} from '../../../src/kernels/svd/golub-kahan.js';
import type {Svd64Kernels} from '../../../src/kernels/svd/kernels64.js';
import {nativeSvdKernels} from '../../../src/kernels/svd/native64.js';
import {type RealGemm, randomizedSvd} from '../../../src/kernels/svd/randomized.js';

// Entries near 1e±150 used to overflow or underflow the Wilkinson shift (it squares entries) and
// throw "bidiagonal QR did not converge"; LAPACK scales the bidiagonal first, and so do we now.
// The matrix is H₁·diag(s)·H₂ with Householder H (orthogonal), so its singular values are s.

const kernelSets: Svd64Kernels[] = [jsSvdKernels, ...(nativeSvdKernels() ? [nativeSvdKernels()!] : [])];

/** I − 2wwᵀ/wᵀw for the integer vector w: orthogonal, n×n. */
function householder(w: number[]): Float64Array {
  const n = w.length;
  const ww = w.reduce((t, x) => t + x * x, 0);
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = (i === j ? 1 : 0) - (2 * w[i] * w[j]) / ww;
  return h;
}

/** m×n (m ≥ n) = H₁[:, :n]·diag(s)·H₂ with the given s (exactly scaled by `scale`). */
function known(m: number, s: number[], scale: number): Float64Array {
  const n = s.length;
  const h1 = householder(Array.from({length: m}, (_, i) => ((i * 7) % 5) + 1));
  const h2 = householder(Array.from({length: n}, (_, i) => ((i * 3) % 4) - 1.5));
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let t = 0; t < n; t++) x += h1[i * m + t] * s[t] * h2[t * n + j];
      a[i * n + j] = x * scale;
    }
  return a;
}

const S = [9, 5, 3, 2, 1.5, 1];
const SCALES = [1e150, 1e77, 1, 1e-150, 1e-155];

describe.each(kernelSets.map((k) => [k.name, k] as const))('svd64 at any scale (%s kernels)', (_name, kernels) => {
  it.each(SCALES)('recovers the known singular values of a matrix scaled by %s', (scale) => {
    const a = known(8, S, scale);
    const r = svd64(a, 8, S.length, kernels);
    for (let i = 0; i < S.length; i++) expect(Math.abs(r.s[i] / scale - S[i])).toBeLessThan(1e-13 * S[0]);
    // The factors are the unscaled ones: A is still reproduced to working precision.
    let res = 0;
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < S.length; j++) {
        let x = a[i * S.length + j];
        for (let t = 0; t < r.r; t++) x -= r.u[i * r.r + t] * r.s[t] * r.v[j * r.r + t];
        res = Math.max(res, Math.abs(x / scale));
      }
    expect(res).toBeLessThan(1e-13 * S[0]);
  });

  it.each([1e150, 1e-150])('a diagonal matrix scaled by %s gives its diagonal, sorted', (scale) => {
    const d = [3, 7, 1, 5].map((x) => x * scale);
    const a = new Float64Array(16);
    for (let i = 0; i < 4; i++) a[i * 4 + i] = d[i];
    expect(Array.from(svd64(a, 4, 4, kernels).s)).toEqual([7, 5, 3, 1].map((x) => x * scale));
  });

  it.each([1e77, 1e-155, 1e-160])('a 48×40 matrix with s = 40..1 scaled by %s', (scale) => {
    const big = Array.from({length: 40}, (_, i) => 40 - i);
    const r = svd64(known(48, big, scale), 48, 40, kernels);
    for (let i = 0; i < 40; i++) expect(Math.abs(r.s[i] / scale - big[i])).toBeLessThan(1e-12 * big[0]);
  });

  it('a wide matrix scaled by 1e150 (the transposed path)', () => {
    const a = known(8, S, 1e150);
    const at = new Float64Array(a.length);
    for (let i = 0; i < 8; i++) for (let j = 0; j < S.length; j++) at[j * 8 + i] = a[i * S.length + j];
    const r = svd64(at, S.length, 8, kernels);
    for (let i = 0; i < S.length; i++) expect(Math.abs(r.s[i] / 1e150 - S[i])).toBeLessThan(1e-13 * S[0]);
  });
});

describe('randomized SVD (f64) at any scale', () => {
  const gemm: RealGemm = (m, n, k, a, transA, b, c) => {
    gemm64({m, n, k, a, transA, b, c: c as Float64Array});
  };
  it.each([1e150, 1e77, 1e-150, 1e-155])('the top singular values of a matrix scaled by %s', async (scale) => {
    const a = known(8, S, scale);
    const out = await randomizedSvd(a, 8, S.length, {rank: 3, oversample: 3, power: 2, seed: 1}, gemm);
    expect(out.k).toBe(3);
    for (let i = 0; i < 3; i++) expect(Math.abs(out.s[i] / scale - S[i])).toBeLessThan(1e-12 * S[0]);
  });
});

// The blocked half of the native float64 full SVD (src/native/kernels/dsvd_blocked.h): the packed
// f64 GEMM, the blocked bidiagonalization against its unblocked form (panel width 1) and against
// the definition Qᵀ·A·P = B, the compact-WY Qᵀ/Pᵀ, the fused rotation sweeps against sweeps applied
// one by one, and the C QR iteration against the JS one — on odd, tall, rank-deficient shapes.
import {describe, expect, it} from 'vitest';
import {createRng} from '../../../src/core/rng.js';
import {jsSvdKernels, svd64} from '../../../src/kernels/svd/golub-kahan.js';
import {nativeSvdKernels} from '../../../src/kernels/svd/native64.js';
import {kernelFor, loadNative, type Isa, type NativeAddon} from '../../../src/native/loader.js';

const native = loadNative();
const isas = (['avx512', 'avx2', 'scalar'] as Isa[]).filter((isa) => kernelFor(isa).ok);
const describeNative = native.ok ? describe : describe.skip;

function random(len: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return new Float64Array(len).map(() => rng.normal());
}

/** m×n of rank r: (m×r)·(r×n). */
function lowRank(m: number, n: number, r: number, seed: number): Float64Array {
  const x = random(m * r, seed),
    y = random(r * n, seed + 1),
    a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let t = 0; t < r; t++) for (let j = 0; j < n; j++) a[i * n + j] += x[i * r + t] * y[t * n + j];
  return a;
}

/** C = op(A)·op(B) the obvious way, A(i,p) = a[i·rsa + p·csa], B(p,j) = b[p·rsb + j·csb]. */
function naiveGemm(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  rsa: number,
  csa: number,
  b: Float64Array,
  rsb: number,
  csb: number,
) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * rsa + p * csa] * b[p * rsb + j * csb];
      c[i * n + j] = s;
    }
  return c;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

interface Bidiag {
  d: Float64Array;
  e: Float64Array;
  qt: Float64Array;
  pt: Float64Array;
}

function bidiag(addon: NativeAddon, isa: Isa, a0: Float64Array, m: number, n: number, nb: number): Bidiag {
  const a = Float64Array.from(a0),
    d = new Float64Array(n),
    e = new Float64Array(Math.max(n - 1, 1)),
    tq = new Float64Array(n),
    tp = new Float64Array(Math.max(n - 1, 1));
  addon.dbidiag(isa, a, m, n, nb, d, e, tq, tp);
  const qt = new Float64Array(n * m),
    pt = new Float64Array(n * n);
  addon.dformQP(isa, a, m, n, nb, tq, tp, qt, pt);
  return {d, e, qt, pt};
}

/** max |Qᵀ·A·P − B| and max |QᵀQ − I|, |PᵀP − I|. */
function bidiagErrors(a: Float64Array, m: number, n: number, {d, e, qt, pt}: Bidiag): {b: number; orth: number} {
  const qa = naiveGemm(n, n, m, qt, m, 1, a, n, 1);
  const b = naiveGemm(n, n, n, qa, n, 1, pt, 1, n);
  let eb = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) eb = Math.max(eb, Math.abs(b[i * n + j] - (i === j ? d[i] : j === i + 1 ? e[i] : 0)));
  let orth = 0;
  for (const [x, len] of [
    [qt, m],
    [pt, n],
  ] as const) {
    const g = naiveGemm(n, n, len, x, len, 1, x, 1, len);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) orth = Math.max(orth, Math.abs(g[i * n + j] - (i === j ? 1 : 0)));
  }
  return {b: eb, orth};
}

const shapes: [number, number][] = [
  [1, 1],
  [2, 1],
  [5, 3],
  [17, 17],
  [37, 29],
  [65, 64],
  [100, 33],
  [131, 97],
];

describeNative.each(isas.map((isa) => [isa] as const))('blocked f64 SVD routines (%s)', (isa) => {
  const addon = native.ok ? native.addon : (undefined as never);

  it('dgemm matches the triple loop on edge sizes, strided and transposed operands, with alpha', () => {
    for (const [m, n, k] of [
      [1, 1, 1],
      [7, 9, 3],
      [8, 24, 128],
      [9, 25, 129],
      [23, 47, 200],
      [193, 31, 5],
    ]) {
      const a = random(m * k, m + n + k),
        b = random(k * n, m * n * k);
      // A as stored transposed (k×m), B plain; then A plain, B transposed.
      for (const [rsa, csa, rsb, csb] of [
        [1, m, n, 1],
        [k, 1, 1, k],
      ]) {
        const want = naiveGemm(m, n, k, a, rsa, csa, b, rsb, csb);
        const c = random(m * (n + 3), 5),
          c0 = Float64Array.from(c);
        addon.dgemm(isa, m, n, k, -0.5, a, rsa, csa, b, rsb, csb, c, n + 3);
        let err = 0;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++)
            err = Math.max(err, Math.abs(c[i * (n + 3) + j] - (c0[i * (n + 3) + j] - 0.5 * want[i * n + j])));
          for (let j = n; j < n + 3; j++) expect(c[i * (n + 3) + j]).toBe(c0[i * (n + 3) + j]); // past ldc's N untouched
        }
        expect(err).toBeLessThan(1e-12 * k);
      }
    }
  });

  it('blocked bidiagonalization: Qᵀ·A·P = B with orthonormal Q, P, and the same B as the unblocked panel width', () => {
    for (const [m, n] of shapes) {
      const a = random(m * n, m * 31 + n);
      const unblocked = bidiag(addon, isa, a, m, n, 1);
      for (const nb of [4, 32]) {
        const r = bidiag(addon, isa, a, m, n, nb);
        const err = bidiagErrors(a, m, n, r);
        const scale = Math.max(1, maxAbs(a)) * Math.max(m, n);
        expect(err.b).toBeLessThan(1e-14 * scale);
        expect(err.orth).toBeLessThan(1e-14 * Math.max(m, n));
        // Same Householder convention, so the same B to rounding (not just up to signs).
        for (let i = 0; i < n; i++) expect(Math.abs(r.d[i] - unblocked.d[i])).toBeLessThan(1e-12 * scale);
        for (let i = 0; i + 1 < n; i++) expect(Math.abs(r.e[i] - unblocked.e[i])).toBeLessThan(1e-12 * scale);
      }
    }
  });

  it('bidiagonalizes rank-deficient and zero-column matrices (reflectors with nothing to annihilate)', () => {
    for (const [m, n, rank] of [
      [40, 40, 3],
      [70, 33, 1],
      [50, 50, 0],
    ]) {
      const a = lowRank(m, n, rank, m + n);
      for (let i = 0; i < m; i++) a[i * n + 2] = 0; // a zero column
      const r = bidiag(addon, isa, a, m, n, 32);
      const err = bidiagErrors(a, m, n, r);
      expect(err.b).toBeLessThan(1e-13 * Math.max(1, maxAbs(a)) * m);
      expect(err.orth).toBeLessThan(1e-13 * m);
      expect(r.d.every(Number.isFinite) && r.e.every(Number.isFinite)).toBe(true);
    }
  });

  it('rotSweeps with fused groups matches sweeps applied one by one for any mix of ranges', () => {
    const k = nativeSvdKernels(isa)!;
    const rng = createRng(99);
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + Math.floor(rng.next() * 14),
        cols = 1 + Math.floor(rng.next() * 75),
        count = 1 + Math.floor(rng.next() * 64);
      const x = random(n * cols, trial),
        ref = Float64Array.from(x);
      const lo = new Float64Array(count),
        hi = new Float64Array(count),
        cs = new Float64Array(count * n),
        sn = new Float64Array(count * n);
      for (let q = 0; q < count; q++) {
        const p = Math.floor(rng.next() * n),
          t = Math.floor(rng.next() * n);
        lo[q] = Math.min(p, t);
        hi[q] = Math.max(p, t); // lo = hi: an empty sweep
        for (let i = 0; i < n; i++) {
          const th = rng.next() * 6.28;
          cs[q * n + i] = Math.cos(th);
          sn[q * n + i] = Math.sin(th);
        }
      }
      for (let q = 0; q < count; q++)
        for (let r = lo[q]; r < hi[q]; r++)
          for (let j = 0; j < cols; j++) {
            const c = cs[q * n + r],
              s = sn[q * n + r],
              u = ref[r * cols + j],
              v = ref[(r + 1) * cols + j];
            ref[r * cols + j] = c * u + s * v;
            ref[(r + 1) * cols + j] = c * v - s * u;
          }
      k.rotSweeps!(x, cols, cols, count, lo, hi, cs, sn, n);
      let err = 0;
      for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(x[i] - ref[i]));
      expect(err).toBeLessThan(1e-12);
    }
  });

  it('the C QR iteration gives the JS one’s singular values on tall, wide, square and rank-deficient inputs', () => {
    const k = nativeSvdKernels(isa)!;
    for (const [m, n, rank] of [
      [90, 37, 37],
      [37, 90, 37],
      [64, 64, 5],
      [33, 33, 33],
    ]) {
      const a = rank < Math.min(m, n) ? lowRank(m, n, rank, 3) : random(m * n, m * n);
      const js = svd64(a, m, n, jsSvdKernels),
        nat = svd64(a, m, n, k);
      for (let i = 0; i < js.r; i++) expect(Math.abs(js.s[i] - nat.s[i])).toBeLessThan(1e-12 * js.s[0]);
      for (let i = rank; i < nat.r; i++) expect(nat.s[i]).toBeLessThan(1e-12 * nat.s[0]);
    }
  });

  it('checks sizes and bounds before touching memory', () => {
    const x = new Float64Array(12),
      v = new Float64Array(4);
    expect(() => addon.dgemm(isa, 3, 4, 4, 1, x, 4, 1, x, 4, 1, x, 4)).toThrow(RangeError); // B is 4×4 = 16 > 12
    expect(() => addon.dbidiag(isa, x, 3, 4, 32, v, v, v, v)).toThrow(RangeError); // m < n
    expect(() => addon.dbidiag(isa, x, 4, 4, 32, v, v, v, v)).toThrow(RangeError); // a holds 12 < 16
    expect(() => addon.dformQP(isa, x, 4, 3, 32, v, v, x, new Float64Array(8))).toThrow(RangeError); // pt 8 < 9
    expect(() => addon.dbdsqr(isa, v, v, 4, x, 4, x, 4)).toThrow(RangeError); // ut 12 < 16
  });
});

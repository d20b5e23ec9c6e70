// The thin SVD in float64 (Golub–Kahan–Reinsch): Householder bidiagonalization, explicit U and V,
// then implicit-shift QR sweeps on the bidiagonal (Wilkinson shift, zero-shift chase for a zero d).
// Row-major throughout: reflectors are applied row by row (contiguous dot/axpy), and each QR sweep's
// rotations are recorded and then applied to one row of U (and V) at a time, the chain of
// rotations carried in a register. Expected bottleneck: applying the rotations, ≈ 6(m+n)n² flops.
// The hot loops are swappable (Svd64Kernels): JS here, or the addon's (native64.ts), which apply
// the sweeps to the rows of Uᵀ and Vᵀ so the rotations vectorize, and, when it has them, replace
// the bidiagonalization and the QR iteration whole (bidiagQP, bdsqr: the blocked path).
import {transpose} from './dense64.js';
import type {Svd64Kernels} from './kernels64.js';
import {nativeSvdKernels} from './native64.js';

export interface Svd64 {
  /** m×r row-major, r = min(m, n). */
  u: Float64Array;
  /** r singular values, descending, ≥ 0. */
  s: Float64Array;
  /** n×r row-major. */
  v: Float64Array;
  r: number;
}

export const jsSvdKernels: Svd64Kernels = {name: 'js', reflectLeft, reflectRight};

let chosen: Svd64Kernels | undefined;

/** Native when the addon loads, else the JS loops; decided on first use, once per process. */
export function defaultSvdKernels(): Svd64Kernels {
  chosen ??= nativeSvdKernels() ?? jsSvdKernels;
  return chosen;
}

const EPS = 2 ** -52;
const MAX_SWEEPS_PER_VALUE = 75;

/** Thin SVD of the m×n row-major matrix a (not modified): a = U·diag(s)·Vᵀ. */
export function svd64(a: ArrayLike<number>, m: number, n: number, kernels: Svd64Kernels = defaultSvdKernels()): Svd64 {
  if (m >= n) return svdTall(Float64Array.from(a as ArrayLike<number>), m, n, kernels);
  // Wide: the SVD of Aᵀ with the roles of U and V swapped.
  const at = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[i * n + j];
  const t = svdTall(at, n, m, kernels);
  return {u: t.v, s: t.s, v: t.u, r: t.r};
}

/** m ≥ n; w is overwritten. */
function svdTall(w: Float64Array, m: number, n: number, k: Svd64Kernels): Svd64 {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(n - 1, 0));
  if (k.bidiagQP && k.rotSweeps) {
    // Blocked (GEMM) bidiagonalization that hands back Qᵀ and Pᵀ: the sweeps rotate their rows.
    const {qt, pt} = k.bidiagQP(w, m, n, d, e);
    if (!k.bdsqr) bidiagonalQr(d, e, rowRotations(qt, m, n, k.rotSweeps), rowRotations(pt, n, n, k.rotSweeps));
    else if (!k.bdsqr(d, e, qt, m, pt, n))
      throw new Error(`bidiagonal QR did not converge after ${MAX_SWEEPS_PER_VALUE * n} sweeps`);
    const u = transpose(qt, n, m),
      v = transpose(pt, n, n);
    sortDescending(d, u, m, v, n);
    return {u, s: d, v, r: n};
  }
  const leftBeta = new Float64Array(n);
  const rightBeta = new Float64Array(n);
  bidiagonalize(w, m, n, d, e, leftBeta, rightBeta, k);
  const u = formU(w, m, n, leftBeta, k);
  const v = formV(w, n, rightBeta, k);
  if (k.rotSweeps) {
    // Uᵀ and Vᵀ: a rotation of two columns becomes one of two contiguous rows.
    const ut = transpose(u, m, n),
      vt = transpose(v, n, n);
    bidiagonalQr(d, e, rowRotations(ut, m, n, k.rotSweeps), rowRotations(vt, n, n, k.rotSweeps));
    transpose(ut, n, m, u);
    transpose(vt, n, n, v);
  } else {
    bidiagonalQr(d, e, columnRotations(u, m, n), columnRotations(v, n, n));
  }
  sortDescending(d, u, m, v, n);
  return {u, s: d, v, r: n};
}

/**
 * Householder reflector for x (read with `get`, length len): returns beta and writes v into
 * `out` (v[0] = 1) so that (I − beta·v·vᵀ)x = alpha·e₁. Returns [beta, alpha].
 */
function house(x: Float64Array, off: number, stride: number, len: number, out: Float64Array): [number, number] {
  const x0 = x[off];
  let scale = 0;
  for (let i = 1; i < len; i++) scale = Math.max(scale, Math.abs(x[off + i * stride]));
  out[0] = 1;
  if (scale === 0) {
    for (let i = 1; i < len; i++) out[i] = 0;
    return [0, x0];
  }
  scale = Math.max(scale, Math.abs(x0));
  let sigma = 0;
  for (let i = 1; i < len; i++) {
    const t = x[off + i * stride] / scale;
    sigma += t * t;
  }
  const x0s = x0 / scale;
  const mu = Math.sqrt(x0s * x0s + sigma);
  // Choose the sign that avoids cancellation: alpha = −sign(x0)·‖x‖.
  const alpha = x0s <= 0 ? mu : -mu;
  const v0 = x0s - alpha;
  for (let i = 1; i < len; i++) out[i] = x[off + i * stride] / scale / v0;
  const beta = -v0 / alpha; // = 2 / (vᵀv) with v0 normalized to 1
  return [beta, alpha * scale];
}

/**
 * A = Q·B·Pᵀ with B upper bidiagonal (d, e). The left vectors are kept below the diagonal of w
 * (column j, rows j+1..), the right vectors right of the superdiagonal (row j, cols j+2..).
 */
function bidiagonalize(
  w: Float64Array,
  m: number,
  n: number,
  d: Float64Array,
  e: Float64Array,
  leftBeta: Float64Array,
  rightBeta: Float64Array,
  k: Svd64Kernels,
): void {
  const v = new Float64Array(Math.max(m, n));
  const acc = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // Left reflector: zero column j below the diagonal.
    const [bl, al] = house(w, j * n + j, n, m - j, v);
    leftBeta[j] = bl;
    d[j] = al;
    if (bl !== 0 && j + 1 < n) k.reflectLeft(w, n, j, m - j, j + 1, n - j - 1, v, bl, acc);
    for (let i = j + 1; i < m; i++) w[i * n + j] = v[i - j];
    if (j + 1 >= n) continue;
    // Right reflector: zero row j right of the superdiagonal.
    const len = n - j - 1;
    const [br, ar] = house(w, j * n + j + 1, 1, len, v);
    rightBeta[j] = br;
    e[j] = ar;
    if (br !== 0) k.reflectRight(w, n, j + 1, m, j + 1, len, v, br);
    for (let c = 1; c < len; c++) w[j * n + j + 1 + c] = v[c];
  }
}

/** U = H₀·H₁·…·H_{n−1}·[I; 0] (m×n), accumulated backwards so each step touches a shrinking block. */
function formU(w: Float64Array, m: number, n: number, beta: Float64Array, k: Svd64Kernels): Float64Array {
  const u = new Float64Array(m * n);
  for (let i = 0; i < n; i++) u[i * n + i] = 1;
  const acc = new Float64Array(n);
  const v = new Float64Array(m);
  for (let jj = n - 1; jj >= 0; jj--) {
    const b = beta[jj];
    if (b === 0) continue;
    v[0] = 1;
    for (let i = jj + 1; i < m; i++) v[i - jj] = w[i * n + jj];
    k.reflectLeft(u, n, jj, m - jj, jj, n - jj, v, b, acc);
  }
  return u;
}

/** V = G₀·…·G_{n−3} (n×n); G_j acts on coordinates j+1.. . */
function formV(w: Float64Array, n: number, beta: Float64Array, k: Svd64Kernels): Float64Array {
  const vm = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vm[i * n + i] = 1;
  const acc = new Float64Array(n);
  const v = new Float64Array(n);
  for (let jj = n - 3; jj >= 0; jj--) {
    const b = beta[jj];
    if (b === 0) continue;
    const lo = jj + 1;
    const len = n - lo;
    v[0] = 1;
    for (let c = 1; c < len; c++) v[c] = w[jj * n + lo + c];
    k.reflectLeft(vm, n, lo, len, lo, len, v, b, acc);
  }
  return vm;
}

/**
 * Applies I − beta·v·vᵀ from the left to the block x[r0.., c0..c0+cols) (rows r0..r0+len−1,
 * row stride ld): acc = vᵀX, then X −= beta·v·accᵀ. Four rows per pass so each load of acc
 * (and each store) is shared by four rows: the loops are load/store bound, not flop bound.
 */
function reflectLeft(
  x: Float64Array,
  ld: number,
  r0: number,
  len: number,
  c0: number,
  cols: number,
  v: Float64Array,
  beta: number,
  acc: Float64Array,
): void {
  acc.fill(0, 0, cols);
  let i = 0;
  for (; i + 3 < len; i += 4) {
    const v0 = v[i],
      v1 = v[i + 1],
      v2 = v[i + 2],
      v3 = v[i + 3];
    const b0 = (r0 + i) * ld + c0,
      b1 = b0 + ld,
      b2 = b1 + ld,
      b3 = b2 + ld;
    for (let c = 0; c < cols; c++) acc[c] += v0 * x[b0 + c] + v1 * x[b1 + c] + v2 * x[b2 + c] + v3 * x[b3 + c];
  }
  for (; i < len; i++) {
    const vi = v[i],
      b0 = (r0 + i) * ld + c0;
    for (let c = 0; c < cols; c++) acc[c] += vi * x[b0 + c];
  }
  i = 0;
  for (; i + 3 < len; i += 4) {
    const f0 = beta * v[i],
      f1 = beta * v[i + 1],
      f2 = beta * v[i + 2],
      f3 = beta * v[i + 3];
    const b0 = (r0 + i) * ld + c0,
      b1 = b0 + ld,
      b2 = b1 + ld,
      b3 = b2 + ld;
    for (let c = 0; c < cols; c++) {
      const a = acc[c];
      x[b0 + c] -= f0 * a;
      x[b1 + c] -= f1 * a;
      x[b2 + c] -= f2 * a;
      x[b3 + c] -= f3 * a;
    }
  }
  for (; i < len; i++) {
    const f = beta * v[i],
      b0 = (r0 + i) * ld + c0;
    for (let c = 0; c < cols; c++) x[b0 + c] -= f * acc[c];
  }
}

/** Applies I − beta·v·vᵀ from the right to rows r0..r1−1, columns c0..c0+len−1: four rows per pass. */
function reflectRight(
  x: Float64Array,
  ld: number,
  r0: number,
  r1: number,
  c0: number,
  len: number,
  v: Float64Array,
  beta: number,
): void {
  let i = r0;
  for (; i + 3 < r1; i += 4) {
    const b0 = i * ld + c0,
      b1 = b0 + ld,
      b2 = b1 + ld,
      b3 = b2 + ld;
    let t0 = 0,
      t1 = 0,
      t2 = 0,
      t3 = 0;
    for (let c = 0; c < len; c++) {
      const vc = v[c];
      t0 += x[b0 + c] * vc;
      t1 += x[b1 + c] * vc;
      t2 += x[b2 + c] * vc;
      t3 += x[b3 + c] * vc;
    }
    t0 *= beta;
    t1 *= beta;
    t2 *= beta;
    t3 *= beta;
    for (let c = 0; c < len; c++) {
      const vc = v[c];
      x[b0 + c] -= t0 * vc;
      x[b1 + c] -= t1 * vc;
      x[b2 + c] -= t2 * vc;
      x[b3 + c] -= t3 * vc;
    }
  }
  for (; i < r1; i++) {
    const b0 = i * ld + c0;
    let t = 0;
    for (let c = 0; c < len; c++) t += x[b0 + c] * v[c];
    t *= beta;
    for (let c = 0; c < len; c++) x[b0 + c] -= t * v[c];
  }
}

/** [c, s, r] with c·y + s·z = r, −s·y + c·z = 0. */
function givens(y: number, z: number): [number, number, number] {
  if (z === 0) return [1, 0, y];
  const r = Math.hypot(y, z);
  return [y / r, z / r, r];
}

/**
 * Applies recorded rotations lo..hi−1 to columns lo..hi of every row of x (rows×ld):
 * col_k ← c·col_k + s·col_{k+1}, col_{k+1} ← −s·col_k + c·col_{k+1}, in order k = lo, lo+1, ….
 * Four rows at a time: the carried value is a serial dependency, four chains hide its latency.
 */
function applySweep(x: Float64Array, rows: number, ld: number, lo: number, hi: number, cs: Float64Array, sn: Float64Array): void {
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const b0 = r * ld,
      b1 = b0 + ld,
      b2 = b1 + ld,
      b3 = b2 + ld;
    let t0 = x[b0 + lo],
      t1 = x[b1 + lo],
      t2 = x[b2 + lo],
      t3 = x[b3 + lo];
    for (let k = lo; k < hi; k++) {
      const c = cs[k],
        s = sn[k];
      const y0 = x[b0 + k + 1],
        y1 = x[b1 + k + 1],
        y2 = x[b2 + k + 1],
        y3 = x[b3 + k + 1];
      x[b0 + k] = c * t0 + s * y0;
      x[b1 + k] = c * t1 + s * y1;
      x[b2 + k] = c * t2 + s * y2;
      x[b3 + k] = c * t3 + s * y3;
      t0 = c * y0 - s * t0;
      t1 = c * y1 - s * t1;
      t2 = c * y2 - s * t2;
      t3 = c * y3 - s * t3;
    }
    x[b0 + hi] = t0;
    x[b1 + hi] = t1;
    x[b2 + hi] = t2;
    x[b3 + hi] = t3;
  }
  for (; r < rows; r++) {
    const b0 = r * ld;
    let t0 = x[b0 + lo];
    for (let k = lo; k < hi; k++) {
      const c = cs[k],
        s = sn[k];
      const y0 = x[b0 + k + 1];
      x[b0 + k] = c * t0 + s * y0;
      t0 = c * y0 - s * t0;
    }
    x[b0 + hi] = t0;
  }
}

/** col_i ← c·col_i + s·col_j, col_j ← −s·col_i + c·col_j for every row (non-adjacent columns). */
function rotateColumns(x: Float64Array, rows: number, ld: number, i: number, jcol: number, c: number, s: number): void {
  for (let r = 0; r < rows; r++) {
    const a = x[r * ld + i],
      b = x[r * ld + jcol];
    x[r * ld + i] = c * a + s * b;
    x[r * ld + jcol] = c * b - s * a;
  }
}

/** Where a factor's rotations go: U or V itself (columns rotate) or its transpose (rows rotate). */
interface RotationTarget {
  /** Rotations lo..hi−1 of a sweep, on (k, k+1). */
  sweep(lo: number, hi: number, cs: Float64Array, sn: Float64Array): void;
  /** One rotation of the non-adjacent pair (i, j): x_i ← c·x_i + s·x_j, x_j ← c·x_j − s·x_i. */
  rotate(i: number, j: number, c: number, s: number): void;
  /** Applies whatever sweeps are still pending. */
  flush(): void;
}

/** Sweeps recorded before the batched kernel runs them in one pass over the factor. */
const SWEEP_BATCH = 32;

function columnRotations(x: Float64Array, rows: number, n: number): RotationTarget {
  return {
    sweep: (lo, hi, cs, sn) => applySweep(x, rows, n, lo, hi, cs, sn),
    rotate: (i, j, c, s) => rotateColumns(x, rows, n, i, j, c, s),
    flush: () => {},
  };
}

/** xt is n×len (row t = column t of the factor); sweeps are batched, SWEEP_BATCH at a time. */
function rowRotations(xt: Float64Array, len: number, n: number, sweeps: NonNullable<Svd64Kernels['rotSweeps']>): RotationTarget {
  const lo = new Float64Array(SWEEP_BATCH),
    hi = new Float64Array(SWEEP_BATCH);
  const cs = new Float64Array(SWEEP_BATCH * n),
    sn = new Float64Array(SWEEP_BATCH * n);
  let count = 0;
  const flush = (): void => {
    if (count > 0) sweeps(xt, len, len, count, lo, hi, cs, sn, n);
    count = 0;
  };
  return {
    sweep(l, h, c, s) {
      lo[count] = l;
      hi[count] = h;
      cs.set(c.subarray(l, h), count * n + l);
      sn.set(s.subarray(l, h), count * n + l);
      if (++count === SWEEP_BATCH) flush();
    },
    rotate(i, j, c, s) {
      flush();
      const bi = i * len,
        bj = j * len;
      for (let r = 0; r < len; r++) {
        const a = xt[bi + r],
          b = xt[bj + r];
        xt[bi + r] = c * a + s * b;
        xt[bj + r] = c * b - s * a;
      }
    },
    flush,
  };
}

/** Diagonalizes B = bidiag(d, e) (n values) in place, folding the rotations into U and V. */
function bidiagonalQr(d: Float64Array, e: Float64Array, u: RotationTarget, v: RotationTarget): void {
  // The shift squares entries (d², d·e): near 1e±155 that overflows or underflows, so, as LAPACK's
  // bdsqr does, run on B scaled to O(1) and unscale the singular values. A power of two keeps the
  // scaling exact; the rotations do not depend on it.
  const p = exponentOf(bidiagonalNorm(d, e));
  if (p !== 0) scaleBy(d, e, -p);
  iterate(d, e, u, v);
  if (p !== 0) scaleBy(d, new Float64Array(0), p);
}

function bidiagonalNorm(d: Float64Array, e: Float64Array): number {
  let anorm = 0;
  for (let i = 0; i < d.length; i++) anorm = Math.max(anorm, Math.abs(d[i]) + (i < d.length - 1 ? Math.abs(e[i]) : 0));
  return anorm;
}

/** round(log2 x), or 0 for 0 and non-finite x (nothing to scale, or nothing scaling can save). */
function exponentOf(x: number): number {
  return x > 0 && Number.isFinite(x) ? Math.round(Math.log2(x)) : 0;
}

/** Multiplies d and e by 2^p, in two halves: 2^p alone is not a double for |p| past 1023. */
function scaleBy(d: Float64Array, e: Float64Array, p: number): void {
  const h = Math.trunc(p / 2);
  const f1 = 2 ** h,
    f2 = 2 ** (p - h);
  for (let i = 0; i < d.length; i++) d[i] = d[i] * f1 * f2;
  for (let i = 0; i < e.length; i++) e[i] = e[i] * f1 * f2;
}

function iterate(d: Float64Array, e: Float64Array, u: RotationTarget, v: RotationTarget): void {
  const n = d.length;
  const tiny = EPS * bidiagonalNorm(d, e);
  const cu = new Float64Array(n),
    su = new Float64Array(n),
    cv = new Float64Array(n),
    sv = new Float64Array(n);
  let budget = MAX_SWEEPS_PER_VALUE * n;
  let hi = n - 1;
  while (hi > 0) {
    // Split wherever a superdiagonal entry is negligible next to its diagonal neighbours.
    for (let i = 0; i < hi; i++) {
      if (Math.abs(e[i]) <= EPS * (Math.abs(d[i]) + Math.abs(d[i + 1])) || Math.abs(e[i]) <= tiny) e[i] = 0;
    }
    if (e[hi - 1] === 0) {
      hi--;
      continue;
    }
    let lo = hi - 1;
    while (lo > 0 && e[lo - 1] !== 0) lo--;
    if (--budget < 0) throw new Error(`bidiagonal QR did not converge after ${MAX_SWEEPS_PER_VALUE * n} sweeps`);
    // A zero on the diagonal: chase its row's superdiagonal entry out (zero shift), then split.
    let zeroAt = -1;
    for (let i = lo; i <= hi; i++) {
      if (Math.abs(d[i]) <= tiny) {
        zeroAt = i;
        break;
      }
    }
    if (zeroAt >= 0) {
      d[zeroAt] = 0;
      if (zeroAt < hi) chaseRow(d, e, zeroAt, hi, u);
      else chaseColumn(d, e, lo, hi, v);
      continue;
    }
    qrSweep(d, e, lo, hi, cu, su, cv, sv);
    u.sweep(lo, hi, cu, su);
    v.sweep(lo, hi, cv, sv);
  }
  u.flush();
  v.flush();
}

/** d[i] = 0 with i < hi: left rotations of rows (j, i), j = i+1..hi, move e[i] off the band. */
function chaseRow(d: Float64Array, e: Float64Array, i: number, hi: number, u: RotationTarget): void {
  let f = e[i];
  e[i] = 0;
  for (let jj = i + 1; jj <= hi && f !== 0; jj++) {
    const [c, s, r] = givens(d[jj], f);
    d[jj] = r;
    if (jj < hi) {
      f = -s * e[jj];
      e[jj] = c * e[jj];
    }
    u.rotate(jj, i, c, s);
  }
}

/** d[hi] = 0: right rotations of columns (j, hi), j = hi−1..lo, move e[hi−1] off the band. */
function chaseColumn(d: Float64Array, e: Float64Array, lo: number, hi: number, v: RotationTarget): void {
  let f = e[hi - 1];
  e[hi - 1] = 0;
  for (let jj = hi - 1; jj >= lo && f !== 0; jj--) {
    const [c, s, r] = givens(d[jj], f);
    d[jj] = r;
    if (jj > lo) {
      f = -s * e[jj - 1];
      e[jj - 1] = c * e[jj - 1];
    }
    v.rotate(jj, hi, c, s);
  }
}

/** One implicit-shift Golub–Kahan sweep over rows/columns lo..hi; records the rotations. */
function qrSweep(
  d: Float64Array,
  e: Float64Array,
  lo: number,
  hi: number,
  cu: Float64Array,
  su: Float64Array,
  cv: Float64Array,
  sv: Float64Array,
): void {
  // Wilkinson shift: the eigenvalue of BᵀB's trailing 2×2 closer to its last diagonal entry.
  const dm = d[hi - 1],
    em = e[hi - 1],
    dn = d[hi];
  const emPrev = hi - 2 >= lo ? e[hi - 2] : 0;
  const t11 = dm * dm + emPrev * emPrev,
    t12 = dm * em,
    t22 = dn * dn + em * em;
  const half = (t11 - t22) / 2;
  const root = Math.hypot(half, t12);
  const mu = t22 - (t12 * t12) / (half + (half >= 0 ? root : -root) || Number.MIN_VALUE);
  let y = d[lo] * d[lo] - mu;
  let z = d[lo] * e[lo];
  for (let k = lo; k < hi; k++) {
    // Right rotation on columns k, k+1 (chases the bulge from above the band to below).
    let [c, s, r] = givens(y, z);
    if (k > lo) e[k - 1] = r;
    const dk = d[k],
      ek = e[k];
    y = c * dk + s * ek;
    e[k] = c * ek - s * dk;
    z = s * d[k + 1];
    d[k + 1] = c * d[k + 1];
    cv[k] = c;
    sv[k] = s;
    // Left rotation on rows k, k+1 (moves the bulge back above the band).
    [c, s, r] = givens(y, z);
    d[k] = r;
    const ek2 = e[k],
      dk1 = d[k + 1];
    e[k] = c * ek2 + s * dk1;
    d[k + 1] = c * dk1 - s * ek2;
    if (k < hi - 1) {
      z = s * e[k + 1];
      e[k + 1] = c * e[k + 1];
      y = e[k];
    }
    cu[k] = c;
    su[k] = s;
  }
}

/** Makes every s ≥ 0 (flipping V's column) and orders them descending (permuting U and V). */
function sortDescending(s: Float64Array, u: Float64Array, m: number, v: Float64Array, n: number): void {
  const r = s.length;
  for (let i = 0; i < r; i++) {
    if (s[i] < 0) {
      s[i] = -s[i];
      for (let t = 0; t < n; t++) v[t * r + i] = -v[t * r + i];
    }
  }
  const order = Array.from({length: r}, (_, i) => i).sort((a, b) => s[b] - s[a]);
  if (order.every((o, i) => o === i)) return;
  const s0 = Float64Array.from(s);
  for (let i = 0; i < r; i++) s[i] = s0[order[i]];
  permuteColumns(u, m, r, order);
  permuteColumns(v, n, r, order);
}

function permuteColumns(x: Float64Array, rows: number, cols: number, order: number[]): void {
  const tmp = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const b = i * cols;
    for (let c = 0; c < cols; c++) tmp[c] = x[b + order[c]];
    x.set(tmp, b);
  }
}

// SVD of an m×n matrix (row-major, f32 or f64): A ≈ U·diag(s)·Vᵀ with U m×k, V n×k orthonormal.
// Inputs come from matrices.ts with an exactly known spectrum, so the optimal rank-k error is known.
// Check (residual and orthogonality, no full reference): ‖A − UΣVᵀ‖_F/‖A‖_F when the output is a
// full thin SVD, ‖UᵀU − I‖_F and ‖VᵀV − I‖_F, sorted non-negative s, and the rank-k error within a
// stated factor of optimal (Eckart–Young). Its numbers go to the result's metrics.
import {createRng, deriveSeed} from '../../core/rng.js';
import type {CheckResult, OpSpec} from '../../core/types.js';
import type {Real} from './dense64.js';
import {MATRIX_DESCRIPTIONS, makeTestMatrix, type MatrixKind} from './matrices.js';

export type SvdDtype = 'f32' | 'f64';

export interface SvdShape {
  m: number;
  n: number;
  /** Target rank k: what the randomized SVD computes, and where every output's error is measured. */
  rank: number;
  /** Oversampling p (randomized): the sketch has k + p columns. */
  oversample: number;
  /** Power iterations q (randomized). */
  power: number;
  dtype: SvdDtype;
  matrix: MatrixKind;
}

export interface SvdInputs {
  a: Real;
  /** The exact singular values of the generated (float64) matrix, descending, min(m, n) of them. */
  sigma: Float64Array;
  /** The seed the matrix came from; the randomized SVD derives its Gaussian test matrix from it. */
  seed: number;
}

export interface SvdOutput {
  /** Columns in the output: min(m, n) for a full thin SVD, min(rank, m, n) for a truncated one. */
  k: number;
  /** m×k row-major. */
  u: Real;
  s: Float64Array;
  /** n×k row-major. */
  v: Real;
  /** The GEMM engine the variant ran its products on (recorded in metrics). */
  gemm?: string;
}

/** scikit-learn's default: 7 power iterations when k < 0.1·min(m, n), else 4. */
export function defaultPower(rank: number, m: number, n: number): number {
  return rank < 0.1 * Math.min(m, n) ? 7 : 4;
}

export function unitRoundoff(dtype: SvdDtype): number {
  return dtype === 'f64' ? 2 ** -53 : 2 ** -24;
}

/** Residual, orthogonality and singular-value tolerance: 20·max(m, n)·u. */
export function svdTolerance(p: SvdShape, scale = 1): number {
  return scale * 20 * Math.max(p.m, p.n) * unitRoundoff(p.dtype);
}

/**
 * The stated factor of optimal that a rank-k result must reach: 1.05 with power iterations;
 * without them, HMT's bound on the expected Frobenius error, √(1 + k/(p − 1)) (Thm 10.5).
 */
export function optimalityFactor(p: SvdShape): number {
  if (p.power >= 1) return 1.05;
  const k = Math.min(p.rank, p.m, p.n);
  return Math.sqrt(1 + k / Math.max(p.oversample - 1, 1));
}

export function sketchColumns(p: SvdShape): number {
  return Math.min(p.rank + p.oversample, p.m, p.n);
}

const bpe = (p: SvdShape): number => (p.dtype === 'f64' ? 8 : 4);

/** Golub–Van Loan's count for Golub–Reinsch with thin U and V: 14·M·N² + 8·N³ (M ≥ N). */
export function fullFlops({m, n}: SvdShape): number {
  const big = Math.max(m, n),
    small = Math.min(m, n);
  return 14 * big * small * small + 8 * small ** 3;
}

/** HMT: 2q + 2 passes of 2·m·n·l over A, U = Q·Û, the orthonormalizations and the small SVD. */
export function randomizedFlops(p: SvdShape): number {
  const l = sketchColumns(p),
    k = Math.min(p.rank, p.m, p.n);
  const passes = (2 * p.power + 2) * 2 * p.m * p.n * l;
  const orth = (2 * p.power + 1) * 4 * Math.max(p.m, p.n) * l * l;
  const small = 14 * Math.max(l, p.n) * l * l + 8 * l ** 3;
  return passes + orth + small + 2 * p.m * l * k;
}

export const svdSpec: OpSpec<SvdShape, SvdInputs, SvdOutput> = {
  op: 'svd',
  describe: (p) => `${p.m}x${p.n}-r${p.rank}-p${p.oversample}-q${p.power}-${p.dtype}-${p.matrix}`,
  flops: fullFlops,
  macs: (p) => fullFlops(p) / 2,
  bytes: (p) => bpe(p) * (p.m * p.n + (p.m + p.n) * Math.min(p.m, p.n)) + 8 * Math.min(p.m, p.n),
  memoryBytes: (p) => {
    const r = Math.min(p.m, p.n);
    // Input, the float64 working copy and its U, V, the output, the check's residual scratch.
    return bpe(p) * p.m * p.n + 8 * (2 * p.m * p.n + 2 * (p.m + p.n) * r + r * r) + bpe(p) * (p.m + p.n) * r;
  },
  inputDistribution: (p) => `${p.matrix} test matrix (${MATRIX_DESCRIPTIONS[p.matrix]}) from xoshiro128**(seed)`,
  makeInputs(p, seed) {
    const {a, sigma} = makeTestMatrix(p.matrix, p.m, p.n, seed);
    return {a: p.dtype === 'f64' ? a : Float32Array.from(a), sigma, seed};
  },
  check: checkSvd,
};

/** The same spec with another cost model (each variant counts its own algorithm's FLOPs). */
export function specWithFlops(flops: (p: SvdShape) => number): OpSpec<SvdShape, SvdInputs, SvdOutput> {
  return {...svdSpec, flops, macs: (p) => flops(p) / 2};
}

const DIRECT_RESIDUAL_MACS = 2 ** 27;
const PROBES = 8;
const ORTHO_SAMPLE = 48;

export function checkSvd(
  p: SvdShape,
  inputs: SvdInputs,
  out: SvdOutput,
  opts: {toleranceScale?: number; seed?: number} = {},
): CheckResult {
  const tol = svdTolerance(p, opts.toleranceScale ?? 1);
  const r = Math.min(p.m, p.n);
  const fail = (method: string, detail: string): CheckResult => ({pass: false, method, error: Infinity, tolerance: 1, detail});
  const {k, u, s, v} = out;
  if (!(k >= 1 && k <= r) || u.length !== p.m * k || v.length !== p.n * k || s.length !== k) {
    return fail('shape', `k=${k}, U has ${u.length}, V ${v.length}, s ${s.length} elements for ${p.m}x${p.n} (k ≤ ${r})`);
  }
  for (const [name, x] of [
    ['U', u],
    ['s', s],
    ['V', v],
  ] as const) {
    const bad = x.findIndex((t) => !Number.isFinite(t));
    if (bad >= 0) return fail('finite', `non-finite ${name}[${bad}] = ${x[bad]}`);
  }
  for (let i = 0; i < k; i++) {
    if (s[i] < 0 || (i > 0 && s[i] > s[i - 1])) return fail('sorted', `s[${i}] = ${s[i]} is negative or above s[${i - 1}]`);
  }
  const seed = opts.seed ?? 0;
  const kt = Math.min(p.rank, k);
  const total = sumSquares(inputs.sigma, 0);
  const optimal = total > 0 ? Math.sqrt(sumSquares(inputs.sigma, kt) / total) : 0;
  const normA = Math.sqrt(sumSquares(inputs.a, 0));
  const relFrob = normA > 0 ? residualNorm(p, inputs.a, out, kt, seed) / normA : 0;
  const orthU = orthogonality(u, p.m, k, deriveSeed(seed, 21));
  const orthV = orthogonality(v, p.n, k, deriveSeed(seed, 22));
  let sigmaErr = 0;
  const s1 = inputs.sigma[0] || 1;
  for (let i = 0; i < kt; i++) sigmaErr = Math.max(sigmaErr, Math.abs(s[i] - inputs.sigma[i]) / s1);

  const factor = optimalityFactor(p);
  const slack = 50 * Math.sqrt(Math.max(p.m, p.n)) * unitRoundoff(p.dtype);
  const criteria: [string, number, number][] = [
    ['‖UᵀU−I‖', orthU.value, tol],
    ['‖VᵀV−I‖', orthV.value, tol],
    // The excess over optimal, against the allowed excess: 0 for an exact truncated SVD.
    [
      `rank-${kt} error ${relFrob.toExponential(3)} vs ${factor.toFixed(2)}×optimal ${optimal.toExponential(3)}; excess`,
      Math.max(0, relFrob - optimal),
      (factor - 1) * optimal + slack,
    ],
  ];
  const metrics: Record<string, number | string | boolean> = {
    rank: kt,
    relFrobError: relFrob,
    optimalRelError: optimal,
    orthogonalityU: orthU.value,
    orthogonalityV: orthV.value,
    sigmaMaxRelError: sigmaErr,
    optimalityFactor: factor,
  };
  if (optimal > 0) metrics.errorRatio = relFrob / optimal;
  if (out.gemm) metrics.gemm = out.gemm;
  let method = 'residual+orthogonality';
  if (k === r) {
    // A full thin SVD: it must reproduce A, and every singular value (Weyl: |ŝ − σ| ≤ ‖δA‖₂).
    const full = normA > 0 ? residualNorm(p, inputs.a, out, k, seed) / normA : 0;
    let allSigma = 0;
    for (let i = 0; i < k; i++) allSigma = Math.max(allSigma, Math.abs(s[i] - inputs.sigma[i]) / s1);
    criteria.push(['‖A−UΣVᵀ‖/‖A‖', full, tol], ['max|ŝ−σ|/σ₁', allSigma, tol]);
    metrics.residual = full;
  }
  if (orthU.sampled || orthV.sampled || p.m * p.n * k > DIRECT_RESIDUAL_MACS) method += ' (sampled)';
  let worst = 0;
  let where = '';
  for (const [name, value, t] of criteria) {
    const ratio = t > 0 ? value / t : value === 0 ? 0 : Infinity;
    if (!(ratio <= worst)) {
      worst = ratio;
      where = `${name} = ${value.toExponential(2)} > ${t.toExponential(2)}`;
    }
  }
  const pass = worst <= 1;
  // error and tolerance are the worst criterion as a fraction of its own tolerance (1 = at the limit).
  return {pass, method, error: worst, tolerance: 1, metrics, ...(pass ? {} : {detail: where})};
}

function sumSquares(x: ArrayLike<number>, from: number): number {
  let s = 0;
  for (let i = from; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/**
 * ‖A − U_k·Σ_k·V_kᵀ‖_F over the first k columns: exact when m·n·k is small, otherwise the
 * Hutchinson estimate from Gaussian probes x (E‖Rx‖² = ‖R‖_F²), O(mn) per probe.
 */
export function residualNorm(p: SvdShape, a: Real, out: SvdOutput, k: number, seed: number): number {
  const {m, n} = p;
  const {u, s, v} = out;
  const ld = out.k;
  if (m * n * k <= DIRECT_RESIDUAL_MACS) {
    let sum = 0;
    const us = new Float64Array(k);
    for (let i = 0; i < m; i++) {
      for (let t = 0; t < k; t++) us[t] = u[i * ld + t] * s[t];
      for (let j = 0; j < n; j++) {
        let x = a[i * n + j];
        for (let t = 0; t < k; t++) x -= us[t] * v[j * ld + t];
        sum += x * x;
      }
    }
    return Math.sqrt(sum);
  }
  const rng = createRng(deriveSeed(seed, 23));
  const x = new Float64Array(n),
    vx = new Float64Array(k);
  let sum = 0;
  for (let probe = 0; probe < PROBES; probe++) {
    for (let j = 0; j < n; j++) x[j] = rng.normal();
    vx.fill(0);
    for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) vx[t] += v[j * ld + t] * x[j];
    for (let t = 0; t < k; t++) vx[t] *= s[t];
    for (let i = 0; i < m; i++) {
      let y = 0;
      for (let j = 0; j < n; j++) y += a[i * n + j] * x[j];
      for (let t = 0; t < k; t++) y -= u[i * ld + t] * vx[t];
      sum += y * y;
    }
  }
  return Math.sqrt(sum / PROBES);
}

/** ‖XᵀX − I‖_F for X rows×k; past 2^27 MACs, the rows of XᵀX for a sample of columns (scaled). */
export function orthogonality(x: Real, rows: number, k: number, seed: number): {value: number; sampled: boolean} {
  let cols = Array.from({length: k}, (_, i) => i);
  let sampled = false;
  if (rows * k * k > DIRECT_RESIDUAL_MACS && k > ORTHO_SAMPLE) {
    const rng = createRng(seed);
    const set = new Set([0, k - 1]);
    while (set.size < ORTHO_SAMPLE) set.add(Math.floor(rng.next() * k));
    cols = [...set];
    sampled = true;
  }
  const g = new Float64Array(k);
  let sum = 0;
  for (const c of cols) {
    g.fill(0);
    for (let i = 0; i < rows; i++) {
      const xc = x[i * k + c];
      if (xc === 0) continue;
      for (let t = 0; t < k; t++) g[t] += xc * x[i * k + t];
    }
    g[c] -= 1;
    for (let t = 0; t < k; t++) sum += g[t] * g[t];
  }
  return {value: Math.sqrt((sum * k) / cols.length), sampled};
}

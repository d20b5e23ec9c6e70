// Uses of a truncated SVD: the low-rank GEMM A·X ≈ U_k·(Σ_k·(V_kᵀ·X)) — 2k(m + n)N FLOPs instead
// of 2mnN — and FC-layer compression W ≈ (U_kΣ_k)·V_kᵀ. Factors come from the full SVD when it is
// cheap, else from the randomized SVD; the products run on a GemmEngine (f32).
import type {GemmExecutor} from '../gemm/engine.js';
import {blockedEngine} from '../gemm/engines.js';
import {svd64} from './golub-kahan.js';
import {engineGemm, randomizedSvd} from './randomized.js';
import {fullFlops} from './spec.js';
import {FULL_FLOP_LIMIT} from './full.js';

export interface LowRankFactors {
  /** m×R row-major. */
  u: Float32Array;
  s: Float64Array;
  /** n×R row-major. */
  v: Float32Array;
  /** Columns held (R). */
  rank: number;
  method: 'full' | 'randomized';
}

/**
 * The leading `rank` singular triplets of the m×n row-major w: the full SVD when it costs at most
 * FULL_FLOP_LIMIT (or fullFlopLimit), else the randomized SVD (p = 10, q power iterations).
 */
export async function truncatedSvd(
  w: Float32Array,
  m: number,
  n: number,
  rank: number,
  opts: {exec?: GemmExecutor; power?: number; seed?: number; fullFlopLimit?: number} = {},
): Promise<LowRankFactors> {
  const r = Math.min(m, n);
  const k = Math.max(1, Math.min(rank, r));
  const dims = {m, n, rank: k, oversample: 10, power: 0, dtype: 'f32' as const, matrix: 'lowrank' as const};
  if (fullFlops(dims) <= (opts.fullFlopLimit ?? FULL_FLOP_LIMIT)) {
    const f = svd64(w, m, n);
    return {u: takeColumns(f.u, m, r, k), s: f.s.slice(0, k), v: takeColumns(f.v, n, r, k), rank: k, method: 'full'};
  }
  const exec = opts.exec ?? (await blockedEngine.create({threads: 1}));
  const out = await randomizedSvd(
    w,
    m,
    n,
    {rank: k, oversample: 10, power: opts.power ?? 2, seed: opts.seed ?? 1},
    engineGemm(exec),
  );
  return {u: out.u as Float32Array, s: out.s, v: out.v as Float32Array, rank: out.k, method: 'randomized'};
}

function takeColumns(x: Float64Array, rows: number, cols: number, k: number): Float32Array {
  const out = new Float32Array(rows * k);
  for (let i = 0; i < rows; i++) for (let t = 0; t < k; t++) out[i * k + t] = x[i * cols + t];
  return out;
}

/** Workspace for one low-rank product at rank ≤ f.rank with N right-hand columns. */
export function lowRankWorkspace(f: LowRankFactors, nCols: number): Float32Array {
  return new Float32Array(f.rank * nCols);
}

/** out (m×N) = U_k·(Σ_k·(V_kᵀ·x)), x n×N; two GEMMs of 2k·n·N and 2m·k·N FLOPs. */
export async function lowRankProduct(
  exec: GemmExecutor,
  f: LowRankFactors,
  k: number,
  m: number,
  n: number,
  x: Float32Array,
  nCols: number,
  out: Float32Array,
  t: Float32Array = lowRankWorkspace(f, nCols),
): Promise<void> {
  // T = V_kᵀ·X: op(A) = V[:, :k]ᵀ, stored n×R, so transposed with row stride R.
  await exec.gemm({m: k, n: nCols, k: n, a: f.v, transA: true, lda: f.rank, b: x, c: t});
  for (let i = 0; i < k; i++) {
    const s = f.s[i];
    for (let j = 0; j < nCols; j++) t[i * nCols + j] *= s;
  }
  await exec.gemm({m, n: nCols, k, a: f.u, lda: f.rank, b: t, c: out});
}

export function relativeError(approx: Float32Array, exact: Float32Array): number {
  let d = 0,
    e = 0;
  for (let i = 0; i < exact.length; i++) {
    d += (approx[i] - exact[i]) ** 2;
    e += exact[i] ** 2;
  }
  return e > 0 ? Math.sqrt(d / e) : Math.sqrt(d);
}

export const lowRankFlops = (m: number, n: number, nCols: number, k: number): number => 2 * k * (m + n) * nCols + k * nCols;

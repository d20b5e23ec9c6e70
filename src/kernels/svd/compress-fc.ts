// FC-layer compression by truncated SVD: W (out×in) ≈ u·v with u = U_kΣ_k (out×k) and v = V_kᵀ
// (k×in), so y = W·x becomes y ≈ u·(v·x): k(out + in) parameters and MACs instead of out·in.
// The rank is given, or chosen as the smallest capturing an energy fraction Σσᵢ²/‖W‖_F².
import {UsageError} from '../../core/errors.js';
import type {GemmExecutor} from '../gemm/engine.js';
import {truncatedSvd, type LowRankFactors} from './lowrank.js';

/** Up to this many MACs the reconstruction error is computed directly. */
const DIRECT_MACS = 2 ** 27;

export interface CompressedFc {
  /** out×rank row-major: U_k·Σ_k. */
  u: Float32Array;
  /** rank×in row-major: V_kᵀ. */
  v: Float32Array;
  rank: number;
  paramsBefore: number;
  paramsAfter: number;
  /** ‖W − u·v‖_F / ‖W‖_F. */
  relError: number;
  /** Σ_{i<rank} σᵢ² / ‖W‖_F²: the share of W's energy kept. */
  energy: number;
  method: LowRankFactors['method'];
}

/**
 * rankOrEnergy ≥ 1: that rank (an integer, clamped to min(out, in)); 0 < rankOrEnergy < 1: the
 * smallest rank keeping that fraction of ‖W‖_F² (for large layers found by doubling the rank of
 * a randomized SVD, whose σ never exceed the true ones, so the rank is never too small).
 */
export async function compressFc(
  weights: Float32Array,
  outFeatures: number,
  inFeatures: number,
  rankOrEnergy: number,
  opts: {exec?: GemmExecutor; seed?: number; maxRank?: number} = {},
): Promise<CompressedFc> {
  if (weights.length !== outFeatures * inFeatures) {
    throw new UsageError(`--lowrank: weights have ${weights.length} values, expected ${outFeatures}×${inFeatures}`);
  }
  const energyMode = rankOrEnergy > 0 && rankOrEnergy < 1;
  if (!(rankOrEnergy > 0) || (!energyMode && !Number.isInteger(rankOrEnergy))) {
    throw new UsageError(`--lowrank: '${rankOrEnergy}' is neither a rank (integer ≥ 1) nor an energy fraction in (0, 1)`);
  }
  const r = Math.min(outFeatures, inFeatures);
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i] * weights[i];
  let f: LowRankFactors;
  let rank: number;
  if (!energyMode) {
    f = await truncatedSvd(weights, outFeatures, inFeatures, rankOrEnergy, opts);
    rank = f.rank;
  } else {
    // maxRank bounds the search (a caller may not want ranks that save nothing): past it, the
    // result holds maxRank values and an energy below the fraction asked for.
    const cap = Math.max(1, Math.min(r, opts.maxRank ?? r));
    let tryRank = Math.min(cap, 64);
    for (;;) {
      f = await truncatedSvd(weights, outFeatures, inFeatures, tryRank, opts);
      rank = rankForEnergy(f.s, total, rankOrEnergy);
      if (rank > 0 || f.rank >= cap) break;
      // Not enough energy in the leading tryRank values: double (the full SVD takes over when cheap).
      tryRank = Math.min(cap, tryRank * 2);
    }
    if (rank === 0) rank = f.rank;
  }
  const u = new Float32Array(outFeatures * rank);
  for (let i = 0; i < outFeatures; i++) for (let t = 0; t < rank; t++) u[i * rank + t] = f.u[i * f.rank + t] * f.s[t];
  const v = new Float32Array(rank * inFeatures);
  for (let j = 0; j < inFeatures; j++) for (let t = 0; t < rank; t++) v[t * inFeatures + j] = f.v[j * f.rank + t];
  let kept = 0;
  for (let t = 0; t < rank; t++) kept += f.s[t] * f.s[t];
  return {
    u,
    v,
    rank,
    paramsBefore: outFeatures * inFeatures,
    paramsAfter: rank * (outFeatures + inFeatures),
    relError:
      outFeatures * inFeatures * rank <= DIRECT_MACS
        ? reconstructionError(weights, u, v, outFeatures, inFeatures, rank, total)
        : // u·v = U_kU_kᵀW is a projection of W: ‖W − u·v‖² = ‖W‖² − Σσᵢ² (accurate to ≈1e-8 relative).
          Math.sqrt(Math.max(0, total - kept) / (total || 1)),
    energy: total > 0 ? kept / total : 1,
    method: f.method,
  };
}

/** The smallest k with Σ_{i<k} s² ≥ fraction·total, or 0 if s does not reach it. */
export function rankForEnergy(s: Float64Array, total: number, fraction: number): number {
  let acc = 0;
  for (let i = 0; i < s.length; i++) {
    acc += s[i] * s[i];
    if (acc >= fraction * total) return i + 1;
  }
  return total === 0 ? 1 : 0;
}

function reconstructionError(
  w: Float32Array,
  u: Float32Array,
  v: Float32Array,
  m: number,
  n: number,
  k: number,
  total: number,
): number {
  let d = 0;
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let t = 0; t < k; t++) {
      const c = u[i * k + t];
      for (let j = 0; j < n; j++) row[j] += c * v[t * n + j];
    }
    for (let j = 0; j < n; j++) d += (w[i * n + j] - row[j]) ** 2;
  }
  return total > 0 ? Math.sqrt(d / total) : Math.sqrt(d);
}

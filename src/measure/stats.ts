// Pure summary statistics over raw samples (milliseconds). No I/O, no clocks: unit-tested
// against hand-computed values. Quantiles, deviations and the special functions come from
// simple-statistics (the project's one statistics library; tinybench only collects the samples);
// what is written here is the confidence interval of the median, which no library gives.

import {
  gammaln,
  medianAbsoluteDeviation,
  probit,
  quantileSorted as ssQuantileSorted,
  sampleStandardDeviation,
} from 'simple-statistics';
import type {Stats} from '../core/results.js';

/** IQR/median above this is flagged as a noisy measurement. */
export const HIGH_SPREAD = 0.1;

/** Confidence level of the median's interval, the headline spread of every table. */
export const CI_LEVEL = 0.95;

/** Linear-interpolated quantile (type 7, as R's default and numpy's 'linear') of sorted data; NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  return sorted.length === 0 ? NaN : ssQuantileSorted(sorted as number[], q);
}

/**
 * Two-sided 97.5% quantile of Student's t with df degrees of freedom: only for `rmePct`, the mean's
 * margin of error the results file keeps beside the median's interval (no library here has t's quantile).
 */
export function tCritical95(df: number): number {
  const table = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101,
    2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
  ];
  if (df < 1) return NaN;
  if (df <= table.length) return table[df - 1];
  if (df <= 60) return 2.0;
  if (df <= 120) return 1.98;
  return 1.96;
}

/**
 * P(B ≤ k) for B ~ Binomial(n, ½), for k below n/2: the terms shrink as j falls, so the sum stops
 * once they no longer change it (a few √n terms, whatever n).
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (2 * k >= n) return 1 - binomialHalfCdf(n - k - 1, n);
  const lnTop = gammaln(n + 1) - n * Math.LN2;
  let sum = 0;
  for (let j = k; j >= 0; j--) {
    const term = Math.exp(lnTop - gammaln(j + 1) - gammaln(n - j + 1));
    sum += term;
    if (term <= sum * 1e-17) break;
  }
  return Math.min(1, sum);
}

export interface MedianCiRanks {
  /** 0-based index into the sorted sample of the interval's lower end. */
  lo: number;
  /** 0-based index of its upper end (n − 1 − lo). */
  hi: number;
  /** The interval's exact coverage for any continuous distribution (≥ level, except for tiny samples). */
  coverage: number;
}

/**
 * The order statistics that bound the median with at least `level` confidence, whatever the
 * distribution of the samples: [x₍ₗ₎, x₍ₙ₋ₗ₊₁₎] covers the true median with probability
 * P(l ≤ B ≤ n − l), B ~ Binomial(n, ½) (e.g. Conover, Practical Nonparametric Statistics, §3.2).
 * l is the largest rank whose two tails each stay at or below (1 − level)/2. Below 6 samples no
 * rank qualifies at 95%: the whole range is returned with its lower coverage.
 */
export function medianCiRanks(n: number, level = CI_LEVEL): MedianCiRanks {
  if (!(n >= 1)) throw new Error('medianCiRanks: no samples');
  const tail = (1 - level) / 2;
  // Start at the normal approximation, then step to the exact rank.
  let j = Math.floor(n / 2 - (probit(1 - tail) * Math.sqrt(n)) / 2);
  j = Math.max(-1, Math.min(j, Math.ceil(n / 2) - 1));
  while (j >= 0 && binomialHalfCdf(j, n) > tail) j--;
  while (2 * (j + 1) < n && binomialHalfCdf(j + 1, n) <= tail) j++;
  if (j < 0) return {lo: 0, hi: n - 1, coverage: n > 1 ? 1 - 2 ** (1 - n) : 0};
  return {lo: j, hi: n - 1 - j, coverage: 1 - 2 * binomialHalfCdf(j, n)};
}

/** The median's distribution-free confidence interval from a sorted sample (see medianCiRanks). */
export function medianCiSorted(sorted: ArrayLike<number>, level = CI_LEVEL): {lo: number; hi: number; coverage: number} {
  const r = medianCiRanks(sorted.length, level);
  return {lo: sorted[r.lo], hi: sorted[r.hi], coverage: r.coverage};
}

export function summarize(samplesMs: readonly number[]): Stats {
  const n = samplesMs.length;
  if (n === 0) throw new Error('summarize: no samples');
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const median = quantileSorted(sorted, 0.5);
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  const sd = n > 1 ? sampleStandardDeviation(sorted) : 0;
  const p25 = quantileSorted(sorted, 0.25);
  const p75 = quantileSorted(sorted, 0.75);
  const rme = n > 1 && mean > 0 ? ((tCritical95(n - 1) * sd) / Math.sqrt(n) / mean) * 100 : 0;
  const ci = medianCiSorted(sorted);
  return {
    samples: n,
    medianMs: median,
    meanMs: mean,
    minMs: sorted[0],
    maxMs: sorted[n - 1],
    p25Ms: p25,
    p75Ms: p75,
    p99Ms: quantileSorted(sorted, 0.99),
    iqrMs: p75 - p25,
    madMs: medianAbsoluteDeviation(sorted),
    sdMs: sd,
    rmePct: rme,
    relSpread: median > 0 ? (p75 - p25) / median : 0,
    medianCiLoMs: ci.lo,
    medianCiHiMs: ci.hi,
  };
}

/** The median's interval of a row: the stored bounds, else computed from its samples (files before them). */
export function medianCiOf(r: {stats: Stats; samplesMs?: readonly number[]}): {lo: number; hi: number} | undefined {
  const {medianCiLoMs: lo, medianCiHiMs: hi} = r.stats;
  if (typeof lo === 'number' && typeof hi === 'number') return {lo, hi};
  if (!r.samplesMs?.length) return undefined;
  return medianCiSorted([...r.samplesMs].sort((a, b) => a - b));
}

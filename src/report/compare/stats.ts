// The statistics behind `dlbench compare`, pure and seeded: the Mann–Whitney U test (exact null
// distribution for small tie-free samples, normal approximation with tie and continuity
// corrections otherwise, as R's wilcox.test does) and a percentile bootstrap of a ratio of medians.
import normalCdfStd from '@stdlib/stats-base-dists-normal-cdf';
import {wilcoxonRankSum} from 'simple-statistics';
import {createRng, type Rng} from '../../core/rng.js';
import {tCdf, tQuantile} from './t-dist.js';

export interface UTest {
  /** U of the first sample: the number of (a, b) pairs with a > b, ties counting one half. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'normal';
}

/** Above this many observations in all, or with ties, the normal approximation is used. */
export const EXACT_MAX_N = 40;

/** Standard normal CDF, accurate in the tails (simple-statistics' erf stops at ~1e-7). */
export function normalCdf(z: number): number {
  return normalCdfStd(z, 0, 1);
}

/**
 * Counts of U = 0..m·n under the null: the coefficients of the Gaussian binomial [m+n choose m]_q,
 * built one factor (1 − q^(n+j)) / (1 − q^j) at a time; every partial product has integer
 * coefficients, at most C(m+n, m) (< 2^53 for m + n ≤ 40, so exact in doubles).
 */
export function uNullCounts(m: number, n: number): number[] {
  const size = m * n + 1;
  let c = new Array<number>(size).fill(0);
  c[0] = 1;
  for (let j = 1; j <= m; j++) {
    const next = c.slice();
    const up = n + j;
    for (let k = size - 1; k >= up; k--) next[k] -= c[k - up];
    // Divide by (1 − q^j): a running sum with stride j.
    for (let k = j; k < size; k++) next[k] += next[k - j];
    c = next;
  }
  return c;
}

export function mannWhitneyU(a: readonly number[], b: readonly number[]): UTest {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) throw new Error('mannWhitneyU: both samples need at least one value');
  const u = wilcoxonRankSum([...a], [...b]) - (m * (m + 1)) / 2;
  const pooled = [...a, ...b].sort((x, y) => x - y);
  let tieTerm = 0;
  for (let i = 0; i < pooled.length; ) {
    let j = i;
    while (j < pooled.length && pooled[j] === pooled[i]) j++;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  const N = m + n;
  if (tieTerm === 0 && N <= EXACT_MAX_N) {
    const counts = uNullCounts(m, n);
    const total = counts.reduce((s, x) => s + x, 0);
    // Two-sided: twice the smaller tail, the way R reports it.
    const lo = Math.min(u, m * n - u);
    let tail = 0;
    for (let k = 0; k <= Math.floor(lo); k++) tail += counts[k];
    return {u, p: Math.min(1, (2 * tail) / total), method: 'exact'};
  }
  const mean = (m * n) / 2;
  const variance = ((m * n) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  if (variance <= 0) return {u, p: 1, method: 'normal'};
  const d = u - mean;
  const z = (d - Math.sign(d) * 0.5) / Math.sqrt(variance);
  return {u, p: Math.min(1, 2 * normalCdf(-Math.abs(z))), method: 'normal'};
}

/** Median of a Float64Array by quickselect (reorders it): O(n) per bootstrap resample. */
export function medianInPlace(x: Float64Array): number {
  const n = x.length;
  if (n === 0) return NaN;
  const kth = (k: number, lo: number, hi: number): number => {
    while (lo < hi) {
      const pivot = x[(lo + hi) >>> 1];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (x[i] < pivot) i++;
        while (x[j] > pivot) j--;
        if (i <= j) {
          const t = x[i];
          x[i] = x[j];
          x[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return x[k];
    }
    return x[k];
  };
  const hiMid = kth(n >> 1, 0, n - 1);
  if (n % 2 === 1) return hiMid;
  // The lower middle is the largest value left of the upper middle after partitioning.
  let loMid = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (x[i] > loMid) loMid = x[i];
  return (loMid + hiMid) / 2;
}

export function median(xs: readonly number[]): number {
  return medianInPlace(Float64Array.from(xs));
}

/**
 * At most `max` values standing for `xs`: the sorted sample's quantiles at (i + ½)/max. The
 * bootstrap and the U test then cost the same for a million samples as for a few thousand.
 * Their intervals come out wider than the full sample's would (a median of `max` values varies
 * more than one of a million): conservative, never a false alarm for it.
 */
export function thin(xs: readonly number[], max = THIN_MAX): readonly number[] {
  if (xs.length <= max) return xs;
  const sorted = sortedOf(xs);
  const out = new Array<number>(max);
  for (let i = 0; i < max; i++) out[i] = sorted[Math.floor(((i + 0.5) * sorted.length) / max)];
  return out;
}

export const THIN_MAX = 2000;

// One sort per sample array: a calibration case is thinned and its median's CI taken for every
// case it normalizes, and a million-value sort is the dearest step of a comparison.
const sortedCache = new WeakMap<readonly number[], Float64Array>();
function sortedOf(xs: readonly number[]): Float64Array {
  let s = sortedCache.get(xs);
  if (!s) {
    s = Float64Array.from(xs).sort();
    sortedCache.set(xs, s);
  }
  return s;
}

/**
 * Distribution-free CI of the median from order statistics: the ranks n/2 ∓ z·√n/2 (normal
 * approximation to the binomial). Below 6 values it is the whole range.
 */
export function medianCi(xs: readonly number[], level = 0.95): {median: number; lo: number; hi: number} {
  const sorted = sortedOf(xs);
  const n = sorted.length;
  if (n === 0) return {median: NaN, lo: NaN, hi: NaN};
  const z = zFor(level);
  const half = (z * Math.sqrt(n)) / 2;
  const lo = Math.max(0, Math.floor(n / 2 - half) - 1);
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half));
  const m = n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return n < 6 ? {median: m, lo: sorted[0], hi: sorted[n - 1]} : {median: m, lo: sorted[lo], hi: sorted[hi]};
}

/** Two-sided standard normal quantile for a confidence level, by bisection on normalCdf. */
function zFor(level: number): number {
  const target = 1 - (1 - level) / 2;
  let a = 0;
  let b = 10;
  for (let i = 0; i < 60; i++) {
    const m = (a + b) / 2;
    if (normalCdf(m) < target) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

/**
 * The median of one bootstrap resample of `sorted`: draw n indices, count them, and walk the
 * counts to the middle rank(s). The same draws as resampling the values, without moving them or
 * selecting among them.
 */
function resampleMedian(sorted: Float64Array, counts: Uint32Array, rng: Rng): number {
  const n = sorted.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor(rng.next() * n)]++;
  const lo = (n - 1) >> 1;
  const hi = n >> 1;
  let seen = 0;
  let loValue = NaN;
  for (let j = 0; j < n; j++) {
    seen += counts[j];
    if (Number.isNaN(loValue) && seen > lo) loValue = sorted[j];
    if (seen > hi) return (loValue + sorted[j]) / 2;
  }
  return loValue;
}

export interface RatioCi {
  ratio: number;
  lo: number;
  hi: number;
}

export interface BootstrapOptions {
  seed: number;
  resamples: number;
  /** Two-sided confidence level, e.g. 0.95. */
  level: number;
}

/**
 * Percentile bootstrap CI of a ratio of medians, each sample resampled independently.
 * `num` and `den` are lists of samples multiplied (num) and divided (den):
 * [[current], [baseline]] gives median(current)/median(baseline); with calibration cases,
 * [[current, baselineCal], [baseline, currentCal]] gives the normalized ratio.
 */
export function bootstrapRatio(
  num: readonly (readonly number[])[],
  den: readonly (readonly number[])[],
  opts: BootstrapOptions,
): RatioCi {
  const point = (f: (s: readonly number[]) => number): number =>
    num.reduce((p, s) => p * f(s), 1) / den.reduce((p, s) => p * f(s), 1);
  const ratio = point(median);
  const rng = createRng(opts.seed);
  const bufs = new Map<readonly number[], {sorted: Float64Array; counts: Uint32Array}>();
  for (const s of [...num, ...den]) bufs.set(s, {sorted: sortedOf(s), counts: new Uint32Array(s.length)});
  const draws = new Float64Array(opts.resamples);
  for (let r = 0; r < opts.resamples; r++)
    draws[r] = point((s) => {
      const b = bufs.get(s)!;
      return resampleMedian(b.sorted, b.counts, rng);
    });
  draws.sort();
  const alpha = (1 - opts.level) / 2;
  const at = (q: number): number => draws[Math.min(draws.length - 1, Math.max(0, Math.round(q * (draws.length - 1))))];
  return {ratio, lo: at(alpha), hi: at(1 - alpha)};
}

export interface ProcessTest extends RatioCi {
  /** Two-sided p-value of Welch's t test on the log per-process values. */
  p: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
}

function meanVar(xs: readonly number[]): {mean: number; v: number} {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return {mean, v};
}

/**
 * current/baseline from one value per process on each side (at least 2 each): Welch's t test and
 * CI on the logs, so the ratio is of geometric means and the interval is as wide as the spread
 * between processes says, whatever the samples within each process said. Each process median
 * already carries its own within-run noise, so this one level accounts for both.
 */
export function processRatio(current: readonly number[], baseline: readonly number[], level: number): ProcessTest {
  if (current.length < 2 || baseline.length < 2) throw new Error('processRatio: needs at least 2 processes on each side');
  const c = meanVar(current.map(Math.log));
  const b = meanVar(baseline.map(Math.log));
  const d = c.mean - b.mean;
  const qc = c.v / current.length;
  const qb = b.v / baseline.length;
  const se = Math.sqrt(qc + qb);
  const ratio = Math.exp(d);
  if (!(se > 0)) return {ratio, lo: ratio, hi: ratio, p: d === 0 ? 1 : 0, df: Infinity};
  const df = (qc + qb) ** 2 / (qc ** 2 / (current.length - 1) + qb ** 2 / (baseline.length - 1));
  const half = tQuantile(1 - (1 - level) / 2, df) * se;
  const p = Math.min(1, 2 * tCdf(-Math.abs(d / se), df));
  return {ratio, lo: Math.exp(d - half), hi: Math.exp(d + half), p, df};
}

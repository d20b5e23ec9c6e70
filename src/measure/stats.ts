// Pure summary statistics over raw samples (milliseconds). No I/O, no clocks: unit-tested
// against hand-computed values.

import type {Stats} from '../core/results.js';

/** IQR/median above this is flagged as a noisy measurement. */
export const HIGH_SPREAD = 0.1;

/** Linear-interpolated quantile (type 7, as R's default and numpy's 'linear') of sorted data. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (n === 1) return sorted[0];
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Two-sided 97.5% quantile of Student's t with df degrees of freedom. */
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

export function summarize(samplesMs: readonly number[]): Stats {
  const n = samplesMs.length;
  if (n === 0) throw new Error('summarize: no samples');
  const sorted = Float64Array.from(samplesMs).sort();
  const median = quantileSorted(sorted, 0.5);
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of sorted) ss += (v - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const dev = sorted.map((v) => Math.abs(v - median)).sort();
  const p25 = quantileSorted(sorted, 0.25);
  const p75 = quantileSorted(sorted, 0.75);
  const rme = n > 1 && mean > 0 ? ((tCritical95(n - 1) * sd) / Math.sqrt(n) / mean) * 100 : 0;
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
    madMs: quantileSorted(dev, 0.5),
    sdMs: sd,
    rmePct: rme,
    relSpread: median > 0 ? (p75 - p25) / median : 0,
  };
}

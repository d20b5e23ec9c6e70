import {describe, expect, it} from 'vitest';
import {createRng} from '../../../src/core/rng.js';
import {bootstrapRatio, mannWhitneyU, median, medianInPlace, normalCdf, uNullCounts} from '../../../src/report/compare/stats.js';
import {samples} from '../../helpers/reports.js';

/** Exact two-sided p by enumerating every split of the pooled data: the definition itself. */
function bruteForceP(a: number[], b: number[]): number {
  const pooled = [...a, ...b];
  const m = a.length;
  const uOf = (xs: number[], ys: number[]): number =>
    xs.reduce((s, x) => s + ys.reduce((t, y) => t + (x > y ? 1 : x === y ? 0.5 : 0), 0), 0);
  const u0 = uOf(a, b);
  const mean = (m * b.length) / 2;
  let extreme = 0;
  let total = 0;
  const pick = (start: number, chosen: number[]): void => {
    if (chosen.length === m) {
      const xs = chosen.map((i) => pooled[i]);
      const ys = pooled.filter((_, i) => !chosen.includes(i));
      total++;
      if (Math.abs(uOf(xs, ys) - mean) >= Math.abs(u0 - mean) - 1e-9) extreme++;
      return;
    }
    for (let i = start; i < pooled.length; i++) pick(i + 1, [...chosen, i]);
  };
  pick(0, []);
  return extreme / total;
}

describe('Mann–Whitney U', () => {
  // Hollander & Wolfe's example, as in R's ?wilcox.test: W = 35, one-sided p = 0.1272.
  const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const y = [1.15, 0.88, 0.9, 0.74, 1.21];

  it('gives U and the exact two-sided p of a textbook example', () => {
    const t = mannWhitneyU(x, y);
    expect(t.method).toBe('exact');
    expect(t.u).toBe(35);
    expect(t.p).toBeCloseTo(2 * 0.1272, 3);
    expect(t.p).toBeCloseTo(bruteForceP(x, y), 12);
  });

  it('is symmetric: swapping the samples gives U′ = mn − U and the same p', () => {
    const a = mannWhitneyU(x, y);
    const b = mannWhitneyU(y, x);
    expect(b.u).toBe(50 - a.u);
    expect(b.p).toBeCloseTo(a.p, 12);
  });

  it('counts the null distribution of U (Gaussian binomial coefficients)', () => {
    expect(uNullCounts(2, 2)).toEqual([1, 1, 2, 1, 1]);
    expect(uNullCounts(1, 3)).toEqual([1, 1, 1, 1]);
    const c = uNullCounts(10, 10);
    expect(c.reduce((s, v) => s + v, 0)).toBe(184756); // C(20, 10)
    expect(c[0]).toBe(1);
    // Symmetric around mn/2:
    for (let k = 0; k <= 100; k++) expect(c[k]).toBe(c[100 - k]);
  });

  it('matches enumeration on small random samples', () => {
    const rng = createRng(5);
    for (let t = 0; t < 5; t++) {
      const a = Array.from({length: 5}, () => rng.next());
      const b = Array.from({length: 6}, () => rng.next() + 0.2);
      expect(mannWhitneyU(a, b).p).toBeCloseTo(bruteForceP(a, b), 12);
    }
  });

  it('uses the normal approximation with continuity correction for large samples', () => {
    const a = Array.from({length: 25}, (_, i) => i);
    const b = Array.from({length: 25}, (_, i) => 100 + i);
    const t = mannWhitneyU(a, b);
    expect(t.method).toBe('normal');
    expect(t.u).toBe(0);
    const z = (0 - 312.5 + 0.5) / Math.sqrt((25 * 25 * 51) / 12);
    expect(t.p).toBeCloseTo(2 * normalCdf(z), 14);
    expect(t.p).toBeLessThan(1e-8);
  });

  it('corrects the variance for ties', () => {
    // Pooled [1,1,1,2,2,3,3,3]: ties of 3, 2, 3 → Σ(t³−t) = 24 + 6 + 24 = 54.
    const a = [1, 1, 2, 3];
    const b = [1, 2, 3, 3];
    const t = mannWhitneyU(a, b);
    expect(t.method).toBe('normal');
    // U: pairs a > b plus half the tied pairs, by hand: 1s → 0.5 + 0.5, 2 → 1.5, 3 → 3.
    expect(t.u).toBe(5.5);
    const variance = (16 / 12) * (9 - 54 / 56);
    const z = (5.5 - 8 + 0.5) / Math.sqrt(variance);
    expect(t.p).toBeCloseTo(2 * normalCdf(z), 12);
  });

  it('finds no difference between identical distributions and a clear one for a 20% shift', () => {
    const base = samples(100, 1, 1);
    expect(mannWhitneyU(samples(100, 1, 2), base).p).toBeGreaterThan(0.01);
    expect(mannWhitneyU(samples(100, 1.2, 3), base).p).toBeLessThan(1e-10);
  });

  it('has a normal CDF with known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 12);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
  });
});

describe('median by quickselect', () => {
  it('agrees with sorting on odd, even and duplicated data', () => {
    const rng = createRng(9);
    for (const n of [1, 2, 3, 4, 7, 10, 101, 1000]) {
      for (const dup of [false, true]) {
        const xs = Array.from({length: n}, () => (dup ? Math.floor(rng.next() * 5) : rng.next()));
        const s = [...xs].sort((a, b) => a - b);
        const expected = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        expect(medianInPlace(Float64Array.from(xs))).toBe(expected);
      }
    }
    expect(median([])).toBeNaN();
  });
});

describe('bootstrap CI of a ratio of medians', () => {
  const opts = {seed: 7, resamples: 2000, level: 0.95};

  it('is reproducible with a seed and changes with another seed', () => {
    const a = samples(50, 1.1, 1, 0.05);
    const b = samples(50, 1, 2, 0.05);
    const r1 = bootstrapRatio([a], [b], opts);
    const r2 = bootstrapRatio([a], [b], opts);
    expect(r2).toEqual(r1);
    const r3 = bootstrapRatio([a], [b], {...opts, seed: 8});
    expect(r3.ratio).toBe(r1.ratio);
    expect([r3.lo, r3.hi]).not.toEqual([r1.lo, r1.hi]);
  });

  it('gives the ratio of medians as point estimate, inside its interval', () => {
    const a = samples(80, 1.2, 3);
    const b = samples(80, 1, 4);
    const r = bootstrapRatio([a], [b], opts);
    expect(r.ratio).toBeCloseTo(median(a) / median(b), 12);
    expect(r.lo).toBeLessThanOrEqual(r.ratio);
    expect(r.hi).toBeGreaterThanOrEqual(r.ratio);
    expect(r.lo).toBeGreaterThan(1.1);
    expect(r.hi).toBeLessThan(1.3);
  });

  it('covers the true ratio about 95% of the time', () => {
    let covered = 0;
    const trials = 60;
    for (let t = 0; t < trials; t++) {
      const r = bootstrapRatio([samples(40, 1.2, 1000 + t, 0.1)], [samples(40, 1, 2000 + t, 0.1)], {
        ...opts,
        resamples: 500,
        seed: t,
      });
      if (r.lo <= 1.2 && 1.2 <= r.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.85);
  });

  it('normalizes by calibration cases: a machine twice as slow gives the same ratio', () => {
    const cur = samples(60, 2 * 0.3, 11);
    const curCal = samples(60, 2 * 1, 12);
    const base = samples(60, 0.3, 13);
    const baseCal = samples(60, 1, 14);
    const raw = bootstrapRatio([cur], [base], opts);
    const norm = bootstrapRatio([cur, baseCal], [base, curCal], opts);
    expect(raw.lo).toBeGreaterThan(1.8);
    expect(norm.lo).toBeGreaterThan(0.9);
    expect(norm.hi).toBeLessThan(1.1);
  });
});

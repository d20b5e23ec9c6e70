import {describe, expect, it} from 'vitest';
import {createRng} from '../../src/core/rng.js';
import {
  binomialHalfCdf,
  medianCiOf,
  medianCiRanks,
  medianCiSorted,
  quantileSorted,
  summarize,
  tCritical95,
} from '../../src/measure/stats.js';

/** C(n, k) exactly (n small), for the binomial known answers. */
function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

describe('stats', () => {
  it('computes order statistics by linear interpolation (type 7)', () => {
    const s = [1, 2, 3, 4];
    expect(quantileSorted(s, 0.5)).toBe(2.5);
    expect(quantileSorted(s, 0.25)).toBe(1.75);
    expect(quantileSorted(s, 0.75)).toBe(3.25);
    expect(quantileSorted([7], 0.99)).toBe(7);
    expect(quantileSorted(Float64Array.from([1, 3]), 0.5)).toBe(2);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });

  it('summarizes samples with median, IQR, MAD, the t-based margin of error and the median CI', () => {
    const st = summarize([5, 1, 4, 2, 3]);
    expect(st.samples).toBe(5);
    expect(st.medianMs).toBe(3);
    expect(st.meanMs).toBe(3);
    expect(st.minMs).toBe(1);
    expect(st.maxMs).toBe(5);
    expect(st.p25Ms).toBe(2);
    expect(st.p75Ms).toBe(4);
    expect(st.iqrMs).toBe(2);
    expect(st.madMs).toBe(1);
    expect(st.sdMs).toBeCloseTo(Math.sqrt(2.5), 12);
    // t(0.975, 4) = 2.776; sem = sqrt(2.5)/sqrt(5)
    expect(st.rmePct).toBeCloseTo(((2.776 * Math.sqrt(2.5)) / Math.sqrt(5) / 3) * 100, 6);
    expect(st.relSpread).toBeCloseTo(2 / 3, 12);
    // Five samples cannot give 95%: the interval is the whole range.
    expect([st.medianCiLoMs, st.medianCiHiMs]).toEqual([1, 5]);
  });

  it('uses the normal limit for large samples and refuses empty input', () => {
    expect(tCritical95(1000)).toBe(1.96);
    expect(tCritical95(1)).toBe(12.706);
    expect(() => summarize([])).toThrow(/no samples/);
  });
});

describe("the median's confidence interval (order statistics, binomial ranks)", () => {
  it('binomial(n, 1/2) tails match exact sums', () => {
    for (const n of [1, 5, 10, 20, 37]) {
      let acc = 0;
      for (let k = 0; k < n; k++) {
        acc += choose(n, k) / 2 ** n;
        expect(binomialHalfCdf(k, n), `n=${n} k=${k}`).toBeCloseTo(acc, 12);
      }
      expect(binomialHalfCdf(n, n)).toBe(1);
      expect(binomialHalfCdf(-1, n)).toBe(0);
    }
    // Far in the tail of a large n, against the normal approximation's order of magnitude.
    expect(binomialHalfCdf(499_000, 1_000_000)).toBeGreaterThan(0.02);
    expect(binomialHalfCdf(499_000, 1_000_000)).toBeLessThan(0.03);
  });

  it('picks the ranks of the published tables (Conover, Table A3), with their exact coverage', () => {
    // n: 1-based [l, u] for 95%
    const table: [number, number, number][] = [
      [6, 1, 6],
      [9, 2, 8],
      [10, 2, 9],
      [20, 6, 15],
      [30, 10, 21],
      [50, 18, 33],
      [100, 40, 61],
    ];
    for (const [n, l, u] of table) {
      const r = medianCiRanks(n);
      expect([r.lo + 1, r.hi + 1], `n=${n}`).toEqual([l, u]);
      expect(r.coverage).toBeGreaterThanOrEqual(0.95);
      expect(r.coverage).toBeCloseTo(1 - 2 * binomialHalfCdf(l - 1, n), 12);
      // One rank further in would drop below 95%: the interval is the shortest such one.
      expect(1 - 2 * binomialHalfCdf(l, n)).toBeLessThan(0.95);
    }
    expect(medianCiRanks(10).coverage).toBeCloseTo(1 - (2 * 11) / 1024, 12);
    // Below 6 samples no pair of ranks reaches 95%: the whole range, its coverage said.
    expect(medianCiRanks(5)).toEqual({lo: 0, hi: 4, coverage: 1 - 2 / 32});
    expect(medianCiRanks(1)).toEqual({lo: 0, hi: 0, coverage: 0});
    expect(() => medianCiRanks(0)).toThrow(/no samples/);
  });

  it('covers the true median at least 95% of the time whatever the distribution (seeded simulation)', () => {
    const rng = createRng(7);
    const trials = 4000;
    for (const n of [8, 25, 60]) {
      // Exponential: skewed like timings; the true median is ln 2.
      let covered = 0;
      for (let t = 0; t < trials; t++) {
        const xs = Array.from({length: n}, () => -Math.log(1 - rng.next())).sort((a, b) => a - b);
        const ci = medianCiSorted(xs);
        if (ci.lo <= Math.LN2 && Math.LN2 <= ci.hi) covered++;
      }
      const expected = medianCiRanks(n).coverage;
      // Binomial noise of 4000 trials: sd ≈ 0.0035 near 0.96.
      expect(Math.abs(covered / trials - expected), `n=${n}`).toBeLessThan(0.015);
    }
  });

  it('scales to a million samples and narrows like 1/√n', () => {
    const r = medianCiRanks(1_000_000);
    // Normal approximation: n/2 − 1.96·√n/2 ≈ 499 020.
    expect(Math.abs(r.lo - 499_020)).toBeLessThanOrEqual(2);
    expect(r.hi).toBe(1_000_000 - 1 - r.lo);
    expect(r.coverage).toBeGreaterThanOrEqual(0.95);
    expect(r.coverage).toBeLessThan(0.9503); // one rank moves it by about 2·φ(1.96)/(√n/2) ≈ 0.00023
  });

  it('is stored by summarize and recomputed from the samples of files written before it', () => {
    const xs = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    const st = summarize([...xs].reverse());
    expect([st.medianCiLoMs, st.medianCiHiMs]).toEqual([11, 18]);
    expect(medianCiOf({stats: st})).toEqual({lo: 11, hi: 18});
    const {medianCiLoMs: _lo, medianCiHiMs: _hi, ...old} = st;
    expect(medianCiOf({stats: old, samplesMs: xs})).toMatchObject({lo: 11, hi: 18});
    expect(medianCiOf({stats: old})).toBeUndefined();
  });
});

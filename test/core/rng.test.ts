import {describe, expect, it} from 'vitest';
import {createRng, deriveSeed} from '../../src/core/rng.js';

describe('seeded RNG', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = createRng(7),
      b = createRng(7),
      c = createRng(8);
    const xa = Array.from({length: 8}, () => a.next());
    const xb = Array.from({length: 8}, () => b.next());
    const xc = Array.from({length: 8}, () => c.next());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('stays in range with a plausible mean and variance', () => {
    const r = createRng(1);
    let s = 0,
      s2 = 0,
      n = 20000,
      lo = Infinity,
      hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const u = r.uniform(-1, 1);
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      s += u;
      s2 += u * u;
    }
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(s2 / n).toBeCloseTo(1 / 3, 1);
    let g = 0,
      g2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      g += z;
      g2 += z * z;
    }
    expect(Math.abs(g / n)).toBeLessThan(0.03);
    expect(g2 / n).toBeCloseTo(1, 1);
  });

  it("fillNormal: reproducible from the seed, on the generator's own stream, standard normal moments and tails", () => {
    const n = 200_001; // odd: the last pair is cut in half
    const x = new Float64Array(n),
      y = new Float64Array(n);
    createRng(7).fillNormal(x);
    createRng(7).fillNormal(y);
    expect(y).toEqual(x);
    const other = new Float64Array(n);
    createRng(8).fillNormal(other);
    expect(other[0]).not.toBe(x[0]);
    // It advances the same state as next(): what follows a fill differs from a fresh stream's start.
    const r = createRng(7),
      fresh = createRng(7);
    r.fillNormal(new Float32Array(10));
    expect(r.next()).not.toBe(fresh.next());
    let s = 0,
      s2 = 0,
      s4 = 0,
      within1 = 0,
      beyond3 = 0;
    for (const z of x) {
      s += z;
      s2 += z * z;
      s4 += z ** 4;
      if (Math.abs(z) < 1) within1++;
      if (Math.abs(z) > 3) beyond3++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(s2 / n).toBeCloseTo(1, 1);
    expect(s4 / n).toBeGreaterThan(2.85); // kurtosis 3, where a uniform would give 1.8
    expect(s4 / n).toBeLessThan(3.15);
    expect(within1 / n).toBeCloseTo(0.6827, 2);
    expect(beyond3 / n).toBeGreaterThan(0.0017);
    expect(beyond3 / n).toBeLessThan(0.0037);
  });

  it('derives independent sub-stream seeds', () => {
    expect(deriveSeed(42, 0)).not.toBe(deriveSeed(42, 1));
    expect(deriveSeed(42, 0)).toBe(deriveSeed(42, 0));
  });
});

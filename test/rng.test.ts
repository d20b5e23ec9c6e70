import {describe, expect, it} from 'vitest';
import {createRng, deriveSeed} from '../src/core/rng.js';

describe('seeded RNG', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = createRng(7), b = createRng(7), c = createRng(8);
    const xa = Array.from({length: 8}, () => a.next());
    const xb = Array.from({length: 8}, () => b.next());
    const xc = Array.from({length: 8}, () => c.next());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('stays in range with a plausible mean and variance', () => {
    const r = createRng(1);
    let s = 0, s2 = 0, n = 20000, lo = Infinity, hi = -Infinity;
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
    let g = 0, g2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      g += z;
      g2 += z * z;
    }
    expect(Math.abs(g / n)).toBeLessThan(0.03);
    expect(g2 / n).toBeCloseTo(1, 1);
  });

  it('derives independent sub-stream seeds', () => {
    expect(deriveSeed(42, 0)).not.toBe(deriveSeed(42, 1));
    expect(deriveSeed(42, 0)).toBe(deriveSeed(42, 0));
  });
});

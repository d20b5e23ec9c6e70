import {describe, expect, it} from 'vitest';
import {quantileSorted, summarize, tCritical95} from '../../src/measure/stats.js';

describe('stats', () => {
  it('computes order statistics by linear interpolation (type 7)', () => {
    const s = [1, 2, 3, 4];
    expect(quantileSorted(s, 0.5)).toBe(2.5);
    expect(quantileSorted(s, 0.25)).toBe(1.75);
    expect(quantileSorted(s, 0.75)).toBe(3.25);
    expect(quantileSorted([7], 0.99)).toBe(7);
  });

  it('summarizes samples with median, IQR, MAD and the t-based margin of error', () => {
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
  });

  it('uses the normal limit for large samples and refuses empty input', () => {
    expect(tCritical95(1000)).toBe(1.96);
    expect(tCritical95(1)).toBe(12.706);
    expect(() => summarize([])).toThrow(/no samples/);
  });
});

import {describe, expect, it} from 'vitest';
import {poolRepetition} from '../../src/suite/repetitions.js';
import type {CaseResult, OkCase} from '../../src/core/results.js';
import {gemmReport} from '../helpers/reports.js';

describe('run --repetitions pooling', () => {
  it("pools each case's samples and recomputes its statistics", () => {
    const slow = (seed: number): CaseResult[] => {
      const r = gemmReport(seed, {n: 10}).results;
      (r[2] as OkCase).samplesMs = (r[2] as OkCase).samplesMs.map((x) => x * 1.5);
      return r;
    };
    const a = gemmReport(1, {n: 10}).results;
    const before = (a[2] as OkCase).stats.medianMs;
    // Three passes, a burst of load slowed every sample of one case in one pass only.
    poolRepetition(a, gemmReport(2, {n: 10}).results);
    poolRepetition(a, slow(3));
    const c = a[2] as OkCase;
    expect(c.samplesMs.length).toBe(30);
    expect(c.stats.samples).toBe(30);
    expect(c.gflops).toBeCloseTo(c.flops / (c.stats.medianMs * 1e6), 12);
    expect(c.stats.medianMs / before).toBeLessThan(1.05);
    // Slow in most passes: a real slowdown, and the pooled median shows it.
    const b = gemmReport(1, {n: 10}).results;
    poolRepetition(b, slow(4));
    poolRepetition(b, slow(5));
    expect((b[2] as OkCase).stats.medianMs / before).toBeGreaterThan(1.4);
  });

  it('keeps a failure from any pass: a wrong answer is never averaged away', () => {
    const a = gemmReport(1).results;
    const b: CaseResult[] = gemmReport(2).results;
    b[0] = {...b[0], state: 'errored', phase: 'run', error: 'boom'} as CaseResult;
    poolRepetition(a, b);
    expect(a[0].state).toBe('errored');
    expect(a[1].state).toBe('ok');
  });
});

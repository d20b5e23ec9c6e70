import {describe, expect, it} from 'vitest';
import {poolRepetition} from '../src/suite/repetitions.js';
import type {CaseResult, OkCase} from '../src/report/schema.js';
import {gemmReport} from './helpers/reports.js';

describe('run --repetitions pooling', () => {
  it('pools each case\'s samples and recomputes its statistics', () => {
    const a = gemmReport(1, {n: 10}).results;
    const b = gemmReport(2, {n: 10}).results;
    // A burst of load slowed every sample of one case in the second pass only.
    (b[2] as OkCase).samplesMs = (b[2] as OkCase).samplesMs.map((x) => x * 1.5);
    const before = (a[2] as OkCase).stats.medianMs;
    poolRepetition(a, b);
    const c = a[2] as OkCase;
    expect(c.samplesMs.length).toBe(20);
    expect(c.stats.samples).toBe(20);
    expect(c.gflops).toBeCloseTo(c.flops / (c.stats.medianMs * 1e6), 12);
    // The median moves to the edge of the fast half, not halfway to 1.5×.
    expect(c.stats.medianMs / before).toBeLessThan(1.1);
    const third = gemmReport(3, {n: 10}).results;
    (third[2] as OkCase).samplesMs = (third[2] as OkCase).samplesMs.map((x) => x * 1.5);
    // (The pooled 30 samples now have 20 slow: a slowdown seen in most passes is real.)
    poolRepetition(a, third);
    expect((a[2] as OkCase).stats.medianMs / before).toBeGreaterThan(1.3);
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

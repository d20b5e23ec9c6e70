// `run --processes`: pooling per-process results (pure) and the canary wrapper; the real CLI with
// two child processes is in processes-cli.slow.test.ts.
import {describe, expect, it} from 'vitest';
import type {CaseResult, OkCase} from '../../src/core/results.js';
import {CANARY_TOLERANCE, caseMachine} from '../../src/measure/canary.js';
import {poolProcesses, poolRepetition} from '../../src/suite/repetitions.js';
import {withCanary} from '../../src/suite/run-suite.js';
import {gemmReport} from '../helpers/reports.js';

const ok = (r: CaseResult): OkCase => {
  if (r.state !== 'ok') throw new Error(`${r.variant} is ${r.state}`);
  return r;
};

describe('pooling processes', () => {
  it('pools the samples and keeps one median per process, in process order', () => {
    const procs = [1, 2, 3].map((seed) => gemmReport(seed, {n: 10, machine: seed}).results);
    const pooled = poolProcesses(procs);
    expect(pooled.map((r) => r.variant)).toEqual(procs[0].map((r) => r.variant));
    for (const [i, row] of pooled.entries()) {
      const r = ok(row);
      expect(r.samplesMs).toHaveLength(30);
      expect(r.stats.samples).toBe(30);
      expect(r.processMediansMs).toEqual(procs.map((p) => ok(p[i]).stats.medianMs));
      // Each process ran on a "machine" 1×, 2×, 3× as slow: the medians say so, in order.
      expect(r.processMediansMs![2] / r.processMediansMs![0]).toBeGreaterThan(2.5);
    }
  });

  it('keeps a failure from any process and pools what an interrupted process finished', () => {
    const a = gemmReport(1, {n: 10}).results;
    const b = gemmReport(2, {n: 10}).results;
    b[1] = {
      ...b[1],
      state: 'check-failed',
      check: {pass: false, method: 'x', error: 1, tolerance: 0},
      firstCallMs: 1,
    } as CaseResult;
    const partial = gemmReport(3, {n: 10}).results.slice(0, 1);
    const pooled = poolProcesses([a, b, partial]);
    expect(pooled[1].state).toBe('check-failed');
    expect(ok(pooled[0]).processMediansMs).toHaveLength(3);
    expect(ok(pooled[2]).processMediansMs).toHaveLength(2);
  });

  it('carries the canary flags through pooling: one moved pass flags the case', () => {
    const steady = caseMachine({canaryNs: 1, load: 0.5}, {canaryNs: 1.01, load: 0.6}, 2);
    const moved = caseMachine({canaryNs: 1, load: 0.5}, {canaryNs: 1.3, load: 3}, 2);
    expect(steady).toMatchObject({clockMoved: false, underLoad: false});
    expect(moved).toMatchObject({clockMoved: true, underLoad: true});
    const a = gemmReport(1, {n: 5}).results.map((r) => ({...r, machine: steady}));
    const b = gemmReport(2, {n: 5}).results.map((r, i) => ({...r, machine: i === 0 ? moved : steady}));
    poolRepetition(a, b);
    expect(ok(a[0]).machine).toMatchObject({clockMoved: true, underLoad: true, loadAfter: 3});
    expect(ok(a[1]).machine?.clockMoved).toBe(false);
  });
});

describe('pooling processes whose canary moved', () => {
  const steady = caseMachine({canaryNs: 1}, {canaryNs: 1}, 2);
  const moved = caseMachine({canaryNs: 1}, {canaryNs: 1.5}, 2);
  const proc = (seed: number, m: typeof steady): CaseResult[] =>
    gemmReport(seed, {n: 10, machine: seed}).results.map((r, i) => ({...r, machine: i === 0 ? m : steady}));

  it('leaves a moved process out of that case while other processes measured it steadily', () => {
    const pooled = poolProcesses([proc(1, steady), proc(2, moved), proc(3, steady)]);
    const r = ok(pooled[0]);
    expect(r.machine).toMatchObject({clockMoved: false, movedProcesses: 1});
    expect(r.samplesMs).toHaveLength(20);
    expect(r.processMediansMs).toEqual(
      [1, 3].map((seed) => ok(gemmReport(seed, {n: 10, machine: seed}).results[0]).stats.medianMs),
    );
    // The other cases keep all three processes.
    expect(ok(pooled[1]).processMediansMs).toHaveLength(3);
    expect(ok(pooled[1]).machine?.movedProcesses).toBeUndefined();
  });

  it('keeps the flag, and every process, when every process moved', () => {
    const r = ok(poolProcesses([proc(1, moved), proc(2, moved)])[0]);
    expect(r.machine?.clockMoved).toBe(true);
    expect(r.processMediansMs).toHaveLength(2);
    expect(r.samplesMs).toHaveLength(20);
  });
});

describe('the clock canary around a case', () => {
  const row = (): CaseResult => gemmReport(1, {n: 5}).results[0];
  it('flags a move beyond the tolerance either way, not within it', () => {
    const m = (after: number) => caseMachine({canaryNs: 2}, {canaryNs: after}, 2).clockMoved;
    expect(m(2 * (1 + CANARY_TOLERANCE * 0.9))).toBe(false);
    expect(m(2 * (1 - CANARY_TOLERANCE * 0.9))).toBe(false);
    expect(m(2 * (1 + CANARY_TOLERANCE * 1.1))).toBe(true);
    expect(m(2 * (1 - CANARY_TOLERANCE * 1.1))).toBe(true);
  });

  /** withCanary over a case that measures instantly, with these canary readings in turn. */
  const measuredWith = async (readings: number[]): Promise<{result: CaseResult; measured: number}> => {
    let measured = 0;
    const result = await withCanary(
      async () => {
        measured++;
        return row();
      },
      2,
      () => ({canaryNs: readings.shift()!}),
    );
    return {result, measured};
  };

  it('re-measures a case whose canary moved, once, and keeps the steady measurement', async () => {
    const {result, measured} = await measuredWith([1, 1.2, 1, 1.01]);
    expect(measured).toBe(2);
    expect(ok(result).machine).toMatchObject({clockMoved: false, remeasured: true, canaryBeforeNs: 1, canaryAfterNs: 1.01});
  });

  it('keeps the flag when the canary moves again', async () => {
    const {result, measured} = await measuredWith([1, 1.2, 1, 1.3, 1, 1]);
    expect(measured).toBe(2);
    expect(ok(result).machine).toMatchObject({clockMoved: true, remeasured: true});
  });
});

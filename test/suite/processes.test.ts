// `run --processes`: pooling per-process results (pure), the canary wrapper, and the real CLI
// with two child processes: pooled samples, one median per process, Ctrl-C passed on to the child.
import {mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {CaseResult, OkCase} from '../../src/core/results.js';
import {CANARY_TOLERANCE, caseMachine} from '../../src/measure/canary.js';
import {poolProcesses, poolRepetition} from '../../src/suite/repetitions.js';
import {withCanary} from '../../src/suite/run-suite.js';
import {runCli, startCli, waitForOutput} from '../helpers/cli.js';
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

describe('run --processes (the CLI)', () => {
  const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'dlbench-processes-test-'));
  const variants = ['run', '-v', 'gemm/naive-ijk', '-v', 'gemm/blocked', '--time', '5', '--min-samples', '5'];
  const tiny = [...variants, '--size', '16'];

  it('runs each process fresh and records the pooled samples, per-process medians and the canary', async () => {
    const out = path.join(tmp(), 'p2.json');
    const r = await runCli([...tiny, '--processes', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/gemm\/blocked/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.config.processes).toBe(2);
    expect(report.interrupted).toBe(false);
    expect(report.results).toHaveLength(2);
    for (const row of report.results) {
      expect(row.state).toBe('ok');
      // A process whose clock canary moved during a case (a loaded machine) is left out of it and counted.
      expect(row.processMediansMs.length + (row.machine.movedProcesses ?? 0)).toBe(2);
      expect(row.processMediansMs.length).toBeGreaterThanOrEqual(1);
      expect(row.samplesMs.length).toBe(row.stats.samples);
      expect(row.samplesMs.length).toBeGreaterThanOrEqual(5 * row.processMediansMs.length);
      expect(row.machine.canaryBeforeNs).toBeGreaterThan(0);
      expect(typeof row.machine.clockMoved).toBe('boolean');
    }
  });

  it('passes Ctrl-C on to the running process: finished cases saved, exit 130', async () => {
    const out = path.join(tmp(), 'int.json');
    const {child, done} = startCli([...variants, '--size', '16,256', '--processes', '2', '--out', out], {
      DLBENCH_READY_LINE: '1',
    });
    // The second process has started its second case: the first process and one case of this one are done.
    await waitForOutput(child, /dlbench: started 2\/4 \[process 2\/2\]/);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.interrupted).toBe(true);
    const first = report.results.find((x: OkCase) => x.variant === 'gemm/naive-ijk' && x.shapeText === '16x16x16');
    // Both processes finished it; one whose clock canary moved there is left out and counted.
    expect(first.processMediansMs.length + (first.machine?.movedProcesses ?? 0)).toBe(2);
    expect(report.results.length).toBeLessThanOrEqual(4);
  });
});

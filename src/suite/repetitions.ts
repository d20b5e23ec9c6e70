// `run --repetitions N`: the whole plan runs N times, one case after another each time, and each
// case's samples are pooled. On a shared machine a burst of contention lasts a fraction of a
// second: run once, it can slow every sample of one case (a false regression); spread over N
// passes, it lands in one pass of that case and the pooled median stays put
// (google/benchmark's --benchmark_repetitions with random interleaving, for the same reason).
//
// `run --processes N` pools the same way across fresh processes and keeps each process's median
// as well: a process draws its own buffer placement, JIT decisions and code layout, which move a
// median by more than anything within one run, and only the spread of those medians says how far
// a second run of the same build may land (compare judges on them; asv and google-benchmark's
// repetitions run fresh processes for the same reason).
import {HIGH_SPREAD, summarize} from '../measure/stats.js';
import {caseKey} from '../report/cases.js';
import type {CaseMachine, CaseResult, OkCase} from '../core/results.js';

/** Two readings of one case's machine as one: flags add up; a moved canary's readings are the ones kept. */
function mergeMachine(a: CaseMachine | undefined, b: CaseMachine | undefined): CaseMachine | undefined {
  if (!a || !b) return a ?? b;
  const loads = (...xs: (number | undefined)[]): number | undefined => {
    const known = xs.filter((x): x is number => x !== undefined);
    return known.length ? Math.max(...known) : undefined;
  };
  const loadBefore = loads(a.loadBefore, b.loadBefore);
  const loadAfter = loads(a.loadAfter, b.loadAfter);
  const canary = a.clockMoved || !b.clockMoved ? a : b;
  const moved = (m: CaseMachine): number => m.movedProcesses ?? 0;
  return {
    canaryBeforeNs: canary.canaryBeforeNs,
    canaryAfterNs: a.clockMoved || b.clockMoved ? canary.canaryAfterNs : b.canaryAfterNs,
    ...(loadBefore !== undefined ? {loadBefore} : {}),
    ...(loadAfter !== undefined ? {loadAfter} : {}),
    clockMoved: a.clockMoved || b.clockMoved,
    underLoad: a.underLoad || b.underLoad,
    ...(a.remeasured || b.remeasured ? {remeasured: true} : {}),
    ...(moved(a) + moved(b) > 0 ? {movedProcesses: moved(a) + moved(b)} : {}),
  };
}

/** `a` and `b` (ok rows of one case) as one row with every sample of both. */
function pooled(a: OkCase, b: OkCase): OkCase {
  const samplesMs = [...a.samplesMs, ...b.samplesMs];
  const stats = summarize(samplesMs);
  const machine = mergeMachine(a.machine, b.machine);
  return {
    ...a,
    samplesMs,
    stats,
    gflops: a.flops / (stats.medianMs * 1e6),
    highSpread: stats.relSpread > HIGH_SPREAD,
    check: b.check.error > a.check.error ? b.check : a.check,
    ...(machine ? {machine} : {}),
  };
}

/** Pools `more` (a later pass over the same plan) into `into`, case by case, in place. */
export function poolRepetition(into: CaseResult[], more: readonly CaseResult[]): void {
  const byKey = new Map(more.map((r) => [caseKey(r), r]));
  for (let i = 0; i < into.length; i++) {
    const a = into[i];
    const b = byKey.get(caseKey(a));
    if (!b) continue;
    // A failure in any pass is the case's result: a wrong answer is never averaged away.
    if (a.state !== 'ok') continue;
    if (b.state !== 'ok') {
      into[i] = b;
      continue;
    }
    into[i] = pooled(a, b);
  }
}

/**
 * One row per case from the results of several processes (in process order): samples pooled,
 * `processMediansMs` the median of each process that measured the case. A case that only some
 * processes reached (an interrupted run) has fewer medians; a failure in any process is the row.
 * A process whose clock canary moved during the case is left out of it (counted in
 * `machine.movedProcesses`) while another process measured it steadily: the other processes are
 * its re-measurement. Only when every process moved does the row keep the flag.
 */
export function poolProcesses(processes: readonly (readonly CaseResult[])[]): CaseResult[] {
  const rows = new Map<string, CaseResult>();
  const moved = new Map<string, OkCase[]>();
  for (const results of processes) {
    for (const r of results) {
      const key = caseKey(r);
      if (r.state === 'ok' && r.machine?.clockMoved) {
        moved.set(key, [...(moved.get(key) ?? []), r]);
        if (!rows.has(key)) rows.set(key, r);
        continue;
      }
      const seen = rows.get(key);
      const first = (x: CaseResult): CaseResult => (x.state === 'ok' ? {...x, processMediansMs: [x.stats.medianMs]} : x);
      if (!seen) rows.set(key, first(r));
      else if (seen.state !== 'ok' || r.state === 'skipped') continue;
      else if (r.state !== 'ok') rows.set(key, r);
      else if (seen.machine?.clockMoved) rows.set(key, first(r));
      else rows.set(key, {...pooled(seen, r), processMediansMs: [...(seen.processMediansMs ?? []), r.stats.medianMs]});
    }
  }
  for (const [key, left] of moved) {
    const row = rows.get(key)!;
    if (row.state !== 'ok') continue;
    if (row.machine?.clockMoved) {
      // Every process moved: pool them all and keep the flag.
      const all = left.reduce((acc, r) => pooled(acc, r));
      rows.set(key, {...all, processMediansMs: left.map((r) => r.stats.medianMs)});
    } else if (row.machine) {
      rows.set(key, {...row, machine: {...row.machine, movedProcesses: (row.machine.movedProcesses ?? 0) + left.length}});
    }
  }
  return [...rows.values()];
}

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

/** Two readings of one case's machine as one: flags add up, the canary spans both. */
function mergeMachine(a: CaseMachine | undefined, b: CaseMachine | undefined): CaseMachine | undefined {
  if (!a || !b) return a ?? b;
  const loads = (...xs: (number | undefined)[]): number | undefined => {
    const known = xs.filter((x): x is number => x !== undefined);
    return known.length ? Math.max(...known) : undefined;
  };
  const loadBefore = loads(a.loadBefore, b.loadBefore);
  const loadAfter = loads(a.loadAfter, b.loadAfter);
  return {
    canaryBeforeNs: a.canaryBeforeNs,
    canaryAfterNs: b.canaryAfterNs,
    ...(loadBefore !== undefined ? {loadBefore} : {}),
    ...(loadAfter !== undefined ? {loadAfter} : {}),
    clockMoved: a.clockMoved || b.clockMoved,
    underLoad: a.underLoad || b.underLoad,
    ...(a.remeasured || b.remeasured ? {remeasured: true} : {}),
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
 */
export function poolProcesses(processes: readonly (readonly CaseResult[])[]): CaseResult[] {
  const rows = new Map<string, CaseResult>();
  for (const results of processes) {
    for (const r of results) {
      const key = caseKey(r);
      const seen = rows.get(key);
      const withMedian = (x: OkCase, prev: readonly number[]): OkCase => ({
        ...x,
        processMediansMs: [...prev, x.stats.medianMs],
      });
      if (!seen) {
        rows.set(key, r.state === 'ok' ? withMedian(r, []) : r);
      } else if (seen.state === 'ok') {
        if (r.state === 'ok') {
          rows.set(key, {...pooled(seen, r), processMediansMs: [...(seen.processMediansMs ?? []), r.stats.medianMs]});
        } else if (r.state !== 'skipped') {
          rows.set(key, r);
        }
      }
    }
  }
  return [...rows.values()];
}

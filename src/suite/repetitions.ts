// `run --repetitions N`: the whole plan runs N times, one case after another each time, and each
// case's samples are pooled. On a shared machine a burst of contention lasts a fraction of a
// second: run once, it can slow every sample of one case (a false regression); spread over N
// passes, it lands in one pass of that case and the pooled median stays put
// (google/benchmark's --benchmark_repetitions with random interleaving, for the same reason).
import {HIGH_SPREAD, summarize} from '../measure/stats.js';
import {caseKey} from '../report/cases.js';
import type {CaseResult} from '../core/results.js';

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
    const samplesMs = [...a.samplesMs, ...b.samplesMs];
    const stats = summarize(samplesMs);
    into[i] = {
      ...a,
      samplesMs,
      stats,
      gflops: a.flops / (stats.medianMs * 1e6),
      highSpread: stats.relSpread > HIGH_SPREAD,
      check: b.check.error > a.check.error ? b.check : a.check,
    };
  }
}

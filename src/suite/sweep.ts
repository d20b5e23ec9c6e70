// Runs a sweep: every chosen variant at every size, parallel variants once per thread count,
// interleaved size by size so the cases compared with each other ran close together in time.
// The analysis (best per size, crossovers, scaling) is attached to the report.
import {UsageError} from '../core/errors.js';
import type {KernelVariant} from '../core/types.js';
import {runCase} from '../measure/runner.js';
import {tinybenchTimer} from '../measure/timer.js';
import {HIGH_SPREAD, summarize} from '../measure/stats.js';
import type {CaseResult, Report} from '../report/schema.js';
import {analyzeSweep, type SweepVariantInfo} from '../report/sweep.js';
import type {Plan} from './plan.js';
import type {SuiteOptions} from './run-suite.js';

export const THREADS_SYNTAX = "N, lists '1,2,4', ranges '1..4' (every count) or '1..16*2'";
export const MAX_THREADS = 256;

/** '1..4' → 1,2,3,4; '1..16*2' → 1,2,4,8,16; '1,2,4' as given. Sorted, unique. */
export function parseThreadList(text: string, flag = '--threads'): number[] {
  const out = new Set<number>();
  for (const tok of text.split(',').map((t) => t.trim())) {
    const m = /^(\d+)(?:\.\.(\d+)(?:([*+])(\d+))?)?$/.exec(tok);
    if (!m) throw new UsageError(`${flag}: '${tok}' is not a thread count. Valid: ${THREADS_SYNTAX}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    const step = m[4] === undefined ? 1 : Number(m[4]);
    const factor = m[3] === '*';
    if (lo < 1 || hi > MAX_THREADS || hi < lo || (factor ? step < 2 : step < 1)) {
      throw new UsageError(`${flag}: '${tok}' must be within 1..${MAX_THREADS}, ascending, with a step ≥ 1 or factor ≥ 2. Valid: ${THREADS_SYNTAX}`);
    }
    for (let t = lo; t <= hi; t = factor ? t * step : t + step) out.add(t);
  }
  return [...out].sort((a, b) => a - b);
}

/** Variants whose speed depends on --threads: they run once per thread count. */
export function isParallel(v: KernelVariant): boolean {
  return v.backend === 'workers' || v.backend === 'native';
}

export function sweepInfo(v: KernelVariant): SweepVariantInfo {
  const base = v.params?.base;
  return {id: v.id, parallel: isParallel(v), ...(typeof base === 'string' ? {base} : {})};
}

/**
 * Folds a later round's result into the first: ok samples are pooled (the median then spans
 * every round), and a failure in any round replaces the row, since a failure is never averaged away.
 */
export function mergeRounds(first: CaseResult, later: CaseResult): CaseResult {
  if (first.state !== 'ok') return first;
  if (later.state !== 'ok') return later;
  const samplesMs = [...first.samplesMs, ...later.samplesMs];
  const stats = summarize(samplesMs);
  const rounds = (typeof first.metrics?.rounds === 'number' ? first.metrics.rounds : 1) + 1;
  return {...first, samplesMs, stats, gflops: first.flops / (stats.medianMs * 1e6), highSpread: stats.relSpread > HIGH_SPREAD,
    metrics: {...first.metrics, rounds}};
}

/**
 * `rounds` > 1 repeats the whole sweep and pools each case's samples: on a shared machine a burst
 * of load then hits every variant about equally instead of whichever case happened to be running.
 */
export async function runSweep(plan: Plan, threads: number[], opts: Omit<SuiteOptions, 'threads'> & {rounds?: number}, report: Report): Promise<Report> {
  const maxThreads = Math.max(...threads);
  const rounds = opts.rounds ?? 1;
  const perRound = plan.cases.reduce((n, c) => n + c.variants.reduce((k, v) => k + (isParallel(v) ? threads.length : 1), 0), 0);
  const total = perRound * rounds;
  let index = 0;
  const variants = new Map<string, KernelVariant>();
  for (let round = 0; round < rounds; round++) {
    let slot = 0;
    for (const c of plan.cases) {
      if (opts.signal?.aborted) break;
      const inputs = c.op.spec.makeInputs(c.shape, opts.seed);
      for (const v of c.variants) {
        variants.set(v.id, v);
        for (const t of isParallel(v) ? threads : [maxThreads]) {
          if (opts.signal?.aborted) break;
          opts.onStart?.(index, total, `${rounds > 1 ? `round ${round + 1}/${rounds} ` : ''}${c.op.spec.describe(c.shape)} ${v.id}${isParallel(v) ? ` ×${t}` : ''}`);
          const result = await runCase(v, c.shape, {seed: opts.seed, caps: {threads: t}, timing: opts.timing,
            timer: opts.timer ?? tinybenchTimer, forced: plan.forced, inputs});
          // Record the threads each row used: one for single-threaded rungs whatever --threads says.
          result.metrics = {...result.metrics, threads: isParallel(v) ? t : 1};
          if (round === 0) report.results.push(result);
          else report.results[slot] = mergeRounds(report.results[slot], result);
          opts.onResult?.(report.results[slot], index, total);
          slot++;
          index++;
        }
      }
    }
    if (opts.signal?.aborted) break;
  }
  report.interrupted = opts.signal?.aborted ?? false;
  report.sweep = analyzeSweep(report.results, [...variants.values()].map(sweepInfo), threads);
  return report;
}

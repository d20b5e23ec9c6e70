// Runs a sweep: every chosen variant at every size, parallel variants once per thread count,
// timed interleaved call by call so that the cases compared with each other share the load.
// The analysis (best per size, crossovers, scaling) is attached to the report.
import {UsageError} from '../core/errors.js';
import type {KernelVariant} from '../core/types.js';
import type {Report} from '../core/results.js';
import {gemmEngineBackend} from '../kernels/gemm/engines.js';
import {analyzeSweep, threadsOf, type SweepVariantInfo} from '../report/sweep.js';
import {attachRoof} from '../measure/roofline.js';
import {stopRequested} from '../measure/runner.js';
import {measureInterleaved} from './interleave.js';
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
      throw new UsageError(
        `${flag}: '${tok}' must be within 1..${MAX_THREADS}, ascending, with a step ≥ 1 or factor ≥ 2. Valid: ${THREADS_SYNTAX}`,
      );
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
 * Sizes run one after another; at each size every variant (parallel ones once per thread
 * count) is checked, then timed interleaved with the others (see interleave.ts).
 */
export async function runSweep(
  plan: Plan,
  threads: number[],
  opts: Omit<SuiteOptions, 'threads' | 'timer'> & {clock?: () => number},
  report: Report,
): Promise<Report> {
  const maxThreads = Math.max(...threads);
  const total = plan.cases.length;
  const variants = new Map<string, KernelVariant>();
  for (const [index, c] of plan.cases.entries()) {
    if (await stopRequested(opts.signal)) break;
    const cases = c.variants.flatMap((v) => (isParallel(v) ? threads : [maxThreads]).map((t) => ({v, threads: t})));
    for (const v of c.variants) variants.set(v.id, v);
    opts.onStart?.(index, total, `${c.op.spec.describe(c.shape)}: ${cases.length} cases interleaved`);
    const inputs = c.op.spec.makeInputs(c.shape, opts.seed);
    const results = await measureInterleaved(
      c.shape,
      inputs,
      cases.map((x) => ({v: x.v, threads: isParallel(x.v) ? x.threads : 1})),
      {seed: opts.seed, timing: opts.timing, forced: plan.forced, clock: opts.clock},
    );
    for (const r of results) {
      // Each row against the roofs of its own thread count (a 1-thread row is not judged by the 2-core peak).
      attachRoof(r, report.context, threadsOf(r), gemmEngineBackend);
      report.results.push(r);
      opts.onResult?.(r, index, total);
    }
  }
  report.interrupted = opts.signal?.aborted ?? false;
  report.sweep = analyzeSweep(report.results, [...variants.values()].map(sweepInfo), threads);
  return report;
}

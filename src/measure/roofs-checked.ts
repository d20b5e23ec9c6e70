// A roofs measurement judged before anyone caches it: the sanity rules over the probe results, and
// the machine's load before and after (a busy machine cannot measure its own peak). A failed rule
// is measured once more; a busy machine stays busy for a while, so that is not retried.
import type {Context} from '../core/results.js';
import {measureRoofs, readText, type Roofs} from './roofs.js';
import {loadProblem, parseLoadavg, roofProblems} from './roofs-sanity.js';

export interface CheckedRoofs {
  roofs: Roofs;
  /** Broken rules, empty when the roofs can be cached. */
  problems: string[];
}

export async function measureRoofsChecked(
  ctx: Context,
  opts: {quick: boolean; onStep?: (step: string | undefined) => void; onRetry?: (problem: string) => void},
): Promise<CheckedRoofs> {
  const cores = Math.max(1, ctx.cpu.cores);
  const once = async (): Promise<CheckedRoofs> => {
    const before = parseLoadavg(readText('/proc/loadavg'));
    const m = await measureRoofs(ctx, {quick: opts.quick, onStep: (s) => opts.onStep?.(s)});
    opts.onStep?.(undefined);
    const after = parseLoadavg(readText('/proc/loadavg'));
    const load = loadProblem(before, after, cores, m.roofs.durationMs / 1000);
    return {roofs: m.roofs, problems: [...roofProblems(m.roofs, m.runs), ...(load ? [load] : [])]};
  };
  const first = await once();
  if (first.problems.length === 0 || first.problems.some((p) => p.startsWith('busy machine'))) return first;
  opts.onRetry?.(first.problems[0]);
  return once();
}

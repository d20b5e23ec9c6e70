// `run --baseline`: the gate's flags and the baseline checked against the plan before measuring,
// so a typo in --normalize or a baseline of other sizes is an exit 2 at once, not after the run.
import {UsageError} from '../core/errors.js';
import type {Report} from '../core/results.js';
import type {Plan} from '../suite/plan.js';

const GATE_ONLY = ['fail-on-regression', 'threshold', 'thresholds', 'normalize'] as const;

/** --fail-on-regression, --threshold, --thresholds and --normalize mean nothing without --baseline. */
export function checkGateFlags(flags: Record<string, unknown>): void {
  if (typeof flags.baseline === 'string') return;
  const given = GATE_ONLY.find((f) => flags[f] !== undefined && flags[f] !== false);
  if (given) throw new UsageError(`--${given}: needs --baseline FILE (the results to compare this run with)`);
}

/** The plan's cases as variant@shape, the way compare matches them. */
function planCases(plan: Plan): {variant: string; shapeText: string}[] {
  return plan.cases.flatMap((c) => c.variants.map((v) => ({variant: v.id, shapeText: c.op.spec.describe(c.shape)})));
}

/** A baseline sharing no case with the plan, or a --normalize case missing from either, is refused before measuring. */
export function checkBaselineFits(baseline: {file: string; report: Report; opts: {normalize?: string}}, plan: Plan): void {
  const planned = planCases(plan);
  const inBase = new Set(baseline.report.results.map((r) => `${r.variant}@${r.shapeText}`));
  const common = planned.filter((c) => inBase.has(`${c.variant}@${c.shapeText}`));
  if (common.length === 0) {
    const example = baseline.report.results[0];
    throw new UsageError(
      `--baseline: ${baseline.file} has no case in common with this run (match is on variant and shape). ` +
        `Valid: a results file of the same variants and sizes${example ? `, e.g. --variant ${example.variant} --size ${example.shapeText}` : ''}`,
    );
  }
  const spec = baseline.opts.normalize;
  if (spec === undefined) return;
  const names = (c: {variant: string; shapeText: string}): boolean =>
    c.variant === spec || `${c.variant}@${c.shapeText}` === spec;
  if (!planned.some(names) || !baseline.report.results.some(names)) {
    throw new UsageError(
      `--normalize: '${spec}' is not a case of both this run and ${baseline.file}. ` +
        `Valid: a variant id (same shape) or variant@shape of both, e.g. ${common[0].variant} or ${common[0].variant}@${common[0].shapeText}`,
    );
  }
}

// Baseline vs current, case by case. A case is a regression only when BOTH hold: the U test
// says the samples differ (p < alpha) AND the whole bootstrap CI of the time ratio lies beyond
// the threshold. Significance alone flags tiny real shifts on long runs; a ratio alone flags
// noise. A CI that straddles the threshold is "inconclusive", which never fails the gate.
import {UsageError} from '../../core/errors.js';
import {caseKey, isOk} from '../cases.js';
import type {CaseResult, OkCase, Report} from '../../core/results.js';
import {bootstrapRatio, mannWhitneyU, median} from './stats.js';

export type Verdict = 'pass' | 'regression' | 'improvement' | 'inconclusive' | 'failed' | 'calibration' | 'missing' | 'new';

export interface CompareOptions {
  /** Allowed slowdown as a fraction (0.1 = 10%): a regression has its CI above 1 + threshold. */
  threshold: number;
  /** Per-case thresholds: case-key globs ('gemm/blocked@*') → fraction. The first match wins. */
  thresholds?: [pattern: string, threshold: number][];
  /** Significance level of the Mann–Whitney U test. */
  alpha: number;
  /** Two-sided confidence level of the bootstrap CI. */
  level: number;
  resamples: number;
  seed: number;
  /** Fewer samples than this on either side: inconclusive. */
  minSamples: number;
  /** 'variant' (same shape) or 'variant@shape' (one fixed case): every time is divided by it. */
  normalize?: string;
}

export const DEFAULT_COMPARE: CompareOptions = {
  threshold: 0.1,
  alpha: 0.01,
  level: 0.95,
  resamples: 2000,
  seed: 1,
  minSamples: 5,
};

export interface CaseComparison {
  key: string;
  op: string;
  variant: string;
  shapeText: string;
  verdict: Verdict;
  reason?: string;
  threshold: number;
  baselineMedianMs?: number;
  currentMedianMs?: number;
  baselineSamples?: number;
  currentSamples?: number;
  /** current / baseline time (normalized when asked): above 1 is slower. */
  ratio?: number;
  ciLo?: number;
  ciHi?: number;
  pValue?: number;
  normalizedBy?: string;
}

export interface Comparison {
  options: CompareOptions;
  baselineSource: string;
  currentSource: string;
  cases: CaseComparison[];
  counts: Record<Verdict, number>;
  /** Regressions or failed checks in the current run: the gate fails. */
  failed: boolean;
}

/** '*' matches any run of characters; everything else is literal. */
export function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(text);
}

function thresholdFor(key: string, opts: CompareOptions): number {
  for (const [pattern, t] of opts.thresholds ?? []) if (globMatch(pattern, key)) return t;
  return opts.threshold;
}

/** Finds the calibration case for a row: same shape (and layer) unless the spec names a shape. */
function calibrationFor(r: CaseResult, spec: string, byKey: Map<string, CaseResult>, all: CaseResult[]): CaseResult | undefined {
  if (spec.includes('@')) return byKey.get(spec) ?? all.find((x) => `${x.variant}@${x.shapeText}` === spec);
  return byKey.get(caseKey({...r, variant: spec, op: spec.split('/')[0] as CaseResult['op']}));
}

function index(report: Report): Map<string, CaseResult> {
  return new Map(report.results.map((r) => [caseKey(r), r]));
}

function seedFor(key: string, seed: number): number {
  // A per-case stream, so adding or removing a case leaves the others' intervals unchanged.
  let h = seed >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function compareReports(
  baseline: Report,
  current: Report,
  options: Partial<CompareOptions> = {},
  sources = {baseline: 'baseline', current: 'current'},
): Comparison {
  const opts = {...DEFAULT_COMPARE, ...options};
  const base = index(baseline);
  const cur = index(current);
  const common = [...cur.keys()].filter((k) => base.has(k));
  if (common.length === 0) {
    throw new UsageError(
      `${sources.current}: no cases in common with ${sources.baseline} (match is on op, variant and shape; ` +
        `baseline has ${base.size}, current has ${cur.size})`,
    );
  }
  if (opts.normalize) {
    const spec = opts.normalize;
    const present = (rs: CaseResult[]): boolean => rs.some((r) => r.variant === spec || `${r.variant}@${r.shapeText}` === spec);
    if (!present(baseline.results) || !present(current.results)) {
      throw new UsageError(
        `--normalize: '${spec}' is not a case in both files. Valid: a variant id (same shape) or variant@shape, e.g. ${current.results[0] ? `${current.results[0].variant} or ${current.results[0].variant}@${current.results[0].shapeText}` : 'gemm/naive-ijk'}`,
      );
    }
  }
  const cases: CaseComparison[] = [];
  for (const [key, c] of cur) {
    const b = base.get(key);
    const threshold = thresholdFor(key, opts);
    const row: CaseComparison = {key, op: c.op, variant: c.variant, shapeText: c.shapeText, verdict: 'pass', threshold};
    cases.push(row);
    if (!b) {
      row.verdict = 'new';
      row.reason = 'not in the baseline';
      continue;
    }
    if (c.state === 'check-failed' || c.state === 'errored') {
      row.verdict = 'failed';
      row.reason = c.state === 'errored' ? `errored (${c.phase}): ${c.error}` : 'failed its check';
      continue;
    }
    if (!isOk(c) || !isOk(b)) {
      row.verdict = 'inconclusive';
      row.reason = `not measured in ${!isOk(c) ? 'current' : 'baseline'} (${!isOk(c) ? c.state : b.state})`;
      continue;
    }
    row.baselineMedianMs = b.stats.medianMs;
    row.currentMedianMs = c.stats.medianMs;
    row.baselineSamples = b.samplesMs.length;
    row.currentSamples = c.samplesMs.length;
    let bCal: OkCase | undefined;
    let cCal: OkCase | undefined;
    if (opts.normalize) {
      const bc = calibrationFor(b, opts.normalize, base, baseline.results);
      const cc = calibrationFor(c, opts.normalize, cur, current.results);
      if (bc && caseKey(bc) === key) {
        row.verdict = 'calibration';
        row.reason = 'the calibration case itself';
        continue;
      }
      if (!bc || !cc || !isOk(bc) || !isOk(cc)) {
        row.verdict = 'inconclusive';
        row.reason = `no measured calibration case '${opts.normalize}' for this case`;
        continue;
      }
      bCal = bc;
      cCal = cc;
      row.normalizedBy = caseKey(cc);
    }
    const short = Math.min(
      b.samplesMs.length,
      c.samplesMs.length,
      bCal?.samplesMs.length ?? Infinity,
      cCal?.samplesMs.length ?? Infinity,
    );
    if (short < opts.minSamples) {
      row.verdict = 'inconclusive';
      row.reason = `too few samples (${short} < ${opts.minSamples})`;
      continue;
    }
    const num = cCal ? [c.samplesMs, bCal!.samplesMs] : [c.samplesMs];
    const den = cCal ? [b.samplesMs, cCal.samplesMs] : [b.samplesMs];
    const ci = bootstrapRatio(num, den, {seed: seedFor(key, opts.seed), resamples: opts.resamples, level: opts.level});
    // The U test compares the distributions on the same footing as the ratio: each sample
    // divided by its own run's calibration median when normalizing.
    const cScale = cCal ? median(cCal.samplesMs) : 1;
    const bScale = bCal ? median(bCal.samplesMs) : 1;
    const ut = mannWhitneyU(
      c.samplesMs.map((x) => x / cScale),
      b.samplesMs.map((x) => x / bScale),
    );
    Object.assign(row, {ratio: ci.ratio, ciLo: ci.lo, ciHi: ci.hi, pValue: ut.p});
    row.verdict = verdictOf(ci.lo, ci.hi, ut.p, threshold, opts.alpha);
    if (row.verdict === 'inconclusive')
      row.reason =
        ut.p >= opts.alpha
          ? 'CI crosses the threshold; no significant difference'
          : 'significant, but the CI crosses the threshold';
  }
  for (const [key, b] of base) {
    if (!cur.has(key))
      cases.push({
        key,
        op: b.op,
        variant: b.variant,
        shapeText: b.shapeText,
        verdict: 'missing',
        reason: 'in the baseline, not in the current run',
        threshold: thresholdFor(key, opts),
      });
  }
  const counts = {
    pass: 0,
    regression: 0,
    improvement: 0,
    inconclusive: 0,
    failed: 0,
    calibration: 0,
    missing: 0,
    new: 0,
  } as Record<Verdict, number>;
  for (const c of cases) counts[c.verdict]++;
  return {
    options: opts,
    baselineSource: sources.baseline,
    currentSource: sources.current,
    cases,
    counts,
    failed: counts.regression + counts.failed > 0,
  };
}

/**
 * The decision on one case, from the CI of the time ratio and the U test's p-value. Faster and
 * slower are symmetric in log space: the improvement bound is 1 / (1 + threshold).
 */
export function verdictOf(lo: number, hi: number, p: number, threshold: number, alpha: number): Verdict {
  const slow = 1 + threshold;
  const fast = 1 / (1 + threshold);
  if (p < alpha && lo > slow) return 'regression';
  if (p < alpha && hi < fast) return 'improvement';
  if (lo >= fast && hi <= slow) return 'pass';
  return 'inconclusive';
}

// Baseline vs current, case by case. A case is a regression only when BOTH hold: the U test
// says the samples differ (p < alpha) AND the whole bootstrap CI of the time ratio lies beyond
// the threshold. Significance alone flags tiny real shifts on long runs; a ratio alone flags
// noise. A CI that straddles the threshold is "inconclusive", which never fails the gate.
// Normalized by a calibration case, the verdict also needs the raw (unnormalized) change to
// agree; when they disagree the case is inconclusive, since dividing by the calibration case
// adds that case's own noise and can turn a faster median into a "regression".
import {UsageError} from '../../core/errors.js';
import {caseKey, duplicateKeys, isOk} from '../cases.js';
import type {CaseResult, OkCase, Report} from '../../core/results.js';
import {bootstrapRatio, mannWhitneyU, medianCi, processRatio, thin} from './stats.js';

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
  /** Leave unjudged a case that ran with the load average above the machine's cores (the canary always counts). */
  refuseUnderLoad?: boolean;
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
  /** When normalizing: the raw current / baseline ratio of medians, its CI and the raw verdict. */
  rawRatio?: number;
  rawCiLo?: number;
  rawCiHi?: number;
  rawVerdict?: Verdict;
  /** When normalizing: what the normalized change alone would have said. */
  normalizedVerdict?: Verdict;
  /**
   * What the CI and p stand on: 'processes' (per-process medians of `run --processes`, Welch's t
   * on their logs) or 'samples' (the pooled samples: bootstrap and U test, blind to the spread
   * between processes).
   */
  method?: 'processes' | 'samples';
}

export interface Comparison {
  options: CompareOptions;
  baselineSource: string;
  currentSource: string;
  cases: CaseComparison[];
  counts: Record<Verdict, number>;
  /** Regressions or failed checks in the current run: the gate fails. */
  failed: boolean;
  /** What a reader must know to weigh the verdicts (one process only, …). */
  notes: string[];
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
  // Same thread count when the run has it, else the (single-threaded) calibration at this shape.
  return (
    byKey.get(caseKey({...r, variant: spec, op: spec.split('/')[0] as CaseResult['op']})) ??
    all.find((x) => x.variant === spec && x.shapeText === r.shapeText && x.layer?.index === r.layer?.index)
  );
}

/** Cases by key; two rows with one key would silently shadow each other, so that is an error. */
function index(report: Report, source: string): Map<string, CaseResult> {
  const dup = duplicateKeys(report.results);
  if (dup.length > 0)
    throw new UsageError(
      `${source}: ${dup.length} case key${dup.length > 1 ? 's occur' : ' occurs'} more than once: ${dup.slice(0, 5).join(', ')}` +
        `${dup.length > 5 ? ', …' : ''} (a key is op, variant, shape, threads and layer; one row per key)`,
    );
  return new Map(report.results.map((r) => [caseKey(r), r]));
}

/** Relative half-width of the CI of a case's median: the noise it adds when times are divided by it. */
export function calibrationNoise(samples: readonly number[], level: number): number {
  const c = medianCi(samples, level);
  return Math.max(c.hi - c.median, c.median - c.lo) / c.median;
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
  const base = index(baseline, sources.baseline);
  const cur = index(current, sources.current);
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
    const moved = slowedDown(b, sources.baseline, opts) ?? slowedDown(c, sources.current, opts);
    if (moved) {
      row.verdict = 'inconclusive';
      row.reason = moved;
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
      // A noisy calibration median in the baseline is bad reference input: refused. In the
      // current run it is this run's bad luck (a burst of load on one pass): the cases it would
      // normalize cannot be judged, so they are inconclusive rather than the whole gate failing.
      const bNoise = calibrationNoise(bc.samplesMs, opts.level);
      if (!(bNoise <= threshold))
        throw new UsageError(
          `--normalize: calibration case ${caseKey(bc)} in ${sources.baseline} is too noisy to divide by: ${noiseText(bNoise, threshold, opts.level, key)}. ` +
            `Re-record the baseline with more samples, or compare without --normalize`,
        );
      const cNoise = calibrationNoise(cc.samplesMs, opts.level);
      if (!(cNoise <= threshold)) {
        row.verdict = 'inconclusive';
        row.reason = `calibration case ${caseKey(cc)} too noisy in ${sources.current}: ${noiseText(cNoise, threshold, opts.level, key)}`;
        continue;
      }
      const calMoved = slowedDown(bc, sources.baseline, opts) ?? slowedDown(cc, sources.current, opts);
      if (calMoved) {
        row.verdict = 'inconclusive';
        row.reason = `calibration case: ${calMoved}`;
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
    const processes = processValues(b, c, bCal, cCal);
    if (processes) {
      row.method = 'processes';
      const raw = processRatio(processes.current, processes.baseline, opts.level);
      const rawVerdict = verdictOf(raw.lo, raw.hi, raw.p, threshold, opts.alpha);
      if (!processes.normalized) {
        Object.assign(row, {ratio: raw.ratio, ciLo: raw.lo, ciHi: raw.hi, pValue: raw.p});
        row.verdict = rawVerdict;
        if (row.verdict === 'inconclusive') row.reason = inconclusiveReason(raw.p, opts.alpha, 'between processes');
        continue;
      }
      const norm = processRatio(processes.normalized.current, processes.normalized.baseline, opts.level);
      judgeBoth(row, raw, rawVerdict, norm, verdictOf(norm.lo, norm.hi, norm.p, threshold, opts.alpha), opts.alpha);
      continue;
    }
    row.method = 'samples';
    const cs = thin(c.samplesMs);
    const bs = thin(b.samplesMs);
    const boot = {seed: seedFor(key, opts.seed), resamples: opts.resamples, level: opts.level};
    const raw = bootstrapRatio([cs], [bs], boot);
    const rawU = mannWhitneyU(cs, bs);
    const rawVerdict = verdictOf(raw.lo, raw.hi, rawU.p, threshold, opts.alpha);
    if (!cCal || !bCal) {
      Object.assign(row, {ratio: raw.ratio, ciLo: raw.lo, ciHi: raw.hi, pValue: rawU.p});
      row.verdict = rawVerdict;
      if (row.verdict === 'inconclusive') row.reason = inconclusiveReason(rawU.p, opts.alpha);
      continue;
    }
    const bCs = thin(bCal.samplesMs);
    const cCs = thin(cCal.samplesMs);
    const ci = bootstrapRatio([cs, bCs], [bs, cCs], boot);
    // The U test compares the distributions on the same footing as the ratio: each sample
    // divided by its own run's calibration median when normalizing.
    const cScale = medianCi(cCal.samplesMs).median;
    const bScale = medianCi(bCal.samplesMs).median;
    const ut = mannWhitneyU(
      cs.map((x) => x / cScale),
      bs.map((x) => x / bScale),
    );
    judgeBoth(row, raw, rawVerdict, {...ci, p: ut.p}, verdictOf(ci.lo, ci.hi, ut.p, threshold, opts.alpha), opts.alpha);
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
    notes: evidenceNotes(cases, baseline, current),
  };
}

/** The row's verdict from the raw and the normalized change: they must agree, else inconclusive. */
function judgeBoth(
  row: CaseComparison,
  raw: {ratio: number; lo: number; hi: number},
  rawVerdict: Verdict,
  norm: {ratio: number; lo: number; hi: number; p: number},
  normalizedVerdict: Verdict,
  alpha: number,
): void {
  Object.assign(row, {
    ratio: norm.ratio,
    ciLo: norm.lo,
    ciHi: norm.hi,
    pValue: norm.p,
    rawRatio: raw.ratio,
    rawCiLo: raw.lo,
    rawCiHi: raw.hi,
    rawVerdict,
    normalizedVerdict,
  });
  if (normalizedVerdict === rawVerdict) {
    row.verdict = normalizedVerdict;
    if (row.verdict === 'inconclusive')
      row.reason = inconclusiveReason(norm.p, alpha, row.method === 'processes' ? 'between processes' : undefined);
  } else {
    row.verdict = 'inconclusive';
    row.reason = `raw and normalized disagree: raw ${rawVerdict} (${signed(raw.ratio)}), normalized ${normalizedVerdict} (${signed(norm.ratio)})`;
  }
}

/** Processes a file's cases were measured in (`run --processes`; 1 before it existed). */
export function processCount(report: Report): number {
  return report.config.processes ?? 1;
}

/**
 * Per-process values of both sides when each has at least 2 processes: the process medians, and
 * when normalizing each process's median divided by its own calibration median (one process
 * measured both, so whatever that process drew cancels). Undefined: judge on samples.
 */
function processValues(
  b: OkCase,
  c: OkCase,
  bCal: OkCase | undefined,
  cCal: OkCase | undefined,
): {baseline: number[]; current: number[]; normalized?: {baseline: number[]; current: number[]}} | undefined {
  const bm = b.processMediansMs ?? [];
  const cm = c.processMediansMs ?? [];
  if (bm.length < 2 || cm.length < 2) return undefined;
  if (!bCal || !cCal) return {baseline: bm, current: cm};
  const bcm = bCal.processMediansMs ?? [];
  const ccm = cCal.processMediansMs ?? [];
  // An interrupted run can leave a case and its calibration with different processes.
  if (bcm.length !== bm.length || ccm.length !== cm.length) return undefined;
  return {
    baseline: bm,
    current: cm,
    normalized: {baseline: bm.map((x, i) => x / bcm[i]), current: cm.map((x, i) => x / ccm[i])},
  };
}

/**
 * Why a case cannot be judged because the machine changed under it, or undefined: its clock
 * canary moved, or (with refuseUnderLoad) the load average was above the machine's cores. The
 * load rule is opt-in: the 1-minute average trails the machine, and a test or CI step that runs
 * right after other work would see every case refused.
 */
function slowedDown(r: OkCase, source: string, opts: Pick<CompareOptions, 'refuseUnderLoad'>): string | undefined {
  const m = r.machine;
  if (m?.clockMoved) {
    const move = signed(m.canaryAfterNs / m.canaryBeforeNs);
    return `machine slowed down: clock canary ${move} during this case in ${source}; re-measure it`;
  }
  if (m?.underLoad && opts.refuseUnderLoad) {
    const load = Math.max(m.loadBefore ?? 0, m.loadAfter ?? 0);
    return `machine under load: load average ${load.toFixed(1)} above its cores during this case in ${source}; re-measure it on a quieter machine`;
  }
  return undefined;
}

/** Notes under the table: judged cases whose evidence comes from a single process. */
function evidenceNotes(cases: readonly CaseComparison[], baseline: Report, current: Report): string[] {
  const single = cases.filter((c) => c.method === 'samples').length;
  if (single === 0) return [];
  const nb = processCount(baseline);
  const nc = processCount(current);
  const who =
    nb <= 1 && nc <= 1
      ? 'baseline and current were each measured in one process'
      : nb <= 1
        ? `the baseline was measured in one process (current: ${nc})`
        : nc <= 1
          ? `the current run was measured in one process (baseline: ${nb})`
          : 'some cases lack per-process medians on one side';
  return [
    `evidence from one process only: ${who}, so ${single} case${single > 1 ? 's were' : ' was'} judged on the samples of a run. ` +
      'Their CIs cover the noise within a run, not the spread between processes (a fresh process can move a median by ' +
      'tens of percent), so a rerun of the same build may fall outside them. Record both with `run --processes 3` ' +
      'for verdicts on the between-process spread.',
  ];
}

function noiseText(noise: number, threshold: number, level: number, key: string): string {
  return `its median's ${Math.round(level * 100)}% CI is ±${(noise * 100).toFixed(1)}%, above the ${(threshold * 100).toFixed(0)}% threshold of ${key}`;
}

function inconclusiveReason(p: number, alpha: number, scope?: string): string {
  const within = scope ? ` ${scope}` : '';
  return p >= alpha
    ? `CI crosses the threshold; no significant difference${within}`
    : `significant${within}, but the CI crosses the threshold`;
}

function signed(ratio: number): string {
  const d = (ratio - 1) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
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

// Pure analysis of a sweep (`dlbench sweep`): the best variant per size, where each faster rung
// overtakes the one it builds on, and how parallel variants scale with threads. Everything is
// computed from medians of the same run, so ratios compare cases measured under the same load.
// The tables print each median's 95% interval and the high-spread flag beside it, so a ratio of
// two noisy medians is not read as a finding.
import {HIGH_SPREAD, medianCiOf} from '../measure/stats.js';
import {fmtCi, fmtMs, fmtNum} from './format.js';
import {makeTable} from './cli-table.js';
import type {BestRow, CaseResult, Crossover, OkCase, ScalingRow, SweepSummary} from '../core/results.js';

export interface SweepVariantInfo {
  id: string;
  /** The variant this one builds on (params.base): Strassen's leaves, the workers' kernel. */
  base?: string;
  parallel: boolean;
}

export function threadsOf(r: CaseResult): number {
  const t = r.metrics?.threads;
  return typeof t === 'number' ? t : 1;
}

/**
 * Pairs to compare: each classical rung against the rung before it (variants without a base,
 * in ladder order), and each composed variant against its base.
 */
export function crossoverPairs(variants: SweepVariantInfo[]): [string, string][] {
  const pairs: [string, string][] = [];
  const classical = variants.filter((v) => !v.base);
  for (let i = 1; i < classical.length; i++) {
    if (!classical[i].parallel && !classical[i - 1].parallel) pairs.push([classical[i].id, classical[i - 1].id]);
  }
  for (const v of variants) if (v.base && variants.some((w) => w.id === v.base)) pairs.push([v.id, v.base]);
  return pairs;
}

export function analyzeSweep(results: CaseResult[], variants: SweepVariantInfo[], threads: number[]): SweepSummary {
  const ok = results.filter((r): r is OkCase => r.state === 'ok');
  const sizes = [...new Set(results.map((r) => r.shapeText))];
  const maxThreads = Math.max(...threads);
  const parallel = new Set(variants.filter((v) => v.parallel).map((v) => v.id));
  const median = (variant: string, size: string, t?: number): number | undefined =>
    ok.find((r) => r.variant === variant && r.shapeText === size && (t === undefined || threadsOf(r) === t))?.stats.medianMs;

  // "Best" looks at every thread count (one thread can beat two: pool hand-offs on small sizes);
  // the runner-up is the fastest other variant, at its own best thread count.
  const best: BestRow[] = [];
  for (const size of sizes) {
    const here = ok.filter((r) => r.shapeText === size).sort((x, y) => x.stats.medianMs - y.stats.medianMs);
    if (here.length === 0) continue;
    const w = here[0];
    const second = here.find((r) => r.variant !== w.variant);
    best.push({
      shapeText: size,
      variant: w.variant,
      threads: threadsOf(w),
      medianMs: w.stats.medianMs,
      gflops: w.gflops,
      ...(second
        ? {runnerUp: {variant: second.variant, threads: threadsOf(second), slowdown: second.stats.medianMs / w.stats.medianMs}}
        : {}),
    });
  }

  const crossovers: Crossover[] = crossoverPairs(variants).map(([challenger, incumbent]) => {
    const tc = parallel.has(challenger) ? maxThreads : undefined;
    const ti = parallel.has(incumbent) ? maxThreads : undefined;
    const ratios: Crossover['ratios'] = [];
    for (const size of sizes) {
      const c = median(challenger, size, tc),
        i = median(incumbent, size, ti);
      if (c !== undefined && i !== undefined) ratios.push({shapeText: size, ratio: i / c});
    }
    if (ratios.length === 0) return {challenger, incumbent, ratios, verdict: 'not measured'};
    let start = ratios.length;
    while (start > 0 && ratios[start - 1].ratio > 1) start--;
    if (start === ratios.length) return {challenger, incumbent, ratios, verdict: 'never'};
    if (start === 0) return {challenger, incumbent, ratios, verdict: 'always', from: ratios[0].shapeText};
    return {challenger, incumbent, ratios, verdict: 'from', from: ratios[start].shapeText};
  });

  const scaling: ScalingRow[] = [];
  for (const v of variants.filter((x) => x.parallel)) {
    for (const size of sizes) {
      const one = median(v.id, size, 1);
      const baseMs = v.base && !parallel.has(v.base) ? median(v.base, size) : undefined;
      for (const t of threads) {
        const r = ok.find((x) => x.variant === v.id && x.shapeText === size && threadsOf(x) === t);
        if (!r) continue;
        const speedup = one === undefined ? undefined : one / r.stats.medianMs;
        scaling.push({
          variant: v.id,
          shapeText: size,
          threads: t,
          medianMs: r.stats.medianMs,
          gflops: r.gflops,
          ...(speedup === undefined ? {} : {speedup, efficiency: speedup / t}),
          gflopsPerCore: r.gflops / t,
          ...(baseMs === undefined ? {} : {vsBase: baseMs / r.stats.medianMs, base: v.base}),
        });
      }
    }
  }
  return {sizes, threads, best, crossovers, scaling};
}

const short = (id: string): string => id.replace(/^[a-z0-9]+\//, '');
const withThreads = (id: string, t: number, parallel: boolean): string => (parallel ? `${short(id)} ×${t}` : short(id));

export interface SweepRenderOptions {
  color?: boolean;
  /** The sweep's rows: each median's interval and spread flag come from them (without, those cells are '—'). */
  results?: CaseResult[];
}

/** Whether two rows' median intervals overlap: then their ratio is within the noise. */
export function ciOverlap(a: OkCase | undefined, b: OkCase | undefined): boolean {
  const x = a && medianCiOf(a),
    y = b && medianCiOf(b);
  return x !== undefined && y !== undefined && x.lo <= y.hi && y.lo <= x.hi;
}

export function renderSweep(s: SweepSummary, parallelIds: ReadonlySet<string>, opts: SweepRenderOptions = {}): string {
  const out: string[] = [];
  const ok = (opts.results ?? []).filter((r): r is OkCase => r.state === 'ok');
  const row = (variant: string, size: string, t?: number): OkCase | undefined =>
    ok.find(
      (r) =>
        r.variant === variant && r.shapeText === size && (t === undefined || !parallelIds.has(variant) || threadsOf(r) === t),
    );
  let noisy = false,
    overlap = false;
  const ciCell = (r: OkCase | undefined): string => {
    if (!r) return '—';
    noisy ||= r.highSpread;
    return fmtCi(r.stats.medianMs, medianCiOf(r)) + (r.highSpread ? ' !' : '');
  };
  const tilde = (a: OkCase | undefined, b: OkCase | undefined): string => {
    const o = ciOverlap(a, b);
    overlap ||= o;
    return o ? ' ~' : '';
  };

  const best = makeTable(['size', 'best', 'median', '95% CI', 'GFLOP/s', 'runner-up', 'its slowdown'], {
    color: opts.color,
    colAligns: ['left', 'left', 'right', 'right', 'right', 'left', 'right'],
  });
  for (const b of s.best) {
    const w = row(b.variant, b.shapeText, b.threads);
    const r = b.runnerUp && row(b.runnerUp.variant, b.shapeText, b.runnerUp.threads);
    best.push([
      b.shapeText,
      withThreads(b.variant, b.threads, parallelIds.has(b.variant)),
      fmtMs(b.medianMs),
      ciCell(w),
      fmtNum(b.gflops),
      b.runnerUp ? withThreads(b.runnerUp.variant, b.runnerUp.threads, parallelIds.has(b.runnerUp.variant)) : '—',
      b.runnerUp ? `${fmtNum(b.runnerUp.slowdown)}×${tilde(w, r)}` : '—',
    ]);
  }
  out.push(
    'best variant per size (every variant at each thread count it ran; runner-up: the fastest other variant)',
    best.toString(),
  );

  if (s.crossovers.length) {
    const maxT = Math.max(...s.threads);
    const cross = makeTable(['challenger vs incumbent', ...s.sizes, 'crossover'], {
      color: opts.color,
      colAligns: ['left', ...s.sizes.map(() => 'right' as const), 'left'],
    });
    for (const c of s.crossovers) {
      const cells = s.sizes.map((size) => {
        const x = c.ratios.find((y) => y.shapeText === size);
        if (!x) return '—';
        const a = row(c.challenger, size, maxT),
          b = row(c.incumbent, size, maxT);
        const flag = a?.highSpread || b?.highSpread ? ' !' : '';
        noisy ||= flag !== '';
        return `${fmtNum(x.ratio)}×${tilde(a, b)}${flag}`;
      });
      const verdict = c.verdict === 'from' ? `from ${c.from}` : c.verdict === 'always' ? `always (from ${c.from})` : c.verdict;
      cross.push([`${short(c.challenger)} vs ${short(c.incumbent)}`, ...cells, verdict]);
    }
    out.push(
      `crossovers: incumbent median / challenger median (> 1: challenger faster; parallel variants on ${maxT} thread${maxT > 1 ? 's' : ''}); crossover = first size from which it stays faster`,
      cross.toString(),
    );
  }

  if (s.scaling.length) {
    const sc = makeTable(
      ['variant', 'size', 'threads', 'median', '95% CI', 'GFLOP/s', 'speedup', 'efficiency', 'GFLOP/s/core', '× base'],
      {
        color: opts.color,
        colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      },
    );
    for (const r of s.scaling) {
      const here = row(r.variant, r.shapeText, r.threads);
      const one = row(r.variant, r.shapeText, 1);
      sc.push([
        short(r.variant),
        r.shapeText,
        r.threads,
        fmtMs(r.medianMs),
        ciCell(here),
        fmtNum(r.gflops),
        r.speedup === undefined ? '—' : `${fmtNum(r.speedup)}×${r.threads > 1 ? tilde(here, one) : ''}`,
        r.efficiency === undefined ? '—' : `${(r.efficiency * 100).toFixed(0)}%`,
        fmtNum(r.gflopsPerCore),
        r.vsBase === undefined ? '—' : `${fmtNum(r.vsBase)}× ${short(r.base!)}`,
      ]);
    }
    out.push(
      'scaling: speedup = same variant on 1 thread / on N; efficiency = speedup / N; × base = single-threaded base / this',
      sc.toString(),
    );
  }
  out.push("95% CI: the median's distribution-free confidence interval (order statistics), relative to the median.");
  if (overlap) out.push("~ the two medians' 95% CIs overlap: this ratio is within the noise of the measurement.");
  if (noisy) out.push(`! spread IQR/median above ${HIGH_SPREAD * 100}%: the machine was noisy; rerun or raise --time.`);
  return out.join('\n');
}

// Interleaved measurement for comparisons (`dlbench sweep`): every case at one size is prepared
// and checked first, then all are timed in rounds, one call of each per round. Load from other
// processes then falls on every case alike, so ratios of medians hold on a shared machine,
// where timing each case in its own block would compare one quiet moment with one busy one.
import {errorMessage} from '../core/errors.js';
import type {CheckResult, KernelVariant} from '../core/types.js';
import {caseBase} from '../measure/runner.js';
import {HIGH_SPREAD, summarize} from '../measure/stats.js';
import type {TimingOptions} from '../measure/timer.js';
import type {CaseResult, ErroredCase} from '../core/results.js';

export interface InterleavedCase {
  v: KernelVariant;
  threads: number;
}

export interface InterleaveOptions {
  seed: number;
  timing: TimingOptions;
  /** Variant ids named exactly by the user: run even past the variant's size limits. */
  forced?: ReadonlySet<string>;
  /** ms; tests substitute a fake clock. */
  clock?: () => number;
}

interface Live {
  index: number;
  v: KernelVariant;
  state: unknown;
  prepareMs: number;
  firstCallMs: number;
  check: CheckResult;
  samplesMs: number[];
}

/** One result per case, in the order given; every prepared state is disposed before returning. */
export async function measureInterleaved(
  p: unknown,
  inputs: unknown,
  cases: InterleavedCase[],
  opts: InterleaveOptions,
): Promise<CaseResult[]> {
  const clock = opts.clock ?? (() => performance.now());
  const out: CaseResult[] = [];
  const prepared: {v: KernelVariant; state: unknown}[] = [];
  const live: Live[] = [];
  try {
    for (const [index, {v, threads}] of cases.entries()) {
      const base = {...caseBase(v, p, opts.seed), metrics: {threads}};
      const errored = (phase: ErroredCase['phase'], err: unknown): ErroredCase => ({
        ...base,
        state: 'errored',
        phase,
        error: errorMessage(err),
      });
      const avail = v.available({threads});
      const lim = v.limits?.(p);
      if (!avail.ok || (lim && !lim.ok && !opts.forced?.has(v.id))) {
        out[index] = {...base, state: 'skipped', reason: !avail.ok ? avail.reason : (lim as {reason: string}).reason};
        continue;
      }
      let state: unknown;
      const t0 = clock();
      try {
        state = await v.prepare(p, inputs, {threads});
      } catch (err) {
        out[index] = errored('prepare', err);
        continue;
      }
      const prepareMs = clock() - t0;
      prepared.push({v, state});
      let output: unknown;
      const t1 = clock();
      try {
        output = await v.run(state);
      } catch (err) {
        out[index] = errored('run', err);
        continue;
      }
      const firstCallMs = clock() - t1;
      let check: CheckResult;
      try {
        check = v.spec.check(p, inputs, output, {toleranceScale: v.toleranceScale?.(p) ?? 1, seed: opts.seed});
      } catch (err) {
        out[index] = errored('check', err);
        continue;
      }
      if (!check.pass) {
        out[index] = {...base, state: 'check-failed', check, firstCallMs};
        continue;
      }
      live.push({index, v, state, prepareMs, firstCallMs, check, samplesMs: []});
    }

    const failed = new Set<Live>();
    const callAll = async (record: boolean): Promise<void> => {
      for (const x of live) {
        if (failed.has(x)) continue;
        const t0 = clock();
        try {
          await x.v.run(x.state);
        } catch (err) {
          out[x.index] = {
            ...caseBase(x.v, p, opts.seed),
            metrics: {threads: cases[x.index].threads},
            state: 'errored',
            phase: 'measure',
            error: errorMessage(err),
          };
          failed.add(x);
          continue;
        }
        if (record) x.samplesMs.push(clock() - t0);
      }
    };
    // Warm-up rounds are skipped when every first call already outlasted the warm-up budget.
    if (live.some((x) => x.firstCallMs < opts.timing.warmupMs)) {
      for (let r = 0; r < Math.max(1, opts.timing.warmupIterations); r++) await callAll(false);
    }
    // Each case gets its time budget and its minimum samples, as when timed alone.
    const deadline = clock() + opts.timing.timeBudgetMs * live.length;
    let rounds = 0;
    while (live.some((x) => !failed.has(x)) && (rounds < opts.timing.minSamples || clock() < deadline)) {
      await callAll(true);
      rounds++;
    }

    for (const x of live) {
      if (failed.has(x)) continue;
      const stats = summarize(x.samplesMs);
      const base = caseBase(x.v, p, opts.seed);
      let metrics: Record<string, number | string | boolean>;
      try {
        metrics = {...x.v.metrics?.(x.state), threads: cases[x.index].threads, interleavedRounds: rounds};
      } catch (err) {
        out[x.index] = {
          ...base,
          metrics: {threads: cases[x.index].threads},
          state: 'errored',
          phase: 'measure',
          error: errorMessage(err),
        };
        continue;
      }
      out[x.index] = {
        ...base,
        metrics,
        state: 'ok',
        check: x.check,
        stats,
        gflops: base.flops / (stats.medianMs * 1e6),
        prepareMs: x.prepareMs,
        firstCallMs: x.firstCallMs,
        highSpread: stats.relSpread > HIGH_SPREAD,
        samplesMs: x.samplesMs,
      };
    }
    return out;
  } finally {
    for (const {v, state} of prepared) {
      try {
        await v.dispose?.(state);
      } catch {
        // A failing dispose must not hide the measurements; pools destroy themselves idempotently.
      }
    }
  }
}

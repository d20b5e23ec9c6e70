// Runs one case: availability → prepare (untimed) → first call (timed apart) → check →
// sampled timing → dispose. A wrong answer is never timed; a throw becomes an errored row.
import {errorMessage} from '../core/errors.js';
import type {Caps, KernelVariant} from '../core/types.js';
import type {CaseResult, ErroredCase} from '../report/schema.js';
import {HIGH_SPREAD, summarize} from './stats.js';
import type {Timer, TimingOptions} from './timer.js';

export const INPUT_DISTRIBUTION = 'uniform[-1,1) from xoshiro128**(seed)';

export interface CaseOptions {
  seed: number;
  caps: Caps;
  timing: TimingOptions;
  timer: Timer;
  /** Variant ids named exactly by the user: run even past the variant's size limits. */
  forced?: ReadonlySet<string>;
  /** Inputs shared by every variant at this shape (made once per shape by the suite). */
  inputs?: unknown;
}

export function caseBase<P>(v: KernelVariant<P>, p: P, seed: number) {
  const flops = v.spec.flops(p);
  const bytes = v.spec.bytes(p);
  return {
    op: v.op,
    variant: v.id,
    backend: v.backend,
    params: v.params ?? {},
    shape: {...(p as Record<string, number | string>)},
    shapeText: v.spec.describe(p),
    seed,
    inputDistribution: INPUT_DISTRIBUTION,
    flops,
    macs: v.spec.macs(p),
    bytes,
    ai: flops / bytes,
  };
}

export async function runCase<P>(v: KernelVariant<P>, p: P, opts: CaseOptions): Promise<CaseResult> {
  const base = caseBase(v, p, opts.seed);
  const avail = v.available(opts.caps);
  if (!avail.ok) return {...base, state: 'skipped', reason: avail.reason};
  const lim = v.limits?.(p);
  if (lim && !lim.ok && !opts.forced?.has(v.id)) return {...base, state: 'skipped', reason: lim.reason};

  const errored = (phase: ErroredCase['phase'], err: unknown): ErroredCase => ({...base, state: 'errored', phase, error: errorMessage(err)});
  let inputs = opts.inputs;
  let state: unknown;
  let prepareMs: number;
  try {
    inputs ??= v.spec.makeInputs(p, opts.seed);
    const t0 = performance.now();
    state = await v.prepare(p, inputs, {threads: opts.caps.threads});
    prepareMs = performance.now() - t0;
  } catch (err) {
    return errored('prepare', err);
  }
  try {
    let out: unknown;
    const t0 = performance.now();
    try {
      out = await v.run(state);
    } catch (err) {
      return errored('run', err);
    }
    const firstCallMs = performance.now() - t0;
    let check;
    try {
      check = v.spec.check(p, inputs, out, {toleranceScale: v.toleranceScale?.(p) ?? 1, seed: opts.seed});
    } catch (err) {
      return errored('check', err);
    }
    if (!check.pass) return {...base, state: 'check-failed', check, firstCallMs};
    // A first call slower than the warm-up budget already warmed the code: don't repeat it.
    const timing = firstCallMs > opts.timing.warmupMs ? {...opts.timing, warmupMs: 0, warmupIterations: 0} : opts.timing;
    let samplesMs: number[];
    try {
      samplesMs = await opts.timer.measure(() => v.run(state), timing);
    } catch (err) {
      return errored('measure', err);
    }
    const stats = summarize(samplesMs);
    let metrics: Record<string, number | string | boolean> | undefined;
    try {
      metrics = v.metrics?.(state);
    } catch (err) {
      return errored('measure', err);
    }
    return {
      ...base,
      ...(metrics ? {metrics} : {}),
      state: 'ok',
      check,
      stats,
      gflops: base.flops / (stats.medianMs * 1e6),
      prepareMs,
      firstCallMs,
      highSpread: stats.relSpread > HIGH_SPREAD,
      samplesMs,
    };
  } finally {
    try {
      await v.dispose?.(state);
    } catch {
      // A failing dispose must not hide the measurement; nothing holds the state afterwards.
    }
  }
}

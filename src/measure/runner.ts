// Runs one case: availability → prepare (untimed) → first call (timed apart) → check →
// sampled timing → dispose. A wrong answer is never timed; a throw becomes an errored row.
import {errorMessage} from '../core/errors.js';
import {maybeInjectFault} from '../core/faults.js';
import type {Caps, KernelVariant} from '../core/types.js';
import type {CaseResult, ErroredCase} from '../core/results.js';
import {HIGH_SPREAD, summarize} from './stats.js';
import type {Timer, TimingOptions} from './timer.js';

type CaseHead = ReturnType<typeof caseBase> & {metrics?: Record<string, number | string | boolean>};

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
  /** Receives the checked output of the first call (`dlbench net` feeds it to the next layer). */
  onOutput?: (out: unknown) => void;
}

/**
 * Lets pending signal handlers run, then says whether the run was asked to stop. Sync kernels
 * and already-resolved awaits never reach the event loop, where a Ctrl-C handler runs: every
 * loop over cases or layers calls this between items, so Ctrl-C is seen there.
 */
export async function stopRequested(signal?: AbortSignal): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  return signal?.aborted ?? false;
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
    inputDistribution: v.spec.inputDistribution?.(p) ?? INPUT_DISTRIBUTION,
    flops,
    macs: v.spec.macs(p),
    bytes,
    ai: flops / bytes,
    ...(v.metrics ? {metrics: v.metrics(p)} : {}),
  };
}

/**
 * The function tinybench times. A variant with its own clock (GPU timestamps) hands tinybench
 * that duration as the sample, and the host wall time as the iteration's cost for the budget.
 */
function sampleFn<P>(v: KernelVariant<P>, state: unknown): () => unknown {
  const hook = v.sampleDurationMs;
  if (!hook) return () => v.run(state);
  return async () => {
    const t0 = performance.now();
    await v.run(state);
    const wallMs = performance.now() - t0;
    const ms = hook.call(v, state);
    return ms === undefined ? undefined : {overriddenDuration: ms, overriddenIterationCost: wallMs};
  };
}

export async function runCase<P>(v: KernelVariant<P>, p: P, opts: CaseOptions): Promise<CaseResult> {
  const base: CaseHead = caseBase(v, p, opts.seed);
  await v.init?.();
  const avail = v.available(opts.caps);
  if (!avail.ok) return {...base, state: 'skipped', reason: avail.reason};
  const sup = v.supports?.(p);
  if (sup && !sup.ok) return {...base, state: 'skipped', reason: sup.reason};
  const lim = v.limits?.(p);
  if (lim && !lim.ok && !opts.forced?.has(v.id)) return {...base, state: 'skipped', reason: lim.reason};

  const errored = (phase: ErroredCase['phase'], err: unknown): ErroredCase => ({
    ...base,
    state: 'errored',
    phase,
    error: errorMessage(err),
  });
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
    maybeInjectFault(v.id, out);
    let check: ReturnType<typeof v.spec.check>;
    try {
      check = v.spec.check(p, inputs, out, {toleranceScale: v.toleranceScale?.(p) ?? 1, seed: opts.seed});
    } catch (err) {
      return errored('check', err);
    }
    // Quantities the check measured (SVD errors…) travel with the row, pass or fail.
    if (check.metrics) base.metrics = {...base.metrics, ...check.metrics};
    if (!check.pass) return {...base, state: 'check-failed', check, firstCallMs};
    opts.onOutput?.(out);
    // A first call slower than the warm-up budget already warmed the code: don't repeat it.
    const timing = firstCallMs > opts.timing.warmupMs ? {...opts.timing, warmupMs: 0, warmupIterations: 0} : opts.timing;
    let samplesMs: number[];
    try {
      samplesMs = await opts.timer.measure(sampleFn(v, state), timing);
    } catch (err) {
      return errored('measure', err);
    }
    const stats = summarize(samplesMs);
    let measured: ReturnType<NonNullable<typeof v.measuredMetrics>> | undefined;
    try {
      measured = v.measuredMetrics?.(state);
    } catch (err) {
      return errored('measure', err);
    }
    return {
      ...base,
      ...(measured ? {metrics: {...(base as {metrics?: Record<string, number | string | boolean>}).metrics, ...measured}} : {}),
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

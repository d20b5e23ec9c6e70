// Runs a plan case by case. Inputs are made once per shape and shared by its variants, so every
// rung multiplies the same matrices. Stops between cases when the signal aborts (Ctrl-C).
import os from 'node:os';
import {gemmEngineBackend} from '../kernels/gemm/engines.js';
import {caseMachine, readMachine} from '../measure/canary.js';
import {runCase, stopRequested} from '../measure/runner.js';
import {collectContext} from '../measure/environment.js';
import {attachRoof} from '../measure/roofline.js';
import {withRoofsAndNative} from '../measure/roofs.js';
import {tinybenchTimer, type Timer, type TimingOptions} from '../measure/timer.js';
import {SCHEMA_VERSION, type CaseResult, type Report} from '../core/results.js';
import {acquireWebGpu, releaseWebGpu, webGpuContext} from '../webgpu/device.js';
import type {Plan} from './plan.js';

export interface SuiteOptions {
  seed: number;
  threads: number;
  timing: TimingOptions;
  timer?: Timer;
  signal?: AbortSignal;
  /** Called before each case starts (progress). */
  onStart?: (index: number, total: number, label: string) => void;
  /** Called with each finished case (incremental saving, live tables). */
  onResult?: (result: CaseResult, index: number, total: number) => void;
  /** Cores the machine has, for the under-load flag (default: this machine's). */
  cores?: number;
}

export const DEFAULT_TIMING: SuiteOptions['timing'] = {timeBudgetMs: 250, minSamples: 5, warmupMs: 50, warmupIterations: 1};

export function defaultThreads(): number {
  return os.availableParallelism?.() ?? os.cpus().length;
}

export function emptyReport(plan: Plan, opts: SuiteOptions): Report {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: 'dlbench',
    createdAt: new Date().toISOString(),
    interrupted: false,
    context: withRoofsAndNative(collectContext()),
    config: {preset: plan.preset, seed: opts.seed, threads: opts.threads, ...opts.timing},
    results: [],
  };
}

/** Runs every case of the plan; `report` (from emptyReport) fills as cases finish. */
export async function runSuite(plan: Plan, opts: SuiteOptions, report: Report = emptyReport(plan, opts)): Promise<Report> {
  const total = plan.cases.reduce((n, c) => n + c.variants.length, 0);
  // The GPU is probed only when a WebGPU variant is planned, and released at the end so the
  // process can exit (Dawn's GPU object keeps the event loop alive while it is held).
  const usesGpu = plan.cases.some((c) => c.variants.some((v) => v.backend === 'webgpu'));
  try {
    if (usesGpu) report.context.webgpu = webGpuContext(await acquireWebGpu());
    await runCases(plan, opts, report, total);
  } finally {
    if (usesGpu) releaseWebGpu();
  }
  report.interrupted = opts.signal?.aborted ?? false;
  return report;
}

async function runCases(plan: Plan, opts: SuiteOptions, report: Report, total: number): Promise<void> {
  let index = 0;
  for (const c of plan.cases) {
    if (opts.signal?.aborted) break;
    const inputs = c.op.spec.makeInputs(c.shape, opts.seed);
    for (const v of c.variants) {
      if (await stopRequested(opts.signal)) break;
      opts.onStart?.(index, total, `${c.op.spec.describe(c.shape)} ${v.id}`);
      const measure = () =>
        runCase(v, c.shape, {
          seed: opts.seed,
          caps: {threads: opts.threads},
          timing: opts.timing,
          timer: opts.timer ?? tinybenchTimer,
          forced: plan.forced,
          inputs,
        });
      const result = await withCanary(measure, opts.cores ?? defaultThreads());
      attachRoof(result, report.context, opts.threads, gemmEngineBackend);
      report.results.push(result);
      opts.onResult?.(result, index, total);
      index++;
    }
  }
}

/**
 * Runs a case between two canary readings and records them with the load average. A case whose
 * canary moved is measured once more right away: a clock change is usually brief, and the second
 * measurement, with a steady canary, is the one kept. If the canary moves again the case keeps
 * the flag and the gate will not judge it.
 */
export async function withCanary(measure: () => Promise<CaseResult>, cores: number, read = readMachine): Promise<CaseResult> {
  let result: CaseResult | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    const before = read();
    result = await measure();
    if (result.state !== 'ok') return result;
    const machine = caseMachine(before, read(), cores);
    if (attempt > 0) machine.remeasured = true;
    result.machine = machine;
    if (!machine.clockMoved) break;
  }
  return result!;
}

export function failedCount(report: Report): number {
  return report.results.filter((r) => r.state === 'check-failed' || r.state === 'errored').length;
}

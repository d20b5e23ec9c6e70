// The programmatic API: what the CLI does, for people embedding dlbench in their own harness.
import {findVariant, allOps as kernelOps, allVariants} from './kernels/registry.js';
import type {OpDefinition} from './core/types.js';
import {withNetLayers} from './nets/conv-layers.js';
import {buildPlan, type PlanRequest} from './suite/plan.js';
import {DEFAULT_TIMING, defaultThreads, runSuite, type SuiteOptions} from './suite/run-suite.js';
import type {Report} from './core/results.js';
import {PreparedKernel, resolve} from './suite/compute.js';

export type {Availability, Backend, Caps, CheckResult, KernelVariant, OpDefinition, OpName, OpSpec} from './core/types.js';
export type {CaseResult, Context, Report, Stats} from './core/results.js';
export type {Timer, TimingOptions} from './measure/timer.js';
export {SCHEMA_VERSION} from './core/results.js';
export {UsageError} from './core/errors.js';
export {DlbenchUsageError, type DlbenchErrorCode, type PreparedKernel} from './suite/compute.js';
export {summarize} from './measure/stats.js';
export {collectContext} from './measure/environment.js';
export {renderTables} from './report/table.js';
export {configureWebGpu, releaseWebGpu} from './webgpu/device.js';
export {readReport, parseReport, validateReport} from './report/validate.js';
export {EXPORTERS, findExporter} from './report/export/index.js';
export {
  compareReports,
  DEFAULT_COMPARE,
  type CompareOptions,
  type Comparison,
  type CaseComparison,
  type Verdict,
} from './report/compare/compare.js';
export {mannWhitneyU, bootstrapRatio} from './report/compare/stats.js';
export {renderHtml} from './report/html/page.js';
export {allVariants, findVariant};
export {nets} from './nets/defs.js';
export {findNet, planNet} from './nets/shapes.js';
export {forwardNet, profileNet, netTotals} from './nets/run-net.js';
export {resolveChoice} from './nets/kernels.js';
export {NET_LAYOUTS, type NetLayout} from './nets/layout.js';

/** Every op, with sizes and presets as the CLI reads them (conv2d takes named network layers). */
export function allOps(): OpDefinition[] {
  return kernelOps().map(withNetLayers);
}

export interface VariantSummary {
  id: string;
  op: string;
  backend: string;
  summary: string;
  available: boolean;
  reason?: string;
}

/** Every variant in ladder order, with whether it can run on this machine. */
export function listVariants(threads = defaultThreads()): VariantSummary[] {
  return allVariants().map((v) => {
    const a = v.available({threads});
    return {id: v.id, op: v.op, backend: v.backend, summary: v.summary, available: a.ok, ...(a.ok ? {} : {reason: a.reason})};
  });
}

/**
 * Computes one op with one variant on the caller's inputs, e.g.
 * `await compute('gemm/blocked', {m, n, k}, {a, b})` → C (Float32Array, row-major M×N).
 * The shape gets the CLI's defaults and rules; a shape the variant cannot compute, an unavailable
 * variant or inputs of the wrong length throw DlbenchUsageError (its `code` says which). No check
 * of the numbers and no timing: the caller owns them.
 */
export async function compute<O = unknown>(
  variantId: string,
  shape: unknown,
  inputs: unknown,
  opts: {threads?: number} = {},
): Promise<O> {
  const k = await open<O>(variantId, shape, opts);
  try {
    return await k.run(inputs);
  } finally {
    await k.close();
  }
}

/**
 * A variant validated and kept ready for many runs: `const k = await open(id, shape);
 * await k.run(inputs); …; await k.close()`. The prepared state (worker pool, GPU buffers) is reused
 * while the inputs' contents are unchanged; new contents prepare again. close() releases it all.
 */
export async function open<O = unknown>(
  variantId: string,
  shape: unknown,
  opts: {threads?: number} = {},
): Promise<PreparedKernel<O>> {
  const threads = opts.threads ?? defaultThreads();
  const r = await resolve(variantId, shape, threads);
  return new PreparedKernel<O>(r, threads);
}

/** Plans and runs a suite (the work of `dlbench run`), returning the report without writing it. */
export async function benchmark(req: PlanRequest, opts: Partial<SuiteOptions> = {}): Promise<Report> {
  const plan = buildPlan(req);
  return runSuite(plan, {seed: 42, threads: defaultThreads(), timing: DEFAULT_TIMING, ...opts});
}

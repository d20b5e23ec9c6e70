// `dlbench svd` past its flags: the plan (shapes, SVD rungs, low-rank study ranks), each shape's
// SVDs timed and checked on one shared input, then the optional low-rank GEMM study
// A·X ≈ U_k(Σ_k(V_kᵀX)). Stops between cases when the signal aborts (Ctrl-C).
import {UsageError} from '../core/errors.js';
import {createRng, deriveSeed, fillUniform} from '../core/rng.js';
import {expandSizeList, parsePositiveInt} from '../core/sizes.js';
import type {KernelVariant} from '../core/types.js';
import type {GemmEngine} from '../kernels/gemm/engine.js';
import {fastestEngine, findEngine} from '../kernels/gemm/engines.js';
import {parseMatrixKind} from '../kernels/svd/matrices.js';
import {full} from '../kernels/svd/full.js';
import {parseSvdShape, svd, svdShape} from '../kernels/svd/index.js';
import {lowRankFlops, lowRankProduct, lowRankWorkspace, relativeError, truncatedSvd} from '../kernels/svd/lowrank.js';
import {makeRandomized, randomized} from '../kernels/svd/randomized.js';
import type {SvdDtype, SvdInputs, SvdShape} from '../kernels/svd/spec.js';
import {runCase, stopRequested} from '../measure/runner.js';
import {summarize} from '../measure/stats.js';
import {tinybenchTimer, type TimingOptions} from '../measure/timer.js';
import type {CaseResult, Report} from '../core/results.js';
import type {LowRankGemmResult, LowRankGemmRow} from '../report/svd-table.js';
import {assertFits} from './plan.js';

export interface SvdRequest {
  size: string;
  rank: number;
  oversample: number;
  power?: number;
  gemm?: string;
  dtype: string;
  matrix: string;
  /** --variant: full, randomized (naming full runs it past its size limit). */
  variant?: string[];
  /** --lowrank-gemm: ranks of the low-rank GEMM study. */
  lowrankGemm?: string;
}

export interface SvdPlan {
  shapes: SvdShape[];
  variants: KernelVariant[];
  forced: Set<string>;
  engine?: GemmEngine;
  ranks: number[];
}

/** Checks every flag (bad input: UsageError) before any work starts. */
export function planSvd(req: SvdRequest): SvdPlan {
  const dtype = parseDtype(req.dtype);
  const matrix = parseMatrixKind(req.matrix);
  const engine = req.gemm ? findEngine(req.gemm) : undefined;
  const shapes: SvdShape[] = expandSizeList(req.size).map((tok) => {
    const {m, n} = parseSvdShape(tok.split('-')[0], '--size');
    // Refused, not clamped: a result labelled r100 must have been computed at rank 100.
    if (req.rank > Math.min(m, n))
      throw new UsageError(`--rank: ${req.rank} is more than min(m, n) of --size ${tok}. Valid: 1..${Math.min(m, n)}`);
    return svdShape(m, n, {rank: req.rank, oversample: req.oversample, power: req.power, dtype, matrix});
  });
  for (const p of shapes) assertFits(svd, p);
  const variants: KernelVariant[] = (req.variant ?? ['full', 'randomized']).map((w) => {
    if (w === 'full' || w === 'svd/full') return full;
    if (w === 'randomized' || w === 'svd/randomized') return engine ? makeRandomized(engine) : randomized;
    throw new UsageError(`--variant: unknown SVD '${w}'. Valid: full, randomized`);
  });
  const ranks = req.lowrankGemm
    ? expandSizeList(req.lowrankGemm, '--lowrank-gemm').map((t) => parsePositiveInt(t, '--lowrank-gemm'))
    : [];
  const smallest = Math.min(...shapes.map((p) => Math.min(p.m, p.n)));
  const tooBig = ranks.find((k) => k > smallest);
  if (tooBig !== undefined)
    throw new UsageError(`--lowrank-gemm: rank ${tooBig} is more than min(m, n) of --size. Valid: ranks 1..${smallest}`);
  const forced = new Set(req.variant?.some((w) => w.endsWith('full')) ? ['svd/full'] : []);
  return {shapes, variants, forced, engine, ranks};
}

function parseDtype(text: string): SvdDtype {
  if (text !== 'f32' && text !== 'f64') throw new UsageError(`--dtype: unknown element type '${text}'. Valid: f32, f64`);
  return text;
}

export interface SvdRunOptions {
  seed: number;
  threads: number;
  timing: TimingOptions;
  /** Columns N of X in the low-rank GEMM study. */
  cols: number;
  signal?: AbortSignal;
  onStart?: (index: number, total: number, label: string) => void;
  /** Called once per shape with its finished rows, then with its low-rank GEMM study (none when interrupted). */
  onShape?: (p: SvdShape, rows: CaseResult[]) => void;
  onStudy?: (p: SvdShape, study: LowRankGemmResult) => void;
}

/** Runs the plan; `report` fills as cases finish. Returns the low-rank GEMM studies. */
export async function runSvd(plan: SvdPlan, opts: SvdRunOptions, report: Report): Promise<LowRankGemmResult[]> {
  const studies: LowRankGemmResult[] = [];
  const total = plan.shapes.length * plan.variants.length;
  for (const p of plan.shapes) {
    if (opts.signal?.aborted) break;
    const inputs = svd.spec.makeInputs(p, opts.seed);
    const rows: CaseResult[] = [];
    for (const v of plan.variants) {
      if (await stopRequested(opts.signal)) break;
      opts.onStart?.(report.results.length, total, `${svd.spec.describe(p)} ${v.id}`);
      const r = await runCase(v, p, {
        seed: opts.seed,
        caps: {threads: opts.threads},
        timing: opts.timing,
        timer: tinybenchTimer,
        forced: plan.forced,
        inputs,
      });
      report.results.push(r);
      rows.push(r);
    }
    if (rows.length === 0) break;
    opts.onShape?.(p, rows);
    if (plan.ranks.length && !opts.signal?.aborted) {
      opts.onStart?.(report.results.length - 1, total, `${svd.spec.describe(p)} low-rank GEMM`);
      const study = await lowRankStudy(
        p,
        inputs,
        plan.ranks,
        opts.cols,
        plan.engine ?? fastestEngine({threads: opts.threads}),
        opts,
      );
      studies.push(study);
      opts.onStudy?.(p, study);
    }
  }
  report.interrupted = opts.signal?.aborted ?? false;
  return studies;
}

async function lowRankStudy(
  p: SvdShape,
  inputs: SvdInputs,
  ranks: number[],
  cols: number,
  engine: GemmEngine,
  {threads, timing, seed}: {threads: number; timing: TimingOptions; seed: number},
): Promise<LowRankGemmResult> {
  const a = inputs.a instanceof Float32Array ? inputs.a : Float32Array.from(inputs.a);
  const x = new Float32Array(p.n * cols);
  fillUniform(x, createRng(deriveSeed(seed, 41)));
  const exec = await engine.create({threads, maxM: p.m, maxN: cols, maxK: p.n});
  try {
    const exact = new Float32Array(p.m * cols);
    const fullCall = () => exec.gemm({m: p.m, n: cols, k: p.n, a, b: x, c: exact});
    await fullCall();
    const fullMs = summarize(await tinybenchTimer.measure(fullCall, timing)).medianMs;
    const maxRank = Math.min(Math.max(...ranks), p.m, p.n);
    const f = await truncatedSvd(a, p.m, p.n, maxRank, {exec, seed});
    const approx = new Float32Array(p.m * cols);
    const t = lowRankWorkspace(f, cols);
    const rows: LowRankGemmRow[] = [];
    for (const k of [...new Set(ranks.map((r) => Math.min(r, f.rank)))].sort((u, v) => u - v)) {
      const call = () => lowRankProduct(exec, f, k, p.m, p.n, x, cols, approx, t);
      await call();
      const relError = relativeError(approx, exact);
      const medianMs = summarize(await tinybenchTimer.measure(call, timing)).medianMs;
      rows.push({rank: k, medianMs, flops: lowRankFlops(p.m, p.n, cols, k), relError, speedup: fullMs / medianMs});
    }
    return {shape: `${p.m}x${p.n}`, cols, factors: f.method, gemm: engine.id, fullMs, rows};
  } finally {
    await exec.dispose?.();
  }
}

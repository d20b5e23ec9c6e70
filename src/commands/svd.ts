import {Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base.js';
import {accuracyTable, lowRankTable, slideBlock, type LowRankGemmRow} from '../cli/svd-report.js';
import {UsageError} from '../core/errors.js';
import {createRng, deriveSeed, fillUniform} from '../core/rng.js';
import {expandSizeList, parsePositiveInt} from '../core/sizes.js';
import type {KernelVariant} from '../core/types.js';
import {engineNames, fastestEngine, findEngine} from '../kernels/gemm/engines.js';
import {MATRIX_DESCRIPTIONS, MATRIX_KINDS, parseMatrixKind} from '../kernels/svd/matrices.js';
import {full} from '../kernels/svd/full.js';
import {DEFAULT_OVERSAMPLE, DEFAULT_RANK, parseSvdShape, svd, svdShape} from '../kernels/svd/index.js';
import {lowRankFlops, lowRankProduct, lowRankWorkspace, relativeError, truncatedSvd} from '../kernels/svd/lowrank.js';
import {makeRandomized, randomized} from '../kernels/svd/randomized.js';
import type {SvdDtype, SvdInputs, SvdShape} from '../kernels/svd/spec.js';
import {runCase} from '../measure/runner.js';
import {summarize} from '../measure/stats.js';
import {tinybenchTimer} from '../measure/timer.js';
import type {Report} from '../core/results.js';
import {assertWritable} from '../report/write.js';
import {writeFileAtomic} from '../core/write-file.js';
import {assertFits} from '../suite/plan.js';
import {DEFAULT_TIMING, emptyReport} from '../suite/run-suite.js';

export interface LowRankGemmResult {
  shape: string;
  cols: number;
  factors: 'full' | 'randomized';
  gemm: string;
  fullMs: number;
  rows: LowRankGemmRow[];
}

export default class Svd extends BaseCommand {
  static override summary = 'Full vs randomized SVD: time, error against the optimal rank-k error, σ errors, orthogonality; optional low-rank GEMM study.';

  static override examples = [
    '<%= config.bin %> svd',
    '<%= config.bin %> svd --size 1500x2500 --rank 15 --oversample 10 --power 7 --dtype f64',
    '<%= config.bin %> svd --size 1000x1000 --matrix image --lowrank-gemm 5,15,50',
  ];

  static override flags = {
    size: Flags.string({char: 's', description: "MxN (or N), lists '500x500,1000x1000'", default: '1000x1000'}),
    rank: Flags.integer({char: 'k', description: 'target rank k', default: DEFAULT_RANK, min: 1}),
    oversample: Flags.integer({char: 'p', description: 'oversampling p (randomized: k + p sketch columns)', default: DEFAULT_OVERSAMPLE, min: 0}),
    power: Flags.integer({char: 'q', description: 'power iterations q (default as scikit-learn: 7 if k < 0.1·min(m,n), else 4)', min: 0}),
    gemm: Flags.string({description: `GEMM engine for the randomized SVD's products: ${engineNames().join(', ')} (default: the fastest available)`}),
    dtype: Flags.string({description: 'element type: f32, f64', default: 'f32'}),
    matrix: Flags.string({description: `test matrix: ${MATRIX_KINDS.join(', ')}`, default: 'lowrank'}),
    variant: Flags.string({description: 'which SVDs: full, randomized (repeatable; naming full runs it past its size limit)', multiple: true}),
    'lowrank-gemm': Flags.string({description: "ranks for the low-rank GEMM study A·X ≈ U_k(Σ_k(V_kᵀX)), e.g. '5,15,50'"}),
    cols: Flags.integer({description: 'columns N of X in the low-rank GEMM study', default: 256, min: 1}),
    time: Flags.integer({description: 'measuring time budget per case, ms', default: DEFAULT_TIMING.timeBudgetMs, min: 1}),
    'min-samples': Flags.integer({description: 'minimum timed samples per case', default: DEFAULT_TIMING.minSamples, min: 1}),
    out: Flags.string({char: 'o', description: 'results file (default reports/svd-<timestamp>.json)'}),
  };

  async run(): Promise<{report: Report; lowRankGemm: LowRankGemmResult[]}> {
    const {flags} = await this.parse(Svd);
    // Validate everything before any work starts.
    const dtype = parseDtype(flags.dtype);
    const matrix = parseMatrixKind(flags.matrix);
    const engine = flags.gemm ? findEngine(flags.gemm) : undefined;
    const shapes: SvdShape[] = expandSizeList(flags.size).map((tok) => {
      const {m, n} = parseSvdShape(tok.split('-')[0], '--size');
      return svdShape(m, n, {rank: flags.rank, oversample: flags.oversample, power: flags.power, dtype, matrix});
    });
    for (const p of shapes) assertFits(svd, p);
    const wanted = flags.variant ?? ['full', 'randomized'];
    const variants: KernelVariant[] = wanted.map((w) => {
      if (w === 'full' || w === 'svd/full') return full;
      if (w === 'randomized' || w === 'svd/randomized') return engine ? makeRandomized(engine) : randomized;
      throw new UsageError(`--variant: unknown SVD '${w}'. Valid: full, randomized`);
    });
    const ranks = flags['lowrank-gemm'] ? expandSizeList(flags['lowrank-gemm'], '--lowrank-gemm').map((t) => parsePositiveInt(t, '--lowrank-gemm')) : [];
    const out = flags.out ?? defaultSvdOutPath();
    assertWritable(out, '--out');

    const threads = this.threadsOrDefault(flags.threads);
    const timing = {...DEFAULT_TIMING, timeBudgetMs: flags.time, minSamples: flags['min-samples']};
    const report = emptyReport({cases: [], forced: new Set()}, {seed: flags.seed, threads, timing});
    const forced = new Set(flags.variant?.some((w) => w.endsWith('full')) ? ['svd/full'] : []);
    const studies: LowRankGemmResult[] = [];
    const say = (text: string): void => {
      if (!this.jsonEnabled()) this.log(text);
    };
    for (const p of shapes) {
      const inputs = svd.spec.makeInputs(p, flags.seed);
      const rows = [];
      for (const v of variants) {
        const r = await runCase(v, p, {seed: flags.seed, caps: {threads}, timing, timer: tinybenchTimer, forced, inputs});
        report.results.push(r);
        rows.push(r);
      }
      say(`\nsvd ${p.m}x${p.n} ${p.dtype}, rank k=${p.rank}, oversampling p=${p.oversample}, power iterations q=${p.power}, seed ${flags.seed}`);
      say(`test matrix '${p.matrix}': ${MATRIX_DESCRIPTIONS[p.matrix]}; errors are ‖A − U_kΣ_kV_kᵀ‖_F/‖A‖_F at k=${Math.min(p.rank, p.m, p.n)}`);
      say(accuracyTable(rows, Boolean(process.stdout.isTTY)));
      say(slideBlock(rows, p.rank));
      if (ranks.length) {
        const study = await lowRankStudy(p, inputs, ranks, flags.cols, engine ?? fastestEngine({threads}), threads, timing, flags.seed);
        studies.push(study);
        say(`\nlow-rank GEMM: A (${p.m}x${p.n}) · X (${p.n}x${flags.cols}) on ${study.gemm}, factors from the ${study.factors} SVD`);
        say(lowRankTable(study.fullMs, 2 * p.m * p.n * flags.cols, study.rows, Boolean(process.stdout.isTTY)));
      }
    }
    writeFileAtomic(out, JSON.stringify(report, null, 2) + '\n');
    say(`results: ${out}`);
    this.setExitStatus(report, out);
    return {report, lowRankGemm: studies};
  }
}

function parseDtype(text: string): SvdDtype {
  if (text !== 'f32' && text !== 'f64') throw new UsageError(`--dtype: unknown element type '${text}'. Valid: f32, f64`);
  return text;
}

function defaultSvdOutPath(now = new Date()): string {
  return `reports/svd-${now.toISOString().replace(/[:.]/g, '-').replace('Z', '')}.json`;
}

async function lowRankStudy(p: SvdShape, inputs: SvdInputs, ranks: number[], cols: number, engine: ReturnType<typeof findEngine>,
  threads: number, timing: typeof DEFAULT_TIMING, seed: number): Promise<LowRankGemmResult> {
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

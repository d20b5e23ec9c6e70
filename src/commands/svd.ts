import {Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base.js';
import {engineNames} from '../kernels/gemm/engines.js';
import {MATRIX_KINDS} from '../kernels/svd/matrices.js';
import {DEFAULT_OVERSAMPLE, DEFAULT_RANK} from '../kernels/svd/index.js';
import type {Report} from '../core/results.js';
import {lowRankBlock, svdShapeBlock, type LowRankGemmResult} from '../report/svd-table.js';
import {defaultOutPath} from '../report/write.js';
import {DEFAULT_TIMING, emptyReport} from '../suite/run-suite.js';
import {planSvd, runSvd} from '../suite/svd.js';

export default class Svd extends BaseCommand {
  static override summary =
    'Full vs randomized SVD: time, error against the optimal rank-k error, σ errors, orthogonality; optional low-rank GEMM study.';

  static override examples = [
    '<%= config.bin %> svd',
    '<%= config.bin %> svd --size 1500x2500 --rank 15 --oversample 10 --power 7 --dtype f64',
    '<%= config.bin %> svd --size 1000x1000 --matrix image --lowrank-gemm 5,15,50',
  ];

  static override flags = {
    size: Flags.string({char: 's', description: "MxN (or N), lists '500x500,1000x1000'", default: '1000x1000'}),
    rank: Flags.integer({char: 'k', description: 'target rank k', default: DEFAULT_RANK, min: 1}),
    oversample: Flags.integer({
      char: 'p',
      description: 'oversampling p (randomized: k + p sketch columns)',
      default: DEFAULT_OVERSAMPLE,
      min: 0,
    }),
    power: Flags.integer({
      char: 'q',
      description: 'power iterations q (default as scikit-learn: 7 if k < 0.1·min(m,n), else 4)',
      min: 0,
    }),
    gemm: Flags.string({
      description: `GEMM engine for the randomized SVD's products: ${engineNames().join(', ')} (default: the fastest available)`,
    }),
    dtype: Flags.string({description: 'element type: f32, f64', default: 'f32'}),
    matrix: Flags.string({description: `test matrix: ${MATRIX_KINDS.join(', ')}`, default: 'lowrank'}),
    variant: Flags.string({
      description: 'which SVDs: full, randomized (repeatable; naming full runs it past its size limit)',
      multiple: true,
    }),
    'lowrank-gemm': Flags.string({description: "ranks for the low-rank GEMM study A·X ≈ U_k(Σ_k(V_kᵀX)), e.g. '5,15,50'"}),
    cols: Flags.integer({description: 'columns N of X in the low-rank GEMM study', default: 256, min: 1}),
    time: Flags.integer({description: 'measuring time budget per case, ms', default: DEFAULT_TIMING.timeBudgetMs, min: 1}),
    'min-samples': Flags.integer({description: 'minimum timed samples per case', default: DEFAULT_TIMING.minSamples, min: 1}),
    out: Flags.string({char: 'o', description: 'results file (default reports/svd-<timestamp>.json)'}),
  };

  async run(): Promise<{report: Report; lowRankGemm: LowRankGemmResult[]}> {
    const {flags} = await this.parse(Svd);
    const plan = planSvd({...flags, lowrankGemm: flags['lowrank-gemm']});
    const ctx = this.runContext({out: flags.out, defaultOut: defaultOutPath(new Date(), 'svd')});

    const threads = this.threadsOrDefault(flags.threads);
    const timing = {...DEFAULT_TIMING, timeBudgetMs: flags.time, minSamples: flags['min-samples']};
    const report = emptyReport({cases: [], forced: new Set()}, {seed: flags.seed, threads, timing});
    const color = Boolean(process.stdout.isTTY);
    const lowRankGemm = await ctx.measure(report, ({signal, onStart, clearProgress}) => {
      // Each shape's tables print as soon as it is done, over the progress line.
      const say = (text: string): void => {
        clearProgress();
        if (!this.jsonEnabled()) this.log(text);
      };
      return runSvd(
        plan,
        {
          seed: flags.seed,
          threads,
          timing,
          cols: flags.cols,
          signal,
          onStart,
          onShape: (p, rows) => say(svdShapeBlock(p, rows, flags.seed, color)),
          onStudy: (p, study) => say(lowRankBlock(p, study, color)),
        },
        report,
      );
    });
    ctx.save(report);
    if (!this.jsonEnabled()) this.log(`results: ${ctx.out}`);
    this.setExitStatus(report, ctx);
    return {report, lowRankGemm};
  }
}

import {Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base.js';
import {assertThreads, maxCasesFlag} from '../cli/common-flags.js';
import {allOps, findOp} from '../kernels/registry.js';
import type {Report} from '../core/results.js';
import {renderSweep, threadsOf} from '../report/sweep.js';
import {defaultOutPath} from '../report/write.js';
import {assertCaseCount, buildPlan} from '../suite/plan.js';
import {DEFAULT_TIMING, defaultThreads, emptyReport} from '../suite/run-suite.js';
import {isParallel, parseThreadList, runSweep, THREADS_SYNTAX} from '../suite/sweep.js';

export default class Sweep extends BaseCommand {
  static override summary = 'Time variants over a size range (and thread counts): best per size, crossovers, scaling.';

  static override examples = [
    '<%= config.bin %> sweep --size 128..1024*2',
    "<%= config.bin %> sweep --size 512,1024 --variant gemm/blocked --variant 'gemm/workers' --threads 1..2",
  ];

  static override flags = {
    op: Flags.string({
      description: `op to sweep: ${allOps()
        .map((o) => o.name)
        .join(', ')}`,
      default: 'gemm',
    }),
    variant: Flags.string({
      char: 'v',
      description: 'variant ids or globs (default: every rung of the op but its first, the textbook baseline)',
      multiple: true,
    }),
    size: Flags.string({char: 's', description: "sizes: N, MxNxK, lists '256,512', ranges '64..1024*2'", default: '128..1024*2'}),
    // Overrides the common integer --threads: a sweep takes a list or range of thread counts.
    threads: Flags.string({
      description: `thread counts for parallel variants: ${THREADS_SYNTAX} (default: all cores)`,
      helpGroup: 'COMMON',
    }),
    time: Flags.integer({description: 'measuring time budget per case, ms', default: DEFAULT_TIMING.timeBudgetMs, min: 1}),
    'min-samples': Flags.integer({description: 'minimum timed samples per case', default: DEFAULT_TIMING.minSamples, min: 1}),
    out: Flags.string({char: 'o', description: 'results file (default reports/run-<timestamp>.json)'}),
    'max-cases': maxCasesFlag,
  };

  async run(): Promise<Report> {
    const {flags} = await this.parse(Sweep);
    const threadsText = flags.threads as unknown as string | undefined;
    const threads = threadsText === undefined ? [defaultThreads()] : parseThreadList(threadsText);
    assertThreads(threads);
    const op = findOp(flags.op);
    const variants = flags.variant?.length ? flags.variant : op.variants.slice(1).map((v) => v.id);
    const plan = buildPlan({ops: [op.name], variants, sizes: flags.size, maxCases: flags['max-cases']});
    // A parallel variant runs once per thread count.
    assertCaseCount(
      plan.cases.reduce((n, c) => n + c.variants.reduce((m, v) => m + (isParallel(v) ? threads.length : 1), 0), 0),
      flags['max-cases'],
    );
    const ctx = this.runContext({out: flags.out, defaultOut: defaultOutPath()});

    const timing = {...DEFAULT_TIMING, timeBudgetMs: flags.time, minSamples: flags['min-samples']};
    const report = emptyReport(plan, {seed: flags.seed, timing, threads: Math.max(...threads)});
    await ctx.measure(report, ({signal, onStart}) =>
      runSweep(plan, threads, {seed: flags.seed, timing, signal, onStart}, report),
    );
    ctx.save(report);
    if (!this.jsonEnabled()) {
      const parallel = new Set<string>(
        plan.cases
          .flatMap((c) => c.variants)
          .filter(isParallel)
          .map((v) => v.id),
      );
      this.log(renderSweep(report.sweep!, parallel, {color: Boolean(process.stdout.isTTY), results: report.results}));
      const skipped = new Map<string, string[]>();
      for (const r of report.results) {
        if (r.state === 'errored') this.log(`ERROR ${r.variant} ${r.shapeText} (${r.phase}): ${r.error}`);
        else if (r.state === 'check-failed')
          this.log(
            `FAIL ${r.variant} ${r.shapeText}: error ${r.check.error.toExponential(2)} > ${r.check.tolerance.toExponential(2)}`,
          );
        else if (r.state === 'skipped') {
          const key = `${r.variant}${parallel.has(r.variant) ? ` ×${threadsOf(r)}` : ''}: ${r.reason}`;
          skipped.set(key, [...(skipped.get(key) ?? []), r.shapeText]);
        }
      }
      // One line per variant and reason, not per size: a thread count a variant refuses is one fact.
      for (const [key, sizes] of skipped) this.log(`skipped ${key} (${sizes.length === 1 ? sizes[0] : `${sizes.length} sizes`})`);
      this.log(`results: ${ctx.out}`);
    }
    this.setExitStatus(report, ctx);
    return report;
  }
}

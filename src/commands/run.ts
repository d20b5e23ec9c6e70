import {Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base.js';
import {checkBaselineFits, checkGateFlags} from '../cli/baseline-flags.js';
import {maxCasesFlag} from '../cli/common-flags.js';
import {RunContext} from '../cli/run-context.js';
import {compareFiles, exportFlags, loadBaseline, runGateFlags} from '../cli/report-flags.js';
import {renderComparisonTable} from '../report/compare/render.js';
import {allOps} from '../kernels/registry.js';
import {renderTables} from '../report/table.js';
import {defaultOutPath} from '../report/write.js';
import type {Report} from '../core/results.js';
import {buildPlan, DEFAULT_PRESET, presetNames} from '../suite/plan.js';
import {DEFAULT_TIMING, emptyReport, runSuite} from '../suite/run-suite.js';
import {CHILD_PROGRESS_ENV, childProcessRole, runInProcesses} from '../suite/processes.js';
import {poolRepetition} from '../suite/repetitions.js';
import path from 'node:path';

export default class Run extends BaseCommand {
  static override summary = 'Check, then time, a ladder of kernel variants; print a table and save JSON results.';

  static override examples = [
    '<%= config.bin %> run',
    '<%= config.bin %> run --op gemm --size 1024',
    "<%= config.bin %> run --variant 'gemm/*' --size 256x512x1024,64..1024*2",
    '<%= config.bin %> run --preset deepbench --out reports/deepbench.json',
  ];

  static override flags = {
    op: Flags.string({
      description: `op(s) to run: ${allOps()
        .map((o) => o.name)
        .join(', ')}`,
      multiple: true,
      delimiter: ',',
    }),
    variant: Flags.string({char: 'v', description: "variant ids or globs ('gemm/*'); repeatable", multiple: true}),
    size: Flags.string({char: 's', description: "sizes: N, MxNxK, lists '256,512', ranges '64..1024*2' (overrides --preset)"}),
    preset: Flags.string({description: `named set of sizes: ${presetNames().join(', ')}`, default: DEFAULT_PRESET}),
    time: Flags.integer({description: 'measuring time budget per case, ms', default: DEFAULT_TIMING.timeBudgetMs, min: 1}),
    'min-samples': Flags.integer({description: 'minimum timed samples per case', default: DEFAULT_TIMING.minSamples, min: 1}),
    out: Flags.string({char: 'o', description: 'results file (default reports/run-<timestamp>.json)'}),
    repetitions: Flags.integer({
      description: "run the whole plan this many times and pool each case's samples (steadier medians on a shared machine)",
      default: 1,
      min: 1,
    }),
    processes: Flags.integer({
      description:
        'run the plan in this many fresh processes, one after another, and pool them; compare then judges on the spread of the per-process medians',
      default: 1,
      min: 1,
    }),
    'max-cases': maxCasesFlag,
    ...exportFlags,
    ...runGateFlags,
  };

  async run(): Promise<Report> {
    const {flags} = await this.parse(Run);
    this.configureGpu(flags);
    checkGateFlags(flags);
    const plan = buildPlan({
      ops: flags.op,
      variants: flags.variant,
      sizes: flags.size,
      preset: flags.preset,
      maxCases: flags['max-cases'],
    });
    // A child of --processes writes its results where the parent reads them, and nothing else.
    const child = childProcessRole();
    const ctx = child
      ? new RunContext({out: child.out, defaultOut: child.out, progress: child.progress && Boolean(process.stderr.isTTY)})
      : this.runContext({out: flags.out, defaultOut: defaultOutPath(), exportFlags: flags});
    // Output paths first (-o equal to the baseline is an --out error), then the baseline against the plan.
    const baseline = child ? undefined : loadBaseline(flags, flags.seed);
    if (baseline) checkBaselineFits(baseline, plan);

    const threads = this.threadsOrDefault(flags.threads);
    const timing = {...DEFAULT_TIMING, timeBudgetMs: flags.time, minSamples: flags['min-samples']};
    const report = emptyReport(plan, {seed: flags.seed, threads, timing});
    if (flags.repetitions > 1) report.config.repetitions = flags.repetitions;
    const processes = child ? 1 : flags.processes;
    if (processes > 1) report.config.processes = processes;
    await ctx.measure(report, async ({signal, onStart}) => {
      if (processes > 1) {
        const outcome = await runInProcesses({
          args: [...process.execArgv, path.join(this.config.root, 'bin', 'run.js'), 'run', ...this.argv],
          processes,
          signal,
          env: this.interactive() && process.stderr.isTTY ? {[CHILD_PROGRESS_ENV]: '1'} : {},
          onPooled: (results) => {
            report.results = results;
          },
        });
        report.results = outcome.results;
        if (outcome.interrupted) report.interrupted = true;
        return;
      }
      const label = (text: string): string => (child ? `[process ${child.label}] ${text}` : text);
      const opts = {seed: flags.seed, threads, timing, signal};
      await runSuite(plan, {...opts, onStart: (i, n, text) => onStart(i, n, label(text))}, report);
      for (let rep = 1; rep < flags.repetitions && !signal.aborted; rep++) {
        const pass = await runSuite(plan, {
          ...opts,
          onStart: (i, n, text) => onStart(i, n, label(`[${rep + 1}/${flags.repetitions}] ${text}`)),
        });
        if (!pass.interrupted) poolRepetition(report.results, pass.results);
      }
    });
    if (child) {
      ctx.save(report);
      if (report.interrupted) process.exitCode = ctx.interruptExitCode;
      return report;
    }
    ctx.save(report);
    if (!this.jsonEnabled()) {
      this.log(renderTables(report, {color: Boolean(process.stdout.isTTY)}));
      this.log(`results: ${ctx.out}`);
    }
    const comparison =
      baseline && !report.interrupted ? compareFiles(baseline, {file: ctx.out, report}, baseline.opts) : undefined;
    await ctx.writeExports(report, comparison);
    if (comparison && !this.jsonEnabled()) this.log(renderComparisonTable(comparison, {color: Boolean(process.stdout.isTTY)}));
    if (!this.setExitStatus(report, ctx) && comparison?.failed && flags['fail-on-regression']) {
      this.logToStderr(`regression against ${baseline!.file}: see the comparison above`);
      process.exitCode = 1;
    }
    return report;
  }
}

import {appendFileSync} from 'node:fs';
import {Args, Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base.js';
import {compareFiles, compareOptions, gateFlags} from '../cli/report-flags.js';
import type {Comparison} from '../report/compare/compare.js';
import {renderComparisonMarkdown, renderComparisonTable} from '../report/compare/render.js';
import {readReport} from '../report/validate.js';
import {assertDistinct, assertWritable} from '../report/write.js';
import {writeFileAtomic} from '../core/write-file.js';

export default class Compare extends BaseCommand {
  static override summary =
    'Compare a run with a baseline case by case (ratio of medians, bootstrap CI and Mann–Whitney U, or Welch between processes); exit 1 on a regression.';

  static override description =
    `A case is a regression only when the U test is significant (p < 0.01) AND the whole 95% bootstrap CI of
current/baseline time lies above 1 + threshold; it is an improvement when significant and the CI lies below
1/(1 + threshold); pass when the CI lies within both limits; inconclusive otherwise (too noisy, too few samples).
--normalize divides every time by a calibration case of the same run, so a baseline from another machine can gate;
the table then shows the raw change beside the normalized one, and a case whose raw and normalized verdicts
differ is inconclusive (it neither fails nor passes the gate). A calibration case whose median's 95% CI is wider
than ±threshold is refused (exit 2). Cases match on op, variant, shape, threads and layer; a key twice in one
file is an error (exit 2).
When both files come from \`run --processes N\` (N ≥ 2), a case is judged on its per-process medians instead:
the ratio of their geometric means, CI and p from Welch's t test on their logs (normalized process by process),
so the spread between processes, which one process cannot show, sets the width. Otherwise a note says the
evidence comes from one process only. A case whose clock canary moved while it ran (results' machine.clockMoved)
is not judged: inconclusive, "machine slowed down"; with "refuseUnderLoad": true in the --thresholds file
(bench/gate.json has it), neither is a case run with the load average above the machine's cores.
--seed seeds the bootstrap: the same files and seed give the same intervals.
Exit codes: 0 pass, 1 regression or a failed check in the current run, 2 bad or mismatched input.`;

  static override args = {
    baseline: Args.string({description: 'baseline results JSON', required: true}),
    current: Args.string({description: 'current results JSON', required: true}),
  };

  static override examples = [
    '<%= config.bin %> compare bench/baseline-ci.json reports/ci.json',
    '<%= config.bin %> compare base.json cur.json --normalize gemm/naive-ijk --threshold 25',
    '<%= config.bin %> compare base.json cur.json --thresholds bench/gate.json --markdown "$GITHUB_STEP_SUMMARY"',
  ];

  static override flags = {
    ...gateFlags,
    markdown: Flags.string({
      description: 'also write the comparison as markdown to this file (appends when it is $GITHUB_STEP_SUMMARY)',
    }),
  };

  async run(): Promise<Comparison> {
    const {args, flags} = await this.parse(Compare);
    if (flags.markdown !== undefined && flags.markdown !== process.env.GITHUB_STEP_SUMMARY) {
      assertWritable(flags.markdown, '--markdown');
      assertDistinct(
        [['--markdown', flags.markdown]],
        [
          ['the baseline argument', args.baseline],
          ['the current argument', args.current],
        ],
      );
    }
    const opts = compareOptions(flags, flags.seed);
    const cmp = compareFiles(
      {file: args.baseline, report: readReport(args.baseline)},
      {file: args.current, report: readReport(args.current)},
      opts,
    );
    if (!this.jsonEnabled()) this.log(renderComparisonTable(cmp, {color: Boolean(process.stdout.isTTY)}));
    if (flags.markdown !== undefined) writeMarkdown(flags.markdown, renderComparisonMarkdown(cmp));
    if (cmp.failed) process.exitCode = 1;
    return cmp;
  }
}

/** The step summary file is shared by every step of a job: append to it, never replace it. */
export function writeMarkdown(file: string, text: string): void {
  if (file === process.env.GITHUB_STEP_SUMMARY) {
    appendFileSync(file, text);
  } else {
    writeFileAtomic(file, text);
  }
}

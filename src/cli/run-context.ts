// What every measuring command (run, sweep, net, svd) does around its work: the output path and
// the exports checked writable before anything is measured, a progress line, Ctrl-C/SIGTERM
// saving the finished cases (report marked interrupted, exit 130 for SIGINT, 143 for SIGTERM), and the files written at the end.
import type {Comparison} from '../report/compare/compare.js';
import type {Report} from '../core/results.js';
import {writeFileAtomic} from '../core/write-file.js';
import {assertDistinct, assertWritable} from '../report/write.js';
import {INTERRUPTED_EXIT_CODE, Interrupt, readyLinesEnabled} from './interrupt.js';
import {Progress} from './progress.js';
import {plannedExports, writeExports} from './report-flags.js';

export interface RunContextOptions {
  /** --out as given; undefined picks `defaultOut`. */
  out: string | undefined;
  defaultOut: string;
  /** The command's flags when it takes --export-* / --export-html. */
  exportFlags?: Record<string, unknown>;
  /** Show the progress line (a person at a terminal). */
  progress: boolean;
  /** What a result row is, for the interrupted message: case, layer. */
  unit?: string;
}

/** Hooks handed to the measuring work. */
export interface MeasureHooks {
  signal: AbortSignal;
  onStart: (index: number, total: number, label: string) => void;
  /** Clears the progress line before the work prints to the terminal itself. */
  clearProgress: () => void;
}

export function interruptedMessage(report: Report, out: string, unit: string): string {
  return `interrupted: ${report.results.length} finished ${unit}(s) saved to ${out}`;
}

export class RunContext {
  readonly out: string;
  readonly unit: string;
  private readonly exports: {flag: string; file: string}[];
  private readonly progress: Progress;
  /** 130 after SIGINT, 143 after SIGTERM (interrupt.ts); 130 for a report marked interrupted otherwise. */
  interruptExitCode = INTERRUPTED_EXIT_CODE;

  /** Validates the output files (bad input: exit 2) before any work starts. */
  constructor(opts: RunContextOptions) {
    this.out = opts.out ?? opts.defaultOut;
    this.unit = opts.unit ?? 'case';
    assertWritable(this.out, '--out');
    this.exports = opts.exportFlags ? plannedExports(opts.exportFlags) : [];
    // --baseline is read after the run: an output that replaced it would be compared with itself.
    const baseline = opts.exportFlags?.baseline;
    assertDistinct(
      [['--out', this.out], ...this.exports.map((e): [string, string] => [e.flag, e.file])],
      typeof baseline === 'string' ? [['--baseline', baseline]] : [],
    );
    this.progress = new Progress(opts.progress);
  }

  /** Runs `work` (it stops early when `signal` aborts); a second Ctrl-C or SIGTERM saves `report`'s finished rows and exits. */
  async measure<T>(report: Report, work: (hooks: MeasureHooks) => Promise<T>): Promise<T> {
    const interrupt = new Interrupt(() => {
      this.progress.clear();
      report.interrupted = true;
      this.save(report);
      process.stderr.write(`${interruptedMessage(report, this.out, this.unit)}\n`);
    });
    const hooks: MeasureHooks = {
      signal: interrupt.signal,
      onStart: (i, n, label) => {
        // Tests wait for these lines (not a fixed delay) before they send a signal.
        if (readyLinesEnabled()) process.stderr.write(`dlbench: started ${i + 1}/${n} ${label}\n`);
        this.progress.update(i, n, label);
      },
      clearProgress: () => this.progress.clear(),
    };
    try {
      return await interrupt.guard(() => work(hooks));
    } finally {
      this.progress.clear();
      // A signal during the last case aborts nothing left to run, yet the run was interrupted.
      if (interrupt.aborted) report.interrupted = true;
      this.interruptExitCode = interrupt.exitCode ?? INTERRUPTED_EXIT_CODE;
    }
  }

  save(report: Report): void {
    writeFileAtomic(this.out, JSON.stringify(report, null, 2) + '\n');
  }

  async writeExports(report: Report, comparison?: Comparison): Promise<void> {
    await writeExports(report, this.exports, this.out, comparison);
  }
}

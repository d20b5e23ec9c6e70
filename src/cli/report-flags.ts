// Flags shared by `run`, `report` and `compare`: file exports (--export-<format>, --html) and the
// regression gate (--baseline, --threshold, --thresholds, --normalize). Kept here so each
// command adds them with one spread and one call.
import path from 'node:path';
import {Flags} from '@oclif/core';
import {EXPORTERS} from '../report/export/index.js';
import {compareReports, type CompareOptions, type Comparison} from '../report/compare/compare.js';
import {parsePercent, readCompareConfig} from '../report/compare/config.js';
import type {Source} from '../report/html/data.js';
import type {Report} from '../core/results.js';
import {readReport} from '../report/validate.js';
import {assertWritable} from '../report/write.js';
import {writeFileAtomic} from '../core/write-file.js';

export const exportFlags = {
  ...Object.fromEntries(
    EXPORTERS.map((e) => [
      `export-${e.name}`,
      Flags.string({description: `also write ${e.description} to this file`, helpGroup: 'EXPORT'}),
    ]),
  ),
  'export-html': Flags.string({
    description: 'also write the self-contained HTML report (charts, tables) to this file',
    helpGroup: 'EXPORT',
  }),
} as Record<string, ReturnType<typeof Flags.string>>;

type FlagValues = Record<string, unknown>;

/** The exports asked for, checked writable before any work starts. */
export function plannedExports(flags: FlagValues): {flag: string; file: string}[] {
  const out = [...EXPORTERS.map((e) => `export-${e.name}`), 'export-html']
    .filter((f) => typeof flags[f] === 'string')
    .map((f) => ({flag: `--${f}`, file: flags[f] as string}));
  for (const e of out) assertWritable(e.file, e.flag);
  return out;
}

export async function writeExports(
  report: Report,
  exports: {flag: string; file: string}[],
  label: string,
  comparison?: Comparison,
): Promise<void> {
  for (const {flag, file} of exports) {
    const name = flag.replace(/^--export-/, '');
    // Loaded on demand: the HTML page pulls in Vega, which every command would otherwise load at start.
    const text =
      name === 'html'
        ? await (await import('../report/html/page.js')).renderHtml({sources: [{label, report}], comparison})
        : EXPORTERS.find((e) => e.name === name)!.render(report);
    writeFileAtomic(file, text);
  }
}

export const gateFlags = {
  threshold: Flags.string({
    description: 'allowed slowdown in percent before a case can be a regression (default 10)',
    helpGroup: 'GATE',
  }),
  thresholds: Flags.string({
    description: 'JSON config: {"threshold": 10, "thresholds": {"gemm/blocked@*": 25}, "normalize": "gemm/naive-ijk"}',
    helpGroup: 'GATE',
  }),
  normalize: Flags.string({
    description: "divide every time by a calibration case of the same run: a variant id (same shape) or 'variant@shape'",
    helpGroup: 'GATE',
  }),
};

export function compareOptions(flags: FlagValues, seed: number): Partial<CompareOptions> {
  const fromFile = typeof flags.thresholds === 'string' ? readCompareConfig(flags.thresholds, '--thresholds') : {};
  return {
    ...fromFile,
    seed,
    ...(typeof flags.threshold === 'string' ? {threshold: parsePercent(flags.threshold, '--threshold')} : {}),
    ...(typeof flags.normalize === 'string' ? {normalize: flags.normalize} : {}),
  };
}

export function compareFiles(
  baseline: {file: string; report: Report},
  current: {file: string; report: Report},
  opts: Partial<CompareOptions>,
): Comparison {
  return compareReports(baseline.report, current.report, opts, {baseline: baseline.file, current: current.file});
}

/** Reads several results files and gives each a short unique label (its file name). */
export function readSources(files: string[]): Source[] {
  const reports = files.map((f) => readReport(f));
  const base = files.map((f) => path.basename(f));
  return reports.map((report, i) => ({report, label: base.filter((b) => b === base[i]).length > 1 ? files[i] : base[i]}));
}

export const runGateFlags = {
  baseline: Flags.string({
    description: 'compare this run with a baseline results file and print the comparison',
    helpGroup: 'GATE',
  }),
  'fail-on-regression': Flags.boolean({description: 'with --baseline: exit 1 when a case regressed', helpGroup: 'GATE'}),
  ...gateFlags,
};

/** `run --baseline`: read and check the baseline before measuring anything (bad input: exit 2). */
export function loadBaseline(
  flags: FlagValues,
  seed: number,
): {file: string; report: Report; opts: Partial<CompareOptions>} | undefined {
  if (typeof flags.baseline !== 'string') return undefined;
  return {file: flags.baseline, report: readReport(flags.baseline), opts: compareOptions(flags, seed)};
}

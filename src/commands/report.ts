import {Args, Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base.js';
import {compareFiles, compareOptions, gateFlags, readSources} from '../cli/report-flags.js';
import {badFlag, UsageError} from '../core/errors.js';
import {EXPORT_FORMATS, findExporter} from '../report/export/index.js';
import {renderHtml} from '../report/html/page.js';
import {readReport} from '../report/validate.js';
import {assertDistinct, assertWritable} from '../report/write.js';
import {writeFileAtomic} from '../core/write-file.js';

export default class Report extends BaseCommand {
  static override summary =
    'Turn results files into a table, markdown, CSV, google-benchmark or github-action-benchmark JSON, or a self-contained HTML report.';

  static override strict = false;

  static override args = {
    files: Args.string({description: 'results JSON files (several: compared side by side in HTML)', required: true}),
  };

  static override examples = [
    '<%= config.bin %> report reports/run.json --format markdown >> "$GITHUB_STEP_SUMMARY"',
    '<%= config.bin %> report reports/run.json --html reports/run.html',
    '<%= config.bin %> report linux.json mac.json --html matrix.html --baseline bench/baseline-ci.json',
  ];

  static override flags = {
    format: Flags.string({char: 'f', description: `text format: ${EXPORT_FORMATS.join(', ')}`}),
    out: Flags.string({char: 'o', description: 'write the --format output to this file instead of stdout'}),
    html: Flags.string({description: 'write the self-contained HTML report (charts and sortable tables) to this file'}),
    baseline: Flags.string({description: 'a baseline results file: the HTML shows the comparison of the first file against it'}),
    ...gateFlags,
  };

  async run(): Promise<{files: string[]; written: string[]}> {
    const {argv, flags} = await this.parse(Report);
    const files = argv as string[];
    if (!flags.format && flags.html === undefined)
      throw new UsageError(`report: nothing to do. Valid: --format ${EXPORT_FORMATS.join('|')} and/or --html <file>`);
    const exporter = flags.format ? findExporter(flags.format, '--format') : undefined;
    if (exporter && files.length > 1 && !['table', 'markdown'].includes(exporter.name)) {
      throw badFlag('--format', exporter.name, `table or markdown for several files; ${exporter.name} takes one results file`);
    }
    if (flags.out !== undefined) assertWritable(flags.out, '--out');
    if (flags.html !== undefined) assertWritable(flags.html, '--html');
    assertDistinct(
      [
        ...(flags.out === undefined ? [] : [['--out', flags.out] as [string, string]]),
        ...(flags.html === undefined ? [] : [['--html', flags.html] as [string, string]]),
      ],
      [
        ...files.map((f): [string, string] => ['a results file argument', f]),
        ...(flags.baseline ? [['--baseline', flags.baseline] as [string, string]] : []),
      ],
    );
    const sources = readSources(files);
    const written: string[] = [];
    if (exporter) {
      const text = sources
        .map((s) => (sources.length > 1 && exporter.name === 'table' ? `== ${s.label}\n` : '') + exporter.render(s.report))
        .join('\n');
      if (flags.out !== undefined) {
        writeFileAtomic(flags.out, text);
        written.push(flags.out);
      } else if (!this.jsonEnabled()) {
        process.stdout.write(text);
      }
    }
    if (flags.html !== undefined) {
      const comparison = flags.baseline
        ? compareFiles(
            {file: flags.baseline, report: readReport(flags.baseline)},
            {file: files[0], report: sources[0].report},
            compareOptions(flags, flags.seed),
          )
        : undefined;
      writeFileAtomic(flags.html, await renderHtml({sources, comparison}));
      written.push(flags.html);
      if (!this.jsonEnabled()) this.logToStderr(`report: ${flags.html}`);
    }
    return {files, written};
  }
}

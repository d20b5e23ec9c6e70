// The report, compare and run-gate commands as users run them: exit codes, one-line errors,
// files written atomically, the gate's verdict printed before the exit.
import {mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {toJson} from '../../src/report/export/json.js';
import {parseReport} from '../../src/report/validate.js';
import {runCli} from '../helpers/cli.js';
import {fullReport, gemmReport} from '../helpers/reports.js';

let dir: string;
const f = (name: string): string => path.join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-report-'));
  writeFileSync(f('full.json'), toJson(fullReport()));
  writeFileSync(f('base.json'), toJson(gemmReport(100)));
  writeFileSync(f('same.json'), toJson(gemmReport(200)));
  writeFileSync(f('slow.json'), toJson(gemmReport(300, {slowVariant: 'gemm/blocked', scale: 1.2})));
  writeFileSync(f('machine.json'), toJson(gemmReport(400, {machine: 1.5})));
  const text = toJson(gemmReport(1));
  writeFileSync(f('truncated.json'), text.slice(0, Math.floor(text.length * 0.6)));
  writeFileSync(
    f('gate.json'),
    JSON.stringify({threshold: 10, normalize: 'gemm/naive-ijk', thresholds: {'gemm/reordered-ikj@*': 30}}),
  );
});

describe('dlbench report', () => {
  it('writes every text format, to stdout or to a file', async () => {
    for (const fmt of ['table', 'json', 'markdown', 'csv', 'gbench', 'gab-smaller', 'gab-bigger']) {
      const res = await runCli(['report', f('full.json'), '--format', fmt]);
      expect(res.code, `${fmt}: ${res.stderr}`).toBe(0);
      expect(res.stdout.length).toBeGreaterThan(100);
    }
    const res = await runCli(['report', f('full.json'), '--format', 'json', '--out', f('copy.json')]);
    expect(res.code).toBe(0);
    expect(parseReport(readFileSync(f('copy.json'), 'utf8'), 'copy.json').results.length).toBe(fullReport().results.length);
  });

  it('writes a self-contained HTML file: inline SVG charts, no external resource', async () => {
    const res = await runCli(['report', f('full.json'), '--html', f('r.html')]);
    expect(res.code, res.stderr).toBe(0);
    const html = readFileSync(f('r.html'), 'utf8');
    expect(html.match(/<figure class="chart"/g)!.length).toBeGreaterThanOrEqual(6);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(readdirSync(dir).filter((x) => x.startsWith('.dlbench-tmp'))).toEqual([]);
  });

  it('refuses a truncated file in one line naming it, exit 2, nothing written', async () => {
    const res = await runCli(['report', f('truncated.json'), '--html', f('never.html')]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain(`${f('truncated.json')}: not valid JSON`);
    expect(existsSync(f('never.html'))).toBe(false);
  });

  it('names the valid formats for a bad --format, exit 2', async () => {
    const res = await runCli(['report', f('full.json'), '--format', 'xml']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--format: invalid value 'xml'. Valid: table, json, markdown/);
  });
});

describe('dlbench compare', () => {
  it('exit 0 for a rerun of the same build', async () => {
    const res = await runCli(['compare', f('base.json'), f('same.json')]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^PASS: 6 pass/m);
  });

  it('exit 1 for a 20% slowdown, with the case named', async () => {
    const res = await runCli(['compare', f('base.json'), f('slow.json'), '--markdown', f('cmp.md')]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/gemm\/blocked@64x64x64 .* REGRESSION/);
    expect(readFileSync(f('cmp.md'), 'utf8')).toMatch(/🔴 regression/);
  });

  it('appends to the GitHub step summary instead of replacing it', async () => {
    const summary = f('summary.md');
    writeFileSync(summary, '# earlier step\n');
    const res = await runCli(['compare', f('base.json'), f('same.json'), '--markdown', summary], {GITHUB_STEP_SUMMARY: summary});
    expect(res.code, res.stderr).toBe(0);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## dlbench comparison')).toBe(true);
  });

  it('--json gives the comparison object', async () => {
    const res = await runCli(['compare', f('base.json'), f('slow.json'), '--json']);
    const cmp = JSON.parse(res.stdout);
    expect(cmp.counts.regression).toBe(2);
    expect(cmp.cases[0]).toHaveProperty('ciLo');
  });

  it('a baseline from a slower machine fails raw and passes normalized (config file)', async () => {
    expect((await runCli(['compare', f('base.json'), f('machine.json')])).code).toBe(1);
    const res = await runCli(['compare', f('base.json'), f('machine.json'), '--thresholds', f('gate.json')]);
    expect(res.code, res.stdout).toBe(0);
    expect(res.stdout).toMatch(/normalized by gemm\/naive-ijk/);
    expect(res.stdout).toMatch(/gemm\/reordered-ikj@64x64x64 .*\+30%/);
  });

  it('exit 2 for mismatched or bad input', async () => {
    const svdOnly = f('svd.json');
    const r = fullReport();
    r.results = r.results.filter((x) => x.op === 'svd');
    writeFileSync(svdOnly, toJson(r));
    const none = await runCli(['compare', f('base.json'), svdOnly]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no cases in common/);
    expect((await runCli(['compare', f('base.json'), f('truncated.json')])).code).toBe(2);
    const asJson = await runCli(['compare', f('base.json'), f('truncated.json'), '--json']);
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.stdout).error.message).toMatch(/truncated\.json: not valid JSON/);
    const thr = await runCli(['compare', f('base.json'), f('same.json'), '--threshold', 'lots']);
    expect(thr.code).toBe(2);
    expect(thr.stderr).toMatch(/--threshold: invalid value 'lots'/);
    writeFileSync(f('badgate.json'), JSON.stringify({threshhold: 5}));
    const cfg = await runCli(['compare', f('base.json'), f('same.json'), '--thresholds', f('badgate.json')]);
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toMatch(/--thresholds: .*badgate\.json.*Valid keys: threshold, thresholds, normalize/);
  });
});

describe('dlbench run with exports and a baseline', () => {
  it('writes the exports and prints the comparison; a bad baseline is refused before measuring', async () => {
    const out = f('ci.json');
    const args = ['run', '--preset', 'ci', '--variant', 'gemm/naive-ijk', '--variant', 'gemm/blocked', '--time', '20'];
    const first = await runCli([
      ...args,
      '--out',
      out,
      '--export-markdown',
      f('ci.md'),
      '--export-csv',
      f('ci.csv'),
      '--export-html',
      f('ci.html'),
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(readFileSync(f('ci.md'), 'utf8')).toMatch(/### gemm/);
    expect(readFileSync(f('ci.csv'), 'utf8').split('\n')[0]).toMatch(/^op,variant,backend,shape/);
    expect(readFileSync(f('ci.html'), 'utf8')).toMatch(/data-chart="gflops-gemm"/);
    // The verdict itself depends on how loaded this machine is (a loaded CI runner can slow one
    // run 5×, and normalizing by a calibration case that noisy is refused): gating is tested on
    // doctored files above and below. Here: the comparison is made and printed, and without
    // --fail-on-regression it never changes the exit code.
    const gated = await runCli([...args, '--out', f('ci2.json'), '--baseline', out, '--threshold', '300']);
    expect(gated.code, gated.stderr).toBe(0);
    expect(gated.stdout).toMatch(/baseline .*ci\.json → current/);
    expect(gated.stdout).toMatch(/^(PASS|FAIL): \d+ /m);
    const bad = await runCli([...args, '--out', f('ci3.json'), '--baseline', f('truncated.json')]);
    expect(bad.code).toBe(2);
    expect(existsSync(f('ci3.json'))).toBe(false);
  });

  it('--fail-on-regression exits 1 when the run is slower than the baseline', async () => {
    // A baseline claiming blocked ran 3× faster than this machine can: a certain regression.
    const out = f('fast-base.json');
    const args = ['run', '--preset', 'ci', '--variant', 'gemm/blocked', '--time', '20'];
    expect((await runCli([...args, '--out', out])).code).toBe(0);
    const base = JSON.parse(readFileSync(out, 'utf8'));
    for (const r of base.results) {
      r.samplesMs = r.samplesMs.map((x: number) => x / 3);
      r.stats.medianMs /= 3;
    }
    writeFileSync(out, JSON.stringify(base));
    const res = await runCli([...args, '--out', f('now.json'), '--baseline', out, '--fail-on-regression']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/REGRESSION/);
    expect(res.stderr).toMatch(/regression against/);
    const noFail = await runCli([...args, '--out', f('now2.json'), '--baseline', out]);
    expect(noFail.code).toBe(0);
  });
});

// Output paths through the real CLI: every refusal is exit 2 with one line naming the flag, made
// before anything is measured, and the files already there are left as they were.
import {mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {toJson} from '../../src/report/export/json.js';
import {runCli} from '../helpers/cli.js';
import {gemmReport} from '../helpers/reports.js';

const RUN = ['run', '--op', 'gemm', '-v', 'gemm/blocked', '--size', '64'];

function setup(): {dir: string; results: string; before: string} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-out-'));
  const results = path.join(dir, 'r.json');
  const before = toJson(gemmReport(1));
  writeFileSync(results, before);
  return {dir, results, before};
}

async function refused(args: string[], flag: string): Promise<void> {
  const res = await runCli(args);
  expect(res.code, res.stderr).toBe(2);
  const lines = res.stderr.trim().split('\n');
  expect(lines.some((l) => l.includes(`${flag}:`))).toBe(true);
  // Refused up front: nothing was measured.
  expect(res.stdout).not.toMatch(/gemm\/blocked.*ms/);
}

describe('output paths are checked before measuring', () => {
  it('an empty --out', async () => {
    await refused([...RUN, '-o', ''], '--out');
  });

  it('a device as --out or as an export', async () => {
    await refused([...RUN, '-o', '/dev/null'], '--out');
    const {dir} = setup();
    await refused([...RUN, '-o', path.join(dir, 'x.json'), '--export-csv', '/dev/full'], '--export-csv');
  });

  it('an export that is the --out file, directly or through a symlink', async () => {
    const {dir, results, before} = setup();
    await refused([...RUN, '-o', results, '--export-csv', results], '--export-csv');
    symlinkSync(results, path.join(dir, 'alias.csv'));
    await refused([...RUN, '-o', results, '--export-markdown', path.join(dir, 'alias.csv')], '--export-markdown');
    expect(readFileSync(results, 'utf8')).toBe(before);
  });

  it('--out that would replace the --baseline read after the run', async () => {
    const {results, before} = setup();
    await refused([...RUN, '-o', results, '--baseline', results], '--out');
    expect(readFileSync(results, 'utf8')).toBe(before);
  });

  it('report and compare: an output that is an input, or two outputs that are one file', async () => {
    const {dir, results, before} = setup();
    await refused(['report', results, '--format', 'csv', '-o', results], '--out');
    await refused(['report', results, '--html', results], '--html');
    const page = path.join(dir, 'r.html');
    await refused(['report', results, '--format', 'markdown', '-o', page, '--html', page], '--html');
    await refused(['compare', results, results, '--markdown', results], '--markdown');
    await refused(['report', results, '--html', ''], '--html');
    expect(readFileSync(results, 'utf8')).toBe(before);
  });
});

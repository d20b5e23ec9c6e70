// A disk that fills up during the write (issue 14's tmpfs repro), at the CLI level: the file size
// limit of the shell (`ulimit -f`) makes the kernel cut the results file short with EFBIG, as
// ENOSPC would, without root or a tmpfs. The previous results file must survive byte for byte,
// no temp file may be left, and the command must fail (exit 1) saying so.
import {spawn} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {BIN} from '../helpers/cli.js';
import {gemmReport} from '../helpers/reports.js';

function runLimited(limitKiB: number, args: string[], cwd: string): Promise<{code: number | null; out: string}> {
  // bash's `ulimit -f` counts 1024-byte blocks. SIGXFSZ is ignored by Node, so the write returns EFBIG.
  const script = `ulimit -f ${limitKiB} && exec "$0" "$@"`;
  const child = spawn('bash', ['-c', script, process.execPath, BIN, ...args], {
    cwd,
    env: {...process.env, NO_COLOR: '1'},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({code, out})));
}

describe('a results file cut short by a full disk', () => {
  it('keeps the previous file intact and leaves no temp file (run -o)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-short-'));
    const previous = JSON.stringify(gemmReport(1));
    writeFileSync(path.join(dir, 'r.json'), previous);
    // A one-case results file is several KiB (samples, context): 2 KiB cannot hold it.
    const {code, out} = await runLimited(
      2,
      ['run', '--op', 'gemm', '-v', 'gemm/blocked', '--size', '64', '--time', '20', '-o', 'r.json'],
      dir,
    );
    expect(out).toMatch(/cannot write 'r\.json'.*(EFBIG|short write)/s);
    expect(out).toMatch(/previous file is\s+unchanged/);
    expect(code).toBe(1);
    expect(readFileSync(path.join(dir, 'r.json'), 'utf8')).toBe(previous);
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('keeps the previous export intact (report --export-csv)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-short-'));
    writeFileSync(path.join(dir, 'in.json'), JSON.stringify(gemmReport(1)));
    writeFileSync(path.join(dir, 'out.html'), 'previous report');
    const {code, out} = await runLimited(1, ['report', 'in.json', '--html', 'out.html'], dir);
    expect(out).toMatch(/cannot write 'out\.html'/);
    expect(code).toBe(1);
    expect(readFileSync(path.join(dir, 'out.html'), 'utf8')).toBe('previous report');
    expect(readdirSync(dir).sort()).toEqual(['in.json', 'out.html']);
  });
});

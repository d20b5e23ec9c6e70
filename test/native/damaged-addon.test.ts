// A truncated addon (an interrupted build, a full disk at install) used to kill every command
// with SIGBUS at dlopen. The loader now checks the build stamp and, for a file without a matching
// one, loads it in a child process first: the damaged addon becomes a skip reason and every
// other rung, `list` and `env` still work. DLBENCH_NATIVE_PATH points the CLI at a half-length copy.
import {copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {ROOT, runCli} from '../helpers/cli.js';

const built = path.join(ROOT, 'src/native/build/Release/dlbench_native.node');
const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-damaged-'));
const damaged = path.join(dir, 'dlbench_native.node');
copyFileSync(built, damaged);
truncateSync(damaged, Math.floor(statSync(built).size / 2));
const env = {DLBENCH_NATIVE_PATH: damaged};
const DAMAGED = /native addon unavailable \(damaged build: .*\); rebuild with `npm run build:native`/;

afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe('a damaged native addon', () => {
  it('list works and gives the reason for every native variant', async () => {
    const r = await runCli(['list', '--op', 'gemm', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as {id: string; backend: string; available: boolean; reason?: string}[];
    const native = rows.filter((x) => x.backend === 'native');
    expect(native.length).toBeGreaterThan(0);
    for (const x of native) expect(x.reason).toMatch(DAMAGED);
    expect(rows.find((x) => x.id === 'gemm/naive-ijk')?.available).toBe(true);
  });

  it('env works', async () => {
    const r = await runCli(['env', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).cpu).toBeDefined();
  });

  it('a JS-only run measures as usual', async () => {
    const out = path.join(dir, 'js.json');
    const r = await runCli(['run', '--op', 'gemm', '--size', '16', '-v', 'gemm/naive-ijk', '--time', '5', '--out', out], env);
    expect(r.code, r.stderr).toBe(0);
    const [row] = JSON.parse(readFileSync(out, 'utf8')).results;
    expect(row.state).toBe('ok');
  });

  it('a native run skips the native rows with the reason and still runs the JS one', async () => {
    const out = path.join(dir, 'native.json');
    const r = await runCli(
      [
        'run',
        '--op',
        'gemm',
        '--size',
        '16',
        '-v',
        'gemm/naive-ijk',
        '-v',
        'gemm/native',
        '-v',
        'gemm/openblas',
        '--time',
        '5',
        '--out',
        out,
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(readFileSync(out, 'utf8')).results as {variant: string; state: string; reason?: string}[];
    expect(rows.map((x) => [x.variant, x.state])).toEqual([
      ['gemm/naive-ijk', 'ok'],
      ['gemm/native', 'skipped'],
      ['gemm/openblas', 'skipped'],
    ]);
    for (const x of rows.slice(1)) expect(x.reason).toMatch(DAMAGED);
  });

  it('the intact build matches its stamp, so it loads without the child-process probe', () => {
    const stamp = JSON.parse(readFileSync(`${built}.stamp.json`, 'utf8'));
    expect(stamp.size).toBe(statSync(built).size);
    expect(stamp.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

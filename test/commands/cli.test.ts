// Every command through the real, compiled CLI: output shapes, exit codes, files written or not.
import {existsSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {allVariants} from '../../src/kernels/registry.js';
import {runCli, startCli, waitForOutput} from '../helpers/cli.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'dlbench-test-'));
const fast = ['--time', '5', '--min-samples', '2'];
const jsLadder = ['-v', 'gemm/naive-ijk', '-v', 'gemm/reordered-ikj', '-v', 'gemm/blocked'];

describe('dlbench list', () => {
  it('lists every registry variant with op, backend, summary and availability', async () => {
    const r = await runCli(['list', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: {id: string}) => x.id)).toEqual(allVariants().map((v) => v.id));
    for (const x of rows) {
      expect(x).toMatchObject({
        op: expect.any(String),
        backend: expect.any(String),
        summary: expect.any(String),
        available: expect.any(Boolean),
      });
      if (!x.available) expect(x.reason).toEqual(expect.any(String));
    }
    const table = await runCli(['list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('gemm/blocked');
  });
});

describe('dlbench env', () => {
  it('reports the machine context', async () => {
    const r = await runCli(['env', '--json']);
    expect(r.code).toBe(0);
    const ctx = JSON.parse(r.stdout);
    expect(ctx.cpu.cores).toBeGreaterThan(0);
    expect(ctx.cpu.model).toEqual(expect.any(String));
    expect(ctx.memory.totalBytes).toBeGreaterThan(0);
    expect(ctx.runtime.node).toBe(process.versions.node);
    expect(ctx.packages.tinybench).toMatch(/^\d+\.\d+\.\d+/);
    expect(ctx.dlbench.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('dlbench run', () => {
  it('--json prints the report on stdout and nothing else, and writes the same to --out', async () => {
    const out = path.join(tmp(), 'r.json');
    const r = await runCli(['run', ...jsLadder, '--size', '16,5x7x3', '--json', '--out', out, '--seed', '9', ...fast]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({schemaVersion: 1, tool: 'dlbench', interrupted: false, config: {seed: 9, minSamples: 2}});
    expect(report.context.cpu.cores).toBeGreaterThan(0);
    expect(report.results).toHaveLength(2 * 3);
    for (const row of report.results) {
      expect(row).toMatchObject({state: 'ok', op: 'gemm', seed: 9, check: {pass: true}});
      expect(row.stats.samples).toBeGreaterThanOrEqual(2);
      expect(row.samplesMs).toHaveLength(row.stats.samples);
      expect(row.gflops).toBeCloseTo(row.flops / (row.stats.medianMs * 1e6), 6);
      expect(row.firstCallMs).toBeGreaterThan(0);
    }
    expect(report.results.map((x: {shapeText: string}) => x.shapeText)).toContain('5x7x3');
    expect(JSON.parse(readFileSync(out, 'utf8')).results).toHaveLength(6);
  });

  it('prints a table without progress escapes when not on a terminal, and saves under reports/ by default', async () => {
    const cwd = tmp();
    const r = await runCli(['run', '--variant', 'gemm/b*', '--size', '8', ...fast], {}, cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/8x8x8\s+│\s+gemm\/blocked/);
    expect(r.stdout).toContain('GFLOP/s');
    expect(r.stderr).not.toContain('\x1b[2K');
    const files = readdirSync(path.join(cwd, 'reports'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^run-.*\.json$/);
  });

  const bad: [string[], RegExp][] = [
    [['--op', 'nope'], /^Error: --op: unknown op 'nope'. Valid: gemm, /],
    [['--variant', 'gemm/nope'], /^Error: --variant: 'gemm\/nope' matches no variant. Valid: gemm\/naive-ijk/],
    [['--size', '0'], /^Error: --size: '0' must be at least 1/],
    [['--size', '-3'], /^Error: --size: '-3' is not a positive integer/],
    [['--size', 'big'], /^Error: --size: 'big' is not a positive integer/],
    [['--size', '10x10'], /^Error: --size: '10x10' needs 1 or 3 dimensions/],
    [['--size', '200000'], /^Error: --size: gemm 200000x200000x200000 needs about .* of buffers; this machine allows/],
    [['--preset', 'huge'], /^Error: --preset: unknown preset 'huge'. Valid: quick, /],
    [['--threads', '0'], /^Error: --threads: '0' is not a thread count. Valid: 1\.\./],
    [['--time', 'soon'], /^Error: Parsing --time Expected an integer/],
    [['--out', '/proc/no/such/r.json', '--op', 'gemm', '--size', '8'], /^Error: --out: cannot write '\/proc\/no\/such\/r.json'/],
    [['--bogus'], /^Error: Nonexistent flag: --bogus/],
  ];
  for (const [args, msg] of bad) {
    it(`exits 2 with one line for ${args.join(' ')}, writing nothing`, async () => {
      const cwd = tmp();
      const r = await runCli(['run', ...args], {}, cwd);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
      expect(existsSync(path.join(cwd, 'reports'))).toBe(false);
    });
  }

  it('--out naming a folder is refused', async () => {
    const dir = tmp();
    const r = await runCli(['run', '--op', 'gemm', '--size', '8', '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: --out: '.*' is a folder/);
  });

  it('--json errors come as JSON on stdout with exit 2', async () => {
    const r = await runCli(['run', '--json', '--op', 'nope']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({error: {message: expect.stringMatching(/^--op: unknown op/), exitCode: 2}});
  });

  it('a kernel that fails its check is a check-failed row, never timed, and exit 1', async () => {
    const out = path.join(tmp(), 'f.json');
    const r = await runCli(['run', ...jsLadder, '--size', '33', '--out', out, ...fast], {DLBENCH_INJECT_FAULT: 'gemm/blocked'});
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/gemm\/blocked.*FAIL/);
    const rows = JSON.parse(readFileSync(out, 'utf8')).results;
    const failed = rows.find((x: {variant: string}) => x.variant === 'gemm/blocked');
    expect(failed.state).toBe('check-failed');
    expect(failed.stats).toBeUndefined();
    expect(rows.filter((x: {state: string}) => x.state === 'ok')).toHaveLength(2);
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} saves the finished cases and exits ${code}`, async () => {
      const out = path.join(tmp(), `int-${signal}.json`);
      const {child, done} = startCli(['run', '--op', 'gemm', '--size', '32,64,128,256,512,1024', '--out', out], {
        DLBENCH_READY_LINE: '1',
      });
      // The second case has started, so the first is finished (the lines: src/cli/interrupt.ts).
      await waitForOutput(child, /dlbench: started 2\//);
      child.kill(signal);
      const r = await done;
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(/interrupted: \d+ finished case\(s\) saved/);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      expect(report.interrupted).toBe(true);
      expect(report.results.length).toBeGreaterThan(0);
      expect(report.results.length).toBeLessThan(18);
      expect(readdirSync(path.dirname(out)).filter((f) => f.includes('dlbench-tmp'))).toEqual([]);
    });
  }

  it('Ctrl-C during the last (here the only) case still marks the report interrupted and exits 130', async () => {
    const out = path.join(tmp(), 'last.json');
    const {child, done} = startCli(['run', '--op', 'gemm', '--size', '512', '-v', 'gemm/naive-ijk', '--out', out], {
      DLBENCH_READY_LINE: '1',
    });
    await waitForOutput(child, /dlbench: started 1\/1 /);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(JSON.parse(readFileSync(out, 'utf8')).interrupted).toBe(true);
  });
});

describe('dlbench verify', () => {
  it('exits 1 and names the failing variant and shape', async () => {
    const r = await runCli(['verify', '--variant', 'gemm/reordered-ikj'], {DLBENCH_INJECT_FAULT: 'gemm/reordered-ikj'});
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL gemm\/reordered-ikj 1x1x1: error/);
    expect(r.stdout).toMatch(/check\(s\) failed/);
  });
});

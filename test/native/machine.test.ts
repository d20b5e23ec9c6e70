// `dlbench machine` (shape of --json, the per-fingerprint cache, --refresh) and how a run uses
// the cached roofs: context.roofs, result.roof, the '% peak' column; without a cache, a hint.
// Where each row sits under its roofs is tested in test/measure/roofline.test.ts.
import {existsSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {sysfsCacheSizes} from '../../src/measure/environment.js';
import {withCpuidCaches, type Roofs} from '../../src/measure/roofs.js';
import {loadNative} from '../../src/native/loader.js';
import type {OkCase} from '../../src/core/results.js';
import {runCli} from '../helpers/cli.js';

const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'dlbench-cache-'));
const env = {XDG_CACHE_HOME: cacheHome};

describe('dlbench machine', () => {
  let first: Roofs & {cacheFile: string; cached: boolean; saved: boolean};

  it('--json: roofs per ISA, dtype and thread count, bandwidths, cached under the fingerprint', async () => {
    // --force: this runs on loaded CI machines, where the load check and sanity rules would refuse.
    const r = await runCli(['machine', '--quick', '--force', '--json'], env);
    expect(r.code).toBe(0);
    first = JSON.parse(r.stdout);
    expect(first.cached).toBe(false);
    expect(first.saved).toBe(true);
    expect(first.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(first.cacheFile).toBe(path.join(cacheHome, 'dlbench', `roofs-${first.fingerprint}.json`));
    expect(existsSync(first.cacheFile)).toBe(true);
    const cores = os.availableParallelism();
    expect(first.threads).toEqual({one: 1, all: cores});
    expect(first.native).toMatchObject({ok: true});
    const threadCounts = cores > 1 ? [1, cores] : [1];
    for (const isa of ['js', 'scalar', 'avx2', 'avx512']) {
      for (const t of threadCounts) {
        const dtypes = isa === 'js' ? ['f64'] : ['f32', 'f64'];
        for (const dtype of dtypes) {
          const row = first.compute.find((c) => c.isa === isa && c.dtype === dtype && c.threads === t);
          expect(row, `${isa} ${dtype} ×${t}`).toBeDefined();
          expect(row!.gflops).toBeGreaterThan(0);
        }
      }
    }
    for (const kind of ['stream-copy', 'stream-triad']) {
      const row = first.memory.find((m) => m.kind === kind && m.threads === 1)!;
      expect(row.gbps).toBeGreaterThan(0);
      expect(row.arrayBytes).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    }
    expect(first.caches.filter((c) => c.threads === 1).map((c) => c.level)).toEqual(['L1', 'L2', 'L3']);
  });

  it('run: cached roofs go into the context and each ok row gets its roof position', async () => {
    const r = await runCli(
      [
        'run',
        '--variant',
        'gemm/native',
        '--variant',
        'gemm/blocked',
        '--size',
        '96',
        '--time',
        '5',
        '--min-samples',
        '2',
        '--threads',
        '1',
        '--json',
        '--out',
        'test-artifacts/roofs.json',
      ],
      env,
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.context.roofs.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    for (const row of report.results) {
      expect(row.state).toBe('ok');
      expect(row.roof.peakGflops).toBeGreaterThan(0);
      expect(row.roof.bound).toMatch(/^(memory|compute)$/);
      expect(row.roof.pctOfPeak).toBeCloseTo((100 * row.gflops) / row.roof.attainableGflops, 6);
    }
    const js = report.results.find((x: OkCase) => x.variant === 'gemm/blocked');
    expect(js.roof.peakGflops).toBe(
      report.context.roofs.compute.find((c: {isa: string; threads: number}) => c.isa === 'js' && c.threads === 1).gflops,
    );
  });

  it('run with a cache of the wrong shape: exit 0, one stderr line saying why it was ignored, no roofs', async () => {
    const bad = mkdtempSync(path.join(os.tmpdir(), 'dlbench-badcache-'));
    mkdirSync(path.join(bad, 'dlbench'));
    writeFileSync(path.join(bad, 'dlbench', `roofs-${first.fingerprint}.json`), '{"roofsVersion":1,"compute":[]}');
    const args = ['run', '--variant', 'gemm/native', '--size', '32', '--time', '5', '--min-samples', '2', '--json'];
    const r = await runCli([...args, '--out', 'test-artifacts/badroofs.json'], {XDG_CACHE_HOME: bad});
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/ignoring roofs cache .*roofs-[0-9a-f]{16}\.json: wrong shape at \//);
    const report = JSON.parse(r.stdout);
    expect(report.context.roofs).toBeUndefined();
    expect(report.context.roofsNote).toMatch(/dlbench machine/);
  });

  it('run without cached roofs: no roof, and the context says to run dlbench machine', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'dlbench-nocache-'));
    const r = await runCli(
      [
        'run',
        '--variant',
        'gemm/native',
        '--size',
        '32',
        '--time',
        '5',
        '--min-samples',
        '2',
        '--json',
        '--out',
        'test-artifacts/noroofs.json',
      ],
      {XDG_CACHE_HOME: empty},
    );
    const report = JSON.parse(r.stdout);
    expect(report.context.roofs).toBeUndefined();
    expect(report.context.roofsNote).toMatch(/dlbench machine/);
    expect(report.results[0].roof).toBeUndefined();
  });
});

describe('cache sizes from CPUID', () => {
  it.skipIf(process.arch !== 'x64')('agree with what Linux reports in sysfs (read from the same CPUID leaves)', () => {
    const n = loadNative();
    if (!n.ok) throw new Error(n.reason);
    const cpuid = n.addon.cpuidCaches();
    expect(cpuid.L1d).toBeGreaterThan(0);
    const sysfs = sysfsCacheSizes();
    for (const level of ['L1d', 'L2', 'L3'] as const) {
      if (sysfs[level]) expect(withCpuidCaches({}, cpuid)[level], level).toBe(sysfs[level]);
    }
  });
});

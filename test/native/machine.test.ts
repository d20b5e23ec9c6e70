// `dlbench machine` (shape of --json, the per-fingerprint cache, --refresh) and how a run uses
// the cached roofs: context.roofs, result.roof, the '% peak' column; without a cache, a hint.
import {existsSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {gemmEngineBackend} from '../../src/kernels/gemm/engines.js';
import {roofPosition} from '../../src/measure/roofline.js';
import {sysfsCacheSizes} from '../../src/measure/environment.js';
import {withCpuidCaches, type Roofs} from '../../src/measure/roofs.js';
import {loadNative} from '../../src/native/loader.js';
import {renderTables} from '../../src/report/table.js';
import type {OkCase, Report} from '../../src/core/results.js';
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

  it('a second call reads the cache; --refresh measures again', async () => {
    const again = JSON.parse((await runCli(['machine', '--json'], env)).stdout);
    expect(again.cached).toBe(true);
    expect(again.measuredAt).toBe(first.measuredAt);
    const fresh = JSON.parse((await runCli(['machine', '--quick', '--refresh', '--force', '--json'], env)).stdout);
    expect(fresh.cached).toBe(false);
    expect(fresh.measuredAt).not.toBe(first.measuredAt);
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

const roofs: Roofs = {
  roofsVersion: 1,
  fingerprint: '0123456789abcdef',
  measuredAt: '2026-01-01T00:00:00Z',
  durationMs: 1,
  quick: true,
  machine: {cpu: 'test', cores: 2, arch: 'x64', caches: {}, node: '20'},
  threads: {one: 1, all: 2},
  native: {ok: true, bestIsa: 'avx512'},
  compute: [
    {isa: 'js', dtype: 'f64', threads: 1, gflops: 4},
    {isa: 'js', dtype: 'f64', threads: 2, gflops: 7},
    {isa: 'avx512', dtype: 'f32', threads: 1, gflops: 100},
    {isa: 'avx512', dtype: 'f32', threads: 2, gflops: 190},
    {isa: 'avx2', dtype: 'f32', threads: 1, gflops: 90},
    {isa: 'avx512', dtype: 'f64', threads: 1, gflops: 50},
  ],
  memory: [
    {kind: 'stream-triad', threads: 1, arrayBytes: 1 << 27, gbps: 20},
    {kind: 'stream-triad', threads: 2, arrayBytes: 1 << 27, gbps: 30},
  ],
  caches: [],
};

function ok(
  variant: string,
  backend: OkCase['backend'],
  gflops: number,
  ai: number,
  params: Record<string, string> = {},
): OkCase {
  return {
    variant,
    backend,
    gflops,
    ai,
    params,
    state: 'ok',
    op: 'gemm',
    shape: {},
    shapeText: '8x8x8',
    seed: 1,
    inputDistribution: '',
    flops: 1,
    macs: 1,
    bytes: 1,
    check: {pass: true, method: 'x', error: 0, tolerance: 1},
    stats: {
      samples: 1,
      medianMs: 1,
      meanMs: 1,
      minMs: 1,
      maxMs: 1,
      p25Ms: 1,
      p75Ms: 1,
      p99Ms: 1,
      iqrMs: 0,
      madMs: 0,
      sdMs: 0,
      rmePct: 0,
      relSpread: 0,
    },
    prepareMs: 0,
    firstCallMs: 0,
    highSpread: false,
    samplesMs: [1],
  };
}

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

describe('roof positions', () => {
  it('compute-bound native row: the ISA peak at the thread count', () => {
    expect(roofPosition(ok('gemm/native', 'native', 95, 300, {isa: 'avx512'}), roofs, 2)).toEqual({
      peakGflops: 190,
      attainableGflops: 190,
      pctOfPeak: 50,
      bound: 'compute',
      memoryLevel: 'DRAM',
      aboveRoof: false,
    });
    expect(roofPosition(ok('gemm/native-avx2', 'native', 45, 300, {isa: 'avx2'}), roofs, 1)?.peakGflops).toBe(90);
    // 2 threads unmeasured for avx2: the 1-thread roof scales; 5 threads on 2 cores is the 2-core roof.
    expect(roofPosition(ok('gemm/native-avx2', 'native', 45, 300, {isa: 'avx2'}), roofs, 2)?.peakGflops).toBe(180);
    expect(roofPosition(ok('gemm/native', 'native', 45, 300, {isa: 'avx512'}), roofs, 5)?.peakGflops).toBe(190);
    // No isa param (openblas): the best ISA's roof.
    expect(roofPosition(ok('gemm/openblas', 'native', 50, 300), roofs, 1)?.peakGflops).toBe(100);
  });

  it('memory-bound row: AI × triad bandwidth is the roof', () => {
    const pos = roofPosition(ok('gemm/native', 'native', 10, 1, {isa: 'avx512'}), roofs, 1)!;
    expect(pos).toMatchObject({bound: 'memory', attainableGflops: 20, pctOfPeak: 50});
  });

  it('a JS row uses the single-thread JS peak; a result above the roof is flagged', () => {
    const pos = roofPosition(ok('gemm/blocked', 'js', 5, 100), roofs, 2)!;
    expect(pos.peakGflops).toBe(4);
    expect(pos.aboveRoof).toBe(true);
    expect(roofPosition(ok('x/y', 'webgpu', 5, 100), roofs, 1)).toBeUndefined();
    expect(roofPosition({...ok('layer/js', 'js', 0, 0), flops: 0}, roofs, 1)).toBeUndefined(); // a transpose moves data only
    // float64 work on the addon (the full SVD) is bounded by the float64 FMA peak.
    expect(roofPosition(ok('svd/full', 'native', 20, 300, {precision: 'f64'}), roofs, 1)!.peakGflops).toBe(50);
  });

  it("composed rows take their GEMM engine's roof; Winograd is judged on the multiplies it did", () => {
    // A worker pool running the native kernel per thread: native roof, not V8's.
    expect(roofPosition(ok('gemm/workers-native', 'workers', 150, 300, {base: 'gemm/native'}), roofs, 2)!.peakGflops).toBe(190);
    expect(roofPosition(ok('gemm/workers', 'workers', 6, 300, {base: 'gemm/blocked'}), roofs, 2)!.peakGflops).toBe(7);
    // A JS-labelled Winograd whose GEMMs ran on gemm/native, reporting 2.25x "effective" FLOPs.
    const wino = {
      ...ok('conv2d/winograd-f2x3', 'js', 180, 300),
      metrics: {gemm: 'gemm/native', effectiveFlops: true, macReduction: 2.25},
    };
    const pos = roofPosition(wino, roofs, 1, gemmEngineBackend)!;
    expect(pos.peakGflops).toBe(100);
    expect(pos.pctOfPeak).toBeCloseTo(80, 10);
    expect(pos.aboveRoof).toBe(false);
    // The same speed claimed as performed FLOPs would be a measurement error.
    expect(roofPosition({...wino, metrics: {gemm: 'gemm/native'}}, roofs, 1, gemmEngineBackend)!.aboveRoof).toBe(true);
  });

  it('cache-aware memory roof: a working set that fits a cache is judged by that level, DRAM above the L3', () => {
    const cached: Roofs = {
      ...roofs,
      machine: {...roofs.machine, caches: {L1d: '32K', L2: '1024K', L3: '32768K'}},
      caches: [
        {level: 'L1', threads: 1, bytesPerThread: 16384, gbps: 200},
        {level: 'L2', threads: 1, bytesPerThread: 524288, gbps: 120},
        {level: 'L3', threads: 1, bytesPerThread: 1 << 24, gbps: 60},
      ],
    };
    const sized = (bytes: number, gflops: number) => ({...ok('layer/native', 'native', gflops, 0.125), bytes});
    // 6 MB (a VGG-sized ReLU): L3, roof 0.125 × 60; at 9 GFLOP/s (72 GB/s) it is above the L3 probe but
    // under the L2 one (part of the set hits L2), so no flag.
    const relu = roofPosition(sized(6 << 20, 9), cached, 1)!;
    expect(relu).toMatchObject({bound: 'memory', memoryLevel: 'L3', attainableGflops: 7.5, aboveRoof: false});
    expect(roofPosition(sized(6 << 20, 16), cached, 1)!.aboveRoof).toBe(true); // 128 GB/s: faster than L2
    expect(roofPosition(sized(512 << 10, 1), cached, 1)!.memoryLevel).toBe('L2');
    expect(roofPosition(sized(512 << 10, 1), cached, 2)!.memoryLevel).toBe('L2');
    expect(roofPosition(sized(16 << 10, 1), cached, 1)!.memoryLevel).toBe('L1');
    // 160 MB (fc6's weights): DRAM at the triad (20 GB/s), and 2× the triad is flagged.
    expect(roofPosition(sized(160 << 20, 2), cached, 1)).toMatchObject({
      memoryLevel: 'DRAM',
      attainableGflops: 2.5,
      aboveRoof: false,
    });
    expect(roofPosition(sized(160 << 20, 5), cached, 1)!.aboveRoof).toBe(true);
    // Just over the L3 some of the set still hits it: bounded by the L3 probe, not flagged.
    expect(roofPosition(sized(40 << 20, 5), cached, 1)).toMatchObject({memoryLevel: 'DRAM', aboveRoof: false});
    const base = {
      schemaVersion: 1,
      tool: 'dlbench',
      createdAt: '',
      interrupted: false,
      config: {seed: 1, threads: 1, timeBudgetMs: 1, minSamples: 1, warmupMs: 0},
    } as const;
    const ctx = {
      cpu: {model: '', cores: 2, speedMHz: 0, arch: 'x64', caches: {}},
      memory: {totalBytes: 0},
      os: {platform: '', release: '', type: ''},
      runtime: {node: '', v8: ''},
      dlbench: {version: ''},
      packages: {},
      hostname: '',
    };
    const text = renderTables({
      ...base,
      context: ctx,
      results: [{...sized(6 << 20, 6), roof: roofPosition(sized(6 << 20, 6), cached, 1)}],
    });
    expect(text).toContain('80% L3');
    expect(text).not.toContain('above roof');
  });

  it("table: a '% peak' column only when roofs are known, and a point above the roof called suspect", () => {
    const base = {
      schemaVersion: 1,
      tool: 'dlbench',
      createdAt: '',
      interrupted: false,
      config: {seed: 1, threads: 1, timeBudgetMs: 1, minSamples: 1, warmupMs: 0},
    } as const;
    const ctx = {
      cpu: {model: '', cores: 2, speedMHz: 0, arch: 'x64', caches: {}},
      memory: {totalBytes: 0},
      os: {platform: '', release: '', type: ''},
      runtime: {node: '', v8: ''},
      dlbench: {version: ''},
      packages: {},
      hostname: '',
    };
    const row = ok('gemm/blocked', 'js', 5, 100);
    const without: Report = {...base, context: {...ctx, roofsNote: 'run `dlbench machine`'}, results: [row]};
    expect(renderTables(without)).not.toContain('% peak');
    expect(renderTables(without)).toContain('run `dlbench machine`');
    const withRoof: Report = {...base, context: ctx, results: [{...row, roof: roofPosition(row, roofs, 1)}]};
    const text = renderTables(withRoof);
    expect(text).toContain('% peak');
    expect(text).toContain('125% cpu ⚠ above roof');
    // The roof may be the wrong one (probed on a busy machine): never blamed on the kernel alone.
    expect(text).toContain('above measured roof: roof or timing suspect');
  });
});

// Each row against the roof that bounds it (src/measure/roofline.ts): the backend's peak at the
// thread count it ran with, the memory level its bytes live in with read and write traffic, and a
// flag exactly when the share of that roof passes 100% (+ the roofs' own noise). The cases of
// issue 13: worker pools judged by the 1-thread JS roof, ReLU/bias/FC rows against DRAM's triad.
import {describe, expect, it} from 'vitest';
import {gemmEngineBackend} from '../../src/kernels/gemm/engines.js';
import {
  ABOVE_ROOF_SLACK,
  boundingRoofs,
  memoryLevels,
  memoryRoof,
  performedShare,
  roofPosition,
} from '../../src/measure/roofline.js';
import type {Roofs} from '../../src/measure/roofs.js';
import {renderRoofs} from '../../src/report/roofs-table.js';
import {renderTables} from '../../src/report/table.js';
import type {OkCase, Report} from '../../src/core/results.js';

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
    {kind: 'stream-triad', threads: 1, arrayBytes: 1 << 27, gbps: 18},
    {kind: 'stream-copy', threads: 1, arrayBytes: 1 << 27, gbps: 20},
    {kind: 'stream-triad', threads: 2, arrayBytes: 1 << 27, gbps: 30},
  ],
  caches: [],
};

/** The same machine with cache probes: each reads half its share of a 32K L1, 1M L2 and 32M L3. */
const cached: Roofs = {
  ...roofs,
  caches: [
    {level: 'L1', threads: 1, bytesPerThread: 16384, gbps: 200},
    {level: 'L2', threads: 1, bytesPerThread: 524288, gbps: 120},
    {level: 'L3', threads: 1, bytesPerThread: 1 << 24, gbps: 60},
    {level: 'L1', threads: 2, bytesPerThread: 16384, gbps: 400},
    {level: 'L2', threads: 2, bytesPerThread: 524288, gbps: 230},
    {level: 'L3', threads: 2, bytesPerThread: 1 << 23, gbps: 90},
  ],
};

function ok(variant: string, backend: OkCase['backend'], gflops: number, ai: number, extra: Partial<OkCase> = {}): OkCase {
  return {
    variant,
    backend,
    gflops,
    ai,
    params: {},
    state: 'ok',
    op: 'gemm',
    shape: {},
    shapeText: 'x',
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
    ...extra,
  };
}

describe('compute roofs: the backend that ran, at the thread count it ran with', () => {
  it('native rows: the ISA and precision peak at the run threads (measured, else scaled; capped at the cores)', () => {
    expect(roofPosition(ok('gemm/native', 'native', 95, 300, {params: {isa: 'avx512'}}), roofs, 2)).toEqual({
      peakGflops: 190,
      attainableGflops: 190,
      pctOfPeak: 50,
      bound: 'compute',
      memoryLevel: 'DRAM',
      aboveRoof: false,
    });
    const peak = (r: OkCase, t: number) => roofPosition(r, roofs, t)?.peakGflops;
    expect(peak(ok('gemm/native-avx2', 'native', 45, 300, {params: {isa: 'avx2'}}), 1)).toBe(90);
    expect(peak(ok('gemm/native-avx2', 'native', 45, 300, {params: {isa: 'avx2'}}), 2)).toBe(180);
    expect(peak(ok('gemm/native', 'native', 45, 300, {params: {isa: 'avx512'}}), 5)).toBe(190);
    expect(peak(ok('gemm/openblas', 'native', 50, 300), 1)).toBe(100); // no isa: the best ISA's roof
    expect(peak(ok('svd/full', 'native', 20, 300, {params: {precision: 'f64'}}), 1)).toBe(50);
    expect(boundingRoofs(ok('gemm/native', 'native', 1, 300), roofs, 2)!.compute.label).toBe('AVX-512 FP32 FMA peak, 2 threads');
  });

  it('a row that records its own thread count (sweep rows, pools) is judged at that count, not the run', () => {
    const one = ok('gemm/native', 'native', 95, 300, {params: {isa: 'avx512'}, metrics: {threads: 1}});
    // On the 2-core roof this 1-thread row would read 50%; against its own 1-thread roof it is at 95%.
    expect(roofPosition(one, roofs, 2)!.peakGflops).toBe(100);
    expect(roofPosition(one, roofs, 2)!.pctOfPeak).toBeCloseTo(95, 10);
  });

  it('JS rows: the 1-thread V8 peak whatever the run threads; webgpu and data moves have no roof', () => {
    const pos = roofPosition(ok('gemm/blocked', 'js', 5, 100), roofs, 2)!;
    expect(pos.peakGflops).toBe(4);
    expect(pos.aboveRoof).toBe(true);
    expect(roofPosition(ok('x/y', 'webgpu', 5, 100), roofs, 1)).toBeUndefined();
    expect(roofPosition({...ok('layer/js', 'js', 0, 0), flops: 0}, roofs, 1)).toBeUndefined();
  });

  it('worker pools: the JS peak on their threads, at least 1-thread × threads (issue 13: 116-133% of the 1-thread roof)', () => {
    // Measured 2-thread JS peak 7 < 2 × 4: the multi-thread probe is the noisier one, perfect scaling bounds it.
    const workers = ok('gemm/workers', 'workers', 6, 300, {params: {base: 'gemm/blocked'}, metrics: {threads: 2}});
    expect(roofPosition(workers, roofs, 2)).toMatchObject({peakGflops: 8, aboveRoof: false, pctOfPeak: 75});
    const faster: Roofs = {
      ...roofs,
      compute: roofs.compute.map((c) => (c.isa === 'js' && c.threads === 2 ? {...c, gflops: 8.5} : c)),
    };
    expect(roofPosition(workers, faster, 2)!.peakGflops).toBe(8.5);
    // 1.3× the 1-thread JS peak on 2 workers is under the roof, as it should be.
    expect(roofPosition({...workers, gflops: 5.2}, roofs, 2)!.aboveRoof).toBe(false);
    // A pool of native kernels is bounded by the native ISA.
    const wn = ok('gemm/workers-native', 'workers', 150, 300, {params: {base: 'gemm/native'}});
    expect(roofPosition(wn, roofs, 2)!.peakGflops).toBe(190);
  });

  it("composed rows take their GEMM engine's roof, and are judged on the multiplies they did", () => {
    const wino = ok('conv2d/winograd-f2x3', 'js', 180, 300, {
      metrics: {gemm: 'gemm/native', effectiveFlops: true, macReduction: 2.25},
    });
    const pos = roofPosition(wino, roofs, 1, gemmEngineBackend)!;
    expect(pos.peakGflops).toBe(100);
    expect(pos.pctOfPeak).toBeCloseTo(80, 10);
    expect(pos.aboveRoof).toBe(false);
    expect(roofPosition({...wino, metrics: {gemm: 'gemm/native'}}, roofs, 1, gemmEngineBackend)!.aboveRoof).toBe(true);
    // Strassen two levels deep on a padded 1024³ (the leaves do (7/8)² of the classical products).
    const strassen = ok('gemm/strassen-workers', 'workers', 9, 300, {
      params: {base: 'gemm/workers', cutoff: 256},
      shape: {m: 1000, n: 1000, k: 1000},
      metrics: {depth: 2, padded: '1024x1024x1024'},
    });
    expect(performedShare(strassen)).toBeCloseTo((7 / 8) ** 2 * 1.073741824, 12);
    const s = roofPosition(strassen, roofs, 2)!;
    expect(s.pctOfPeak).toBeCloseTo((100 * 9 * performedShare(strassen)) / 8, 8);
    expect(s.aboveRoof).toBe(false);
    expect(performedShare(ok('gemm/blocked', 'js', 1, 1))).toBe(1);
  });
});

describe('memory roofs: the level the bytes live in, with reads and writes', () => {
  it('levels from the probes: capacity 2 × the probe buffer (× threads), 2 × read bandwidth, DRAM from STREAM with write-allocate traffic', () => {
    const one = memoryLevels(cached, 1);
    expect(one.map((l) => [l.level, l.capacityBytes, l.gbps])).toEqual([
      ['L1', 32768, 400],
      ['L2', 1 << 20, 240],
      ['L3', 1 << 25, 120],
      // max(copy 20 × 3/2, triad 18 × 4/3)
      ['DRAM', Infinity, 30],
    ]);
    const two = memoryLevels(cached, 2);
    expect(two.map((l) => [l.level, l.capacityBytes, l.gbps])).toEqual([
      ['L1', 65536, 800],
      ['L2', 2 << 20, 460],
      ['L3', 1 << 25, 180],
      ['DRAM', Infinity, 60], // copy unmeasured at 2 threads: 1-thread copy × 2 × 3/2 beats the triad's 30 × 4/3
    ]);
    expect(two[2].label).toBe('L3, 2 threads');
    // Without cache probes (no native addon): DRAM only.
    expect(memoryLevels(roofs, 1).map((l) => l.level)).toEqual(['DRAM']);
  });

  it('`dlbench machine` prints the bounds the roofline divides by', () => {
    expect(renderRoofs(cached, undefined, false)).toContain(
      "roofline memory bounds (a kernel's reads + writes: 2 × a cache's read probe; DRAM: STREAM with its write-allocate traffic): 1 thread L1 400, L2 240, L3 120, DRAM 30.0 GB/s; 2 threads L1 800, L2 460, L3 180, DRAM 60.0 GB/s",
    );
  });

  it('a set larger than a level also runs from what fits the faster levels: the bound fills them first', () => {
    const m = memoryRoof(cached, 6 << 20, 1)!;
    expect(m.level).toBe('L3');
    const seconds = 32768 / 400e9 + ((1 << 20) - 0) / 240e9 + ((6 << 20) - 32768 - (1 << 20)) / 120e9;
    expect(m.gbps).toBeCloseTo((6 << 20) / seconds / 1e9, 6);
    // Just over the L3: mostly DRAM, but faster than DRAM alone.
    const over = memoryRoof(cached, 40 << 20, 1)!;
    expect(over.level).toBe('DRAM');
    expect(over.gbps).toBeGreaterThan(30);
    expect(over.gbps).toBeLessThan(120);
    expect(memoryRoof(cached, 16 << 10, 1)!.level).toBe('L1');
    expect(memoryRoof(cached, 512 << 10, 2)!.level).toBe('L2');
  });

  it('issue 13: a 6 MiB ReLU or bias is an L3 case even where the machine hid its cache sizes, never DRAM', () => {
    // machine.caches is {} (sysfs hidden, no CPUID): the probe buffers still say what each level holds.
    const relu = ok('layer/native', 'native', 6.04, 0.125, {bytes: 6422528});
    const pos = roofPosition(relu, cached, 2)!;
    expect(pos.memoryLevel).toBe('L3');
    expect(pos.bound).toBe('memory');
    expect(pos.aboveRoof).toBe(false);
    // 48 GB/s of reads and writes: about a quarter of what L3 allows two threads; before, 171% of DRAM's triad.
    expect(pos.pctOfPeak).toBeGreaterThan(20);
    expect(pos.pctOfPeak).toBeLessThan(40);
  });

  it('FC weights streamed from DRAM (read-only) may beat the triad, which counts no write-allocate reads', () => {
    const fc = ok('layer/fc-native', 'native', 1.25 * 0.5 * 20, 0.5, {bytes: 160 << 20});
    const pos = roofPosition(fc, cached, 1)!;
    expect(pos.memoryLevel).toBe('DRAM');
    expect(pos.aboveRoof).toBe(false);
    // 2.5× the triad is more than DRAM (plus what of the set the caches hold) can deliver: flagged.
    expect(roofPosition({...fc, gflops: 2.5 * 18 * 0.5}, cached, 1)!.aboveRoof).toBe(true);
  });

  it('the share printed and the flag agree: flagged exactly above 100% × the slack', () => {
    for (const gflops of [1, 10, 20, 25, 30, 31, 32, 60]) {
      const pos = roofPosition(ok('gemm/native', 'native', gflops, 1, {bytes: 1 << 30}), cached, 1)!;
      expect(pos.bound).toBe('memory');
      expect(pos.aboveRoof).toBe(pos.pctOfPeak > 100 * ABOVE_ROOF_SLACK);
    }
  });
});

describe('the run table', () => {
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

  it("has a '% peak' column only with roofs, names the memory level, and calls a point above its roof suspect", () => {
    const row = ok('gemm/blocked', 'js', 5, 100);
    const without: Report = {...base, context: {...ctx, roofsNote: 'run `dlbench machine`'}, results: [row]};
    expect(renderTables(without)).not.toContain('% peak');
    expect(renderTables(without)).toContain('run `dlbench machine`');
    const text = renderTables({...base, context: ctx, results: [{...row, roof: roofPosition(row, roofs, 1)}]});
    expect(text).toContain('125% cpu ⚠ above roof');
    expect(text).toContain('above measured roof: roof or timing suspect');
    const relu = ok('layer/native', 'native', 6, 0.125, {bytes: 6 << 20});
    const l3 = renderTables({...base, context: ctx, results: [{...relu, roof: roofPosition(relu, cached, 1)}]});
    expect(l3).toMatch(/\d+% L3/);
    expect(l3).not.toContain('above roof');
  });
});

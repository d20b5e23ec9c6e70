// The sanity rules a measurement must pass before `dlbench machine` caches it, on synthetic probe
// results: each rule once broken, and a sane Zen 4-like set that passes them all.
import {describe, expect, it} from 'vitest';
import {flopsPerCycle, loadProblem, parseLoadavg, roofProblems} from '../../src/measure/roofs-sanity.js';
import type {Roofs} from '../../src/measure/roofs.js';

const sane: Pick<Roofs, 'compute' | 'memory' | 'caches'> = {
  compute: [
    {isa: 'js', dtype: 'f64', threads: 1, gflops: 4},
    {isa: 'js', dtype: 'f64', threads: 2, gflops: 8},
    {isa: 'avx512', dtype: 'f32', threads: 1, gflops: 117},
    {isa: 'avx512', dtype: 'f32', threads: 2, gflops: 230},
    {isa: 'avx2', dtype: 'f32', threads: 1, gflops: 116},
    {isa: 'avx2', dtype: 'f32', threads: 2, gflops: 231},
    {isa: 'scalar', dtype: 'f32', threads: 1, gflops: 7},
    {isa: 'scalar', dtype: 'f32', threads: 2, gflops: 14},
  ],
  caches: [
    {level: 'L1', threads: 1, bytesPerThread: 16384, gbps: 200},
    {level: 'L2', threads: 1, bytesPerThread: 524288, gbps: 100},
    {level: 'L3', threads: 1, bytesPerThread: 1 << 24, gbps: 50},
  ],
  memory: [
    {kind: 'stream-copy', threads: 1, arrayBytes: 1 << 27, gbps: 15},
    {kind: 'stream-triad', threads: 1, arrayBytes: 1 << 27, gbps: 20},
  ],
};

const withCompute = (isa: string, dtype: string, threads: number, gflops: number) => ({
  ...sane,
  compute: sane.compute.map((c) => (c.isa === isa && c.dtype === dtype && c.threads === threads ? {...c, gflops} : c)),
});

describe('roofProblems', () => {
  it('a sane set passes, AVX-512 equal to AVX2 within noise included (Zen 4 double-pumps)', () => {
    expect(roofProblems(sane, [{label: 'avx512 f32 ×1', values: [117, 112]}])).toEqual([]);
  });

  it('2 threads below 1 thread (the 1-thread probe ran alone, the 2-thread one shared a core)', () => {
    expect(roofProblems(withCompute('js', 'f64', 2, 3))).toEqual(['2 threads below 1 thread: js f64 3.00 < 4.00 GFLOP/s']);
    // The same 2-thread roof is also below AVX2's: every broken rule is named.
    expect(roofProblems(withCompute('avx512', 'f32', 2, 100))).toEqual([
      '2 threads below 1 thread: avx512 f32 100 < 117 GFLOP/s',
      'avx512 below avx2: f32 ×2 100 < 231 GFLOP/s',
    ]);
  });

  it('a wider ISA below a narrower one at the same dtype and thread count', () => {
    const p = roofProblems(withCompute('avx512', 'f32', 1, 60));
    expect(p).toContain('avx512 below avx2: f32 ×1 60.0 < 116 GFLOP/s');
    expect(roofProblems(withCompute('avx2', 'f32', 2, 10))).toContain('avx2 below scalar: f32 ×2 10.0 < 14.0 GFLOP/s');
  });

  it('an implausibly low peak (the 0.014 GFLOP/s JS roof of a busy --quick run)', () => {
    expect(roofProblems(withCompute('js', 'f64', 1, 0.014))[0]).toBe('implausibly low: js f64 ×1 at 0.0140 GFLOP/s');
  });

  it('memory levels out of order: L1 > L2 > L3 > the best STREAM', () => {
    const caches = sane.caches.map((c) => (c.level === 'L2' ? {...c, gbps: 250} : c));
    expect(roofProblems({...sane, caches})).toEqual(['L1 not faster than L2: ×1 200 ≤ 250 GB/s']);
    const memory = sane.memory.map((m) => ({...m, gbps: 60}));
    expect(roofProblems({...sane, memory})).toEqual(['L3 not faster than DRAM: ×1 50.0 ≤ 60.0 GB/s']);
  });

  it('repeated runs that disagree by more than 15%', () => {
    expect(roofProblems(sane, [{label: 'avx512 f32 ×1', values: [150, 211]}])).toEqual([
      'runs disagree: avx512 f32 ×1 spread 29% over 2 runs',
    ]);
    expect(roofProblems(sane, [{label: 'one run', values: [1]}])).toEqual([]);
  });
});

describe('load check', () => {
  it('parses the 1-minute load of /proc/loadavg; none off Linux', () => {
    expect(parseLoadavg('1.52 0.80 0.40 2/300 1234\n')).toBe(1.52);
    expect(parseLoadavg(undefined)).toBeUndefined();
  });

  it('refuses a load that leaves no core free before, or more than the probe adds after', () => {
    expect(loadProblem(0.3, 0.6, 2, 10)).toBeUndefined();
    expect(loadProblem(1.6, 0.6, 2, 10)).toMatch(/^busy machine: 1-minute load 1.60 before the probe on 2 cores/);
    // 10 s of 2 probe threads add at most 2·(1 − e^(−1/6)) ≈ 0.31 to the 1-minute average.
    expect(loadProblem(1.0, 1.8, 2, 10)).toBeUndefined();
    expect(loadProblem(1.0, 1.9, 2, 10)).toMatch(/after the probe/);
    expect(loadProblem(undefined, undefined, 2, 10)).toBeUndefined();
  });
});

describe('flopsPerCycle', () => {
  it('GFLOP/s per core over the clock; none without a clock', () => {
    expect(flopsPerCycle(211.2, 1, 3300)).toBeCloseTo(64, 10); // Zen 5 AVX-512 f32: 2 × 16 lanes × 2
    expect(flopsPerCycle(234, 2, 3650)).toBeCloseTo(32.05, 2);
    expect(flopsPerCycle(100, 1, 0)).toBeUndefined();
  });
});

describe('roofProblems: scaling over physical cores and the ISA limit', () => {
  const zen5 = (one: number, two: number) => ({
    ...sane,
    compute: [
      {isa: 'avx512' as const, dtype: 'f32' as const, threads: 1, gflops: one},
      {isa: 'avx512' as const, dtype: 'f32' as const, threads: 2, gflops: two},
    ],
    caches: [],
  });

  it('flags the busy-machine Zen 5 probe (150 on 1 thread, 212 on 2) that "2 ≥ 1 thread" let through', () => {
    const problems = roofProblems({...zen5(150, 212), machine: {physicalCores: 2}});
    expect(problems).toEqual([
      '2 threads scale 1.41× over 1 on 2 physical cores (expected ≈ 2×): avx512 f32 212 vs 150 GFLOP/s; a core was busy',
    ]);
  });

  it('passes the quiet Zen 5 probe (216 and 420), and skips the rule where the topology is unknown or threads share cores', () => {
    expect(roofProblems({...zen5(216, 420), machine: {physicalCores: 2}})).toEqual([]);
    expect(roofProblems(zen5(150, 212))).toEqual([]);
    expect(roofProblems({...zen5(150, 212), machine: {physicalCores: 1}})).toEqual([]);
  });

  it('applies to the private L1 and L2 reads, not to the shared L3', () => {
    const r = {
      ...sane,
      caches: [
        {level: 'L1' as const, threads: 1, bytesPerThread: 16384, gbps: 200},
        {level: 'L1' as const, threads: 2, bytesPerThread: 16384, gbps: 250},
        {level: 'L3' as const, threads: 1, bytesPerThread: 1 << 24, gbps: 50},
        {level: 'L3' as const, threads: 2, bytesPerThread: 1 << 23, gbps: 60},
      ],
      memory: [],
      machine: {physicalCores: 2},
    };
    expect(roofProblems(r).filter((p) => p.includes('scale'))).toEqual([
      '2 threads scale 1.25× over 1 on 2 physical cores (expected ≈ 2×): L1 read 250 vs 200 GB/s; a core was busy',
    ]);
  });

  it('refuses a roof above what the ISA retires per cycle at the measured clock, not at a nominal one', () => {
    // 211 GFLOP/s at a measured 3300 MHz is 64 flops/cycle: AVX-512's limit, accepted.
    expect(roofProblems({...zen5(211, 420), machine: {physicalCores: 2, mhz: 3300, mhzSource: 'measured'}})).toEqual([]);
    // The same roof at a measured 1600 MHz would be 132 flops/cycle: the timer or clock is wrong.
    expect(roofProblems({...zen5(211, 420), machine: {physicalCores: 2, mhz: 1600, mhzSource: 'measured'}})).toContain(
      "above the ISA's limit: avx512 f32 ×1 at 131.9 flops/cycle/core (at most 64) at a measured 1600 MHz",
    );
    // A hypervisor's nominal 2096 MHz proves nothing: no rule.
    expect(roofProblems({...zen5(211, 420), machine: {physicalCores: 2, mhz: 2096, mhzSource: 'nominal'}})).toEqual([]);
  });
});

describe('physicalCores', () => {
  it('counts distinct (physical id, core id) pairs: hyperthreads share one', async () => {
    const {physicalCores} = await import('../../src/measure/roofs.js');
    const cpu = (p: number, c: number) => `processor\t: x\nphysical id\t: ${p}\ncore id\t\t: ${c}\n`;
    expect(physicalCores([cpu(0, 0), cpu(0, 1)].join('\n'))).toBe(2);
    expect(physicalCores([cpu(0, 0), cpu(0, 1), cpu(0, 0), cpu(0, 1)].join('\n'))).toBe(2);
    expect(physicalCores([cpu(0, 0), cpu(1, 0)].join('\n'))).toBe(2);
    expect(physicalCores('processor : 0\nmodel name : x\n')).toBeUndefined();
    expect(physicalCores(undefined)).toBeUndefined();
  });
});

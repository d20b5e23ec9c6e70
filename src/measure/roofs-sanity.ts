// Rules a measured set of roofs must pass before it is cached: a roof measured while something
// else ran is too low, and every later kernel then reads "above roof". Pure functions over probe
// results, so each rule is tested with synthetic numbers.
import type {Roofs} from './roofs-schema.js';

/** Repeated runs of one probe; the roof keeps their best only when they agree. */
export interface ProbeRuns {
  label: string;
  values: number[];
}

/** Largest (max − min) / max among repeated runs of one probe before the roof is suspect. */
export const MAX_SPREAD = 0.15;
/** Noise allowed where two roofs should be equal at best (AVX-512 double-pumped on AVX2 pipes). */
const SLACK = 0.9;
/** No x86-64 core of this century runs fewer multiply-adds a second than this, even in V8. */
const MIN_GFLOPS_PER_THREAD = 0.1;

const ISA_ORDER = ['avx512', 'avx2', 'scalar'] as const;
/** Within this fraction of t× the 1-thread roof, t threads on t physical cores scale: each runs
 * register- or private-cache-resident work on its own core, so less means a core was shared. */
const SCALING = 0.8;
/**
 * The most FLOPs one x86-64 core can retire per cycle, per probe: two FMA pipes of the ISA's width
 * (AVX-512 f32: 2 × 16 lanes × 2 flops), and two scalar multiply or add pipes for the scalar and
 * JS probes. A roof above it (with slack for the clock moving between probes) is a timing or
 * clock error, not a fast machine.
 */
const MAX_FLOPS_PER_CYCLE: Record<string, Record<string, number>> = {
  avx512: {f32: 64, f64: 32},
  avx2: {f32: 32, f64: 16},
  scalar: {f32: 4, f64: 4},
  js: {f32: 4, f64: 4},
};
const CLOCK_SLACK = 1.15;
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));

/** Every broken rule as one line ("2 threads below 1 thread: avx2 f32 …"); empty when sane. */
export function roofProblems(
  r: Pick<Roofs, 'compute' | 'memory' | 'caches'> & {machine?: Pick<Roofs['machine'], 'mhz' | 'mhzSource' | 'physicalCores'>},
  runs: ProbeRuns[] = [],
): string[] {
  const problems: string[] = [];
  const gflops = (isa: string, dtype: string, threads: number) =>
    r.compute.find((c) => c.isa === isa && c.dtype === dtype && c.threads === threads)?.gflops;
  const threadCounts = [...new Set(r.compute.map((c) => c.threads))].sort((a, b) => a - b);

  for (const c of r.compute) {
    if (c.gflops / c.threads < MIN_GFLOPS_PER_THREAD) {
      problems.push(`implausibly low: ${c.isa} ${c.dtype} ×${c.threads} at ${fmt(c.gflops)} GFLOP/s`);
    }
  }
  // More threads never lower a peak: each thread runs its own chains on its own core.
  for (const key of new Set(r.compute.map((c) => `${c.isa} ${c.dtype}`))) {
    const [isa, dtype] = key.split(' ');
    const one = gflops(isa, dtype, 1);
    for (const t of threadCounts.filter((n) => n > 1)) {
      const many = gflops(isa, dtype, t);
      if (one !== undefined && many !== undefined && many < one * SLACK) {
        problems.push(`${t} threads below 1 thread: ${key} ${fmt(many)} < ${fmt(one)} GFLOP/s`);
      }
    }
  }
  // t threads on t distinct physical cores: t× one thread for the FMA chains and the private
  // L1/L2 reads (a sibling hyperthread or a busy core would share a core's pipes; skipped when
  // the topology is unknown). A probe disturbed on one core passes "≥ 1 thread" but not this.
  const physical = r.machine?.physicalCores;
  if (physical && physical > 1) {
    const scaled = (label: string, one: number | undefined, many: number | undefined, t: number, unit: string) => {
      if (one === undefined || many === undefined || t > physical) return;
      if (many < SCALING * t * one) {
        problems.push(
          `${t} threads scale ${(many / one).toFixed(2)}× over 1 on ${t} physical cores (expected ≈ ${t}×): ${label} ${fmt(many)} vs ${fmt(one)} ${unit}; a core was busy`,
        );
      }
    };
    for (const key of new Set(r.compute.map((c) => `${c.isa} ${c.dtype}`))) {
      const [isa, dtype] = key.split(' ');
      for (const t of threadCounts.filter((n) => n > 1)) scaled(key, gflops(isa, dtype, 1), gflops(isa, dtype, t), t, 'GFLOP/s');
    }
    for (const level of ['L1', 'L2'] as const) {
      const bw = (t: number) => r.caches.find((c) => c.level === level && c.threads === t)?.gbps;
      for (const t of [...new Set(r.caches.map((c) => c.threads))].filter((n) => n > 1)) {
        scaled(`${level} read`, bw(1), bw(t), t, 'GB/s');
      }
    }
  }
  // Above what the ISA can retire per cycle at the measured clock: the timer or the clock is wrong.
  const mhz = r.machine?.mhzSource === 'measured' ? r.machine.mhz : undefined;
  for (const c of r.compute) {
    const fpc = flopsPerCycle(c.gflops, c.threads, mhz);
    const max = MAX_FLOPS_PER_CYCLE[c.isa]?.[c.dtype];
    if (fpc !== undefined && max !== undefined && fpc > max * CLOCK_SLACK) {
      problems.push(
        `above the ISA's limit: ${c.isa} ${c.dtype} ×${c.threads} at ${fpc.toFixed(1)} flops/cycle/core (at most ${max}) at a measured ${mhz!.toFixed(0)} MHz`,
      );
    }
  }
  // A wider ISA never runs fewer FLOPs than a narrower one at the same thread count and dtype.
  for (const dtype of ['f32', 'f64']) {
    for (const t of threadCounts) {
      const present = ISA_ORDER.filter((isa) => gflops(isa, dtype, t) !== undefined);
      for (let i = 0; i + 1 < present.length; i++) {
        const wide = gflops(present[i], dtype, t)!;
        const narrow = gflops(present[i + 1], dtype, t)!;
        if (wide < narrow * SLACK) {
          problems.push(`${present[i]} below ${present[i + 1]}: ${dtype} ×${t} ${fmt(wide)} < ${fmt(narrow)} GFLOP/s`);
        }
      }
    }
  }
  // Each level of the memory hierarchy is slower than the one above it; DRAM is the best STREAM.
  for (const t of [...new Set([...r.caches, ...r.memory].map((x) => x.threads))]) {
    const levels: [string, number | undefined][] = [
      ...(['L1', 'L2', 'L3'] as const).map(
        (l) => [l, r.caches.find((c) => c.level === l && c.threads === t)?.gbps] as [string, number | undefined],
      ),
      ['DRAM', Math.max(0, ...r.memory.filter((m) => m.threads === t).map((m) => m.gbps)) || undefined],
    ];
    const present = levels.filter((l): l is [string, number] => l[1] !== undefined);
    for (let i = 0; i + 1 < present.length; i++) {
      const [hi, hiBw] = present[i];
      const [lo, loBw] = present[i + 1];
      if (!(hiBw > loBw)) problems.push(`${hi} not faster than ${lo}: ×${t} ${fmt(hiBw)} ≤ ${fmt(loBw)} GB/s`);
    }
  }
  for (const p of runs) {
    if (p.values.length < 2) continue;
    const max = Math.max(...p.values);
    const spread = (max - Math.min(...p.values)) / max;
    if (spread > MAX_SPREAD) {
      problems.push(`runs disagree: ${p.label} spread ${(100 * spread).toFixed(0)}% over ${p.values.length} runs`);
    }
  }
  return problems;
}

/** The 1-minute load average from /proc/loadavg text, or undefined where there is none. */
export function parseLoadavg(text: string | undefined): number | undefined {
  const x = Number.parseFloat(text ?? '');
  return Number.isFinite(x) ? x : undefined;
}

/**
 * Why the load says another program shared the probe, or undefined. Before the probe the load
 * must leave a core free; after it our own probe threads have raised the 1-minute average by at
 * most cores·(1 − e^(−seconds/60)), which is allowed on top.
 */
export function loadProblem(
  before: number | undefined,
  after: number | undefined,
  cores: number,
  seconds: number,
): string | undefined {
  const limit = cores - 1 + 0.5;
  if (before !== undefined && before > limit) {
    return `busy machine: 1-minute load ${before.toFixed(2)} before the probe on ${cores} cores (limit ${limit.toFixed(1)})`;
  }
  const own = cores * (1 - Math.exp(-seconds / 60));
  if (after !== undefined && after > limit + own) {
    return `busy machine: 1-minute load ${after.toFixed(2)} after the probe on ${cores} cores (limit ${(limit + own).toFixed(1)} with the probe's own threads)`;
  }
  return undefined;
}

/** FLOPs one core retires per cycle at the roof, at the given clock; undefined without a clock. */
export function flopsPerCycle(gflops: number, threads: number, mhz: number | undefined): number | undefined {
  return mhz && mhz > 0 ? (gflops * 1e3) / threads / mhz : undefined;
}

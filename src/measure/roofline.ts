// Places a result under the machine's roofs: the compute roof of its backend (JS scalar peak
// for 'js', that × threads for 'workers', the FMA peak of the dispatched ISA for 'native') and
// the memory roof AI × bandwidth. pctOfPeak is the share of the attainable roof,
// min(peak, AI × bandwidth), so a memory-bound case is judged against what memory allows.
// Cache-aware (as in Ilic et al.'s cache-aware roofline): timed calls repeat on the same data, so
// a case whose bytes fit a cache level runs from that level between samples — its bandwidth is that
// level's read probe, not DRAM's triad (a 6 MB ReLU at 2× the triad was no measurement error).
import type {CaseResult, Context, OkCase, RoofPosition} from '../core/results.js';
import type {Isa} from '../native/loader.js';
import type {Roofs} from './roofs.js';

/** A result this far above its roof is flagged: roofs are measured too, so allow their noise. */
export const ABOVE_ROOF_SLACK = 1.05;

/**
 * A roof at `threads`: the measured row when there is one; beyond the core count, the
 * all-cores row (extra threads add no hardware); otherwise the 1-thread roof × threads.
 */
function atThreads<T extends {threads: number}>(
  rows: T[],
  threads: number,
  cores: number,
  value: (r: T) => number,
): number | undefined {
  const t = Math.min(threads, cores);
  const exact = rows.find((r) => r.threads === t);
  if (exact) return value(exact);
  const one = rows.find((r) => r.threads === 1);
  return one ? value(one) * t : undefined;
}

export function computeRoof(
  roofs: Roofs,
  backend: string,
  params: Record<string, number | string>,
  threads: number,
): number | undefined {
  if (backend === 'js')
    return atThreads(
      roofs.compute.filter((c) => c.isa === 'js'),
      1,
      roofs.threads.all,
      (c) => c.gflops,
    );
  // A pool whose workers each run the native kernel is bounded by the native ISA, not by V8.
  if (backend === 'workers' && typeof params.base === 'string' && params.base.startsWith('gemm/native')) {
    return computeRoof(roofs, 'native', {}, threads);
  }
  if (backend === 'workers')
    return atThreads(
      roofs.compute.filter((c) => c.isa === 'js'),
      threads,
      roofs.threads.all,
      (c) => c.gflops,
    );
  if (backend === 'native') {
    const isa = (typeof params.isa === 'string' ? params.isa : roofs.native.ok ? roofs.native.bestIsa : undefined) as
      | Isa
      | undefined;
    const dtype = params.precision === 'f64' ? 'f64' : 'f32';
    return atThreads(
      roofs.compute.filter((c) => c.isa === isa && c.dtype === dtype),
      threads,
      roofs.threads.all,
      (c) => c.gflops,
    );
  }
  return undefined; // webgpu: no GPU roof measured yet
}

/** The backend of a GEMM engine by id (the kernels' engine list, passed in by the caller). */
export type EngineBackend = (engineId: string) => string | undefined;

/**
 * The backend whose roof bounds a row: a composed kernel (im2col, Winograd, FC…) that records
 * the GEMM engine it ran on is bounded by that engine's roof, whatever its own label.
 */
function roofBackend(r: OkCase, engineBackend?: EngineBackend): string {
  const engine = typeof r.metrics?.gemm === 'string' ? engineBackend?.(r.metrics.gemm) : undefined;
  return engine ?? r.backend;
}

const LEVELS = ['L1', 'L2', 'L3'] as const;
type MemoryLevel = (typeof LEVELS)[number] | 'DRAM';

function parseCacheSize(text: string | undefined): number | undefined {
  const m = /^(\d+)\s*([KMG]?)/i.exec(text ?? '');
  return m ? Number(m[1]) * ({'': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3}[m[2].toUpperCase()] ?? 1) : undefined;
}

/**
 * The memory level a working set of `bytes` runs from, with its bandwidth (the level's read probe, or the
 * STREAM triad for DRAM) and an upper bound for the above-roof flag: the next faster level's probe, since a
 * set that fits a level also partly hits the level above it (the probes sit at half each cache's size).
 * L1 and L2 are private (their capacity scales with threads), L3 is shared. Without cache probes: DRAM.
 */
export function memoryRoof(
  roofs: Roofs,
  bytes: number,
  threads: number,
): {level: MemoryLevel; gbps: number; ceilingGbps: number} | undefined {
  const t = Math.min(threads, roofs.threads.all);
  const dram = atThreads(
    roofs.memory.filter((m) => m.kind === 'stream-triad'),
    t,
    roofs.threads.all,
    (m) => m.gbps,
  );
  const probe = (level: (typeof LEVELS)[number]) =>
    atThreads(
      roofs.caches.filter((c) => c.level === level),
      t,
      roofs.threads.all,
      (c) => c.gbps,
    );
  const cap = (level: (typeof LEVELS)[number]) => {
    const size = parseCacheSize(roofs.machine.caches[level === 'L1' ? 'L1d' : level]);
    return size === undefined ? undefined : level === 'L3' ? size : size * t;
  };
  for (let i = 0; i < LEVELS.length; i++) {
    const size = cap(LEVELS[i]),
      gbps = probe(LEVELS[i]);
    if (size === undefined || gbps === undefined || !(bytes > 0) || bytes > size) continue;
    const faster = i > 0 ? probe(LEVELS[i - 1]) : undefined;
    return {level: LEVELS[i], gbps, ceilingGbps: Math.max(gbps, faster ?? gbps)};
  }
  if (dram === undefined) return undefined;
  // Just over the L3 some of the set still hits it: bound by the L3 probe up to twice its size.
  const l3 = cap('L3'),
    l3bw = probe('L3');
  const ceiling = l3 !== undefined && l3bw !== undefined && bytes <= 2 * l3 ? Math.max(dram, l3bw) : dram;
  return {level: 'DRAM', gbps: dram, ceilingGbps: ceiling};
}

export function roofPosition(r: OkCase, roofs: Roofs, threads: number, engineBackend?: EngineBackend): RoofPosition | undefined {
  if (!(r.flops > 0)) return undefined; // a pure data move (transpose) has no FLOP roof
  const backend = roofBackend(r, engineBackend);
  const t = backend === 'js' ? 1 : threads;
  const peak = computeRoof(roofs, backend, r.params, t);
  if (peak === undefined || !(peak > 0)) return undefined;
  const mem = memoryRoof(roofs, r.bytes, t);
  const memRoof = mem === undefined ? Infinity : r.ai * mem.gbps;
  const attainable = Math.min(peak, memRoof);
  const ceiling = Math.min(peak, mem === undefined ? Infinity : r.ai * mem.ceilingGbps);
  // Winograd reports conventional ("effective") FLOPs; the hardware did macReduction× fewer.
  const reduction = r.metrics?.effectiveFlops === true && typeof r.metrics.macReduction === 'number' ? r.metrics.macReduction : 1;
  const performed = r.gflops / reduction;
  return {
    peakGflops: peak,
    attainableGflops: attainable,
    pctOfPeak: (100 * performed) / attainable,
    bound: memRoof < peak ? 'memory' : 'compute',
    ...(mem ? {memoryLevel: mem.level} : {}),
    aboveRoof: performed > ceiling * ABOVE_ROOF_SLACK,
  };
}

/** Fills `roof` on an ok result when the run's context carries measured roofs. */
export function attachRoof(r: CaseResult, ctx: Context, threads: number, engineBackend?: EngineBackend): void {
  const roofs = ctx.roofs as Roofs | undefined;
  if (r.state !== 'ok' || !roofs) return;
  const pos = roofPosition(r, roofs, threads, engineBackend);
  if (pos) r.roof = pos;
}

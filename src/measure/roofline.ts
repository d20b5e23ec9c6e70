// Places a result under the roofs that bound it: the compute roof of the backend it ran on, at the
// thread count it ran with (JS scalar peak for 'js', per thread for 'workers', the dispatched ISA's
// FMA peak for 'native'), and the memory roof of where its bytes live between timed calls.
// pctOfPeak is the share of the attainable roof, min(peak, AI × bandwidth), so a memory-bound case
// is judged against what memory allows, and a row is flagged above its roof exactly when that share
// passes 100% (plus the roofs' own noise): the number and the flag never disagree.
//
// The memory side is cache-aware (as in Ilic et al.'s cache-aware roofline): timed calls repeat on
// the same data, so a working set that fits a cache runs from it. The bound is built from what the
// probes measured and nothing else:
// - the probes read only, while a kernel's compulsory bytes count its writes too; a level can take
//   writes alongside reads, and no kernel here writes more than it reads, so at a cache level the
//   bytes a kernel moves are bounded by twice the level's read probe;
// - STREAM counts only the bytes its loop names; its stores also read each line first (write
//   allocate), so the DRAM traffic bound is the best of copy × 3/2 and triad × 4/3;
// - a set larger than a level still has up to that level's capacity in each faster one, so the time
//   is bounded below by filling the fastest levels first (which replaces a per-level guess).
import type {CaseResult, Context, OkCase, RoofPosition} from '../core/results.js';
import type {Isa} from '../native/loader.js';
import type {CacheRoof, Roofs} from './roofs.js';

/** A result this far above its roof is flagged: roofs are measured too, so allow their noise. */
export const ABOVE_ROOF_SLACK = 1.05;

/** Bytes a kernel moves per byte a read-only probe moves, at a cache level (reads and writes overlap). */
export const CACHE_READ_WRITE_FACTOR = 2;

/** STREAM's counted bytes per byte on the bus, with write allocate: copy moves 3 lines per 2 counted, triad 4 per 3. */
const STREAM_BUS_FACTOR = {'stream-copy': 3 / 2, 'stream-triad': 4 / 3} as const;

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

/** The compute roof a row is judged against, named for a reader. */
export interface ComputeRoofInfo {
  /** 'js', or the ISA of the FMA probe. */
  isa: string;
  dtype: 'f32' | 'f64';
  threads: number;
  gflops: number;
  /** In words, e.g. 'AVX-512 FP32 FMA peak, 2 threads'. */
  label: string;
}

const ISA_NAMES: Record<string, string> = {avx512: 'AVX-512', avx2: 'AVX2', scalar: 'scalar'};
const plural = (t: number): string => `${t} thread${t === 1 ? '' : 's'}`;

function nativeRoof(roofs: Roofs, params: Record<string, number | string>, threads: number): ComputeRoofInfo | undefined {
  const isa = (typeof params.isa === 'string' ? params.isa : roofs.native.ok ? roofs.native.bestIsa : undefined) as
    | Isa
    | undefined;
  const dtype = params.precision === 'f64' ? 'f64' : 'f32';
  const t = Math.min(threads, roofs.threads.all);
  const gflops = atThreads(
    roofs.compute.filter((c) => c.isa === isa && c.dtype === dtype),
    t,
    roofs.threads.all,
    (c) => c.gflops,
  );
  if (gflops === undefined || isa === undefined) return undefined;
  const fma = isa === 'scalar' ? 'mul+add' : 'FMA';
  return {isa, dtype, threads: t, gflops, label: `${ISA_NAMES[isa] ?? isa} FP${dtype.slice(1)} ${fma} peak, ${plural(t)}`};
}

/**
 * V8's scalar peak on `threads` threads. Each worker is its own isolate on its own core and V8's
 * scalar code shares nothing between cores, so the bound is the better of the measured multi-thread
 * probe and the 1-thread probe × threads (the multi-thread probe starts its workers one by one
 * and is the noisier of the two).
 */
function jsRoof(roofs: Roofs, threads: number): ComputeRoofInfo | undefined {
  const rows = roofs.compute.filter((c) => c.isa === 'js');
  const t = Math.min(threads, roofs.threads.all);
  const one = rows.find((r) => r.threads === 1)?.gflops;
  const measured = atThreads(rows, t, roofs.threads.all, (c) => c.gflops);
  const gflops = Math.max(measured ?? 0, one === undefined ? 0 : one * t);
  if (!(gflops > 0)) return undefined;
  return {isa: 'js', dtype: 'f64', threads: t, gflops, label: `JS (V8 scalar) peak, ${plural(t)}`};
}

export function computeRoofInfo(
  roofs: Roofs,
  backend: string,
  params: Record<string, number | string>,
  threads: number,
): ComputeRoofInfo | undefined {
  if (backend === 'js') return jsRoof(roofs, 1);
  // A pool whose workers each run the native kernel is bounded by the native ISA, not by V8.
  if (backend === 'workers' && typeof params.base === 'string' && params.base.startsWith('gemm/native')) {
    return nativeRoof(roofs, {}, threads);
  }
  if (backend === 'workers') return jsRoof(roofs, threads);
  if (backend === 'native') return nativeRoof(roofs, params, threads);
  return undefined; // webgpu: no GPU roof measured yet
}

export function computeRoof(
  roofs: Roofs,
  backend: string,
  params: Record<string, number | string>,
  threads: number,
): number | undefined {
  return computeRoofInfo(roofs, backend, params, threads)?.gflops;
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
export type MemoryLevel = (typeof LEVELS)[number] | 'DRAM';

/** One level of the memory hierarchy at a thread count: what fits it and how fast a kernel's bytes can move there. */
export interface MemoryLevelRoof {
  level: MemoryLevel;
  /** Bytes the level holds for `threads` threads (private levels × threads); Infinity for DRAM. */
  capacityBytes: number;
  /** What the probe measured: read bandwidth for a cache, the best STREAM (counted bytes) for DRAM. */
  probeGbps: number;
  /** Bound on a kernel's compulsory bytes per second from this level (see the file's head). */
  gbps: number;
  threads: number;
  /** In words, e.g. 'L2, 2 threads'. */
  label: string;
}

/** The probe row for a level at t threads: exact, else the 1-thread row scaled (bandwidth × t; private capacity × t). */
function cacheLevel(rows: CacheRoof[], level: (typeof LEVELS)[number], t: number): {gbps: number; capacity: number} | undefined {
  const here = rows.filter((c) => c.level === level);
  const exact = here.find((c) => c.threads === t);
  // Each probe reads a buffer half its share of the level (per thread; the L3 share is L3 / threads).
  if (exact) return {gbps: exact.gbps, capacity: 2 * exact.bytesPerThread * t};
  const one = here.find((c) => c.threads === 1);
  if (!one) return undefined;
  return {gbps: one.gbps * t, capacity: 2 * one.bytesPerThread * (level === 'L3' ? 1 : t)};
}

/** The memory hierarchy at `threads` threads, fastest first, each level no faster than the one above it. */
export function memoryLevels(roofs: Roofs, threads: number): MemoryLevelRoof[] {
  const t = Math.min(threads, roofs.threads.all);
  const out: MemoryLevelRoof[] = [];
  for (const level of LEVELS) {
    const c = cacheLevel(roofs.caches, level, t);
    if (!c || !(c.capacity > 0)) continue;
    out.push({
      level,
      capacityBytes: c.capacity,
      probeGbps: c.gbps,
      gbps: c.gbps * CACHE_READ_WRITE_FACTOR,
      threads: t,
      label: `${level}, ${plural(t)}`,
    });
  }
  let dram: {probe: number; bus: number} | undefined;
  for (const kind of ['stream-copy', 'stream-triad'] as const) {
    const g = atThreads(
      roofs.memory.filter((m) => m.kind === kind),
      t,
      roofs.threads.all,
      (m) => m.gbps,
    );
    if (g === undefined) continue;
    const bus = g * STREAM_BUS_FACTOR[kind];
    if (!dram || bus > dram.bus) dram = {probe: g, bus};
  }
  if (dram) {
    out.push({
      level: 'DRAM',
      capacityBytes: Infinity,
      probeGbps: dram.probe,
      gbps: dram.bus,
      threads: t,
      label: `DRAM, ${plural(t)}`,
    });
  }
  // A slower level never bounds tighter than a faster one would (probes are noisy; roofs-sanity refuses the worst).
  for (let i = out.length - 2; i >= 0; i--) out[i].gbps = Math.max(out[i].gbps, out[i + 1].gbps);
  return out;
}

/**
 * The memory roof of a working set of `bytes` at `threads`: the level it fits (the first whose
 * capacity holds it; DRAM past the last) and the bandwidth bound, filling the faster levels first.
 * Undefined without any memory probe.
 */
export function memoryRoof(
  roofs: Roofs,
  bytes: number,
  threads: number,
): {level: MemoryLevel; gbps: number; levelRoof: MemoryLevelRoof} | undefined {
  const levels = memoryLevels(roofs, threads);
  if (levels.length === 0 || !(bytes > 0)) return undefined;
  const home = levels.find((l) => bytes <= l.capacityBytes) ?? levels[levels.length - 1];
  // Fastest first: each level serves at most what it holds; the home level serves the rest.
  let left = bytes,
    seconds = 0;
  for (const l of levels) {
    const served = l === home ? left : Math.min(left, l.capacityBytes);
    seconds += served / (l.gbps * 1e9);
    left -= served;
    if (l === home || left <= 0) break;
  }
  return {level: home.level, gbps: bytes / seconds / 1e9, levelRoof: home};
}

/**
 * Of the FLOPs a row counts, the share its hardware performed: Winograd reports conventional
 * ("effective") FLOPs, macReduction× what it did; Strassen–Winograd recursed `depth` times does
 * (7/8)^depth of a classical GEMM on its padded shape in its leaf products (its additions are not
 * counted, so this is a lower bound on the work, and never flags a row that is below its roof).
 */
export function performedShare(r: OkCase): number {
  const m = r.metrics;
  if (m?.effectiveFlops === true && typeof m.macReduction === 'number' && m.macReduction > 0) return 1 / m.macReduction;
  if (r.params.cutoff !== undefined && typeof m?.depth === 'number' && m.depth > 0) {
    const padded = typeof m.padded === 'string' ? m.padded.split('x').map(Number) : [];
    const {m: M, n: N, k: K} = r.shape as {m?: number; n?: number; k?: number};
    const pad =
      padded.length === 3 && padded.every((x) => x > 0) && M && N && K ? (padded[0] * padded[1] * padded[2]) / (M * N * K) : 1;
    return (7 / 8) ** m.depth * pad;
  }
  return 1;
}

/** The thread count a row ran with: its own record (sweep rows, worker pools), else the run's. */
export function rowThreads(r: OkCase, runThreads: number): number {
  const t = r.metrics?.threads;
  return typeof t === 'number' && t >= 1 ? t : runThreads;
}

/** Both roofs that bound a row, or undefined when it has no FLOPs or no compute roof is known for its backend. */
export function boundingRoofs(
  r: OkCase,
  roofs: Roofs,
  threads: number,
  engineBackend?: EngineBackend,
): {compute: ComputeRoofInfo; memory?: ReturnType<typeof memoryRoof>} | undefined {
  if (!(r.flops > 0)) return undefined; // a pure data move (transpose) has no FLOP roof
  const backend = roofBackend(r, engineBackend);
  const t = backend === 'js' ? 1 : rowThreads(r, threads);
  const compute = computeRoofInfo(roofs, backend, r.params, t);
  if (!compute || !(compute.gflops > 0)) return undefined;
  return {compute, memory: memoryRoof(roofs, r.bytes, t)};
}

export function roofPosition(r: OkCase, roofs: Roofs, threads: number, engineBackend?: EngineBackend): RoofPosition | undefined {
  const b = boundingRoofs(r, roofs, threads, engineBackend);
  if (!b) return undefined;
  const peak = b.compute.gflops;
  const memRoof = b.memory === undefined ? Infinity : r.ai * b.memory.gbps;
  const attainable = Math.min(peak, memRoof);
  // The share of the binding resource: performed FLOPs against the peak, counted bytes against the bandwidth.
  const computeShare = (r.gflops * performedShare(r)) / peak;
  const memoryShare = r.gflops / memRoof;
  const share = Math.max(computeShare, memoryShare);
  return {
    peakGflops: peak,
    attainableGflops: attainable,
    pctOfPeak: 100 * share,
    bound: memRoof < peak ? 'memory' : 'compute',
    ...(b.memory ? {memoryLevel: b.memory.level} : {}),
    aboveRoof: share > ABOVE_ROOF_SLACK,
  };
}

/** Fills `roof` on an ok result when the run's context carries measured roofs. */
export function attachRoof(r: CaseResult, ctx: Context, threads: number, engineBackend?: EngineBackend): void {
  const roofs = ctx.roofs as Roofs | undefined;
  if (r.state !== 'ok' || !roofs) return;
  const pos = roofPosition(r, roofs, threads, engineBackend);
  if (pos) r.roof = pos;
}

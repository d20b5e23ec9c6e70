// Places a result under the machine's roofs: the compute roof of its backend (JS scalar peak
// for 'js', that × threads for 'workers', the FMA peak of the dispatched ISA for 'native') and
// the memory roof AI × STREAM-triad bandwidth. pctOfPeak is the share of the attainable roof,
// min(peak, AI × bandwidth), so a memory-bound case is judged against what memory allows.
import type {CaseResult, Context, OkCase, RoofPosition} from '../report/schema.js';
import type {Isa} from '../native/loader.js';
import type {Roofs} from './roofs.js';
import {gemmEngines} from '../kernels/gemm/engines.js';

/** A result this far above its roof is flagged: roofs are measured too, so allow their noise. */
export const ABOVE_ROOF_SLACK = 1.05;

/**
 * A roof at `threads`: the measured row when there is one; beyond the core count, the
 * all-cores row (extra threads add no hardware); otherwise the 1-thread roof × threads.
 */
function atThreads<T extends {threads: number}>(rows: T[], threads: number, cores: number, value: (r: T) => number): number | undefined {
  const t = Math.min(threads, cores);
  const exact = rows.find((r) => r.threads === t);
  if (exact) return value(exact);
  const one = rows.find((r) => r.threads === 1);
  return one ? value(one) * t : undefined;
}

export function computeRoof(roofs: Roofs, backend: string, params: Record<string, number | string>, threads: number): number | undefined {
  if (backend === 'js') return atThreads(roofs.compute.filter((c) => c.isa === 'js'), 1, roofs.threads.all, (c) => c.gflops);
  // A pool whose workers each run the native kernel is bounded by the native ISA, not by V8.
  if (backend === 'workers' && typeof params.base === 'string' && params.base.startsWith('gemm/native')) {
    return computeRoof(roofs, 'native', {}, threads);
  }
  if (backend === 'workers') return atThreads(roofs.compute.filter((c) => c.isa === 'js'), threads, roofs.threads.all, (c) => c.gflops);
  if (backend === 'native') {
    const isa = (typeof params.isa === 'string' ? params.isa : roofs.native.ok ? roofs.native.bestIsa : undefined) as Isa | undefined;
    const dtype = params.precision === 'f64' ? 'f64' : 'f32';
    return atThreads(roofs.compute.filter((c) => c.isa === isa && c.dtype === dtype), threads, roofs.threads.all, (c) => c.gflops);
  }
  return undefined; // webgpu: no GPU roof measured yet
}

/**
 * The backend whose roof bounds a row: a composed kernel (im2col, Winograd, FC…) that records
 * the GEMM engine it ran on is bounded by that engine's roof, whatever its own label.
 */
function roofBackend(r: OkCase): string {
  const engine = typeof r.metrics?.gemm === 'string' ? gemmEngines.find((e) => e.id === r.metrics!.gemm) : undefined;
  return engine?.backend ?? r.backend;
}

export function roofPosition(r: OkCase, roofs: Roofs, threads: number): RoofPosition | undefined {
  if (!(r.flops > 0)) return undefined; // a pure data move (transpose) has no FLOP roof
  const backend = roofBackend(r);
  const t = backend === 'js' ? 1 : threads;
  const peak = computeRoof(roofs, backend, r.params, t);
  if (peak === undefined || !(peak > 0)) return undefined;
  const bw = atThreads(roofs.memory.filter((m) => m.kind === 'stream-triad'), t, roofs.threads.all, (m) => m.gbps);
  const memRoof = bw === undefined ? Infinity : r.ai * bw;
  const attainable = Math.min(peak, memRoof);
  // Winograd reports conventional ("effective") FLOPs; the hardware did macReduction× fewer.
  const reduction = r.metrics?.effectiveFlops === true && typeof r.metrics.macReduction === 'number' ? r.metrics.macReduction : 1;
  const performed = r.gflops / reduction;
  return {
    peakGflops: peak,
    attainableGflops: attainable,
    pctOfPeak: (100 * performed) / attainable,
    bound: memRoof < peak ? 'memory' : 'compute',
    aboveRoof: performed > attainable * ABOVE_ROOF_SLACK,
  };
}

/** Fills `roof` on an ok result when the run's context carries measured roofs. */
export function attachRoof(r: CaseResult, ctx: Context, threads: number): void {
  const roofs = ctx.roofs as Roofs | undefined;
  if (r.state !== 'ok' || !roofs) return;
  const pos = roofPosition(r, roofs, threads);
  if (pos) r.roof = pos;
}

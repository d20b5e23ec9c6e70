// From one or more results files to the flat rows the charts and tables draw. Everything here
// is read loosely: ops, metrics, layers and roofs appear as other rungs land, never by name.
import {caseKey, finite, isOk} from '../cases.js';
import {gemmEngineBackend} from '../../kernels/gemm/engines.js';
import {boundingRoofs, memoryLevels, roofPosition, type MemoryLevel} from '../../measure/roofline.js';
import {RoofsSchema, type Roofs} from '../../measure/roofs-schema.js';
import {TypeCompiler} from '@sinclair/typebox/compiler';
import {fmtNum, fmtPct} from '../format.js';
import type {OkCase, Report, RoofPosition} from '../../core/results.js';

export interface Source {
  /** Short label: the file name (unique among the inputs). */
  label: string;
  report: Report;
}

export interface Point {
  source: string;
  op: string;
  variant: string;
  backend: string;
  key: string;
  shapeText: string;
  flops: number;
  ai: number;
  gflops: number;
  medianMs: number;
  /** Set for a layer of a network run: drawn in the network section, not the op's size chart. */
  net?: string;
  /** The thread count the row records (every sweep row): one line or bar per count, never merged. */
  threads?: number;
  /** Its position under the roof that bounds it (absent without measured roofs). */
  roof?: PointRoof;
  /** One line per fact, for the roofline's tooltip. */
  tip: string;
}

/** A point against its own roof: the binding one (compute or the memory level its bytes live in). */
export interface PointRoof {
  pct: number;
  above: boolean;
  bound: 'compute' | 'memory';
  /** The binding roof in words, e.g. 'AVX-512 FP32 FMA peak, 2 threads' or 'L2, 2 threads'. */
  name: string;
  /** Its value: GFLOP/s for a compute roof, GB/s for a memory level. */
  value: number;
  memoryLevel?: MemoryLevel;
}

export function okPoints(sources: Source[]): Point[] {
  const out: Point[] = [];
  for (const s of sources) {
    const roofs = measuredRoofs(s);
    for (const r of s.report.results.filter(isOk)) {
      const gflops = finite(r.gflops);
      const medianMs = finite(r.stats.medianMs);
      if (gflops === undefined || medianMs === undefined) continue;
      const roof = pointRoof(r, roofs, s.report.config.threads);
      const threads = typeof r.metrics?.threads === 'number' ? r.metrics.threads : undefined;
      const tip = [
        `${r.variant}${threads === undefined ? '' : ` ×${threads}`}${sources.length > 1 ? ` (${s.label})` : ''}`,
        `shape ${r.shapeText}`,
        `${fmtNum(gflops)} GFLOP/s at AI ${fmtNum(finite(r.ai) ?? NaN)} FLOPs/byte`,
        roof
          ? `${fmtPct(roof.pct)} of its roof: ${roof.name} (${fmtNum(roof.value)} ${roof.bound === 'compute' ? 'GFLOP/s' : 'GB/s'})${roof.above ? ' — above measured roof: roof or timing suspect' : ''}`
          : 'no measured roof for this backend',
      ].join('\n');
      out.push({
        ...(roof ? {roof} : {}),
        tip,
        source: s.label,
        op: r.op,
        variant: r.variant,
        backend: r.backend,
        key: caseKey(r),
        shapeText: r.shapeText,
        flops: finite(r.flops) ?? NaN,
        ai: finite(r.ai) ?? NaN,
        gflops,
        medianMs,
        ...(r.layer ? {net: r.layer.net} : {}),
        ...(threads === undefined ? {} : {threads}),
      });
    }
  }
  return out;
}

const roofsChecker = TypeCompiler.Compile(RoofsSchema);

/** The file's measured roofs (`context.roofs` as `dlbench machine` caches them), or undefined when absent or of another shape. */
export function measuredRoofs(s: Source): Roofs | undefined {
  const v = (s.report.context as Record<string, unknown>).roofs;
  return roofsChecker.Check(v) ? v : undefined;
}

/**
 * A row against the roof that bounds it. With the file's measured roofs, recomputed by the current
 * roofline (so an older file is judged by today's rules, and the chart's lines are the same roofs);
 * else the position the run recorded, named from what it kept.
 */
export function pointRoof(r: OkCase, roofs: Roofs | undefined, runThreads: number): PointRoof | undefined {
  if (roofs) {
    const b = boundingRoofs(r, roofs, runThreads, gemmEngineBackend);
    const pos = roofPosition(r, roofs, runThreads, gemmEngineBackend);
    if (b && pos) {
      const memory = pos.bound === 'memory' && b.memory ? b.memory : undefined;
      return {
        pct: pos.pctOfPeak,
        above: pos.aboveRoof,
        bound: pos.bound,
        // A set larger than a level still hits the faster ones with what fits there: its roof sits above the level's line.
        name: memory
          ? `${memory.levelRoof.label}${memory.gbps > memory.levelRoof.gbps * 1.01 ? ', with what fits the faster levels' : ''}`
          : b.compute.label,
        value: memory ? memory.gbps : b.compute.gflops,
        ...(pos.memoryLevel ? {memoryLevel: pos.memoryLevel} : {}),
      };
    }
  }
  return r.roof ? recorded(r.roof) : undefined;
}

function recorded(p: RoofPosition): PointRoof | undefined {
  const pct = finite(p.pctOfPeak);
  if (pct === undefined) return undefined;
  const memory = p.bound === 'memory';
  return {
    pct,
    above: p.aboveRoof,
    bound: p.bound,
    name: memory ? `memory (${p.memoryLevel ?? 'DRAM'})` : 'compute peak',
    value: (memory ? finite(p.attainableGflops) : finite(p.peakGflops)) ?? NaN,
    ...(p.memoryLevel ? {memoryLevel: p.memoryLevel} : {}),
  };
}

/** A roof drawn on the roofline: a flat compute peak, or a memory level (GFLOP/s = AI × GB/s). */
export interface RoofLine {
  source: string;
  kind: 'compute' | 'memory';
  /** In words, with the thread count: 'AVX-512 FP32 FMA peak, 2 threads', 'L3, 2 threads'. */
  name: string;
  /** GFLOP/s for a compute roof, GB/s (of a kernel's compulsory bytes) for a memory level. */
  value: number;
}

/**
 * The roofs that bound the plotted kernels, and only those: each compute peak some point is judged
 * against (its backend, ISA, precision and thread count), and the memory levels at the run's thread
 * count plus any other level that binds a point. A file without measured roofs draws the distinct
 * peaks its rows recorded.
 */
export function roofLines(s: Source): RoofLine[] {
  const roofs = measuredRoofs(s);
  const rows = s.report.results.filter(isOk).filter((r) => finite(r.gflops) !== undefined && (finite(r.ai) ?? 0) > 0);
  const out = new Map<string, RoofLine>();
  const add = (l: RoofLine): void => {
    if (!out.has(`${l.kind}\u0000${l.name}`)) out.set(`${l.kind}\u0000${l.name}`, l);
  };
  if (!roofs) {
    for (const r of rows) {
      const p = finite(r.roof?.peakGflops);
      if (p !== undefined && p > 0)
        add({source: s.label, kind: 'compute', name: `peak recorded by the run (${fmtNum(p)})`, value: p});
    }
    return [...out.values()];
  }
  const runThreads = Math.min(s.report.config.threads, roofs.threads.all);
  let any = false;
  for (const r of rows) {
    const b = boundingRoofs(r, roofs, s.report.config.threads, gemmEngineBackend);
    if (!b) continue;
    any = true;
    add({source: s.label, kind: 'compute', name: b.compute.label, value: b.compute.gflops});
    const pos = roofPosition(r, roofs, s.report.config.threads, gemmEngineBackend);
    if (pos?.bound === 'memory' && b.memory && b.memory.levelRoof.threads !== runThreads) {
      add({source: s.label, kind: 'memory', name: b.memory.levelRoof.label, value: b.memory.levelRoof.gbps});
    }
  }
  if (any) for (const l of memoryLevels(roofs, runThreads)) add({source: s.label, kind: 'memory', name: l.label, value: l.gbps});
  return [...out.values()];
}

export interface LayerShare {
  source: string;
  net: string;
  index: number;
  label: string;
  type: string;
  variant: string;
  medianMs: number;
  sharePct: number;
}

/** Per network: each layer's time (its fastest measured variant) as a share of the total. */
export function layerShares(sources: Source[]): LayerShare[] {
  const out: LayerShare[] = [];
  for (const s of sources) {
    const best = new Map<string, OkCase>();
    for (const r of s.report.results.filter(isOk)) {
      if (!r.layer || finite(r.stats.medianMs) === undefined) continue;
      const k = `${r.layer.net}\u0000${r.layer.index}`;
      const cur = best.get(k);
      if (!cur || r.stats.medianMs < cur.stats.medianMs) best.set(k, r);
    }
    const nets = [...new Set([...best.values()].map((r) => r.layer!.net))];
    for (const net of nets) {
      const layers = [...best.values()].filter((r) => r.layer!.net === net).sort((a, b) => a.layer!.index - b.layer!.index);
      const total = layers.reduce((t, r) => t + r.stats.medianMs, 0);
      for (const r of layers) {
        out.push({
          source: s.label,
          net,
          index: r.layer!.index,
          label: `${String(r.layer!.index).padStart(2, '0')} ${r.layer!.name}`,
          type: r.layer!.type,
          variant: r.variant,
          medianMs: r.stats.medianMs,
          sharePct: total > 0 ? (100 * r.stats.medianMs) / total : 0,
        });
      }
    }
  }
  return out;
}

export interface ErrorPoint {
  source: string;
  op: string;
  variant: string;
  shapeText: string;
  medianMs: number;
  metric: string;
  value: number;
}

/** Accuracy metrics (keys naming an error, a residual or orthogonality) against median time. */
export function errorPoints(sources: Source[]): ErrorPoint[] {
  const out: ErrorPoint[] = [];
  for (const s of sources) {
    for (const r of s.report.results.filter(isOk)) {
      const t = finite(r.stats.medianMs);
      if (t === undefined || !r.metrics) continue;
      for (const [metric, v] of Object.entries(r.metrics)) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) continue;
        if (!/(err|residual|orthogonality)/i.test(metric)) continue;
        out.push({source: s.label, op: r.op, variant: r.variant, shapeText: r.shapeText, medianMs: t, metric, value: v});
      }
    }
  }
  return out;
}

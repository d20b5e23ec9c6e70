// From one or more results files to the flat rows the charts and tables draw. Everything here
// is read loosely: ops, metrics, layers and roofs appear as other rungs land, never by name.
import {caseKey, finite, isOk} from '../cases.js';
import type {OkCase, Report} from '../../core/results.js';

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
}

export function okPoints(sources: Source[]): Point[] {
  const out: Point[] = [];
  for (const s of sources) {
    for (const r of s.report.results.filter(isOk)) {
      const gflops = finite(r.gflops);
      const medianMs = finite(r.stats.medianMs);
      if (gflops === undefined || medianMs === undefined) continue;
      out.push({
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
        ...(typeof r.metrics?.threads === 'number' ? {threads: r.metrics.threads} : {}),
      });
    }
  }
  return out;
}

export interface Roof {
  source: string;
  name: string;
  kind: 'compute' | 'bandwidth';
  /** GFLOP/s for compute roofs, GB/s for bandwidth roofs. */
  value: number;
}

/**
 * Every numeric leaf of context.roofs whose key says GFLOP/s (a compute roof) or GB/s /
 * bandwidth (a memory roof), named by its path ('native.avx512.fp32Gflops'). When a file has
 * none, the distinct peaks its rows were placed against (roof.peakGflops) stand in.
 */
export function roofsOf(s: Source): Roof[] {
  const out: Roof[] = [];
  const walk = (v: unknown, path: string[]): void => {
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
      const key = path[path.length - 1] ?? '';
      const name = path.join('.');
      if (/gflop/i.test(key)) out.push({source: s.label, name, kind: 'compute', value: v});
      else if (/(bandwidth|gb\/?s|gbps|bw)/i.test(key)) out.push({source: s.label, name, kind: 'bandwidth', value: v});
    } else if (v && typeof v === 'object' && path.length < 6) {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    }
  };
  walk((s.report.context as Record<string, unknown>).roofs, []);
  if (!out.some((r) => r.kind === 'compute')) {
    const peaks = new Set(
      s.report.results
        .filter(isOk)
        .map((r) => finite(r.roof?.peakGflops))
        .filter((x): x is number => x !== undefined && x > 0),
    );
    for (const p of peaks) out.push({source: s.label, name: 'peak (from results)', kind: 'compute', value: p});
  }
  return out;
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

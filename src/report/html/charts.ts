// Vega-Lite specs for the report, one builder per chart. Data is always inlined; scales are
// log where the quantity spans decades (sizes, rates, intensities, errors).
import type {TopLevelSpec} from 'vega-lite';
import type {CaseComparison} from '../compare/compare.js';
import type {ErrorPoint, LayerShare, Point, Roof} from './data.js';

const W = 620;

/** GFLOP/s against work per call, one line per variant (dashed per file when several). */
export function gflopsChart(op: string, points: Point[], multiSource: boolean): TopLevelSpec {
  return {
    title: `${op}: GFLOP/s by problem size`,
    width: W,
    height: 300,
    data: {
      values: points.map((p) => {
        const v = p.threads === undefined ? p.variant : `${p.variant} t${p.threads}`;
        return {...p, series: multiSource ? `${v} (${p.source})` : v};
      }),
    },
    mark: {type: 'line', point: {filled: true, size: 50}, strokeWidth: 2},
    encoding: {
      x: {field: 'flops', type: 'quantitative', scale: {type: 'log'}, title: 'work per call (FLOPs, log)', axis: {format: '.1e'}},
      y: {field: 'gflops', type: 'quantitative', scale: {type: 'log'}, title: 'GFLOP/s (median, log)'},
      color: {field: 'variant', type: 'nominal', title: 'variant'},
      ...(multiSource ? {strokeDash: {field: 'source', type: 'nominal', title: 'file'}} : {}),
      detail: {field: 'series'},
      tooltip: [{field: 'shapeText', title: 'shape'}, {field: 'series'}, {field: 'gflops', format: '.3g'}],
    },
  } as TopLevelSpec;
}

/** Roofline: measured compute roofs (flat) and bandwidth roofs (slope 1), kernels as points. */
export function rooflineChart(points: Point[], roofs: Roof[]): TopLevelSpec {
  const pts = points.filter((p) => p.ai > 0 && p.gflops > 0);
  const ais = pts.map((p) => p.ai);
  const xMin = Math.min(...ais, 0.5) / 2;
  const xMax = Math.max(...ais, 8) * 2;
  const peak = Math.max(...roofs.filter((r) => r.kind === 'compute').map((r) => r.value), 0);
  const lines: {x: number; y: number; roof: string}[] = [];
  const steps = 40;
  for (const r of roofs) {
    const label = `${r.name} (${r.value.toPrecision(3)} ${r.kind === 'compute' ? 'GFLOP/s' : 'GB/s'})${roofs.some((o) => o.source !== r.source) ? ` — ${r.source}` : ''}`;
    for (let i = 0; i <= steps; i++) {
      const x = xMin * (xMax / xMin) ** (i / steps);
      const y = r.kind === 'compute' ? r.value : Math.min(x * r.value, peak > 0 ? peak : x * r.value);
      lines.push({x, y, roof: label});
    }
  }
  const layers: unknown[] = [];
  if (lines.length) {
    layers.push({
      data: {values: lines},
      mark: {type: 'line', strokeWidth: 1.5, strokeDash: [6, 3]},
      encoding: {
        x: {field: 'x', type: 'quantitative'},
        y: {field: 'y', type: 'quantitative'},
        color: {field: 'roof', type: 'nominal', title: 'roof', scale: {scheme: 'greys'}},
      },
    });
  }
  layers.push({
    data: {values: pts},
    mark: {type: 'point', filled: true, size: 70, opacity: 0.85},
    encoding: {
      x: {field: 'ai', type: 'quantitative'},
      y: {field: 'gflops', type: 'quantitative'},
      fill: {field: 'op', type: 'nominal', title: 'op', scale: {scheme: 'category10'}},
      shape: {field: 'backend', type: 'nominal', title: 'backend'},
      tooltip: [
        {field: 'key', title: 'case'},
        {field: 'ai', format: '.3g'},
        {field: 'gflops', format: '.3g'},
      ],
    },
  });
  return {
    title: lines.length
      ? 'Roofline: every measured kernel against the machine roofs'
      : 'Kernels by arithmetic intensity (no measured roofs in these files)',
    width: W,
    height: 340,
    encoding: {
      x: {type: 'quantitative', scale: {type: 'log', domain: [xMin, xMax]}, title: 'arithmetic intensity (FLOPs/byte, log)'},
      y: {type: 'quantitative', scale: {type: 'log'}, title: 'GFLOP/s (log)'},
    },
    layer: layers,
    resolve: {scale: {color: 'independent'}},
  } as TopLevelSpec;
}

/** One bar per layer: its share of the network's summed median time. */
export function layerShareChart(title: string, rows: LayerShare[]): TopLevelSpec {
  return {
    title,
    width: W - 120,
    height: Math.max(120, rows.length * 16),
    data: {values: rows},
    mark: {type: 'bar'},
    encoding: {
      y: {field: 'label', type: 'nominal', sort: {field: 'index', op: 'min'}, title: 'layer'},
      x: {field: 'sharePct', type: 'quantitative', title: 'share of network time (%)'},
      color: {field: 'type', type: 'nominal', title: 'layer type'},
      tooltip: [{field: 'label'}, {field: 'variant'}, {field: 'medianMs', format: '.3g'}, {field: 'sharePct', format: '.1f'}],
    },
  } as TopLevelSpec;
}

/** Accuracy against time: each metric a shape, each variant a colour. */
export function errorChart(op: string, rows: ErrorPoint[]): TopLevelSpec {
  return {
    title: `${op}: error against time`,
    width: W,
    height: 300,
    data: {values: rows},
    mark: {type: 'point', filled: true, size: 70},
    encoding: {
      x: {field: 'medianMs', type: 'quantitative', scale: {type: 'log'}, title: 'median time (ms, log)'},
      y: {field: 'value', type: 'quantitative', scale: {type: 'log'}, title: 'error (log)', axis: {format: '.0e'}},
      color: {field: 'variant', type: 'nominal'},
      shape: {field: 'metric', type: 'nominal'},
      tooltip: [{field: 'variant'}, {field: 'shapeText', title: 'shape'}, {field: 'metric'}, {field: 'value', format: '.3e'}],
    },
  } as TopLevelSpec;
}

/** The same cases across files (machines of a CI matrix): grouped bars of GFLOP/s. */
export function sideBySideChart(points: Point[]): TopLevelSpec {
  const keys = new Set(points.map((p) => p.key));
  const sources = new Set(points.map((p) => p.source));
  return {
    title: 'Side by side: GFLOP/s per case and file',
    width: W - 160,
    height: Math.max(120, keys.size * sources.size * 12),
    data: {values: points},
    mark: {type: 'bar'},
    encoding: {
      y: {field: 'key', type: 'nominal', title: null, axis: {labelLimit: 240}},
      yOffset: {field: 'source'},
      x: {field: 'gflops', type: 'quantitative', title: 'GFLOP/s (median)'},
      color: {field: 'source', type: 'nominal', title: 'file'},
      tooltip: [{field: 'key'}, {field: 'source'}, {field: 'gflops', format: '.3g'}],
    },
  } as TopLevelSpec;
}

/** Baseline comparison: change of the median time with its bootstrap CI, coloured by verdict. */
export function comparisonChart(cases: CaseComparison[], threshold: number): TopLevelSpec {
  const rows = cases
    .filter((c) => c.ratio !== undefined)
    .map((c) => ({
      key: c.key,
      verdict: c.verdict,
      change: (c.ratio! - 1) * 100,
      lo: (c.ciLo! - 1) * 100,
      hi: (c.ciHi! - 1) * 100,
    }));
  const t = threshold * 100;
  return {
    title: 'Change of median time against the baseline (bootstrap CI)',
    width: W - 160,
    height: Math.max(100, rows.length * 20),
    layer: [
      {
        data: {values: [{x: t}, {x: (1 / (1 + threshold) - 1) * 100}, {x: 0}]},
        mark: {type: 'rule', strokeDash: [4, 3], color: '#999'},
        encoding: {x: {field: 'x', type: 'quantitative'}},
      },
      {
        data: {values: rows},
        mark: {type: 'rule', strokeWidth: 2},
        encoding: {
          y: {field: 'key', type: 'nominal', title: null, axis: {labelLimit: 240}},
          x: {field: 'lo', type: 'quantitative', title: 'change of median time (%, + is slower)'},
          x2: {field: 'hi'},
          color: {field: 'verdict', type: 'nominal', scale: VERDICT_SCALE},
        },
      },
      {
        data: {values: rows},
        mark: {type: 'point', filled: true, size: 60},
        encoding: {
          y: {field: 'key', type: 'nominal'},
          x: {field: 'change', type: 'quantitative'},
          color: {field: 'verdict', type: 'nominal', scale: VERDICT_SCALE},
        },
      },
    ],
  } as TopLevelSpec;
}

const VERDICT_SCALE = {
  domain: ['pass', 'regression', 'improvement', 'inconclusive', 'failed', 'calibration'],
  range: ['#4c78a8', '#d62728', '#2ca02c', '#aaaaaa', '#8c1c13', '#9467bd'],
};

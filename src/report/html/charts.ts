// Vega-Lite specs for the report, one builder per chart. Data is always inlined; scales are
// log where the quantity spans decades (sizes, rates, intensities, errors).
import type {TopLevelSpec} from 'vega-lite';
import type {CaseComparison} from '../compare/compare.js';
import type {ErrorPoint, LayerShare, Point, RoofLine} from './data.js';

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

/** Plot size of the roofline; labels of the compute roofs go to the right of it. */
const RW = 600;
const RH = 380;
const LABEL_PX = 12;
const CHAR_PX = 5.6;

/**
 * Roofline: the roofs that bound the plotted kernels (flat compute peaks, memory levels of slope 1
 * capped at the highest peak), each labelled on the plot in words with its value, and every kernel
 * a point coloured by variant, shaped by op, with a tooltip (the SVG <title> added in svg.ts).
 * The label positions are computed here in pixels from the log scales' fixed domains, so labels of
 * close roofs are moved apart instead of drawn over each other.
 */
export function rooflineChart(points: Point[], lines: RoofLine[]): TopLevelSpec {
  const pts = points.filter((p) => p.ai > 0 && p.gflops > 0);
  const multi = new Set(lines.map((l) => l.source)).size > 1;
  const name = (l: RoofLine): string => `${l.name}${multi ? ` — ${l.source}` : ''}`;
  const compute = lines.filter((l) => l.kind === 'compute').sort((a, b) => b.value - a.value);
  const memory = lines.filter((l) => l.kind === 'memory').sort((a, b) => b.value - a.value);
  const ais = pts.map((p) => p.ai);
  const xMax = Math.max(...ais, 8) * 2;
  const cap = compute.length ? compute[0].value : Infinity;
  const ys = pts.map((p) => p.gflops);
  const yMax = Math.max(...ys, ...compute.map((l) => l.value)) * 2;
  const yMin = Math.min(...ys, ...compute.map((l) => l.value)) / 3;
  const ly = Math.log(yMax / yMin);
  // Extend the x axis to the left until the fastest memory level's line is long enough for its label.
  let xMin = Math.min(...ais, 0.5) / 2;
  const fastest = memory[0];
  for (let i = 0; fastest && i < 8; i++) {
    const lx = Math.log(xMax / xMin);
    const x0 = Math.max(xMin, yMin / fastest.value),
      x1 = Math.min(xMax, cap / fastest.value, yMax / fastest.value);
    const room = (RW * Math.log(x1 / x0)) / lx;
    const need = (memoryLabel(fastest, multi).length * CHAR_PX + 20) * Math.cos(Math.atan2(RH / ly, RW / lx));
    if (room >= need) break;
    xMin /= 2;
  }
  const lx = Math.log(xMax / xMin);
  const px = (x: number): number => (RW * Math.log(x / xMin)) / lx;
  const py = (y: number): number => RH * (1 - Math.log(y / yMin) / ly);
  const angle = (Math.atan2(-RH / ly, RW / lx) * 180) / Math.PI;

  const segs: {x: number; y: number; roof: string; kind: string}[] = [];
  for (const l of compute) {
    segs.push({x: xMin, y: l.value, roof: name(l), kind: 'compute'}, {x: xMax, y: l.value, roof: name(l), kind: 'compute'});
  }
  for (const l of memory) {
    // From the left edge (or where it enters the plot) to the ridge with the highest peak.
    const x0 = Math.max(xMin, yMin / l.value);
    const x1 = Math.min(xMax, cap / l.value);
    if (!(x1 > x0)) continue;
    segs.push({x: x0, y: x0 * l.value, roof: name(l), kind: 'memory'}, {x: x1, y: x1 * l.value, roof: name(l), kind: 'memory'});
  }

  const labels: {text: string; px: number; py: number; angle: number; kind: string}[] = [];
  // Compute peaks: right of the plot at their height, pushed down to keep LABEL_PX between labels.
  let last = -Infinity;
  for (const l of compute) {
    const y = Math.max(py(l.value) + 4, last + LABEL_PX);
    last = y;
    labels.push({text: `${name(l)}: ${fmtValue(l.value)} GFLOP/s`, px: RW + 6, py: y, angle: 0, kind: 'compute'});
  }
  // Memory levels: along their line, above it or, when a neighbour line is too close, below it; a
  // label with no free band at the left edge starts where the one in its way ends. The bands are
  // measured across the (parallel) lines: their distance is the vertical gap × cos(angle).
  const cos = Math.cos((angle * Math.PI) / 180);
  const placed: {lo: number; hi: number; start: number; end: number}[] = [];
  for (const l of memory) {
    const text = memoryLabel(l, multi);
    const across = py(xMin * l.value) * cos; // the line's offset across, at the left edge
    const len = text.length * CHAR_PX * cos;
    const first = px(Math.max(xMin, (yMin * 1.4) / l.value)) + 6;
    const last = px(Math.min(xMax, cap / l.value, yMax / l.value));
    const options: {side: 'above' | 'below'; start: number}[] = [];
    for (const side of ['above', 'below'] as const) options.push({side, start: first});
    for (const p of placed) for (const side of ['above', 'below'] as const) options.push({side, start: p.end + 8});
    const fits = options.find((o) => {
      const lo = o.side === 'above' ? across - 3 - LABEL_PX : across + 3;
      const hi = lo + LABEL_PX;
      const end = o.start + len;
      return end <= last && !placed.some((p) => lo < p.hi && p.lo < hi && o.start < p.end && p.start < end);
    });
    if (!fits) continue; // no room on the plot: the line stays, its value is in each bound point's tooltip
    const lo = fits.side === 'above' ? across - 3 - LABEL_PX : across + 3;
    placed.push({lo, hi: lo + LABEL_PX, start: fits.start, end: fits.start + len});
    const x = xMin * Math.exp((fits.start / RW) * lx);
    // Text hangs from its baseline: above the line it sits on it, below it is moved down by its height.
    const shift = fits.side === 'above' ? -3 : 3 + LABEL_PX - 2;
    labels.push({
      text,
      px: fits.start - Math.sin((angle * Math.PI) / 180) * shift,
      py: py(x * l.value) + shift * cos,
      angle,
      kind: 'memory',
    });
  }

  const layers: unknown[] = [];
  if (segs.length) {
    layers.push({
      data: {values: segs},
      mark: {type: 'line', clip: true, strokeWidth: 1.4},
      encoding: {
        x: {field: 'x', type: 'quantitative'},
        y: {field: 'y', type: 'quantitative'},
        detail: {field: 'roof'},
        color: {field: 'kind', type: 'nominal', scale: {domain: ['compute', 'memory'], range: ['#444', '#8a8a8a']}, legend: null},
        strokeDash: {
          field: 'kind',
          type: 'nominal',
          scale: {
            domain: ['compute', 'memory'],
            range: [
              [1, 0],
              [6, 3],
            ],
          },
          legend: null,
        },
      },
    });
    layers.push({
      data: {values: labels},
      mark: {type: 'text', align: 'left', baseline: 'bottom', fontSize: 10.5, clip: false},
      encoding: {
        x: {field: 'px', type: 'quantitative', scale: null},
        y: {field: 'py', type: 'quantitative', scale: null},
        text: {field: 'text'},
        angle: {field: 'angle', type: 'quantitative', scale: null},
        color: {field: 'kind', type: 'nominal', scale: {domain: ['compute', 'memory'], range: ['#333', '#666']}, legend: null},
      },
    });
  }
  // One legend entry per variant, colour and shape together: the palette restarts for each op and
  // the op sets the shape, so no two variants look alike while each op has at most 20.
  const variants = [...new Set(pts.map((p) => p.variant))];
  const ops = [...new Set(pts.map((p) => p.op))];
  const opShape = (op: string): string => OP_SHAPES[op] ?? EXTRA_SHAPES[ops.indexOf(op) % EXTRA_SHAPES.length];
  const perOp = new Map<string, number>();
  const colours = variants.map((v) => {
    const op = pts.find((p) => p.variant === v)!.op;
    const i = perOp.get(op) ?? 0;
    perOp.set(op, i + 1);
    return PALETTE[i % PALETTE.length];
  });
  const shapes = variants.map((v) => opShape(pts.find((p) => p.variant === v)!.op));
  const legend = {orient: 'bottom', direction: 'horizontal', columns: 3, labelLimit: 220, symbolLimit: 500, title: 'variant'};
  layers.push({
    data: {values: pts},
    mark: {type: 'point', filled: true, size: 70, opacity: 0.9, stroke: '#222', strokeWidth: 0.5},
    encoding: {
      x: {field: 'ai', type: 'quantitative'},
      y: {field: 'gflops', type: 'quantitative'},
      color: {field: 'variant', type: 'nominal', scale: {domain: variants, range: colours}, legend},
      shape: {field: 'variant', type: 'nominal', scale: {domain: variants, range: shapes}, legend},
      tooltip: {field: 'tip'},
      description: {field: 'tip'},
    },
  });
  return {
    title: lines.length
      ? 'Roofline: each kernel against the roofs that bound it (hover a point for its roof)'
      : 'Kernels by arithmetic intensity (no measured roofs in these files)',
    width: RW,
    height: RH,
    encoding: {
      x: {
        type: 'quantitative',
        scale: {type: 'log', domain: [xMin, xMax], nice: false},
        title: 'arithmetic intensity (FLOPs/byte, log)',
      },
      y: {type: 'quantitative', scale: {type: 'log', domain: [yMin, yMax], nice: false}, title: 'GFLOP/s (log)'},
    },
    layer: layers,
    resolve: {scale: {color: 'independent', strokeDash: 'independent', shape: 'independent'}},
  } as TopLevelSpec;
}

function memoryLabel(l: RoofLine, multi: boolean): string {
  return `${l.name}${multi ? ` — ${l.source}` : ''}: ${fmtValue(l.value)} GB/s`;
}

/** Marker shape per op, so two variants that share a colour (palette restarts per op) still differ. */
const OP_SHAPES: Record<string, string> = {gemm: 'circle', conv2d: 'square', layer: 'diamond', svd: 'triangle-up'};
const EXTRA_SHAPES = ['triangle-down', 'cross', 'triangle-right', 'triangle-left'];
/** Tableau 20, dark and light of each hue: up to 20 variants of one op get distinct colours. */
const PALETTE = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#e45756',
  '#72b7b2',
  '#b279a2',
  '#eeca3b',
  '#9d755d',
  '#ff9da6',
  '#bab0ac',
  '#9ecae9',
  '#ffbf79',
  '#88d27a',
  '#ff9d98',
  '#439894',
  '#d6a5c9',
  '#79706e',
  '#1f3c88',
  '#8c6d31',
  '#393b79',
];

/** Three significant digits, no exponent: '0.125', '42.7', '183', '1450'. */
function fmtValue(v: number): string {
  return v >= 100 ? v.toFixed(0) : v.toPrecision(3);
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

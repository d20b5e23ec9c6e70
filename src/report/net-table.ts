// Text tables for `dlbench net`: the per-layer profile (with totals and the conv/fc/other time
// shares the seeds quote), the batch sweep, and the untimed summary in the seeds' VGG layout.
import type {LayerPlan} from '../nets/shapes.js';
import type {NetFloor} from '../nets/floor.js';
import type {EndToEnd, NetTotals} from '../nets/run-net.js';
import {makeTable} from './cli-table.js';
import {fmtBytes, fmtMs, fmtNum, fmtPct} from './format.js';
import type {CaseResult, Report} from '../core/results.js';

export const int = (x: number): string => Math.round(x).toLocaleString('en-US');

export function fmtFlops(f: number): string {
  if (f === 0) return '0';
  if (f >= 1e9) return `${fmtNum(f / 1e9)} G`;
  if (f >= 1e6) return `${fmtNum(f / 1e6)} M`;
  if (f >= 1e3) return `${fmtNum(f / 1e3)} K`;
  return String(f);
}

const shapeText = (s: number[]) => s.join('x');
const short = (id: string) => id.replace(/^(conv2d|layer)\//, '');

/** The whole forward pass beside the per-layer sum: what onnxruntime or PyTorch would report is the former. */
export function endToEndLine(e: EndToEnd, sumMs: number): string {
  return (
    `end-to-end forward (${e.runs} runs back to back): p50 ${fmtMs(e.p50Ms)}, p90 ${fmtMs(e.p90Ms)}, p99 ${fmtMs(e.p99Ms)}; ` +
    `per-layer sum ${fmtMs(sumMs)}; end-to-end p50 / sum = ${fmtNum(e.p50Ms / sumMs, 3)}`
  );
}

/** The roofline floor and the end-to-end pass against it; or why there is no floor. */
export function floorLine(floor: NetFloor | {reason: string}, e?: EndToEnd): string {
  if (!('ms' in floor)) return `roofline floor: none (${floor.reason})`;
  const ratio = e ? `; end-to-end p50 / floor = ${fmtNum(e.p50Ms / floor.ms, 3)}` : '';
  return (
    `roofline floor ${fmtMs(floor.ms)} (Σ over layers of max(bytes ÷ bandwidth, FLOPs ÷ peak): peak ${fmtNum(floor.peakGflops)} GFLOP/s, ` +
    `weights from ${floor.weightLevel} at ${fmtNum(floor.weightGbps)} GB/s; conventional FLOPs, which Winograd undercuts)${ratio}`
  );
}

export function renderNetProfile(
  title: string,
  rows: CaseResult[],
  t: NetTotals,
  opts: {color?: boolean; endToEnd?: EndToEnd; floor?: NetFloor | {reason: string}} = {},
): string {
  const table = makeTable(
    ['#', 'layer', 'type', 'output', 'params', 'act. mem', 'FLOPs', 'median', '%', 'GFLOP/s', 'AI', 'kernel', 'check'],
    {
      color: opts.color,
      colAligns: ['right', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    },
  );
  let params = 0,
    act = 0;
  for (const r of rows) {
    const l = r.layer!;
    params += l.params;
    act += l.activationBytes;
    const common = [
      l.index,
      l.name,
      l.type,
      shapeText(l.outputShape),
      l.params ? int(l.params) : '',
      fmtBytes(l.activationBytes),
      fmtFlops(r.flops),
    ];
    if (r.state === 'ok') {
      const note = r.metrics?.fallback ? ' (fallback)' : '';
      table.push([
        ...common,
        fmtMs(r.stats.medianMs),
        fmtPct((100 * r.stats.medianMs) / t.totalMs),
        fmtNum(r.gflops),
        fmtNum(r.ai),
        short(r.variant) + note,
        `pass ${r.check.error.toExponential(1)}`,
      ]);
    } else if (r.state === 'skipped') {
      table.push([...common, '—', '', '', '', short(r.variant), r.reason.length > 40 ? 'identity' : r.reason]);
    } else {
      const why =
        r.state === 'errored'
          ? `ERROR (${r.phase}): ${r.error}`
          : `FAIL ${r.check.error.toExponential(1)} > ${r.check.tolerance.toExponential(1)}`;
      table.push([...common, '—', '', '', '', short(r.variant), why.slice(0, 60)]);
    }
  }
  table.push([
    '',
    'total',
    '',
    '',
    int(params),
    fmtBytes(act),
    fmtFlops(t.flops),
    fmtMs(t.totalMs),
    '100%',
    fmtNum(t.flops / (t.totalMs * 1e6)),
    '',
    '',
    '',
  ]);
  const pct = (x: number) => fmtPct((100 * x) / t.totalMs);
  return [
    title,
    table.toString(),
    `time shares: conv ${pct(t.byFamily.conv)}, fc ${pct(t.byFamily.fc)}, other ${pct(t.byFamily.other)} ` +
      `(conv + fc = ${pct(t.byFamily.conv + t.byFamily.fc)}; the seeds quote 89% on CPU, 95% on GPU)`,
    'total = sum of per-layer medians (each layer timed alone); each layer was checked against its float64 reference before timing',
    ...(opts.endToEnd ? [endToEndLine(opts.endToEnd, t.totalMs)] : []),
    ...(opts.floor ? [floorLine(opts.floor, opts.endToEnd)] : []),
  ].join('\n');
}

type LowRankSummary = NonNullable<NonNullable<Report['config']['net']>['lowrank']>;

/** `--lowrank`: per compressed fc layer, its rank, parameters, truncation error and time; totals and the output's change. */
export function renderLowRank(rows: CaseResult[], s: LowRankSummary, opts: {color?: boolean} = {}): string {
  const table = makeTable(
    [
      'layer',
      'batch',
      'W (in×out)',
      'rank',
      'params before',
      'after',
      'saved',
      'rel. error',
      'energy',
      'SVD',
      'SVD time',
      'median',
      'GFLOP/s',
    ],
    {
      color: opts.color,
      colAligns: [
        'left',
        'right',
        'left',
        'right',
        'right',
        'right',
        'right',
        'right',
        'right',
        'left',
        'right',
        'right',
        'right',
      ],
    },
  );
  for (const r of rows) {
    const m = r.metrics;
    if (m?.lowrankRank === undefined) continue;
    const before = Number(m.paramsBefore),
      after = Number(m.paramsAfter);
    const shape = r.shape as {n: number; in: number; out: number};
    table.push([
      r.layer?.name ?? '',
      shape.n,
      `${shape.in}×${shape.out}`,
      String(m.lowrankRank),
      int(before),
      int(after),
      fmtPct((100 * (before - after)) / before),
      Number(m.lowrankRelError).toExponential(2),
      fmtPct(100 * Number(m.lowrankEnergy)),
      String(m.lowrankMethod),
      fmtMs(Number(m.compressMs)),
      r.state === 'ok' ? fmtMs(r.stats.medianMs) : r.state,
      r.state === 'ok' ? fmtNum(r.gflops) : '',
    ]);
  }
  const mode = s.value < 1 ? `energy fraction ${s.value}` : `rank ${s.value}`;
  return [
    `low-rank fc layers (--lowrank ${s.value}: ${mode}; SVD time is set-up, not in the layer's median)`,
    table.toString(),
    `fc weights: ${int(s.paramsBefore)} → ${int(s.paramsAfter)} parameters (saved ${int(s.paramsSaved)}, ${fmtPct((100 * s.paramsSaved) / s.paramsBefore)})`,
    ...s.output.map(
      (o) =>
        `output vs the dense network, batch ${o.batch}: relative L2 ${o.relL2.toExponential(2)}, ` +
        `top-1 class agrees on ${o.top1Agree}/${o.images} image(s)`,
    ),
  ].join('\n');
}

export interface BatchRow {
  batch: number;
  totals: NetTotals;
  endToEnd?: EndToEnd;
  floor?: NetFloor | {reason: string};
}

export function renderBatchSweep(rows: BatchRow[], opts: {color?: boolean} = {}): string {
  const table = makeTable(['batch', 'layer sum', 'end-to-end p50', 'per image', 'images/s', 'GFLOP/s', 'conv', 'fc', 'other'], {
    color: opts.color,
    colAligns: ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const {batch, totals: t, endToEnd} of rows) {
    table.push([
      batch,
      fmtMs(t.totalMs),
      endToEnd ? fmtMs(endToEnd.p50Ms) : '—',
      fmtMs(t.totalMs / batch),
      fmtNum((1000 * batch) / t.totalMs),
      fmtNum(t.flops / (t.totalMs * 1e6)),
      fmtPct((100 * t.byFamily.conv) / t.totalMs),
      fmtPct((100 * t.byFamily.fc) / t.totalMs),
      fmtPct((100 * t.byFamily.other) / t.totalMs),
    ]);
  }
  return table.toString();
}

/** Rows of the seeds' table: the input, then every layer that has weights or changes the shape. */
export function summaryRows(plans: LayerPlan[], input: number[]) {
  const hwc = (s: number[]) => (s.length === 4 ? `[${s[2]}x${s[3]}x${s[1]}]` : `[1x1x${s[1]}]`);
  const memFormula = (s: number[]) => {
    const dims = s.length === 4 ? [s[2], s[3], s[1]] : [s[1]];
    const body = dims.join('*');
    const withBatch = s[0] > 1 ? `${s[0]}*${body}` : body;
    return dims.length > 1 || s[0] > 1 ? `${withBatch} = ${int(s.reduce((a, b) => a * b, 1))}` : int(s[1]);
  };
  const out = [{name: 'input', type: 'input', output: hwc(input), memory: memFormula(input), weights: '0', params: 0, flops: 0}];
  for (const l of plans) {
    if (l.def.type === 'relu' || l.def.type === 'dropout' || l.def.type === 'flatten') continue;
    let weights = '0';
    if (l.def.type === 'conv' && l.kernel?.op === 'conv2d') {
      const c = l.kernel.shape;
      weights = `(${c.r}*${c.s}*${c.c / c.groups})*${c.k} = ${int(l.weights)}`;
    } else if (l.def.type === 'fc') {
      // fc6 reads the flattened pool5 output: name it by its 3-D shape as the seeds do (7*7*512*4096).
      let j = l.index;
      while (j > 0 && (plans[j - 1].def.type === 'flatten' || plans[j - 1].def.type === 'dropout')) j--;
      const s = j < l.index ? plans[j].inShape : l.inShape;
      weights = `${s.length === 4 ? `${s[2]}*${s[3]}*${s[1]}` : s[1]}*${l.def.out} = ${int(l.weights)}`;
    }
    out.push({
      name: l.def.name,
      type: l.def.type,
      output: hwc(l.outShape),
      memory: memFormula(l.outShape),
      weights,
      params: l.params,
      flops: l.flops,
    });
  }
  return out;
}

export function renderSummary(title: string, plans: LayerPlan[], input: number[], opts: {color?: boolean} = {}): string {
  const table = makeTable(['layer', 'type', 'output', 'memory (values)', 'weights', 'params (+bias)', 'FLOPs'], {
    color: opts.color,
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right'],
  });
  for (const r of summaryRows(plans, input))
    table.push([r.name, r.type, r.output, r.memory, r.weights, r.params ? int(r.params) : '0', fmtFlops(r.flops)]);
  const inputValues = input.reduce((a, b) => a * b, 1);
  const values =
    inputValues +
    plans.reduce(
      (a, l) => a + (l.def.type === 'relu' || l.def.type === 'dropout' || l.def.type === 'flatten' ? 0 : l.activations),
      0,
    );
  const weights = plans.reduce((a, l) => a + l.weights, 0);
  const params = plans.reduce((a, l) => a + l.params, 0);
  const flops = plans.reduce((a, l) => a + l.flops, 0);
  const macs = plans.reduce((a, l) => a + l.macs, 0);
  table.push(['total', '', '', int(values), int(weights), int(params), fmtFlops(flops)]);
  return [
    title,
    table.toString(),
    `TOTAL: ${fmtNum(params / 1e6, 3)}M parameters (${int(weights)} weights + ${int(params - weights)} biases), ${fmtBytes(4 * params)} in fp32; ` +
      `activations ${int(values)} values (${fmtBytes(4 * values)}) for one forward pass; ${fmtFlops(flops)}FLOPs (${fmtFlops(macs)}MACs)`,
    'ReLU, dropout and flatten rows are left out (in place, no weights); `dlbench net` times them.',
  ].join('\n');
}

// Runs a network layer by layer. Each layer is one case of the ordinary runner (prepare, first
// call, check against its op's reference, timed samples), fed the checked output of the layer
// before; rows carry `layer` info. `forwardNet` is the same walk without timing.
import type {Caps, KernelVariant} from '../core/types.js';
import {INPUT_DISTRIBUTION, runCase, stopRequested} from '../measure/runner.js';
import {quantileSorted} from '../measure/stats.js';
import type {Timer, TimingOptions} from '../measure/timer.js';
import type {CaseResult, LayerInfo} from '../core/results.js';
import type {FcLowRankShape} from '../kernels/layers/fc-lowrank.js';
import {
  convCandidates,
  convVariant,
  fcCandidates,
  fcLowRankVariant,
  fcVariant,
  otherVariant,
  type KernelChoice,
} from './kernels.js';
import {lowRankMetrics, type LowRankFc} from './lowrank.js';
import type {NetDef} from './defs.js';
import {planNet, type LayerPlan} from './shapes.js';
import type {NetLayout} from './layout.js';
import {layerWeights, netInput, type LayerWeights} from './weights.js';

export const DEFAULT_NET_TIMING: TimingOptions = {timeBudgetMs: 30, minSamples: 3, warmupMs: 10, warmupIterations: 1};

export interface NetRunOptions {
  seed: number;
  caps: Caps;
  choice: KernelChoice;
  timing: TimingOptions;
  timer: Timer;
  best?: boolean;
  signal?: AbortSignal;
  /** Called before each timed case: the layer's index and a label. */
  onStart?: (layerIndex: number, label: string) => void;
  /** Weights by layer index, kept across batch sizes. */
  weightCache?: Map<number, LayerWeights | undefined>;
  /** Truncated-SVD factors replacing fc layers' weights (`--lowrank`), by layer index. */
  lowrank?: Map<number, LowRankFc>;
  /** Receives the network's final output (the last layer's checked output). */
  onNetOutput?: (y: Float32Array) => void;
  /** Activation layout (default NCHW); the weight cache must hold weights planned for the same layout. */
  layout?: NetLayout;
  /** Also time whole forward passes with the picked kernels; receives their summary and the last pass's output (absent when a layer failed or on abort). */
  onEndToEnd?: (e: EndToEnd, output: Float32Array) => void;
}

/** Whole forward passes timed back to back: what a user's inference call costs. */
export interface EndToEnd {
  runs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  minMs: number;
  meanMs: number;
}

/** At least this many passes, and more while the time budget lasts. */
export const END_TO_END_MIN_RUNS = 20;
/** The end-to-end pass against the checked layers' output: only summation order may differ (threads). */
export const END_TO_END_MAX_REL_DIFF = 1e-4;

function relL2(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let d = 0,
    n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return n > 0 ? Math.sqrt(d / n) : Math.sqrt(d);
}

interface Stage {
  variant: KernelVariant;
  shape: unknown;
  inputs: Record<string, Float32Array | undefined>;
}

interface LayerWork {
  variants: KernelVariant[];
  shape: unknown;
  inputs: Record<string, Float32Array | undefined>;
  fallback?: string;
  metrics?: Record<string, number | string>;
}

function layerWork(
  l: LayerPlan,
  x: Float32Array,
  wts: LayerWeights | undefined,
  choice: KernelChoice,
  caps: Caps,
  best: boolean,
  lowrank?: LowRankFc,
): LayerWork | undefined {
  const k = l.kernel;
  if (!k) return undefined;
  if (lowrank?.keptDense && k.op === 'layer' && k.shape.kind === 'fc') {
    return {
      variants: [fcVariant(choice.gemm, k.shape.n, caps)],
      shape: k.shape,
      inputs: {x, w: wts!.w, bias: wts!.bias},
      metrics: lowRankMetrics(lowrank),
    };
  }
  if (lowrank && k.op === 'layer' && k.shape.kind === 'fc') {
    const shape: FcLowRankShape = {...k.shape, rank: lowrank.rank};
    return {
      variants: [fcLowRankVariant(choice.gemm)],
      shape,
      inputs: {x, u: lowrank.u, v: lowrank.v, bias: wts!.bias},
      metrics: lowRankMetrics(lowrank),
    };
  }
  if (k.op === 'conv2d') {
    const {variant, fallback, auto} = convVariant(choice, k.shape, caps);
    const variants = best ? convCandidates(k.shape, caps) : [variant];
    return {
      variants,
      shape: k.shape,
      inputs: {x, w: wts!.w, bias: wts!.bias},
      fallback: best ? undefined : fallback,
      ...(auto && !best ? {metrics: {auto}} : {}),
    };
  }
  if (k.shape.kind === 'fc')
    return {
      variants: best ? fcCandidates(caps) : [fcVariant(choice.gemm, k.shape.n, caps)],
      shape: k.shape,
      inputs: {x, w: wts!.w, bias: wts!.bias},
    };
  return {variants: [otherVariant(k.shape, caps)], shape: k.shape, inputs: {x}};
}

export function layerInfo(net: NetDef, l: LayerPlan): LayerInfo {
  // The output shape in memory order: [N, H, W, C] for an NHWC activation.
  const [n, c, h, w] = l.outShape;
  const outputShape = l.layout === 'nhwc' && l.outShape.length === 4 ? [n, h, w, c] : l.outShape;
  return {
    net: net.name,
    index: l.index,
    name: l.def.name,
    type: l.def.type,
    outputShape,
    params: l.params,
    activationBytes: l.activationBytes,
    layout: l.layout,
  };
}

function identityRow(net: NetDef, l: LayerPlan, seed: number): CaseResult {
  const len = l.activations;
  return {
    op: 'layer',
    variant: 'layer/identity',
    backend: 'js',
    params: {},
    shape: {kind: 'identity', len},
    shapeText: `identity:${len}`,
    seed,
    inputDistribution: INPUT_DISTRIBUTION,
    flops: 0,
    macs: 0,
    bytes: 0,
    ai: 0,
    layer: layerInfo(net, l),
    state: 'skipped',
    reason: `${l.def.type} is the identity at inference: no work`,
  };
}

/**
 * One FLOP convention for a network: a layer's bias add counts (one add per output), as
 * `net --summary` counts it and the fc spec already does. The conv2d op's own count (the `run`
 * command) is the convolution alone, so a conv layer's row takes its plan's count instead.
 */
function withBiasFlops(r: CaseResult, l: LayerPlan): CaseResult {
  if (l.kernel?.op !== 'conv2d') return r;
  const cost = {flops: l.flops, bytes: l.bytes, ai: l.flops / l.bytes};
  return r.state === 'ok' ? {...r, ...cost, gflops: l.flops / (r.stats.medianMs * 1e6)} : {...r, ...cost};
}

function weightsFor(l: LayerPlan, opts: NetRunOptions): LayerWeights | undefined {
  const cache = opts.weightCache;
  if (cache?.has(l.index)) return cache.get(l.index);
  const w = layerWeights(l, opts.seed);
  cache?.set(l.index, w);
  return w;
}

/** Times every layer of `net` at one batch size; returns one result row per layer. */
export async function profileNet(net: NetDef, batch: number, opts: NetRunOptions): Promise<CaseResult[]> {
  const plans = planNet(net, batch, opts.layout);
  let x = netInput(batch, net.input, opts.seed, opts.layout);
  const rows: CaseResult[] = [];
  const stages: (Stage | undefined)[] = [];
  for (const l of plans) {
    if (await stopRequested(opts.signal)) break;
    const work = layerWork(l, x, weightsFor(l, opts), opts.choice, opts.caps, opts.best ?? false, opts.lowrank?.get(l.index));
    if (!work) {
      rows.push(identityRow(net, l, opts.seed));
      continue;
    }
    let next: Float32Array | undefined;
    const tried: CaseResult[] = [];
    for (const v of work.variants) {
      opts.onStart?.(l.index, `${net.name} b${batch} ${l.def.name} ${v.id}`);
      const r = await runCase(v, work.shape, {
        seed: opts.seed,
        caps: opts.caps,
        timing: opts.timing,
        timer: opts.timer,
        inputs: work.inputs,
        forced: new Set([v.id]),
        onOutput: (out) => {
          next ??= (out as Float32Array).slice();
        },
      });
      tried.push(r);
    }
    const ok = tried.filter((r): r is Extract<CaseResult, {state: 'ok'}> => r.state === 'ok');
    const pick = ok.length ? ok.reduce((a, b) => (b.stats.medianMs < a.stats.medianMs ? b : a)) : tried[0];
    const metrics = {...(pick.metrics ?? {})};
    if (work.fallback) metrics.fallback = work.fallback;
    Object.assign(metrics, work.metrics ?? {});
    if (tried.length > 1) {
      metrics.candidates = tried
        .map((r) => `${r.variant} ${r.state === 'ok' ? `${r.stats.medianMs.toFixed(3)} ms` : r.state}`)
        .join('; ');
    }
    rows.push({...withBiasFlops(pick, l), layer: layerInfo(net, l), ...(Object.keys(metrics).length ? {metrics} : {})});
    const picked = work.variants.find((v) => v.id === pick.variant);
    stages.push(pick.state === 'ok' && picked ? {variant: picked, shape: work.shape, inputs: work.inputs} : undefined);
    // A failed layer still feeds the next one something of the right size, so the table completes.
    x = next ?? new Float32Array(l.activations);
  }
  if (!opts.signal?.aborted) opts.onNetOutput?.(x);
  if (opts.onEndToEnd && !opts.signal?.aborted && stages.length && stages.every((s) => s !== undefined)) {
    opts.onStart?.(plans.length - 1, `${net.name} b${batch} end-to-end`);
    const r = await timeForward(stages as Stage[], opts);
    if (r) {
      // The chained buffers must compute what the checked layers computed, one by one.
      const d = relL2(r.output, x);
      if (!(d <= END_TO_END_MAX_REL_DIFF))
        throw new Error(
          `${net.name} b${batch}: the end-to-end pass's output differs from the checked layers' (relative L2 ${d})`,
        );
      opts.onEndToEnd(r.e, r.output);
    }
  }
  return rows;
}

/** A network ready to run whole forward passes: every layer prepared, buffers chained. */
export interface PreparedForward {
  /** One forward pass over the input the first layer was prepared with; returns the last layer's output buffer (reused). */
  run(): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/**
 * Prepares the layers in order, each on the buffer its predecessor writes (run once to learn it:
 * that is the warm-up pass), so activations flow from layer to layer with no copy, as in a
 * framework that plans its buffers; a kernel that returns a fresh array is fed by a copy instead.
 * Preparation (weight packing, filter transforms) is set-up, outside any pass.
 */
async function chainStages(stages: Stage[], threads: number): Promise<PreparedForward> {
  const states: unknown[] = [];
  const xs: (Float32Array | undefined)[] = [];
  const dispose = async () => {
    for (const [i, st] of states.entries()) await stages[i].variant.dispose?.(st);
  };
  let out: Float32Array | undefined;
  try {
    for (const s of stages) {
      const x0 = s.inputs.x;
      const chain = out !== undefined && x0 !== undefined && out.length === x0.length;
      const inputs = chain ? {...s.inputs, x: out} : s.inputs;
      states.push(await s.variant.prepare(s.shape, inputs, {threads}));
      xs.push(inputs.x);
      if (!chain && out && x0 && out.length === x0.length) x0.set(out);
      out = (await s.variant.run(states[states.length - 1])) as Float32Array;
    }
  } catch (e) {
    await dispose();
    throw e;
  }
  const run = async () => {
    let y = out!;
    for (const [i, s] of stages.entries()) {
      const x = xs[i];
      if (i > 0 && x && y !== x && y.length === x.length) x.set(y);
      const r = s.variant.run(states[i]);
      y = (r instanceof Promise ? await r : r) as Float32Array;
    }
    out = y;
    return y;
  };
  return {run, dispose};
}

/** Whole forward passes timed back to back (at least END_TO_END_MIN_RUNS, more while the budget lasts); caches are whatever the previous layer left. */
async function timeForward(stages: Stage[], opts: NetRunOptions): Promise<{e: EndToEnd; output: Float32Array} | undefined> {
  const fwd = await chainStages(stages, opts.caps.threads);
  try {
    const budget = opts.timing.timeBudgetMs;
    const samples: number[] = [];
    let out: Float32Array | undefined;
    const t0 = performance.now();
    while (samples.length < END_TO_END_MIN_RUNS || performance.now() - t0 < budget) {
      if (await stopRequested(opts.signal)) return undefined;
      const s = performance.now();
      out = await fwd.run();
      samples.push(performance.now() - s);
    }
    const sorted = Float64Array.from(samples).sort();
    const e = {
      runs: samples.length,
      p50Ms: quantileSorted(sorted, 0.5),
      p90Ms: quantileSorted(sorted, 0.9),
      p99Ms: quantileSorted(sorted, 0.99),
      minMs: sorted[0],
      meanMs: samples.reduce((a, b) => a + b, 0) / samples.length,
    };
    return {e, output: out!.slice()};
  } finally {
    await fwd.dispose();
  }
}

/**
 * The network prepared for whole forward passes with the kernels `choice` picks (as `dlbench net`
 * times them, without the per-layer checks): for timing it beside another runtime in one process
 * (bench/anchors/onnx-nets.mjs). The input is the seeded image `dlbench net` uses.
 */
export async function prepareForward(
  net: NetDef,
  batch: number,
  choice: KernelChoice,
  seed: number,
  caps: Caps,
  layout: NetLayout = 'nchw',
): Promise<PreparedForward> {
  const stages: Stage[] = [];
  let x = netInput(batch, net.input, seed, layout);
  for (const l of planNet(net, batch, layout)) {
    const work = layerWork(l, x, layerWeights(l, seed), choice, caps, false);
    if (!work) continue;
    stages.push({variant: work.variants[0], shape: work.shape, inputs: work.inputs});
    x = new Float32Array(l.activations);
  }
  return chainStages(stages, caps.threads);
}

/** One untimed forward pass with the given kernels: the network's output (N×1000 probabilities, the same in either layout). */
export async function forwardNet(
  net: NetDef,
  batch: number,
  choice: KernelChoice,
  seed: number,
  caps: Caps,
  lowrank?: Map<number, LowRankFc>,
  layout: NetLayout = 'nchw',
): Promise<Float32Array> {
  let x = netInput(batch, net.input, seed, layout);
  for (const l of planNet(net, batch, layout)) {
    const work = layerWork(l, x, layerWeights(l, seed), choice, caps, false, lowrank?.get(l.index));
    if (!work) continue;
    const v = work.variants[0];
    const st = await v.prepare(work.shape, work.inputs, {threads: caps.threads});
    try {
      x = ((await v.run(st)) as Float32Array).slice();
    } finally {
      await v.dispose?.(st);
    }
  }
  return x;
}

export interface NetTotals {
  totalMs: number;
  byFamily: Record<'conv' | 'fc' | 'other', number>;
  flops: number;
}

export function netTotals(rows: CaseResult[]): NetTotals {
  const byFamily = {conv: 0, fc: 0, other: 0};
  let totalMs = 0,
    flops = 0;
  for (const r of rows) {
    if (r.state !== 'ok') continue;
    const fam = r.layer?.type === 'conv' ? 'conv' : r.layer?.type === 'fc' ? 'fc' : 'other';
    byFamily[fam] += r.stats.medianMs;
    totalMs += r.stats.medianMs;
    flops += r.flops;
  }
  return {totalMs, byFamily, flops};
}

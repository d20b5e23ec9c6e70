// The results file: one versioned shape for every op, command and exporter, declared once here
// in TypeBox. The TypeScript types are Static<> of these objects, the reader (report/validate.ts)
// compiles the same objects, and schema/results.schema.json is generated from them.
// Bump SCHEMA_VERSION on any incompatible change (readers refuse or migrate older files).
//
// The schema is deliberately open: unknown ops, backends, context keys and extra fields pass, so
// a file from a newer rung is still read. Where the reader accepts more than the writer emits,
// `writes<T>(schema)` keeps the writer's narrower TypeScript type over the reader's schema.
import {Type, type Static, type TSchema} from '@sinclair/typebox';

export const SCHEMA_VERSION = 1 as const;

export type OpName = 'gemm' | 'conv2d' | 'svd' | 'layer';
export type Backend = 'js' | 'workers' | 'native' | 'webgpu';
type ParamValue = number | string;
type MetricValue = number | string | boolean;

/** The reader's schema `s`, typed as what dlbench itself writes (`T`). */
const writes = <T>(s: TSchema) => Type.Unsafe<T>(s);

// JSON.stringify writes NaN and ±Infinity as null (a failed check's error, an infinite rate):
// measured quantities may be null on disk and readers must treat them as "not a number".
const Num = writes<number>(Type.Union([Type.Number(), Type.Null()]));
// Bounds on what a measurement can be, so a hand-edited or hostile file cannot divide by zero or
// draw a negative bar downstream (the compiled checker also refuses NaN and ±Infinity numbers).
/** A measured time: positive (null as above). */
const TimeMs = writes<number>(Type.Union([Type.Number({exclusiveMinimum: 0}), Type.Null()]));
/** A spread or margin: zero or more. */
const Spread = writes<number>(Type.Union([Type.Number({minimum: 0}), Type.Null()]));
/** A size (a dimension, a count): one or more. */
const Size = Type.Integer({minimum: 1});
const Scalar = Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]);
const Params = writes<Record<string, ParamValue>>(Type.Record(Type.String(), Scalar));
const Metrics = writes<Record<string, MetricValue>>(Type.Record(Type.String(), Scalar));
const Layout = Type.Union([Type.Literal('nchw'), Type.Literal('nhwc')]);

export const CheckResultSchema = Type.Object({
  pass: Type.Boolean(),
  /** How the output was judged: a full float64 reference, or a randomized O(n²) check. */
  method: Type.String(),
  /** The largest normalized error seen (units depend on the method, see the op's spec). */
  error: Num,
  tolerance: Num,
  detail: Type.Optional(Type.String()),
  /** Measured quantities the check computed on the way (SVD errors…), copied onto the result row. */
  metrics: Type.Optional(Metrics),
});
export type CheckResult = Static<typeof CheckResultSchema>;

export const StatsSchema = Type.Object({
  samples: Type.Integer({minimum: 1}),
  medianMs: TimeMs,
  meanMs: TimeMs,
  minMs: TimeMs,
  maxMs: TimeMs,
  p25Ms: TimeMs,
  p75Ms: TimeMs,
  p99Ms: TimeMs,
  iqrMs: Spread,
  /** Median absolute deviation from the median (unscaled). */
  madMs: Spread,
  sdMs: Spread,
  /** Relative margin of error of the mean at 95% confidence (Student's t), in percent. */
  rmePct: Spread,
  /** IQR / median: the spread the table flags when above HIGH_SPREAD. */
  relSpread: Spread,
  /**
   * The median's 95% confidence interval, distribution-free (order statistics at binomial ranks):
   * the spread the tables print. Absent in files written before it (readers compute it from samplesMs).
   */
  medianCiLoMs: Type.Optional(TimeMs),
  medianCiHiMs: Type.Optional(TimeMs),
});
export type Stats = Static<typeof StatsSchema>;

export const LayerInfoSchema = Type.Object({
  net: Type.String(),
  index: Type.Number(),
  name: Type.String(),
  type: Type.String(),
  /** In memory order: [N, C, H, W] for NCHW, [N, H, W, C] for NHWC, [N, D] once flattened. */
  outputShape: Type.Array(Size),
  params: Type.Number(),
  activationBytes: Type.Number(),
  /** The run's activation layout (`net --layout`); absent in files written before it existed (NCHW). */
  layout: Type.Optional(Layout),
});
export type LayerInfo = Static<typeof LayerInfoSchema>;

/** Where a result sits against the machine's measured roofs (`dlbench machine`). */
export const RoofPositionSchema = Type.Object({
  /** The compute roof for this backend and thread count, GFLOP/s. */
  peakGflops: Num,
  /** min(peak, AI × bandwidth): the attainable roof at this AI, GFLOP/s. */
  attainableGflops: Num,
  pctOfPeak: Num,
  bound: Type.Union([Type.Literal('memory'), Type.Literal('compute')]),
  /** Where the case's bytes live between timed calls (they fit that cache), which sets the memory roof. */
  memoryLevel: Type.Optional(Type.Union([Type.Literal('L1'), Type.Literal('L2'), Type.Literal('L3'), Type.Literal('DRAM')])),
  /** Above the roof: a measurement bug, flagged, never celebrated. */
  aboveRoof: Type.Boolean(),
});
export type RoofPosition = Static<typeof RoofPositionSchema>;

/** What the machine did around one case: a moved canary means the clock changed under the case. */
export const CaseMachineSchema = Type.Object({
  /** ns per iteration of a fixed dependent-instruction loop just before and just after the case (lower: faster clock). */
  canaryBeforeNs: TimeMs,
  canaryAfterNs: TimeMs,
  /** 1-minute load average before and after the case (absent where the OS has none). */
  loadBefore: Type.Optional(Spread),
  loadAfter: Type.Optional(Spread),
  /** The canary moved by more than its tolerance: the gate does not judge this case. */
  clockMoved: Type.Boolean(),
  /** The load average was above the machine's cores before or after: the case shared its cores. */
  underLoad: Type.Boolean(),
  /** Measured again because the canary moved the first time (at most once). */
  remeasured: Type.Optional(Type.Boolean()),
  /** `run --processes`: processes whose canary moved during this case, left out of its samples and medians. */
  movedProcesses: Type.Optional(Size),
});
export type CaseMachine = Static<typeof CaseMachineSchema>;

const caseBase = {
  op: writes<OpName>(Type.String({minLength: 1})),
  variant: Type.String({minLength: 1}),
  backend: writes<Backend>(Type.String()),
  params: Params,
  shape: Params,
  /** Canonical shape text, e.g. '256x512x1024' (M×N×K for GEMM). */
  shapeText: Type.String(),
  seed: Type.Number(),
  inputDistribution: Type.String(),
  flops: Num,
  macs: Num,
  bytes: Num,
  /** Arithmetic intensity: FLOPs per compulsory byte. */
  ai: Num,
  /** Set when the case is one layer of a network run (`dlbench net`). */
  layer: Type.Optional(LayerInfoSchema),
  /** Op- or backend-specific measured quantities (SVD errors, GPU timing split, Strassen's error…). */
  metrics: Type.Optional(Metrics),
};

export const OkCaseSchema = Type.Object({
  ...caseBase,
  state: Type.Literal('ok'),
  check: CheckResultSchema,
  stats: StatsSchema,
  /** GFLOP/s at the median time. */
  gflops: Num,
  /** Untimed set-up (allocation, packing, pool or pipeline start), ms. */
  prepareMs: Num,
  /** The first call, cold (JIT, caches): reported apart from the steady state. */
  firstCallMs: Num,
  /** IQR/median above 10%: the median is less trustworthy. */
  highSpread: Type.Boolean(),
  samplesMs: Type.Array(Type.Number({exclusiveMinimum: 0})),
  roof: Type.Optional(RoofPositionSchema),
  /** `run --processes N`: the median of each process's samples, in process order (samplesMs pools them all). */
  processMediansMs: Type.Optional(Type.Array(Type.Number({exclusiveMinimum: 0}))),
  /** The clock canary and the load average around the case (`src/measure/canary.ts`). */
  machine: Type.Optional(CaseMachineSchema),
});
export type OkCase = Static<typeof OkCaseSchema>;

export const SkippedCaseSchema = Type.Object({...caseBase, state: Type.Literal('skipped'), reason: Type.String()});
export type SkippedCase = Static<typeof SkippedCaseSchema>;

export const CheckFailedCaseSchema = Type.Object({
  ...caseBase,
  state: Type.Literal('check-failed'),
  check: CheckResultSchema,
  firstCallMs: Num,
});
export type CheckFailedCase = Static<typeof CheckFailedCaseSchema>;

export const ErroredCaseSchema = Type.Object({
  ...caseBase,
  state: Type.Literal('errored'),
  phase: Type.Union([
    Type.Literal('prepare'),
    Type.Literal('run'),
    Type.Literal('measure'),
    Type.Literal('check'),
    Type.Literal('dispose'),
  ]),
  error: Type.String(),
});
export type ErroredCase = Static<typeof ErroredCaseSchema>;

/** One schema per `state`: the reader dispatches on it to name the first problem of a row. */
export const CASE_SCHEMA_BY_STATE = {
  ok: OkCaseSchema,
  skipped: SkippedCaseSchema,
  'check-failed': CheckFailedCaseSchema,
  errored: ErroredCaseSchema,
} as const;
export type CaseState = keyof typeof CASE_SCHEMA_BY_STATE;

export const CaseResultSchema = Type.Union([OkCaseSchema, SkippedCaseSchema, CheckFailedCaseSchema, ErroredCaseSchema]);
export type CaseResult = Static<typeof CaseResultSchema>;

/** A WebGPU adapter as the run context records it. */
export const WebGpuAdapterInfoSchema = Type.Object({
  vendor: Type.String(),
  architecture: Type.String(),
  device: Type.String(),
  description: Type.String(),
  /** The Dawn backend in use (vulkan, metal, d3d12…), or 'unknown'. */
  backend: Type.String(),
  isFallbackAdapter: Type.Boolean(),
  features: Type.Array(Type.String()),
  limits: Type.Record(Type.String(), Type.Number()),
  /** Every adapter Dawn offered, as `backend: name` (the --gpu-adapter choices). */
  adapters: Type.Array(Type.String()),
});
export type WebGpuAdapterInfo = Static<typeof WebGpuAdapterInfoSchema>;

export const WebGpuContextSchema = Type.Union([
  Type.Composite([Type.Object({available: Type.Literal(true), timestampQuery: Type.Boolean()}), WebGpuAdapterInfoSchema]),
  Type.Object({available: Type.Literal(false), reason: Type.String()}),
]);
export type WebGpuContext = Static<typeof WebGpuContextSchema>;

export const BlasContextSchema = Type.Union([
  Type.Object({
    available: Type.Literal(true),
    library: Type.String(),
    /** Parsed from openblas_get_config ('unknown' for other libraries). */
    version: Type.String(),
    config: Type.String(),
    /** openblas_get_corename: the kernel set OpenBLAS runs (OPENBLAS_CORETYPE can pin it). */
    corename: Type.Optional(Type.String()),
    env: Type.Record(Type.String(), Type.String()),
  }),
  Type.Object({available: Type.Literal(false), reason: Type.String(), env: Type.Record(Type.String(), Type.String())}),
]);
export type BlasContext = Static<typeof BlasContextSchema>;

export const ContextSchema = Type.Object({
  cpu: Type.Object({
    model: Type.String(),
    cores: Type.Number(),
    speedMHz: Type.Number(),
    arch: Type.String(),
    flags: Type.Optional(Type.Array(Type.String())),
    caches: Type.Record(Type.String(), Type.String()),
    /** From /proc/cpuinfo (x86 Linux): vendor_id, cpu family, model, stepping, and the microarchitecture they name ('unknown' outside a small table). */
    id: Type.Optional(
      Type.Object({
        vendor: Type.String(),
        family: Type.Number(),
        model: Type.Number(),
        stepping: Type.Number(),
        microarch: Type.String(),
      }),
    ),
  }),
  memory: Type.Object({totalBytes: Type.Number()}),
  os: Type.Object({platform: Type.String(), release: Type.String(), type: Type.String()}),
  runtime: Type.Object({node: Type.String(), v8: Type.String()}),
  dlbench: Type.Object({
    version: Type.String(),
    gitCommit: Type.Optional(Type.String()),
    gitDirty: Type.Optional(Type.Boolean()),
  }),
  packages: Type.Record(Type.String(), Type.String()),
  hostname: Type.String(),
  /** The system BLAS behind the openblas rung: library, version, the kernel it runs, and the OPENBLAS_* variables set. */
  blas: Type.Optional(BlasContextSchema),
  /** The WebGPU adapter, recorded only when a WebGPU variant was planned. */
  webgpu: Type.Optional(WebGpuContextSchema),
});
/** Other keys (the machine's roofs, notes) are open: readers look them up by name. */
export type Context = Static<typeof ContextSchema> & {[extra: string]: unknown};

const LowRankSchema = Type.Object({
  value: Type.Number(),
  paramsBefore: Type.Number(),
  paramsAfter: Type.Number(),
  paramsSaved: Type.Number(),
  output: Type.Array(Type.Object({batch: Type.Number(), relL2: Num, top1Agree: Num, images: Type.Number()})),
});

const EndToEndSchema = Type.Object({
  batch: Type.Number(),
  runs: Type.Number(),
  p50Ms: Num,
  p90Ms: Num,
  p99Ms: Num,
  minMs: Num,
  meanMs: Num,
  /** Sum of the per-layer medians (each layer timed alone, caches warm for it). */
  layerSumMs: Num,
  /** p50Ms / layerSumMs: above 1, the layers cost more in sequence than alone. */
  ratio: Num,
  /** The roofline floor, Σ over layers of max(bytes ÷ bandwidth, FLOPs ÷ peak), from the cached roofs; absent without them. */
  floorMs: Type.Optional(Num),
  /** p50Ms / floorMs. */
  floorRatio: Type.Optional(Num),
});

export const RunConfigSchema = Type.Object({
  preset: Type.Optional(Type.String()),
  seed: Type.Number(),
  threads: Type.Number(),
  timeBudgetMs: Type.Number(),
  minSamples: Type.Number(),
  warmupMs: Type.Number(),
  /** Set by `dlbench net`: the network, batch sizes and kernel choices. */
  net: Type.Optional(
    Type.Object({
      name: Type.String(),
      batches: Type.Array(Size),
      conv: Type.String(),
      gemm: Type.String(),
      best: Type.Boolean(),
      /** `--layout`: activations NCHW (conv weights KCRS) or NHWC (RSCK); absent in older files (NCHW). */
      layout: Type.Optional(Layout),
      /** `--lowrank`: fc weights replaced by truncated SVDs; params saved and the output's change per batch. */
      lowrank: Type.Optional(LowRankSchema),
      /** Whole forward passes timed back to back, per batch, beside the sum of the isolated per-layer medians. */
      endToEnd: Type.Optional(Type.Array(EndToEndSchema)),
    }),
  ),
  /** `run --repetitions`: passes over the plan whose samples were pooled per case (absent: 1). */
  repetitions: Type.Optional(Size),
  /** `run --processes`: fresh processes whose samples were pooled per case (absent: 1). */
  processes: Type.Optional(Size),
});
export type RunConfig = Static<typeof RunConfigSchema>;

export const BestRowSchema = Type.Object({
  shapeText: Type.String(),
  variant: Type.String(),
  threads: Type.Number(),
  medianMs: Num,
  gflops: Num,
  /** The second fastest variant and how many times slower it is. */
  runnerUp: Type.Optional(Type.Object({variant: Type.String(), threads: Type.Number(), slowdown: Num})),
});
export type BestRow = Static<typeof BestRowSchema>;

export const CrossoverSchema = Type.Object({
  challenger: Type.String(),
  incumbent: Type.String(),
  /** incumbent median / challenger median per size (> 1: the challenger is faster). */
  ratios: Type.Array(Type.Object({shapeText: Type.String(), ratio: Num})),
  /** The first size from which the challenger stays faster to the end of the range. */
  from: Type.Optional(Type.String()),
  verdict: Type.Union([Type.Literal('always'), Type.Literal('from'), Type.Literal('never'), Type.Literal('not measured')]),
});
export type Crossover = Static<typeof CrossoverSchema>;

export const ScalingRowSchema = Type.Object({
  variant: Type.String(),
  shapeText: Type.String(),
  threads: Type.Number(),
  medianMs: Num,
  gflops: Num,
  /** Same variant's median on one thread / on `threads` (absent without a one-thread run). */
  speedup: Type.Optional(Num),
  /** speedup / threads. */
  efficiency: Type.Optional(Num),
  gflopsPerCore: Num,
  /** The single-threaded base variant's median / this median. */
  vsBase: Type.Optional(Num),
  base: Type.Optional(Type.String()),
});
export type ScalingRow = Static<typeof ScalingRowSchema>;

/** `dlbench sweep`: best variant per size, crossovers and thread scaling, from `results`. */
export const SweepSummarySchema = Type.Object({
  sizes: Type.Array(Type.String()),
  threads: Type.Array(Type.Number()),
  best: Type.Array(BestRowSchema),
  crossovers: Type.Array(CrossoverSchema),
  scaling: Type.Array(ScalingRowSchema),
});
export type SweepSummary = Static<typeof SweepSummarySchema>;

const reportProperties = {
  schemaVersion: Type.Literal(SCHEMA_VERSION),
  tool: Type.Literal('dlbench'),
  createdAt: Type.String(),
  /** True when the run was cut short (Ctrl-C): results holds the cases finished before. */
  interrupted: Type.Boolean(),
  context: ContextSchema,
  config: RunConfigSchema,
  results: Type.Array(CaseResultSchema),
  sweep: Type.Optional(SweepSummarySchema),
};

export const ReportSchema = Type.Object(reportProperties, {
  title: 'dlbench results file',
  description: `A results file written by dlbench (run, sweep, net, svd). schemaVersion ${SCHEMA_VERSION}.`,
});
export type Report = Static<typeof ReportSchema> & {context: Context};

/**
 * The report without its rows' shapes: the reader checks this first, then each row against its
 * state's schema, so a bad row is named by its index and state rather than by a failed anyOf.
 */
export const ReportEnvelopeSchema = Type.Object({...reportProperties, results: Type.Array(Type.Object({state: Type.String()}))});

/** schema/results.schema.json, as `npm run schema` writes it (a test keeps the two equal). */
export function resultsJsonSchemaText(): string {
  return `${JSON.stringify({$schema: 'http://json-schema.org/draft-07/schema#', ...ReportSchema}, null, 2)}\n`;
}

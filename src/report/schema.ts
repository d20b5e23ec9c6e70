// The results file: one versioned shape for every op, command and exporter.
// Bump SCHEMA_VERSION on any incompatible change (readers refuse or migrate older files).
import type {Backend, CheckResult, OpName} from '../core/types.js';
import type {Stats} from '../measure/stats.js';
import type {SweepSummary} from './sweep.js';

export const SCHEMA_VERSION = 1;

export type CaseState = 'ok' | 'skipped' | 'check-failed' | 'errored';

interface CaseBase {
  op: OpName;
  variant: string;
  backend: Backend;
  params: Record<string, number | string>;
  shape: Record<string, number | string>;
  /** Canonical shape text, e.g. '256x512x1024' (M×N×K for GEMM). */
  shapeText: string;
  seed: number;
  inputDistribution: string;
  flops: number;
  macs: number;
  bytes: number;
  /** Arithmetic intensity: FLOPs per compulsory byte. */
  ai: number;
  /** Set when the case is one layer of a network run (`dlbench net`). */
  layer?: LayerInfo;
  /** Op- or backend-specific measured quantities (SVD errors, GPU timing split, Strassen's error…). */
  metrics?: Record<string, number | string | boolean>;
}

export interface LayerInfo {
  net: string;
  index: number;
  name: string;
  type: string;
  /** In memory order: [N, C, H, W] for NCHW, [N, H, W, C] for NHWC, [N, D] once flattened. */
  outputShape: number[];
  params: number;
  activationBytes: number;
  /** The run's activation layout (`net --layout`); absent in files written before it existed (NCHW). */
  layout?: 'nchw' | 'nhwc';
}

/** Where a result sits against the machine's measured roofs (`dlbench machine`). */
export interface RoofPosition {
  /** The compute roof for this backend and thread count, GFLOP/s. */
  peakGflops: number;
  /** min(peak, AI × bandwidth): the attainable roof at this AI, GFLOP/s. */
  attainableGflops: number;
  pctOfPeak: number;
  bound: 'memory' | 'compute';
  /** Where the case's bytes live between timed calls (they fit that cache), which sets the memory roof. */
  memoryLevel?: 'L1' | 'L2' | 'L3' | 'DRAM';
  /** Above the roof: a measurement bug, flagged, never celebrated. */
  aboveRoof: boolean;
}

export interface OkCase extends CaseBase {
  state: 'ok';
  check: CheckResult;
  stats: Stats;
  /** GFLOP/s at the median time. */
  gflops: number;
  /** Untimed set-up (allocation, packing, pool or pipeline start), ms. */
  prepareMs: number;
  /** The first call, cold (JIT, caches): reported apart from the steady state. */
  firstCallMs: number;
  /** IQR/median above 10%: the median is less trustworthy. */
  highSpread: boolean;
  samplesMs: number[];
  roof?: RoofPosition;
}

export interface SkippedCase extends CaseBase {
  state: 'skipped';
  reason: string;
}

export interface CheckFailedCase extends CaseBase {
  state: 'check-failed';
  check: CheckResult;
  firstCallMs: number;
}

export interface ErroredCase extends CaseBase {
  state: 'errored';
  phase: 'prepare' | 'run' | 'measure' | 'check' | 'dispose';
  error: string;
}

export type CaseResult = OkCase | SkippedCase | CheckFailedCase | ErroredCase;

export interface Context {
  cpu: {model: string; cores: number; speedMHz: number; arch: string; flags?: string[]; caches: Record<string, string>};
  memory: {totalBytes: number};
  os: {platform: string; release: string; type: string};
  runtime: {node: string; v8: string};
  dlbench: {version: string; gitCommit?: string; gitDirty?: boolean};
  packages: Record<string, string>;
  hostname: string;
  /** The WebGPU adapter, recorded only when a WebGPU variant was planned. */
  webgpu?: WebGpuContext;
  [extra: string]: unknown;
}

/** A WebGPU adapter as the run context records it. */
export interface WebGpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** The Dawn backend in use (vulkan, metal, d3d12…), or 'unknown'. */
  backend: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
  /** Every adapter Dawn offered, as `backend: name` (the --gpu-adapter choices). */
  adapters: string[];
}

export type WebGpuContext = ({available: true; timestampQuery: boolean} & WebGpuAdapterInfo) | {available: false; reason: string};

export interface RunConfig {
  preset?: string;
  seed: number;
  threads: number;
  timeBudgetMs: number;
  minSamples: number;
  warmupMs: number;
  /** Set by `dlbench net`: the network, batch sizes and kernel choices. */
  net?: {name: string; batches: number[]; conv: string; gemm: string; best: boolean;
    /** `--layout`: activations NCHW (conv weights KCRS) or NHWC (RSCK); absent in older files (NCHW). */
    layout?: 'nchw' | 'nhwc';
    /** `--lowrank`: fc weights replaced by truncated SVDs; params saved and the output's change per batch. */
    lowrank?: {value: number; paramsBefore: number; paramsAfter: number; paramsSaved: number;
      output: {batch: number; relL2: number; top1Agree: number; images: number}[]}};
  /** `run --repetitions`: passes over the plan whose samples were pooled per case (absent: 1). */
  repetitions?: number;
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: 'dlbench';
  createdAt: string;
  /** True when the run was cut short (Ctrl-C): results holds the cases finished before. */
  interrupted: boolean;
  context: Context;
  config: RunConfig;
  results: CaseResult[];
  /** `dlbench sweep`: best variant per size, crossovers and thread scaling, from `results`. */
  sweep?: SweepSummary;
}

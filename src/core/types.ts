// The contracts every op, variant, command and report builds on (see DESIGN.md).
// Keep this file free of imports from kernels/ or commands/: it is the bottom of the graph.

// The op and backend names and a check's verdict are fields of the results file, declared there.
import type {Backend, CheckResult, OpName} from './results.js';

export type {Backend, CheckResult, OpName};

export type Availability = {ok: true} | {ok: false; reason: string};

/** What the running process can offer a variant; variants decide from it whether they can run. */
export interface Caps {
  /** Threads a parallel variant may use (`--threads`, default: all cores). */
  threads: number;
}

/** The cost model and correctness oracle of one op; shared by every variant of it. */
export interface OpSpec<P, I, O> {
  op: OpName;
  /** Canonical text for a shape, e.g. '256x512x1024'; parseShape(describe(p)) round-trips. */
  describe(p: P): string;
  flops(p: P): number;
  macs(p: P): number;
  /** Compulsory memory traffic: every input read once and the output written once. */
  bytes(p: P): number;
  /** Bytes a case allocates (inputs, output, check scratch): refused up front when too large. */
  memoryBytes(p: P): number;
  makeInputs(p: P, seed: number): I;
  /** How makeInputs draws its values, when not the default uniform[-1,1) (recorded in results). */
  inputDistribution?(p: P): string;
  /** toleranceScale widens the tolerance for algorithms with weaker error bounds (Strassen). */
  check(p: P, inputs: I, out: O, opts?: {toleranceScale?: number; seed?: number}): CheckResult;
}

export interface PrepareOptions {
  threads: number;
}

export interface KernelVariant<P = any, I = any, O = any, S = any> {
  id: `${OpName}/${string}`;
  op: OpName;
  backend: Backend;
  /** One line: what this rung changes over the previous one. */
  summary: string;
  params?: Record<string, number | string>;
  spec: OpSpec<P, I, O>;
  available(caps: Caps): Availability;
  /** Untimed: allocation, packing, pipeline compile, pool start. */
  prepare(p: P, inputs: I, opts: PrepareOptions): S | Promise<S>;
  /** Timed. Returns the output (usually a buffer owned by the state). */
  run(state: S): O | Promise<O>;
  dispose?(state: S): void | Promise<void>;
  /** Multiplier on the spec's tolerance for algorithms with a weaker error bound. */
  toleranceScale?(p: P): number;
  /** Shapes this variant cannot handle quickly enough to be worth timing, with a reason. */
  limits?(p: P): Availability;
  /**
   * Async probe run before available() (e.g. acquiring the GPU device once per process).
   * Must not throw: what it finds is reported by available().
   */
  init?(): Promise<void>;
  /**
   * The duration of the last run() to record instead of the host's wall time (a GPU variant
   * returns its kernel time from GPU timestamps); undefined keeps the wall time.
   */
  sampleDurationMs?(state: S): number | undefined;
  /** Quantities measured while timing, merged into the result's metrics (the GPU upload/kernel/readback split). */
  measuredMetrics?(state: S): Record<string, number | string | boolean>;
  /** Shapes the algorithm cannot compute at all (Winograd needs 3×3, stride 1): skipped, even when forced. */
  supports?(p: P): Availability;
  /** Variant-specific quantities of this shape (im2col buffer size, transformed-domain MACs…). */
  metrics?(p: P): Record<string, number | string | boolean>;
}

/** One op: its spec, its variants (the ladder, in order), how to read sizes, and its presets. */
export interface OpDefinition<P = any, I = any, O = any> {
  name: OpName;
  spec: OpSpec<P, I, O>;
  variants: KernelVariant<P, I, O>[];
  /** Parses one size token ('512', '256x512x1024'); throws UsageError naming `--size`. */
  parseShape(token: string): P;
  /** Shapes for `verify`: the edges where kernels break (1×1×1, primes, block ±1…). */
  edgeShapes: P[];
  presets: Record<string, P[]>;
  /** Rough time of one call of the slowest rung at this shape, to keep presets honest (ms). */
}

// Rung 5: worker-parallel GEMM. The previous rungs use one core; this one runs a base kernel
// (blocked by default) on one block of C per piscina worker thread, over SharedArrayBuffers.
// Partition: MR-aligned row blocks, or NR-aligned column blocks when C is short and wide.
// Expected bottleneck: the base kernel's per-core rate, minus each thread re-packing the
// shared operand and the postMessage round trip per call.
import type {Availability, Caps, KernelVariant} from '../../core/types.js';
import type {GemmCall, GemmEngine, GemmExecutor} from './engine.js';
import {isShared, sharedF32, toShared} from './shared.js';
import {gemmSpec, type GemmInputs, type GemmShape} from './spec.js';
import {blockedEngine} from './blocked.js';
import {nativeEngine} from './native.js';
import {engineBase, type WorkerBase} from './worker-base.js';
import {GemmPool, injectedFailure, workerFileAvailability, type Partition} from './workers-pool.js';
import type {InjectedFailure} from './workers-protocol.js';

interface State {
  p: GemmShape;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  pool: GemmPool;
  inject?: InjectedFailure;
  lastPartition?: Partition;
}

function baseAvailability(base: WorkerBase): Availability {
  const a = base.available();
  if (!a.ok) return {ok: false, reason: `base kernel '${base.name}' unavailable: ${a.reason}`};
  return workerFileAvailability();
}

export function workersId(baseName: string): `gemm/${string}` {
  return baseName === 'blocked' ? 'gemm/workers' : `gemm/workers-${baseName}`;
}

/**
 * gemm/workers on `engine`, run on one thread per worker (the GEMM list marks which engines may be
 * bases: the worker thread finds its base there by name); `inject` is the failure test hook.
 */
export function makeWorkers(
  engine: GemmEngine = blockedEngine,
  opts: {inject?: InjectedFailure} = {},
): KernelVariant<GemmShape, GemmInputs, Float32Array, State> {
  const base = engineBase(engine);
  const baseName = base.name;
  return {
    id: workersId(baseName),
    op: 'gemm',
    backend: 'workers',
    summary: `piscina pool, one ${baseName} block of C per thread (rows, or columns if short-wide), SharedArrayBuffer operands`,
    params: {base: base.singleThreadId},
    spec: gemmSpec,
    available: () => baseAvailability(base),
    async prepare(p, {a, b}, {threads}) {
      // Copies into shared memory are set-up, like packing a weight matrix once: untimed.
      // The pool starts last, so nothing that can throw runs after it (it must not leak).
      const shared = {a: toShared(a), b: toShared(b), c: sharedF32(p.m * p.n)};
      const pool = await GemmPool.start(threads, baseName);
      return {p, ...shared, pool, inject: opts.inject ?? injectedFailure()};
    },
    async run(s) {
      s.lastPartition = await s.pool.gemm({m: s.p.m, n: s.p.n, k: s.p.k, a: s.a, b: s.b, c: s.c}, baseName, s.inject);
      return s.c;
    },
    dispose: (s) => s.pool.destroy(),
    measuredMetrics: (s) => ({
      threads: s.pool.threads,
      poolStartMs: s.pool.startMs,
      ...(s.lastPartition ? {partition: s.lastPartition.dim, tasks: s.lastPartition.blocks.length} : {}),
    }),
  };
}

export const workers = makeWorkers(blockedEngine);
export const workersNative = makeWorkers(nativeEngine);

/** Grows a shared staging buffer and copies x in: for callers whose arrays are not shared. */
function stage(x: Float32Array, slot: {buf?: Float32Array}): Float32Array {
  if (!slot.buf || slot.buf.length < x.length) slot.buf = sharedF32(x.length);
  slot.buf.set(x);
  return slot.buf.length === x.length ? slot.buf : slot.buf.subarray(0, x.length);
}

/**
 * The pool as a GemmEngine for composition (Strassen, im2col, FC layers). Needs ≥ 2 threads:
 * on one it only adds overhead to blocked, and `fastestEngine` must not pick it there.
 * Operands already in SharedArrayBuffers go straight to the workers; others are staged.
 */
export function makeWorkersEngine(engine: GemmEngine = blockedEngine): GemmEngine {
  const base = engineBase(engine);
  const baseName = base.name;
  return {
    id: workersId(baseName),
    backend: 'workers',
    available(caps: Caps): Availability {
      if (caps.threads < 2)
        return {
          ok: false,
          reason: `${workersId(baseName)} as a GEMM engine needs --threads ≥ 2 (on one thread use ${base.singleThreadId})`,
        };
      return baseAvailability(base);
    },
    async create({threads}): Promise<GemmExecutor> {
      const pool = await GemmPool.start(threads, baseName);
      const slots = {a: {}, b: {}, c: {}} as Record<'a' | 'b' | 'c', {buf?: Float32Array}>;
      return {
        async gemm(call: GemmCall) {
          // C is staged in as well as out: a sub-matrix call must leave C's other elements as they were.
          const c = isShared(call.c) ? call.c : stage(call.c, slots.c);
          await pool.gemm(
            {
              ...call,
              a: isShared(call.a) ? call.a : stage(call.a, slots.a),
              b: isShared(call.b) ? call.b : stage(call.b, slots.b),
              c,
            },
            baseName,
          );
          if (c !== call.c) call.c.set(c.subarray(0, call.c.length));
        },
        dispose: () => pool.destroy(),
      };
    },
  };
}

export const workersEngine = makeWorkersEngine(blockedEngine);

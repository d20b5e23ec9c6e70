// Main-thread side of the worker-parallel GEMM: a fixed piscina pool (started once, untimed),
// C split into one row block per thread (column blocks when C is short and wide, so no thread
// idles and each packs only its share of the larger operand), blocks run concurrently.
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import type {Piscina} from 'piscina';
import type {Availability} from '../../core/types.js';
import {MR, NR} from './blocked.js';
import type {GemmCall} from './engine.js';
import {isShared} from './shared.js';
import type {GemmTask, InjectedFailure, RendezvousTask} from './workers-protocol.js';

// Worker threads load JavaScript, never TypeScript: resolve the compiled file from the package
// root, which is three levels up from both src/kernels/gemm/ (tests) and dist/kernels/gemm/.
export const WORKER_FILE_URL = new URL('../../../dist/kernels/gemm/workers-task.js', import.meta.url);
export const WORKER_FILE = fileURLToPath(WORKER_FILE_URL);
const START_TIMEOUT_MS = 30_000;

export function workerFileAvailability(): Availability {
  return existsSync(WORKER_FILE)
    ? {ok: true}
    : {ok: false, reason: `compiled worker file missing (${WORKER_FILE}): run \`npm run build\` first`};
}

export interface Partition {
  dim: 'rows' | 'cols';
  /** Half-open [start, end) ranges of C's rows or columns, one per task. */
  blocks: [number, number][];
}

/**
 * Splits an m×n output into at most `parts` blocks of whole register tiles (MR rows or NR
 * columns), sizes differing by at most one tile. Rows unless n > m (short-wide outputs).
 */
export function partition(m: number, n: number, parts: number): Partition {
  const dim = n > m ? 'cols' : 'rows';
  const extent = dim === 'rows' ? m : n;
  const quantum = dim === 'rows' ? MR : NR;
  const units = Math.ceil(extent / quantum);
  const count = Math.max(0, Math.min(parts, units));
  const blocks: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.round((i * units) / count) * quantum;
    const end = Math.min(extent, Math.round(((i + 1) * units) / count) * quantum);
    if (end > start) blocks.push([start, end]);
  }
  return {dim, blocks};
}

/** The sub-call computing rows (or columns) [s, e) of C; leading dimensions made explicit. */
export function subCall(g: GemmCall, dim: Partition['dim'], s: number, e: number): GemmCall {
  const lda = g.lda ?? (g.transA ? g.m : g.k);
  const ldb = g.ldb ?? (g.transB ? g.k : g.n);
  const ldc = g.ldc ?? g.n;
  const base = {...g, lda, ldb, ldc};
  if (dim === 'rows') {
    return {...base, m: e - s, aOffset: (g.aOffset ?? 0) + s * (g.transA ? 1 : lda), cOffset: (g.cOffset ?? 0) + s * ldc};
  }
  return {...base, n: e - s, bOffset: (g.bOffset ?? 0) + s * (g.transB ? ldb : 1), cOffset: (g.cOffset ?? 0) + s};
}

export class GemmPool {
  private destroyed = false;

  private constructor(
    private readonly pool: Piscina,
    readonly threads: number,
    readonly startMs: number,
  ) {}

  /** Starts `threads` workers; returns once every one has loaded (and JIT-warmed) `base`. */
  static async start(threads: number, base?: string): Promise<GemmPool> {
    const avail = workerFileAvailability();
    if (!avail.ok) throw new Error(avail.reason);
    // Loaded here, not at import: every worker thread imports the GEMM list (for its base
    // kernel), and so this module, but only the main thread starts pools.
    const {Piscina: Pool} = await import('piscina');
    const t0 = performance.now();
    const pool = new Pool({
      filename: WORKER_FILE_URL.href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 2 ** 31 - 1,
      concurrentTasksPerWorker: 1,
    });
    try {
      const counter = new Int32Array(new SharedArrayBuffer(4));
      const task: RendezvousTask = {
        kind: 'rendezvous',
        counter,
        parties: threads,
        timeoutMs: START_TIMEOUT_MS,
        ...(base ? {warm: base} : {}),
      };
      await Promise.all(Array.from({length: threads}, () => pool.run(task)));
    } catch (err) {
      await pool.destroy();
      throw err;
    }
    return new GemmPool(pool, threads, performance.now() - t0);
  }

  /** C (=|+=) op(A)·op(B), one block per thread; A, B and C must live in SharedArrayBuffers. */
  async gemm(call: GemmCall, base: string, inject?: InjectedFailure): Promise<Partition> {
    if (this.destroyed) throw new Error('GEMM worker pool already destroyed');
    if (!isShared(call.a) || !isShared(call.b) || !isShared(call.c)) {
      throw new Error('gemm/workers: A, B and C must be Float32Arrays over SharedArrayBuffers');
    }
    const part = partition(call.m, call.n, this.threads);
    await Promise.all(
      part.blocks.map(([s, e]) => {
        const task: GemmTask = {kind: 'gemm', base, call: subCall(call, part.dim, s, e), ...(inject ? {inject} : {})};
        return this.pool.run(task);
      }),
    );
    return part;
  }

  /** Terminates every worker; idempotent, so every path out of a case can call it. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.pool.destroy();
  }
}

/** The test hook, from the environment so that a spawned CLI can be made to fail. */
export function injectedFailure(): InjectedFailure | undefined {
  const v = process.env.DLBENCH_INJECT_WORKER_FAILURE;
  return v === 'throw' || v === 'exit' ? v : undefined;
}

// The kernels a worker thread can run on its block of the output, by name (`base` param of
// gemm/workers). Imported by both sides: the main thread asks available(), the worker calls
// load() once and then the kernel per task. To add one, append an entry; gemm/workers-<name>
// and its engine follow from this list.
import type {Availability} from '../../core/types.js';
import {bestIsa, kernelFor, loadNative} from '../../native/loader.js';
import {blockedGemmCall, blockedWorkspace, DEFAULT_BLOCKS, type BlockedWorkspace} from './blocked.js';
import type {GemmCall} from './engine.js';
import {callArgs} from './native-engine.js';

export interface WorkerBase {
  /** The `base` param value, e.g. 'blocked'. */
  name: string;
  /** The single-threaded variant this base is on one core: the scaling baseline. */
  singleThreadId: string;
  available(): Availability;
  /** Runs inside a worker: returns the kernel for one strided call (workspace kept per worker). */
  load(): (call: GemmCall) => void;
}

const blockedBase: WorkerBase = {
  name: 'blocked',
  singleThreadId: 'gemm/blocked',
  available: () => ({ok: true}),
  load() {
    let ws: BlockedWorkspace | undefined;
    return (call) => {
      const need = blockedWorkspace(call, DEFAULT_BLOCKS);
      if (!ws || need.ap.length > ws.ap.length || need.bp.length > ws.bp.length) ws = need;
      blockedGemmCall(call, DEFAULT_BLOCKS, ws);
    };
  },
};

/**
 * The addon, one thread per worker: each worker_thread loads it (NAPI_MODULE_INIT makes it
 * context-aware) and its one-thread calls take no lock and pack into thread-local buffers
 * (gemm_driver.c), so the workers' blocks run in parallel.
 */
const nativeBase: WorkerBase = {
  name: 'native',
  singleThreadId: 'gemm/native',
  available() {
    const k = kernelFor(bestIsa() ?? 'scalar');
    return k.ok ? {ok: true} : {ok: false, reason: k.reason};
  },
  load() {
    const n = loadNative();
    if (!n.ok) throw new Error(n.reason);
    const addon = n.addon, isa = addon.bestIsa();
    return (call) => addon.sgemm(isa, 1, ...callArgs(call));
  },
};

export const workerBases: WorkerBase[] = [blockedBase, nativeBase];

export function findWorkerBase(name: string): WorkerBase | undefined {
  return workerBases.find((b) => b.name === name);
}

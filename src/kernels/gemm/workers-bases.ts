// The kernels a worker thread can run on its block of the output, by name (`base` param of
// gemm/workers). Imported by both sides: the main thread asks available(), the worker calls
// load() once and then the kernel per task. To add one (e.g. the native addon, one thread per
// worker), append an entry; gemm/workers-<name> and its engine follow from this list.
import type {Availability} from '../../core/types.js';
import {blockedGemmCall, blockedWorkspace, DEFAULT_BLOCKS, type BlockedWorkspace} from './blocked.js';
import type {GemmCall} from './engine.js';

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

export const workerBases: WorkerBase[] = [blockedBase];

export function findWorkerBase(name: string): WorkerBase | undefined {
  return workerBases.find((b) => b.name === name);
}

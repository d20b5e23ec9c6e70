// The kernels a worker thread can run on its block of the output, by name (`base` param of
// gemm/workers): the engines the GEMM list marks `workerBase`, one thread each. Imported by both
// sides: the main thread asks available(), the worker calls load() once and then the kernel per task.
import type {Availability} from '../../core/types.js';
import type {GemmCall, GemmEngine} from './engine.js';
import {gemmKernels} from './kernels.js';

export interface WorkerBase {
  /** The `base` param value, e.g. 'blocked'. */
  name: string;
  /** The single-threaded variant this base is on one core: the scaling baseline. */
  singleThreadId: string;
  available(): Availability;
  /** Runs inside a worker: returns the kernel for one strided call (workspace kept per worker). */
  load(): (call: GemmCall) => void;
}

/** An engine run on one thread inside a worker; its executor must be synchronous. */
function engineBase(e: GemmEngine): WorkerBase {
  return {
    name: e.id.replace(/^gemm\//, ''),
    singleThreadId: e.id,
    available: () => e.available({threads: 1}),
    load() {
      const exec = e.create({threads: 1});
      if (exec instanceof Promise) throw new Error(`${e.id} cannot be a worker base: its executor is created asynchronously`);
      return (call) => void exec.gemm(call);
    },
  };
}

// Built on first use, like the list itself (see kernels.ts).
let bases: WorkerBase[] | undefined;

export function workerBases(): WorkerBase[] {
  return (bases ??= gemmKernels().filter((k) => k.workerBase && k.engine).map((k) => engineBase(k.engine!)));
}

export function findWorkerBase(name: string): WorkerBase | undefined {
  return workerBases().find((b) => b.name === name);
}

// One GEMM engine as the kernel of a worker thread: it runs on one thread on the worker's block
// of the output. Used by both sides: the main thread asks available(), the worker calls load()
// once and then the kernel per task.
import type {Availability} from '../../core/types.js';
import type {GemmCall, GemmEngine} from './engine.js';

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
export function engineBase(e: GemmEngine): WorkerBase {
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

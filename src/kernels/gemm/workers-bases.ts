// The kernels a worker thread can run on its block of the output, found by name (the `base` of
// its task): the engines the GEMM list marks `workerBase`, one thread each. Only the worker
// thread reads this: the main-thread variants hold their base engine itself (workers.ts).
import {gemmKernels} from './kernels.js';
import {engineBase, type WorkerBase} from './worker-base.js';

// Built on first use, like the list itself (see kernels.ts).
let bases: WorkerBase[] | undefined;

export function workerBases(): WorkerBase[] {
  return (bases ??= gemmKernels()
    .filter((k) => k.workerBase && k.engine)
    .map((k) => engineBase(k.engine!)));
}

export function findWorkerBase(name: string): WorkerBase | undefined {
  return workerBases().find((b) => b.name === name);
}

// The code a piscina worker thread runs (loaded from dist/, compiled): one row or column block
// of a GEMM on Float32Arrays over SharedArrayBuffers (structured clone shares them, no copy),
// or the start-up rendezvous that proves every thread of the pool is up.
import type {GemmCall} from './engine.js';
import {findWorkerBase} from './workers-bases.js';
import type {RendezvousTask, WorkerTask} from './workers-protocol.js';

const kernels = new Map<string, (call: GemmCall) => void>();

function kernel(name: string): (call: GemmCall) => void {
  let k = kernels.get(name);
  if (!k) {
    const base = findWorkerBase(name);
    if (!base) throw new Error(`unknown worker base kernel '${name}'`);
    const a = base.available();
    if (!a.ok) throw new Error(`worker base '${name}' unavailable: ${a.reason}`);
    k = base.load();
    kernels.set(name, k);
  }
  return k;
}

// Each worker is a fresh V8 isolate: without this its first calls run unoptimized code, which
// a long-lived pool would long have left behind. Aligned and edge-tile shapes, kept short.
function warmUp(name: string): void {
  const k = kernel(name);
  for (const [m, n, k2, reps] of [
    [64, 64, 64, 12],
    [37, 29, 41, 4],
  ]) {
    const a = new Float32Array(m * k2).fill(0.5),
      b = new Float32Array(k2 * n).fill(0.25),
      c = new Float32Array(m * n);
    for (let r = 0; r < reps; r++) k({m, n, k: k2, a, b, c});
  }
}

// Blocks this thread until `parties` threads arrived: tasks are handed only to idle workers,
// so the pool cannot finish the rendezvous unless every one of its threads is running.
function rendezvous(t: RendezvousTask): number {
  if (t.warm) warmUp(t.warm);
  Atomics.add(t.counter, 0, 1);
  Atomics.notify(t.counter, 0);
  const deadline = Date.now() + t.timeoutMs;
  for (;;) {
    const seen = Atomics.load(t.counter, 0);
    if (seen >= t.parties) return seen;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`only ${seen} of ${t.parties} worker threads started within ${t.timeoutMs} ms`);
    Atomics.wait(t.counter, 0, seen, left);
  }
}

export default function run(task: WorkerTask): number {
  if (task.kind === 'rendezvous') return rendezvous(task);
  if (task.inject === 'throw') throw new Error('injected worker failure (test hook DLBENCH_INJECT_WORKER_FAILURE=throw)');
  if (task.inject === 'exit') process.exit(3);
  kernel(task.base)(task.call);
  return 0;
}

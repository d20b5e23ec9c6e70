// What the main thread sends a GEMM worker thread: the task shapes both sides agree on. Types
// only, so the pool and the variants can name them without loading the worker's code.
import type {GemmCall} from './engine.js';

/** Test hook: make a worker fail, to prove failures become errored rows and never hangs. */
export type InjectedFailure = 'throw' | 'exit';

export interface GemmTask {
  kind: 'gemm';
  base: string;
  call: GemmCall;
  inject?: InjectedFailure;
}

export interface RendezvousTask {
  kind: 'rendezvous';
  /** Int32Array over a SharedArrayBuffer: slot 0 counts the threads that arrived. */
  counter: Int32Array;
  parties: number;
  timeoutMs: number;
  /** Base kernel to JIT-compile before arriving, so a fresh pool starts at steady-state speed. */
  warm?: string;
}

export type WorkerTask = GemmTask | RendezvousTask;

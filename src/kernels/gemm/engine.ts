// GEMM as a building block: Strassen, im2col convolution, FC layers and randomized SVD take a
// GemmEngine as a parameter (`--gemm <name>`), so one faster GEMM speeds up all of them.
// A call is BLAS-like: strided sub-matrices, optional transposes, overwrite or accumulate.
import type {Availability, Backend, Caps} from '../../core/types.js';

export interface GemmCall {
  m: number;
  n: number;
  k: number;
  /** op(A) is m×k: element (i, p) at a[aOffset + i·lda + p], or a[aOffset + p·lda + i] if transA. */
  a: Float32Array;
  aOffset?: number;
  /** Row stride of A as stored; default k (m if transA). */
  lda?: number;
  transA?: boolean;
  /** op(B) is k×n: element (p, j) at b[bOffset + p·ldb + j], or b[bOffset + j·ldb + p] if transB. */
  b: Float32Array;
  bOffset?: number;
  /** Row stride of B as stored; default n (k if transB). */
  ldb?: number;
  transB?: boolean;
  /** C is m×n: element (i, j) at c[cOffset + i·ldc + j]. */
  c: Float32Array;
  cOffset?: number;
  /** Row stride of C; default n. */
  ldc?: number;
  /** 0 (default): C = op(A)·op(B). 1: C += op(A)·op(B). */
  beta?: 0 | 1;
}

/** A ready-to-call GEMM with its workspace (and pool, pipelines…) held between calls. */
export interface GemmExecutor {
  gemm(call: GemmCall): void | Promise<void>;
  dispose?(): void | Promise<void>;
}

export interface GemmEngine {
  /** The GEMM variant this engine runs, e.g. 'gemm/blocked'. */
  id: string;
  /** Where the arithmetic happens; ops composed on this engine report the same backend. */
  backend: Backend;
  available(caps: Caps): Availability;
  /** Untimed set-up. Sizes are hints for preallocation; larger calls still work. */
  create(opts: {threads: number; maxM?: number; maxN?: number; maxK?: number}): GemmExecutor | Promise<GemmExecutor>;
}

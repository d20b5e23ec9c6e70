// The GEMM kernels, declared once. In rung order, this is the ladder (list, run, verify, tests
// and README iterate it); an entry with an `engine` also serves other ops as `--gemm <name>`
// (engines.ts), and one marked `workerBase` also runs inside gemm/workers' threads
// (workers-bases.ts). A new rung is its kernel file plus one line here.
// A function, built on first call, so that importing it constructs nothing.
import type {KernelVariant} from '../../core/types.js';
import {blocked, blockedEngine} from './blocked.js';
import type {GemmEngine} from './engine.js';
import {naiveIjk} from './naive-ijk.js';
import {native, nativeAvx2, nativeAvx512, nativeEngine, nativeScalar, nativeShapes, nativeUntuned} from './native.js';
import {openblas, openblasEngine} from './openblas.js';
import {reorderedIkj} from './reordered-ikj.js';
import type {GemmInputs, GemmShape} from './spec.js';
import {strassen, strassenNative, strassenWorkers} from './strassen.js';
import {webgpuNaive} from './webgpu-naive.js';
import {webgpuRegblocked} from './webgpu-regblocked.js';
import {webgpuTiled} from './webgpu-tiled.js';
import {workers, workersEngine, workersNative} from './workers.js';

export interface GemmKernel {
  variant: KernelVariant<GemmShape, GemmInputs, Float32Array>;
  /** Its GEMM as a building block (Strassen, im2col, FC layers, SVD): the `--gemm` choices. */
  engine?: GemmEngine;
  /** Engines fastest first: `fastestEngine` takes the lowest rank available. */
  engineRank?: number;
  /** The engine, one thread per worker, is a base for gemm/workers-<name>. */
  workerBase?: true;
}

let list: GemmKernel[] | undefined;

export function gemmKernels(): GemmKernel[] {
  return (list ??= [
    {variant: naiveIjk},
    {variant: reorderedIkj},
    {variant: blocked, engine: blockedEngine, engineRank: 3, workerBase: true},
    {variant: strassen},
    // Below native: the fastest engine only where the addon is missing.
    {variant: workers, engine: workersEngine, engineRank: 2},
    {variant: strassenWorkers},
    {variant: native, engine: nativeEngine, engineRank: 0, workerBase: true},
    {variant: nativeUntuned},
    ...nativeShapes.map((variant) => ({variant})),
    {variant: nativeAvx512},
    {variant: nativeAvx2},
    {variant: nativeScalar},
    {variant: strassenNative},
    {variant: workersNative},
    {variant: openblas, engine: openblasEngine, engineRank: 1},
    {variant: webgpuNaive},
    {variant: webgpuTiled},
    {variant: webgpuRegblocked},
  ]);
}

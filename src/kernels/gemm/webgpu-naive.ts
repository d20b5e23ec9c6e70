// Rung 7a (GPU): the naive kernel in WGSL — one invocation per C element, 16×16 workgroups,
// the K loop reading A and B straight from storage buffers. What changes over the CPU rungs:
// thousands of independent dot products in flight instead of a few. Expected bottleneck:
// memory traffic — every multiply-add loads two floats that were already loaded by neighbours.
import {NAIVE} from '../../webgpu/gemm-gpu.js';
import {softwareMacLimit} from '../../webgpu/limits.js';
import {gpuGemmVariant} from './webgpu.js';

const limit = softwareMacLimit(2 ** 25, 'the naive GPU kernel');

export const webgpuNaive = gpuGemmVariant(
  'gemm/webgpu-naive',
  'WGSL, one invocation per C element, operands from storage buffers (16x16 workgroups)',
  NAIVE,
  {wx: 16, wy: 16},
  (p) => limit(p.m * p.n * p.k),
);

// Rung 7b (GPU): shared-memory tiling. A 16×16 workgroup stages 16×16 tiles of A and B in
// workgroup memory, so each element is fetched from global memory once per tile instead of once
// per multiply-add (16× less traffic). Expected bottleneck: two barriers per 16-deep K step and
// one FMA per two workgroup-memory loads (on lavapipe the barriers dominate: slower than naive).
import {TILED_16} from '../../webgpu/gemm-gpu.js';
import {softwareMacLimit} from '../../webgpu/limits.js';
import {gpuGemmVariant} from './webgpu.js';

const limit = softwareMacLimit(2 ** 25, 'the shared-memory tiled GPU kernel');

export const webgpuTiled = gpuGemmVariant(
  'gemm/webgpu-tiled',
  'WGSL, 16x16 workgroup tiles of A and B staged in shared (workgroup) memory',
  TILED_16,
  {tile: 16},
  (p) => limit(p.m * p.n * p.k),
);

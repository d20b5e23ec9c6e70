// Rung 7c (GPU): register blocking. Each invocation owns a TM×TN tile of C in registers and
// reads A and B as vec4, so one vec4 of B feeds TM FMAs and one of A feeds TN; A and B are
// zero-padded on upload (K to 4, M to TM, N to TN) so the K loop has no branch.
// Tile 4×8 per invocation, 8×8 invocations → 32×64 of C per workgroup. Expected bottleneck:
// FMA issue rate; on lavapipe, LLVM's vectorization of the invocation lanes.
import {REGBLOCKED_DEFAULT} from '../../webgpu/gemm-gpu.js';
import {gpuGemmVariant} from './webgpu.js';

const t = REGBLOCKED_DEFAULT.kind === 'regblocked' ? REGBLOCKED_DEFAULT.tile : {tm: 4, tn: 8, wx: 8, wy: 8};

export const webgpuRegblocked = gpuGemmVariant(
  'gemm/webgpu-regblocked',
  `WGSL, ${t.tm}x${t.tn} register tile per invocation, vec4 loads, zero-padded operands (${t.wx}x${t.wy} workgroups)`,
  REGBLOCKED_DEFAULT,
  {tm: t.tm, tn: t.tn, wx: t.wx, wy: t.wy},
);

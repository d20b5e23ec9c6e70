// Rung 5 (GPU): conv2d/webgpu — im2col on the GPU straight into the register-blocked WGSL GEMM's
// padded layout, then that GEMM batched over images (one dispatch per group). Over im2col-<engine>
// it moves both the unfolding and the GEMM to the device; NCHW/KCRS only (NHWC is unsupported).
// Expected bottleneck: the GEMM, plus upload/readback of activations (reported separately).
import {makeConv2dWebGpuVariant} from '../../webgpu/conv2d.js';
import {convSpec} from './spec.js';

export const conv2dWebgpu = makeConv2dWebGpuVariant(convSpec);

// The GPU GEMM as a building block (the GEMM variants and the GPU convolution both use it):
// which kernel, how A and B must be laid out on the device for it, its uniform block, dispatch.
import {naiveWgsl, regblockedWgsl, tiledWgsl, type GemmParams, PARAM_FIELDS, type RegTile} from './gemm-wgsl.js';
import {getPipeline, type CachedPipeline} from './pipelines.js';

export type GpuGemmKernel =
  | {kind: 'naive'; wx: number; wy: number}
  | {kind: 'tiled'; t: number}
  | {kind: 'regblocked'; tile: RegTile};

export const NAIVE: GpuGemmKernel = {kind: 'naive', wx: 16, wy: 16};
export const TILED_16: GpuGemmKernel = {kind: 'tiled', t: 16};
// Chosen by measurement on lavapipe (docs/webgpu.md): 4×8 tiles, 8×8 invocations.
export const REGBLOCKED_DEFAULT: GpuGemmKernel = {kind: 'regblocked', tile: {tm: 4, tn: 8, wx: 8, wy: 8}};

export function kernelKey(k: GpuGemmKernel): string {
  switch (k.kind) {
    case 'naive':
      return `gemm-naive-${k.wx}x${k.wy}`;
    case 'tiled':
      return `gemm-tiled-${k.t}`;
    case 'regblocked':
      return `gemm-regblocked-${k.tile.tm}x${k.tile.tn}-wg${k.tile.wx}x${k.tile.wy}`;
  }
}

function source(k: GpuGemmKernel): string {
  switch (k.kind) {
    case 'naive':
      return naiveWgsl(k.wx, k.wy);
    case 'tiled':
      return tiledWgsl(k.t);
    case 'regblocked':
      return regblockedWgsl(k.tile);
  }
}

export function gemmPipeline(device: GPUDevice, k: GpuGemmKernel): Promise<CachedPipeline> {
  return getPipeline(device, kernelKey(k), () => source(k));
}

export interface GemmDims {
  m: number;
  n: number;
  k: number;
  /** Independent GEMMs sharing the kernel (workgroup z); A's stride may be 0 (shared weights). */
  batch: number;
}

/** How A (m×k) and B (k×n) sit in device memory for a kernel, in floats. */
export interface DeviceLayout {
  /** Row stride of A and of B on the device. */
  lda: number;
  ldb: number;
  /** Rows of A and of B on the device (≥ m and ≥ k when padded). */
  aRows: number;
  bRows: number;
  /** True when the host arrays must be copied into padded ones before upload. */
  padded: boolean;
}

const up = (x: number, q: number): number => Math.ceil(x / q) * q;

export function deviceLayout(kern: GpuGemmKernel, d: GemmDims): DeviceLayout {
  if (kern.kind !== 'regblocked') return {lda: d.k, ldb: d.n, aRows: d.m, bRows: d.k, padded: false};
  const {tm, tn} = kern.tile;
  const lda = up(Math.max(d.k, 1), 4),
    ldb = up(d.n, tn);
  const aRows = up(d.m, tm),
    bRows = lda;
  return {lda, ldb, aRows, bRows, padded: lda !== d.k || ldb !== d.n || aRows !== d.m || bRows !== d.k};
}

/** Copies a row-major rows×cols matrix into a zero-padded one with row stride ld (zeros kept). */
export function padInto(
  src: Float32Array,
  srcOffset: number,
  rows: number,
  cols: number,
  dst: Float32Array,
  dstOffset: number,
  ld: number,
): void {
  for (let r = 0; r < rows; r++) dst.set(src.subarray(srcOffset + r * cols, srcOffset + (r + 1) * cols), dstOffset + r * ld);
}

/** The uniform block for one dispatch (strides per batch item in floats; C written exactly). */
export interface BatchAddressing {
  /** Floats between consecutive batch items of A, B and C (0: shared). */
  strideA: number;
  strideB: number;
  strideC: number;
  /** Floats before batch item 0 of A, B and C. */
  offA?: number;
  offB?: number;
  offC?: number;
  /** Row stride of C (default n). */
  ldc?: number;
}

export function gemmParams(
  kern: GpuGemmKernel,
  d: GemmDims,
  lay: DeviceLayout,
  at: BatchAddressing = {strideA: 0, strideB: 0, strideC: 0},
): Uint32Array {
  const v = kern.kind === 'regblocked' ? 4 : 1; // A and B are indexed in vec4s by the register kernel
  const p: GemmParams = {
    m: d.m,
    n: d.n,
    k: kern.kind === 'regblocked' ? lay.lda / 4 : d.k,
    lda: lay.lda / v,
    ldb: lay.ldb / v,
    ldc: at.ldc ?? d.n,
    strideA: at.strideA / v,
    strideB: at.strideB / v,
    strideC: at.strideC,
    offA: (at.offA ?? 0) / v,
    offB: (at.offB ?? 0) / v,
    offC: at.offC ?? 0,
  };
  // 16-byte multiple for a uniform buffer.
  const out = new Uint32Array(up(PARAM_FIELDS.length, 4));
  for (const [i, f] of PARAM_FIELDS.entries()) out[i] = p[f];
  return out;
}

export function workgroupCounts(kern: GpuGemmKernel, d: GemmDims): [number, number, number] {
  switch (kern.kind) {
    case 'naive':
      return [Math.ceil(d.n / kern.wx), Math.ceil(d.m / kern.wy), d.batch];
    case 'tiled':
      return [Math.ceil(d.n / kern.t), Math.ceil(d.m / kern.t), d.batch];
    case 'regblocked': {
      const {tm, tn, wx, wy} = kern.tile;
      return [Math.ceil(d.n / (tn * wx)), Math.ceil(d.m / (tm * wy)), d.batch];
    }
  }
}

export function gemmBindGroup(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  a: GPUBuffer,
  b: GPUBuffer,
  c: GPUBuffer,
  params: GPUBuffer,
): GPUBindGroup {
  return device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [a, b, c, params].map((buffer, binding) => ({binding, resource: {buffer}})),
  });
}

// Turns a GPU GEMM kernel into a KernelVariant: prepare compiles (cached) and allocates device
// buffers; every run() uploads A and B, dispatches, reads C back, and records the phase split.
// tinybench gets the kernel time as the sample (sampleDurationMs); the split goes to metrics.
import type {KernelVariant} from '../../core/types.js';
import {timedCall} from '../../webgpu/call.js';
import {acquireWebGpu, requireGpu, webGpuAvailability, type GpuHandle} from '../../webgpu/device.js';
import {
  deviceLayout,
  gemmBindGroup,
  gemmParams,
  gemmPipeline,
  kernelKey,
  padInto,
  workgroupCounts,
  type DeviceLayout,
  type GemmDims,
  type GpuGemmKernel,
} from '../../webgpu/gemm-gpu.js';
import {KernelClock, PhaseRecorder} from '../../webgpu/timing.js';
import {gemmSpec, type GemmInputs, type GemmShape} from './spec.js';

export interface GpuGemmState {
  h: GpuHandle;
  p: GemmShape;
  inputs: GemmInputs;
  kern: GpuGemmKernel;
  lay: DeviceLayout;
  /** Padded host copies (only when the kernel needs padding). */
  aHost?: Float32Array;
  bHost?: Float32Array;
  buffers: GPUBuffer[];
  a: GPUBuffer;
  b: GPUBuffer;
  c: GPUBuffer;
  staging: GPUBuffer;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  out: Float32Array;
  clock: KernelClock;
  rec: PhaseRecorder;
  compileMs: number;
}

function buffer(device: GPUDevice, bytes: number, usage: number, list: GPUBuffer[]): GPUBuffer {
  const b = device.createBuffer({size: Math.max(16, Math.ceil(bytes / 16) * 16), usage});
  list.push(b);
  return b;
}

export async function prepareGpuGemm(kern: GpuGemmKernel, p: GemmShape, inputs: GemmInputs): Promise<GpuGemmState> {
  const h = await requireGpu();
  const {device} = h;
  const dims: GemmDims = {...p, batch: 1};
  const lay = deviceLayout(kern, dims);
  const {pipeline, compileMs} = await gemmPipeline(device, kern);
  const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const buffers: GPUBuffer[] = [];
  const a = buffer(device, 4 * lay.aRows * lay.lda, S, buffers);
  const b = buffer(device, 4 * lay.bRows * lay.ldb, S, buffers);
  const c = buffer(device, 4 * p.m * p.n, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, buffers);
  const staging = buffer(device, 4 * p.m * p.n, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, buffers);
  const uni = buffer(device, 48, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, buffers);
  device.queue.writeBuffer(uni, 0, gemmParams(kern, dims, lay));
  return {
    h,
    p,
    inputs,
    kern,
    lay,
    buffers,
    a,
    b,
    c,
    staging,
    pipeline,
    bindGroup: gemmBindGroup(device, pipeline, a, b, c, uni),
    ...(lay.padded ? {aHost: new Float32Array(lay.aRows * lay.lda), bHost: new Float32Array(lay.bRows * lay.ldb)} : {}),
    out: new Float32Array(p.m * p.n),
    clock: new KernelClock(device, h.hasTimestamps),
    rec: new PhaseRecorder(),
    compileMs,
  };
}

export async function runGpuGemm(s: GpuGemmState): Promise<Float32Array> {
  const {p, lay} = s;
  const sample = await timedCall(s.h, s.clock, {
    upload(queue) {
      // Padding is host work the GPU path needs: it is part of the upload time.
      let a = s.inputs.a,
        b = s.inputs.b;
      if (s.aHost && s.bHost) {
        padInto(a, 0, p.m, p.k, s.aHost, 0, lay.lda);
        padInto(b, 0, p.k, p.n, s.bHost, 0, lay.ldb);
        a = s.aHost;
        b = s.bHost;
      }
      queue.writeBuffer(s.a, 0, a);
      queue.writeBuffer(s.b, 0, b);
    },
    passes: 1,
    encode(enc, pass) {
      const cp = enc.beginComputePass(pass(0));
      cp.setPipeline(s.pipeline);
      cp.setBindGroup(0, s.bindGroup);
      cp.dispatchWorkgroups(...workgroupCounts(s.kern, {...p, batch: 1}));
      cp.end();
    },
    result: s.c,
    staging: s.staging,
    bytes: 4 * p.m * p.n,
    receive: (ab) => s.out.set(new Float32Array(ab)),
  });
  s.rec.push(sample);
  return s.out;
}

export function disposeGpuGemm(s: GpuGemmState): void {
  for (const b of s.buffers) b.destroy();
  s.clock.destroy();
}

/** The KernelVariant for one GPU kernel; id and params name the tile sizes. */
export function gpuGemmVariant(
  id: `gemm/${string}`,
  summary: string,
  kern: GpuGemmKernel,
  params: Record<string, number | string>,
  limits?: KernelVariant<GemmShape>['limits'],
): KernelVariant<GemmShape, GemmInputs, Float32Array, GpuGemmState> {
  return {
    id,
    op: 'gemm',
    backend: 'webgpu',
    summary,
    params: {...params, pipeline: kernelKey(kern)},
    spec: gemmSpec,
    init: async () => void (await acquireWebGpu()),
    available: () => webGpuAvailability(),
    ...(limits ? {limits} : {}),
    prepare: (p, inputs) => prepareGpuGemm(kern, p, inputs),
    run: runGpuGemm,
    dispose: disposeGpuGemm,
    sampleDurationMs: (s) => s.rec.last()?.kernelMs,
    measuredMetrics: (s) => s.rec.metrics(s.clock.source, s.compileMs),
  };
}

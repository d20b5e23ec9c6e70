// conv2d on the GPU (rung 'conv2d/webgpu'): im2col on the GPU, then the register-blocked GEMM,
// batched over images, one dispatch per group. NCHW input, KCRS weights, stride, zero padding,
// dilation and groups. The im2col kernel writes the column matrix already in the GEMM's padded
// layout (rows C/g·R·S rounded to 4, columns P·Q rounded to TN, zeros in the padding), so the
// GEMM's K loop never branches. Expected bottleneck: the GEMM; im2col is one read per element.
import type {Availability, KernelVariant, OpSpec} from '../core/types.js';
import {timedCall} from './call.js';
import {acquireWebGpu, requireGpu, webGpuAvailability, webGpuLimit, type GpuHandle} from './device.js';
import {
  deviceLayout,
  gemmBindGroup,
  gemmParams,
  gemmPipeline,
  padInto,
  REGBLOCKED_DEFAULT,
  workgroupCounts,
  type GemmDims,
  type GpuGemmKernel,
} from './gemm-gpu.js';
import {getPipeline} from './pipelines.js';
import {KernelClock, PhaseRecorder} from './timing.js';

/** The fields of the conv2d op's shape this kernel reads (layout, when present, must be 'nchw'). */
export interface GpuConvShape {
  n: number;
  c: number;
  h: number;
  w: number;
  k: number;
  r: number;
  s: number;
  stride: number;
  pad: number;
  dilation?: number;
  groups?: number;
  layout?: string;
}

export interface GpuConvInputs {
  /** N·C·H·W, NCHW. */
  x: Float32Array;
  /** K·(C/groups)·R·S, KCRS. */
  w: Float32Array;
  /** Optional per-filter bias (K values). */
  bias?: Float32Array;
}

export function convOutDims(p: GpuConvShape): {P: number; Q: number} {
  const d = p.dilation ?? 1;
  return {
    P: Math.floor((p.h + 2 * p.pad - d * (p.r - 1) - 1) / p.stride) + 1,
    Q: Math.floor((p.w + 2 * p.pad - d * (p.s - 1) - 1) / p.stride) + 1,
  };
}

const IM2COL_WG = 64;

const IM2COL_WGSL = /* wgsl */ `
struct Conv { c: u32, h: u32, w: u32, r: u32, s: u32, stride: u32, pad: u32, dil: u32,
  groups: u32, cg: u32, q: u32, pq: u32, rows: u32, ldb: u32, rowsPad: u32, colSize: u32 }
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Col: array<f32>;
@group(0) @binding(2) var<uniform> U: Conv;

// One invocation per element of the padded column matrix of image n, group g (z = n·groups + g):
// row (c, r, s) of the filter window, column (p, q) of the output.
@compute @workgroup_size(${IM2COL_WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let row = gid.y;
  if (j >= U.ldb || row >= U.rowsPad) { return; }
  var v = 0.0;
  if (j < U.pq && row < U.rows) {
    let n = gid.z / U.groups;
    let g = gid.z % U.groups;
    let ci = row / (U.r * U.s);
    let rr = (row / U.s) % U.r;
    let ss = row % U.s;
    let ih = i32((j / U.q) * U.stride + rr * U.dil) - i32(U.pad);
    let iw = i32((j % U.q) * U.stride + ss * U.dil) - i32(U.pad);
    if (ih >= 0 && iw >= 0 && ih < i32(U.h) && iw < i32(U.w)) {
      v = X[((n * U.c + g * U.cg + ci) * U.h + u32(ih)) * U.w + u32(iw)];
    }
  }
  Col[gid.z * U.colSize + row * U.ldb + j] = v;
}`;

const BIAS_WGSL = /* wgsl */ `
struct B { k: u32, pq: u32, total: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> Bias: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<uniform> U: B;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * 65535u * 64u + gid.x;
  if (i >= U.total) { return; }
  Y[i] += Bias[(i / U.pq) % U.k];
}`;

export interface GpuConvState {
  h: GpuHandle;
  p: GpuConvShape;
  inputs: GpuConvInputs;
  wHost?: Float32Array;
  /** Padded rows per group and row stride of the weights on the device. */
  wRows: number;
  wLda: number;
  buffers: GPUBuffer[];
  xBuf: GPUBuffer;
  wBuf: GPUBuffer;
  biasBuf?: GPUBuffer;
  yBuf: GPUBuffer;
  staging: GPUBuffer;
  encode(pass: GPUComputePassEncoder): void;
  out: Float32Array;
  clock: KernelClock;
  rec: PhaseRecorder;
  compileMs: number;
  /** Floats of the im2col buffer (reported: the memory im2col trades for a GEMM). */
  colFloats: number;
}

const up = (x: number, q: number): number => Math.ceil(x / q) * q;

/** Floats of the im2col buffer for all images and groups, in the GEMM's padded layout. */
export function gpuConvColFloats(p: GpuConvShape, kern: GpuGemmKernel = REGBLOCKED_DEFAULT): number {
  const G = p.groups ?? 1;
  const {P, Q} = convOutDims(p);
  const lay = deviceLayout(kern, {m: p.k / G, n: P * Q, k: (p.c / G) * p.r * p.s, batch: p.n});
  return lay.bRows * lay.ldb * p.n * G;
}

/** The first buffer (im2col, input, output) larger than one storage binding may be, said in words. */
function bindingTooSmall(p: GpuConvShape, maxBinding: number, kern: GpuGemmKernel): string | undefined {
  const {P, Q} = convOutDims(p);
  const sizes: [string, number][] = [
    ['im2col', gpuConvColFloats(p, kern)],
    ['input', p.n * p.c * p.h * p.w],
    ['output', p.n * p.k * P * Q],
  ];
  const over = sizes.find(([, floats]) => 4 * floats > maxBinding);
  if (!over) return undefined;
  const mib = (b: number): string => (b / 2 ** 20).toFixed(0);
  return `${over[0]} buffer of ${mib(4 * over[1])} MiB exceeds this adapter's ${mib(maxBinding)} MiB storage binding limit`;
}

/**
 * Why this kernel cannot compute the shape, or ok. The adapter's binding limit is only known once
 * the device was acquired (the runner calls this again after init): before that it passes.
 */
export function gpuConvSupports(p: GpuConvShape): Availability {
  if (p.layout !== undefined && p.layout !== 'nchw')
    return {ok: false, reason: `conv2d/webgpu computes NCHW with KCRS weights, not ${p.layout}`};
  const maxBinding = webGpuLimit('maxStorageBufferBindingSize');
  const tooBig = maxBinding === undefined ? undefined : bindingTooSmall(p, maxBinding, REGBLOCKED_DEFAULT);
  return tooBig ? {ok: false, reason: tooBig} : {ok: true};
}

export async function prepareConv2dWebGpu(
  p: GpuConvShape,
  inputs: GpuConvInputs,
  kern: GpuGemmKernel = REGBLOCKED_DEFAULT,
): Promise<GpuConvState> {
  const sup = gpuConvSupports(p);
  if (!sup.ok) throw new Error(sup.reason);
  const h = await requireGpu();
  const {device} = h;
  const G = p.groups ?? 1,
    Cg = p.c / G,
    Kg = p.k / G;
  const {P, Q} = convOutDims(p);
  const PQ = P * Q;
  // Per (image, group): Y[Kg × PQ] = W_g[Kg × Cg·R·S] · Col[Cg·R·S × PQ].
  const dims: GemmDims = {m: Kg, n: PQ, k: Cg * p.r * p.s, batch: p.n};
  const lay = deviceLayout(kern, dims);
  const colSize = lay.bRows * lay.ldb;
  const colFloats = colSize * p.n * G;
  const tooBig = bindingTooSmall(p, device.limits.maxStorageBufferBindingSize, kern);
  if (tooBig) throw new Error(tooBig);
  const gemm = await gemmPipeline(device, kern);
  const im2col = await getPipeline(device, 'conv-im2col', () => IM2COL_WGSL);
  const bias = inputs.bias ? await getPipeline(device, 'conv-bias', () => BIAS_WGSL) : undefined;
  const compileMs = gemm.compileMs + im2col.compileMs + (bias?.compileMs ?? 0);

  const buffers: GPUBuffer[] = [];
  const mk = (floats: number, usage: number): GPUBuffer => {
    const b = device.createBuffer({size: Math.max(16, up(4 * floats, 16)), usage});
    buffers.push(b);
    return b;
  };
  const S = GPUBufferUsage.STORAGE;
  const yFloats = p.n * p.k * PQ;
  const xBuf = mk(p.n * p.c * p.h * p.w, S | GPUBufferUsage.COPY_DST);
  const wRowsPerGroup = lay.aRows;
  const wBuf = mk(G * wRowsPerGroup * lay.lda, S | GPUBufferUsage.COPY_DST);
  const colBuf = mk(colFloats, S);
  const yBuf = mk(yFloats, S | GPUBufferUsage.COPY_SRC);
  const staging = mk(yFloats, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const biasBuf = inputs.bias ? mk(p.k, S | GPUBufferUsage.COPY_DST) : undefined;
  const uniform = (data: Uint32Array): GPUBuffer => {
    const b = mk(data.length, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(b, 0, data);
    return b;
  };

  const convU = uniform(
    new Uint32Array([
      p.c,
      p.h,
      p.w,
      p.r,
      p.s,
      p.stride,
      p.pad,
      p.dilation ?? 1,
      G,
      Cg,
      Q,
      PQ,
      dims.k,
      lay.ldb,
      lay.bRows,
      colSize,
    ]),
  );
  const im2colBind = device.createBindGroup({
    layout: im2col.pipeline.getBindGroupLayout(0),
    entries: [
      {binding: 0, resource: {buffer: xBuf}},
      {binding: 1, resource: {buffer: colBuf}},
      {binding: 2, resource: {buffer: convU}},
    ],
  });
  const gemmBinds = Array.from({length: G}, (_, g) =>
    gemmBindGroup(
      device,
      gemm.pipeline,
      wBuf,
      colBuf,
      yBuf,
      uniform(
        gemmParams(kern, dims, lay, {
          offA: g * wRowsPerGroup * lay.lda,
          strideA: 0,
          offB: g * colSize,
          strideB: G * colSize,
          offC: g * Kg * PQ,
          strideC: p.k * PQ,
          ldc: PQ,
        }),
      ),
    ),
  );
  let biasBind: GPUBindGroup | undefined;
  const biasGroups = Math.ceil(yFloats / 64);
  if (bias && biasBuf) {
    biasBind = device.createBindGroup({
      layout: bias.pipeline.getBindGroupLayout(0),
      entries: [
        {binding: 0, resource: {buffer: biasBuf}},
        {binding: 1, resource: {buffer: yBuf}},
        {binding: 2, resource: {buffer: uniform(new Uint32Array([p.k, PQ, yFloats, 0]))}},
      ],
    });
  }
  const [gx, gy] = workgroupCounts(kern, dims);
  return {
    h,
    p,
    inputs,
    buffers,
    xBuf,
    wBuf,
    biasBuf,
    yBuf,
    staging,
    wHost: lay.padded ? new Float32Array(G * wRowsPerGroup * lay.lda) : undefined,
    wRows: wRowsPerGroup,
    wLda: lay.lda,
    encode(pass) {
      pass.setPipeline(im2col.pipeline);
      pass.setBindGroup(0, im2colBind);
      pass.dispatchWorkgroups(Math.ceil(lay.ldb / IM2COL_WG), lay.bRows, p.n * G);
      pass.setPipeline(gemm.pipeline);
      for (const bind of gemmBinds) {
        pass.setBindGroup(0, bind);
        pass.dispatchWorkgroups(gx, gy, p.n);
      }
      if (biasBind) {
        pass.setPipeline(bias!.pipeline);
        pass.setBindGroup(0, biasBind);
        pass.dispatchWorkgroups(Math.min(biasGroups, 65535), Math.ceil(biasGroups / 65535));
      }
    },
    out: new Float32Array(yFloats),
    clock: new KernelClock(device, h.hasTimestamps),
    rec: new PhaseRecorder(),
    compileMs,
    colFloats,
  };
}

export async function runConv2dWebGpu(s: GpuConvState): Promise<Float32Array> {
  const G = s.p.groups ?? 1;
  const rowsPerGroup = s.p.k / G,
    cols = (s.p.c / G) * s.p.r * s.p.s;
  const sample = await timedCall(s.h, s.clock, {
    upload(queue) {
      queue.writeBuffer(s.xBuf, 0, s.inputs.x);
      let w = s.inputs.w;
      if (s.wHost) {
        // Each group's Kg × Cg·R·S block, padded to the GEMM's row stride and row count.
        for (let g = 0; g < G; g++)
          padInto(w, g * rowsPerGroup * cols, rowsPerGroup, cols, s.wHost, g * s.wRows * s.wLda, s.wLda);
        w = s.wHost;
      }
      queue.writeBuffer(s.wBuf, 0, w);
      if (s.biasBuf && s.inputs.bias) queue.writeBuffer(s.biasBuf, 0, s.inputs.bias);
    },
    passes: 1,
    encode(enc, pass) {
      const cp = enc.beginComputePass(pass(0));
      s.encode(cp);
      cp.end();
    },
    result: s.yBuf,
    staging: s.staging,
    bytes: 4 * s.out.length,
    receive: (ab) => s.out.set(new Float32Array(ab)),
  });
  s.rec.push(sample);
  return s.out;
}

export function disposeConv2dWebGpu(s: GpuConvState): void {
  for (const b of s.buffers) b.destroy();
  s.clock.destroy();
}

/**
 * The `conv2d/webgpu` variant for an op whose shape and inputs carry the fields above
 * (the conv2d op's ConvShape/ConvInputs do): src/kernels/conv2d/webgpu.ts puts it on the conv2d ladder.
 */
export function makeConv2dWebGpuVariant<P extends GpuConvShape, I extends GpuConvInputs>(
  spec: OpSpec<P, I, Float32Array>,
): KernelVariant<P, I, Float32Array, GpuConvState> {
  return {
    id: 'conv2d/webgpu',
    op: 'conv2d',
    backend: 'webgpu',
    summary: 'GPU im2col into the padded GEMM layout, then the register-blocked WGSL GEMM (batched, one dispatch per group)',
    params: {gemm: 'gemm/webgpu-regblocked', layout: 'nchw'},
    spec,
    init: async () => void (await acquireWebGpu()),
    available: () => webGpuAvailability(),
    supports: gpuConvSupports,
    prepare: (p, inputs) => prepareConv2dWebGpu(p, inputs),
    run: runConv2dWebGpu,
    dispose: disposeConv2dWebGpu,
    sampleDurationMs: (s) => s.rec.last()?.kernelMs,
    measuredMetrics: (s) => ({...s.rec.metrics(s.clock.source, s.compileMs), im2colBytes: 4 * s.colFloats}),
  } as KernelVariant<P, I, Float32Array, GpuConvState>;
}

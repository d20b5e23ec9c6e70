// One measured GPU call: upload → kernel passes → readback, each phase timed on the host, the
// kernel also by the GPU clock. Validation and out-of-memory errors are caught with error
// scopes and thrown with Dawn's message, as is a lost device.
import type {GpuHandle} from './device.js';
import type {KernelClock, PhaseSample} from './timing.js';

export interface GpuCallSpec {
  /** Host-side packing plus queue.writeBuffer calls. */
  upload(queue: GPUQueue): void;
  /** Encodes the compute passes; `pass(i)` gives pass i its timestamp writes. */
  encode(encoder: GPUCommandEncoder, pass: (i: number) => GPUComputePassDescriptor): void;
  passes: number;
  /** Device buffer holding the result, its mappable twin, and where the bytes go on the host. */
  result: GPUBuffer;
  staging: GPUBuffer;
  bytes: number;
  receive(mapped: ArrayBuffer): void;
}

async function scoped<T>(device: GPUDevice, work: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let out: T;
  try {
    out = await work();
  } finally {
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    const err = validation ?? oom;
    // biome-ignore lint/correctness/noUnsafeFinally: an error scope's error replaces the work's own error, which it caused
    if (err) throw new Error(`WebGPU ${validation ? 'validation' : 'out-of-memory'} error: ${err.message}`);
  }
  return out;
}

export async function timedCall(h: GpuHandle, clock: KernelClock, spec: GpuCallSpec): Promise<PhaseSample> {
  if (h.lostMessage) throw new Error(h.lostMessage);
  const {device} = h;
  const {queue} = device;
  const sample = await scoped(device, async () => {
    const t0 = performance.now();
    spec.upload(queue);
    await queue.onSubmittedWorkDone();
    const t1 = performance.now();
    const enc = device.createCommandEncoder();
    spec.encode(enc, (i) => clock.pass(i, spec.passes));
    clock.resolve(enc);
    queue.submit([enc.finish()]);
    await queue.onSubmittedWorkDone();
    const t2 = performance.now();
    const rb = device.createCommandEncoder();
    rb.copyBufferToBuffer(spec.result, 0, spec.staging, 0, spec.bytes);
    queue.submit([rb.finish()]);
    await spec.staging.mapAsync(GPUMapMode.READ, 0, spec.bytes);
    spec.receive(spec.staging.getMappedRange(0, spec.bytes));
    spec.staging.unmap();
    const t3 = performance.now();
    const kernel = await clock.kernelMs(t2 - t1);
    return {
      uploadMs: t1 - t0,
      kernelMs: kernel.ms,
      readbackMs: t3 - t2,
      endToEndMs: t3 - t0,
      fromTimestamps: kernel.fromTimestamps,
    };
  });
  if (h.lostMessage) throw new Error(h.lostMessage);
  return sample;
}

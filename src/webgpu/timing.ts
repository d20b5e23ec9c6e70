// Honest GPU timing. A GPU call has four costs and they are reported apart:
// upload (host → device copies), the kernel itself, readback (device → host), and pipeline
// compile (once, at prepare). The kernel time comes from the GPU's own clock
// (`timestamp-query` writes at the start of the first pass and the end of the last) when the
// adapter offers it, else from the host: submit → queue.onSubmittedWorkDone().

export type TimingSource = 'timestamp-query' | 'submit-to-done';

/** Brackets a command buffer's compute passes with GPU timestamps, when the adapter has them. */
export class KernelClock {
  readonly source: TimingSource;
  private readonly querySet?: GPUQuerySet;
  private readonly resolveBuf?: GPUBuffer;
  private readonly readBuf?: GPUBuffer;

  constructor(device: GPUDevice, useTimestamps: boolean) {
    this.source = useTimestamps ? 'timestamp-query' : 'submit-to-done';
    if (!useTimestamps) return;
    this.querySet = device.createQuerySet({type: 'timestamp', count: 2});
    this.resolveBuf = device.createBuffer({size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC});
    this.readBuf = device.createBuffer({size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST});
  }

  /** The descriptor for pass `index` of `count`: the first writes the start, the last the end. */
  pass(index: number, count: number): GPUComputePassDescriptor {
    if (!this.querySet) return {};
    const w: GPUComputePassTimestampWrites = {querySet: this.querySet};
    if (index === 0) w.beginningOfPassWriteIndex = 0;
    if (index === count - 1) w.endOfPassWriteIndex = 1;
    return {timestampWrites: w};
  }

  /** Encodes the copy of the two timestamps to a mappable buffer (after the passes). */
  resolve(encoder: GPUCommandEncoder): void {
    if (!this.querySet) return;
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolveBuf!, 0);
    encoder.copyBufferToBuffer(this.resolveBuf!, 0, this.readBuf!, 0, 16);
  }

  /**
   * Kernel ms for the last submit: GPU timestamps, or `wallMs` (submit → done) without them.
   * A zero or backwards pair (some drivers, some passes) also falls back to the wall time.
   */
  async kernelMs(wallMs: number): Promise<{ms: number; fromTimestamps: boolean}> {
    if (!this.readBuf) return {ms: wallMs, fromTimestamps: false};
    await this.readBuf.mapAsync(GPUMapMode.READ);
    const [t0, t1] = new BigInt64Array(this.readBuf.getMappedRange().slice(0));
    this.readBuf.unmap();
    const ns = Number(t1 - t0);
    return ns > 0 ? {ms: ns / 1e6, fromTimestamps: true} : {ms: wallMs, fromTimestamps: false};
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolveBuf?.destroy();
    this.readBuf?.destroy();
  }
}

export interface PhaseSample {
  uploadMs: number;
  kernelMs: number;
  readbackMs: number;
  endToEndMs: number;
  fromTimestamps: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Every call's split, kept so the report can give medians next to tinybench's kernel stats. */
export class PhaseRecorder {
  readonly samples: PhaseSample[] = [];

  push(s: PhaseSample): void {
    this.samples.push(s);
  }

  last(): PhaseSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** The result's `metrics`: medians over every call (the cold first one included, outvoted). */
  metrics(source: TimingSource, compileMs: number): Record<string, number | string | boolean> {
    const col = (k: keyof Omit<PhaseSample, 'fromTimestamps'>): number => median(this.samples.map((s) => s[k]));
    const fallbacks = this.samples.filter((s) => !s.fromTimestamps).length;
    return {
      timingSource: source === 'timestamp-query' && fallbacks === this.samples.length ? 'submit-to-done' : source,
      kernelMs: col('kernelMs'),
      uploadMs: col('uploadMs'),
      readbackMs: col('readbackMs'),
      endToEndMs: col('endToEndMs'),
      compileMs,
      gpuCalls: this.samples.length,
      ...(source === 'timestamp-query' && fallbacks ? {timestampFallbacks: fallbacks} : {}),
    };
  }
}

// Compute pipelines cached by key (kernel kind + tile sizes), per device: compiling WGSL is the
// slow part of set-up (lavapipe JITs it with LLVM), so a shape change never recompiles.
// A compile error surfaces as an Error carrying Dawn's message (an `errored` row, not a crash).

export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  /** Time this lookup spent compiling: 0 on a cache hit. */
  compileMs: number;
}

const cache = new Map<string, {device: GPUDevice; pipeline: Promise<GPUComputePipeline>}>();

export function clearPipelineCache(): void {
  cache.clear();
}

export function pipelineCacheSize(): number {
  return cache.size;
}

async function compile(device: GPUDevice, label: string, code: string): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({label, code});
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    throw new Error(`WGSL compile error in ${label}: ${errors.map((e) => `${e.lineNum}:${e.linePos} ${e.message}`).join('; ')}`);
  }
  try {
    return await device.createComputePipelineAsync({label, layout: 'auto', compute: {module, entryPoint: 'main'}});
  } catch (err) {
    throw new Error(`pipeline creation failed for ${label}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The pipeline for `key` on `device`, compiling `code()` on a miss. */
export async function getPipeline(device: GPUDevice, key: string, code: () => string): Promise<CachedPipeline> {
  const hit = cache.get(key);
  if (hit && hit.device === device) return {pipeline: await hit.pipeline, compileMs: 0};
  const t0 = performance.now();
  const pipeline = compile(device, key, code());
  cache.set(key, {device, pipeline});
  try {
    const p = await pipeline;
    return {pipeline: p, compileMs: performance.now() - t0};
  } catch (err) {
    cache.delete(key); // a failed compile is not cached: the message is reported each time
    throw err;
  }
}

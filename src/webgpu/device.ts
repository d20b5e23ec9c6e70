// One WebGPU device per process, from Dawn's Node binding (the optional `webgpu` package).
// Acquired lazily, at most once, and only when a WebGPU variant is about to run; released
// explicitly, because dawn.node keeps the event loop alive while its GPU object is referenced.
// No adapter (no package, no driver, DLBENCH_NO_WEBGPU=1) is an answer, not an error:
// {ok:false, reason}, which variants turn into skipped rows.
import type {Availability} from '../core/types.js';
import type {WebGpuAdapterInfo, WebGpuContext} from '../core/results.js';
import {clearPipelineCache} from './pipelines.js';

export interface WebGpuOptions {
  /** Dawn backend: 'vulkan', 'metal', 'd3d12', 'd3d11', 'opengl', 'opengles', 'null'. */
  backend?: string;
  /** Adapter by index into Dawn's adapter list, or by (part of) its name. */
  adapter?: string;
}

export const GPU_BACKENDS = ['vulkan', 'metal', 'd3d12', 'd3d11', 'opengl', 'opengles'] as const;

export type AdapterInfo = WebGpuAdapterInfo;

export interface GpuHandle {
  device: GPUDevice;
  info: AdapterInfo;
  hasTimestamps: boolean;
  /** Set when the device was lost: Dawn's reason; every later GPU call fails with it. */
  lostMessage?: string;
}

export type Acquisition = ({ok: true} & GpuHandle) | {ok: false; reason: string};

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

let options: WebGpuOptions = {};
let pending: Promise<Acquisition> | undefined;
let settled: Acquisition | undefined;
/** The last answer, kept after release so availability and limits stay known. */
let known: {availability: Availability; software: boolean; limits?: Record<string, number>} | undefined;
let gpuObject: GPU | undefined;

/** Sets backend/adapter choices; takes effect at the next acquisition (releases a held device). */
export function configureWebGpu(opts: WebGpuOptions): void {
  if (opts.backend === options.backend && opts.adapter === options.adapter) return;
  releaseWebGpu();
  known = undefined;
  options = {...opts};
}

export function disabledByEnv(): boolean {
  const v = process.env.DLBENCH_NO_WEBGPU;
  return v !== undefined && v !== '' && v !== '0';
}

async function loadDawn(): Promise<DawnModule | string> {
  try {
    // A variable specifier: the package is optional, so TypeScript must not require it.
    const name = 'webgpu';
    const mod = (await import(name)) as DawnModule;
    // WebGPU's enums and classes (GPUBufferUsage…) live on globalThis in browsers; Dawn exports them.
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    return mod;
  } catch (err) {
    return `the optional package 'webgpu' (Dawn) did not load: ${firstLine(err)}`;
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

/** Dawn lists its adapters in the error for an unknown adapter name: `* backend: 'vulkan', name: '…'`. */
async function listAdapters(dawn: DawnModule, backend?: string): Promise<{backend: string; name: string}[]> {
  const gpu = keepAlive(dawn.create([...(backend ? [`backend=${backend}`] : []), 'adapter=\u0001dlbench-list-adapters']));
  try {
    await gpu.requestAdapter();
    return [];
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    return [...text.matchAll(/backend: '([^']*)', name: '([^']*)'/g)].map((m) => ({backend: m[1], name: m[2]}));
  }
}

/**
 * Dawn instances are never freed. Its async runner keeps a scheduled ProcessEvents callback
 * after an instance's last promise settles; if GC collects the instance first, that callback
 * dereferences freed memory (SIGSEGV in CallbackTaskManager::Flush, seen at exit of `dlbench
 * list`). One or two instances per process cost nothing to keep.
 */
const dawnInstances: GPU[] = [];
function keepAlive(gpu: GPU): GPU {
  dawnInstances.push(gpu);
  return gpu;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

async function acquire(): Promise<Acquisition> {
  if (disabledByEnv()) return {ok: false, reason: 'WebGPU disabled by DLBENCH_NO_WEBGPU'};
  const dawn = await loadDawn();
  if (typeof dawn === 'string') return {ok: false, reason: dawn};
  const adapters = await listAdapters(dawn, options.backend).catch(() => []);
  const flags = ['disable-dawn-features=timestamp_quantization'];
  if (options.backend) flags.push(`backend=${options.backend}`);
  if (options.adapter !== undefined) {
    const byIndex = /^\d+$/.test(options.adapter) ? adapters[Number(options.adapter)] : undefined;
    if (/^\d+$/.test(options.adapter) && !byIndex) {
      return {
        ok: false,
        reason: `--gpu-adapter ${options.adapter}: Dawn offers ${adapters.length} adapter(s): ${adapters.map((a, i) => `${i}: ${a.name}`).join('; ') || 'none'}`,
      };
    }
    flags.push(`adapter=${byIndex ? byIndex.name : options.adapter}`);
  }
  let adapter: GPUAdapter | null;
  try {
    gpuObject = keepAlive(dawn.create(flags));
    adapter = await gpuObject.requestAdapter({powerPreference: 'high-performance'});
  } catch (err) {
    gpuObject = undefined;
    return {ok: false, reason: `no WebGPU adapter: ${firstLine(err)}`};
  }
  if (!adapter) {
    gpuObject = undefined;
    return {
      ok: false,
      reason: 'no WebGPU adapter (on CPU-only Linux install Mesa >= 24 lavapipe: see docs/webgpu.md, "CPU-only machines")',
    };
  }
  const hasTimestamps = adapter.features.has('timestamp-query');
  // Ask for the adapter's own ceilings on what GEMM needs: big buffers, big workgroups.
  const wanted = [
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX',
    'maxComputeWorkgroupSizeY',
  ] as const;
  const requiredLimits: Record<string, number> = {};
  for (const k of wanted) requiredLimits[k] = adapter.limits[k];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({requiredFeatures: hasTimestamps ? ['timestamp-query'] : [], requiredLimits});
  } catch (err) {
    gpuObject = undefined;
    return {ok: false, reason: `WebGPU device request failed: ${firstLine(err)}`};
  }
  const limits: Record<string, number> = {};
  for (const k in adapter.limits) limits[k] = (adapter.limits as unknown as Record<string, number>)[k];
  const ai = adapter.info;
  const chosen = adapters.find((a) => slug(a.name).startsWith(slug(ai.device)) || slug(ai.device).startsWith(slug(a.name)));
  const handle: Acquisition & GpuHandle = {
    ok: true,
    device,
    hasTimestamps,
    info: {
      vendor: ai.vendor,
      architecture: ai.architecture,
      device: ai.device,
      description: ai.description,
      backend: chosen?.backend ?? options.backend ?? 'unknown',
      isFallbackAdapter: Boolean((ai as {isFallbackAdapter?: boolean}).isFallbackAdapter),
      features: [...adapter.features].sort(),
      limits,
      adapters: adapters.map((a) => `${a.backend}: ${a.name}`),
    },
  };
  // The same object is handed to every caller, so they all see the loss.
  void device.lost.then((l) => {
    handle.lostMessage = `WebGPU device lost (${l.reason})${l.message ? `: ${l.message}` : ''}`;
  });
  return handle;
}

/** The process's device, acquired on first call; the same promise afterwards. */
export function acquireWebGpu(): Promise<Acquisition> {
  if (settled?.ok && settled.lostMessage !== undefined) releaseWebGpu(); // a lost device is replaced
  pending ??= acquire().then((a) => {
    settled = a;
    known = {
      availability: a.ok ? {ok: true} : {ok: false, reason: a.reason},
      software: a.ok && (a.info.isFallbackAdapter || a.info.architecture === 'software'),
      ...(a.ok ? {limits: a.info.limits} : {}),
    };
    return a;
  });
  return pending;
}

/** The acquisition result if it already happened (for synchronous availability checks). */
export function webGpuStatus(): Acquisition | undefined {
  return settled;
}

/** Availability for variants: only known after acquireWebGpu() resolved. */
export function webGpuAvailability(): Availability {
  if (disabledByEnv()) return {ok: false, reason: 'WebGPU disabled by DLBENCH_NO_WEBGPU'};
  return known?.availability ?? {ok: false, reason: 'WebGPU not probed yet (acquired when a WebGPU variant runs)'};
}

/** True on a CPU-emulated adapter (lavapipe, SwiftShader): the slow rungs get size limits there. */
export function onSoftwareAdapter(): boolean {
  return known?.software ?? false;
}

/** One of the adapter's limits (maxStorageBufferBindingSize…), once acquired; undefined before. */
export function webGpuLimit(name: string): number | undefined {
  return known?.limits?.[name];
}

/** What the run context records: adapter info, or why there is none. */
export function webGpuContext(a: Acquisition): WebGpuContext {
  return a.ok ? {available: true, ...a.info, timestampQuery: a.hasTimestamps} : {available: false, reason: a.reason};
}

/** Destroys the device and drops Dawn's GPU object so the process can exit. Idempotent. */
export function releaseWebGpu(): void {
  if (settled?.ok) settled.device.destroy();
  clearPipelineCache();
  settled = undefined;
  pending = undefined;
  gpuObject = undefined;
}

/** The live device, or throws the reason (used inside prepare/run, after availability passed). */
export async function requireGpu(): Promise<GpuHandle> {
  const a = await acquireWebGpu();
  if (!a.ok) throw new Error(a.reason);
  if (a.lostMessage) throw new Error(a.lostMessage);
  return a;
}

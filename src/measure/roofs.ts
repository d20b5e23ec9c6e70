// The machine's measured roofs (`dlbench machine`): FMA peaks per ISA and dtype, on one thread
// and on all, STREAM copy/triad bandwidth, cache read bandwidth, and the JS scalar peak.
// Cached per machine fingerprint in $XDG_CACHE_HOME/dlbench (or ~/.cache/dlbench), because a
// careful measurement takes seconds and `dlbench run` must stay fast.
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ISAS, loadNative} from '../native/loader.js';
import {writeFileAtomic} from '../core/write-file.js';
import type {Context} from '../core/results.js';
import {jsScalarPeak, jsScalarPeakThreads} from './js-peak.js';
import {parseRoofsCache, ROOFS_VERSION, type CacheRoof, type ComputeRoof, type MemoryRoof, type Roofs} from './roofs-schema.js';
import type {ProbeRuns} from './roofs-sanity.js';

export {ROOFS_VERSION, type CacheRoof, type ComputeRoof, type MemoryRoof, type Roofs} from './roofs-schema.js';
export type {ProbeRuns} from './roofs-sanity.js';

/** What identifies a machine for the cache: CPU, ISA flags, caches, memory and the JS engine. */
export function machineFingerprint(ctx: Context): string {
  const key = JSON.stringify([
    ROOFS_VERSION,
    ctx.cpu.model,
    ctx.cpu.cores,
    ctx.cpu.arch,
    ctx.cpu.flags ?? [],
    ctx.cpu.caches,
    ctx.memory.totalBytes,
    ctx.runtime.node,
  ]);
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function roofsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'dlbench');
}

export function roofsCacheFile(fingerprint: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(roofsCacheDir(env), `roofs-${fingerprint}.json`);
}

/**
 * The cached roofs for this machine, or undefined. A cache that does not parse or has the wrong
 * version or shape is ignored with one line on stderr saying why (a re-measure replaces it).
 */
export function loadCachedRoofs(
  ctx: Context,
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Roofs | undefined {
  const file = roofsCacheFile(machineFingerprint(ctx), env);
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    warn(`dlbench: ignoring roofs cache ${file}: ${(e as Error).message}`);
    return undefined;
  }
  const parsed = parseRoofsCache(text);
  if (parsed.ok) return parsed.roofs;
  warn(`dlbench: ignoring roofs cache ${file}: ${parsed.reason}; run \`dlbench machine --refresh\``);
  return undefined;
}

export function saveRoofs(r: Roofs, env: NodeJS.ProcessEnv = process.env): string {
  const file = roofsCacheFile(r.fingerprint, env);
  mkdirSync(path.dirname(file), {recursive: true});
  writeFileAtomic(file, JSON.stringify(r, null, 2) + '\n');
  return file;
}

function parseSize(text: string | undefined, fallback: number): number {
  const m = /^(\d+)\s*([KMG]?)/i.exec(text ?? '');
  if (!m) return fallback;
  return Number(m[1]) * ({'': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3}[m[2].toUpperCase()] ?? 1);
}

/**
 * The cache sizes sysfs reported, completed from CPUID where it hid a level (containers, some VMs):
 * the probes size their buffers from these, and the roofline picks a memory level by them.
 */
export function withCpuidCaches(
  sysfs: Record<string, string>,
  cpuid: {L1d?: number; L2?: number; L3?: number},
): Record<string, string> {
  const out = {...sysfs};
  for (const [level, bytes] of Object.entries(cpuid)) {
    if (out[level] === undefined && bytes && bytes > 0) out[level] = `${Math.round(bytes / 1024)}K`;
  }
  return out;
}

export interface MeasureOptions {
  quick?: boolean;
  onStep?: (label: string) => void;
}

/** The clock for flops/cycle: /proc/cpuinfo's first "cpu MHz", else os.cpus(); 0 when unknown. */
export function cpuMHz(cpuinfo?: string): number {
  const m = /^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo ?? '');
  if (m) return Number(m[1]);
  return os.cpus()[0]?.speed ?? 0;
}

/** Distinct (physical id, core id) pairs in /proc/cpuinfo text; undefined where it does not say. */
export function physicalCores(cpuinfo?: string): number | undefined {
  const pairs = new Set<string>();
  for (const block of (cpuinfo ?? '').split(/\n\s*\n/)) {
    const core = /^core id\s*:\s*(\d+)/m.exec(block);
    if (!core) continue;
    pairs.add(`${/^physical id\s*:\s*(\d+)/m.exec(block)?.[1] ?? '0'}:${core[1]}`);
  }
  return pairs.size > 0 ? pairs.size : undefined;
}

export async function measureRoofs(ctx: Context, opts: MeasureOptions = {}): Promise<{roofs: Roofs; runs: ProbeRuns[]}> {
  const t0 = performance.now();
  const quick = opts.quick ?? false;
  const all = Math.max(1, ctx.cpu.cores);
  const threadCounts = all > 1 ? [1, all] : [1];
  const ms = quick ? 30 : 100;
  const tries = quick ? 1 : 2;
  const step = opts.onStep ?? (() => {});
  const compute: ComputeRoof[] = [];
  const memory: MemoryRoof[] = [];
  const caches: CacheRoof[] = [];
  const runs: ProbeRuns[] = [];
  /** Best of `tries` short probes (on a shared machine the maximum is the least disturbed); the
   * runs are kept so the sanity rules can refuse a best taken from runs that disagree. */
  const best = async (label: string, probe: () => number | Promise<number>): Promise<number> => {
    const values: number[] = [];
    for (let i = 0; i < tries; i++) values.push(await probe());
    runs.push({label, values});
    return Math.max(...values);
  };

  step('JS scalar peak');
  jsScalarPeak(20); // let the JIT optimize first
  for (const t of threadCounts) {
    const g = await best(`js f64 ×${t}`, () => (t === 1 ? jsScalarPeak(ms) : jsScalarPeakThreads(t, ms)));
    compute.push({isa: 'js', dtype: 'f64', threads: t, gflops: g});
  }

  const n = loadNative();
  let native: Roofs['native'];
  let cacheSizes = ctx.cpu.caches;
  let clock = 0;
  if (n.ok) {
    const addon = n.addon;
    native = {ok: true, bestIsa: addon.bestIsa()};
    // Before the FMA probes and after them: the higher one is the clock the core sustains.
    clock = addon.clockMHz(quick ? 20 : 50);
    const isas = ISAS.filter((isa) => addon.kernels().find((k) => k.isa === isa)?.supported);
    for (const isa of isas) {
      for (const dtype of ['f32', 'f64'] as const) {
        for (const t of threadCounts) {
          step(`FMA peak ${isa} ${dtype} ×${t}`);
          compute.push({
            isa,
            dtype,
            threads: t,
            gflops: await best(`${isa} ${dtype} ×${t}`, () => addon.peakFma(isa, dtype === 'f64' ? 1 : 0, t, ms)),
          });
        }
      }
    }
    clock = Math.max(clock, addon.clockMHz(quick ? 20 : 50));
    cacheSizes = withCpuidCaches(ctx.cpu.caches, addon.cpuidCaches());
    const l1 = parseSize(cacheSizes.L1d, 32 * 1024);
    const l2 = parseSize(cacheSizes.L2, 1024 * 1024);
    const l3 = parseSize(cacheSizes.L3, 32 * 1024 * 1024);
    for (const t of threadCounts) {
      for (const [level, bytes] of [
        ['L1', l1 / 2],
        ['L2', l2 / 2],
        ['L3', l3 / 2 / t],
      ] as const) {
        step(`read bandwidth ${level} ×${t}`);
        caches.push({
          level,
          threads: t,
          bytesPerThread: bytes,
          gbps: await best(`${level} read ×${t}`, () => addon.readBandwidth(native.ok ? native.bestIsa : 'scalar', bytes, t, ms)),
        });
      }
    }
    // Arrays 4× the L3 (at least 64 MiB) so every pass goes to DRAM.
    const arrayBytes = Math.max(4 * l3, 64 * 1024 * 1024);
    for (const t of threadCounts) {
      for (const kind of ['copy', 'triad'] as const) {
        step(`STREAM ${kind} ×${t}`);
        memory.push({kind: `stream-${kind}`, threads: t, arrayBytes, gbps: addon.stream(kind, arrayBytes / 8, t, quick ? 2 : 8)});
      }
    }
  } else {
    native = {ok: false, reason: n.reason};
  }
  const physical = physicalCores(readText('/proc/cpuinfo'));
  const roofs: Roofs = {
    roofsVersion: ROOFS_VERSION,
    fingerprint: machineFingerprint(ctx),
    measuredAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    quick,
    machine: {
      cpu: ctx.cpu.model,
      cores: ctx.cpu.cores,
      arch: ctx.cpu.arch,
      caches: cacheSizes,
      node: ctx.runtime.node,
      ...(clock > 0
        ? {mhz: clock, mhzSource: 'measured' as const}
        : {mhz: cpuMHz(readText('/proc/cpuinfo')), mhzSource: 'nominal' as const}),
      ...(physical ? {physicalCores: physical} : {}),
    },
    threads: {one: 1, all},
    native,
    compute,
    memory,
    caches,
  };
  return {roofs, runs};
}

/** A file's text, or undefined where it does not exist (/proc off Linux). */
export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export const ROOFS_HINT =
  'no measured roofs for this machine yet: run `dlbench machine` once (about 10 s; cached) to get % of peak';

/**
 * Adds the cached roofs (never measured here: `dlbench run` stays fast) and the native build's
 * dispatch to a run's context. Without a cache the context says how to get one.
 */
export function withRoofsAndNative(ctx: Context): Context {
  const roofs = loadCachedRoofs(ctx);
  const n = loadNative();
  const nativeCtx = n.ok
    ? {
        ok: true,
        isa: n.addon.bestIsa(),
        kernels: n.addon
          .kernels()
          .filter((k) => k.supported)
          .map((k) => k.symbol),
        blas: n.addon.blasLoad(),
      }
    : {ok: false, reason: n.reason};
  return {...ctx, native: nativeCtx, ...(roofs ? {roofs} : {roofsNote: ROOFS_HINT})};
}

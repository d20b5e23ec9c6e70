// The machine's measured roofs (`dlbench machine`): FMA peaks per ISA and dtype, on one thread
// and on all, STREAM copy/triad bandwidth, cache read bandwidth, and the JS scalar peak.
// Cached per machine fingerprint in $XDG_CACHE_HOME/dlbench (or ~/.cache/dlbench), because a
// careful measurement takes seconds and `dlbench run` must stay fast.
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ISAS, loadNative, type Isa} from '../native/loader.js';
import {writeFileAtomic} from '../core/write-file.js';
import type {Context} from '../core/results.js';
import {jsScalarPeak, jsScalarPeakThreads} from './js-peak.js';

export const ROOFS_VERSION = 1;

export interface ComputeRoof {
  /** 'js' is V8's scalar float64 mul+add; the others are the addon's FMA chains. */
  isa: Isa | 'js';
  dtype: 'f32' | 'f64';
  threads: number;
  gflops: number;
}

export interface MemoryRoof {
  kind: 'stream-copy' | 'stream-triad';
  threads: number;
  /** Bytes of each of the three arrays (several times the L3). */
  arrayBytes: number;
  gbps: number;
}

export interface CacheRoof {
  level: 'L1' | 'L2' | 'L3';
  threads: number;
  /** Buffer each thread reads repeatedly (half its share of the cache). */
  bytesPerThread: number;
  gbps: number;
}

export interface Roofs {
  roofsVersion: typeof ROOFS_VERSION;
  fingerprint: string;
  measuredAt: string;
  durationMs: number;
  /** Shorter probes (`--quick`): fine for tests, noisier than a full measurement. */
  quick: boolean;
  machine: {cpu: string; cores: number; arch: string; caches: Record<string, string>; node: string};
  threads: {one: 1; all: number};
  native: {ok: true; bestIsa: Isa} | {ok: false; reason: string};
  compute: ComputeRoof[];
  memory: MemoryRoof[];
  caches: CacheRoof[];
}

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

export function loadCachedRoofs(ctx: Context, env: NodeJS.ProcessEnv = process.env): Roofs | undefined {
  const file = roofsCacheFile(machineFingerprint(ctx), env);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Roofs;
    return r.roofsVersion === ROOFS_VERSION && Array.isArray(r.compute) ? r : undefined;
  } catch {
    return undefined; // a corrupt cache is re-measured, not trusted
  }
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

export interface MeasureOptions {
  quick?: boolean;
  onStep?: (label: string) => void;
}

/** Best of `tries` short probes: on a shared machine the maximum is the least disturbed. */
function best(tries: number, probe: () => number): number {
  let b = 0;
  for (let i = 0; i < tries; i++) b = Math.max(b, probe());
  return b;
}

export async function measureRoofs(ctx: Context, opts: MeasureOptions = {}): Promise<Roofs> {
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

  step('JS scalar peak');
  jsScalarPeak(20); // let the JIT optimize first
  for (const t of threadCounts) {
    let g = 0;
    for (let i = 0; i < tries; i++) g = Math.max(g, t === 1 ? jsScalarPeak(ms) : await jsScalarPeakThreads(t, ms));
    compute.push({isa: 'js', dtype: 'f64', threads: t, gflops: g});
  }

  const n = loadNative();
  let native: Roofs['native'];
  if (n.ok) {
    const addon = n.addon;
    native = {ok: true, bestIsa: addon.bestIsa()};
    const isas = ISAS.filter((isa) => addon.kernels().find((k) => k.isa === isa)?.supported);
    for (const isa of isas) {
      for (const dtype of ['f32', 'f64'] as const) {
        for (const t of threadCounts) {
          step(`FMA peak ${isa} ${dtype} ×${t}`);
          compute.push({isa, dtype, threads: t, gflops: best(tries, () => addon.peakFma(isa, dtype === 'f64' ? 1 : 0, t, ms))});
        }
      }
    }
    const l1 = parseSize(ctx.cpu.caches.L1d, 32 * 1024);
    const l2 = parseSize(ctx.cpu.caches.L2, 1024 * 1024);
    const l3 = parseSize(ctx.cpu.caches.L3, 32 * 1024 * 1024);
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
          gbps: best(tries, () => addon.readBandwidth(native.ok ? native.bestIsa : 'scalar', bytes, t, ms)),
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
  return {
    roofsVersion: ROOFS_VERSION,
    fingerprint: machineFingerprint(ctx),
    measuredAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    quick,
    machine: {cpu: ctx.cpu.model, cores: ctx.cpu.cores, arch: ctx.cpu.arch, caches: ctx.cpu.caches, node: ctx.runtime.node},
    threads: {one: 1, all},
    native,
    compute,
    memory,
    caches,
  };
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

// The machine context recorded with every result, so numbers can be compared across machines.
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import {createRequire} from 'node:module';
import type {BlasContext, Context} from '../core/results.js';
import {loadNative} from '../native/loader.js';
import {parseCpuId} from './cpu-id.js';
import {withCpuidCaches} from './roofs.js';

const require = createRequire(import.meta.url);
const TRACKED_PACKAGES = ['@oclif/core', 'tinybench', 'cli-table3', 'piscina'];

export function packageRoot(): string {
  return new URL('../../', import.meta.url).pathname;
}

export function dlbenchVersion(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function packageVersion(name: string): string {
  // Walk up from the resolved entry: packages with an `exports` map hide their package.json.
  try {
    let dir = path.dirname(require.resolve(name));
    while (dir !== path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8'));
        if (pkg.name === name) return pkg.version;
      }
      dir = path.dirname(dir);
    }
  } catch {
    // fall through
  }
  return 'not installed';
}

/** Cache sizes as Linux reports them (L1d, L1i, L2, L3); empty elsewhere. */
/** Cache sizes from sysfs, completed from the addon's CPUID read where sysfs hides a level (VMs). */
function cacheSizes(): Record<string, string> {
  const sysfs = sysfsCacheSizes();
  if (sysfs.L1d && sysfs.L2 && sysfs.L3) return sysfs;
  const n = loadNative();
  return n.ok ? withCpuidCaches(sysfs, n.addon.cpuidCaches()) : sysfs;
}

/** The clock os.cpus() reports, else /proc/cpuinfo's (both nominal: a VM may give 0 or its base). */
function nominalMHz(cpus: os.CpuInfo[]): number {
  if (cpus[0]?.speed) return cpus[0].speed;
  try {
    return Math.round(Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 0));
  } catch {
    return 0;
  }
}

export function sysfsCacheSizes(): Record<string, string> {
  const out: Record<string, string> = {};
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  try {
    for (const entry of readdirSync(dir).filter((d) => d.startsWith('index'))) {
      const read = (f: string): string => readFileSync(`${dir}/${entry}/${f}`, 'utf8').trim();
      const type = read('type');
      const name = `L${read('level')}${type === 'Data' ? 'd' : type === 'Instruction' ? 'i' : ''}`;
      out[name] = read('size');
    }
  } catch {
    // Not Linux, or sysfs hidden: leave caches unknown rather than guess.
  }
  return out;
}

function cpuFlags(): string[] | undefined {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    const wanted = /^(sse4_2|avx|avx2|fma|avx512f|avx512bw|avx512vl|avx512_bf16|avx512_vnni|neon|asimd)$/;
    return line
      ?.split(':')[1]
      .trim()
      .split(/\s+/)
      .filter((f) => wanted.test(f));
  } catch {
    return undefined;
  }
}

function cpuId() {
  try {
    return parseCpuId(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return undefined;
  }
}

/** OPENBLAS_* variables as this process sees them (the addon sets OPENBLAS_THREAD_TIMEOUT when unset). */
export function openBlasEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('OPENBLAS_') && e[1] !== undefined),
  );
}

/** The system BLAS as the openblas rung loads it: which library, which version, which kernel. */
export function blasContext(): BlasContext {
  const n = loadNative();
  const b = n.ok ? n.addon.blasLoad() : {ok: false as const, reason: n.reason};
  if (!b.ok) return {available: false, reason: b.reason, env: openBlasEnv()};
  return {
    available: true,
    library: b.library,
    version: /OpenBLAS\s+(\S+)/.exec(b.config)?.[1] ?? 'unknown',
    config: b.config,
    ...(b.corename ? {corename: b.corename} : {}),
    env: openBlasEnv(),
  };
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {cwd: packageRoot(), stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000})
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

export function collectContext(): Context {
  const cpus = os.cpus();
  const commit = git(['rev-parse', 'HEAD']);
  return {
    cpu: {
      model: cpus[0]?.model.trim() ?? 'unknown',
      cores: os.availableParallelism?.() ?? cpus.length,
      speedMHz: nominalMHz(cpus),
      arch: os.arch(),
      flags: cpuFlags(),
      caches: cacheSizes(),
      id: cpuId(),
    },
    memory: {totalBytes: os.totalmem()},
    os: {platform: os.platform(), release: os.release(), type: os.type()},
    runtime: {node: process.versions.node, v8: process.versions.v8},
    dlbench: {
      version: dlbenchVersion(),
      ...(commit ? {gitCommit: commit, gitDirty: (git(['status', '--porcelain']) ?? '') !== ''} : {}),
    },
    packages: Object.fromEntries(TRACKED_PACKAGES.map((p) => [p, packageVersion(p)])),
    hostname: os.hostname(),
    blas: blasContext(),
  };
}

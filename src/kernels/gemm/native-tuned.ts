// `dlbench tune`'s result for this machine: the micro-kernel, cache blocks and thread split that
// measured fastest, cached per CPU fingerprint in $XDG_CACHE_HOME/dlbench beside the roofs and
// validated the same way (a schema, a version, the fingerprint): a file that fails any check is
// ignored with one line saying why, and gemm/native falls back to the blocking model.
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Type, type Static} from '@sinclair/typebox';
import {TypeCompiler} from '@sinclair/typebox/compiler';
import {writeFileAtomic} from '../../core/write-file.js';
import type {KernelInfo} from '../../native/loader.js';
import type {CacheSizes} from './native-blocking.js';

export const TUNE_VERSION = 1;

const Positive = Type.Integer({minimum: 1});

export const TunedSchema = Type.Object({
  tuneVersion: Type.Literal(TUNE_VERSION),
  fingerprint: Type.String({pattern: '^[0-9a-f]{16}$'}),
  tunedAt: Type.String(),
  budgetS: Type.Number({minimum: 0}),
  sizes: Type.Array(Positive, {minItems: 1}),
  threads: Positive,
  best: Type.Object({
    symbol: Type.String({pattern: '^dlb_sgemm_[a-z0-9]+_[0-9]+x[0-9]+$'}),
    mc: Positive,
    kc: Positive,
    nc: Positive,
    split: Type.Union([Type.Literal('auto'), Type.Literal('columns'), Type.Literal('rows')]),
    gflops: Type.Number({exclusiveMinimum: 0}),
  }),
  /** The blocking model's choice measured in the same run, for comparison. */
  model: Type.Object({symbol: Type.String(), gflops: Type.Number({exclusiveMinimum: 0})}),
  tried: Positive,
});
export type Tuned = Static<typeof TunedSchema>;

const checker = TypeCompiler.Compile(TunedSchema);

/** What identifies a machine for the tuned choice: CPU, cores, caches, the addon's kernels, Node. */
export function tuneFingerprint(caches: CacheSizes, kernels: KernelInfo[]): string {
  const key = JSON.stringify([
    TUNE_VERSION,
    os.cpus()[0]?.model ?? '',
    os.cpus().length,
    process.arch,
    [caches.L1d, caches.L2, caches.L3],
    kernels.filter((k) => k.supported).map((k) => k.symbol),
    process.versions.node,
  ]);
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function tuneCacheFile(fingerprint: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'dlbench', `gemm-tune-${fingerprint}.json`);
}

/** The text as a Tuned record for this fingerprint and kernel set, or why not (one line). */
export function parseTuned(
  text: string,
  fingerprint: string,
  kernels: KernelInfo[],
): {ok: true; tuned: Tuned} | {ok: false; reason: string} {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return {ok: false, reason: `not JSON (${(e as Error).message})`};
  }
  if (!checker.Check(data)) {
    const first = checker.Errors(data).First();
    return {ok: false, reason: `bad shape at ${first?.path || '/'}: ${first?.message ?? 'invalid'}`};
  }
  if (data.fingerprint !== fingerprint)
    return {ok: false, reason: `fingerprint ${data.fingerprint} is not this machine's (${fingerprint})`};
  const k = kernels.find((x) => x.symbol === data.best.symbol);
  if (!k?.supported) return {ok: false, reason: `kernel ${data.best.symbol} is not in this build or cannot run here`};
  return {ok: true, tuned: data};
}

/** The cached tuned choice, or undefined (no file, or one that fails a check: `warn` says why). */
export function loadTuned(
  fingerprint: string,
  kernels: KernelInfo[],
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Tuned | undefined {
  const file = tuneCacheFile(fingerprint, env);
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    warn(`dlbench: ignoring tune cache ${file}: ${(e as Error).message}`);
    return undefined;
  }
  const parsed = parseTuned(text, fingerprint, kernels);
  if (parsed.ok) return parsed.tuned;
  warn(`dlbench: ignoring tune cache ${file}: ${parsed.reason}; run \`dlbench tune\``);
  return undefined;
}

export function saveTuned(t: Tuned, env: NodeJS.ProcessEnv = process.env): string {
  const file = tuneCacheFile(t.fingerprint, env);
  mkdirSync(path.dirname(file), {recursive: true});
  writeFileAtomic(file, JSON.stringify(t, null, 2) + '\n');
  return file;
}

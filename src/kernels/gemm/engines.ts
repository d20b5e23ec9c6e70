// The GEMM engines other ops compose with, fastest first (the engines of the GEMM list, by rank):
// `fastestEngine` picks the first available, `findEngine` resolves a `--gemm` flag ('blocked'
// or 'gemm/blocked').
import {UsageError} from '../../core/errors.js';
import type {Caps, KernelVariant} from '../../core/types.js';
import {blockedEngine} from './blocked.js';
import type {GemmEngine} from './engine.js';
import {gemmKernels} from './kernels.js';
import type {GemmInputs, GemmShape} from './spec.js';
import {defaultCutoff, makeStrassen} from './strassen.js';

export {blockedEngine};

export const gemmEngines: GemmEngine[] = gemmKernels()
  .filter((k) => k.engine)
  .sort((x, y) => (x.engineRank ?? Infinity) - (y.engineRank ?? Infinity))
  .map((k) => k.engine!);

export function engineNames(): string[] {
  return gemmEngines.map((e) => e.id.replace(/^gemm\//, ''));
}

export function findEngine(name: string, flag = '--gemm'): GemmEngine {
  const id = name.startsWith('gemm/') ? name : `gemm/${name}`;
  const e = gemmEngines.find((x) => x.id === id);
  if (!e) throw new UsageError(`${flag}: unknown GEMM engine '${name}'. Valid: ${engineNames().join(', ')}`);
  return e;
}

export function fastestEngine(caps: Caps): GemmEngine {
  return gemmEngines.find((e) => e.available(caps).ok) ?? blockedEngine;
}

/** The backend of a GEMM engine by id, for rows that record the engine they composed on. */
export function gemmEngineBackend(id: string): string | undefined {
  return gemmEngines.find((e) => e.id === id)?.backend;
}

/** Strassen on a `--gemm` engine name (`blocked`, `workers`, …). */
export function strassenOn(name: string, cutoff?: number): KernelVariant<GemmShape, GemmInputs, Float32Array> {
  const engine = findEngine(name, '--gemm');
  return makeStrassen(engine, cutoff ?? defaultCutoff(engine));
}

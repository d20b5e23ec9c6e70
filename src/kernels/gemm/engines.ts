// The GEMM engines other ops compose with, fastest first: `fastestEngine` picks the first
// available, `findEngine` resolves a `--gemm` flag ('blocked' or 'gemm/blocked').
import {UsageError} from '../../core/errors.js';
import type {Caps} from '../../core/types.js';
import {blockedGemmCall, blockedWorkspace, DEFAULT_BLOCKS, type BlockedWorkspace} from './blocked.js';
import type {GemmCall, GemmEngine} from './engine.js';
import {nativeEngine, openblasEngine} from './native-engine.js';
import {workersEngine} from './workers.js';

export const blockedEngine: GemmEngine = {
  id: 'gemm/blocked',
  backend: 'js',
  available: () => ({ok: true}),
  create({maxM = 1, maxN = 1, maxK = 1}) {
    let ws: BlockedWorkspace = blockedWorkspace({m: maxM, n: maxN, k: maxK}, DEFAULT_BLOCKS);
    return {
      gemm(call: GemmCall) {
        const need = blockedWorkspace(call, DEFAULT_BLOCKS);
        if (need.ap.length > ws.ap.length || need.bp.length > ws.bp.length) ws = need;
        blockedGemmCall(call, DEFAULT_BLOCKS, ws);
      },
    };
  },
};

/** Fastest first. Later rungs (native, workers, webgpu) prepend themselves here. */
// workers-on-blocked sits below native: it is the fastest engine only where the addon is missing.
export const gemmEngines: GemmEngine[] = [nativeEngine, openblasEngine, workersEngine, blockedEngine];

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

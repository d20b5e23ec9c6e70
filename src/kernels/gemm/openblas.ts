// Reference rung: the vendor BLAS. cblas_sgemm from a system OpenBLAS (else BLIS, else any
// libblas exporting CBLAS), found by dlopen in the native addon at run time, so nothing links
// against it. Decades of hand-tuned assembly: the bar gemm/native is measured against.
// Threads via openblas_set_num_threads(--threads); bottleneck: FMA issue, like gemm/native.
// Importing this file neither loads the addon nor dlopens the library: both wait for first use.
import type {Availability, KernelVariant} from '../../core/types.js';
import {loadNative, type NativeAddon} from '../../native/loader.js';
import type {GemmCall, GemmEngine} from './engine.js';
import {callArgs, requireAddon} from './native.js';
import {gemmSpec, type GemmInputs, type GemmShape} from './spec.js';

interface State {
  addon: NativeAddon;
  threads: number;
  p: GemmShape;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
}

export function blasAvailability(): Availability & {library?: string; config?: string} {
  const n = loadNative();
  if (!n.ok) return {ok: false, reason: n.reason};
  const b = n.addon.blasLoad();
  return b.ok ? {ok: true, library: b.library, config: b.config} : {ok: false, reason: b.reason};
}

function blasOk(): Availability {
  const b = blasAvailability();
  return b.ok ? {ok: true} : {ok: false, reason: b.reason};
}

let params: Record<string, string> | undefined;

export const openblas: KernelVariant<GemmShape, GemmInputs, Float32Array, State> = {
  id: 'gemm/openblas',
  op: 'gemm',
  backend: 'native',
  summary: 'system CBLAS (OpenBLAS/BLIS) sgemm via dlopen: the vendor reference for gemm/native',
  get params() {
    if (!params) {
      const b = blasAvailability();
      params = b.ok ? {library: b.library ?? '', config: b.config ?? ''} : {};
    }
    return params;
  },
  spec: gemmSpec,
  available: blasOk,
  prepare: (p, {a, b}, {threads}) => ({addon: requireAddon(), threads, p, a, b, c: new Float32Array(p.m * p.n)}),
  run(s) {
    const {m, n, k} = s.p;
    s.addon.blasSgemm(s.threads, m, n, k, s.a, 0, k, 0, s.b, 0, n, 0, s.c, 0, n, 0);
    return s.c;
  },
};

export const openblasEngine: GemmEngine = {
  id: 'gemm/openblas',
  backend: 'native',
  available: blasOk,
  create({threads}) {
    const addon = requireAddon();
    return {gemm: (g: GemmCall) => addon.blasSgemm(threads, ...callArgs(g))};
  },
};

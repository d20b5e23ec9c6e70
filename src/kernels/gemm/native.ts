// Rung 6: native SIMD GEMM (the C addon in src/native). Over the JS blocked rung: the same
// Goto/BLIS loops (ic/MC → pc/KC → jc/NC → ir/MR → jr/NR) in C, fp32 FMA micro-kernels per ISA
// (AVX-512 12×32, AVX2 6×16, scalar 4×4) chosen at run time, and pthreads over bands of C.
// Expected bottleneck: FMA issue in the micro-kernel (compute-bound above a few hundred per side).
import type {KernelVariant} from '../../core/types.js';
import {bestIsa, kernelFor, loadNative, type Isa, type NativeAddon} from '../../native/loader.js';
import {gemmSpec, type GemmInputs, type GemmShape} from './spec.js';

/**
 * Shapes where the native kernels' tiles and blocks break: MR±1 / NR±1 for each micro-kernel
 * (AVX-512 12×32, AVX2 6×16, scalar 4×4), KC±1 (384, 512, 256), NC+1 (AVX-512's 512, the others'
 * 256), MC+1 (AVX2's 3072: one stretched ic block) and beyond 1.5·MC (two balanced ic blocks on
 * every ISA). test/native.test.ts checks these numbers against the addon's own kernel table.
 */
export const NATIVE_TILES = {avx512: {mr: 12, nr: 32, kc: 384}, avx2: {mr: 6, nr: 16, kc: 512}, scalar: {mr: 4, nr: 4, kc: 256}, nc: 512, mcAvx2: 3072};
export const nativeEdgeShapes: GemmShape[] = [
  {m: 11, n: 31, k: 383}, {m: 13, n: 33, k: 385}, {m: 12, n: 32, k: 384},
  {m: 5, n: 15, k: 511}, {m: 7, n: 17, k: 513}, {m: 6, n: 16, k: 512},
  {m: 3, n: 5, k: 255}, {m: 5, n: 3, k: 257},
  {m: 25, n: 257, k: 9}, {m: 25, n: 513, k: 9}, {m: 3073, n: 19, k: 5}, {m: 6200, n: 19, k: 5},
];

interface State {
  addon: NativeAddon;
  isa: Isa;
  threads: number;
  p: GemmShape;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
}

function describeKernel(isa: Isa): Record<string, number | string> {
  const k = kernelFor(isa);
  return k.ok ? {isa, kernel: k.kernel.symbol, mr: k.kernel.mr, nr: k.kernel.nr, mc: k.kernel.mc, kc: k.kernel.kc, nc: k.kernel.nc} : {isa};
}

/** 'best' is `gemm/native` (the widest ISA this CPU has); the others force one ISA. */
export function makeNative(which: Isa | 'best'): KernelVariant<GemmShape, GemmInputs, Float32Array, State> {
  const resolve = (): Isa => (which === 'best' ? bestIsa() ?? 'scalar' : which);
  return {
    id: which === 'best' ? 'gemm/native' : `gemm/native-${which}`,
    op: 'gemm',
    backend: 'native',
    summary: which === 'best'
      ? 'C addon, Goto/BLIS packing + blocking, best SIMD micro-kernel dispatched at run time, pthreads'
      : `C addon forced to the ${which} micro-kernel (${which === 'scalar' ? 'portable reference' : `${which} FMA`}), pthreads`,
    params: describeKernel(resolve()),
    spec: gemmSpec,
    available() {
      const k = kernelFor(resolve());
      return k.ok ? {ok: true} : {ok: false, reason: k.reason};
    },
    prepare(p, {a, b}, {threads}) {
      const n = loadNative();
      if (!n.ok) throw new Error(n.reason);
      return {addon: n.addon, isa: resolve(), threads, p, a, b, c: new Float32Array(p.m * p.n)};
    },
    run(s) {
      const {m, n, k} = s.p;
      s.addon.sgemm(s.isa, s.threads, m, n, k, s.a, 0, k, 0, s.b, 0, n, 0, s.c, 0, n, 0);
      return s.c;
    },
  };
}

export const native = makeNative('best');
export const nativeAvx512 = makeNative('avx512');
export const nativeAvx2 = makeNative('avx2');
export const nativeScalar = makeNative('scalar');

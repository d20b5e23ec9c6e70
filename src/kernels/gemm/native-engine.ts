// The native GEMM as a building block (Strassen, im2col conv, FC layers, SVD): a GemmEngine
// that passes the whole GemmCall (offsets, leading dimensions, transposes, beta) to the addon,
// which packs straight from the caller's strided views, so sub-matrices are never copied.
import type {GemmCall, GemmEngine} from './engine.js';
import {bestIsa, kernelFor, loadNative, type Isa} from '../../native/loader.js';
import {blasAvailability} from './openblas.js';

/** Resolves a GemmCall's defaults to the addon's positional arguments after `threads`. */
export function callArgs(g: GemmCall): [number, number, number, Float32Array, number, number, number, Float32Array, number, number, number, Float32Array, number, number, number] {
  const lda = g.lda ?? (g.transA ? g.m : g.k);
  const ldb = g.ldb ?? (g.transB ? g.k : g.n);
  return [g.m, g.n, g.k, g.a, g.aOffset ?? 0, lda, g.transA ? 1 : 0, g.b, g.bOffset ?? 0, ldb, g.transB ? 1 : 0,
    g.c, g.cOffset ?? 0, g.ldc ?? g.n, g.beta ?? 0];
}

export function makeNativeEngine(which: Isa | 'best'): GemmEngine {
  const resolve = (): Isa => (which === 'best' ? bestIsa() ?? 'scalar' : which);
  return {
    id: which === 'best' ? 'gemm/native' : `gemm/native-${which}`,
    backend: 'native',
    available() {
      const k = kernelFor(resolve());
      return k.ok ? {ok: true} : {ok: false, reason: k.reason};
    },
    create({threads}) {
      const n = loadNative();
      if (!n.ok) throw new Error(n.reason);
      const addon = n.addon, isa = resolve();
      return {gemm: (g: GemmCall) => addon.sgemm(isa, threads, ...callArgs(g))};
    },
  };
}

export const nativeEngine = makeNativeEngine('best');

export const openblasEngine: GemmEngine = {
  id: 'gemm/openblas',
  backend: 'native',
  available() {
    const b = blasAvailability();
    return b.ok ? {ok: true} : {ok: false, reason: b.reason};
  },
  create({threads}) {
    const n = loadNative();
    if (!n.ok) throw new Error(n.reason);
    const addon = n.addon;
    return {gemm: (g: GemmCall) => addon.blasSgemm(threads, ...callArgs(g))};
  },
};

// Winograd with native transforms (src/native/winograd.c): the whole convolution in one addon call —
// input transform into the micro-kernel's packed-B panels, α² products on the native micro-kernel,
// output transform with the bias. The filters are transformed and packed for that kernel in prepare
// (weights are constant at inference: an inference library's weight packing), so nothing is packed
// at run time. Taken when the GEMM engine is native (gemm/native, gemm/native-<isa>) and the addon loads.
import type {GemmEngine} from '../gemm/engine.js';
import {bestIsa, kernelFor, loadNative, type Isa, type NativeAddon} from '../../native/loader.js';
import {outDims, type ConvInputs, type ConvShape} from './spec.js';

/** The ISA whose micro-kernel runs the products when `engine` is the native engine (or one of its ISAs), else undefined. */
export function nativeIsaOf(engine: GemmEngine): Isa | undefined {
  const m = /^gemm\/native(?:-(avx512|avx2|scalar))?$/.exec(engine.id);
  if (!m || !loadNative().ok) return undefined;
  const isa = (m[1] as Isa | undefined) ?? bestIsa();
  return isa && kernelFor(isa).ok ? isa : undefined;
}

export interface NativeWinogradState {
  p: ConvShape;
  inputs: ConvInputs;
  out: Float32Array;
  /** Transformed filters packed as MR-row slivers: [group][ξ][kpad/MR][C/g][MR], zero rows past K/g. */
  up: Float32Array;
  isa: Isa;
  m: number;
  threads: number;
  addon: NativeAddon;
}

/**
 * Repacks U ([group][ξ][K/g][C/g], from the filter transform) into the micro-kernel's A format: for each
 * group and ξ, slivers of MR filters, each C/g steps of MR values (filter-minor), padded with zero filters.
 */
export function packFilters(u: Float32Array, p: ConvShape, a2: number, mr: number): Float32Array {
  const cg = p.c / p.groups,
    kg = p.k / p.groups,
    kpad = Math.ceil(kg / mr) * mr;
  const up = new Float32Array(p.groups * a2 * kpad * cg);
  for (let gx = 0; gx < p.groups * a2; gx++) {
    for (let k = 0; k < kg; k++) {
      const src = (gx * kg + k) * cg,
        sliver = gx * kpad * cg + Math.floor(k / mr) * mr * cg,
        i = k % mr;
      for (let c = 0; c < cg; c++) up[sliver + c * mr + i] = u[src + c];
    }
  }
  return up;
}

export function prepareNative(
  p: ConvShape,
  inputs: ConvInputs,
  u: Float32Array,
  m: number,
  isa: Isa,
  threads: number,
): NativeWinogradState {
  const n = loadNative();
  if (!n.ok) throw new Error(n.reason);
  const k = kernelFor(isa);
  if (!k.ok) throw new Error(k.reason);
  const {P, Q} = outDims(p);
  return {
    p,
    inputs,
    out: new Float32Array(p.n * p.k * P * Q),
    up: packFilters(u, p, (m + 2) ** 2, k.kernel.mr),
    isa,
    m,
    threads,
    addon: n.addon,
  };
}

export function runNative(st: NativeWinogradState): Float32Array {
  const {p, inputs} = st;
  st.addon.winogradConv(
    st.isa,
    st.threads,
    st.m,
    p.layout === 'nchw' ? 1 : 0,
    p.n,
    p.c,
    p.h,
    p.w,
    p.k,
    p.groups,
    p.pad,
    inputs.x,
    st.up,
    inputs.bias ?? null,
    st.out,
    0,
  );
  return st.out;
}

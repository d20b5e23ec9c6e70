// The memory-bound layers in C (src/native/layers.c): the native rung over layer/js for ReLU, bias
// add, max-pool, LRN and softmax. Same arithmetic, but vectorized and split over the pool's threads
// for large tensors: each should run near the memory roof, where layer/js sits at ~1 ns an element.
// `dlbench net` uses it between the conv and FC layers when the addon is built.
import type {KernelVariant} from '../../core/types.js';
import {loadNative, type NativeAddon} from '../../native/loader.js';
import {LRN_DEFAULTS} from './lrn.js';
import {layerSpec, outputLength, type LayerInputs, type LayerShape, type Nchw} from './spec.js';

const NATIVE_KINDS: ReadonlySet<LayerShape['kind']> = new Set(['relu', 'bias', 'maxpool', 'lrn', 'softmax']);

interface State {
  addon: NativeAddon;
  threads: number;
  p: LayerShape;
  inputs: LayerInputs;
  out: Float32Array;
}

/** 0 = NCHW, 1 = NHWC (shapes without a layout are NCHW). */
const layoutCode = (p: Nchw): number => (p.layout === 'nhwc' ? 1 : 0);

export function runLayerNative(
  addon: NativeAddon,
  threads: number,
  p: LayerShape,
  inp: LayerInputs,
  out: Float32Array,
): Float32Array {
  const x = inp.x;
  switch (p.kind) {
    case 'relu':
      addon.relu(threads, x, out);
      break;
    case 'bias':
      addon.biasAdd(threads, layoutCode(p), p.n, p.c, p.h, p.w, x, inp.bias!, out);
      break;
    case 'maxpool':
      addon.maxPool(threads, layoutCode(p), p.n, p.c, p.h, p.w, p.size, p.stride, x, out);
      break;
    case 'lrn': {
      const {size, alpha, beta, k} = LRN_DEFAULTS;
      addon.lrn(threads, layoutCode(p), p.n, p.c, p.h, p.w, size, alpha, beta, k, x, out);
      break;
    }
    case 'softmax':
      addon.softmax(p.n, p.d, x, out);
      break;
    default:
      throw new Error(`layer/native: no native kernel for ${p.kind}`);
  }
  return out;
}

export const layerNative: KernelVariant<LayerShape, LayerInputs, Float32Array, State> = {
  id: 'layer/native',
  op: 'layer',
  backend: 'native',
  summary: 'ReLU, bias add, max-pool, LRN, softmax in C: vectorized streaming passes, threads for large tensors',
  spec: layerSpec,
  available() {
    const n = loadNative();
    return n.ok ? {ok: true} : {ok: false, reason: n.reason};
  },
  supports: (p) =>
    NATIVE_KINDS.has(p.kind)
      ? {ok: true}
      : {ok: false, reason: `no native kernel for ${p.kind} (layer/native: ${[...NATIVE_KINDS].join(', ')})`},
  prepare(p, inputs, {threads}) {
    const n = loadNative();
    if (!n.ok) throw new Error(n.reason);
    return {addon: n.addon, threads, p, inputs, out: new Float32Array(outputLength(p))};
  },
  run: (st) => runLayerNative(st.addon, st.threads, st.p, st.inputs, st.out),
};

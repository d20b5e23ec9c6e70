// Native rung for fully-connected layers (layer/fc-packed), over layer/fc-native: at small batch an
// fc layer is a matrix-vector product bound by streaming W from DRAM, so W is packed once in
// `prepare` (set-up, as a framework packs constant weights) into panels of 64 output columns, each
// contiguous along IN; the timed call streams panel after panel with a prefetch far ahead, and the
// threads take panels from a shared counter (no fixed halves), so two threads use both cores'
// bandwidth and a descheduled one delays nothing. Bias in the epilogue. src/native/skinny.c.
import type {KernelVariant} from '../../core/types.js';
import {loadNative, type Isa, type NativeAddon} from '../../native/loader.js';
import {layerSpec, type LayerInputs, type LayerShape} from './spec.js';

interface State {
  addon: NativeAddon;
  isa: Isa;
  threads: number;
  p: Extract<LayerShape, {kind: 'fc'}>;
  x: Float32Array;
  wp: Float32Array;
  bias: Float32Array | null;
  y: Float32Array;
}

/** The packed weights of an IN×OUT matrix (row-major, y = x·W), as the addon's fcPacked reads them. */
export function packFcWeights(addon: NativeAddon, inF: number, out: number, w: Float32Array): Float32Array {
  const wp = new Float32Array(addon.fcPack(inF, out, w, 0, null));
  addon.fcPack(inF, out, w, 0, wp);
  return wp;
}

export const fcPacked: KernelVariant<LayerShape, LayerInputs, Float32Array, State> = {
  id: 'layer/fc-packed',
  op: 'layer',
  backend: 'native',
  summary: 'fully-connected with W packed once into 64-column panels streamed with prefetch; threads take panels from a counter',
  spec: layerSpec,
  available() {
    const n = loadNative();
    return n.ok ? {ok: true} : {ok: false, reason: n.reason};
  },
  supports: (p) => (p.kind === 'fc' ? {ok: true} : {ok: false, reason: `fully-connected only (got ${p.kind})`}),
  prepare(p, inputs, {threads}) {
    if (p.kind !== 'fc') throw new Error(`layer/fc-packed: fully-connected shapes only (got ${p.kind})`);
    const n = loadNative();
    if (!n.ok) throw new Error(n.reason);
    const addon = n.addon;
    return {
      addon,
      isa: addon.bestIsa(),
      threads,
      p,
      x: inputs.x,
      wp: packFcWeights(addon, p.in, p.out, inputs.w!),
      bias: inputs.bias ?? null,
      y: new Float32Array(p.n * p.out),
    };
  },
  run(st) {
    const {n, in: inF, out} = st.p;
    st.addon.fcPacked(st.isa, st.threads, n, inF, out, st.x, st.wp, st.bias, 0, st.y);
    return st.y;
  },
};

// The memory-bound layers in plain JavaScript (one variant for every kind but FC): the baseline
// against which a native or GPU layer would be compared, and what `dlbench net` runs between
// the conv and FC layers. Expected bottleneck: memory bandwidth (LRN and softmax: exp/pow).
import type {KernelVariant} from '../../core/types.js';
import {biasAddNchw, relu} from './elementwise.js';
import {lrnAcrossChannels} from './lrn.js';
import {maxPool} from './pool.js';
import {softmaxRows} from './softmax.js';
import {layerSpec, outputLength, type LayerInputs, type LayerShape} from './spec.js';
import {dot, transpose} from './transpose.js';

interface State {
  p: LayerShape;
  inputs: LayerInputs;
  out: Float32Array;
}

export function runLayerJs(p: LayerShape, inp: LayerInputs, out: Float32Array): Float32Array {
  const x = inp.x;
  switch (p.kind) {
    case 'relu': relu(x, out); break;
    case 'bias': biasAddNchw(x, inp.bias!, p.n, p.c, p.h * p.w, out); break;
    case 'lrn': lrnAcrossChannels(x, p.n, p.c, p.h * p.w, out); break;
    case 'maxpool': maxPool(x, p.n, p.c, p.h, p.w, p.size, p.stride, out); break;
    case 'softmax': softmaxRows(x, p.n, p.d, out); break;
    case 'transpose': transpose(x, p.rows, p.cols, out); break;
    case 'dot': out[0] = dot(x, inp.y!, p.len); break;
    case 'fc': throw new Error('layer/js: fully-connected layers run through layer/fc-<gemm>');
  }
  return out;
}

export const layerJs: KernelVariant<LayerShape, LayerInputs, Float32Array, State> = {
  id: 'layer/js',
  op: 'layer',
  backend: 'js',
  summary: 'ReLU, bias add, max-pool, LRN, softmax, transpose (32×32 blocks), dot: plain loops, memory-bound',
  spec: layerSpec,
  available: () => ({ok: true}),
  supports: (p) => (p.kind === 'fc' ? {ok: false, reason: 'fully-connected layers run through layer/fc-<gemm>'} : {ok: true}),
  prepare: (p, inputs) => ({p, inputs, out: new Float32Array(outputLength(p))}),
  run: (st) => runLayerJs(st.p, st.inputs, st.out),
};

// The memory-bound layers in plain JavaScript (one variant for every kind but FC): the baseline
// against which a native or GPU layer would be compared, and what `dlbench net` runs between
// the conv and FC layers. Expected bottleneck: memory bandwidth (LRN and softmax: exp/pow).
// Bias, LRN and max-pool have an NHWC form, chosen by the shape's layout (ReLU doesn't care).
import type {KernelVariant} from '../../core/types.js';
import {biasAddNchw, biasAddNhwc, relu} from './elementwise.js';
import {lrnAcrossChannels, lrnAcrossChannelsNhwc} from './lrn.js';
import {maxPool, maxPoolNhwc} from './pool.js';
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
    case 'relu':
      relu(x, out);
      break;
    case 'bias':
      if (p.layout === 'nhwc') biasAddNhwc(x, inp.bias!, p.n * p.h * p.w, p.c, out);
      else biasAddNchw(x, inp.bias!, p.n, p.c, p.h * p.w, out);
      break;
    case 'lrn':
      if (p.layout === 'nhwc') lrnAcrossChannelsNhwc(x, p.n * p.h * p.w, p.c, out);
      else lrnAcrossChannels(x, p.n, p.c, p.h * p.w, out);
      break;
    case 'maxpool':
      if (p.layout === 'nhwc') maxPoolNhwc(x, p.n, p.c, p.h, p.w, p.size, p.stride, out);
      else maxPool(x, p.n, p.c, p.h, p.w, p.size, p.stride, out);
      break;
    case 'softmax':
      softmaxRows(x, p.n, p.d, out);
      break;
    case 'transpose':
      transpose(x, p.rows, p.cols, out);
      break;
    case 'dot':
      out[0] = dot(x, inp.y!, p.len);
      break;
    case 'fc':
      throw new Error('layer/js: fully-connected layers run through layer/fc-<gemm>');
  }
  return out;
}

export const layerJs: KernelVariant<LayerShape, LayerInputs, Float32Array, State> = {
  id: 'layer/js',
  op: 'layer',
  backend: 'js',
  summary: 'ReLU, bias add, max-pool, LRN (NCHW or NHWC), softmax, transpose (32×32 blocks), dot: plain loops, memory-bound',
  spec: layerSpec,
  available: () => ({ok: true}),
  supports: (p) => (p.kind === 'fc' ? {ok: false, reason: 'fully-connected layers run through layer/fc-<gemm>'} : {ok: true}),
  prepare: (p, inputs) => ({p, inputs, out: new Float32Array(outputLength(p))}),
  run: (st) => runLayerJs(st.p, st.inputs, st.out),
};

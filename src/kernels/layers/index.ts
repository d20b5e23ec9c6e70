// The 'layer' op: network building blocks benchmarked alone (`run --op layer`). layer/js covers
// the memory-bound kinds (layer/native: the same in C); one layer/fc-<gemm> per GEMM engine covers fully-connected layers,
// and layer/fc-packed (weights packed once, streamed by a threaded GEMV) the small-batch ones.
import type {OpDefinition} from '../../core/types.js';
import {gemmEngines} from '../gemm/engines.js';
import {makeFc} from './fc.js';
import {fcPacked} from './fc-packed.js';
import {layerJs} from './js.js';
import {layerNative} from './native.js';
import {layerSpec, parseLayerShape, type LayerInputs, type LayerShape} from './spec.js';

const t = (token: string): LayerShape => parseLayerShape(token);

export const layer: OpDefinition<LayerShape, LayerInputs, Float32Array> = {
  name: 'layer',
  spec: layerSpec,
  variants: [layerJs, layerNative, ...[...gemmEngines].reverse().map(makeFc), fcPacked],
  parseShape: (token) => parseLayerShape(token),
  edgeShapes: [
    'relu:1x1x1x1',
    'relu:2x3x5x7',
    'bias:1x1x1x1',
    'bias:2x3x5x7',
    'maxpool2s2:1x1x2x2',
    'maxpool2s2:1x3x5x5',
    'maxpool3s2:2x2x7x9',
    'maxpool3s1:1x1x3x3',
    'lrn:1x1x3x3',
    'lrn:1x3x2x2',
    'lrn:2x7x3x5',
    // Channels-last forms of the 4-D kinds (the NHWC networks' bias, pooling and LRN).
    'relu:2x3x5x7-nhwc',
    'bias:1x1x1x1-nhwc',
    'bias:2x3x5x7-nhwc',
    'maxpool2s2:1x3x5x5-nhwc',
    'maxpool3s2:2x2x7x9-nhwc',
    'maxpool3s1:1x1x3x3-nhwc',
    'maxpool3s2:1x5x7x7-nhwc',
    'lrn:1x1x3x3-nhwc',
    'lrn:1x3x2x2-nhwc',
    'lrn:2x7x3x5-nhwc',
    'lrn:1x9x2x3-nhwc',
    'softmax:1x1',
    'softmax:3x17',
    'transpose:1x1',
    'transpose:7x13',
    'transpose:65x33',
    'dot:1',
    'dot:1001',
    'fc:1x1x1',
    'fc:3x17x5',
    'fc:2x300x7',
    'fc:5x33x65',
  ].map(t),
  presets: {
    quick: [
      'relu:1x64x112x112',
      'bias:1x64x112x112',
      'maxpool2s2:1x64x112x112',
      'maxpool3s2:1x96x55x55',
      'lrn:1x96x55x55',
      'maxpool3s2:1x96x55x55-nhwc',
      'lrn:1x96x55x55-nhwc',
      'softmax:8x1000',
      'transpose:1024x1024',
      'dot:1048576',
      'fc:1x4096x1000',
    ].map(t),
    standard: [
      'relu:1x64x224x224',
      'bias:1x64x224x224',
      'maxpool2s2:1x64x224x224',
      'maxpool3s2:1x96x55x55',
      'lrn:1x96x55x55',
      'bias:1x64x224x224-nhwc',
      'maxpool2s2:1x64x224x224-nhwc',
      'maxpool3s2:1x96x55x55-nhwc',
      'lrn:1x96x55x55-nhwc',
      'lrn:1x256x27x27',
      'softmax:32x1000',
      'transpose:4096x4096',
      'dot:16777216',
      'fc:1x9216x4096',
      'fc:32x9216x4096',
      'fc:1x4096x4096',
    ].map(t),
  },
};
